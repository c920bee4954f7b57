//! `[C][K]` to `[K][C]` and back in 4x4 tiles: the channels-last pixel
//! transposes (`K = r*r` streams of `C` channels).

use super::interleave::{gather, scatter};
use crate::simd::Lane;
use crate::slices::sub;
use wide::f32x4;

/// The start of 4-wide tile `t` of `0..n` (`n >= 4`): multiples of 4, the
/// last one pulled back to `n - 4` (overlapping the one before) when `n` is
/// not a multiple of 4. There are `n.div_ceil(4)` tiles.
#[inline(always)]
fn tile(t: usize, n: usize) -> usize {
    (4 * t).min(n - 4)
}

/// `outs[s][ch] = pixel[ch*K + s]`: `[C][K]` to `[K][C]`, in 4x4 tiles (a
/// ragged channel end by an overlapping tile, a ragged stream end and
/// fewer than 4 channels one element at a time).
#[inline(always)]
pub(super) fn transpose_from<const K: usize>(pixel: &[f32], outs: &mut [&mut [f32]; K], c: usize) {
    if c.is_multiple_of(16) {
        transpose_from16(pixel, outs);
        return;
    }
    if c < 4 {
        for (k, out) in outs.iter_mut().enumerate() {
            gather(pixel, k, K, out);
        }
        return;
    }
    for t in 0..c.div_ceil(4) {
        let ch = tile(t, c);
        let rows: [&[f32]; 4] = core::array::from_fn(|i| sub(pixel, (ch + i) * K, K));
        for u in 0..K / 4 {
            let k = 4 * u;
            let tile = f32x4::transpose(rows.map(|row| <f32x4 as Lane>::load(sub(row, k, 4))));
            for (v, out) in tile.into_iter().zip(outs.iter_mut().skip(k)) {
                v.store(out.get_mut(ch..).unwrap_or_default());
            }
        }
        // A last column or three, one element at a time.
        for (k, out) in outs.iter_mut().enumerate().skip(K / 4 * 4) {
            let out = out.get_mut(ch..).unwrap_or_default();
            for (o, row) in out.iter_mut().zip(rows) {
                *o = row.get(k).copied().unwrap_or_default();
            }
        }
    }
}

/// [`transpose_from`] for a multiple of 16 channels (`outs` each `c`
/// long): 16 channels at a time, so that each stream takes 64 contiguous
/// bytes in a row (a whole cache line where the output is 64-byte aligned),
/// and with every slice a fixed-size chunk (no bounds checks in the loop).
/// (Storing each 4x4 tile's four vectors to four streams in turn instead
/// is slower where the image stays in cache.)
#[inline(always)]
fn transpose_from16<const K: usize>(pixel: &[f32], outs: &mut [&mut [f32]; K]) {
    let rows = pixel.as_chunks::<K>().0;
    for (g, group) in rows.chunks_exact(16).enumerate() {
        let group: &[[f32; K]; 16] = group.try_into().unwrap_or(&[[0.0; K]; 16]);
        for u in 0..K / 4 {
            // tiles[q][s]: stream 4u + s of channels 16g + 4q .. + 4.
            let tiles: [[f32x4; 4]; 4] = core::array::from_fn(|q| {
                f32x4::transpose(core::array::from_fn(|i| {
                    let row = &group[4 * q + i];
                    f32x4::from(row[4 * u..4 * u + 4].try_into().unwrap_or([0.0; 4]))
                }))
            });
            for (s, out) in outs.iter_mut().skip(4 * u).take(4).enumerate() {
                if let Some(out) = out.as_chunks_mut::<16>().0.get_mut(g) {
                    for (q, o) in out.as_chunks_mut::<4>().0.iter_mut().enumerate() {
                        *o = tiles[q][s].to_array();
                    }
                }
            }
        }
        // A last stream or three, one element at a time.
        for (k, out) in outs.iter_mut().enumerate().skip(K / 4 * 4) {
            if let Some(out) = out.as_chunks_mut::<16>().0.get_mut(g) {
                for (o, row) in out.iter_mut().zip(group) {
                    *o = row[k];
                }
            }
        }
    }
}

/// `pixel[ch*K + s] = streams[s][ch]`: `[K][C]` to `[C][K]`, in 4x4 tiles
/// (ragged ends by overlapping tiles, fewer than 4 channels one element at
/// a time).
#[inline(always)]
pub(super) fn transpose_into<const K: usize>(streams: &[&[f32]; K], pixel: &mut [f32], c: usize) {
    if c < 4 {
        for (k, stream) in streams.iter().enumerate() {
            scatter(stream, pixel, k, K);
        }
        return;
    }
    for t in 0..c.div_ceil(4) {
        let ch = tile(t, c);
        let mut rows = pixel.chunks_exact_mut(K).skip(ch).take(4);
        let mut rows: [&mut [f32]; 4] = core::array::from_fn(|_| rows.next().unwrap_or_default());
        for u in 0..K.div_ceil(4) {
            let k = tile(u, K);
            let ins: [f32x4; 4] = core::array::from_fn(|j| {
                let stream = streams.get(k + j).copied().unwrap_or_default();
                <f32x4 as Lane>::load(sub(stream, ch, 4))
            });
            for (v, row) in f32x4::transpose(ins).into_iter().zip(rows.iter_mut()) {
                v.store(row.get_mut(k..).unwrap_or_default());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `transpose_from::<K>` against its definition for every channel
    /// count up to 50 (the 16-channel path at 16, 32 and 48).
    fn transpose_from_at<const K: usize>() {
        let src: [f32; 16 * 50] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        for c in 0..=50 {
            let pixel = &src[..K * c];
            let mut outs = [[0.0f32; 50]; K];
            transpose_from::<K>(pixel, &mut outs.each_mut().map(|o| &mut o[..c]), c);
            for ch in 0..c {
                for k in 0..K {
                    assert_eq!(outs[k][ch], pixel[ch * K + k], "from K {K} c {c}");
                }
            }
        }
    }

    /// `transpose_from` at 4, 9 and 16 streams and `transpose_into` at 16
    /// against their definitions.
    #[test]
    fn transposes_match_their_definitions() {
        transpose_from_at::<4>();
        transpose_from_at::<9>();
        transpose_from_at::<16>();
        let src: [f32; 16 * 23] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        for c in 0..=23 {
            let streams: [&[f32]; 16] = core::array::from_fn(|k| &src[k * 23..k * 23 + c]);
            let mut pixel = [0.0f32; 16 * 23];
            transpose_into::<16>(&streams, &mut pixel[..16 * c], c);
            for ch in 0..c {
                for k in 0..16 {
                    assert_eq!(pixel[ch * 16 + k], streams[k][ch], "into c {c}");
                }
            }
        }
    }
}
