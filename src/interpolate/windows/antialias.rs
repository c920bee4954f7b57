//! Antialiased bilinear, bicubic and lanczos windows: the taps of
//! [`AntialiasAxis`], as the reference computes them, in a window of at
//! most [`MAX_TAPS`] inputs.
//!
//! ATen resamples the width, then the height; the fast path sums the height
//! first (each output row's taps over a span of input rows, vectorised along
//! the row), then the width. Same taps, other rounding order.

use super::{MAX_TAPS, Window};
use crate::geometry::antialias::AntialiasAxis;

/// Output `o`'s normalised weights; `last` is the last valid window start.
pub(crate) fn window(axis: &AntialiasAxis, o: usize, last: usize, window: &mut Window<'_>) {
    let taps = axis.taps(o);
    window.start = taps.xmin.min(last);
    for j in 0..taps.xsize.min(MAX_TAPS) {
        window.add(taps.xmin + j, taps.weight(j));
    }
}
