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
    /// Input `i` of `axis` (which [`Axis::widest`] showed to fit).
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

    /// Column `j` of `table`, whose columns are an axis's inputs.
    pub fn from_table(table: &ColumnTable, j: usize) -> Contributions {
        let mut c = Contributions {
            output: [0; MAX_CONTRIBUTIONS],
            weight: [0.0; MAX_CONTRIBUTIONS],
            len: 0,
        };
        let (offset, weight) = table.column(j);
        for ((slot_o, slot_w), (&o, &w)) in c
            .output
            .iter_mut()
            .zip(&mut c.weight)
            .zip(offset.iter().zip(weight))
        {
            *slot_o = table.lo + o as usize;
            *slot_w = w;
            c.len += 1;
        }
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
    /// end column. Every
    /// single column fits (checked by the plan with [`Axis::widest`]), so
    /// at least one is taken.
    pub fn fill(&mut self, axis: &Axis, first: usize, max_span: usize, most: usize) -> usize {
        self.first = first;
        let (mut lo, mut hi) = (usize::MAX, 0);
        let mut len = 0;
        let mut column = first;
        while column < axis.input && column - first < TABLE_COLUMNS.min(most.max(1)) {
            let (a, b) = axis.outputs_reaching(column);
            let (new_lo, new_hi) = if a < b {
                (lo.min(a), hi.max(b))
            } else {
                (lo, hi)
            };
            let mut k = 0;
            axis.for_each_contribution_of(column, a, b, |_, _| k += 1);
            let span = new_hi.saturating_sub(new_lo.min(new_hi));
            if column > first && (len + k > TABLE_ENTRIES || span > max_span) {
                break;
            }
            axis.for_each_contribution_of(column, a, b, |o, w| {
                if let (Some(slot_o), Some(slot_w)) =
                    (self.offset.get_mut(len), self.weight.get_mut(len))
                {
                    // Outputs as absolute indices until `lo` is known.
                    *slot_o = o as u32;
                    *slot_w = w;
                    len += 1;
                }
            });
            (lo, hi) = (new_lo, new_hi);
            column += 1;
            if let Some(s) = self.start.get_mut(column - first) {
                *s = len as u16;
            }
        }
        if lo > hi {
            (lo, hi) = (0, 0);
        }
        for o in self.offset.iter_mut().take(len) {
            *o -= lo as u32;
        }
        (self.lo, self.hi, self.end) = (lo, hi, column);
        column
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
