//! Permuted blocks: `LANES` consecutive channels-first outputs whose windows
//! all lie in one vector of inputs, computed as one load and, per tap, a
//! lane permute of it by the windows' offsets times that tap's weights
//! (`wide`'s `shuffle`: `vpermd` on AVX2 and AVX-512, a byte shuffle on
//! SSSE3, NEON and simd128). The source may be a row in memory or the blend
//! of up to 4 source rows computed as it is loaded.

use super::exact::Flag;
use super::plan::Target;
use super::windows::table::{Table, W_BY_TAP, W_CHUNK, W_POOL};
use crate::simd::{Lane, Permute};

/// Where block `x..x + lanes` of [`permuted`] loads its vector from a
/// source of `len` inputs, and the shift of its indices: `None` if its
/// windows do not fit in one vector. The windows start in order
/// (`Table::monotone`), so the block reads `base..base + reach`; near the
/// row's end the vector is loaded from the last full position instead.
#[inline(always)]
pub(crate) fn block_fit<const K: usize>(
    offset: &[u32],
    x: usize,
    lanes: usize,
    len: usize,
) -> Option<(usize, usize)> {
    let offs = offset.get(x..x + lanes)?;
    let base = *offs.first()? as usize;
    let reach = *offs.last()? as usize - base + K;
    let at = base.min(len.checked_sub(lanes)?);
    let shift = base - at;
    (reach + shift <= lanes).then_some((at, shift))
}

/// Most blocks of a column table ([`Blocks`]): the narrowest lanes.
const MAX_BLOCKS: usize = W_CHUNK / 4;

/// The blocks of a row chunk every one of which fits ([`block_fit`]):
/// first output, load position and index shift of each, the last block
/// overlapping the one before it. Found once per column table.
pub(crate) struct Blocks {
    x: [u32; MAX_BLOCKS],
    at: [u32; MAX_BLOCKS],
    shift: [u32; MAX_BLOCKS],
    len: usize,
}

impl Blocks {
    /// The blocks of windows of `K` taps starting at `offset` (one per
    /// output) over a source of `len` inputs, or `None` if one does not
    /// fit (or the row is shorter than a vector).
    fn new<const K: usize>(offset: &[u32], len: usize, lanes: usize) -> Option<Blocks> {
        let count = offset.len().div_ceil(lanes);
        if offset.len() < lanes || count > MAX_BLOCKS {
            return None;
        }
        let mut b = Blocks {
            x: [0; MAX_BLOCKS],
            at: [0; MAX_BLOCKS],
            shift: [0; MAX_BLOCKS],
            len: count,
        };
        for j in 0..count {
            let x = (j * lanes).min(offset.len() - lanes);
            let (at, shift) = block_fit::<K>(offset, x, lanes, len)?;
            (b.x[j], b.at[j], b.shift[j]) = (x as u32, at as u32, shift as u32);
        }
        Some(b)
    }

    /// Each block's first output, load position and index shift.
    #[inline(always)]
    fn each(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        // Slices of the blocks' count: one trip count for the loop.
        let n = self.len.min(MAX_BLOCKS);
        let plan = self.x[..n].iter().zip(&self.at[..n]).zip(&self.shift[..n]);
        plan.map(|((&x, &at), &shift)| (x as usize, at as usize, shift as usize))
    }
}

/// The [`Blocks`] of a channels-first column table over a source of `len`
/// inputs when the permuted path takes it: a one-instruction permute,
/// windows of 2 or 4 taps in order, and windows that repeat (`repeats`)
/// only where the target permutes repeating windows.
pub(crate) fn permuted_plan(
    wt: &Table<W_CHUNK, W_POOL, W_BY_TAP>,
    len: usize,
    repeats: bool,
    target: Target,
) -> Option<Blocks> {
    if !wt.monotone || (repeats && !target.permutes_repeating_windows()) {
        return None;
    }
    permuted_blocks(wt.offset.get(..wt.len)?, wt.taps, len, target)
}

/// The [`Blocks`] of windows of `taps` taps (2 or 4, their weights tap by
/// tap in a column table) that start in order at `offset` over a source
/// of `len` inputs, on a target with a one-instruction permute.
pub(crate) fn permuted_blocks(
    offset: &[u32],
    taps: usize,
    len: usize,
    target: Target,
) -> Option<Blocks> {
    if !target.permute {
        return None;
    }
    match taps {
        2 => Blocks::new::<2>(offset, len, target.lanes),
        4 => Blocks::new::<4>(offset, len, target.lanes),
        _ => None,
    }
}

/// Every block of `blocks` of a row, reading `src`; returns whether a
/// loaded vector raised the exact fix-up's flag (`exact.rs`). With `TWO`,
/// two blocks per trip of the loop: the permuted rows' kernel, whose short
/// rows spent a tenth of their time on the loop's own steps, takes that;
/// the general pass, whose longer loop body then spilled, does not.
#[inline(always)]
pub(crate) fn permuted_all<
    L,
    S,
    const K: usize,
    const N: usize,
    const P: usize,
    const T: usize,
    const TWO: bool,
>(
    src: &S,
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    dst: &mut [f32],
) -> bool
where
    L: Permute,
    S: Source + ?Sized,
{
    // One check per block of its load and store (the plan fits them: it
    // never fails), which covers every row of a blend.
    let (len, n) = (src.len(), dst.len());
    let mut flag = Flag::<L>::new();
    let mut block = |(x, at, shift): (usize, usize, usize)| {
        if at + L::LANES > len || x + L::LANES > n {
            debug_assert!(false, "block outside its row");
            return;
        }
        flag.note(permute_block::<L, S, K, N, P, T>(
            src, wt, x, at, shift, dst,
        ));
    };
    let mut each = blocks.each();
    while let Some(first) = each.next() {
        block(first);
        if TWO && let Some(second) = each.next() {
            block(second);
        }
    }
    flag.raised()
}

/// Outputs `x..x + LANES` of a block: `src[at..at + LANES]` loaded once,
/// permuted by the windows' offsets (shifted by `shift`) per tap. Returns
/// the loaded vector.
#[inline(always)]
pub(crate) fn permute_block<L, S, const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &S,
    wt: &Table<N, P, T>,
    x: usize,
    at: usize,
    shift: usize,
    dst: &mut [f32],
) -> L
where
    L: Permute,
    S: Source + ?Sized,
{
    let v: L = src.load(at);
    let (idx, w) = block_taps::<L, K, N, P, T>(wt, x);
    apply_taps(v, idx, &w, shift).store(&mut dst[x..x + L::LANES]);
    v
}

/// The lane indices and per-tap weights of the block at output `x`.
#[inline(always)]
fn block_taps<L: Permute, const K: usize, const N: usize, const P: usize, const T: usize>(
    wt: &Table<N, P, T>,
    x: usize,
) -> (L::Index, [L; K]) {
    let idx = L::index(&wt.offset[x..], wt.offset[x]);
    let w: [L; K] = core::array::from_fn(|k| L::load(&wt.by_tap[k * N + x..]));
    (idx, w)
}

/// `sum_k w[k] * v.permute(idx, shift + k)`.
#[inline(always)]
fn apply_taps<L: Permute, const K: usize>(v: L, idx: L::Index, w: &[L; K], shift: usize) -> L {
    let shift = shift as i32;
    let mut acc = w[0] * v.permute(idx, shift);
    for (k, wk) in w.iter().enumerate().skip(1) {
        acc = wk.mul_add(v.permute(idx, shift + k as i32), acc);
    }
    acc
}

/// [`permuted_all`] for `M` output rows of the same `R` source rows
/// (weights `weight[m]` for row `m`): each source vector is loaded once
/// for all of them, and each block's indices and weights found once.
#[cfg(feature = "specialised-kernels")]
#[inline(always)]
pub(crate) fn permuted_rows<
    L,
    const M: usize,
    const R: usize,
    const K: usize,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    rows: [&[f32]; R],
    weight: [[f32; R]; M],
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    outs: [&mut [f32]; M],
) -> [bool; M]
where
    L: Permute,
{
    let weight = weight.map(|w| w.map(L::splat));
    let mut flags = [Flag::<L>::new(); M];
    // The rows and outputs cut to one length each, so that one check per
    // block covers its loads and stores (the plan fits them: it never fails).
    let len = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    let rows = rows.map(|r| r.get(..len).unwrap_or_default());
    let n = outs.iter().map(|o| o.len()).min().unwrap_or(0);
    let mut outs = outs.map(|o| o.get_mut(..n).unwrap_or_default());
    for (x, at, shift) in blocks.each() {
        if at + L::LANES > len || x + L::LANES > n {
            debug_assert!(false, "block outside its rows");
            continue;
        }
        let v: [L; R] = core::array::from_fn(|r| L::load(&rows[r][at..at + L::LANES]));
        let (idx, w) = block_taps::<L, K, N, P, T>(wt, x);
        for ((out, weight), flag) in outs.iter_mut().zip(&weight).zip(&mut flags) {
            let blend = weighted_sum(&v, weight);
            flag.note(blend);
            apply_taps(blend, idx, &w, shift).store(&mut out[x..x + L::LANES]);
        }
    }
    Flag::raised_each(flags)
}

/// The inputs of a channels-first row chunk: a row in memory (the input,
/// or the vertical sum in `temp`), or the weighted sum of `R` input rows
/// computed as it is loaded (no row stored and read back).
pub(crate) trait Source {
    /// The inputs: a load from `at` needs `at + LANES <= len()`.
    fn len(&self) -> usize;
    /// The `LANES` inputs from `at`.
    fn load<L: Lane>(&self, at: usize) -> L;
}

impl Source for [f32] {
    #[inline(always)]
    fn len(&self) -> usize {
        <[f32]>::len(self)
    }
    #[inline(always)]
    fn load<L: Lane>(&self, at: usize) -> L {
        L::load(&self[at..at + L::LANES])
    }
}

/// `sum_r weight[r] * rows[r]`, the rows cut to one length (so that a
/// caller's one check of a load's end covers every row).
pub(crate) struct Blend<'a, const R: usize> {
    rows: [&'a [f32]; R],
    weight: [f32; R],
    len: usize,
}

impl<'a, const R: usize> Blend<'a, R> {
    #[inline(always)]
    pub(crate) fn new(rows: [&'a [f32]; R], weight: [f32; R]) -> Self {
        let len = rows.iter().map(|r| r.len()).min().unwrap_or(0);
        let rows = rows.map(|r| r.get(..len).unwrap_or_default());
        Blend { rows, weight, len }
    }
}

impl<const R: usize> Source for Blend<'_, R> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    fn load<L: Lane>(&self, at: usize) -> L {
        let v: [L; R] = core::array::from_fn(|r| L::load(&self.rows[r][at..at + L::LANES]));
        weighted_sum(&v, &self.weight.map(L::splat))
    }
}

/// `w[0] * v[0] + w[1] * v[1] + ..`, fused left to right.
#[inline(always)]
fn weighted_sum<L: Lane, const R: usize>(v: &[L; R], w: &[L; R]) -> L {
    let mut acc = w[0] * v[0];
    for r in 1..R {
        acc = w[r].mul_add(v[r], acc);
    }
    acc
}
