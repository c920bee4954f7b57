//! Reference ONNX `Resize`, after the ONNX specification
//! (`docs/Operators.md`) and its reference implementation
//! (`onnx/reference/ops/op_resize.py`): each output the sum, in `f64`, of
//! its windows' weights (`crate::geometry::resize_taps`) times the inputs
//! they read, cast to `f32`.
//!
//! Where this differs from ONNX's reference implementation, on purpose:
//! - `nearest` copies the input it picks, as onnxruntime does; the
//!   reference implementation multiplies the other neighbour by 0, so a
//!   NaN or infinity there made its output NaN. (With `exclude_outside`,
//!   which can weigh the picked input 0, the weights multiply as there.)
//! - The sum is cast to `f32` as it is (an overflow is infinity, NaN stays
//!   NaN); the reference implementation clips to `±f32::MAX`, so it turns
//!   an infinite input into `f32::MAX`.
//! - The axes' windows multiply out (one sum over every tap of every
//!   axis); the reference implementation resizes one axis after another,
//!   keeping each pass in `f64`: the same value up to `f64` rounding.

use crate::geometry::map_entry_point;
use crate::geometry::resize::ResizeGeometry;
use crate::geometry::resize_taps::{ResizeTaps, ResizeWindow};
use crate::layout::{MAX_SPATIAL, for_each_point};
use crate::reference::interpolate::At;

map_entry_point! {
/// ONNX `Resize` (opset 19 and later), in plain scalar code: the oracle of
/// the ONNX golden cases (a SIMD twin is to come).
///
/// ```
/// use upsample::{reference, Layout, ResizeMode, ResizeOptions};
/// // Resize(x, scales=[1, 1, 2], mode="linear", coordinate_transformation_mode="align_corners")
/// # use upsample::CoordinateTransformationMode;
/// let opts = ResizeOptions::scales(ResizeMode::Linear, &[1.0, 1.0, 2.0])
///     .with_coordinate_transformation_mode(CoordinateTransformationMode::AlignCorners);
/// let mut out = [0.0; 4];
/// reference::resize(&[0.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out)?;
/// assert_eq!(out, [0.0, 1.0, 2.0, 3.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::resize_output_shape`], and [`Error::BufferLength`](crate::Error::BufferLength).
pub fn resize(options: &crate::ResizeOptions<'_>) = ResizeGeometry::new => resample
}

/// [`resize`] on a checked geometry and buffers.
fn resample(g: &ResizeGeometry, input: &[f32], output: &mut [f32]) {
    let o = &g.output;
    let taps = g.axes.map(|axis| ResizeTaps::new(g, &axis));
    for n in 0..o.n {
        for c in 0..o.c {
            for_each_point(o.spatial, |spatial| {
                let at = At { n, c, spatial };
                output[o.offset(n, c, spatial)] = value_with(g, &taps, input, at);
            });
        }
    }
}

/// One output of [`resample`], computed alone (the fast path's exact
/// fix-up and its windows too wide for the tables). Out of line, as
/// `reference::interpolate`'s is.
#[inline(never)]
pub(crate) fn value_at(g: &ResizeGeometry, input: &[f32], at: At) -> f32 {
    value_with(g, &taps(g), input, at)
}

/// The windows of each of `g`'s axes. Out of line, as [`blend`] is: on
/// the fast paths' exact fix-up, [`value_at`]'s frame holds only their
/// result, not the temporaries that building them takes.
#[inline(never)]
fn taps(g: &ResizeGeometry) -> [ResizeTaps; MAX_SPATIAL] {
    let [d, h, w] = &g.axes;
    [
        ResizeTaps::new(g, d),
        ResizeTaps::new(g, h),
        ResizeTaps::new(g, w),
    ]
}

/// [`value_at`] with the axes' windows `taps` built once by the caller.
fn value_with(g: &ResizeGeometry, taps: &[ResizeTaps; MAX_SPATIAL], input: &[f32], at: At) -> f32 {
    let At { n, c, spatial: p } = at;
    let i = &g.input;
    let windows: [ResizeWindow; MAX_SPATIAL] = core::array::from_fn(|a| taps[a].window(p[a]));
    let read = |q| input.get(i.offset(n, c, q)).copied().unwrap_or(0.0);
    if windows.iter().any(|w| w.extrapolated) {
        g.extrapolation_value
    } else if taps.iter().all(ResizeTaps::copies) {
        let at = core::array::from_fn(|a| {
            let (t, w) = (&taps[a], &windows[a]);
            t.pick(w).map_or(0, |k| t.index(w, k))
        });
        read(at)
    } else {
        blend(taps, &windows, read)
    }
}

/// Every tap of every axis, weights multiplied, summed in `f64`.
#[inline(never)]
fn blend(
    taps: &[ResizeTaps; MAX_SPATIAL],
    windows: &[ResizeWindow; MAX_SPATIAL],
    read: impl Fn([usize; MAX_SPATIAL]) -> f32,
) -> f32 {
    let [td, th, tw] = taps;
    let [wd, wh, ww] = windows;
    let mut sum = 0.0f64;
    for kd in 0..td.taps() {
        let (zd, d) = (td.weight(wd, kd), td.index(wd, kd));
        for kh in 0..th.taps() {
            let (zh, h) = (th.weight(wh, kh), th.index(wh, kh));
            for kw in 0..tw.taps() {
                let (zw, w) = (tw.weight(ww, kw), tw.index(ww, kw));
                sum += zd * zh * zw * f64::from(read([d, h, w]));
            }
        }
    }
    sum as f32
}
