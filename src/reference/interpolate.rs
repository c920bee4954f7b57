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

use crate::error::Error;
use crate::interpolate::{InterpolateGeometry, InterpolateMode, InterpolateOptions};
use crate::layout::{Dims, Layout, MAX_SPATIAL, for_each_point};

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
pub fn interpolate(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.check_buffers(input, output)?;
    // The geometry only accepts lanczos together with antialias.
    if g.antialias || g.mode == InterpolateMode::Lanczos {
        super::antialias::interpolate_aa(input, &g, output);
        return Ok(());
    }
    match g.mode {
        InterpolateMode::Nearest | InterpolateMode::NearestExact => nearest(input, &g, output),
        InterpolateMode::Area => area(input, &g, output),
        InterpolateMode::Linear
        | InterpolateMode::Bilinear
        | InterpolateMode::Trilinear
        | InterpolateMode::Bicubic
        | InterpolateMode::Lanczos => separable(input, &g, output),
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Kernel choice
// ---------------------------------------------------------------------------

/// `Vectorized<float>::size()` in the AVX2 kernels: the channels-last
/// kernels run channels `0..C - C % 8` through vector code and the rest
/// through a scalar tail, whose sums are fused differently.
const VECTOR_FLOATS: usize = 8;

/// Whether channel `c` of `channels` goes through a channels-last kernel's
/// vector loop (`d < size - (size % Vec::size())`) rather than its tail.
fn in_vector_loop(c: usize, channels: usize) -> bool {
    c < channels - channels % VECTOR_FLOATS
}

/// `input.is_contiguous(ChannelsLast / ChannelsLast3d)`: true for a
/// channels-last buffer, and for a channels-first one whose C stride is 1
/// too (C == 1 or a 1x1(x1) plane), the two orders being then the same bytes.
fn is_channels_last_contiguous(i: &Dims) -> bool {
    i.layout == Layout::ChannelsLast || i.c == 1 || i.plane() == 1
}

/// `_use_vectorized_kernel_cond_2d`: the 2-d nearest and bilinear kernels go
/// to their channels-last variants for a channels-last input with C > 3, or
/// whenever `output_H + output_W <= 128`.
fn use_channels_last_kernel_2d(i: &Dims, o: &Dims) -> bool {
    (is_channels_last_contiguous(i) && i.c > 3) || o.spatial[1] + o.spatial[2] <= 128
}

/// `_use_vectorized_kernel_cond_3d`: channels-last-3d input with C > 3.
fn use_channels_last_kernel_3d(i: &Dims) -> bool {
    is_channels_last_contiguous(i) && i.c > 3
}

// ---------------------------------------------------------------------------
// Scales and source indices (UpSample.h)
// ---------------------------------------------------------------------------

/// `compute_scales_value<float>`: the user's scale factor inverted in double
/// and cast to float, or `(float)input_size / output_size`.
fn compute_scales_value(scale: Option<f64>, input_size: usize, output_size: usize) -> f32 {
    match scale {
        // ATen's "magic > 0": a non-positive scale means "not given".
        Some(s) if s > 0.0 => (1.0 / s) as f32,
        _ => input_size as f32 / output_size as f32,
    }
}

/// `area_pixel_compute_scale<float>`: `(in - 1) / (out - 1)` (0 for one
/// output) with `align_corners`, else `compute_scales_value`.
fn area_pixel_compute_scale(
    input_size: usize,
    output_size: usize,
    align_corners: bool,
    scale: Option<f64>,
) -> f32 {
    if align_corners {
        if output_size > 1 {
            (input_size - 1) as f32 / (output_size - 1) as f32
        } else {
            0.0
        }
    } else {
        compute_scales_value(scale, input_size, output_size)
    }
}

/// `area_pixel_compute_source_index<float>`: `scale * dst` with
/// `align_corners`, else `scale * (dst + 0.5) - 0.5`, clamped at 0 unless
/// `cubic`. All `float`.
///
/// `fused`: whether PyTorch's build contracts `scale * (dst + 0.5) - 0.5`
/// into one fused multiply-add. An ulp of source index is enough to change a
/// nearest-exact index, or a linear / cubic result by more than the
/// tolerance on steep data. Fused in `HelperInterpNearestExact`,
/// `HelperInterpCubic`, the 2-d `cpu_upsample_linear_channels_last` and the
/// D and H axes of the 3-d one; separate in `HelperInterpLinear` and the W
/// axis of the 3-d channels-last linear kernel.
fn area_pixel_compute_source_index(
    scale: f32,
    dst_index: usize,
    align_corners: bool,
    cubic: bool,
    fused: bool,
) -> f32 {
    if align_corners {
        scale * dst_index as f32
    } else {
        let dst = dst_index as f32 + 0.5;
        let src_idx = if fused {
            libm::fmaf(scale, dst, -0.5)
        } else {
            scale * dst - 0.5
        };
        if !cubic && src_idx < 0.0 {
            0.0
        } else {
            src_idx
        }
    }
}

/// `guard_index_and_lambda`: `index = min((int64)floorf(real), size - 1)`,
/// `lambda = clamp(real - index, 0, 1)`.
fn guard_index_and_lambda(real_input_index: f32, input_size: usize) -> (i64, f32) {
    let input_index = (libm::floorf(real_input_index) as i64).min(input_size as i64 - 1);
    // std::min(std::max(x, 0), 1), which keeps a NaN as clamp does.
    let lambda = (real_input_index - input_index as f32).clamp(0.0, 1.0);
    (input_index, lambda)
}

// ---------------------------------------------------------------------------
// Nearest and nearest-exact
// ---------------------------------------------------------------------------

/// The source index of output index `o` along one axis.
fn nearest_source_index(
    exact: bool,
    channels_last_kernel: bool,
    o: usize,
    input_size: usize,
    output_size: usize,
    scale: Option<f64>,
) -> usize {
    let last = input_size - 1;
    if channels_last_kernel && !exact {
        // nearest_idx, with its shortcuts (which the generic kernel lacks:
        // with a scale factor given they can differ from the formula).
        if output_size == input_size {
            return o;
        }
        if output_size == 2 * input_size {
            return o >> 1;
        }
        // nearest_neighbor_compute_source_index: floorf(dst_index * scale),
        // int64 * float in float.
        let scale = compute_scales_value(scale, input_size, output_size);
        return (libm::floorf(o as f32 * scale) as usize).min(last);
    }
    if channels_last_kernel {
        // nearest_exact_idx -> nearest_neighbor_exact_compute_source_index:
        // floorf((dst_index + 0.5) * scale), the product in double (int64 +
        // 0.5 is a double), rounded to float by floorf's parameter.
        let scale = compute_scales_value(scale, input_size, output_size);
        let product = (o as f64 + 0.5) * scale as f64;
        return (libm::floorf(product as f32) as usize).min(last);
    }
    // HelperInterpNearest{,Exact}::compute_indices_weights: the scale from
    // area_pixel_compute_scale<float> (align_corners is false for nearest).
    let scale = area_pixel_compute_scale(input_size, output_size, false, scale);
    let index = if exact {
        // area_pixel_compute_source_index(scale, i, false, false), fused,
        // then floorf(real + 0.5) (a double sum, rounded to float by floorf:
        // the same as a float sum).
        let real = area_pixel_compute_source_index(scale, o, false, false, true);
        libm::floorf(real + 0.5)
    } else {
        // area_pixel_compute_source_index(scale, i, /*align_corners=*/true,
        // false) = scale * i, then floorf.
        libm::floorf(area_pixel_compute_source_index(
            scale, o, true, false, false,
        ))
    };
    (index as usize).min(last)
}

/// Nearest / nearest-exact: a copy of the source element, no arithmetic.
fn nearest(input: &[f32], g: &InterpolateGeometry, output: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let exact = g.mode == InterpolateMode::NearestExact;
    // `cpu_upsample_nearest_channels_last` (index helpers `nearest_idx` /
    // `nearest_exact_idx`) or the generic kernel (`HelperInterpNearest` /
    // `HelperInterpNearestExact`, always for 1-d).
    let channels_last_kernel = match i.rank {
        2 => use_channels_last_kernel_2d(&i, &o),
        3 => use_channels_last_kernel_3d(&i),
        _ => false,
    };
    let first = MAX_SPATIAL - i.rank;
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
                let mut ip = [0; MAX_SPATIAL];
                for a in first..MAX_SPATIAL {
                    ip[a] = nearest_source_index(
                        exact,
                        channels_last_kernel,
                        op[a],
                        i.spatial[a],
                        o.spatial[a],
                        g.scales[a],
                    );
                }
                output[o.offset(n, c, op)] = input[i.offset(n, c, ip)];
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Linear, bilinear, trilinear, bicubic: indices and weights
// ---------------------------------------------------------------------------

/// The source indices and weights of one output index along one axis.
#[derive(Clone, Copy, Debug)]
struct Taps {
    index: [usize; 4],
    weight: [f32; 4],
    len: usize,
}

/// `compute_source_index_and_lambda` (`HelperInterpLinear` and the
/// channels-last linear kernels) for one output index.
fn linear_taps(
    o: usize,
    input_size: usize,
    output_size: usize,
    scale: f32,
    align_corners: bool,
    fused: bool,
) -> Taps {
    if output_size == input_size {
        // "scale_factor = 1, simply copy" (whatever the scale factor).
        return Taps {
            index: [o, o, 0, 0],
            weight: [1.0, 0.0, 0.0, 0.0],
            len: 2,
        };
    }
    let real = area_pixel_compute_source_index(scale, o, align_corners, false, fused);
    let (index0, lambda1) = guard_index_and_lambda(real, input_size);
    // Non-cubic source indices are clamped at 0, so index0 >= 0.
    let index0 = index0 as usize;
    let offset = if index0 < input_size - 1 { 1 } else { 0 };
    Taps {
        index: [index0, index0 + offset, 0, 0],
        weight: [1.0 - lambda1, lambda1, 0.0, 0.0],
        len: 2,
    }
}

/// `cubic_convolution1` (|x| <= 1): `((A + 2) * x - (A + 3)) * x * x + 1` in
/// float, the inner multiply-add fused (as built; the outer one is not).
fn cubic_convolution1(x: f32, a: f32) -> f32 {
    libm::fmaf(a + 2.0, x, -(a + 3.0)) * x * x + 1.0
}

/// `cubic_convolution2` (1 < |x| < 2): `((A * x - 5 * A) * x + 8 * A) * x -
/// 4 * A` in float, the two inner multiply-adds fused (as built; the outer
/// one is not). The value cancels near x = 2, so the fusing shows.
fn cubic_convolution2(x: f32, a: f32) -> f32 {
    libm::fmaf(libm::fmaf(a, x, -(5.0 * a)), x, 8.0 * a) * x - 4.0 * a
}

/// `get_cubic_upsample_coefficients<float>`, A = -0.75. (`t + 1.0` and
/// `1.0 - t` are double sums cast back to float: the same as float sums.)
fn get_cubic_upsample_coefficients(t: f32) -> [f32; 4] {
    let a = -0.75;
    let x1 = t;
    let x2 = 1.0 - t;
    [
        cubic_convolution2(x1 + 1.0, a),
        cubic_convolution1(x1, a),
        cubic_convolution1(x2, a),
        cubic_convolution2(x2 + 1.0, a),
    ]
}

/// `HelperInterpCubic::compute_indices_weights` for one output index.
fn cubic_taps(o: usize, input_size: usize, scale: f32, align_corners: bool) -> Taps {
    let real = area_pixel_compute_source_index(scale, o, align_corners, true, true);
    let (input_index, lambda) = guard_index_and_lambda(real, input_size);
    let mut index = [0; 4];
    for (j, slot) in index.iter_mut().enumerate() {
        // max(min(input_index + j - 1, input_size - 1), 0)
        *slot = (input_index + j as i64 - 1)
            .min(input_size as i64 - 1)
            .max(0) as usize;
    }
    Taps {
        index,
        weight: get_cubic_upsample_coefficients(lambda),
        len: 4,
    }
}

// ---------------------------------------------------------------------------
// Linear, bilinear, trilinear, bicubic: the weighted sums
// ---------------------------------------------------------------------------

/// `Interpolate<n, ...>::eval` of the generic kernel: along axis `a`, the
/// weighted sum of the weighted sums along the inner axes, the outermost
/// spatial axis outermost. Written `out = t0 * w0 + t1 * w1 (+ t2 * w2 +
/// t3 * w3)`; built as `fma(t0, w0, t1 * w1)`, then `fma(tj, wj, out)`.
fn generic_sum(
    input: &[f32],
    i: &Dims,
    (n, c): (usize, usize),
    taps: &[Taps; MAX_SPATIAL],
    a: usize,
    mut point: [usize; MAX_SPATIAL],
) -> f32 {
    let t = &taps[a];
    let mut value = [0.0f32; 4];
    for (slot, &index) in value.iter_mut().zip(&t.index).take(t.len) {
        point[a] = index;
        *slot = if a + 1 == MAX_SPATIAL {
            input[i.offset(n, c, point)]
        } else {
            generic_sum(input, i, (n, c), taps, a + 1, point)
        };
    }
    let mut out = libm::fmaf(value[0], t.weight[0], value[1] * t.weight[1]);
    for (&v, &w) in value.iter().zip(&t.weight).take(t.len).skip(2) {
        out = libm::fmaf(v, w, out);
    }
    out
}

/// `cpu_upsample_linear_channels_last`: one weight per corner of the
/// 2^rank neighbourhood, the product of its axes' lambdas outermost axis
/// first (`w011 = d0lambda * h1lambda * w1lambda`), then the sum
/// `i000 * w000 + i001 * w001 + ...` over the corners, innermost axis
/// fastest. As built: the scalar tail fuses it from the left
/// (`out = fma(i0, w0, i1 * w1)`, then `out = fma(ik, wk, out)`), the vector
/// loop from the right (`fma(i0, w0, fma(i1, w1, ... fma(iL, wL, iL-1 *
/// wL-1)))` for the last corner L).
fn channels_last_sum(
    input: &[f32],
    i: &Dims,
    (n, c): (usize, usize),
    taps: &[Taps; MAX_SPATIAL],
    first: usize,
) -> f32 {
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
        value[corner] = input[i.offset(n, c, point)];
    }
    if in_vector_loop(c, i.c) {
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

/// Linear, bilinear, trilinear (`HelperInterpLinear`) and bicubic
/// (`HelperInterpCubic`) through `upsample_generic_Nd_kernel_impl`, or,
/// where ATen takes it, `cpu_upsample_linear_channels_last`: for bilinear
/// when `_use_vectorized_kernel_cond_2d` holds or C == 3 (the
/// `at::get_num_threads() == 1 && C == 3` clause of
/// `upsample_bilinear2d_kernel_impl_float`, taken as with one thread: with
/// more, PyTorch takes the generic kernel there), for trilinear when
/// `_use_vectorized_kernel_cond_3d` holds.
fn separable(input: &[f32], g: &InterpolateGeometry, output: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let cubic = g.mode == InterpolateMode::Bicubic;
    let channels_last_kernel = match g.mode {
        InterpolateMode::Bilinear => use_channels_last_kernel_2d(&i, &o) || i.c == 3,
        InterpolateMode::Trilinear => use_channels_last_kernel_3d(&i),
        _ => false,
    };
    // Which axes' source index is fused (see area_pixel_compute_source_index).
    let fused_linear_index = match g.mode {
        _ if !channels_last_kernel => [false; MAX_SPATIAL],
        InterpolateMode::Bilinear => [true; MAX_SPATIAL],
        _ => [true, true, false],
    };
    let first = MAX_SPATIAL - i.rank;
    let mut scale = [0.0f32; MAX_SPATIAL];
    for (a, s) in scale.iter_mut().enumerate().skip(first) {
        *s = area_pixel_compute_scale(i.spatial[a], o.spatial[a], g.align_corners, g.scales[a]);
    }
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
                // Padded axes (size 1, not in the PyTorch tensor) keep this
                // placeholder; both sums start below them.
                let mut taps = [Taps {
                    index: [0; 4],
                    weight: [1.0, 0.0, 0.0, 0.0],
                    len: 1,
                }; MAX_SPATIAL];
                for a in first..MAX_SPATIAL {
                    taps[a] = if cubic {
                        cubic_taps(op[a], i.spatial[a], scale[a], g.align_corners)
                    } else {
                        linear_taps(
                            op[a],
                            i.spatial[a],
                            o.spatial[a],
                            scale[a],
                            g.align_corners,
                            fused_linear_index[a],
                        )
                    };
                }
                output[o.offset(n, c, op)] = if channels_last_kernel {
                    channels_last_sum(input, &i, (n, c), &taps, first)
                } else {
                    generic_sum(input, &i, (n, c), &taps, first, [0; MAX_SPATIAL])
                };
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Area: adaptive average pooling
// ---------------------------------------------------------------------------

/// `start_index(a, b, c) = (a / b) * c + ((a % b) * c) / b`: the first
/// input index of output `a` of `b`, for input size `c`.
/// (Computed in `u128` so the products cannot overflow a 32-bit `usize`;
/// the result is at most `c`.)
pub(crate) fn start_index(a: usize, b: usize, c: usize) -> usize {
    let (a, b, c) = (a as u128, b as u128, c as u128);
    ((a / b) * c + ((a % b) * c) / b) as usize
}

/// `end_index(a, b, c) = 1 + ((a + 1) * c - 1) / b`: one past the last.
pub(crate) fn end_index(a: usize, b: usize, c: usize) -> usize {
    let (a, b, c) = (a as u128, b as u128, c as u128);
    (1 + ((a + 1) * c - 1) / b) as usize
}

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
fn area(input: &[f32], g: &InterpolateGeometry, output: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    if o.plane() == 1 {
        for n in 0..i.n {
            for c in 0..i.c {
                let mut sum = 0.0f64;
                for_each_point(i.spatial, |ip| sum += input[i.offset(n, c, ip)] as f64);
                output[o.offset(n, c, [0; MAX_SPATIAL])] = sum as f32 / i.plane() as f32;
            }
        }
        return;
    }
    // `input.suggest_memory_format()` is channels-last.
    let channels_last_kernel = i.layout == Layout::ChannelsLast;
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
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
                output[o.offset(n, c, op)] = if channels_last_kernel && in_vector_loop(c, i.c) {
                    sum / (kd * kh * kw) as f32
                } else {
                    sum / kd as f32 / kh as f32 / kw as f32
                };
            });
        }
    }
}
