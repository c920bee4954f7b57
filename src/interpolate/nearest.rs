//! Nearest and nearest-exact source indices, bit for bit as
//! `reference::interpolate` (ATen's `nearest_idx` / `nearest_exact_idx` in
//! the channels-last kernel, `HelperInterpNearest{,Exact}` in the generic
//! one). The copy itself is the separable kernel with one tap of weight 1,
//! which multiplies by 1.0: exact (a signalling NaN comes out quiet), except
//! for channels-first rows that double every column ([`doubled_columns`]),
//! which copy the bits.

use super::taps::AxisTaps;
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::CopyLane;

/// Nearest whose W axis doubles every column (output column `x` reads
/// input column `x / 2`, checked for every column, as `scale_factor=2`
/// gives): each output row is its source row with every element (pixel,
/// channels-last) twice, channels-first by [`CopyLane::zip`] of whole
/// vectors, written in order.
/// The general path (a one-tap separable pass, with its window tables and
/// row edges) ran at 0.98x memcpy on the 1x64x128x128 x2 case. `false`
/// when the problem is not of that kind (nothing written).
pub(crate) fn doubled_columns<L: CopyLane>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let mut w = [0.0f32; 1];
    // Channels-first (or one channel): a row of elements; channels-last:
    // a row of `c`-channel pixels.
    let c = match i.layout {
        Layout::ChannelsLast => i.c,
        Layout::ChannelsFirst => 1,
    };
    if !axes.iter().all(AxisTaps::copies)
        || ow != 2 * iw
        || !(0..ow).all(|x| axes[2].window(x, &mut w) == x / 2)
    {
        return false;
    }
    // Source rows of a chunk of output rows, found once for every plane
    // (a window per row and plane took half the time).
    const CHUNK: usize = 256;
    let mut sources = [0usize; CHUNK];
    let (in_row, out_row) = (iw * c, ow * c);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    for first in (0..od * oh).step_by(CHUNK) {
        let count = CHUNK.min(od * oh - first);
        for (k, s) in sources.iter_mut().enumerate().take(count) {
            let (z, y) = ((first + k) / oh, (first + k) % oh);
            *s = (axes[0].window(z, &mut w) * ih + axes[1].window(y, &mut w)) * in_row;
        }
        let planes = input
            .chunks_exact(in_plane)
            .zip(output.chunks_exact_mut(out_plane));
        for (src, dst) in planes {
            let Some(dst) = dst.get_mut(first * out_row..(first + count) * out_row) else {
                return true;
            };
            // Channels-last, an output row that repeats the row before
            // (x2 along the height) is a copy of it, still in cache: the
            // platform's `memcpy` of a 64 KiB row (1x64x128x128 x2) wrote
            // it faster than the vector stores (best of 200 calls, five
            // alternating runs: 879 against 943 us, medians 0.96-1.01 ms
            // against 1.05-1.18). Channels-first rows (1 KiB) gained
            // nothing.
            let mut rest = dst;
            let mut prev: Option<(usize, &mut [f32])> = None;
            for &from in sources.iter().take(count) {
                let Some((out, tail)) = rest.split_at_mut_checked(out_row) else {
                    return true;
                };
                rest = tail;
                match prev {
                    Some((p, ref done)) if p == from && c > 1 => out.copy_from_slice(done),
                    _ => {
                        let Some(row) = src.get(from..from + in_row) else {
                            return true;
                        };
                        if c == 1 {
                            twice::<L>(row, out);
                        } else {
                            pixels_twice::<L>(row, out, c);
                        }
                    }
                }
                prev = Some((from, out));
            }
        }
    }
    true
}

/// Channels-last `out[2k] = out[2k + 1] = row[k]` for pixels of `c`
/// channels: each pixel copied twice, without the general path's window
/// table per output pixel. The copy multiplies by 1.0, as the general path
/// does (so a signalling NaN comes out quiet here too): a plain copy of
/// `f32x16`s compiles to pairs of 32-byte moves, which measured 1.19-1.24
/// ms against 0.93-0.95 with the multiply (whole 64-byte stores) for an
/// output 16 bytes past a cache line (0.82 against 0.85 aligned).
#[inline(always)]
fn pixels_twice<L: CopyLane>(row: &[f32], out: &mut [f32], c: usize) {
    let one = L::splat(1.0);
    for (from, to) in row.chunks_exact(c).zip(out.chunks_exact_mut(2 * c)) {
        // One pixel after the other: interleaving the two pixels' stores
        // cost 16% with an output that is not 64-byte aligned.
        for to in to.chunks_exact_mut(c) {
            let mut to_vectors = to.chunks_exact_mut(L::LANES);
            let mut from_vectors = from.chunks_exact(L::LANES);
            for (t, f) in (&mut to_vectors).zip(&mut from_vectors) {
                (L::load(f) * one).store(t);
            }
            let tail = to_vectors.into_remainder().iter_mut();
            for (t, f) in tail.zip(from_vectors.remainder()) {
                *t = *f;
            }
        }
    }
}

/// `out[2k] = out[2k + 1] = row[k]`.
#[inline(always)]
fn twice<L: CopyLane>(row: &[f32], out: &mut [f32]) {
    let mut outs = out.chunks_exact_mut(2 * L::LANES);
    let mut ins = row.chunks_exact(L::LANES);
    for (v, o) in (&mut ins).zip(&mut outs) {
        let v = L::load(v);
        v.store_zip(v, o);
    }
    let tail = outs.into_remainder();
    for (pair, v) in tail.chunks_exact_mut(2).zip(ins.remainder()) {
        pair[0] = *v;
        pair[1] = *v;
    }
}
