//! Channels-first backward: per input row, the output rows that reach it
//! combined into a row buffer (vector multiply-adds along W), then each
//! input column gathered from the buffer through the W axis's transposed
//! table.
//!
//! ```text
//! for each run of input columns (one ColumnTable; outputs [lo, hi)):
//!   for each input row (id, ih), its contributions cd, ch:
//!     for each plane:
//!       row[lo..hi] = sum over (od, wd) in cd, (oh, wh) in ch of
//!                     (wd * wh) * grad_output[plane, od, oh, lo..hi]
//!       grad_input[plane, id, ih, iw] = sum over (ow, ww) in table[iw] of ww * row[ow]
//! ```

use super::blocks::{BlockMatrices, all_finite};
use super::pairs::{are_pairs, sum_pairs};
use super::table::{ColumnTable, Contributions};
use super::{Plan, Units};
use crate::simd::{CopyLane, Lane};
use crate::slices::{sub, sub_mut};
use crate::stack::pick;

/// Outputs of one row buffer (4 KiB on hosts).
pub(crate) const ROW: usize = pick(1024, 128);

/// `row = w * src` (`first`) or `row += w * src`, along the row.
#[inline(always)]
pub(crate) fn axpy<L: Lane>(row: &mut [f32], w: f32, src: &[f32], first: bool) {
    let wv = L::splat(w);
    let mut r = row.chunks_exact_mut(L::LANES);
    let mut s = src.chunks_exact(L::LANES);
    for (r, s) in (&mut r).zip(&mut s) {
        let v = if first {
            wv * L::load(s)
        } else {
            wv.mul_add(L::load(s), L::load(r))
        };
        v.store(r);
    }
    // The tail through zero-padded vectors, so that every element takes
    // the same operation whatever the lane width.
    let (r, s) = (r.into_remainder(), s.remainder());
    if !r.is_empty() {
        let (mut rp, mut sp) = ([0.0f32; 16], [0.0f32; 16]);
        rp[..r.len()].copy_from_slice(r);
        sp[..s.len().min(r.len())].copy_from_slice(&s[..s.len().min(r.len())]);
        let v = if first {
            wv * L::load(&sp)
        } else {
            wv.mul_add(L::load(&sp), L::load(&rp))
        };
        v.store(&mut rp);
        r.copy_from_slice(&rp[..r.len()]);
    }
}

/// Runs the plan's problem, channels-first (out of line: its tables
/// are not on the stack of calls that take another kernel).
#[inline(never)]
pub(crate) fn run<L: CopyLane>(
    p: &Plan<'_>,
    grad_output: &[f32],
    units: Units,
    grad_input: &mut [f32],
) {
    let (i, o) = (p.i, p.o);
    let planes = i.n * i.c;
    let [in_d, in_h, in_w] = i.spatial;
    let [out_d, out_h, out_w] = o.spatial;
    let out_plane = o.plane();
    let mut table = ColumnTable::new();
    let mut blocks = BlockMatrices::new();
    let mut row = [0.0f32; ROW];
    // The H axis's contributions, a table of input rows at a time.
    let mut rows = ColumnTable::new();
    let mut column = 0;
    // Columns to fill in the next run: up to twice the last run's, so that
    // where the blocks hold only short runs each column is filled into
    // a table at most about twice.
    let mut most = usize::MAX;
    while column < in_w {
        // As many columns as the blocks hold (or, below one block, the
        // per-tap gather alone).
        let end = table.fill(&p.axes[2], column, ROW, most);
        let held = blocks.build(&table);
        let dense = held > 0;
        let end = if dense {
            table.truncate(column + held)
        } else {
            end
        };
        let pairs = are_pairs(&table);
        let (lo, span) = (table.lo, table.hi - table.lo);
        let row = &mut row[..span.min(ROW)];
        // Runs of input rows whose H contributions one table holds; in
        // each, plane by plane, rows in order (memory order, for the
        // prefetchers).
        let mut row0 = 0;
        while row0 < in_h {
            // (Kept from the last run of columns where it holds these
            // rows: every input row, unless there are more than fit.)
            let row_end = if rows.first == row0 && rows.end > row0 {
                rows.end
            } else {
                rows.fill(&p.axes[1], row0, usize::MAX, usize::MAX)
            };
            for plane in 0..planes {
                for id in 0..in_d {
                    let cd = Contributions::of(&p.axes[0], id);
                    for ih in row0..row_end {
                        let Some(at) = units.offset(plane, id, ih, i) else {
                            continue;
                        };
                        let ch = rows.entries(ih - row0);
                        let dst = sub_mut(grad_input, at + column, end - column);
                        if cd.is_empty() || rows.column(ih - row0).0.is_empty() {
                            dst.fill(0.0);
                            continue;
                        }
                        let mut first = true;
                        for (od, wd) in cd.iter() {
                            for (oh, wh) in ch.clone() {
                                let at = plane * out_plane + (od * out_h + oh) * out_w + lo;
                                axpy::<L>(row, wd * wh, sub(grad_output, at, span), first);
                                first = false;
                            }
                        }
                        if pairs {
                            sum_pairs::<L>(row, dst);
                        } else if dense && all_finite::<L>(row) {
                            blocks.gather::<L>(row, dst);
                        } else {
                            table.gather(row, dst);
                        }
                    }
                }
            }
            row0 = row_end;
        }
        let _ = out_d;
        most = (end - column).saturating_mul(2);
        column = end;
    }
}
