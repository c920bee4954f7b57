//! [`interpolate`](super::interpolate) and [`resize`](super::resize) with
//! their tables and rows in caller scratch, for stacks too small for the
//! kernels' fixed tables: `kernels/caller_scratch.rs`.

use super::exact::every_output;
use super::kernels::caller_scratch;
use super::resize::extrapolate;
use super::windows::{self, AxisWindows, Call, Part, Problem};
use crate::error::{Buffer, Error};
use crate::geometry::interpolate::InterpolateGeometry;
use crate::geometry::resize::ResizeGeometry;
use crate::layout::{Layout, MAX_SPATIAL, check_len};
use crate::{InterpolateOptions, ResizeOptions};

/// The scratch `call` takes with the windows `axes` (`None`: windows wider
/// than the tables, which the reference computes one output at a time,
/// with no scratch).
fn scratch_len(call: Call<'_>, axes: Option<&[AxisWindows; MAX_SPATIAL]>) -> Result<usize, Error> {
    let (i, o) = (call.input(), call.output());
    match axes.filter(|axes| caller_scratch::fits(i, axes)) {
        None => Ok(0),
        Some(axes) => caller_scratch::scratch_len(i, o, axes).ok_or(Error::Overflow {
            what: "the interpolation's scratch length",
        }),
    }
}

/// Checks `scratch` against `call`'s need, then resamples `input` into
/// `output` (both checked). In line: its frame would sit under every other.
#[inline(always)]
fn run(
    call: Call<'_>,
    axes: Option<&[AxisWindows; MAX_SPATIAL]>,
    input: &[f32],
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let need = scratch_len(call, axes)?;
    let Some(scratch) = scratch.get_mut(..need) else {
        return check_len(Buffer::Scratch, need, scratch.len());
    };
    let part = Part::whole(call, input);
    match axes.filter(|axes| caller_scratch::fits(call.input(), axes)) {
        Some(axes) => caller_scratch::run(input, &Problem::new(part, axes), output, scratch),
        None => every_output(&part, output),
    }
    Ok(())
}

/// [`interpolate`](crate::interpolate) with its tables and rows in
/// `scratch` (at least [`interpolate_scratch_len`] floats) rather than on
/// the stack: for a firmware task of a few KiB of stack (under 2 KiB on a
/// Cortex-M4F, against about 6.5 KiB for `interpolate`: the README's table).
/// Every mode, on one kernel: nearest and nearest-exact exact copies, the
/// others PyTorch's within the tolerance [`interpolate`](crate::interpolate)
/// states, and NaN and infinities where PyTorch has them; slower than
/// `interpolate`, whose specialised kernels it does not take.
///
/// ```
/// use upsample::{interpolate_scratch_len, interpolate_with_scratch, InterpolateMode, InterpolateOptions, Layout};
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, &[2.0]);
/// let (shape, layout) = ([1, 1, 2, 2], Layout::ChannelsFirst);
/// let mut scratch = [0.0; 64];
/// assert!(interpolate_scratch_len(&shape, layout, &opts)? <= scratch.len());
/// let mut out = [0.0; 16];
/// interpolate_with_scratch(&[0.0, 1.0, 2.0, 3.0], &shape, layout, &opts, &mut out, &mut scratch)?;
/// assert_eq!(out[..4], [0.0, 0.25, 0.75, 1.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`interpolate`](crate::interpolate), and
/// [`Error::BufferLength`](crate::Error::BufferLength) for a `scratch`
/// shorter than [`interpolate_scratch_len`]. Nothing is written on `Err`.
pub fn interpolate_with_scratch(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.input.check_input_output(&g.output, input, output)?;
    let axes = windows::axis_windows(&g);
    run(Call::Interpolate(&g), axes.as_ref(), input, output, scratch)
}

/// The floats of scratch [`interpolate_with_scratch`] takes for this call:
/// `sum over the axes of out * (taps + 1)` (each output's window: its
/// start and weights) `+ in_w * pixel`, where `pixel` is C
/// channels-last and 1 channels-first, and `taps` is an axis's window (2
/// linear, 4 cubic, more for area and the antialiased modes' downscales,
/// 1 for an axis that nearest resamples or that is absent); 0 where a
/// window is wider than 64 taps (the reference's one output at a time).
///
/// # Errors
/// As [`interpolate_output_shape`](crate::interpolate_output_shape), and
/// [`Error::Overflow`](crate::Error::Overflow) if the length overflows.
pub fn interpolate_scratch_len(
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<usize, Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    let axes = windows::axis_windows(&g);
    scratch_len(Call::Interpolate(&g), axes.as_ref())
}

/// [`resize`](crate::resize) with its tables and rows in `scratch` (at
/// least [`resize_scratch_len`] floats), as [`interpolate_with_scratch`]
/// is to [`interpolate`](crate::interpolate).
///
/// # Errors
/// As [`resize`](crate::resize), and
/// [`Error::BufferLength`](crate::Error::BufferLength) for a `scratch`
/// shorter than [`resize_scratch_len`]. Nothing is written on `Err`.
pub fn resize_with_scratch(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &ResizeOptions<'_>,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = ResizeGeometry::new(shape, layout, options)?;
    g.input.check_input_output(&g.output, input, output)?;
    let axes = windows::resize_windows(&g);
    run(Call::Resize(&g), axes.as_ref(), input, output, scratch)?;
    extrapolate(&g, 0, output);
    Ok(())
}

/// The floats of scratch [`resize_with_scratch`] takes for this call, as
/// [`interpolate_scratch_len`] counts them.
///
/// # Errors
/// As [`resize_output_shape`](crate::resize_output_shape), and
/// [`Error::Overflow`](crate::Error::Overflow) if the length overflows.
pub fn resize_scratch_len(
    shape: &[usize],
    layout: Layout,
    options: &ResizeOptions<'_>,
) -> Result<usize, Error> {
    let g = ResizeGeometry::new(shape, layout, options)?;
    let axes = windows::resize_windows(&g);
    scratch_len(Call::Resize(&g), axes.as_ref())
}
