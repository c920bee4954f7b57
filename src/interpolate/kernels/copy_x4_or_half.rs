//! Nearest and nearest-exact with one element per pixel (channels-first,
//! or one channel) whose W axis copies whole columns in one of two fixed
//! patterns (checked for every column, as the scale gives them): each
//! output row is its source row with
//! - every element four times (`scale_factor=4`: output column `x` reads
//!   `x / 4`), by [`CopyLane::zip`] of each vector with itself, twice;
//! - every other element, from the first or the second (halving: `2x` or
//!   `2x + 1`), the evens of [`CopyLane::unzip`].
//!
//! Both copy the bits, as PyTorch does. The rows come from the shared row
//! driver ([`each_row`]); the x2 copy keeps a loop of its own
//! (`copy_x2.rs`), which lost speed when it shared one with these.

use crate::interpolate::rows::{Check, each_row};
use crate::interpolate::windows::{AxisWindows, Problem};
use crate::simd::CopyLane;
use wide::f32x4;

/// How output column `x` reads the source row.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Columns {
    /// Column `x / 4`.
    FourTimes,
    /// Column `2 * x + first`.
    EveryOther { first: usize },
}

/// The pattern of `p`'s W axis, if every axis copies, there is one element
/// per pixel and every output column reads its column of the pattern.
fn columns(p: &Problem<'_>) -> Option<Columns> {
    let &Problem { i, o, axes, .. } = p;
    let (iw, ow) = (i.spatial[2], o.spatial[2]);
    if !axes.iter().all(AxisWindows::copies) || i.pixel() != 1 || ow == 0 {
        return None;
    }
    let mut w = [0.0f32; 1];
    let mut reads =
        |source: &dyn Fn(usize) -> usize| (0..ow).all(|x| axes[2].window(x, &mut w) == source(x));
    if ow == 4 * iw {
        return reads(&|x| x / 4).then_some(Columns::FourTimes);
    }
    // Halving only (an unchanged W axis is an identity window even in a
    // linear call, whose reference multiplies a second tap by 0).
    if ow >= iw {
        return None;
    }
    if 2 * ow <= iw + 1 && reads(&|x| 2 * x) {
        return Some(Columns::EveryOther { first: 0 });
    }
    (2 * ow <= iw && reads(&|x| 2 * x + 1)).then_some(Columns::EveryOther { first: 1 })
}

/// Whether the kernel takes `p`: every axis copies, one element per pixel,
/// and output column `x` reads input column `x / 4`, `2x` or `2x + 1`.
pub(crate) fn fits(p: &Problem<'_>) -> bool {
    columns(p).is_some()
}

/// Resamples `input` into `output`, a problem [`fits`] holds for. Not
/// inlined: the plan's `run` holds the x2 copies in line (`copy_x2.rs`).
#[inline(never)]
pub(crate) fn run<L: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    // The copies raise no flag: nothing to recompute.
    match columns(p) {
        Some(Columns::FourTimes) => {
            each_row::<1>(input, p, output, Check::Flags, |[row], _, out| {
                four_times::<L>(row, out);
                false
            })
        }
        Some(Columns::EveryOther { first }) => {
            each_row::<1>(input, p, output, Check::Flags, |[row], _, out| {
                every_other::<L>(row.get(first..).unwrap_or_default(), out);
                false
            })
        }
        None => debug_assert!(
            false,
            "copy x4 or half planned for a problem it does not take"
        ),
    }
}

/// `out[4k..4k + 4] = row[k]`: whole vectors zipped with themselves
/// twice, then 4-lane vectors, the rest one by one.
#[inline(always)]
fn four_times<L: CopyLane>(row: &[f32], out: &mut [f32]) {
    let (row, out) = four_times_in::<L>(row, out);
    let (row, out) = if L::LANES > 4 {
        four_times_in::<f32x4>(row, out)
    } else {
        (row, out)
    };
    for (quad, v) in out.chunks_exact_mut(4).zip(row) {
        quad.fill(*v);
    }
}

/// The whole vectors of `V` of [`four_times`]; returns the rest.
#[inline(always)]
fn four_times_in<'a, 'b, V: CopyLane>(
    row: &'a [f32],
    out: &'b mut [f32],
) -> (&'a [f32], &'b mut [f32]) {
    let mut outs = out.chunks_exact_mut(4 * V::LANES);
    let mut ins = row.chunks_exact(V::LANES);
    for (v, o) in (&mut ins).zip(&mut outs) {
        let v = V::load(v);
        let (lo, hi) = v.zip(v);
        let (o_lo, o_hi) = o.split_at_mut(2 * V::LANES);
        lo.store_zip(lo, o_lo);
        hi.store_zip(hi, o_hi);
    }
    (ins.remainder(), outs.into_remainder())
}

/// `out[k] = row[2k]`: the even elements of pairs of whole vectors, then of
/// 4-lane vectors, the rest one by one. `row` holds at least
/// `2 * out.len() - 1` elements.
#[inline(always)]
fn every_other<L: CopyLane>(row: &[f32], out: &mut [f32]) {
    let (row, out) = every_other_in::<L>(row, out);
    let (row, out) = if L::LANES > 4 {
        every_other_in::<f32x4>(row, out)
    } else {
        (row, out)
    };
    for (o, v) in out.iter_mut().zip(row.iter().step_by(2)) {
        *o = *v;
    }
}

/// The whole vectors of `V` of [`every_other`]; returns the rest (the
/// vectors taken are counted first: the input can end a vector short of
/// the output's last pair).
#[inline(always)]
fn every_other_in<'a, 'b, V: CopyLane>(
    row: &'a [f32],
    out: &'b mut [f32],
) -> (&'a [f32], &'b mut [f32]) {
    let n = (out.len() / V::LANES).min(row.len() / (2 * V::LANES));
    let (whole_in, rest_in) = row.split_at(2 * V::LANES * n);
    let (whole_out, rest_out) = out.split_at_mut(V::LANES * n);
    for (pair, o) in whole_in
        .chunks_exact(2 * V::LANES)
        .zip(whole_out.chunks_exact_mut(V::LANES))
    {
        let (a, b) = pair.split_at(V::LANES);
        let (evens, _) = V::load(a).unzip(V::load(b));
        evens.store(o);
    }
    (rest_in, rest_out)
}
