//! Bicubic windows (`HelperInterpCubic`, A = -0.75): four taps, indices
//! clamped to the input (the clamped taps' weights summed on the edge).

use super::Window;
use crate::geometry::upsample::cubic_taps;

/// Output `o`'s four taps; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    input_size: usize,
    scale: f32,
    align_corners: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let taps = cubic_taps(o, input_size, scale, align_corners, true);
    window.start = taps.index[0].min(last);
    for (&index, &w) in taps.index.iter().zip(&taps.weight) {
        window.add(index, w);
    }
}
