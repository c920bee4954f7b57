//! The transposed tables, on the stack: for one input index of an outer
//! axis, the outputs that reach it ([`Contributions`]); for a run of input
//! columns, the same per column in one packed table ([`ColumnTable`]).
//!
//! Sizes come in the two sets of [`crate::interpolate::stack`]: on hosts
//! the column table is 4 KiB; on firmware an eighth of that.

use super::axis::Axis;
use crate::stack::pick;

/// The most contributions one input of an outer (D or H) axis takes.
pub(crate) const MAX_CONTRIBUTIONS: usize = pick(64, 32);
/// Entries (output, weight) of one [`ColumnTable`].
pub(crate) const TABLE_ENTRIES: usize = pick(512, 64);
/// Input columns of one [`ColumnTable`].
const TABLE_COLUMNS: usize = pick(256, 32);

/// The outputs that reach one input of an axis, with their weights, in
/// output order.
pub(crate) struct Contributions {
    output: [usize; MAX_CONTRIBUTIONS],
    weight: [f32; MAX_CONTRIBUTIONS],
    len: usize,
}

impl Contributions {
    /// Input `i` of `axis` (which [`widest`] showed to fit).
    pub fn of(axis: &Axis, i: usize) -> Contributions {
        let mut c = Contributions {
            output: [0; MAX_CONTRIBUTIONS],
            weight: [0.0; MAX_CONTRIBUTIONS],
            len: 0,
        };
        axis.for_each_contribution(i, |o, w| {
            if let (Some(slot_o), Some(slot_w)) = (c.output.get_mut(c.len), c.weight.get_mut(c.len))
            {
                *slot_o = o;
                *slot_w = w;
                c.len += 1;
            }
        });
        c
    }

    /// The (output, weight) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.output
            .iter()
            .copied()
            .zip(self.weight.iter().copied())
            .take(self.len)
    }

    /// Whether no output reaches the input.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The contributions of input columns `[first, end)` of the W axis,
/// packed: column `j`'s entries are `start[j - first]..start[j - first +
/// 1]`, each an output offset from `lo` and a weight. The outputs reaching
/// the columns lie in `[lo, hi)`.
pub(crate) struct ColumnTable {
    start: [u16; TABLE_COLUMNS + 1],
    offset: [u32; TABLE_ENTRIES],
    weight: [f32; TABLE_ENTRIES],
    pub first: usize,
    pub end: usize,
    pub lo: usize,
    pub hi: usize,
}

impl ColumnTable {
    pub fn new() -> ColumnTable {
        ColumnTable {
            start: [0; TABLE_COLUMNS + 1],
            offset: [0; TABLE_ENTRIES],
            weight: [0.0; TABLE_ENTRIES],
            first: 0,
            end: 0,
            lo: 0,
            hi: 0,
        }
    }

    /// Fills the table with as many columns from `first` on as fit, at
    /// most `most`, with outputs spanning at most `max_span`; returns the
    /// end column. Every single column fits (checked by the plan with
    /// [`widest`]), so at least one is taken.
    ///
    /// Two sweeps over the outputs that reach the columns, each output's
    /// taps computed once per sweep: the first counts each column's
    /// entries and finds where the table ends, the second writes them.
    /// The taps of an output are a run of inputs whose ends never go down
    /// as the output goes up, so a column is complete once an output
    /// starts past it, and its entries come in output order (then ATen's
    /// tap order), as a walk of the column's own outputs gives them.
    pub fn fill(&mut self, axis: &Axis, first: usize, max_span: usize, most: usize) -> usize {
        self.first = first;
        let limit = TABLE_COLUMNS
            .min(most.max(1))
            .min(axis.input.saturating_sub(first));
        // The first output with a tap at `first` or later.
        let from = axis.outputs_reaching(first).0;
        let count = Count::sweep(axis, first, limit, from, max_span, &mut self.start);
        let (columns, through) = (count.columns, count.through);
        // Column starts from the counts, then each column's start used as
        // its cursor while the second sweep writes.
        self.start[0] = 0;
        for j in 0..columns {
            self.start[j + 1] = self.start[j + 1].saturating_add(self.start[j]);
        }
        let (mut lo, mut hi) = (usize::MAX, 0);
        let end = first + columns;
        axis.for_each_tap_in(from..through, |o, index, w| {
            if !(first..end).contains(&index) {
                return;
            }
            let Some(cursor) = self.start.get_mut(index - first) else {
                return;
            };
            let at = usize::from(*cursor);
            *cursor = cursor.saturating_add(1);
            if let (Some(slot_o), Some(slot_w)) = (self.offset.get_mut(at), self.weight.get_mut(at))
            {
                // Outputs as absolute indices until `lo` is known.
                *slot_o = o as u32;
                *slot_w = w;
            }
            (lo, hi) = (lo.min(o), hi.max(o + 1));
        });
        // Each cursor now stands at its column's end: the next start.
        for j in (0..columns).rev() {
            self.start[j + 1] = self.start[j];
        }
        self.start[0] = 0;
        if lo > hi {
            (lo, hi) = (0, 0);
        }
        let len = usize::from(self.start[columns]).min(TABLE_ENTRIES);
        for o in self.offset.iter_mut().take(len) {
            *o -= lo as u32;
        }
        (self.lo, self.hi, self.end) = (lo, hi, end);
        end
    }

    /// Keeps only the columns before `end` (at least one of the table's),
    /// their outputs' range narrowed to what they reach; returns `end`.
    pub fn truncate(&mut self, end: usize) -> usize {
        let columns = end.min(self.end).saturating_sub(self.first).max(1);
        let len = self.start.get(columns).map_or(0, |&s| usize::from(s));
        let len = len.min(TABLE_ENTRIES);
        let reach = self.offset.iter().take(len).max().map(|&o| o as usize + 1);
        // Offsets count from `lo`, the first output the first reached
        // column takes, which stays the first.
        (self.hi, self.end) = match reach {
            Some(r) => (self.lo + r, self.first + columns),
            None => {
                self.lo = 0;
                (0, self.first + columns)
            }
        };
        self.end
    }

    /// Column `j`'s entry count (saturating at `u16::MAX`) and the span
    /// of its outputs, last minus first plus one (0 for none; exact while
    /// the table holds the column's entries).
    fn extent(&self, j: usize) -> (usize, usize) {
        let a = self.start.get(j).map_or(0, |&s| s as usize);
        let b = self.start.get(j + 1).map_or(a, |&s| s as usize);
        let span = match (
            self.offset.get(a),
            b.checked_sub(1).and_then(|l| self.offset.get(l)),
        ) {
            (Some(&f), Some(&l)) if b > a => (l - f) as usize + 1,
            _ if b > a => usize::MAX,
            _ => 0,
        };
        (b - a, span)
    }

    /// Column `j` (from `first`)'s output offsets and weights.
    #[inline(always)]
    pub fn column(&self, j: usize) -> (&[u32], &[f32]) {
        let a = self.start.get(j).map_or(0, |&s| s as usize);
        let b = self.start.get(j + 1).map_or(a, |&s| s as usize);
        (
            self.offset.get(a..b).unwrap_or_default(),
            self.weight.get(a..b).unwrap_or_default(),
        )
    }

    /// Column `j` (from `first`)'s (output, weight) pairs, in order.
    #[inline(always)]
    pub fn entries(&self, j: usize) -> impl Iterator<Item = (usize, f32)> + Clone + '_ {
        let (offset, weight) = self.column(j);
        let lo = self.lo;
        offset
            .iter()
            .zip(weight)
            .map(move |(&o, &w)| (lo + o as usize, w))
    }

    /// `dst[j] = sum of weight * row[offset]` over column `j`'s entries,
    /// from zero in table order, for every column of the table.
    #[inline]
    pub fn gather(&self, row: &[f32], dst: &mut [f32]) {
        for (j, d) in dst.iter_mut().enumerate().take(self.end - self.first) {
            let (offset, weight) = self.column(j);
            let mut acc = 0.0f32;
            for (&o, &w) in offset.iter().zip(weight) {
                acc += w * row.get(o as usize).copied().unwrap_or(0.0);
            }
            *d = acc;
        }
    }
}

/// The most contributions any input of `axis` receives, and the widest
/// range of outputs reaching one input (exact where the count fits a
/// table): a table's sweeps along the whole axis. Out of line, so that its
/// table is off the stack by the time a kernel's are on it.
#[inline(never)]
pub(crate) fn widest(axis: &Axis) -> (usize, usize) {
    let mut table = ColumnTable::new();
    let (mut count, mut span) = (0, 0);
    let mut column = 0;
    while column < axis.input {
        let end = table.fill(axis, column, usize::MAX, usize::MAX);
        for j in 0..end - column {
            let (k, s) = table.extent(j);
            (count, span) = (count.max(k), span.max(s));
        }
        column = end;
    }
    (count, span)
}

/// The first sweep of [`ColumnTable::fill`]: column `j`'s entries counted
/// into `counts[j + 1]`, and how many columns from `first` fit.
struct Count<'a> {
    counts: &'a mut [u16; TABLE_COLUMNS + 1],
    first: usize,
    limit: usize,
    max_span: usize,
    /// Columns complete so far (that fit), and their entries.
    columns: usize,
    len: usize,
    /// The first output with a tap in the window.
    lo: Option<usize>,
    /// One past the last output that reaches the complete columns.
    through: usize,
    /// Whether no more columns fit.
    full: bool,
}

impl Count<'_> {
    fn sweep<'a>(
        axis: &Axis,
        first: usize,
        limit: usize,
        from: usize,
        max_span: usize,
        counts: &'a mut [u16; TABLE_COLUMNS + 1],
    ) -> Count<'a> {
        for c in counts.iter_mut().take(limit + 1) {
            *c = 0;
        }
        let mut count = Count {
            counts,
            first,
            limit,
            max_span,
            columns: 0,
            len: 0,
            lo: None,
            through: from,
            full: limit == 0,
        };
        // The output whose taps are being counted, and its first tap.
        let (mut current, mut current_first) = (from, usize::MAX);
        let mut o = from;
        while !count.full && o < axis.output {
            let chunk = o..(o + 64).min(axis.output);
            o = chunk.end;
            axis.for_each_tap_in(chunk, |out, index, _| {
                if count.full {
                    return;
                }
                if out != current {
                    count.complete(current_first, current);
                    (current, current_first) = (out, usize::MAX);
                }
                current_first = current_first.min(index);
                count.add(out, index);
            });
        }
        count.complete(current_first, current);
        count.complete(usize::MAX, axis.output);
        count
    }

    /// One tap of output `out` at input `index`.
    #[inline(always)]
    fn add(&mut self, out: usize, index: usize) {
        if let Some(j) = index.checked_sub(self.first).filter(|&j| j < self.limit) {
            self.counts[j + 1] = self.counts[j + 1].saturating_add(1);
            self.lo.get_or_insert(out);
        }
    }

    /// Completes the columns before input `m` (the first tap of output
    /// `b`, so the first output past them), while they fit.
    fn complete(&mut self, m: usize, b: usize) {
        while !self.full && self.columns < self.limit && self.first + self.columns < m {
            let k = usize::from(self.counts[self.columns + 1]);
            if k > 0 {
                let span = b - self.lo.unwrap_or(b);
                if self.columns > 0 && (self.len + k > TABLE_ENTRIES || span > self.max_span) {
                    self.full = true;
                    break;
                }
                self.len += k;
            }
            self.through = b;
            self.columns += 1;
            self.full = self.columns == self.limit;
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::geometry::interpolate::{InterpolateGeometry, InterpolateMode as M};
    use crate::{InterpolateOptions, Layout};
    use std::format;
    use std::vec::Vec;

    /// The axis of a 1-d call from `input` to `output` (or by `scale`).
    fn axis(mode: M, input: usize, output: usize, scale: Option<f64>, antialias: bool) -> Axis {
        let opts = match scale {
            Some(s) => InterpolateOptions::scale_factor(mode, s),
            None => InterpolateOptions::size(mode, [output]),
        };
        let opts = opts.with_antialias(antialias);
        let mode_rank = if matches!(mode, M::Bilinear | M::Bicubic) {
            2
        } else {
            1
        };
        let opts = if mode_rank == 2 {
            match scale {
                Some(s) => InterpolateOptions::scale_factor(mode, s),
                None => InterpolateOptions::size(mode, [1, output]),
            }
            .with_antialias(antialias)
        } else {
            opts
        };
        let shape: &[usize] = if mode_rank == 2 {
            &[1, 1, 1, input]
        } else {
            &[1, 1, input]
        };
        let g = InterpolateGeometry::new(shape, Layout::ChannelsFirst, &opts).unwrap();
        Axis::all(&g)[2]
    }

    /// Every table the sweeps build holds, column by column, what a walk
    /// of that column's own outputs gives (the same entries in the same
    /// order), and ends where that walk's limits end it; `widest` is the
    /// per-input walk's maximum. Modes, scales up and down, windows wider
    /// than a table, columns no output reaches, span limits.
    #[test]
    fn the_sweeps_build_what_a_walk_per_column_builds() {
        let cases = [
            (M::Nearest, 37, 80, None, false),
            (M::Nearest, 300, 41, None, false),
            (M::NearestExact, 90, 135, None, false),
            (M::Linear, 41, 97, None, false),
            (M::Linear, 700, 1190, Some(1.7), false),
            (M::Linear, 500, 300, Some(0.6), false),
            (M::Bicubic, 600, 780, Some(1.3), false),
            (M::Bicubic, 9, 4, None, false),
            (M::Area, 1000, 300, Some(0.3), false),
            (M::Area, 3000, 7, None, false),
            (M::Area, 40, 17, None, false),
            (M::Bilinear, 400, 150, None, true),
            (M::Bicubic, 900, 50, None, true),
            (M::Nearest, 5, 1500, None, false),
            (M::Nearest, 5, 3000, None, false),
        ];
        for (mode, input, output, scale, antialias) in cases {
            let axis = axis(mode, input, output, scale, antialias);
            let (mut count, mut span) = (0, 0);
            for i in 0..axis.input {
                let (a, b) = axis.outputs_reaching(i);
                let mut k = 0;
                axis.for_each_contribution_of(i, a, b, |_, _| k += 1);
                (count, span) = (count.max(k), span.max(b - a));
            }
            let name = format!("{mode:?} {input} -> {}", axis.output);
            if count > TABLE_ENTRIES {
                // No table holds such a column (the plan takes another
                // kernel): the count is exact, the span unknown.
                assert_eq!(widest(&axis).0, count, "{name}");
                continue;
            }
            assert_eq!(widest(&axis), (count, span), "{name}");
            for (max_span, most) in [(usize::MAX, usize::MAX), (60, usize::MAX), (usize::MAX, 5)] {
                let mut table = ColumnTable::new();
                let mut column = 0;
                while column < axis.input {
                    let end = table.fill(&axis, column, max_span, most);
                    assert!(end > column, "{name}");
                    let (mut len, mut lo, mut hi) = (0, usize::MAX, 0);
                    for c in column..end.min(axis.input) + 1 {
                        let mut want = Vec::new();
                        if c < axis.input {
                            axis.for_each_contribution(c, |o, w| want.push((o, w)));
                        }
                        let k = want.len();
                        let (new_lo, new_hi) = match (want.first(), want.last()) {
                            (Some(f), Some(l)) => (lo.min(f.0), hi.max(l.0 + 1)),
                            _ => (lo, hi),
                        };
                        let span = new_hi.saturating_sub(new_lo.min(new_hi));
                        let fits = c < axis.input
                            && c - column < TABLE_COLUMNS.min(most)
                            && (c == column || (len + k <= TABLE_ENTRIES && span <= max_span));
                        if c == end {
                            assert!(!fits, "{name}: the table ends at {end} but {c} fits");
                            break;
                        }
                        assert!(fits, "{name}: column {c} is in the table but does not fit");
                        let got: Vec<_> = table.entries(c - column).collect();
                        assert_eq!(got.len(), k, "{name}: column {c}");
                        for (g, w) in got.iter().zip(&want) {
                            assert_eq!((g.0, g.1.to_bits()), (w.0, w.1.to_bits()), "{name}: {c}");
                        }
                        (len, lo, hi) = (len + k, new_lo, new_hi);
                    }
                    if lo > hi {
                        (lo, hi) = (0, 0);
                    }
                    assert_eq!(
                        (table.lo, table.hi),
                        (lo, hi),
                        "{name}: columns {column}..{end}"
                    );
                    // Cut to fewer columns, the table a fill of that many
                    // builds.
                    for keep in [1, (end - column).div_ceil(2)] {
                        let mut cut = ColumnTable::new();
                        cut.fill(&axis, column, max_span, usize::MAX);
                        let mut short = ColumnTable::new();
                        short.fill(&axis, column, max_span, keep);
                        assert_eq!(cut.truncate(column + keep), short.end, "{name}");
                        assert_eq!((cut.lo, cut.hi), (short.lo, short.hi), "{name}: {keep}");
                        for j in 0..keep {
                            assert!(cut.entries(j).eq(short.entries(j)), "{name}: {keep}");
                        }
                    }
                    column = end;
                }
            }
        }
    }
}
