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

/// [`window`] of two taps on two inputs in a row (every window but a
/// clamped last one, and a copy): the weights written as [`window`] leaves
/// them (`0.0 + w`, the sum onto a zeroed slot, which turns -0.0 into
/// 0.0), without a store and a reload of each slot. `None` for the other
/// windows, which [`window`] fills.
#[inline(always)]
pub(crate) fn pair(
    o: usize,
    (input_size, output_size): (usize, usize),
    scale: f32,
    align_corners: bool,
    fused: bool,
    [a, b]: [&mut f32; 2],
) -> Option<usize> {
    let taps = linear_taps(o, input_size, output_size, scale, align_corners, fused);
    let [i0, i1, ..] = taps.index;
    (i1 == i0 + 1).then(|| {
        (*a, *b) = (0.0 + taps.weight[0], 0.0 + taps.weight[1]);
        i0
    })
}
