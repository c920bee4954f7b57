//! Every op split over the current rayon pool (the `rayon` feature, which
//! brings `std`): the same signatures and results as the crate's functions,
//! bit for bit, computed as the parts of [`crate::part`] on the pool's threads.
//!
//! A call is split into at most one part per thread, and into fewer where
//! its parts would be small: one part per [`MIN_PART`] elements read and
//! written (for `conv_transpose`, per [`MIN_PART`] multiply-adds), so a
//! small call stays on the calling thread with no pool round trip. A call
//! whose output is one unit (a copying op's channels-last image of one
//! batch item, a channels-first `conv_transpose` of one) is not split;
//! interpolate and conv_transpose split at planes (batch items) where they
//! have one per part, else at rows.
//!
//! Errors are found before anything is written, as in the crate's
//! functions: the whole call is checked first, then the parts, which can
//! no longer fail; `max_unpool`'s [`Error::IndexOutOfRange`] reports the
//! first bad index and leaves the whole output NaN, as
//! [`max_unpool`](crate::max_unpool) does. `conv_transpose` allocates one
//! scratch buffer per part after the first.
//!
//! The backward ops split as [`crate::part`]'s backward parts (rows,
//! planes or batch items of the gradient they write), and check the whole call's
//! indices before any part runs. [`conv_transpose_backward`] runs its
//! weight and bias gradients (sums over the whole batch) as one task
//! beside the parts of its input gradient, so a call asking for all three
//! keeps two threads busy even with one batch item.
//!
//! The calling thread computes the first part itself and hands the others
//! to the pool. A caller outside the pool pays for waking a pool thread
//! (tens of microseconds on a virtual machine); one inside it (a program
//! whose work already runs on the pool) does not.

extern crate std;

mod backward;

use crate::error::{Buffer, Error};
use crate::layout::{Layout, check_len};
use crate::part::{self, Units};
use crate::{
    BlockMode, ConvTransposeOptions, InterpolateOptions, MaxPoolOptions, ResizeOptions,
    UnpoolOptions,
};
pub use backward::*;
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

/// Runs `part(k, piece)` for every piece, the first on the calling
/// thread and the others on the pool ([`rayon::in_place_scope`]: a caller
/// outside the pool hands the pool only the other parts, and works
/// meanwhile, rather than handing it the whole call and sleeping); the
/// first error in piece order.
fn each_piece<P: Send>(
    pieces: impl Iterator<Item = P>,
    part: impl Fn(usize, P) -> Result<(), Error> + Sync,
) -> Result<(), Error> {
    let pieces: Vec<P> = pieces.collect();
    let mut results = vec![Ok(()); pieces.len()];
    rayon::in_place_scope(|s| {
        let mut runs = pieces.into_iter().zip(results.iter_mut()).enumerate();
        let first = runs.next();
        for (k, (piece, result)) in runs {
            let part = &part;
            s.spawn(move |_| *result = part(k, piece));
        }
        if let Some((_, (piece, result))) = first {
            *result = part(0, piece);
        }
    });
    results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
}

/// The scratch a part was given (the caller's, for the first part), or
/// `needed` zeros of its own in `own`.
fn given_or_own<'a>(
    given: Option<&'a mut [f32]>,
    own: &'a mut Vec<f32>,
    needed: usize,
) -> &'a mut [f32] {
    match given {
        Some(s) => s,
        None => {
            *own = vec![0.0; needed];
            own
        }
    }
}

/// Defines the split form of an op with one input and one output under
/// one parameter.
macro_rules! map_parallel {
    ($op:ident, $units:ident($($param:ident: $ty:ty),+), $align:expr) => {
        #[doc = concat!("[`", stringify!($op), "`](crate::", stringify!($op), ") split over the current rayon pool (see the [module docs](self)).")]
        ///
        /// # Errors
        #[doc = concat!("As [`", stringify!($op), "`](crate::", stringify!($op), ")'s.")]
        pub fn $op(
            input: &[f32],
            shape: &[usize],
            layout: Layout,
            $($param: $ty,)+
            output: &mut [f32],
        ) -> Result<(), Error> {
            let units = part::$units(shape, layout, $($param),+)?;
            check_len(Buffer::Output, units.count * units.len, output.len())?;
            let align: fn(&[usize], Layout, Units) -> usize = $align;
            let align = align(shape, layout, units);
            let per = units_per_part(units, input.len() + output.len(), align);
            if per == 0 {
                return crate::$op(input, shape, layout, $($param,)+ output);
            }
            each_piece(output.chunks_mut(per * units.len), |k, piece| {
                part::$op(input, shape, layout, $($param,)+ k * per, piece)
            })
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
map_parallel!(resize, resize_units(options: &ResizeOptions<'_>), plane_units);
/// The units of one channels-last batch item (its rows, where an op
/// splits them): parts of whole items where there is one per part.
fn item_units(shape: &[usize], layout: Layout, units: Units) -> usize {
    match layout {
        Layout::ChannelsFirst => 1,
        Layout::ChannelsLast => units.count / shape.first().copied().unwrap_or(1).max(1),
    }
}

map_parallel!(pixel_shuffle, pixel_shuffle_units(upscale_factor: usize), item_units);
map_parallel!(pixel_unshuffle, pixel_unshuffle_units(downscale_factor: usize), item_units);
map_parallel!(depth_to_space, depth_to_space_units(blocksize: usize, mode: BlockMode), item_units);
map_parallel!(space_to_depth, space_to_depth_units(blocksize: usize, mode: BlockMode), item_units);
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
    let align = item_units(shape, layout, units);
    let per = units_per_part(units, input.len() + 3 * output.len(), align);
    if per == 0 {
        return crate::max_pool(input, shape, layout, options, output, indices);
    }
    let len = per * units.len;
    let pieces = output.chunks_mut(len).zip(indices.chunks_mut(len));
    each_piece(pieces, |k, (piece, idx)| {
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
    let done = each_piece(output.chunks_mut(per * units.len), |k, piece| {
        part::max_unpool(input, indices, shape, layout, options, k * per, piece)
    });
    if matches!(done, Err(Error::IndexOutOfRange { .. })) {
        output.fill(f32::NAN);
    }
    done
}

/// [`conv_transpose`](crate::conv_transpose) split over the current rayon
/// pool (see the [module docs](self)); `scratch` serves the first part,
/// the others allocate their own.
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
    let item = units.count / shape.first().copied().unwrap_or(1).max(1);
    let mut per = units_per_part(units, work, item);
    // Channels-first parts are output channels: fewer than two vectors of
    // them a part run the micro-kernel's narrow tile, whose halves cost
    // about what the whole did (the commit that made this says by how much).
    let narrow = 2 * <crate::simd::Native as crate::simd::Lane>::LANES;
    if layout == Layout::ChannelsFirst && !per.is_multiple_of(item) && per < narrow {
        per = 0;
    }
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
    // The first part takes the caller's scratch; the others their own.
    let mut scratch = Some(scratch);
    let pieces = output
        .chunks_mut(per * units.len)
        .map(|piece| (piece, scratch.take()));
    each_piece(pieces, |k, (piece, scratch)| {
        let mut own = Vec::new();
        let scratch = given_or_own(scratch, &mut own, needed);
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
    })
}
