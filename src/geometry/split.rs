//! How one call's output splits into parts that threads compute on their
//! own ([`crate::part`]): the units an output is cut into, and the smaller
//! problem one run of units is.
//!
//! A unit is the smallest piece of output whose input is also one
//! contiguous piece:
//! - channels-first: one `(n, c)` plane of whichever side has fewer planes
//!   (`pixel_shuffle`'s output plane reads `r*r` input planes,
//!   `pixel_unshuffle`'s input plane writes `r*r` output planes; the other
//!   ops map plane to plane);
//! - channels-last: one batch item;
//! - `conv_transpose`, either layout: one batch item (every output channel
//!   reads every input channel of its group).
//!
//! Units `first .. first + count` are then the same op on `N' = 1`,
//! `C' = count` planes (channels-first, scaled by the planes per unit) or
//! on `N' = count` items, with every other size and option unchanged: the
//! kernels compute each plane and each item on its own, so the parts
//! together are the whole call bit for bit.

use super::conv_transpose::ConvTransposeGeometry;
use super::interpolate::InterpolateGeometry;
use super::pixel_shuffle::{BlockMode, Direction, ShuffleGeometry};
use super::pool::MaxPoolGeometry;
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use core::ops::Range;

/// How a call's output splits: `count` units of `len` output elements
/// each, in memory order (see [`crate::part`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Units {
    /// How many units the output holds: the most parts a call splits into.
    pub count: usize,
    /// Output elements per unit: a part of `k` units is `k * len` long.
    pub len: usize,
}

/// A checked geometry whose input and output dims can be narrowed to a run
/// of units.
pub(crate) trait Split: Copy {
    /// Whether channels-first units are planes (`false`: batch items in
    /// both layouts, as `conv_transpose`).
    fn planes(&self) -> bool;

    /// The input and output dims.
    fn dims(&self) -> (Dims, Dims);

    /// The units each plane's (or batch item's) output splits into: its
    /// rows or output channels, for an op whose parts take those
    /// ([`runs`]); 1 for the others, whose parts are narrowed by [`part`].
    fn rows(&self) -> usize;

    /// The same problem on other input and output dims.
    fn with_dims(self, input: Dims, output: Dims) -> Self;
}

/// A backward op's split: the forward's geometry `G` with input and output
/// swapped, so that units are counted on the gradient the backward writes
/// (the forward input's shape) and a run of them narrows both gradients to
/// whole planes (channels-first) or batch items, as the forward's
/// [`part`] does. Never rows: a backward's input rows take contributions
/// from output rows of neighbouring windows.
#[derive(Clone, Copy)]
pub(crate) struct Backward<G>(pub G);

impl<G: Split> Split for Backward<G> {
    fn planes(&self) -> bool {
        self.0.planes()
    }

    fn dims(&self) -> (Dims, Dims) {
        let (i, o) = self.0.dims();
        (o, i)
    }

    fn rows(&self) -> usize {
        1
    }

    fn with_dims(self, input: Dims, output: Dims) -> Self {
        Backward(self.0.with_dims(output, input))
    }
}

/// The planes (channels-first) or batch items one unit holds, input and
/// output, and the unit count.
fn unit_shape<G: Split>(g: &G) -> (usize, usize, usize) {
    let (i, o) = g.dims();
    if g.planes() && i.layout == Layout::ChannelsFirst {
        let (pi, po) = (i.n * i.c, o.n * o.c);
        let units = pi.min(po);
        (pi / units, po / units, units)
    } else {
        (1, 1, i.n)
    }
}

/// The units `g`'s output splits into.
pub(crate) fn units<G: Split>(g: &G) -> Units {
    let (_, _, planes) = unit_shape(g);
    let count = planes * g.rows();
    let (_, o) = g.dims();
    Units {
        count,
        len: o.numel() / count,
    }
}

/// Checks that `output_len` elements from unit `first` are a whole,
/// non-zero number of `g`'s units within the call.
pub(crate) fn check_run<G: Split>(g: &G, first: usize, output_len: usize) -> Result<(), Error> {
    check_units(units(g), first, output_len)
}

/// Checks that `output_len` elements from unit `first` are a whole,
/// non-zero number of `units` within the call.
pub(crate) fn check_units(units: Units, first: usize, output_len: usize) -> Result<(), Error> {
    let Units { count: total, len } = units;
    let count = output_len / len;
    if count == 0 || count * len != output_len || first >= total || count > total - first {
        return Err(Error::PartOutOfRange {
            first,
            len: output_len,
            unit_len: len,
            units: total,
        });
    }
    Ok(())
}

/// One run of a part's units, of `rows` units a plane: `planes` whole
/// planes from plane `plane` (`rows` is then all of them), or some `rows`
/// of the one plane `plane`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub plane: usize,
    pub planes: usize,
    pub rows: Range<usize>,
}

/// Units `first..first + count` as runs: the rows left of a first plane,
/// then the whole planes, then the rows of a last plane.
pub(crate) fn runs(first: usize, count: usize, rows: usize) -> impl Iterator<Item = Run> {
    let (end, rows) = (first + count, rows.max(1));
    let mut unit = first;
    core::iter::from_fn(move || {
        if unit >= end {
            return None;
        }
        let (plane, row) = (unit / rows, unit % rows);
        let planes = if row == 0 { (end - unit) / rows } else { 0 };
        let run = if planes > 0 {
            Run {
                plane,
                planes,
                rows: 0..rows,
            }
        } else {
            Run {
                plane,
                planes: 1,
                rows: row..rows.min(row + end - unit),
            }
        };
        unit += run.planes * run.rows.len();
        Some(run)
    })
}

/// The axis an interpolation's parts split each plane's rows along: the
/// outermost spatial axis of a 2- or 3-d call (H of an image, D of a
/// volume); none for 1-d, whose planes are one row.
pub(crate) fn interpolate_row_axis(g: &InterpolateGeometry) -> Option<usize> {
    resample_row_axis(&g.output)
}

/// [`interpolate_row_axis`] of any resampling to output dims `o` (ONNX's
/// `resize` splits as `interpolate` does).
pub(crate) fn resample_row_axis(o: &Dims) -> Option<usize> {
    (o.rank >= 2).then(|| MAX_SPATIAL - o.rank)
}

/// Whether a `conv_transpose`'s parts split each batch item by output
/// channels: a channels-first call on the dense driver (not depthwise,
/// paddings and strides the fast path takes), which takes a channel range.
/// (A depthwise part run as a problem of its own channels gave the same
/// numbers but other NaN bits where its vectors' tails differ.)
pub(crate) fn conv_transpose_channels_split(g: &ConvTransposeGeometry) -> bool {
    let depthwise = g.input.c == g.groups && g.out_per_group == 1;
    g.input.layout == Layout::ChannelsFirst && !depthwise && g.fast_path_fits()
}

/// The axis a `max_pool`'s parts split each batch item's rows along: the
/// outermost spatial axis of a 2- or 3-d channels-last call; none
/// otherwise (parts of whole planes or batch items).
pub(crate) fn max_pool_row_axis(g: &MaxPoolGeometry) -> Option<usize> {
    let o = &g.output;
    (o.layout == Layout::ChannelsLast && o.rank >= 2).then(|| MAX_SPATIAL - o.rank)
}

/// The axis a `conv_transpose`'s parts split each batch item's rows along:
/// the outermost spatial axis of a 2- or 3-d channels-last call (whose
/// rows are contiguous); none otherwise (parts of whole batch items).
pub(crate) fn conv_transpose_row_axis(g: &ConvTransposeGeometry) -> Option<usize> {
    let o = &g.output;
    (o.layout == Layout::ChannelsLast && o.rank >= 2).then(|| MAX_SPATIAL - o.rank)
}

/// The part of `g` that starts at unit `first` and writes `output_len`
/// elements: its geometry, and the range of the whole input it reads.
/// Errors when `output_len` is not a whole, non-zero number of units
/// within the call.
pub(crate) fn part<G: Split>(
    g: &G,
    first: usize,
    output_len: usize,
) -> Result<(G, Range<usize>), Error> {
    check_run(g, first, output_len)?;
    let (per_in, per_out, _) = unit_shape(g);
    let count = output_len / units(g).len;
    let (i, o) = g.dims();
    let narrow = |d: Dims, per: usize| Dims {
        n: if d.layout == Layout::ChannelsFirst && g.planes() {
            1
        } else {
            count
        },
        c: if d.layout == Layout::ChannelsFirst && g.planes() {
            count * per
        } else {
            d.c
        },
        ..d
    };
    let (si, so) = (narrow(i, per_in), narrow(o, per_out));
    let unit_in = si.numel() / count;
    debug_assert_eq!(so.numel(), output_len);
    Ok((
        g.with_dims(si, so),
        first * unit_in..(first + count) * unit_in,
    ))
}

/// Checks `len` against the whole call's input length.
pub(crate) fn check_input<G: Split>(g: &G, buffer: Buffer, len: usize) -> Result<(), Error> {
    g.dims().0.check_len(buffer, len)
}

/// `Split` for geometries whose only sizes are `input` and `output`:
/// whether their channels-first units are planes, and the units each
/// plane (or batch item) splits into.
macro_rules! split_by_dims {
    ($($g:ty: planes $planes:expr, rows $rows:expr;)*) => {$(
        impl Split for $g {
            fn planes(&self) -> bool {
                let planes: fn(&$g) -> bool = $planes;
                planes(self)
            }

            fn dims(&self) -> (Dims, Dims) {
                (self.input, self.output)
            }

            fn with_dims(self, input: Dims, output: Dims) -> Self {
                Self {
                    input,
                    output,
                    ..self
                }
            }

            fn rows(&self) -> usize {
                let rows: fn(&$g) -> usize = $rows;
                rows(self)
            }
        }
    )*};
}

split_by_dims! {
    InterpolateGeometry: planes |_| true, rows |g| {
        interpolate_row_axis(g).map_or(1, |a| g.output.spatial[a])
    };
    super::resize::ResizeGeometry: planes |_| true, rows |g| {
        resample_row_axis(&g.output).map_or(1, |a| g.output.spatial[a])
    };
    ConvTransposeGeometry: planes |_| false, rows |g| match conv_transpose_row_axis(g) {
        Some(a) => g.output.spatial[a],
        None if conv_transpose_channels_split(g) => g.output.c,
        None => 1,
    };
    // Channels-first DCR, batch items: a large plane's small planes are `C`
    // planes apart. Channels-last, the small tensor's rows (each `r` rows
    // of the large one, contiguous in both).
    ShuffleGeometry: planes |g| g.mode == BlockMode::Crd, rows |g| match (g.input.layout, g.direction) {
        (Layout::ChannelsLast, Direction::Shuffle) => g.input.spatial[1],
        (Layout::ChannelsLast, Direction::Unshuffle) => g.output.spatial[1],
        (Layout::ChannelsFirst, _) => 1,
    };
    MaxPoolGeometry: planes |_| true, rows |g| {
        max_pool_row_axis(g).map_or(1, |a| g.output.spatial[a])
    };
    super::unpool::UnpoolGeometry: planes |_| true, rows |_| 1;
}
