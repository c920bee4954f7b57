//! Bicubic windows (`HelperInterpCubic`, A = -0.75): four taps, indices
//! clamped to the input (the clamped taps' weights summed on the edge).

use super::linear::guard_index_and_lambda;
use super::taps::Window;

/// `cubic_convolution1`, the inner multiply-add fused as in PyTorch's build.
fn cubic_convolution1(x: f32, a: f32) -> f32 {
    libm::fmaf(a + 2.0, x, -(a + 3.0)) * x * x + 1.0
}

/// `cubic_convolution2`, the inner multiply-adds fused as in PyTorch's build.
fn cubic_convolution2(x: f32, a: f32) -> f32 {
    libm::fmaf(libm::fmaf(a, x, -(5.0 * a)), x, 8.0 * a) * x - 4.0 * a
}

/// Output `o`'s four taps; `last` is the last valid window start.
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
        libm::fmaf(scale, o as f32 + 0.5, -0.5)
    };
    let (index, t) = guard_index_and_lambda(real, input_size);
    const A: f32 = -0.75;
    let weights = [
        cubic_convolution2(t + 1.0, A),
        cubic_convolution1(t, A),
        cubic_convolution1(1.0 - t, A),
        cubic_convolution2((1.0 - t) + 1.0, A),
    ];
    let clamp = |j: i64| (index + j - 1).clamp(0, input_size as i64 - 1) as usize;
    window.start = clamp(0).min(last);
    for (j, w) in weights.into_iter().enumerate() {
        window.add(clamp(j as i64), w);
    }
}
