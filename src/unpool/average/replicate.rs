//! `avg_unpool` with `kernel_size == stride`: each output is covered by at
//! most one window, so each is `0.0 +` its one input (the reference's sum of
//! one term) or zero, a block replication.

use super::rows;
use crate::geometry::unpool::UnpoolGeometry;
use crate::simd::{CopyLane, Lane, Native};
use crate::slices::sub;

/// `(a + b) / s` without overflow.
#[inline]
fn sum_over(a: usize, b: usize, s: usize) -> usize {
    match a.checked_add(b) {
        Some(sum) => sum / s,
        None => ((a as u128 + b as u128) / s as u128) as usize,
    }
}

/// The input row (depth and height) each output row of a `kernel == stride`
/// unpooling copies, if any: `(o + padding) / stride` per axis.
#[inline]
fn source_row(g: &UnpoolGeometry, oz: usize, oy: usize) -> Option<(usize, usize)> {
    let iz = sum_over(oz, g.padding[0], g.stride[0]);
    let iy = sum_over(oy, g.padding[1], g.stride[1]);
    (iz < g.input.spatial[0] && iy < g.input.spatial[1]).then_some((iz, iy))
}

/// `out[k] = 0.0 + src[k]`: the reference's sum of one term (which turns
/// `-0.0` into `0.0`), over channels the compiler vectorises.
#[inline(always)]
fn plus_zero(src: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(src) {
        *o = 0.0 + v;
    }
}

/// [`plus_zero`] a vector at a time: `plus_zero`'s own loop runs a
/// 16-channel pixel in its scalar tail.
#[inline(always)]
fn plus_zero_lanes(src: &[f32], out: &mut [f32]) {
    let n = Native::LANES;
    let mut chunks = src.chunks_exact(n);
    let mut outs = out.chunks_exact_mut(n);
    for (v, o) in (&mut chunks).zip(&mut outs) {
        (Native::splat(0.0) + Native::load(v)).store(o);
    }
    plus_zero(chunks.remainder(), outs.into_remainder());
}

/// One channels-first plane of a `kernel == stride` unpooling: each output
/// row is zeros, a copy of the row above (same source row), or its source
/// row replicated.
#[inline]
pub(super) fn replicate_plane<L: CopyLane>(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    let mut above: Option<((usize, usize), &mut [f32])> = None;
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow)) {
        let source = source_row(g, oz, oy);
        match (source, &above) {
            (None, _) => row.fill(0.0),
            (Some(key), Some((previous, copy))) if key == *previous => row.copy_from_slice(copy),
            (Some((iz, iy)), _) => replicate_row::<L>(g, sub(input, (iz * h + iy) * w, w), row),
        }
        above = source.map(|key| (key, row));
    }
}

/// One output row of a `kernel == stride` unpooling from its input row:
/// `out[ox] = 0.0 + row[(ox + padding) / stride]`, zero past the row's end.
fn replicate_row<L: CopyLane>(g: &UnpoolGeometry, row: &[f32], out: &mut [f32]) {
    let (s, p) = (g.stride[2], g.padding[2]);
    // The outputs before the first whole block all take input p / s.
    let head = (s - p % s) % s;
    let (out_head, body) = out.split_at_mut(head.min(out.len()));
    let value = |i: usize| row.get(i).map_or(0.0, |&v| 0.0 + v);
    out_head.fill(value(p / s));
    // (head + p) / s, with head + p a multiple of s
    let first = p / s + usize::from(head > 0);
    let row = row.get(first..).unwrap_or_default();
    let done = match s {
        1 => {
            plus_zero(row, body);
            row.len().min(body.len())
        }
        2 => replicate_blocks::<L, 2>(row, body),
        4 => replicate_blocks::<L, 4>(row, body),
        _ => {
            let blocks = body.chunks_exact_mut(s).zip(row);
            let count = blocks.len();
            for (block, &v) in blocks {
                block.fill(0.0 + v);
            }
            count
        }
    };
    // The rest: part of one more block, then zeros.
    let rest = body.get_mut(done * s..).unwrap_or_default();
    for (j, o) in rest.iter_mut().enumerate() {
        *o = row.get(done + j / s).map_or(0.0, |&v| 0.0 + v);
    }
}

/// `out[S*m + j] = 0.0 + row[m]` for `S` of 2 or 4, in vectors of `L`;
/// returns how many inputs it replicated (whole vectors only).
#[inline(always)]
fn replicate_blocks<L: CopyLane, const S: usize>(row: &[f32], out: &mut [f32]) -> usize {
    let n = L::LANES;
    let blocks = out.chunks_exact_mut(S * n).zip(row.chunks_exact(n));
    let count = blocks.len();
    for (o, v) in blocks {
        let v = L::splat(0.0) + L::load(v);
        let (lo, hi) = v.zip(v);
        let quarters;
        let parts: &[L] = if S == 2 {
            quarters = [lo, hi, lo, hi];
            &quarters[..2]
        } else {
            let ((a, b), (c, d)) = (lo.zip(lo), hi.zip(hi));
            quarters = [a, b, c, d];
            &quarters
        };
        for (part, o) in parts.iter().zip(o.chunks_exact_mut(n)) {
            part.store(o);
        }
    }
    count * n
}

/// One batch of a channels-last `kernel == stride` unpooling: each output
/// row is zeros or built from its source row (never copied from the row
/// above, unlike [`replicate_plane`]), each output pixel zeros or `0.0 +`
/// its source pixel.
#[inline]
pub(super) fn replicate_channels_last(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let c = g.input.c;
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    let (s, p) = (g.stride[2], g.padding[2]);
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow * c)) {
        let Some((iz, iy)) = source_row(g, oz, oy) else {
            row.fill(0.0);
            continue;
        };
        // Every row from its source row, even where the row above has
        // the same one: copying that row read it back from L2 (it is
        // larger than L1), where the source row is still in L1.
        let in_row = sub(input, (iz * h + iy) * w * c, w * c);
        // Each pixel from its source (not a copy of its left neighbour,
        // which becomes a `memcpy` call per pixel).
        for (ox, pixel) in row.chunks_exact_mut(c).enumerate() {
            match in_row.chunks_exact(c).nth(sum_over(ox, p, s)) {
                None => pixel.fill(0.0),
                Some(src) => plus_zero_lanes(src, pixel),
            }
        }
    }
}
