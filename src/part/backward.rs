//! The backward ops' parts (see the [module docs](crate::part)): the
//! forward's geometry with input and output swapped
//! ([`split::Backward`]), narrowed to whole planes or batch items, or
//! (interpolate) a range of input rows its kernels take.

use super::{shuffle_part, slice_of};
use crate::conv_transpose::backward::backward as conv_backward;
use crate::error::{Buffer, Error};
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::geometry::interpolate::InterpolateGeometry;
use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::geometry::pool::MaxPoolGeometry;
use crate::geometry::split::{self, Backward, Split, Units};
use crate::geometry::unpool::UnpoolGeometry;
use crate::layout::{Layout, check_len};
use crate::simd::Native;
use crate::{
    ConvTransposeGradients, ConvTransposeOptions, InterpolateOptions, MaxPoolOptions, UnpoolOptions,
};
use core::ops::Range;

/// The part of a backward on `g` from unit `first` that writes
/// `grad_input_len` elements: its (forward) geometry, and the range of the
/// whole output gradient it reads.
fn narrowed<G: Split>(
    g: G,
    first: usize,
    grad_input_len: usize,
) -> Result<(G, Range<usize>), Error> {
    let (Backward(p), range) = split::part(&Backward(g), first, grad_input_len)?;
    Ok((p, range))
}

/// An index error found in a piece that starts at `start` of the whole
/// `indices`, with its position in the whole.
fn shifted(e: Error, start: usize) -> Error {
    match e {
        Error::IndexOutOfRange {
            position,
            index,
            plane_size,
        } => Error::IndexOutOfRange {
            position: position + start,
            index,
            plane_size,
        },
        other => other,
    }
}

/// The units of an interpolation's backward: input rows along the
/// outermost spatial axis (H, or D; whole planes in 1-d) of each plane
/// (channels-first) or batch item (channels-last), where the fast kernels
/// take the call; else whole planes or items.
fn interpolate_backward_split(g: &InterpolateGeometry) -> Units {
    use crate::interpolate::backward::{Units as Rows, splits_rows};
    if !splits_rows(g) {
        return split::units(&Backward(*g));
    }
    let i = g.input;
    let count = i.memory_planes() * Rows::per_plane(&i);
    Units {
        count,
        len: i.numel() / count,
    }
}

/// How [`interpolate_backward`](crate::interpolate_backward)'s gradient
/// splits into units (see the [module docs](crate::part)); checks the whole call
/// (as the op does) but for its slices.
///
/// # Errors
/// As [`interpolate_backward`](crate::interpolate_backward)'s, but for
/// [`Error::BufferLength`].
pub fn interpolate_backward_units(
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<Units, Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    Ok(interpolate_backward_split(&g))
}

/// One part of [`interpolate_backward`](crate::interpolate_backward): the
/// whole call's `grad_output` and arguments; `grad_input` is the part's
/// piece, from unit `first`.
///
/// # Errors
/// As [`interpolate_backward`](crate::interpolate_backward)'s, and
/// [`Error::PartOutOfRange`] when `grad_input` is not a whole number of
/// units from `first` within the call; nothing is written on `Err`.
pub fn interpolate_backward(
    grad_output: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
    first: usize,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    let units = interpolate_backward_split(&g);
    split::check_units(units, first, grad_input.len())?;
    let rows = first..first + grad_input.len() / units.len;
    if crate::interpolate::backward::backward_units::<Native>(&g, grad_output, rows, grad_input) {
        return Ok(());
    }
    let (p, range) = narrowed(g, first, grad_input.len())?;
    let grad_output = slice_of(Buffer::GradOutput, grad_output, range)?;
    crate::interpolate::backward::backward::<Native>(&p, grad_output, grad_input);
    Ok(())
}

/// Defines the units and part functions of a pixel (un)shuffle's backward:
/// the inverse move's forward part.
macro_rules! shuffle_backward_part {
    ($op:literal, $units:ident, $name:ident($param:ident) = $geometry:expr) => {
        #[doc = concat!("How [`", $op, "`](crate::", $op, ")'s gradient splits into units (see the [module docs](crate::part)); checks the whole call (as the op does) but for its slices.")]
        ///
        /// # Errors
        #[doc = concat!("As [`", $op, "`](crate::", $op, ")'s, but for [`Error::BufferLength`].")]
        pub fn $units(shape: &[usize], layout: Layout, $param: usize) -> Result<Units, Error> {
            let g: ShuffleGeometry = $geometry(shape, layout, $param)?;
            Ok(split::units(&g.inverse()))
        }

        #[doc = concat!("One part of [`", $op, "`](crate::", $op, "): the whole call's `grad_output` and arguments; `grad_input` is the part's piece, from unit `first`.")]
        ///
        /// # Errors
        #[doc = concat!("As [`", $op, "`](crate::", $op, ")'s, and [`Error::PartOutOfRange`] when `grad_input` is not a whole number of units from `first` within the call; nothing is written on `Err`.")]
        pub fn $name(
            grad_output: &[f32],
            shape: &[usize],
            layout: Layout,
            $param: usize,
            first: usize,
            grad_input: &mut [f32],
        ) -> Result<(), Error> {
            let g: ShuffleGeometry = $geometry(shape, layout, $param)?;
            g.output.check_len(Buffer::GradOutput, grad_output.len())?;
            shuffle_part(&g.inverse(), first, grad_output, grad_input)
        }
    };
}

shuffle_backward_part! {
    "pixel_shuffle_backward", pixel_shuffle_backward_units,
    pixel_shuffle_backward(upscale_factor) = ShuffleGeometry::shuffle
}

shuffle_backward_part! {
    "pixel_unshuffle_backward", pixel_unshuffle_backward_units,
    pixel_unshuffle_backward(downscale_factor) = ShuffleGeometry::unshuffle
}

/// How [`max_pool_backward`](crate::max_pool_backward)'s gradient splits
/// into units (see the [module docs](crate::part)); checks the whole call (as the
/// op does) but for its slices and indices.
///
/// # Errors
/// As [`max_pool_backward`](crate::max_pool_backward)'s, but for
/// [`Error::BufferLength`] and [`Error::IndexOutOfRange`].
pub fn max_pool_backward_units(
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
) -> Result<Units, Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    Ok(split::units(&Backward(g)))
}

/// One part of [`max_pool_backward`](crate::max_pool_backward): the whole
/// call's `grad_output`, `indices` and arguments; `grad_input` is the
/// part's piece, from unit `first`.
///
/// # Errors
/// As [`max_pool_backward`](crate::max_pool_backward)'s, and
/// [`Error::PartOutOfRange`]. [`Error::IndexOutOfRange`] is found within
/// the indices the part reads only (its `position` in the whole
/// `indices`); nothing is written on `Err`.
pub fn max_pool_backward(
    grad_output: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    first: usize,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    g.output.check_len(Buffer::Indices, indices.len())?;
    let (p, range) = narrowed(g, first, grad_input.len())?;
    let start = range.start;
    let grad_output = slice_of(Buffer::GradOutput, grad_output, range.clone())?;
    let indices = slice_of(Buffer::Indices, indices, range)?;
    p.check_backward_buffers(grad_output, indices, grad_input)
        .map_err(|e| shifted(e, start))?;
    crate::pool::route(&p, grad_output, indices, grad_input);
    Ok(())
}

/// How [`max_unpool_backward`](crate::max_unpool_backward)'s gradient
/// splits into units (see the [module docs](crate::part)); checks the whole call
/// (as the op does) but for its slices and indices.
///
/// # Errors
/// As [`max_unpool_backward`](crate::max_unpool_backward)'s, but for
/// [`Error::BufferLength`] and [`Error::IndexOutOfRange`].
pub fn max_unpool_backward_units(
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) -> Result<Units, Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "max_unpool")?;
    Ok(split::units(&Backward(g)))
}

/// How [`avg_unpool_backward`](crate::avg_unpool_backward)'s gradient
/// splits into units (see the [module docs](crate::part)); checks the whole call
/// (as the op does) but for its slices.
///
/// # Errors
/// As [`avg_unpool_backward`](crate::avg_unpool_backward)'s, but for
/// [`Error::BufferLength`].
pub fn avg_unpool_backward_units(
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) -> Result<Units, Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "avg_unpool")?;
    Ok(split::units(&Backward(g)))
}

/// One part of [`max_unpool_backward`](crate::max_unpool_backward): the
/// whole call's `grad_output`, `indices` and arguments; `grad_input` is
/// the part's piece, from unit `first` (its indices are the same piece of
/// `indices`).
///
/// # Errors
/// As [`max_unpool_backward`](crate::max_unpool_backward)'s, and
/// [`Error::PartOutOfRange`]. [`Error::IndexOutOfRange`] is found within
/// the part's piece of `indices` only (its `position` in the whole
/// `indices`); nothing is written on `Err`.
pub fn max_unpool_backward(
    grad_output: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    first: usize,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "max_unpool")?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    g.input.check_len(Buffer::Indices, indices.len())?;
    let (p, range) = narrowed(g, first, grad_input.len())?;
    let start = first * split::units(&Backward(g)).len;
    let indices = slice_of(Buffer::Indices, indices, start..start + grad_input.len())?;
    p.check_index_block(indices, start)?;
    let grad_output = slice_of(Buffer::GradOutput, grad_output, range)?;
    crate::unpool::gather(&p, grad_output, indices, grad_input);
    Ok(())
}

/// One part of [`avg_unpool_backward`](crate::avg_unpool_backward): the
/// whole call's `grad_output` and arguments; `grad_input` is the part's
/// piece, from unit `first`.
///
/// # Errors
/// As [`avg_unpool_backward`](crate::avg_unpool_backward)'s, and
/// [`Error::PartOutOfRange`] when `grad_input` is not a whole number of
/// units from `first` within the call; nothing is written on `Err`.
pub fn avg_unpool_backward(
    grad_output: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    first: usize,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "avg_unpool")?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    let (p, range) = narrowed(g, first, grad_input.len())?;
    let grad_output = slice_of(Buffer::GradOutput, grad_output, range)?;
    crate::unpool::spread_back(&p, grad_output, grad_input);
    Ok(())
}

/// How [`conv_transpose_backward`](crate::conv_transpose_backward)'s input
/// gradient splits into units: one batch item each. Checks the whole call
/// (as the op does) but for its slices.
///
/// # Errors
/// As [`conv_transpose_backward`](crate::conv_transpose_backward)'s, but
/// for [`Error::BufferLength`].
pub fn conv_transpose_backward_input_units(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<Units, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    Ok(split::units(&Backward(g)))
}

/// One part of [`conv_transpose_backward`](crate::conv_transpose_backward)'s
/// input gradient: the whole call's `grad_output`, `weight` and arguments
/// (the forward input is not read); `grad_input` is the part's piece, from
/// unit `first` (batch item `first`); `scratch` is the part's own, of
/// [`conv_transpose_backward_scratch_len`](crate::conv_transpose_backward_scratch_len)
/// for the whole call (which no part exceeds).
///
/// # Errors
/// As [`conv_transpose_backward`](crate::conv_transpose_backward)'s, and
/// [`Error::PartOutOfRange`] when `grad_input` is not a whole number of
/// batch items from `first` within the call; nothing is written on `Err`.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose_backward_input(
    grad_output: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
    first: usize,
    grad_input: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    check_len(Buffer::Weight, g.weight_len, weight.len())?;
    let (p, range) = narrowed(g, first, grad_input.len())?;
    let operands = BackwardOperands {
        g: &p,
        grad_output: slice_of(Buffer::GradOutput, grad_output, range)?,
        input: &[],
        weight,
    };
    let gradients = ConvTransposeGradients {
        input: Some(grad_input),
        weight: None,
        bias: None,
    };
    conv_backward(operands, gradients, scratch)
}
