//! [`interpolate_backward`](crate::interpolate_backward) with its table in
//! caller scratch, for stacks too small for the gather's transposed
//! tables (a firmware task of 2 KiB): a scatter, as ATen's backward
//! kernels scatter, one output row at a time.
//!
//! ```text
//! scratch: [W table: out_w * taps (input index, weight)]
//! fill the W table (every output column's taps, in ATen's order)
//! grad_input = 0
//! for each plane (CF: one (n, c) image; CL: one n, channels innermost):
//!     for each output row (z, y), each D tap (iz, wz), each H tap (iy, wy):
//!         for each output column x, each W tap (ix, wx):
//!             grad_input[iz, iy, ix] += (wz * wy * wx) * grad_output[z, y, x]
//! ```
//!
//! Every tap is a term, those of weight zero and repeated border indices
//! too (as in [`super::axis`]), each added straight into `grad_input` as
//! ATen's scatter adds it (no partial sums, which could overflow where
//! PyTorch's do not), so NaN and infinities land where PyTorch's do. The
//! terms reach each element in PyTorch's output order (taps of a repeated
//! border index aside) and the linear modes' products are ATen's, so each
//! element agrees with the reference within the tolerance
//! [`interpolate_backward`](crate::interpolate_backward) states. No table
//! limits the windows: any mode, scale or width runs here.

use super::axis::Axis;
use crate::InterpolateOptions;
use crate::error::{Buffer, Error};
use crate::geometry::interpolate::InterpolateGeometry;
use crate::layout::{Layout, MAX_SPATIAL, check_len};
use crate::slices::{sub, sub_mut};

/// A W table slot no tap fills (an output with fewer taps than the widest).
const NO_TAP: u32 = u32::MAX;

/// The floats of scratch a call with the W axis `w` takes: its table,
/// [`Axis::most_taps`] slots of two floats per output column.
fn scratch_len(w: &Axis) -> Result<usize, Error> {
    let len = w
        .output
        .checked_mul(w.most_taps())
        .and_then(|n| n.checked_mul(2));
    len.ok_or(Error::Overflow {
        what: "the interpolation gradient's scratch length",
    })
}

/// [`interpolate_backward`](crate::interpolate_backward) with its table in
/// `scratch` (at least [`interpolate_backward_scratch_len`] floats)
/// rather than on the stack: for a firmware task of a few KiB of stack
/// (under 2 KiB on a Cortex-M4F, against about 5.5 KiB for
/// `interpolate_backward`: the README's table). Every mode and option, on
/// one scalar kernel, with the results `interpolate_backward` promises
/// (within `1e-5` of the sum of the absolute values of each element's
/// terms, NaN and infinities where PyTorch's are); slower than
/// `interpolate_backward`, whose vector gathers it does not take (its
/// cost is ATen's scatter's, every tap of every output).
///
/// ```
/// use upsample::{interpolate_backward_scratch_len, interpolate_backward_with_scratch, InterpolateMode, InterpolateOptions, Layout};
/// // Linear x2 on (1, 1, 2): outputs at 0, 0.25, 0.75, 1 of the way along.
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Linear, 2.0);
/// let (shape, layout) = ([1, 1, 2], Layout::ChannelsFirst);
/// let mut scratch = [0.0; 32];
/// assert!(interpolate_backward_scratch_len(&shape, layout, &opts)? <= scratch.len());
/// let mut grad_input = [0.0; 2];
/// interpolate_backward_with_scratch(&[4.0; 4], &shape, layout, &opts, &mut grad_input, &mut scratch)?;
/// assert_eq!(grad_input, [8.0, 8.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`interpolate_backward`](crate::interpolate_backward), and
/// [`Error::BufferLength`](crate::Error::BufferLength) with
/// [`Buffer::Scratch`](crate::Buffer::Scratch) for a `scratch` shorter than
/// [`interpolate_backward_scratch_len`]. Nothing is written on `Err`.
pub fn interpolate_backward_with_scratch(
    grad_output: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
    grad_input: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    g.input.check_len(Buffer::GradInput, grad_input.len())?;
    let axes = Axis::all(&g);
    let need = scratch_len(&axes[2])?;
    let Some(scratch) = scratch.get_mut(..need) else {
        return check_len(Buffer::Scratch, need, scratch.len());
    };
    if !fill_table(&axes[2], scratch) {
        // An input row wider than a u32 indexes (64-bit hosts only): the
        // reference, which needs no table.
        crate::reference::interpolate_backward::scatter(&g, grad_output, grad_input);
        return Ok(());
    }
    scatter(&g, &axes, grad_output, grad_input, scratch);
    Ok(())
}

/// The floats of scratch [`interpolate_backward_with_scratch`] takes for
/// this call (`shape` and `options` the forward's): `2 * out_w * taps`
/// (each output column's taps: input index and weight), where `taps` is
/// the most taps of one output column along W (1 nearest, 2 linear, 4
/// cubic, more for area and the antialiased modes' downscales).
///
/// # Errors
/// As [`interpolate_output_shape`](crate::interpolate_output_shape), and
/// [`Error::Overflow`](crate::Error::Overflow) if the length overflows.
pub fn interpolate_backward_scratch_len(
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<usize, Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    let axes = Axis::all(&g);
    scratch_len(&axes[2])
}

/// Fills the W table at the start of `scratch` with each output column's
/// taps, in ATen's order: [`Axis::most_taps`] slots per column, each two
/// floats (the input index's bits, the weight), unused slots [`NO_TAP`].
/// `false` (nothing filled) if an input index does not fit a `u32`.
#[inline(never)]
fn fill_table(w: &Axis, scratch: &mut [f32]) -> bool {
    if u32::try_from(w.input).map_or(true, |n| n == NO_TAP) {
        return false;
    }
    let taps = w.most_taps();
    let slots = scratch.get_mut(..w.output * taps * 2).unwrap_or_default();
    for (o, slots) in slots.chunks_exact_mut(taps * 2).enumerate() {
        slots.fill(f32::from_bits(NO_TAP));
        let mut k = 0;
        w.for_each_tap(o, |index, weight| {
            if let Some(slot) = slots.get_mut(k..k + 2) {
                slot[0] = f32::from_bits(index as u32);
                slot[1] = weight;
            }
            k += 2;
        });
        debug_assert!(k <= slots.len(), "more taps than Axis::most_taps");
    }
    true
}

/// The taps `(input index, weight)` of one output column's slots in the W
/// table, up to the first unused one.
#[inline(always)]
fn taps(slots: &[f32]) -> impl Iterator<Item = (usize, f32)> + '_ {
    slots
        .chunks_exact(2)
        .map(|tap| (tap[0].to_bits(), tap[1]))
        .take_while(|&(index, _)| index != NO_TAP)
        .map(|(index, w)| (index as usize, w))
}

/// `grad_input` from `grad_output` on the geometry `g` (checked) with the
/// axes `axes` and the W table ([`fill_table`]) at the start of `scratch`.
#[inline(never)]
fn scatter(
    g: &InterpolateGeometry,
    axes: &[Axis; MAX_SPATIAL],
    grad_output: &[f32],
    grad_input: &mut [f32],
    scratch: &[f32],
) {
    let (i, o) = (&g.input, &g.output);
    let (planes, pixel) = (i.memory_planes(), i.pixel());
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let (in_row, out_row) = (iw * pixel, ow * pixel);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    let column = axes[2].most_taps() * 2;
    let slots = scratch.get(..ow * column).unwrap_or_default();
    grad_input.fill(0.0);
    for plane in 0..planes {
        let gi = sub_mut(grad_input, plane * in_plane, in_plane);
        for oz in 0..od {
            for oy in 0..oh {
                let at = plane * out_plane + (oz * oh + oy) * out_row;
                let g = sub(grad_output, at, out_row);
                axes[0].for_each_tap(oz, |z, wz| {
                    axes[1].for_each_tap(oy, |y, wy| {
                        let row = sub_mut(gi, (z * ih + y) * in_row, in_row);
                        along_w(g, wz * wy, slots, column, pixel, row);
                    });
                });
            }
        }
    }
}

/// `row[ix] += (w * wx) * g[x]` for each output column `x` and its W taps
/// `(ix, wx)` (`column` floats of `slots` each), per channel of `pixel`
/// (channels innermost), in output order: each term as ATen's linear
/// kernels form it (`h0lambda * w0lambda * grad_output_value`), added
/// straight into `grad_input`.
#[inline(never)]
fn along_w(g: &[f32], w: f32, slots: &[f32], column: usize, pixel: usize, row: &mut [f32]) {
    let columns = slots.chunks_exact(column.max(1));
    if pixel == 1 {
        // One element per tap (channels-first).
        for (&g, slots) in g.iter().zip(columns) {
            for (index, wx) in taps(slots) {
                if let Some(r) = row.get_mut(index) {
                    *r += (w * wx) * g;
                }
            }
        }
        return;
    }
    for (g, slots) in g.chunks_exact(pixel.max(1)).zip(columns) {
        for (index, wx) in taps(slots) {
            let w = w * wx;
            for (r, &g) in sub_mut(row, index * pixel, pixel).iter_mut().zip(g) {
                *r += w * g;
            }
        }
    }
}
