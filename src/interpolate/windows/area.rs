//! Area windows: adaptive average pooling (`start_index` / `end_index` of
//! ATen's `AdaptivePooling.h`), each input in the window weighted by one
//! over the window size. The reference sums then divides; weighting first
//! differs from it by roundings only.

use super::Window;
use crate::geometry::adaptive::{end_index, start_index};

/// Output `o` of `output_size` over `input_size` inputs; `last` is the
/// last valid window start.
pub(crate) fn window(
    o: usize,
    output_size: usize,
    input_size: usize,
    last: usize,
    window: &mut Window<'_>,
) {
    let start = start_index(o, output_size, input_size);
    let end = end_index(o, output_size, input_size);
    let w = 1.0 / (end - start) as f32;
    window.start = start.min(last);
    for index in start..end {
        window.add(index, w);
    }
}
