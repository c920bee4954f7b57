//! Channels-first images whose rows fit one column table and one plan of
//! [permuted blocks](crate::interpolate::blocks): every output row straight
//! from its source rows, blended as they are loaded.

use crate::interpolate::blocks::{
    Blend, Blocks, permuted_all, permuted_blocks, permuted_plan, permuted_rows,
};
use crate::interpolate::plan::Target;
use crate::interpolate::rows::{Check, blended_rows, each_row, each_row_quad};
use crate::interpolate::windows::Problem;
use crate::interpolate::windows::table::{ColumnTable, W_BY_TAP, W_CHUNK, W_POOL, find_regular};
use crate::layout::Layout;
use crate::simd::Permute;

/// The source rows per output row of a problem whose shape this kernel
/// takes (its column table aside): channels-first (or one channel) rows
/// of blended source rows (at most 2 depth taps), a one-instruction
/// permute, rows of at most one column table of 2- or 4-tap windows, 2
/// taps from 1, 2 or 4 source rows or 4 from 4.
fn shape(p: &Problem<'_>, target: Target) -> Option<usize> {
    let r = blended_rows(p.axes)?;
    let taps = p.axes[2].taps();
    ((p.i.layout == Layout::ChannelsFirst || p.i.c == 1)
        && target.permute
        && p.o.spatial[2] <= W_CHUNK
        && matches!((r, taps), (1 | 2 | 4, 2) | (4, 4)))
    .then_some(r)
}

/// The blocks and source rows per output row of a problem this kernel
/// takes, its column table filled into `wt` (made for the W axis's taps);
/// `None` for any other problem: see [`shape`], and the table covering
/// the whole row, every block of which fits one vector (windows that
/// repeat only where the target permutes those).
fn plan(p: &Problem<'_>, target: Target, wt: &mut ColumnTable) -> Option<(Blocks, usize)> {
    let r = shape(p, target)?;
    let ([_, _, iw], ow) = (p.i.spatial, p.o.spatial[2]);
    let (lo, hi) = wt.fill(&p.axes[2], 0, ow, iw);
    if wt.len != ow || lo != 0 || hi > iw {
        return None;
    }
    // Whether windows repeat matters only where the target does not
    // permute those.
    let repeats = !target.permutes_repeating_windows() && find_regular(wt, target.lanes).is_some();
    Some((permuted_plan(wt, hi, repeats, target)?, r))
}

/// Whether [`plan`] takes the problem. Where whether windows repeat does
/// not matter, from the windows' starts alone (a column table is about
/// 15 KiB to clear and fill, and [`run`] fills its own). Not inlined:
/// its tables are not live in the caller's frame.
#[inline(never)]
pub(crate) fn fits(p: &Problem<'_>, target: Target) -> bool {
    let aw = &p.axes[2];
    if shape(p, target).is_none() {
        return false;
    }
    if !target.permutes_repeating_windows() {
        return plan(p, target, &mut ColumnTable::new(aw.taps())).is_some();
    }
    // As `plan`'s table: the starts of a table over the whole row (its
    // span is at most the row), its first at 0, in order.
    let (taps, ow) = (aw.taps(), p.o.spatial[2]);
    let mut start = [0u32; W_CHUNK];
    let mut weight = [0.0f32; 4];
    for (x, s) in start.iter_mut().enumerate().take(ow) {
        *s = aw.window(x, weight.get_mut(..taps).unwrap_or_default()) as u32;
    }
    let start = start.get(..ow).unwrap_or_default();
    let hi = start.last().map_or(0, |&s| s as usize + taps);
    start.first() == Some(&0)
        && start.windows(2).all(|s| s[0] <= s[1])
        && permuted_blocks(start, taps, hi, target).is_some()
}

/// Every output row straight from its source rows through
/// [`permuted_all`] (two or four rows of the same 4 source rows at once
/// through [`permuted_rows`], which share each block's loads, indices and
/// weights), the rows' offsets and weights found once for all planes, for
/// a problem [`fits`] holds for with `L`'s lanes. Not inlined: its tables
/// and the general kernel's are never live together.
#[inline(never)]
pub(crate) fn run<L: Permute>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let mut wt = ColumnTable::new(p.axes[2].taps());
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
            // Two blocks per trip of the loop from 1 or 2 source rows, whose
            // short loop body left a tenth of the time to the loop's steps.
            let row = |rows: [&[f32]; $r], weight: [f32; $r], out: &mut [f32]| {
                let src = Blend::new(rows, weight);
                permuted_all::<L, _, $k, W_CHUNK, W_POOL, W_BY_TAP, { $r < 4 }>(
                    &src, wt, blocks, out,
                )
            };
            if $r >= 4 {
                // Pairs and quads of rows from 4 source rows (trilinear,
                // bicubic), whose loads they share (from 1 or 2 the
                // interleaved output streams cost more than they save).
                // Special inputs are found by the driver's scan: a flag
                // noted per blend of each row of a quad cost more.
                let row = |rows: [&[f32]; $r], weight: [f32; $r], out: &mut [f32]| {
                    row(rows, weight, out);
                    false
                };
                let pair = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 2]| {
                    permuted_rows::<L, 2, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    );
                    [false; 2]
                };
                let quad = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 4]| {
                    permuted_rows::<L, 4, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    );
                    [false; 4]
                };
                each_row_quad::<$r>(input, p, output, Check::Scan, row, pair, quad);
            } else {
                // From 1 or 2 source rows (bilinear) each row notes its
                // flag, which costs nothing measurable there, while the
                // scan's second pass over the inputs cost the long rows.
                each_row::<$r>(input, p, output, Check::Flags, row);
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

#[cfg(test)]
mod tests {
    use super::{fits, plan};
    use crate::geometry::interpolate::{
        InterpolateGeometry, InterpolateMode as M, InterpolateOptions,
    };
    use crate::interpolate::plan::Target;
    use crate::interpolate::windows::table::{ColumnTable, W_CHUNK};
    use crate::interpolate::windows::{Call, Part, Problem, axis_windows};
    use crate::layout::Layout;

    /// `fits`, from the windows' starts where repeats do not matter, takes
    /// exactly the problems `plan` takes from the whole column table: on
    /// every target, for up- and downscales that fit a vector's blocks and
    /// that do not, rows narrower and wider than a vector and than a table.
    #[test]
    fn fits_takes_what_plan_takes() {
        let targets = [(4, false), (4, true), (8, true), (16, true)];
        let (mut taken, mut declined) = (0, 0);
        for mode in [M::Bilinear, M::Bicubic, M::Area, M::Nearest] {
            for align_corners in [false, true] {
                for iw in [3, 8, 15, 16, 17, 31, 64, 100, 129, 300] {
                    let table = [W_CHUNK / 2, W_CHUNK - 1, W_CHUNK, W_CHUNK + 1];
                    let widths = [1, 6, 8, 15, 16, 17, 24, 32, 48, 64, 100, 128, 200].into_iter();
                    for ow in widths.chain(table) {
                        let mut opts = InterpolateOptions::size(mode, [5, ow]);
                        if matches!(mode, M::Bilinear | M::Bicubic) {
                            opts.align_corners = Some(align_corners);
                        }
                        let g =
                            InterpolateGeometry::new(&[1, 2, 3, iw], Layout::ChannelsFirst, &opts)
                                .unwrap();
                        let Some(axes) = axis_windows(&g) else {
                            continue;
                        };
                        let p = &Problem::new(Part::whole(Call::Interpolate(&g), &[]), &axes);
                        for (lanes, permute) in targets {
                            let registers = true;
                            let target = Target {
                                lanes,
                                permute,
                                registers,
                            };
                            let mut wt = ColumnTable::new(axes[2].taps());
                            let want = plan(p, target, &mut wt).is_some();
                            assert_eq!(
                                fits(p, target),
                                want,
                                "{mode:?} {iw} -> {ow}, align_corners {align_corners}, {lanes} lanes, permute {permute}"
                            );
                            if want { taken += 1 } else { declined += 1 }
                        }
                    }
                }
            }
        }
        // Both answers were exercised (with the small-stack tables of
        // `stack.rs`, 16 outputs per table, far fewer are taken).
        assert!(
            taken >= 10 && declined >= 10,
            "{taken} taken, {declined} declined"
        );
    }
}
