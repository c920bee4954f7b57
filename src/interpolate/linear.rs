//! Linear, bilinear and trilinear windows (`HelperInterpLinear`), and the
//! scale helpers of ATen's `UpSample.h` the other modes share.
//!
//! The source index is computed unfused here; the reference follows which
//! of ATen's kernels fuses it. The two differ by an ulp of the index, which
//! moves a result by far less than the tolerance (the interpolant is
//! continuous in it).

use super::taps::Window;

/// `compute_scales_value<float>`.
pub(crate) fn compute_scales_value(
    scale: Option<f64>,
    input_size: usize,
    output_size: usize,
) -> f32 {
    match scale {
        Some(s) if s > 0.0 => (1.0 / s) as f32,
        _ => input_size as f32 / output_size as f32,
    }
}

/// `area_pixel_compute_scale<float>`.
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

/// `guard_index_and_lambda`.
pub(crate) fn guard_index_and_lambda(real: f32, input_size: usize) -> (i64, f32) {
    let index = (libm::floorf(real) as i64).min(input_size as i64 - 1);
    (index, (real - index as f32).clamp(0.0, 1.0))
}

/// Output `o`'s two taps; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    input_size: usize,
    scale: f32,
    align_corners: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let real = if align_corners {
        scale * o as f32
    } else {
        let real = scale * (o as f32 + 0.5) - 0.5;
        if real < 0.0 { 0.0 } else { real }
    };
    let (index0, lambda1) = guard_index_and_lambda(real, input_size);
    let index0 = usize::try_from(index0).unwrap_or(0);
    let index1 = if index0 + 1 < input_size {
        index0 + 1
    } else {
        index0
    };
    window.start = index0.min(last);
    window.add(index0, 1.0 - lambda1);
    window.add(index1, lambda1);
}
