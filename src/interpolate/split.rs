//! One part of an interpolation ([`crate::part`]): a run of units, each
//! one output row (along the outermost spatial axis: H of an image, D of
//! a volume) of one plane (channels-first `(n, c)`, channels-last `n`);
//! 1-d calls, whose planes are one row, split by planes.
//!
//! The kernel is the one the whole call chooses, and it runs unchanged on
//! smaller problems: the part's whole planes as one problem, and a plane
//! the part holds only some rows of as a problem of those rows, its input
//! the rows their windows read and its windows
//! [shifted](super::windows::AxisWindows::shifted) to match. Every kernel
//! computes an output row from its windows alone, so the part's rows are
//! the whole call's bit for bit; the exact fix-up computes from the whole
//! call's geometry and input (`Part`).

use super::plan::{Kernel, Target};
use super::windows::{self, AxisWindows, Call, Part};
use crate::geometry::interpolate::InterpolateGeometry;
use crate::geometry::split::{Run, resample_row_axis, runs};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::Native;
use crate::slices::take_head;

/// `d` narrowed to `count` planes, and to `rows` along `axis`.
fn narrow(d: &Dims, count: usize, axis: Option<(usize, usize)>) -> Dims {
    let mut spatial = d.spatial;
    if let Some((a, rows)) = axis {
        spatial[a] = rows;
    }
    match d.layout {
        Layout::ChannelsFirst => Dims {
            n: 1,
            c: count,
            spatial,
            ..*d
        },
        Layout::ChannelsLast => Dims {
            n: count,
            spatial,
            ..*d
        },
    }
}

/// Units `first ..` of `g` (as many as `output` holds: a whole number, in
/// range, which the caller checked) from the whole input `source`.
pub(crate) fn resample_units(
    g: &InterpolateGeometry,
    source: &[f32],
    first: usize,
    output: &mut [f32],
) {
    let axes = windows::axis_windows(g);
    call_units(Call::Interpolate(g), axes, source, first, output);
}

/// [`resample_units`] of any call with its windows `axes`.
pub(crate) fn call_units(
    g: Call<'_>,
    axes: Option<[AxisWindows; MAX_SPATIAL]>,
    source: &[f32],
    first: usize,
    output: &mut [f32],
) {
    let (i, o) = (g.input(), g.output());
    let kernel = Kernel::choose(g, axes.as_ref(), Target::of::<Native>());
    let axis = resample_row_axis(o);
    let (rows_in, rows_out) = axis.map_or((1, 1), |a| (i.spatial[a], o.spatial[a]));
    let (in_plane, out_plane) = (i.numel() / i.memory_planes(), o.numel() / o.memory_planes());
    let (in_row, out_row) = (in_plane / rows_in, out_plane / rows_out);
    let mut rest = output;
    for Run {
        plane,
        planes: count,
        rows,
    } in runs(first, rest.len() / out_row, rows_out)
    {
        let whole = rows.len() == rows_out;
        let piece = take_head(&mut rest, count * rows.len() * out_row);
        let run = |input: &[f32], sub: (Dims, Dims), offset, axes: Option<&_>, piece| {
            let part = Part {
                g,
                i: &sub.0,
                o: &sub.1,
                source,
                first: plane,
                offset,
            };
            kernel.run::<Native>(input, part, axes, piece);
        };
        match (axis, axes) {
            (Some(a), Some(axes)) if !whole => {
                // The inputs the rows' windows read along the axis.
                let (lo, hi) = span(&axes[a], rows.clone());
                let mut shifted = axes;
                shifted[a] = shifted[a].shifted(rows.start, lo);
                let sub = (
                    narrow(i, 1, Some((a, hi - lo))),
                    narrow(o, 1, Some((a, rows.len()))),
                );
                let from = plane * in_plane;
                let input = source
                    .get(from + lo * in_row..from + hi * in_row)
                    .unwrap_or_default();
                let mut offset = [0; MAX_SPATIAL];
                offset[a] = rows.start;
                run(input, sub, offset, Some(&shifted), piece);
            }
            _ => {
                let sub = (
                    narrow(i, count, axis.map(|a| (a, rows_in))),
                    narrow(o, count, axis.map(|a| (a, rows.len()))),
                );
                let from = plane * in_plane;
                let input = source
                    .get(from..from + count * in_plane)
                    .unwrap_or_default();
                let mut offset = [0; MAX_SPATIAL];
                if let Some(a) = axis {
                    offset[a] = rows.start;
                }
                run(input, sub, offset, axes.as_ref(), piece);
            }
        }
    }
}

/// The inputs `lo..hi` the windows of outputs `rows` read.
fn span(axis: &AxisWindows, rows: core::ops::Range<usize>) -> (usize, usize) {
    let mut weight = [0.0f32; windows::MAX_TAPS];
    let taps = axis.taps();
    rows.fold((usize::MAX, 0), |(lo, hi), r| {
        let s = axis.window(r, weight.get_mut(..taps).unwrap_or_default());
        (lo.min(s), hi.max(s + taps))
    })
}
