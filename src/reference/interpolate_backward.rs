//! Reference `interpolate_backward`: the gradient of `F.interpolate` with
//! respect to its input, a plain transcription of ATen's CPU backward
//! kernels, which scatter each `grad_output` element into `grad_input` in
//! output order:
//!
//! - nearest, nearest-exact: `cpu_upsample_nearest_backward` and its
//!   channels-last twin (`aten/src/ATen/native/cpu/UpSampleMoreKernel.cpp`),
//!   whose index helpers are `nearest_idx` / `nearest_exact_idx` for every
//!   rank and layout (the forward's generic kernel uses other helpers);
//! - linear, bilinear, trilinear: `cpu_upsample_linear_backward` and
//!   `cpu_upsample_linear_backward_channels_last` (same file);
//! - bicubic: `upsample_bicubic2d_backward_out_frame`
//!   (`aten/src/ATen/native/UpSampleBicubic2d.cpp`);
//! - area: `adaptive_avg_pool{2,3}d_backward`
//!   (`cpu_adaptive_avg_pool{2,3}d_backward{,_channels_last}` in
//!   `aten/src/ATen/native/cpu/AdaptiveAvgPoolKernel.cpp`), or `mean`'s
//!   backward when every output size is 1;
//! - antialiased bilinear, bicubic, lanczos: `cpu_upsample_genNd_backward_aa`
//!   (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`), in
//!   [`super::antialias_backward`].
//!
//! The two layouts' kernels visit outputs in the same order for each
//! element of `grad_input` and differ only in which loop runs over the
//! channels, so one loop serves both here. Every zero-weight tap is still
//! multiplied in, as PyTorch does (at a border `lambda1 = 0`: an infinite
//! `grad_output` gives that neighbour NaN). Products are written as ATen
//! writes them (`h0lambda * w0lambda * grad_output_value`, left to right);
//! PyTorch's FMA builds may contract `gin += w * g`, which moves a result by
//! an ulp or so.

use crate::geometry::adaptive::{end_index, start_index};
use crate::geometry::interpolate::{
    InterpolateGeometry, InterpolateMode, interpolate_backward_entry_point,
};
use crate::geometry::upsample::{
    Taps, area_pixel_compute_scale, backward_index_fused, cubic_taps, in_vector_loop, linear_taps,
    nearest_source_index,
};
use crate::layout::{Layout, MAX_SPATIAL, for_each_point};

interpolate_backward_entry_point! {
/// Reference twin of [`crate::interpolate_backward`].
///
/// ```
/// use upsample::{reference, InterpolateMode, InterpolateOptions, Layout};
/// // Linear x2 with align_corners: outputs 0, 1/3, 2/3, 1 of the way along.
/// let opts = InterpolateOptions::size(InterpolateMode::Linear, 4).with_align_corners(true);
/// let mut grad_input = [0.0; 2];
/// reference::interpolate_backward(&[3.0; 4], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut grad_input)?;
/// assert_eq!(grad_input, [6.0, 6.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::interpolate_backward`].
pub fn interpolate_backward = scatter
}

/// [`interpolate_backward`] on a checked geometry and buffers (also the
/// fast path's fallback for windows wider than its tables).
pub(crate) fn scatter(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    // `grad_input.zero_()`, then the kernel adds into it.
    grad_input.fill(0.0);
    if g.antialias || g.mode == InterpolateMode::Lanczos {
        return super::antialias_backward::scatter(g, grad_output, grad_input);
    }
    match g.mode {
        InterpolateMode::Nearest | InterpolateMode::NearestExact => {
            nearest(g, grad_output, grad_input)
        }
        InterpolateMode::Bicubic => bicubic(g, grad_output, grad_input),
        InterpolateMode::Area => area(g, grad_output, grad_input),
        InterpolateMode::Linear
        | InterpolateMode::Bilinear
        | InterpolateMode::Trilinear
        | InterpolateMode::Lanczos => linear(g, grad_output, grad_input),
    }
}

/// Calls `f(n, c, output point)` for every output element in ATen's
/// order for one `grad_input` element: each plane's outputs row-major.
fn for_each_output(g: &InterpolateGeometry, mut f: impl FnMut(usize, usize, [usize; MAX_SPATIAL])) {
    let o = g.output;
    for n in 0..o.n {
        for c in 0..o.c {
            for_each_point(o.spatial, |p| f(n, c, p));
        }
    }
}

/// `cpu_upsample_nearest_backward{,_channels_last}`:
/// `grad_input[nearest_idx(o)] += grad_output[o]`.
fn nearest(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let exact = g.mode == InterpolateMode::NearestExact;
    for_each_output(g, |n, c, op| {
        let mut ip = [0; MAX_SPATIAL];
        for a in MAX_SPATIAL - i.rank..MAX_SPATIAL {
            // nearest_idx / nearest_exact_idx: the channels-last kernel's helpers.
            ip[a] =
                nearest_source_index(exact, true, op[a], i.spatial[a], o.spatial[a], g.scales[a]);
        }
        grad_input[i.offset(n, c, ip)] += grad_output[o.offset(n, c, op)];
    });
}

/// `cpu_upsample_linear_backward{,_channels_last}`: per output, the
/// 2^rank corners in order `i000, i001, i010, ...` (innermost axis
/// fastest), each `+= d0lambda * h0lambda * w0lambda * grad_output_value`
/// (the channels-last kernel forms the lambda product first, then
/// multiplies: the same roundings).
fn linear(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let first = MAX_SPATIAL - i.rank;
    let scale: [f32; MAX_SPATIAL] = core::array::from_fn(|a| {
        area_pixel_compute_scale(i.spatial[a], o.spatial[a], g.align_corners, g.scales[a])
    });
    for_each_output(g, |n, c, op| {
        let mut taps = [Taps {
            index: [0; 4],
            weight: [1.0, 0.0, 0.0, 0.0],
            len: 1,
        }; MAX_SPATIAL];
        for a in first..MAX_SPATIAL {
            // compute_source_index_and_lambda, its source index fused as built.
            taps[a] = linear_taps(
                op[a],
                i.spatial[a],
                o.spatial[a],
                scale[a],
                g.align_corners,
                backward_index_fused(g.mode, i.rank, a),
            );
        }
        let value = grad_output[o.offset(n, c, op)];
        for corner in 0..1usize << i.rank {
            let mut ip = [0; MAX_SPATIAL];
            let mut weight = 1.0f32;
            for a in first..MAX_SPATIAL {
                let side = (corner >> (MAX_SPATIAL - 1 - a)) & 1;
                ip[a] = taps[a].index[side];
                weight = if a == first {
                    taps[a].weight[side]
                } else {
                    weight * taps[a].weight[side]
                };
            }
            grad_input[i.offset(n, c, ip)] += weight * value;
        }
    });
}

/// `upsample_bicubic2d_backward_out_frame`: equal sizes copy; otherwise per
/// output the 4x4 taps, the x tap outer and the y tap inner,
/// `+= out_value * y_coeffs[jj] * x_coeffs[ii]` at indices clamped to the
/// input (`upsample_increment_value_bounded`).
fn bicubic(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    if i.spatial == o.spatial {
        // "Special case: input/output same size, just copy".
        for_each_output(g, |n, c, p| {
            grad_input[i.offset(n, c, p)] = grad_output[o.offset(n, c, p)]
        });
        return;
    }
    let scale = |a: usize| {
        area_pixel_compute_scale(i.spatial[a], o.spatial[a], g.align_corners, g.scales[a])
    };
    let (height_scale, width_scale) = (scale(1), scale(2));
    for_each_output(g, |n, c, op| {
        let x = cubic_taps(op[2], i.spatial[2], width_scale, g.align_corners, false);
        let y = cubic_taps(op[1], i.spatial[1], height_scale, g.align_corners, false);
        let value = grad_output[o.offset(n, c, op)];
        for ii in 0..4 {
            for jj in 0..4 {
                let at = i.offset(n, c, [0, y.index[jj], x.index[ii]]);
                grad_input[at] += value * y.weight[jj] * x.weight[ii];
            }
        }
    });
}

/// `mode="area"`: adaptive average pooling's backward. When every output
/// size is 1 the forward was `input.mean(spatial dims)`, whose backward is
/// `grad.expand(...) / numel`. Otherwise per output
/// `grad_delta = grad_output / kd / kh / kw` (the channels-last kernels'
/// vector loop divides by `kd * kh * kw` at once), added to every input of
/// its window, outer axis outermost.
fn area(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    if o.plane() == 1 {
        let numel = i.plane() as f32;
        for_each_output(g, |n, c, op| {
            let delta = grad_output[o.offset(n, c, op)] / numel;
            for_each_point(i.spatial, |ip| grad_input[i.offset(n, c, ip)] = delta);
        });
        return;
    }
    let channels_last_kernel = i.layout == Layout::ChannelsLast;
    for_each_output(g, |n, c, op| {
        let mut start = [0; MAX_SPATIAL];
        let mut end = [0; MAX_SPATIAL];
        for a in 0..MAX_SPATIAL {
            start[a] = start_index(op[a], o.spatial[a], i.spatial[a]);
            end[a] = end_index(op[a], o.spatial[a], i.spatial[a]);
        }
        let [kd, kh, kw] = [end[0] - start[0], end[1] - start[1], end[2] - start[2]];
        let value = grad_output[o.offset(n, c, op)];
        let delta = if channels_last_kernel && in_vector_loop(c, i.c) {
            value / (kd * kh * kw) as f32
        } else {
            value / kd as f32 / kh as f32 / kw as f32
        };
        for z in start[0]..end[0] {
            for y in start[1]..end[1] {
                for x in start[2]..end[2] {
                    grad_input[i.offset(n, c, [z, y, x])] += delta;
                }
            }
        }
    });
}
