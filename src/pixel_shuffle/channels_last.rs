//! Channels-last shuffle and unshuffle: each input pixel's `[C][r*r]`
//! values become the `[r*r][C]` values of its `r x r` output pixels
//! (shuffle), and back (unshuffle), a row of pixels at a time.

use super::interleave::{gather, interleave4, scatter};
use super::transpose::{transpose_from, transpose_into};
use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::simd::PixelShuffle;
use crate::slices::{split_head, split_head_mut, sub, sub_mut};

/// Channels-last shuffle: each input pixel's `[C][r*r]` values become the
/// `[r*r][C]` values of its `r x r` output pixels.
pub(super) fn shuffle_channels_last(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.output.c);
    let [_, _, w] = g.input.spatial;
    let out_row = w * r * c;
    for (in_row, out_rows) in input
        .chunks_exact(w * r * r * c)
        .zip(output.chunks_exact_mut(r * out_row))
    {
        if r == 2 {
            // Output row 0 takes streams 0 and 1 of each pixel, row 1 streams 2 and 3.
            let (top, bottom) = split_head_mut(out_rows, out_row);
            shuffle_row_channels_last2(in_row, top, bottom, c);
            continue;
        }
        match r {
            3 => shuffle_row_channels_last::<3, 9>(in_row, out_rows, c),
            4 => shuffle_row_channels_last::<4, 16>(in_row, out_rows, c),
            _ => {
                for (x, pixel) in in_row.chunks_exact(r * r * c).enumerate() {
                    for (i, out_row) in out_rows.chunks_exact_mut(out_row).enumerate() {
                        let pixels = sub_mut(out_row, x * r * c, r * c);
                        for (j, out) in pixels.chunks_exact_mut(c).enumerate() {
                            gather(pixel, i * r + j, r * r, out);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-last input row into its `R` output rows, for `K = R*R`:
/// each pixel's `[C][K]` values transposed to the `[K][C]` of its `R x R`
/// output pixels (stream `i*R + j` to row `i`, pixel `x*R + j`).
#[inline(never)]
fn shuffle_row_channels_last<const R: usize, const K: usize>(
    in_row: &[f32],
    out_rows: &mut [f32],
    c: usize,
) {
    let out_row = out_rows.len() / R;
    // Each output row as a run of c-long streams: pixel x's stream i*R + j
    // is the (x*R + j)-th of row i.
    let mut rows: [_; R] = {
        let mut all = out_rows
            .chunks_exact_mut(out_row.max(1))
            .map(|row| row.chunks_exact_mut(c));
        core::array::from_fn(|_| {
            all.next()
                .unwrap_or_else(|| <&mut [f32]>::default().chunks_exact_mut(1))
        })
    };
    for pixel in in_row.chunks_exact(K * c) {
        let mut outs: [&mut [f32]; K] = core::array::from_fn(|s| {
            rows.get_mut(s / R)
                .and_then(Iterator::next)
                .unwrap_or_default()
        });
        transpose_from(pixel, &mut outs, c);
    }
}

/// One channels-last factor-2 input row (pixels `[C][4]`) into its two output
/// rows (pixel pairs `[2][C]`): a 4x4 transpose per 4 channels (8 shuffles
/// per 16 values, against 12 for the `unzip` network).
#[inline(never)]
fn shuffle_row_channels_last2(in_row: &[f32], top: &mut [f32], bottom: &mut [f32], c: usize) {
    if c == 1 {
        let pixels = in_row.as_chunks::<4>().0;
        let outs = top
            .as_chunks_mut::<2>()
            .0
            .iter_mut()
            .zip(bottom.as_chunks_mut::<2>().0);
        for (&[p0, p1, p2, p3], (a, b)) in pixels.iter().zip(outs) {
            *a = [p0, p1];
            *b = [p2, p3];
        }
        return;
    }
    let outs = top
        .chunks_exact_mut(2 * c)
        .zip(bottom.chunks_exact_mut(2 * c));
    for (pixel, (a, b)) in in_row.chunks_exact(4 * c).zip(outs) {
        let ((a0, a1), (b0, b1)) = (split_head_mut(a, c), split_head_mut(b, c));
        transpose_from(pixel, &mut [a0, a1, b0, b1], c);
    }
}

/// Channels-last unshuffle: the `r x r` input pixels `[r*r][C]` of each
/// output pixel become its `[C][r*r]` values.
pub(super) fn unshuffle_channels_last(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.input.c);
    let [_, _, w] = g.output.spatial;
    let in_row = w * r * c;
    for (in_rows, out_row) in input
        .chunks_exact(r * in_row)
        .zip(output.chunks_exact_mut(w * r * r * c))
    {
        match r {
            2 => {
                let (top, bottom) = split_head(in_rows, in_row);
                unshuffle_row_channels_last2(top, bottom, out_row, c);
            }
            3 => unshuffle_row_channels_last::<3, 9>(in_rows, out_row, c),
            4 => unshuffle_row_channels_last::<4, 16>(in_rows, out_row, c),
            _ => {
                for (x, pixel) in out_row.chunks_exact_mut(r * r * c).enumerate() {
                    // Stream i*r + j: input row i, pixel x*r + j.
                    for s in 0..r * r {
                        let stream = sub(in_rows, (s / r) * in_row + (x * r + s % r) * c, c);
                        scatter(stream, pixel, s, r * r);
                    }
                }
            }
        }
    }
}

/// `R` channels-last input rows into one output row, for `K = R*R`: the
/// `[K][C]` values of each output pixel's `R x R` input pixels transposed to
/// its `[C][K]`.
#[inline(never)]
fn unshuffle_row_channels_last<const R: usize, const K: usize>(
    in_rows: &[f32],
    out_row: &mut [f32],
    c: usize,
) {
    let in_row = in_rows.len() / R;
    let mut rows: [_; R] = {
        let mut all = in_rows
            .chunks_exact(in_row.max(1))
            .map(|row| row.chunks_exact(c));
        core::array::from_fn(|_| all.next().unwrap_or_else(|| [].chunks_exact(1)))
    };
    for pixel in out_row.chunks_exact_mut(K * c) {
        let ins: [&[f32]; K] = core::array::from_fn(|s| {
            rows.get_mut(s / R)
                .and_then(Iterator::next)
                .unwrap_or_default()
        });
        transpose_into(&ins, pixel, c);
    }
}

/// Two channels-last factor-2 input rows (pixel pairs `[2][C]`) into one
/// output row (pixels `[C][4]`).
#[inline(never)]
fn unshuffle_row_channels_last2(top: &[f32], bottom: &[f32], out_row: &mut [f32], c: usize) {
    if c == 1 {
        let ins = top.as_chunks::<2>().0.iter().zip(bottom.as_chunks::<2>().0);
        for (pixel, (&[a0, a1], &[b0, b1])) in out_row.as_chunks_mut::<4>().0.iter_mut().zip(ins) {
            *pixel = [a0, a1, b0, b1];
        }
        return;
    }
    let ins = top.chunks_exact(2 * c).zip(bottom.chunks_exact(2 * c));
    for (pixel, (a, b)) in out_row.chunks_exact_mut(4 * c).zip(ins) {
        let ((a0, a1), (b0, b1)) = (split_head(a, c), split_head(b, c));
        interleave4::<PixelShuffle>([a0, a1, b0, b1], pixel);
    }
}
