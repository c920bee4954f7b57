//! Nearest x2 along W (each input column the sum of the two outputs
//! `2 * iw` and `2 * iw + 1`, weight 1): the W pass as one unzip and one
//! add per vector of input columns, instead of the dense blocks; and
//! channels-first calls of it row by row ([`run`]), which need no W table.
//!
//! The same terms as the per-tap gather (`0 + a + b` there, `a + b + 0`
//! here: the same value, signed zeros included), so NaN and infinities
//! land as there.

use super::channels_first::{ROW, axpy};
use super::table::{ColumnTable, Contributions};
use super::{Plan, Units};
use crate::simd::CopyLane;
use crate::slices::{sub, sub_mut};

/// Whether `table`'s columns are nearest x2's pairs.
pub(crate) fn are_pairs(table: &ColumnTable) -> bool {
    if table.lo != 2 * table.first || table.hi != 2 * table.end {
        return false;
    }
    (0..table.end - table.first).all(|j| {
        let (offset, weight) = table.column(j);
        offset == [2 * j as u32, 2 * j as u32 + 1] && weight == [1.0, 1.0]
    })
}

/// `dst[j] = row[2j] + row[2j + 1]` for every column of `dst`.
#[inline]
pub(crate) fn sum_pairs<L: CopyLane>(row: &[f32], dst: &mut [f32]) {
    let zero = L::splat(0.0);
    let mut d = dst.chunks_exact_mut(L::LANES);
    let mut r = row.chunks_exact(2 * L::LANES);
    for (d, r) in (&mut d).zip(&mut r) {
        let (a, b) = r.split_at(L::LANES);
        let (even, odd) = L::load(a).unzip(L::load(b));
        (even + odd + zero).store(d);
    }
    for (d, r) in d
        .into_remainder()
        .iter_mut()
        .zip(r.remainder().chunks_exact(2))
    {
        *d = r[0] + r[1] + 0.0;
    }
}

/// Runs the plan's problem, channels-first, whose W axis
/// [`is_pairs`](super::axis::Axis::is_pairs): each input row in pieces of
/// half a row buffer, the (D, H) taps' output rows combined into the
/// buffer, then summed in pairs. Each element takes the operations
/// [`super::channels_first::run`] gives it (that kernel's runs of
/// columns are only where a row is cut), in memory order along each row,
/// and no W table is built. (Out of line, as that kernel.)
#[inline(never)]
pub(crate) fn run<L: CopyLane>(
    p: &Plan<'_>,
    grad_output: &[f32],
    units: Units,
    grad_input: &mut [f32],
) {
    let (i, o) = (p.i, p.o);
    let [in_d, in_h, in_w] = i.spatial;
    let [_, out_h, out_w] = o.spatial;
    let out_plane = o.plane();
    let mut row = [0.0f32; ROW];
    // The H axis's contributions, a table of input rows at a time.
    let mut rows = ColumnTable::new();
    let mut row0 = 0;
    while row0 < in_h {
        let row_end = rows.fill(&p.axes[1], row0, usize::MAX, usize::MAX);
        for plane in 0..i.n * i.c {
            for id in 0..in_d {
                let cd = Contributions::of(&p.axes[0], id);
                for ih in row0..row_end {
                    let Some(at) = units.offset(plane, id, ih, i) else {
                        continue;
                    };
                    let dst = sub_mut(grad_input, at, in_w);
                    if cd.is_empty() || rows.column(ih - row0).0.is_empty() {
                        dst.fill(0.0);
                        continue;
                    }
                    for (k, dst) in dst.chunks_mut(ROW / 2).enumerate() {
                        let (lo, span) = (k * ROW, 2 * dst.len());
                        let row = &mut row[..span];
                        let mut first = true;
                        for (od, wd) in cd.iter() {
                            for (oh, wh) in rows.entries(ih - row0) {
                                let at = plane * out_plane + (od * out_h + oh) * out_w + lo;
                                axpy::<L>(row, wd * wh, sub(grad_output, at, span), first);
                                first = false;
                            }
                        }
                        sum_pairs::<L>(row, dst);
                    }
                }
            }
        }
        row0 = row_end;
    }
}
