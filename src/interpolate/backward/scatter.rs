//! ATen's scatter, each output pixel's elements multiplied by each tap's
//! weight and added into the input pixels it read: for channels-last
//! pixels of many channels, and channels-first 1-d calls of few rows (or
//! of any number for nearest x2, whose rows are sums of pairs).
//!
//! ```text
//! grad_input = 0
//! for each run of output columns (their W taps in one Columns table):
//!     for each batch item n, output row (od, oh), D tap (id, wd), H tap (ih, wh):
//!         for each output column ow of the run, W tap (iw, ww):
//!             grad_input[n, id, ih, iw, :] += (wd * wh * ww) * grad_output[n, od, oh, ow, :]
//! ```
//!
//! (A channels-first 1-d call runs as a channels-last one of one channel,
//! its planes the batch items: the same memory.)
//!
//! Against the gather ([`super::channels_last`]) this reads each output
//! vector once per (D, H) tap and needs no transposed table, at the price
//! of a store per term; with a pixel of many channels the loads and
//! stores stream along a row and it is the faster one. Channels-first,
//! the gather's transposed tables ([`super::channels_first`]) cost more
//! per input column than a scalar add per tap unless many rows share
//! them: in 1-d, only the rows of one call do. Each term is
//! formed as ATen forms it (`wd * wh * ww * g`) and added straight into
//! `grad_input`, zero weights and repeated border indices included: NaN
//! and infinities land where PyTorch's do. The terms reach each element
//! in output order (ATen's) within a run of columns; an element that two
//! runs reach takes the first run's terms for every row first, so its sum
//! is grouped otherwise than PyTorch's and agrees within the tolerance
//! [`interpolate_backward`](crate::interpolate_backward) states. Every
//! lane takes a multiply and an add, the tail's scalars the same: the
//! result does not depend on the lane width.

use super::axis::Axis;
use super::pairs::sum_pairs;
use super::{Plan, Units};
use crate::layout::Layout;
use crate::simd::CopyLane;
use crate::slices::{sub, sub_mut};
use crate::stack::pick;

/// The fewest channels for which the scatter beats the gather on 1-d and
/// area calls.
const MIN_CHANNELS: usize = 16;
/// The fewest channels for which it beats the gather on every mode.
const MIN_CHANNELS_ANY_MODE: usize = 256;
/// The most rows (`N * C` planes) of a channels-first 1-d call the
/// scatter takes: up to 16 it took 0.1-0.7x the gather's time in the SSE2
/// build and 0.1-0.9x in the AVX2 one (0.02x on rows of 500,000); at 24-32
/// rows the gather's nearest x2 (an unzip of pairs) wins by 1.2-1.5x
/// (AVX2), and from 128 rows its x2 scales win by 1.2-12x.
const MAX_ROWS: usize = 16;
/// The most W taps of one output the scatter takes (each column's slots
/// in [`Columns`], whose lengths are bytes).
const MOST_COLUMN_TAPS: usize = 16;
/// W taps in one [`Columns`] table (a run of output columns).
const COLUMN_ENTRIES: usize = pick(256, 32);

/// Whether the plan's call runs here rather than through the gather: the
/// W taps within the table's slots, an input row's elements indexed by a
/// `u32` (the table's offsets), and either a channels-first 1-d call of
/// at most [`MAX_ROWS`] rows or of nearest x2 (each input the sum of a
/// pair of outputs: 0.05-0.5x the gather's time at 24-8192 rows), or a
/// channels-last call with channels enough that each output pixel's
/// vectors outweigh its taps: 16 or more for 1-d and area calls (0.4-0.7x
/// the gather's time in the SSE2 and AVX2 builds), 256 or more for every
/// mode (below that the gather's register sums win the 2- and 3-d
/// upscales). The choice depends on the call alone, not on the lane width.
pub(crate) fn takes(p: &Plan<'_>) -> bool {
    let w = &p.axes[2];
    let c = p.i.c;
    let pays = c >= MIN_CHANNELS_ANY_MODE || c >= MIN_CHANNELS && (p.i.rank == 1 || w.is_area());
    let row_fits = p.i.spatial[2]
        .checked_mul(p.i.pixel())
        .is_some_and(|n| u32::try_from(n).is_ok());
    let takes_layout = match p.i.layout {
        Layout::ChannelsLast => pays,
        Layout::ChannelsFirst => p.i.rank == 1 && (p.i.memory_planes() <= MAX_ROWS || w.is_pairs()),
    };
    takes_layout && row_fits && w.most_taps() <= MOST_COLUMN_TAPS
}

/// `dst[k] += w * g[k]` for every channel: a multiply, then an add, per
/// element (the compiler's vectors; no lane width in the result).
#[inline(always)]
fn add_scaled(g: &[f32], w: f32, dst: &mut [f32]) {
    for (d, &s) in dst.iter_mut().zip(g) {
        *d += w * s;
    }
}

/// `dst[col] += (wdh * ww) * g[x]` for each output `x` of the run and
/// each W tap `(col, ww)` of it: [`add_scaled`] for pixels of one
/// element, without a slice per term.
#[inline(always)]
fn add_scaled_each(g: &[f32], wdh: f32, cols: &Columns, dst: &mut [f32]) {
    for (&g, (at, weight)) in g.iter().zip(cols.taps()) {
        for (&col, &wx) in at.iter().zip(weight) {
            if let Some(d) = dst.get_mut(col as usize) {
                *d += wdh * wx * g;
            }
        }
    }
}

/// The W taps of a run of output columns: column `x` of the run has
/// `len[x]` taps from `x * slots`, each an input column's first element
/// in the row and a weight.
struct Columns {
    at: [u32; COLUMN_ENTRIES],
    weight: [f32; COLUMN_ENTRIES],
    len: [u8; COLUMN_ENTRIES],
    /// Slots per column: the axis's [`Axis::most_taps`], at least 1.
    slots: usize,
}

impl Columns {
    /// The taps of output columns `x0..x1` of `w`, whose `(x1 - x0) *
    /// slots` fit the table, input columns `c` elements apart.
    fn fill(&mut self, w: &Axis, x0: usize, x1: usize, c: usize) {
        let slots = self.slots;
        if let Some(len) = self.len.get_mut(..x1 - x0) {
            len.fill(0);
        }
        w.for_each_tap_in(x0..x1, |x, ix, wx| {
            let Some(len) = self
                .len
                .get_mut(x - x0)
                .filter(|len| usize::from(**len) < slots)
            else {
                return;
            };
            let slot = (x - x0) * slots + usize::from(*len);
            let slot = (self.at.get_mut(slot), self.weight.get_mut(slot));
            if let (Some(at), Some(weight)) = slot {
                *at = (ix * c) as u32;
                *weight = wx;
                *len += 1;
            }
        });
    }

    /// Each output column's taps in run order: the input columns'
    /// first elements and the weights.
    #[inline(always)]
    fn taps(&self) -> impl Iterator<Item = (&[u32], &[f32])> + '_ {
        let slots = self.slots;
        let at = self.at.chunks_exact(slots);
        let weight = self.weight.chunks_exact(slots);
        self.len
            .iter()
            .zip(at.zip(weight))
            .map(move |(&len, (at, weight))| {
                let len = usize::from(len).min(slots);
                (&at[..len], &weight[..len])
            })
    }
}

/// Runs the plan's problem (which [`takes`] accepted) on units `units`.
#[inline(never)]
pub(crate) fn run<L: CopyLane>(
    p: &Plan<'_>,
    grad_output: &[f32],
    units: Units,
    grad_input: &mut [f32],
) {
    let (i, o) = (p.i, p.o);
    // Elements per pixel: the channels-last call's channels, or one (a
    // channels-first row, its planes as the batch items).
    let c = i.pixel();
    let [od, oh, ow] = o.spatial;
    let in_row = i.spatial[2] * c;
    let out_row = ow * c;
    let [d, h, w]: &[Axis; 3] = &p.axes;
    grad_input.fill(0.0);
    let per = units.per_plane.max(1);
    let items = units.range.start / per..units.range.end.div_ceil(per);
    let mut cols = Columns {
        at: [0; COLUMN_ENTRIES],
        weight: [0.0; COLUMN_ENTRIES],
        len: [0; COLUMN_ENTRIES],
        slots: w.most_taps(),
    };
    // Channels-first rows (1-d, so one weight-1 (D, H) tap per row):
    // nearest x2 sums pairs along the whole row; a table the taps of
    // which only one row reads costs more to fill than it saves, so a row
    // alone takes its taps as they are computed, in one run.
    let pairs = c == 1 && i.rank == 1 && w.is_pairs();
    let direct = c == 1 && (pairs || items.len() * od * oh == 1);
    let run = if direct {
        ow
    } else {
        (COLUMN_ENTRIES / cols.slots).max(1)
    };
    let mut x0 = 0;
    while x0 < ow {
        let x1 = (x0 + run).min(ow);
        if !direct {
            cols.fill(w, x0, x1, c);
        }
        for n in items.clone() {
            for z in 0..od {
                for y in 0..oh {
                    let at = ((n * od + z) * oh + y) * out_row + x0 * c;
                    let g = sub(grad_output, at, (x1 - x0) * c);
                    d.for_each_tap(z, |iz, wz| {
                        h.for_each_tap(y, |iy, wy| {
                            let Some(row) = units.offset(n, iz, iy, i) else {
                                return;
                            };
                            let dst = sub_mut(grad_input, row, in_row);
                            let wdh = wz * wy;
                            if pairs {
                                // (0 + a) + b as ATen adds, signed zeros
                                // included: see `sum_pairs`.
                                sum_pairs::<L>(g, dst);
                                return;
                            }
                            if direct {
                                w.for_each_tap_in(x0..x1, |x, ix, wx| {
                                    if let (Some(d), Some(&g)) = (dst.get_mut(ix), g.get(x - x0)) {
                                        *d += wdh * wx * g;
                                    }
                                });
                                return;
                            }
                            if c == 1 {
                                add_scaled_each(g, wdh, &cols, dst);
                                return;
                            }
                            for (g, (at, weight)) in g.chunks_exact(c).zip(cols.taps()) {
                                for (&col, &wx) in at.iter().zip(weight) {
                                    add_scaled(g, wdh * wx, sub_mut(dst, col as usize, c));
                                }
                            }
                        })
                    });
                }
            }
        }
        x0 = x1;
    }
}
