//! The clamped windows at either end of a channels-first row of wide windows
//! (more than 4 taps), around its periodic run: each a masked dot product
//! with one span of inputs loaded once per row.

use crate::interpolate::windows::table::Table;
use crate::simd::Permute;
use crate::stack::pick;

/// Inputs of a row that [`Edge`] loads for one end's outputs.
const EDGE_SPAN: usize = 16;

/// The most outputs one [`Edge`] takes (none in the small-stack set:
/// the edges then take the general path, and the frame is 2 KiB smaller).
const EDGE_OUTPUTS: usize = pick(8, 0);

/// Channels-first outputs `from..to` of a column table (windows of more
/// than 4 taps) whose windows all lie in the [`EDGE_SPAN`] inputs from
/// `base` (counted from the table's first input): the clamped windows at
/// either end of a row, around its periodic run. Each is one masked dot
/// product with that span, loaded once per row (one at a time through a
/// dot product they were a quarter of native lanczos x0.5 channels-first).
pub(super) struct Edge {
    from: usize,
    to: usize,
    base: usize,
    /// Output `from + e`'s weights over the span, zero outside its window.
    weight: [[f32; EDGE_SPAN]; EDGE_OUTPUTS],
    /// All bits set over output `from + e`'s window, clear elsewhere: the
    /// inputs outside it (an infinity, say) stay out of its sum, as in
    /// [`dot`].
    mask: [[f32; EDGE_SPAN]; EDGE_OUTPUTS],
}

impl Edge {
    /// Outputs `from..to` of `wt` (first input `lo`, `span` inputs), if
    /// there are at most [`EDGE_OUTPUTS`] of them, of more than 4 taps, and
    /// their windows fit in [`EDGE_SPAN`] inputs of the span.
    pub(super) fn new<const N: usize, const P: usize, const T: usize>(
        wt: &Table<N, P, T>,
        lo: usize,
        span: usize,
        from: usize,
        to: usize,
    ) -> Option<Edge> {
        let starts = wt.start.get(from..to)?;
        let (Some(&first), Some(&end)) = (starts.iter().min(), starts.iter().max()) else {
            return None;
        };
        let (first, end) = (first.checked_sub(lo)?, end.checked_sub(lo)? + wt.taps);
        if wt.taps <= 4 || to - from > EDGE_OUTPUTS || end - first > EDGE_SPAN || span < EDGE_SPAN {
            return None;
        }
        let base = first.min(span - EDGE_SPAN);
        let on = f32::from_bits(u32::MAX);
        let mut edge = Edge {
            from,
            to,
            base,
            weight: [[0.0; EDGE_SPAN]; EDGE_OUTPUTS],
            mask: [[0.0; EDGE_SPAN]; EDGE_OUTPUTS],
        };
        let rows = edge.weight.iter_mut().zip(&mut edge.mask);
        for ((weight, mask), x) in rows.zip(from..to) {
            let (start, w) = wt.get(x);
            let at = start - lo - base;
            let (weight, mask) = (
                weight.get_mut(at..at + w.len())?,
                mask.get_mut(at..at + w.len())?,
            );
            weight.copy_from_slice(w);
            mask.fill(on);
        }
        Some(edge)
    }

    /// Writes the outputs into `dst` from the span `src` (the table's
    /// inputs): false, having written nothing, if either is too short.
    #[inline(always)]
    pub(super) fn apply<L: Permute>(&self, src: &[f32], dst: &mut [f32]) -> bool {
        let (Some(span), Some(dst)) = (
            src.get(self.base..self.base + EDGE_SPAN),
            dst.get_mut(self.from..self.to),
        ) else {
            return false;
        };
        let zero = L::splat(0.0);
        // At most 4 vectors (`LANES` is at least 4).
        let count = EDGE_SPAN / L::LANES;
        let v: [L; 4] = core::array::from_fn(|q| {
            span.get(q * L::LANES..)
                .map_or(zero, |s| if q < count { L::load(s) } else { zero })
        });
        for ((d, weight), mask) in dst.iter_mut().zip(&self.weight).zip(&self.mask) {
            let mut acc = zero;
            for (q, &x) in v.iter().enumerate().take(count) {
                let at = q * L::LANES;
                let x = L::select(L::load(&mask[at..]), x, zero);
                acc = L::load(&weight[at..]).mul_add(x, acc);
            }
            *d = acc.reduce_add();
        }
        true
    }
}
