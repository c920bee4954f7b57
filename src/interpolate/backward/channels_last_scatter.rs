//! Channels-last backward for pixels of many channels: ATen's scatter,
//! one output pixel at a time, its channel vector multiplied by each tap's
//! weight and added into the input pixels it read.
//!
//! ```text
//! grad_input = 0
//! for each batch item n, output row (od, oh):
//!     rows = the (D tap, H tap) pairs of the row: input row, wd * wh
//!     for each output column ow:
//!         cols = ow's W taps: input column, ww
//!         for (row, wdh) in rows, (iw, ww) in cols:
//!             grad_input[n, row, iw, :] += (wdh * ww) * grad_output[n, od, oh, ow, :]
//! ```
//!
//! Against the gather ([`super::channels_last`]) this reads each output
//! vector once and needs no transposed table, at the price of a store per
//! term; with a row of channels to carry (a few vectors or more) the
//! stores stream and it is the faster one. The terms reach each element in
//! output order, ATen's (taps of a repeated border index aside), each
//! formed as ATen forms it (`wd * wh * ww * g`) and added straight into
//! `grad_input`: NaN and infinities land where PyTorch's do. Every lane
//! takes a multiply and an add, the tail's scalars the same: the result
//! does not depend on the lane width.

use super::axis::Axis;
use super::{Plan, Units};
use crate::layout::Layout;
use crate::simd::Lane;
use crate::slices::{sub, sub_mut};

/// The fewest channels for which the scatter beats the gather on 1-d and
/// area calls.
const MIN_CHANNELS: usize = 16;
/// The fewest channels for which it beats the gather on every mode.
const MIN_CHANNELS_ANY_MODE: usize = 256;
/// The most W taps of one output the scatter takes.
const MOST_COLUMN_TAPS: usize = 16;
/// The most (D, H) tap pairs of one output row the scatter takes.
const MOST_ROW_TAPS: usize = 32;

/// Whether the plan's call runs here rather than through the gather:
/// channels-last, the taps within this kernel's lists, and channels
/// enough that each output pixel's vectors outweigh its taps: 16 or more
/// for 1-d and area calls (0.4-0.7x the gather's time in the SSE2 and
/// AVX2 builds), 256 or more for every mode (below that the gather's
/// register sums win the 2- and 3-d upscales). The choice depends on the
/// call alone, not on the lane width.
pub(crate) fn takes(p: &Plan<'_>) -> bool {
    let [d, h, w] = &p.axes;
    let c = p.i.c;
    let pays = c >= MIN_CHANNELS_ANY_MODE || c >= MIN_CHANNELS && (p.i.rank == 1 || w.is_area());
    p.i.layout == Layout::ChannelsLast
        && pays
        && w.most_taps() <= MOST_COLUMN_TAPS
        && d.most_taps() * h.most_taps() <= MOST_ROW_TAPS
}

/// Up to `N` taps: a position and a weight.
struct Taps<const N: usize> {
    at: [usize; N],
    weight: [f32; N],
    len: usize,
}

impl<const N: usize> Taps<N> {
    fn new() -> Self {
        Taps {
            at: [0; N],
            weight: [0.0; N],
            len: 0,
        }
    }

    fn push(&mut self, at: usize, weight: f32) {
        if let (Some(a), Some(w)) = (self.at.get_mut(self.len), self.weight.get_mut(self.len)) {
            *a = at;
            *w = weight;
            self.len += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.at
            .iter()
            .copied()
            .zip(self.weight.iter().copied())
            .take(self.len)
    }
}

/// `dst[k] += w * g[k]` for every channel: vectors, then scalars (the
/// same two roundings per element).
#[inline(always)]
fn add_scaled<L: Lane>(g: &[f32], w: f32, dst: &mut [f32]) {
    let wv = L::splat(w);
    let mut src = g.chunks_exact(L::LANES);
    let mut out = dst.chunks_exact_mut(L::LANES);
    for (d, s) in (&mut out).zip(&mut src) {
        (L::load(d) + wv * L::load(s)).store(d);
    }
    for (d, &s) in out.into_remainder().iter_mut().zip(src.remainder()) {
        *d += w * s;
    }
}

/// Runs the plan's problem (which [`takes`] accepted) on units `units`.
#[inline(never)]
pub(crate) fn run<L: Lane>(
    p: &Plan<'_>,
    grad_output: &[f32],
    units: Units,
    grad_input: &mut [f32],
) {
    let (i, o) = (p.i, p.o);
    let c = i.c;
    let [od, oh, ow] = o.spatial;
    let in_row = i.spatial[2] * c;
    let out_row = ow * c;
    let [d, h, w]: &[Axis; 3] = &p.axes;
    grad_input.fill(0.0);
    let per = units.per_plane.max(1);
    let items = units.range.start / per..units.range.end.div_ceil(per);
    for n in items {
        for z in 0..od {
            for y in 0..oh {
                let mut rows = Taps::<MOST_ROW_TAPS>::new();
                d.for_each_tap(z, |iz, wz| {
                    h.for_each_tap(y, |iy, wy| {
                        if let Some(at) = units.offset(n, iz, iy, i) {
                            rows.push(at, wz * wy);
                        }
                    })
                });
                if rows.len == 0 {
                    continue;
                }
                let g = sub(grad_output, ((n * od + z) * oh + y) * out_row, out_row);
                for (x, g) in g.chunks_exact(c).enumerate() {
                    let mut cols = Taps::<MOST_COLUMN_TAPS>::new();
                    w.for_each_tap(x, |ix, wx| cols.push(ix * c, wx));
                    for (row, wdh) in rows.iter() {
                        let dst = sub_mut(grad_input, row, in_row);
                        for (col, wx) in cols.iter() {
                            add_scaled::<L>(g, wdh * wx, sub_mut(dst, col, c));
                        }
                    }
                }
            }
        }
    }
}
