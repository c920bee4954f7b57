//! The W pass of the channels-first backward as dense blocks: for a block
//! of 16 input columns, the outputs reaching them, `[s0, s0 + S)`, and an
//! `S x 16` matrix of weights (the weight of output `s0 + s` on
//! each column, zero where it does not reach it, repeated taps of one
//! output summed). A block is then `S` rows of vector multiply-adds (one
//! to four vectors, by the lane width), each a broadcast row element times
//! a row of the matrix: no gathers. The blocks are 16 columns whatever the
//! lanes, so which rows take them does not depend on the lane width.
//!
//! The zeros would turn an infinite row element into NaN on columns it
//! does not reach, so a row with any non-finite element takes the exact
//! per-tap gather ([`ColumnTable::gather`]) instead. Each column's sum runs
//! over the outputs in two chains (even and odd rows of the block, then
//! their sum), the zero terms adding exactly nothing, so the result does
//! not depend on the lane width.

use super::table::ColumnTable;
use crate::simd::Lane;
use crate::slices::{sub, sub_mut};
use crate::stack::pick;

/// Weights of all blocks of one table (4 KiB on hosts).
const MATRIX: usize = pick(1024, 128);
/// Blocks of one table.
const BLOCKS: usize = pick(64, 16);
/// Columns of one block.
const B: usize = 16;

/// One block: its first output (from the table's `lo`), its output count,
/// and where its matrix starts.
#[derive(Clone, Copy, Default)]
struct Block {
    s0: usize,
    rows: usize,
    at: usize,
}

pub(crate) struct BlockMatrices {
    weight: [f32; MATRIX],
    block: [Block; BLOCKS],
    blocks: usize,
    columns: usize,
}

impl BlockMatrices {
    pub fn new() -> BlockMatrices {
        BlockMatrices {
            weight: [0.0; MATRIX],
            block: [Block::default(); BLOCKS],
            blocks: 0,
            columns: 0,
        }
    }

    /// Builds the blocks of as many of `table`'s columns as they hold
    /// (whole blocks from the first, or every column) and returns how
    /// many that is: 0 when not even one block fits.
    pub fn build(&mut self, table: &ColumnTable) -> usize {
        let lanes = B;
        let columns = table.end - table.first;
        let blocks = columns.div_ceil(lanes).min(BLOCKS);
        let mut at = 0;
        for b in 0..blocks {
            let (mut lo, mut hi) = (usize::MAX, 0);
            for j in b * lanes..((b + 1) * lanes).min(columns) {
                for &o in table.column(j).0 {
                    lo = lo.min(o as usize);
                    hi = hi.max(o as usize + 1);
                }
            }
            let rows = hi.saturating_sub(lo);
            let s0 = if rows == 0 { 0 } else { lo };
            // Blocks of a periodic scale repeat their matrix: kept once.
            if let Some(p) = b.checked_sub(1).map(|p| self.block[p])
                && p.rows == rows
                && self.repeats(table, b, s0, p)
            {
                self.block[b] = Block { s0, rows, at: p.at };
                continue;
            }
            let Some(matrix) = self.weight.get_mut(at..at + rows * lanes) else {
                (self.blocks, self.columns) = (b, b * lanes);
                return self.columns;
            };
            matrix.fill(0.0);
            for j in b * lanes..((b + 1) * lanes).min(columns) {
                let (offset, weight) = table.column(j);
                for (&o, &w) in offset.iter().zip(weight) {
                    if let Some(m) = matrix.get_mut((o as usize - s0) * lanes + j - b * lanes) {
                        *m += w;
                    }
                }
            }
            self.block[b] = Block { s0, rows, at };
            at += rows * lanes;
        }
        self.blocks = blocks;
        self.columns = columns.min(blocks * lanes);
        self.columns
    }

    /// Whether block `b` of `table` (first output `s0`) has the matrix of
    /// the block `previous`, of as many rows (at most 64 compared).
    fn repeats(&self, table: &ColumnTable, b: usize, s0: usize, previous: Block) -> bool {
        let columns = table.end - table.first;
        if previous.rows > 64 {
            return false;
        }
        for k in 0..B {
            let mut column = [0.0f32; 64];
            if b * B + k < columns {
                let (offset, weight) = table.column(b * B + k);
                for (&o, &w) in offset.iter().zip(weight) {
                    if let Some(m) = column.get_mut(o as usize - s0) {
                        *m += w;
                    }
                }
            }
            for (s, &v) in column.iter().enumerate().take(previous.rows) {
                if self.weight.get(previous.at + s * B + k) != Some(&v) {
                    return false;
                }
            }
        }
        true
    }

    /// `dst[j] = sum over s of matrix[s][j] * row[s0 + s]`, block by block,
    /// for a row of finite values.
    #[inline]
    pub fn gather<L: Lane>(&self, row: &[f32], dst: &mut [f32]) {
        let per = B / L::LANES;
        for (b, block) in self.block.iter().enumerate().take(self.blocks) {
            // Two chains of multiply-adds, the even and the odd rows, so
            // that one's latency hides behind the other's; then their sum.
            let mut even = [L::splat(0.0); 4];
            let mut odd = [L::splat(0.0); 4];
            let weights = self.weight.get(block.at..).unwrap_or_default();
            let values = row.get(block.s0..).unwrap_or_default();
            let mut pairs = weights
                .chunks_exact(2 * B)
                .zip(values.chunks_exact(2))
                .take(block.rows / 2);
            for (m, v) in &mut pairs {
                let (m0, m1) = m.split_at(B);
                let (v0, v1) = (L::splat(v[0]), L::splat(v[1]));
                for k in 0..per {
                    even[k] = L::load(sub(m0, k * L::LANES, L::LANES)).mul_add(v0, even[k]);
                    odd[k] = L::load(sub(m1, k * L::LANES, L::LANES)).mul_add(v1, odd[k]);
                }
            }
            if block.rows % 2 == 1 {
                let last = block.rows - 1;
                let m = weights.get(last * B..).unwrap_or_default();
                let v = L::splat(values.get(last).copied().unwrap_or(0.0));
                for (k, a) in even.iter_mut().enumerate().take(per) {
                    *a = L::load(sub(m, k * L::LANES, L::LANES)).mul_add(v, *a);
                }
            }
            let mut pad = [0.0f32; B];
            for k in 0..per {
                (even[k] + odd[k]).store(sub_mut(&mut pad, k * L::LANES, L::LANES));
            }
            for (d, &v) in dst.iter_mut().skip(b * B).zip(&pad) {
                *d = v;
            }
        }
    }
}

/// Whether every element of `row` is finite: `0 * x` is NaN for an
/// infinite or NaN `x`, and a NaN survives the sums.
#[inline]
pub(crate) fn all_finite<L: Lane>(row: &[f32]) -> bool {
    let zero = L::splat(0.0);
    let mut acc = zero;
    let mut chunks = row.chunks_exact(L::LANES);
    for c in &mut chunks {
        acc = acc + L::load(c) * zero;
    }
    let mut tail = 0.0f32;
    for &x in chunks.remainder() {
        tail += x * 0.0;
    }
    !(acc.reduce_add() + tail).is_nan()
}
