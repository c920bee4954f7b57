//! ONNX `Resize` windows (`crate::geometry::resize_taps`): each tap's
//! weight rounded to `f32` and added at its clamped input index (taps
//! clamped onto one edge input sum there); nearest, the one tap it picks;
//! an extrapolated output of `tf_crop_and_resize`, weight 0 (the entry
//! point writes `extrapolation_value` there afterwards).

use super::Window;
use crate::geometry::resize_taps::ResizeTaps;

/// Output `o`'s window; `last` is the last valid window start.
pub(crate) fn window(taps: &ResizeTaps, o: usize, last: usize, window: &mut Window<'_>) {
    let w = taps.window(o);
    let first = taps.index(&w, 0);
    if taps.copies() {
        let index = taps.pick(&w).map_or(first, |k| taps.index(&w, k));
        window.start = index.min(last);
        if !w.extrapolated {
            window.add(index, 1.0);
        }
        return;
    }
    window.start = first.min(last);
    if w.extrapolated {
        return;
    }
    for k in 0..taps.taps() {
        window.add(taps.index(&w, k), taps.weight(&w, k) as f32);
    }
}
