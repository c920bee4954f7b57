//! Reference `interpolate`, after ATen's CPU upsampling kernels
//! (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`, with the index helpers of
//! `aten/src/ATen/native/UpSample.h`) and, for `mode="area"`, its adaptive
//! average pooling (`aten/src/ATen/native/AdaptiveAveragePooling{,3d}.cpp`,
//! `aten/src/ATen/native/cpu/AdaptiveAvgPoolKernel.cpp`, and `start_index` /
//! `end_index` of `aten/src/ATen/native/AdaptivePooling.h`). The antialiased
//! modes are in [`super::antialias`].
//!
//! Every formula keeps ATen's `float` / `double` types: the scale is a
//! `float` (`compute_scales_value<float>` takes `1.0 / scale` in double and
//! casts), source indices are `float` and floored with `floorf`.
//!
//! # Which kernel, and fused multiply-adds
//! ATen has two kernels for most modes (a generic TensorIterator one and a
//! channels-last one) and picks one from the layout, the channel count and
//! the output size; they compute some indices and sums differently, so the
//! choice is followed here. And PyTorch's x86-64 wheels build these kernels
//! with GCC, FMA enabled (the AVX2 kernels, which PyTorch runs on AVX512
//! machines too for upsampling) and `-ffp-contract=fast`: GCC fuses some
//! `a * b + c` into one rounding. Which ones is not in the source; the
//! shapes below were measured against PyTorch 2.15 on x86-64, and with them
//! every mode but area's all-ones output matches it bit for bit. A build
//! without FMA (or another compiler, or aarch64) differs from this by
//! rounding in linear / cubic results, and, rarely, by one source index in
//! nearest-exact.

use crate::geometry::adaptive::{end_index, start_index};
use crate::geometry::interpolate::{InterpolateGeometry, InterpolateMode, interpolate_entry_point};
use crate::geometry::upsample::{
    Taps, area_pixel_compute_scale, cubic_taps, in_vector_loop, linear_channels_last_kernel,
    linear_index_fused, linear_taps, nearest_channels_last_kernel, nearest_source_index,
};
use crate::layout::{Dims, Layout, MAX_SPATIAL, for_each_point};

interpolate_entry_point! {
/// Reference twin of [`crate::interpolate`].
///
/// ```
/// use upsample::{reference, InterpolateMode, InterpolateOptions, Layout};
/// let opts = InterpolateOptions::size(InterpolateMode::Linear, &[4]).with_align_corners(true);
/// let mut out = [0.0; 4];
/// reference::interpolate(&[0.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out)?;
/// assert_eq!(out, [0.0, 1.0, 2.0, 3.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::interpolate`].
pub fn interpolate = resample
}

/// Where one output element lies: batch `n`, channel `c` and the padded
/// `[D, H, W]` point `spatial` of its plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct At {
    pub n: usize,
    pub c: usize,
    pub spatial: [usize; MAX_SPATIAL],
}

/// [`interpolate`] on a checked geometry and buffers (also the fast path's
/// fallback for windows wider than its tables).
pub(crate) fn resample(g: &InterpolateGeometry, input: &[f32], output: &mut [f32]) {
    let o = g.output;
    for n in 0..o.n {
        for c in 0..o.c {
            for_each_point(o.spatial, |spatial| {
                output[o.offset(n, c, spatial)] = value_at(g, input, At { n, c, spatial });
            });
        }
    }
}

/// One element of [`resample`]'s result, computed alone (the fast paths recompute an
/// output this way where a special value could make their order of
/// operations differ from PyTorch's). Out of line, and each mode's
/// computation out of line from it: the stack it takes on top of the
/// fix-up's callers is the one mode's.
#[inline(never)]
pub(crate) fn value_at(g: &InterpolateGeometry, input: &[f32], at: At) -> f32 {
    // The geometry only accepts lanczos together with antialias.
    if g.antialias || g.mode == InterpolateMode::Lanczos {
        return super::antialias::value_at(g, input, at);
    }
    match g.mode {
        InterpolateMode::Nearest | InterpolateMode::NearestExact => nearest(g, input, at),
        InterpolateMode::Area => area(g, input, at),
        InterpolateMode::Linear
        | InterpolateMode::Bilinear
        | InterpolateMode::Trilinear
        | InterpolateMode::Bicubic
        | InterpolateMode::Lanczos => separable(g, input, at),
    }
}

/// Nearest / nearest-exact: a copy of the source element, no arithmetic.
#[inline(never)] // `value_at`'s frame holds none of the modes' locals
fn nearest(g: &InterpolateGeometry, input: &[f32], at: At) -> f32 {
    let At { n, c, spatial: op } = at;
    let (i, o) = (g.input, g.output);
    let exact = g.mode == InterpolateMode::NearestExact;
    // `cpu_upsample_nearest_channels_last` (index helpers `nearest_idx` /
    // `nearest_exact_idx`) or the generic kernel (`HelperInterpNearest` /
    // `HelperInterpNearestExact`, always for 1-d).
    let channels_last_kernel = nearest_channels_last_kernel(&i, &o);
    let mut ip = [0; MAX_SPATIAL];
    for a in MAX_SPATIAL - i.rank..MAX_SPATIAL {
        ip[a] = nearest_source_index(
            exact,
            channels_last_kernel,
            op[a],
            i.spatial[a],
            o.spatial[a],
            g.scales[a],
        );
    }
    input[i.offset(n, c, ip)]
}

// ---------------------------------------------------------------------------
// Linear, bilinear, trilinear, bicubic: the weighted sums
// ---------------------------------------------------------------------------

/// The taps of one output of [`separable`] on input plane `(n, c)`: what
/// both of ATen's weighted sums read.
struct Neighbourhood<'a> {
    input: &'a [f32],
    i: &'a Dims,
    n: usize,
    c: usize,
    taps: [Taps; MAX_SPATIAL],
}

impl Neighbourhood<'_> {
    /// The input element at `point` of the plane.
    fn read(&self, point: [usize; MAX_SPATIAL]) -> f32 {
        self.input[self.i.offset(self.n, self.c, point)]
    }

    /// `Interpolate<n, ...>::eval` of the generic kernel: along axis `a`,
    /// the weighted sum of the weighted sums along the inner axes, the
    /// outermost spatial axis outermost. Written `out = t0 * w0 + t1 * w1
    /// (+ t2 * w2 + t3 * w3)`; built as `fma(t0, w0, t1 * w1)`, then
    /// `fma(tj, wj, out)`.
    fn generic_sum(&self, a: usize, mut point: [usize; MAX_SPATIAL]) -> f32 {
        let t = &self.taps[a];
        let mut value = [0.0f32; 4];
        for (slot, &index) in value.iter_mut().zip(&t.index).take(t.len) {
            point[a] = index;
            *slot = if a + 1 == MAX_SPATIAL {
                self.read(point)
            } else {
                self.generic_sum(a + 1, point)
            };
        }
        let mut out = libm::fmaf(value[0], t.weight[0], value[1] * t.weight[1]);
        for (&v, &w) in value.iter().zip(&t.weight).take(t.len).skip(2) {
            out = libm::fmaf(v, w, out);
        }
        out
    }

    /// `cpu_upsample_linear_channels_last`: one weight per corner of the
    /// 2^rank neighbourhood (axes `first..`), the product of its axes'
    /// lambdas outermost axis first (`w011 = d0lambda * h1lambda *
    /// w1lambda`), then the sum `i000 * w000 + i001 * w001 + ...` over the
    /// corners, innermost axis fastest. As built: the scalar tail fuses it
    /// from the left (`out = fma(i0, w0, i1 * w1)`, then `out = fma(ik, wk,
    /// out)`), the vector loop from the right (`fma(i0, w0, fma(i1, w1, ...
    /// fma(iL, wL, iL-1 * wL-1)))` for the last corner L).
    fn channels_last_sum(&self, first: usize) -> f32 {
        let taps = &self.taps;
        let count = 1usize << (MAX_SPATIAL - first);
        let mut value = [0.0f32; 1 << MAX_SPATIAL];
        let mut weight = [1.0f32; 1 << MAX_SPATIAL];
        for corner in 0..count {
            let mut point = [0; MAX_SPATIAL];
            for a in first..MAX_SPATIAL {
                let side = (corner >> (MAX_SPATIAL - 1 - a)) & 1;
                point[a] = taps[a].index[side];
                weight[corner] = if a == first {
                    taps[a].weight[side]
                } else {
                    weight[corner] * taps[a].weight[side]
                };
            }
            value[corner] = self.read(point);
        }
        if in_vector_loop(self.c, self.i.c) {
            let last = count - 1;
            let mut out = libm::fmaf(
                value[last],
                weight[last],
                value[last - 1] * weight[last - 1],
            );
            for k in (0..last - 1).rev() {
                out = libm::fmaf(value[k], weight[k], out);
            }
            out
        } else {
            let mut out = libm::fmaf(value[0], weight[0], value[1] * weight[1]);
            for k in 2..count {
                out = libm::fmaf(value[k], weight[k], out);
            }
            out
        }
    }
}

/// Linear, bilinear, trilinear (`HelperInterpLinear`) and bicubic
/// (`HelperInterpCubic`) through `upsample_generic_Nd_kernel_impl`, or,
/// where ATen takes it ([`linear_channels_last_kernel`]),
/// `cpu_upsample_linear_channels_last`.
#[inline(never)] // `value_at`'s frame holds none of the modes' locals
fn separable(g: &InterpolateGeometry, input: &[f32], at: At) -> f32 {
    let At { n, c, spatial: op } = at;
    let (i, o) = (&g.input, &g.output);
    let cubic = g.mode == InterpolateMode::Bicubic;
    let channels_last_kernel = linear_channels_last_kernel(g);
    // Which axes' source index is fused (see area_pixel_compute_source_index).
    let fused_linear_index = linear_index_fused(g);
    let first = MAX_SPATIAL - i.rank;
    // Padded axes (size 1, not in the PyTorch tensor) keep this
    // placeholder; both sums start below them.
    let mut taps = [Taps {
        index: [0; 4],
        weight: [1.0, 0.0, 0.0, 0.0],
        len: 1,
    }; MAX_SPATIAL];
    for a in first..MAX_SPATIAL {
        let scale =
            area_pixel_compute_scale(i.spatial[a], o.spatial[a], g.align_corners, g.scales[a]);
        taps[a] = if cubic {
            cubic_taps(op[a], i.spatial[a], scale, g.align_corners, true)
        } else {
            linear_taps(
                op[a],
                i.spatial[a],
                o.spatial[a],
                scale,
                g.align_corners,
                fused_linear_index[a],
            )
        };
    }
    let around = Neighbourhood {
        input,
        i,
        n,
        c,
        taps,
    };
    if channels_last_kernel {
        around.channels_last_sum(first)
    } else {
        around.generic_sum(first, [0; MAX_SPATIAL])
    }
}

// ---------------------------------------------------------------------------
// Area: adaptive average pooling
// ---------------------------------------------------------------------------

/// `mode="area"`: `adaptive_avg_pool{1,2,3}d` (1-d runs as 2-d with H = 1).
///
/// When every output size is 1, ATen takes `input.mean(spatial dims)`: a
/// float sum by its own reduction order, divided by the element count. That
/// order is not followed here: the sum is taken in double and rounded once,
/// which stays within that reduction's rounding of it.
///
/// Otherwise `cpu_adaptive_avg_pool{2,3}d{,_channels_last}`: per output, a
/// float sum from 0 over the window, outer axis outermost, then
/// `sum / kd / kh / kw` (a division by a padded axis' 1 is exact); the
/// channels-last kernels' vector loop divides by `kd * kh * kw` at once.
#[inline(never)] // `value_at`'s frame holds none of the modes' locals
fn area(g: &InterpolateGeometry, input: &[f32], at: At) -> f32 {
    let At { n, c, spatial: op } = at;
    let (i, o) = (g.input, g.output);
    if o.plane() == 1 {
        let mut sum = 0.0f64;
        for_each_point(i.spatial, |ip| sum += input[i.offset(n, c, ip)] as f64);
        return sum as f32 / i.plane() as f32;
    }
    // `input.suggest_memory_format()` is channels-last.
    let channels_last_kernel = i.layout == Layout::ChannelsLast;
    let mut start = [0; MAX_SPATIAL];
    let mut end = [0; MAX_SPATIAL];
    for a in 0..MAX_SPATIAL {
        start[a] = start_index(op[a], o.spatial[a], i.spatial[a]);
        end[a] = end_index(op[a], o.spatial[a], i.spatial[a]);
    }
    let mut sum = 0.0f32;
    for z in start[0]..end[0] {
        for y in start[1]..end[1] {
            for x in start[2]..end[2] {
                sum += input[i.offset(n, c, [z, y, x])];
            }
        }
    }
    let [kd, kh, kw] = [end[0] - start[0], end[1] - start[1], end[2] - start[2]];
    if channels_last_kernel && in_vector_loop(c, i.c) {
        sum / (kd * kh * kw) as f32
    } else {
        sum / kd as f32 / kh as f32 / kw as f32
    }
}
