//! Channels-first images whose rows fit one column table and one plan of
//! [permuted blocks](crate::interpolate::blocks): every output row straight
//! from its source rows, blended as they are loaded.

use crate::interpolate::blocks::{Blend, Blocks, permuted_all, permuted_plan, permuted_rows};
use crate::interpolate::plan::Target;
use crate::interpolate::rows::{blended_rows, each_row, each_row_quad};
use crate::interpolate::windows::Problem;
use crate::interpolate::windows::table::{ColumnTable, W_BY_TAP, W_CHUNK, W_POOL, find_regular};
use crate::layout::Layout;
use crate::simd::Permute;

/// The column table of a problem this kernel takes, and its blocks and
/// source rows per output row; `None` for any other problem: channels-first
/// (or one channel) rows of blended source rows (at most 2 depth taps),
/// a one-instruction permute, at most one table of 2- or 4-tap windows
/// covering the whole row, every block of which fits one vector (windows
/// that repeat only where the target permutes those).
fn plan(p: &Problem<'_>, target: Target, wt: &mut ColumnTable) -> Option<(Blocks, usize)> {
    let &Problem { i, o, axes, .. } = p;
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let r = blended_rows(axes)?;
    let taps = axes[2].taps();
    if !(i.layout == Layout::ChannelsFirst || i.c == 1)
        || !target.permute
        || ow > W_CHUNK
        || !matches!((r, taps), (1 | 2 | 4, 2) | (4, 4))
    {
        return None;
    }
    *wt = ColumnTable::new(taps);
    let (lo, hi) = wt.fill(&axes[2], 0, ow, iw);
    if wt.len != ow || lo != 0 || hi > iw {
        return None;
    }
    let repeats = find_regular(wt, target.lanes).is_some();
    Some((permuted_plan(wt, hi, repeats, target)?, r))
}

/// Whether [`plan`] takes the problem. Not inlined: its table (about
/// 25 KiB) is not live in the caller's frame.
#[inline(never)]
pub(crate) fn fits(p: &Problem<'_>, target: Target) -> bool {
    let mut wt = ColumnTable::new(1);
    plan(p, target, &mut wt).is_some()
}

/// Every output row straight from its source rows through
/// [`permuted_all`] (two or four rows of the same 4 source rows at once
/// through [`permuted_rows`], which share each block's loads, indices and
/// weights), the rows' offsets and weights found once for all planes, for
/// a problem [`fits`] holds for with `L`'s lanes. Not inlined: its tables
/// and the general kernel's are never live together.
#[inline(never)]
pub(crate) fn run<L: Permute>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let mut wt = ColumnTable::new(1);
    let Some((blocks, r)) = plan(p, Target::of::<L>(), &mut wt) else {
        debug_assert!(
            false,
            "permuted rows planned for a problem they do not take"
        );
        return;
    };
    let (wt, blocks) = (&wt, &blocks);
    macro_rules! run {
        ($r:literal, $k:literal) => {{
            let row = |rows: [&[f32]; $r], weight: [f32; $r], out: &mut [f32]| {
                let src = Blend::new(rows, weight);
                permuted_all::<L, _, $k, W_CHUNK, W_POOL, W_BY_TAP>(&src, wt, blocks, out)
            };
            if $r >= 4 {
                // Pairs of rows only from 4 source rows (trilinear,
                // bicubic), whose loads they halve; from 1 or 2 the two
                // interleaved output streams cost more than they save.
                let pair = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 2]| {
                    permuted_rows::<L, 2, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    )
                };
                let quad = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 4]| {
                    permuted_rows::<L, 4, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    )
                };
                each_row_quad::<$r>(input, p, output, row, pair, quad);
            } else {
                each_row::<$r>(input, p, output, row);
            }
        }};
    }
    match (r, wt.taps) {
        (1, 2) => run!(1, 2),
        (2, 2) => run!(2, 2),
        (4, 2) => run!(4, 2),
        (4, 4) => run!(4, 4),
        shape => debug_assert!(false, "permuted rows with (rows, taps) {shape:?}"),
    }
}
