//! Nearest x2 along W (each input column the sum of the two outputs
//! `2 * iw` and `2 * iw + 1`, weight 1): the W pass as one unzip and one
//! add per vector of input columns, instead of the dense blocks.
//!
//! The same terms as the per-tap gather (`0 + a + b` there, `a + b + 0`
//! here: the same value, signed zeros included), so NaN and infinities
//! land as there.

use super::table::ColumnTable;
use crate::simd::CopyLane;

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
