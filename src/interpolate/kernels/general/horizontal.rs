//! The horizontal pass of a general pass: one output row chunk from its
//! vertical sum, through the column table's windows (channels-last: a
//! vector of channels per tap; channels-first: periodic runs, permuted
//! blocks, masked edges, or one output at a time).

use super::edges::Edge;
use super::periodic::periodic;
use crate::interpolate::blocks::{block_fit, permute_block};
use crate::interpolate::windows::table::{Regular, Table};
use crate::simd::{Lane, Permute};
use wide::f32x4;

/// One output row chunk from its vertical sum `src` (pixels of `width`
/// channels, input column `lo` first) into `dst` (pixels `stride` apart);
/// `halves` is scratch for [`periodic`].
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn horizontal<L: Permute, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    width: usize,
    wt: &Table<N, P, T>,
    lo: usize,
    regular: Option<Regular>,
    edges: &[Option<Edge>; 2],
    dst: &mut [f32],
    stride: usize,
    halves: &mut [f32],
) {
    if stride == 1 {
        let ends = |edge: &Option<Edge>, dst: &mut [f32], from: usize, to: usize| {
            if !edge.as_ref().is_some_and(|e| e.apply::<L>(src, dst)) {
                outputs::<L, N, P, T>(src, wt, lo, dst, from, to);
            }
        };
        let mut x = 0;
        if let Some(r) = regular {
            ends(&edges[0], dst, 0, r.first);
            // The last block overlaps the one before it: it rewrites the same
            // values, and leaves no periods to the scalar loop.
            let blocks = r.periods / L::LANES;
            let last = r.periods - L::LANES;
            match (r.phases, r.step) {
                (1, 1) => {
                    periodic::<L, 1, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                (2, 1) => {
                    periodic::<L, 2, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                (4, 1) => {
                    periodic::<L, 4, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                _ => periodic::<L, 1, 2, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves),
            }
            x = r.first + r.periods * r.phases;
        }
        ends(&edges[1], dst, x, wt.len);
    } else {
        for (x, d) in dst.chunks_mut(stride).enumerate().take(wt.len) {
            let (start, w) = wt.get(x);
            pixel::<L>(src, (start - lo) * width, width, w, &mut d[..width]);
        }
    }
}

/// Channels-last [`horizontal`] for pixels of fewer channels than a vector
/// (RGB, RGBA): each channel of `src` deinterleaved into a row of its own
/// (`planar`, then its outputs after it), resampled as a channels-first
/// row (periodic runs, masked edges), and written back into its lane of
/// every output pixel. One pixel at a time, a tap per channel was scalar.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn horizontal_few_channels<
    L: Permute,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    src: &[f32],
    width: usize,
    wt: &Table<N, P, T>,
    (lo, regular, edges): (usize, Option<Regular>, &[Option<Edge>; 2]),
    dst: &mut [f32],
    stride: usize,
    (halves, planar): (&mut [f32], &mut [f32]),
) {
    let span = src.len() / width;
    // RGB, RGBA and two-channel pixels: split into planes and joined back
    // in one pass each (a pass per channel, strided, compiled to AVX-512
    // scatters, which took most of the time).
    macro_rules! in_planes {
        ($w:literal) => {
            return planes::<L, N, P, T, $w>(
                src,
                span,
                wt,
                (lo, regular, edges),
                dst,
                halves,
                planar,
            )
        };
    }
    match (width, stride) {
        (2, 2) => in_planes!(2),
        (3, 3) => in_planes!(3),
        (4, 4) => in_planes!(4),
        _ => {}
    }
    let (row, outs) = planar.split_at_mut(planar.len() - N);
    let (Some(row), Some(outs)) = (row.get_mut(..span), outs.get_mut(..wt.len)) else {
        debug_assert!(false, "scratch too short for a row of one channel");
        return;
    };
    for ch in 0..width {
        for (v, pixel) in row.iter_mut().zip(src.chunks_exact(width)) {
            *v = pixel.get(ch).copied().unwrap_or_default();
        }
        horizontal::<L, N, P, T>(row, 1, wt, lo, regular, edges, outs, 1, halves);
        for (&v, pixel) in outs.iter().zip(dst.chunks_mut(stride)) {
            if let Some(d) = pixel.get_mut(ch) {
                *d = v;
            }
        }
    }
}

/// [`horizontal_few_channels`] for `W`-channel pixels: every channel of
/// `src` into a row of its own in `planar`, each row resampled into its
/// row of outputs (`N` apart, after the rows), then the outputs joined
/// into pixels.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn planes<L: Permute, const N: usize, const P: usize, const T: usize, const W: usize>(
    src: &[f32],
    span: usize,
    wt: &Table<N, P, T>,
    (lo, regular, edges): (usize, Option<Regular>, &[Option<Edge>; 2]),
    dst: &mut [f32],
    halves: &mut [f32],
    planar: &mut [f32],
) {
    let (rows, outs) = planar.split_at_mut(planar.len() - W * N);
    let Some(rows) = rows.get_mut(..W * span) else {
        debug_assert!(false, "scratch too short for the planes of a row");
        return;
    };
    for (x, pixel) in src.chunks_exact(W).enumerate().take(span) {
        for (c, &v) in pixel.iter().enumerate() {
            rows[c * span + x] = v;
        }
    }
    for (row, out) in rows.chunks_exact(span).zip(outs.chunks_exact_mut(N)) {
        let out = &mut out[..wt.len];
        horizontal::<L, N, P, T>(row, 1, wt, lo, regular, edges, out, 1, halves);
    }
    for (x, pixel) in dst.chunks_exact_mut(W).enumerate().take(wt.len) {
        for (c, d) in pixel.iter_mut().enumerate() {
            *d = outs[c * N + x];
        }
    }
}

/// One channels-last output pixel: `d[c] = sum_k w_k * src[s + k * width + c]`.
#[inline(always)]
fn pixel<L: Permute>(src: &[f32], s: usize, width: usize, w: &[f32], d: &mut [f32]) {
    let [w0, wrest @ ..] = w else { return };
    if wrest.is_empty() {
        // One tap (nearest): a multiply by the weight (1.0, but not known
        // to the compiler, which would turn a plain copy loop into a
        // `memcpy` call per pixel: 42% of nearest x2's time in perf).
        let (Some(from), Some(to)) = (src.get(s..s + width), d.get_mut(..width)) else {
            return;
        };
        let weight = L::splat(*w0);
        let mut to_chunks = to.chunks_exact_mut(L::LANES);
        let mut from_chunks = from.chunks_exact(L::LANES);
        for (t, f) in (&mut to_chunks).zip(&mut from_chunks) {
            (weight * L::load(f)).store(t);
        }
        let rest = to_chunks.into_remainder().iter_mut();
        for (t, f) in rest.zip(from_chunks.remainder()) {
            *t = *w0 * *f;
        }
        return;
    }
    let mut v = 0;
    // Four vectors of channels at a time, each tap's weight splatted once
    // for the four (a splat per tap and vector, two instructions on SSE2,
    // was half of bicubic antialias x0.5 channels-last there).
    const U: usize = 4;
    while v + U * L::LANES <= width {
        let taps = |k: usize| src.get(s + k * width + v..).unwrap_or_default();
        let (first, w) = (taps(0), L::splat(*w0));
        let mut acc: [L; U] = core::array::from_fn(|u| w * L::load(&first[u * L::LANES..]));
        for (k, &wk) in wrest.iter().enumerate() {
            let (row, w) = (taps(k + 1), L::splat(wk));
            for (u, a) in acc.iter_mut().enumerate() {
                *a = w.mul_add(L::load(&row[u * L::LANES..]), *a);
            }
        }
        let out = &mut d[v..v + U * L::LANES];
        for (u, a) in acc.iter().enumerate() {
            a.store(&mut out[u * L::LANES..]);
        }
        v += U * L::LANES;
    }
    while v + L::LANES <= width {
        let mut acc = L::splat(*w0) * L::load(&src[s + v..]);
        for (k, &wk) in wrest.iter().enumerate() {
            acc = L::splat(wk).mul_add(L::load(&src[s + (k + 1) * width + v..]), acc);
        }
        acc.store(&mut d[v..]);
        v += L::LANES;
    }
    for j in v..width {
        let mut acc = w0 * src[s + j];
        for (k, &wk) in wrest.iter().enumerate() {
            acc += wk * src[s + (k + 1) * width + j];
        }
        d[j] = acc;
    }
}

/// Channels-first outputs `from..to`: in vectors through [`permuted`]
/// where it applies, else one at a time.
#[inline]
fn outputs<L: Permute, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    lo: usize,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    match wt.taps {
        1 => scalar_taps::<1, N, P, T>(src, wt, dst, from, to),
        2 if L::PERMUTE && wt.monotone && 2 * N <= T => {
            permuted::<L, 2, N, P, T>(src, wt, dst, from, to)
        }
        4 if L::PERMUTE && wt.monotone && 4 * N <= T => {
            permuted::<L, 4, N, P, T>(src, wt, dst, from, to)
        }
        2 => scalar_taps::<2, N, P, T>(src, wt, dst, from, to),
        3 => scalar_taps::<3, N, P, T>(src, wt, dst, from, to),
        4 => scalar_taps::<4, N, P, T>(src, wt, dst, from, to),
        5 => scalar_taps::<5, N, P, T>(src, wt, dst, from, to),
        6 => scalar_taps::<6, N, P, T>(src, wt, dst, from, to),
        7 => scalar_taps::<7, N, P, T>(src, wt, dst, from, to),
        8 => scalar_taps::<8, N, P, T>(src, wt, dst, from, to),
        _ => {
            let Some(dst) = dst.get_mut(from..to) else {
                return;
            };
            for (x, d) in (from..to).zip(dst) {
                let (start, w) = wt.get(x);
                let window = src.get(start - lo..start - lo + w.len()).unwrap_or(&[]);
                *d = dot(window, w);
            }
        }
    }
}

/// `sum_k a[k] * b[k]` over four lanes of partial sums: one running sum
/// made a wide window (lanczos, antialiasing) a chain of dependent adds,
/// 24% of lanczos x0.5 channels-first.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f32 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut acc = f32x4::splat(0.0);
    for (x, y) in a4.zip(b4) {
        acc = f32x4::load(x).mul_add(f32x4::load(y), acc);
    }
    let [p, q, r, t] = acc.to_array();
    (p + q) + (r + t) + tail
}

/// Channels-first outputs `from..to` of `K`-tap windows, `LANES` at a
/// time wherever the block's windows lie in one vector of inputs: one
/// load, then per tap a permute of it (the window offsets as lane
/// indices) times the tap's weights. Where the windows do not repeat
/// (align_corners, odd scales) this replaces a gather per tap, which LLVM
/// emulates with an insert per lane on this CPU: 82% of bilinear x2
/// align_corners channels-first. Blocks that do not fit go one at a time.
#[inline(always)]
fn permuted<L: Permute, const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    let lanes = L::LANES;
    let mut x = from;
    while x + lanes <= to {
        match block_fit::<K>(&wt.offset, x, lanes, src.len()) {
            Some((at, shift)) => {
                permute_block::<L, _, K, N, P, T>(src, wt, x, at, shift, dst);
            }
            None => scalar_taps::<K, N, P, T>(src, wt, dst, x, x + lanes),
        }
        x += lanes;
    }
    scalar_taps::<K, N, P, T>(src, wt, dst, x, to);
}

/// [`outputs`] one at a time, for windows of `K` taps. Written without early exits
/// (indices clamped into `src` instead), so that the loop vectorises with
/// gathers where the target has them (AVX2, AVX-512).
#[inline(always)]
fn scalar_taps<const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    let (Some(dst), Some(offset), Some(weights), Some(last)) = (
        dst.get_mut(from..to),
        wt.offset.get(from..to),
        wt.weight.get(from * K..to * K),
        src.len().checked_sub(1),
    ) else {
        return;
    };
    for ((d, &o), w) in dst.iter_mut().zip(offset).zip(weights.chunks_exact(K)) {
        // Every window lies inside `src`: the clamps never bind.
        let base = o as usize;
        let mut acc = w[0] * src[base.min(last)];
        for k in 1..K {
            acc += w[k] * src[(base + k).min(last)];
        }
        *d = acc;
    }
}
