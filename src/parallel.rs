//! Every op split over the current rayon pool (the `rayon` feature, which
//! brings `std`): the same signatures and results as the crate's functions,
//! bit for bit, computed as the parts of [`crate::part`] on the pool's threads.
//!
//! A call is split into at most one part per thread, and into fewer where
//! its parts would be small: one part per [`MIN_PART`] elements read and
//! written (for `conv_transpose`, per [`MIN_PART`] multiply-adds), so a
//! small call stays on the calling thread with no pool round trip. A call
//! whose output is one unit (a copying op's channels-last image of one
//! batch item, a `conv_transpose` of one) is not split; an interpolation
//! splits at planes where it has at least one per part, else at rows.
//!
//! Errors are found before anything is written, as in the crate's
//! functions: the whole call is checked first, then the parts, which can
//! no longer fail; `max_unpool`'s [`Error::IndexOutOfRange`] reports the
//! first bad index and leaves the whole output NaN, as
//! [`max_unpool`](crate::max_unpool) does. `conv_transpose` allocates one
//! scratch buffer per part after the first.

extern crate std;

use crate::error::{Buffer, Error};
use crate::layout::{Layout, check_len};
use crate::part::{self, Units};
use crate::{ConvTransposeOptions, InterpolateOptions, MaxPoolOptions, UnpoolOptions};
use rayon::prelude::*;
use std::vec;
use std::vec::Vec;

/// The least work (elements read and written, or multiply-adds) that pays
/// for a part of its own: below it, handing a part to another thread and
/// waiting for it costs more than it saves.
pub const MIN_PART: usize = 1 << 17;

/// The units per part for a call of `units` and `work`, a multiple of
/// `align` units where that leaves a part for every thread: 0 for one
/// part.
fn units_per_part(units: Units, work: usize, align: usize) -> usize {
    let parts = (work / MIN_PART)
        .min(rayon::current_num_threads())
        .min(units.count);
    let per = units.count.div_ceil(parts.max(1));
    if parts <= 1 {
        0
    } else if units.count / align >= parts {
        per.div_ceil(align) * align
    } else {
        per
    }
}

/// Defines the split form of an op with one input and one output under
/// one parameter.
macro_rules! map_parallel {
    ($op:ident, $units:ident($param:ident: $ty:ty), $align:expr) => {
        #[doc = concat!("[`", stringify!($op), "`](crate::", stringify!($op), ") split over the current rayon pool (see the [module docs](self)).")]
        ///
        /// # Errors
        #[doc = concat!("As [`", stringify!($op), "`](crate::", stringify!($op), ")'s.")]
        pub fn $op(
            input: &[f32],
            shape: &[usize],
            layout: Layout,
            $param: $ty,
            output: &mut [f32],
        ) -> Result<(), Error> {
            let units = part::$units(shape, layout, $param)?;
            check_len(Buffer::Output, units.count * units.len, output.len())?;
            let align: fn(&[usize], Layout, Units) -> usize = $align;
            let align = align(shape, layout, units);
            let per = units_per_part(units, input.len() + output.len(), align);
            if per == 0 {
                return crate::$op(input, shape, layout, $param, output);
            }
            output
                .par_chunks_mut(per * units.len)
                .enumerate()
                .try_for_each(|(k, piece)| part::$op(input, shape, layout, $param, k * per, piece))
        }
    };
}

/// The units of one plane of an interpolation (its rows): parts of whole
/// planes keep a kernel's planes together.
fn plane_units(shape: &[usize], layout: Layout, units: Units) -> usize {
    let (n, c) = (
        shape.first().copied().unwrap_or(1),
        shape.get(1).copied().unwrap_or(1),
    );
    let planes = match layout {
        Layout::ChannelsFirst => n * c,
        Layout::ChannelsLast => n,
    };
    (units.count / planes.max(1)).max(1)
}

map_parallel!(interpolate, interpolate_units(options: &InterpolateOptions), plane_units);
map_parallel!(pixel_shuffle, pixel_shuffle_units(upscale_factor: usize), |_, _, _| 1);
map_parallel!(pixel_unshuffle, pixel_unshuffle_units(downscale_factor: usize), |_, _, _| 1);
map_parallel!(avg_unpool, avg_unpool_units(options: &UnpoolOptions<'_>), |_, _, _| 1);

/// [`max_pool`](crate::max_pool) split over the current rayon pool (see
/// the [module docs](self)).
///
/// # Errors
/// As [`max_pool`](crate::max_pool)'s.
pub fn max_pool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    output: &mut [f32],
    indices: &mut [i64],
) -> Result<(), Error> {
    let units = part::max_pool_units(shape, layout, options)?;
    check_len(Buffer::Output, units.count * units.len, output.len())?;
    check_len(Buffer::Indices, output.len(), indices.len())?;
    let per = units_per_part(units, input.len() + 3 * output.len(), 1);
    if per == 0 {
        return crate::max_pool(input, shape, layout, options, output, indices);
    }
    let len = per * units.len;
    output
        .par_chunks_mut(len)
        .zip(indices.par_chunks_mut(len))
        .enumerate()
        .try_for_each(|(k, (piece, idx))| {
            part::max_pool(input, shape, layout, options, k * per, piece, idx)
        })
}

/// [`max_unpool`](crate::max_unpool) split over the current rayon pool
/// (see the [module docs](self)).
///
/// # Errors
/// As [`max_unpool`](crate::max_unpool)'s: on
/// [`Error::IndexOutOfRange`] (the first bad index in memory order) the
/// whole output is NaN.
pub fn max_unpool(
    input: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let units = part::max_unpool_units(shape, layout, options)?;
    check_len(Buffer::Output, units.count * units.len, output.len())?;
    let per = units_per_part(units, 3 * input.len() + output.len(), 1);
    if per == 0 {
        return crate::max_unpool(input, indices, shape, layout, options, output);
    }
    let results: Vec<Result<(), Error>> = output
        .par_chunks_mut(per * units.len)
        .enumerate()
        .map(|(k, piece)| part::max_unpool(input, indices, shape, layout, options, k * per, piece))
        .collect();
    let first_error = results.into_iter().find_map(Result::err);
    match first_error {
        Some(e @ Error::IndexOutOfRange { .. }) => {
            output.fill(f32::NAN);
            Err(e)
        }
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// [`conv_transpose`](crate::conv_transpose) split over the current rayon
/// pool by batch item (see the [module docs](self)); `scratch` serves the
/// first part, the others allocate their own.
///
/// # Errors
/// As [`conv_transpose`](crate::conv_transpose)'s.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    bias: Option<&[f32]>,
    options: &ConvTransposeOptions<'_>,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let units = part::conv_transpose_units(shape, layout, weight_shape, options)?;
    check_len(Buffer::Output, units.count * units.len, output.len())?;
    let needed = crate::conv_transpose_scratch_len(shape, layout, weight_shape, options)?;
    check_len(Buffer::Scratch, needed, scratch.len().min(needed))?;
    let c_in = shape.get(1).copied().unwrap_or(1).max(1);
    let work = (input.len() / c_in).saturating_mul(weight.len());
    let per = units_per_part(units, work, 1);
    if per == 0 {
        return crate::conv_transpose(
            input,
            shape,
            layout,
            weight,
            weight_shape,
            bias,
            options,
            output,
            scratch,
        );
    }
    let (first, rest) = output.split_at_mut((per * units.len).min(output.len()));
    let run = |k: usize, piece: &mut [f32], scratch: &mut [f32]| {
        part::conv_transpose(
            input,
            shape,
            layout,
            weight,
            weight_shape,
            bias,
            options,
            k * per,
            piece,
            scratch,
        )
    };
    // Each part checks every operand before it writes: a bad one fails
    // them all with nothing written.
    let (a, b) = rayon::join(
        || run(0, first, scratch),
        || {
            rest.par_chunks_mut(per * units.len)
                .enumerate()
                .try_for_each(|(k, piece)| run(k + 1, piece, &mut vec![0.0; needed]))
        },
    );
    a.and(b)
}
