//! Linear, bilinear and trilinear windows (`HelperInterpLinear`, or the
//! channels-last kernel's): the source index computed as PyTorch's kernel
//! for the call computes it (fused or not), so that the weights are the
//! reference's to the bit however wide the row.

use super::Window;
use crate::geometry::upsample::linear_taps;

/// Output `o`'s two taps over `input_size` inputs for `output_size`
/// outputs; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    (input_size, output_size): (usize, usize),
    scale: f32,
    align_corners: bool,
    fused: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let taps = linear_taps(o, input_size, output_size, scale, align_corners, fused);
    window.start = taps.index[0].min(last);
    window.add(taps.index[0], taps.weight[0]);
    window.add(taps.index[1], taps.weight[1]);
}
