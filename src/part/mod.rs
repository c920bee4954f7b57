//! One call split into parts that threads compute on their own, with no
//! allocation and no `std`.
//!
//! Every op's output is cut into *units* ([`Units`]), contiguous in
//! memory:
//! - [`interpolate`] and [`resize`]: one output row (H of an image, D of a volume; a
//!   whole plane in 1-d) of one plane, channels-first `(n, c)`,
//!   channels-last `n`: one image of one channel-last batch item splits
//!   into its rows;
//! - the copying ops, channels-first: one `(n, c)` plane (for
//!   [`pixel_shuffle`] one output plane, which reads `r*r` input planes;
//!   for [`pixel_unshuffle`] the `r*r` output planes of one input plane;
//!   [`depth_to_space`] and [`space_to_depth`] likewise in CRD order, one
//!   batch item in DCR order, whose `r*r` planes are `C` planes apart);
//! - channels-last: [`pixel_shuffle`], [`pixel_unshuffle`],
//!   [`depth_to_space`] and [`space_to_depth`], the `r`
//!   large rows of one small row of a batch item; [`max_pool`], one output
//!   row (H, or D) of a batch item; [`max_unpool`] and [`avg_unpool`], one
//!   batch item;
//! - [`conv_transpose`]: channels-last 2- and 3-d, one output row (H, or
//!   D) of one batch item; channels-first, one output channel of a batch
//!   item (the dense driver; depthwise and 1-d calls, one batch item).
//!
//! A *part* is a run of whole units: a contiguous piece of the output. Each op here takes
//! the whole call's arguments, the part's first unit and the part's piece
//! of the output, and writes that piece only:
//!
//! ```
//! use upsample::{part, InterpolateMode, InterpolateOptions, Layout};
//! let (shape, layout) = ([2, 3, 8, 8], Layout::ChannelsFirst);
//! let opts = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, &[2.0]);
//! let input = vec![1.0; 2 * 3 * 8 * 8];
//! let mut output = vec![0.0; 2 * 3 * 16 * 16];
//! // Checks the whole call once; the parts below can then fail only on
//! // their own slices.
//! let units = part::interpolate_units(&shape, layout, &opts)?;
//! assert_eq!((units.count, units.len), (96, 16)); // 6 planes of 16 rows of 16
//! let per_part = units.count.div_ceil(2);
//! std::thread::scope(|s| {
//!     for (k, piece) in output.chunks_mut(per_part * units.len).enumerate() {
//!         let input = &input;
//!         s.spawn(move || part::interpolate(input, &shape, layout, &opts, k * per_part, piece));
//!     }
//! });
//! assert!(output.iter().all(|&v| v == 1.0));
//! # Ok::<(), upsample::Error>(())
//! ```
//!
//! The parts together equal one whole call bit for bit, computed in any
//! order: each kernel computes a plane (or a batch item, or an
//! interpolation's output row) from its own input only, and the part runs
//! the kernel the whole call would choose (for [`interpolate`], chosen on
//! the whole call's geometry, whose exact fix-up reads the whole input). A
//! part reads only its units' input; its cost is its share of the call
//! plus the call's checks and, for [`interpolate`], its kernel's tables
//! (one row's worth, and a window per row to find the rows it reads).
//! Parts never write outside their piece.
//!
//! Not split: channels-last unpooling of one batch item, and a depthwise
//! (or past the fast path's paddings) channels-first `conv_transpose` of
//! one, are one unit.
//!
//! The backward ops split the gradient they write (the forward input's
//! shape): [`interpolate_backward`] into input rows (H, or D; whole planes
//! in 1-d) of a plane or batch item, as the forward splits its output (whole
//! planes or items where its tables are too small for the fast kernels);
//! the others into one `(n, c)` plane channels-first or one batch item
//! channels-last ([`max_pool_backward`],
//! [`max_unpool_backward`], [`avg_unpool_backward`]; [`pixel_shuffle_backward`]
//! and [`pixel_unshuffle_backward`] as the inverse move's forward parts).
//! A part reads the output gradient of its own planes or items (and
//! `max_unpool_backward`'s indices of its own piece), so it costs its share
//! of the call. [`conv_transpose_backward_input`] splits the input gradient
//! by batch items; the weight and bias gradients are sums over the whole
//! batch and have no parts (split over items, each part's sum would differ
//! from the whole call's in its last bits): compute them in one call of
//! [`conv_transpose_backward`](crate::conv_transpose_backward) with
//! `gradients.input` `None`, beside the input gradient's parts.

mod backward;

use crate::error::{Buffer, Error};
use crate::geometry::conv_transpose::{ConvTransposeGeometry, Operands};
use crate::geometry::interpolate::InterpolateGeometry;
use crate::geometry::pixel_shuffle::{Direction, ShuffleGeometry};
use crate::geometry::pool::MaxPoolGeometry;
use crate::geometry::resize::ResizeGeometry;
pub use crate::geometry::split::Units;
use crate::geometry::split::{
    self, Run, Split, check_input, conv_transpose_channels_split, conv_transpose_row_axis,
    max_pool_row_axis,
};
use crate::geometry::unpool::UnpoolGeometry;
use crate::layout::{Dims, Layout};
use crate::slices::take_head;
use crate::{
    BlockMode, ConvTransposeOptions, InterpolateOptions, MaxPoolOptions, ResizeOptions,
    UnpoolOptions,
};
pub use backward::*;

/// The input range a part reads, as a slice (the range comes from the
/// checked geometry, so it is always in bounds).
fn piece(input: &[f32], range: core::ops::Range<usize>) -> Result<&[f32], Error> {
    slice_of(Buffer::Input, input, range)
}

/// `range` of `whole`, a buffer of the call already checked against its
/// geometry (an error naming `buffer` should the range not fit).
fn slice_of<T>(buffer: Buffer, whole: &[T], range: core::ops::Range<usize>) -> Result<&[T], Error> {
    let len = whole.len();
    whole.get(range).ok_or(Error::BufferLength {
        buffer,
        expected: len,
        actual: len,
    })
}

/// Defines the units and part functions of an op with one input and one
/// output under one parameter.
macro_rules! map_part {
    (
        $op:literal, $units:ident, $name:ident($($param:ident: $ty:ty),+)
        = $geometry:expr => $run:expr
    ) => {
        #[doc = concat!("How [`", $op, "`](crate::", $op, ")'s output splits into units; checks the whole call (as the op does) but for its slices.")]
        ///
        /// # Errors
        #[doc = concat!("As [`", $op, "`](crate::", $op, ")'s, but for [`Error::BufferLength`].")]
        pub fn $units(shape: &[usize], layout: Layout, $($param: $ty),+) -> Result<Units, Error> {
            Ok(split::units(&$geometry(shape, layout, $($param),+)?))
        }

        #[doc = concat!("One part of [`", $op, "`](crate::", $op, "): the whole call's `input` and arguments; `output` is the part's piece, from unit `first` (see the [module docs](self)).")]
        ///
        /// # Errors
        #[doc = concat!("As [`", $op, "`](crate::", $op, ")'s, and [`Error::PartOutOfRange`] when `output` is not a whole number of units from `first` within the call; nothing is written on `Err`.")]
        pub fn $name(
            input: &[f32],
            shape: &[usize],
            layout: Layout,
            $($param: $ty,)+
            first: usize,
            output: &mut [f32],
        ) -> Result<(), Error> {
            let g = $geometry(shape, layout, $($param),+)?;
            check_input(&g, Buffer::Input, input.len())?;
            $run(&g, first, input, output)
        }
    };
}

/// A part of `g` by [`split::part`]'s narrowing, run by `run`.
fn narrowed<G: Split>(
    run: fn(&G, &[f32], &mut [f32]),
) -> impl Fn(&G, usize, &[f32], &mut [f32]) -> Result<(), Error> {
    move |g, first, input, output| {
        let (p, range) = split::part(g, first, output.len())?;
        run(&p, piece(input, range)?, output);
        Ok(())
    }
}

/// A part of a pixel (un)shuffle: channels-last, runs of the small
/// tensor's rows (each `r` rows of the large one); else by narrowing.
fn shuffle_part(
    g: &ShuffleGeometry,
    first: usize,
    input: &[f32],
    output: &mut [f32],
) -> Result<(), Error> {
    let rows = g.rows();
    if rows == 1 {
        return narrowed(crate::pixel_shuffle::permute)(g, first, input, output);
    }
    split::check_run(g, first, output.len())?;
    let (i, o) = (g.input, g.output);
    let (in_row, out_row) = (i.numel() / i.n / rows, o.numel() / o.n / rows);
    let mut rest = output;
    for Run {
        plane,
        planes,
        rows: run,
    } in split::runs(first, rest.len() / out_row, rows)
    {
        let units = planes * run.len();
        let out = take_head(&mut rest, units * out_row);
        let mut sub = *g;
        (sub.input.n, sub.output.n) = (planes, planes);
        let (small, large) = (run.len(), run.len() * g.factor);
        let (h_in, h_out) = match g.direction {
            Direction::Shuffle => (small, large),
            Direction::Unshuffle => (large, small),
        };
        (sub.input.spatial[1], sub.output.spatial[1]) = (h_in, h_out);
        let at = (plane * rows + run.start) * in_row;
        crate::pixel_shuffle::permute(&sub, piece(input, at..at + units * in_row)?, out);
    }
    Ok(())
}

/// How [`interpolate`](crate::interpolate)'s output splits into units:
/// one output row (H of an image, D of a volume) of one plane
/// (channels-first `(n, c)`, channels-last `n`); 1-d, one plane. Checks
/// the whole call (as the op does) but for its slices.
///
/// # Errors
/// As [`interpolate`](crate::interpolate)'s, but for [`Error::BufferLength`].
pub fn interpolate_units(
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
) -> Result<Units, Error> {
    Ok(split::units(&InterpolateGeometry::new(
        shape, layout, options,
    )?))
}

/// One part of [`interpolate`](crate::interpolate): the whole call's
/// `input` and arguments; `output` is the part's piece, from unit `first`
/// (see the [module docs](self)).
///
/// # Errors
/// As [`interpolate`](crate::interpolate)'s, and [`Error::PartOutOfRange`]
/// when `output` is not a whole number of units from `first` within the
/// call; nothing is written on `Err`.
pub fn interpolate(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions,
    first: usize,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    check_input(&g, Buffer::Input, input.len())?;
    split::check_run(&g, first, output.len())?;
    crate::interpolate::resample_units(&g, input, first, output);
    Ok(())
}

/// How [`resize`](crate::resize)'s output splits into units: as
/// [`interpolate`]'s. Checks the whole call (as the op does) but for its
/// slices.
///
/// # Errors
/// As [`resize`](crate::resize)'s, but for [`Error::BufferLength`].
pub fn resize_units(
    shape: &[usize],
    layout: Layout,
    options: &ResizeOptions<'_>,
) -> Result<Units, Error> {
    Ok(split::units(&ResizeGeometry::new(shape, layout, options)?))
}

/// One part of [`resize`](crate::resize): the whole call's `input` and
/// arguments; `output` is the part's piece, from unit `first` (see the
/// [module docs](self)).
///
/// # Errors
/// As [`resize`](crate::resize)'s, and [`Error::PartOutOfRange`] when
/// `output` is not a whole number of units from `first` within the call;
/// nothing is written on `Err`.
pub fn resize(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &ResizeOptions<'_>,
    first: usize,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = ResizeGeometry::new(shape, layout, options)?;
    check_input(&g, Buffer::Input, input.len())?;
    split::check_run(&g, first, output.len())?;
    crate::interpolate::resize_units(&g, input, first, output);
    Ok(())
}

map_part! {
    "pixel_shuffle", pixel_shuffle_units, pixel_shuffle(upscale_factor: usize)
    = ShuffleGeometry::shuffle => shuffle_part
}

map_part! {
    "pixel_unshuffle", pixel_unshuffle_units, pixel_unshuffle(downscale_factor: usize)
    = ShuffleGeometry::unshuffle => shuffle_part
}

map_part! {
    "depth_to_space", depth_to_space_units, depth_to_space(blocksize: usize, mode: BlockMode)
    = ShuffleGeometry::depth_to_space => shuffle_part
}

map_part! {
    "space_to_depth", space_to_depth_units, space_to_depth(blocksize: usize, mode: BlockMode)
    = ShuffleGeometry::space_to_depth => shuffle_part
}

map_part! {
    "avg_unpool", avg_unpool_units, avg_unpool(options: &UnpoolOptions<'_>)
    = |shape, layout, options| UnpoolGeometry::new(shape, layout, options, "avg_unpool")
    => narrowed(crate::unpool::unpool_average)
}

/// How [`max_unpool`](crate::max_unpool)'s output splits into units;
/// checks the whole call (as the op does) but for its slices.
///
/// # Errors
/// As [`max_unpool`](crate::max_unpool)'s, but for
/// [`Error::BufferLength`] and [`Error::IndexOutOfRange`].
pub fn max_unpool_units(
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) -> Result<Units, Error> {
    Ok(split::units(&UnpoolGeometry::new(
        shape,
        layout,
        options,
        "max_unpool",
    )?))
}

/// One part of [`max_unpool`](crate::max_unpool): the whole call's
/// `input`, `indices` and arguments; `output` is the part's piece, from
/// unit `first` (see the [module docs](self)).
///
/// # Errors
/// As [`max_unpool`](crate::max_unpool)'s, and [`Error::PartOutOfRange`].
/// [`Error::IndexOutOfRange`] is found within the part's units only (its
/// `position` in the whole `indices`); then the part's piece is NaN.
pub fn max_unpool(
    input: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    first: usize,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "max_unpool")?;
    check_input(&g, Buffer::Input, input.len())?;
    check_input(&g, Buffer::Indices, indices.len())?;
    let (p, range) = split::part(&g, first, output.len())?;
    let start = range.start;
    let indices = indices.get(range.clone()).unwrap_or_default();
    let written = crate::unpool::unpool_max(&p, piece(input, range)?, indices, output);
    match written {
        Err(Error::IndexOutOfRange {
            position,
            index,
            plane_size,
        }) => {
            output.fill(f32::NAN);
            Err(Error::IndexOutOfRange {
                position: position + start,
                index,
                plane_size,
            })
        }
        other => other,
    }
}

/// How [`max_pool`](crate::max_pool)'s output (and indices) split into
/// units; checks the whole call (as the op does) but for its slices.
///
/// # Errors
/// As [`max_pool`](crate::max_pool)'s, but for [`Error::BufferLength`].
pub fn max_pool_units(
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
) -> Result<Units, Error> {
    Ok(split::units(&MaxPoolGeometry::new(shape, layout, options)?))
}

/// One part of [`max_pool`](crate::max_pool): the whole call's `input` and
/// arguments; `output` and `indices` are the part's pieces (of one
/// length), from unit `first` (see the [module docs](self)).
///
/// # Errors
/// As [`max_pool`](crate::max_pool)'s, and [`Error::PartOutOfRange`];
/// nothing is written on `Err`.
pub fn max_pool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    first: usize,
    output: &mut [f32],
    indices: &mut [i64],
) -> Result<(), Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    check_input(&g, Buffer::Input, input.len())?;
    crate::layout::check_len(Buffer::Indices, output.len(), indices.len())?;
    let Some(axis) = max_pool_row_axis(&g) else {
        let (p, range) = split::part(&g, first, output.len())?;
        crate::pool::pool(&p, piece(input, range)?, output, indices);
        return Ok(());
    };
    split::check_run(&g, first, output.len())?;
    let (i, o) = (g.input, g.output);
    let rows = o.spatial[axis];
    let (in_item, out_row) = (i.numel() / i.n, o.numel() / o.n / rows);
    // Input elements of one row along `axis`, in its plane's indices.
    let in_row = i.plane() / i.spatial[axis];
    let (mut rest, mut rest_idx) = (output, indices);
    for Run {
        plane,
        planes,
        rows: run,
    } in split::runs(first, rest.len() / out_row, rows)
    {
        let units = planes * run.len();
        let out = take_head(&mut rest, units * out_row);
        let idx = take_head(&mut rest_idx, units * out_row);
        let at = plane * in_item;
        if run.len() == rows {
            let mut sub = g;
            (sub.input.n, sub.output.n) = (planes, planes);
            crate::pool::pool(&sub, piece(input, at..at + planes * in_item)?, out, idx);
            continue;
        }
        // The input rows the run's windows read, and a padding that keeps
        // each window where it was (`o * stride - padding + t * dilation`).
        let p = g.params;
        let (s, pad) = (p.stride[axis], p.padding[axis]);
        let reach = (p.kernel[axis] - 1) * p.dilation[axis] + 1;
        let lo = (run.start * s).saturating_sub(pad);
        let hi = ((run.end - 1) * s + reach)
            .saturating_sub(pad)
            .min(i.spatial[axis]);
        let mut sub = g;
        (sub.input.n, sub.output.n) = (1, 1);
        sub.input.spatial[axis] = hi - lo;
        sub.output.spatial[axis] = run.len();
        sub.params.padding[axis] = pad + lo - run.start * s;
        let from = at + lo * in_row * i.c;
        crate::pool::pool(
            &sub,
            piece(input, from..from + (hi - lo) * in_row * i.c)?,
            out,
            idx,
        );
        // Indices within the whole plane. A window nothing in beats -inf
        // keeps its initial index, which PyTorch's 3-d channels-last kernel
        // gives without the depth (`reference::pool::initial_index`): the
        // same in the part as in the whole call.
        let shift = (lo * in_row) as i64;
        let depthless = i.rank == 3;
        for (v, &max) in idx.iter_mut().zip(out.iter()) {
            if !(depthless && max == f32::NEG_INFINITY) {
                *v += shift;
            }
        }
    }
    Ok(())
}

/// How [`conv_transpose`](crate::conv_transpose)'s output splits into
/// units (channels-last 2- and 3-d: one output row of a batch item; else
/// one batch item); checks the whole call (as the op does) but for its
/// slices.
///
/// # Errors
/// As [`conv_transpose`](crate::conv_transpose)'s, but for
/// [`Error::BufferLength`].
pub fn conv_transpose_units(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<Units, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    Ok(split::units(&g))
}

/// One part of [`conv_transpose`](crate::conv_transpose): the whole call's
/// `input`, `weight`, `bias` and arguments; `output` is the part's piece,
/// from unit `first` (see the [module docs](self)); `scratch` is the
/// part's own, of [`conv_transpose_scratch_len`](crate::conv_transpose_scratch_len)
/// for the whole call (which no part exceeds).
///
/// # Errors
/// As [`conv_transpose`](crate::conv_transpose)'s, and
/// [`Error::PartOutOfRange`]; nothing is written on `Err`.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    bias: Option<&[f32]>,
    options: &ConvTransposeOptions<'_>,
    first: usize,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    check_input(&g, Buffer::Input, input.len())?;
    let axis = conv_transpose_row_axis(&g);
    let channels = axis.is_none() && conv_transpose_channels_split(&g);
    if axis.is_none() && !channels {
        let (p, range) = split::part(&g, first, output.len())?;
        let input = piece(input, range)?;
        p.check_buffers(input, weight, bias, output)?;
        let operands = Operands {
            g: &p,
            input,
            weight,
            bias,
        };
        return crate::conv_transpose::transpose(operands, output, scratch);
    };
    split::check_run(&g, first, output.len())?;
    let (i, o) = (g.input, g.output);
    // Units of a batch item: its output rows along `axis`, or its output
    // channels.
    let rows = g.rows();
    let (in_item, out_item) = (i.numel() / i.n, o.numel() / o.n);
    let out_row = out_item / rows;
    let mut rest = output;
    for Run {
        plane,
        planes,
        rows: run,
    } in split::runs(first, rest.len() / out_row, rows)
    {
        let out = take_head(&mut rest, planes * run.len() * out_row);
        let at = plane * in_item;
        let (sub, from, channels) = match axis {
            _ if run.len() == rows => {
                let narrow = |d: Dims| Dims { n: planes, ..d };
                let sub = g.with_dims(narrow(i), narrow(o));
                (sub, at..at + planes * in_item, 0..o.c)
            }
            Some(axis) => {
                let (sub, lo, hi) = conv_transpose_rows(&g, axis, run);
                let in_row = in_item / i.spatial[axis];
                (sub, at + lo * in_row..at + hi * in_row, 0..o.c)
            }
            None => {
                let narrow = |d: Dims| Dims { n: 1, ..d };
                let sub = g.with_dims(narrow(i), narrow(o));
                (sub, at..at + in_item, run)
            }
        };
        let input = piece(input, from)?;
        let expected = sub.output.n * channels.len() * sub.output.plane();
        crate::layout::check_len(Buffer::Output, expected, out.len())?;
        sub.input.check_len(Buffer::Input, input.len())?;
        crate::layout::check_len(Buffer::Weight, sub.weight_len, weight.len())?;
        if let Some(bias) = bias {
            crate::layout::check_len(Buffer::Bias, sub.output.c, bias.len())?;
        }
        let operands = Operands {
            g: &sub,
            input,
            weight,
            bias,
        };
        crate::conv_transpose::transpose_channels(operands, out, scratch, channels, &g)?;
    }
    Ok(())
}

/// Output `rows` along `axis` of one batch item of `g` as a problem of
/// their own, and the input rows `lo..hi` it reads: every input row a
/// kernel tap takes to those outputs (`o + padding = i * stride + t *
/// dilation`), and a padding that keeps each output's phase and taps, so
/// each output is the same sum in the same order.
fn conv_transpose_rows(
    g: &ConvTransposeGeometry,
    axis: usize,
    rows: core::ops::Range<usize>,
) -> (ConvTransposeGeometry, usize, usize) {
    let (s, p) = (g.stride[axis], g.padding[axis]);
    let reach = (g.kernel[axis] - 1) * g.dilation[axis];
    let h = g.input.spatial[axis];
    let lo = (rows.start + p).saturating_sub(reach).div_ceil(s);
    let lo = lo.min((rows.start + p) / s).min(h - 1);
    let hi = ((rows.end - 1 + p) / s + 1).clamp(lo + 1, h);
    let mut sub = g.with_dims(g.input, g.output);
    sub.input.n = 1;
    sub.output.n = 1;
    sub.input.spatial[axis] = hi - lo;
    sub.output.spatial[axis] = rows.len();
    sub.padding[axis] = rows.start + p - lo * s;
    (sub, lo, hi)
}
