//! ONNX `Resize` on the interpolation kernels: its windows
//! (`windows::resize_windows`) through the same plan, then
//! `extrapolation_value` written where `tf_crop_and_resize` extrapolates.

use super::plan::{Kernel, Target};
use super::split::call_units;
use super::windows::{self, Call, Part};
use crate::geometry::map_entry_point;
use crate::geometry::resize::{CoordinateTransformationMode, ResizeGeometry};
use crate::geometry::resize_taps::ResizeTaps;
use crate::geometry::split;
use crate::layout::Layout;
use crate::simd::{Native, Permute};

map_entry_point! {
/// ONNX `Resize(X, roi, scales, sizes)` (opset 19 and later, every
/// attribute: [`ResizeOptions`](crate::ResizeOptions)) on a tensor of
/// logical shape `(N, C, spatial...)`, 1 to 3 spatial axes, in `layout`;
/// `output` receives [`resize_output_shape`](crate::resize_output_shape)
/// in the same layout. The deprecated `Upsample(X, scales, mode)` is
/// `Resize` with [`Asymmetric`](CoordinateTransformationMode::Asymmetric)
/// coordinates and, for nearest, [`Floor`](crate::NearestMode::Floor)
/// rounding.
///
/// Nearest is exact (a copy; with `exclude_outside` its weights multiply,
/// as in ONNX's reference implementation); linear and cubic agree with
/// ONNX's reference implementation within `1e-5 + 1.3e-6 * |x|`.
///
/// ```
/// use upsample::{resize, CoordinateTransformationMode, Layout, ResizeMode, ResizeOptions};
/// // Resize(x, scales=[1, 1, 2], mode="linear", coordinate_transformation_mode="align_corners")
/// let opts = ResizeOptions::scales(ResizeMode::Linear, &[1.0, 1.0, 2.0])
///     .with_coordinate_transformation_mode(CoordinateTransformationMode::AlignCorners);
/// let mut out = [0.0; 4];
/// resize(&[0.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out).unwrap();
/// assert_eq!(out, [0.0, 1.0, 2.0, 3.0]);
/// ```
///
/// # Errors
/// As [`resize_output_shape`](crate::resize_output_shape), and
/// [`Error::BufferLength`](crate::Error::BufferLength) when a slice does not match its shape.
pub fn resize(options: &crate::ResizeOptions<'_>) = ResizeGeometry::new => resample::<Native>
}

/// [`resize`] on a checked geometry and buffers, with lanes `L`.
fn resample<L: Permute>(g: &ResizeGeometry, input: &[f32], output: &mut [f32]) {
    let axes = windows::resize_windows(g);
    let call = Call::Resize(g);
    let kernel = Kernel::choose(call, axes.as_ref(), Target::of::<L>());
    kernel.run::<L>(input, Part::whole(call, input), axes.as_ref(), output);
    extrapolate(g, 0, output);
}

/// Output units `first ..` of [`resize`] (`crate::part`): the whole
/// input `source`, and as many units as `output` holds (checked by the
/// caller).
pub(crate) fn resize_units(g: &ResizeGeometry, source: &[f32], first: usize, output: &mut [f32]) {
    let axes = windows::resize_windows(g);
    call_units(Call::Resize(g), axes, source, first, output);
    let o = &g.output;
    // A unit is one row along the outermost spatial axis of a plane (a
    // plane in 1-d): whole rows of the output in its order.
    let unit = o.numel() / split::units(g).count;
    let row = o.spatial[2] * o.pixel();
    extrapolate(g, first * unit / row, output);
}

/// The outputs of one axis that `tf_crop_and_resize` keeps: the rest (a
/// run before and a run after, the coordinate being monotone in the
/// output index) are extrapolated.
fn kept(g: &ResizeGeometry, a: usize) -> core::ops::Range<usize> {
    let out = g.output.spatial[a];
    let taps = ResizeTaps::new(g, &g.axes[a]);
    let extrapolated = |y: usize| taps.window(y).extrapolated;
    let start = (0..out).find(|&y| !extrapolated(y)).unwrap_or(out);
    let end = (start..out)
        .rev()
        .find(|&y| !extrapolated(y))
        .map_or(start, |y| y + 1);
    start..end
}

/// Writes `extrapolation_value` to every output of `tf_crop_and_resize`
/// extrapolated along any axis; `output` holds whole rows (along W) of the
/// output from row `first_row` on.
pub(super) fn extrapolate(g: &ResizeGeometry, first_row: usize, output: &mut [f32]) {
    if g.coordinates != CoordinateTransformationMode::TfCropAndResize {
        return;
    }
    let o = &g.output;
    let [kd, kh, kw] = [0, 1, 2].map(|a| kept(g, a));
    let value = g.extrapolation_value;
    let pixel = match o.layout {
        Layout::ChannelsFirst => 1,
        Layout::ChannelsLast => o.c,
    };
    let row = o.spatial[2] * pixel;
    let rows_per_plane = o.spatial[0] * o.spatial[1];
    for (k, out) in output.chunks_exact_mut(row).enumerate() {
        let r = (first_row + k) % rows_per_plane;
        let (z, y) = (r / o.spatial[1], r % o.spatial[1]);
        if !kd.contains(&z) || !kh.contains(&y) {
            out.fill(value);
            continue;
        }
        let (head, tail) = (kw.start * pixel, kw.end * pixel);
        if let Some(s) = out.get_mut(..head) {
            s.fill(value);
        }
        if let Some(s) = out.get_mut(tail..) {
            s.fill(value);
        }
    }
}
