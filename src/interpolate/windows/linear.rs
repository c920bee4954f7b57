//! Linear, bilinear and trilinear windows (`HelperInterpLinear`).
//!
//! The source index is computed unfused here; the reference follows which
//! of ATen's kernels fuses it. The two differ by an ulp of the index, which
//! moves a result by far less than the tolerance (the interpolant is
//! continuous in it).

use super::Window;
use crate::geometry::upsample::linear_taps;

/// Output `o`'s two taps; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    input_size: usize,
    output_size: usize,
    scale: f32,
    align_corners: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let taps = linear_taps(o, input_size, output_size, scale, align_corners, false);
    window.start = taps.index[0].min(last);
    window.add(taps.index[0], taps.weight[0]);
    window.add(taps.index[1], taps.weight[1]);
}
