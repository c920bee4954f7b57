//! A table of the windows of consecutive outputs along one axis (a chunk of
//! output columns or rows), as the general and permuted-rows kernels read
//! them, and the periodic runs found in it.

use super::AxisWindows;
use super::linear::PAIRS;
use crate::stack::pick;

/// Output columns per table.
pub(crate) const W_CHUNK: usize = pick(256, 16);

/// Weights per column table.
pub(crate) const W_POOL: usize = pick(2048, 128);

/// Weights of a column table laid out tap by tap (`by_tap`), for windows
/// of up to 4 taps.
pub(crate) const W_BY_TAP: usize = 4 * W_CHUNK;

/// The column table of the channels-first kernels.
pub(crate) type ColumnTable = Table<W_CHUNK, W_POOL, W_BY_TAP>;

/// The windows of up to `N` consecutive outputs along one axis.
pub(crate) struct Table<const N: usize, const P: usize, const T: usize> {
    pub(crate) start: [usize; N],
    /// `start - lo` (the table's first input), in `u32` for 16-lane
    /// gathers; the span of a table is at most `TEMP` inputs.
    pub(crate) offset: [u32; N],
    pub(crate) weight: [f32; P],
    pub(crate) taps: usize,
    pub(crate) len: usize,
    /// `weight` tap by tap: `by_tap[k * N + j]` is tap `k` of output `j`,
    /// when `taps * N <= T` (one vector load per tap for [`permuted`]).
    pub(crate) by_tap: [f32; T],
    /// Whether the windows start in order (they do for every mode; checked,
    /// as [`permuted`] relies on it).
    pub(crate) monotone: bool,
}

impl<const N: usize, const P: usize, const T: usize> Table<N, P, T> {
    pub(crate) fn new(taps: usize) -> Self {
        Table {
            start: [0; N],
            offset: [0; N],
            weight: [0.0; P],
            taps,
            len: 0,
            by_tap: [0.0; T],
            monotone: false,
        }
    }

    /// Outputs from `o0` on, at most `len`, whose windows span at most
    /// `max_span` inputs together (always at least one). Returns the span.
    pub(crate) fn fill(
        &mut self,
        axis: &AxisWindows,
        o0: usize,
        len: usize,
        max_span: usize,
    ) -> (usize, usize) {
        let (mut lo, mut hi, mut n) = (usize::MAX, 0, 0);
        let by_tap = self.taps * N <= T;
        // Linear windows a vector of outputs at a time while they fit.
        while self.taps == 2 && n + PAIRS <= len.min(N) {
            let Some(pairs) = axis.linear_pairs(o0 + n) else {
                break;
            };
            let first = pairs.start.iter().min().copied().unwrap_or(lo);
            let last = pairs.start.iter().max().copied().unwrap_or(hi);
            let (l, h) = (lo.min(first), hi.max(last + 2));
            let slots = self.weight.get_mut(2 * n..2 * (n + PAIRS));
            let (Some(start), Some(weight)) = (self.start.get_mut(n..n + PAIRS), slots) else {
                break;
            };
            if h - l > max_span {
                break;
            }
            for (slot, s) in start.iter_mut().zip(pairs.start) {
                *slot = s;
            }
            let [w0, w1] = pairs.weight;
            for ((w, a), b) in weight.chunks_exact_mut(2).zip(w0).zip(w1) {
                if let [x, y] = w {
                    (*x, *y) = (a, b);
                }
            }
            for (k, w) in pairs.weight.iter().enumerate().filter(|_| by_tap) {
                let row = self.by_tap.get_mut(k * N + n..k * N + n + PAIRS);
                for (slot, &w) in row.unwrap_or_default().iter_mut().zip(w) {
                    *slot = w;
                }
            }
            (lo, hi, n) = (l, h, n + PAIRS);
        }
        let vectors = n;
        let slots = self
            .start
            .iter_mut()
            .zip(self.weight.chunks_exact_mut(self.taps));
        for (start, weight) in slots.take(len).skip(vectors) {
            let s = axis.window_in_line(o0 + n, weight);
            let (l, h) = (lo.min(s), hi.max(s + self.taps));
            if n > 0 && h - l > max_span {
                break;
            }
            (*start, lo, hi, n) = (s, l, h, n + 1);
        }
        self.len = n;
        self.monotone = self.start[..n].windows(2).all(|p| p[0] <= p[1]);
        if by_tap {
            let weights = self.weight.chunks_exact(self.taps).take(n);
            for (j, w) in weights.enumerate().skip(vectors) {
                for (k, &wk) in w.iter().enumerate() {
                    if let Some(slot) = self.by_tap.get_mut(k * N + j) {
                        *slot = wk;
                    }
                }
            }
        }
        for (offset, &start) in self.offset.iter_mut().zip(&self.start).take(n) {
            *offset = (start - lo) as u32;
        }
        (lo, hi)
    }

    #[inline(always)]
    pub(crate) fn get(&self, j: usize) -> (usize, &[f32]) {
        let weight = self
            .weight
            .get(j * self.taps..(j + 1) * self.taps)
            .unwrap_or(&[]);
        (self.start.get(j).copied().unwrap_or(0), weight)
    }
}

/// A run of a column table whose windows repeat every `phases` outputs,
/// `step` inputs further on, for at least one vector of periods.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Regular {
    pub(crate) first: usize,
    pub(crate) periods: usize,
    pub(crate) phases: usize,
    pub(crate) step: usize,
}

pub(crate) fn find_regular<const N: usize, const P: usize, const T: usize>(
    t: &Table<N, P, T>,
    lanes: usize,
) -> Option<Regular> {
    for (phases, step) in [(2, 1), (4, 1), (1, 1), (1, 2)] {
        let good = |x: usize| {
            x + phases < t.len
                && t.start[x + phases] == t.start[x] + step
                && t.get(x + phases).1 == t.get(x).1
        };
        let mid = t.len / 2;
        if !(mid..mid + phases).all(good) {
            continue;
        }
        let (mut a, mut e) = (mid, mid);
        while a > 0 && good(a - 1) {
            a -= 1;
        }
        while good(e) {
            e += 1;
        }
        let periods = (e + phases - a) / phases;
        if periods >= lanes {
            return Some(Regular {
                first: a,
                periods,
                phases,
                step,
            });
        }
    }
    None
}
