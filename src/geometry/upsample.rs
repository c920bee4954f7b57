//! The index and weight helpers of ATen's `aten/src/ATen/native/UpSample.h`
//! (and the kernel choice of `cpu/UpSampleKernel.cpp`), written once for
//! the fast paths and the reference.
//!
//! Every formula keeps ATen's `float` / `double` types: the scale is a
//! `float` (`compute_scales_value<float>` takes `1.0 / scale` in double and
//! casts), source indices are `float` and floored with `floorf`.
//!
//! PyTorch's x86-64 wheels build these kernels with GCC, FMA enabled and
//! `-ffp-contract=fast`, which fuses some `a * b + c` into one rounding.
//! Which ones is not in the source; the choices below (the `fused`
//! parameter, the `fmaf`s in the cubic coefficients) were measured against
//! PyTorch 2.15 on x86-64.

use super::interpolate::{InterpolateGeometry, InterpolateMode};
use crate::layout::{Dims, Layout, MAX_SPATIAL};

/// `Vectorized<float>::size()` in the AVX2 kernels: the channels-last
/// kernels run channels `0..C - C % 8` through vector code and the rest
/// through a scalar tail, whose sums are fused differently.
const VECTOR_FLOATS: usize = 8;

/// Whether channel `c` of `channels` goes through a channels-last kernel's
/// vector loop (`d < size - (size % Vec::size())`) rather than its tail.
pub(crate) fn in_vector_loop(c: usize, channels: usize) -> bool {
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
pub(crate) fn use_channels_last_kernel_2d(i: &Dims, o: &Dims) -> bool {
    (is_channels_last_contiguous(i) && i.c > 3) || o.spatial[1] + o.spatial[2] <= 128
}

/// `_use_vectorized_kernel_cond_3d`: channels-last-3d input with C > 3.
pub(crate) fn use_channels_last_kernel_3d(i: &Dims) -> bool {
    is_channels_last_contiguous(i) && i.c > 3
}

/// Whether ATen's nearest and nearest-exact take
/// `cpu_upsample_nearest_channels_last` (whose index helpers
/// `nearest_idx` / `nearest_exact_idx` have shortcuts the generic kernel's
/// `HelperInterpNearest{,Exact}` lack): never for 1-d.
pub(crate) fn nearest_channels_last_kernel(i: &Dims, o: &Dims) -> bool {
    match i.rank {
        2 => use_channels_last_kernel_2d(i, o),
        3 => use_channels_last_kernel_3d(i),
        _ => false,
    }
}

/// Whether ATen runs linear, bilinear or trilinear through
/// `cpu_upsample_linear_channels_last` rather than the generic kernel: for
/// bilinear when `_use_vectorized_kernel_cond_2d` holds or C == 3 (the
/// `at::get_num_threads() == 1 && C == 3` clause of
/// `upsample_bilinear2d_kernel_impl_float`, taken as with one thread: with
/// more, PyTorch takes the generic kernel there), for trilinear when
/// `_use_vectorized_kernel_cond_3d` holds.
pub(crate) fn linear_channels_last_kernel(g: &InterpolateGeometry) -> bool {
    let (i, o) = (&g.input, &g.output);
    match g.mode {
        InterpolateMode::Bilinear => use_channels_last_kernel_2d(i, o) || i.c == 3,
        InterpolateMode::Trilinear => use_channels_last_kernel_3d(i),
        _ => false,
    }
}

/// Per padded `[D, H, W]` axis, whether the linear source index is one
/// fused multiply-add ([`area_pixel_compute_source_index`]'s `fused`):
/// in the 2-d channels-last kernel and the D and H axes of the 3-d one.
pub(crate) fn linear_index_fused(g: &InterpolateGeometry) -> [bool; MAX_SPATIAL] {
    match g.mode {
        _ if !linear_channels_last_kernel(g) => [false; MAX_SPATIAL],
        InterpolateMode::Bilinear => [true; MAX_SPATIAL],
        _ => [true, true, false],
    }
}

/// Whether ATen's backward kernels, as PyTorch 2.15's x86-64 wheels build
/// them, fuse the source index `scale * (dst + 0.5) - 0.5` of axis `a`
/// (padded `[D, H, W]` order) of a `rank`-d call into one rounding:
/// `cpu_upsample_linear_backward` does on every axis of 1- and 2-d calls
/// and on depth and height of 3-d ones, not on a 3-d call's width;
/// `upsample_bicubic2d_backward_out_frame` does not. Measured as the
/// forward's ([`linear_index_fused`]) was: rows thousands wide at
/// non-integer scales, where one rounding more moves a weight past the
/// tolerance (the golden suite's `wide_*` gradient cases).
pub(crate) fn backward_index_fused(mode: InterpolateMode, rank: usize, a: usize) -> bool {
    match mode {
        InterpolateMode::Bicubic => false,
        _ => !(rank == 3 && a == MAX_SPATIAL - 1),
    }
}

/// `compute_scales_value<float>`: the user's scale factor inverted in double
/// and cast to float, or `(float)input_size / output_size`.
pub(crate) fn compute_scales_value(
    scale: Option<f64>,
    input_size: usize,
    output_size: usize,
) -> f32 {
    match scale {
        // ATen's "magic > 0": a non-positive scale means "not given".
        Some(s) if s > 0.0 => (1.0 / s) as f32,
        _ => input_size as f32 / output_size as f32,
    }
}

/// `area_pixel_compute_scale<float>`: `(in - 1) / (out - 1)` (0 for one
/// output) with `align_corners`, else `compute_scales_value`.
pub(crate) fn area_pixel_compute_scale(
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
pub(crate) fn area_pixel_compute_source_index(
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

/// `(int64_t)floorf(x)`: for `x >= 0` the truncating cast alone, which
/// gives the same; libm's software `floorf` (the crate has no `std`) was
/// a fifth of building a linear window table.
#[inline(always)]
fn floor_i64(x: f32) -> i64 {
    if x >= 0.0 {
        x as i64
    } else {
        libm::floorf(x) as i64
    }
}

/// `floorf(x)` cast to an index: the truncating cast alone gives the same
/// (it saturates everything below 0, NaN included, to 0, where `floorf`
/// would differ first).
#[inline(always)]
fn floor_usize(x: f32) -> usize {
    x as usize
}

/// `guard_index_and_lambda`: `index = min((int64)floorf(real), size - 1)`,
/// `lambda = clamp(real - index, 0, 1)`.
pub(crate) fn guard_index_and_lambda(real_input_index: f32, input_size: usize) -> (i64, f32) {
    let input_index = floor_i64(real_input_index).min(input_size as i64 - 1);
    // std::min(std::max(x, 0), 1), which keeps a NaN as clamp does.
    let lambda = (real_input_index - input_index as f32).clamp(0.0, 1.0);
    (input_index, lambda)
}

/// The source index of output index `o` along one axis, for nearest
/// (`exact` false) and nearest-exact, through ATen's channels-last kernel's
/// helpers or the generic kernel's ([`nearest_channels_last_kernel`]).
pub(crate) fn nearest_source_index(
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
        return floor_usize(o as f32 * scale).min(last);
    }
    if channels_last_kernel {
        // nearest_exact_idx -> nearest_neighbor_exact_compute_source_index:
        // floorf((dst_index + 0.5) * scale), the product in double (int64 +
        // 0.5 is a double), rounded to float by floorf's parameter.
        let scale = compute_scales_value(scale, input_size, output_size);
        let product = (o as f64 + 0.5) * scale as f64;
        return floor_usize(product as f32).min(last);
    }
    // HelperInterpNearest{,Exact}::compute_indices_weights: the scale from
    // area_pixel_compute_scale<float> (align_corners is false for nearest).
    let scale = area_pixel_compute_scale(input_size, output_size, false, scale);
    let index = if exact {
        // area_pixel_compute_source_index(scale, i, false, false), fused,
        // then floorf(real + 0.5) (a double sum, rounded to float by floorf:
        // the same as a float sum).
        let real = area_pixel_compute_source_index(scale, o, false, false, true);
        floor_usize(real + 0.5)
    } else {
        // area_pixel_compute_source_index(scale, i, /*align_corners=*/true,
        // false) = scale * i, then floorf.
        floor_usize(area_pixel_compute_source_index(
            scale, o, true, false, false,
        ))
    };
    index.min(last)
}

/// The source indices and weights of one output index along one axis, in
/// ATen's order (an index may repeat where the window is clamped).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Taps {
    pub index: [usize; 4],
    pub weight: [f32; 4],
    pub len: usize,
}

/// `compute_source_index_and_lambda` (`HelperInterpLinear` and the
/// channels-last linear kernels) for one output index; `fused` as in
/// [`area_pixel_compute_source_index`].
pub(crate) fn linear_taps(
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
    let index0 = index0.max(0) as usize;
    let offset = if index0 < input_size - 1 { 1 } else { 0 };
    Taps {
        index: [index0, index0 + offset, 0, 0],
        weight: [1.0 - lambda1, lambda1, 0.0, 0.0],
        len: 2,
    }
}

/// `cubic_convolution1` (|x| <= 1): `((A + 2) * x - (A + 3)) * x * x + 1` in
/// float, the inner multiply-add fused (as built; the outer one is not).
pub(crate) fn cubic_convolution1(x: f32, a: f32) -> f32 {
    libm::fmaf(a + 2.0, x, -(a + 3.0)) * x * x + 1.0
}

/// `cubic_convolution2` (1 < |x| < 2): `((A * x - 5 * A) * x + 8 * A) * x -
/// 4 * A` in float, the two inner multiply-adds fused (as built; the outer
/// one is not). The value cancels near x = 2, so the fusing shows.
pub(crate) fn cubic_convolution2(x: f32, a: f32) -> f32 {
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

/// `HelperInterpCubic::compute_indices_weights` for one output index;
/// `fused` as in [`area_pixel_compute_source_index`] (the forward's kernel
/// fuses it, `upsample_bicubic2d_backward_out_frame` does not: see
/// [`backward_index_fused`]).
pub(crate) fn cubic_taps(
    o: usize,
    input_size: usize,
    scale: f32,
    align_corners: bool,
    fused: bool,
) -> Taps {
    let real = area_pixel_compute_source_index(scale, o, align_corners, true, fused);
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

#[cfg(test)]
mod tests {
    use super::{floor_i64, floor_usize};

    /// The casts give what `floorf` then the cast gives, on every kind of
    /// value a source index can take and the ones it should not.
    #[test]
    fn floors_are_floorf() {
        let special = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0 - f32::EPSILON / 2.0,
            -1.0,
            -1.5,
            f32::MIN_POSITIVE,
            1e-40,
            -1e-40,
            8388607.5,
            1e19,
            -1e19,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ];
        let steps = (0..2000).map(|k| (k as f32 - 1000.0) * 0.37);
        for x in special.into_iter().chain(steps) {
            assert_eq!(floor_i64(x), libm::floorf(x) as i64, "{x}");
            assert_eq!(floor_usize(x), libm::floorf(x) as usize, "{x}");
        }
    }
}
