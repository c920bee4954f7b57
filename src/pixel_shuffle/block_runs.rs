//! Channels-last depth-to-space and space-to-depth in DCR order (ONNX's
//! default): a small-tensor pixel's channels are `[i][j][C]` for block
//! position `(i, j)`, so the `r` large-tensor pixels of block row `i` are
//! one run of `r*C` contiguous values in both tensors. Each op is a copy
//! of runs, with no shuffling.

use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::slices::{copy, sub, sub_mut};

/// Channels-last DCR shuffle: run `i` of small pixel `(y, x)` is large
/// pixels `x*r .. x*r + r` of large row `y*r + i`.
pub(super) fn shuffle_runs(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.output.c);
    let [_, _, w] = g.input.spatial;
    let run = r * c;
    for (in_row, out_rows) in input
        .chunks_exact(w * r * run)
        .zip(output.chunks_exact_mut(r * w * run))
    {
        for (i, out_row) in out_rows.chunks_exact_mut(w * run).enumerate() {
            for (pixel, out) in in_row
                .chunks_exact(r * run)
                .zip(out_row.chunks_exact_mut(run))
            {
                copy(sub(pixel, i * run, run), out);
            }
        }
    }
}

/// Channels-last DCR unshuffle: the inverse of [`shuffle_runs`].
pub(super) fn unshuffle_runs(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.input.c);
    let [_, _, w] = g.output.spatial;
    let run = r * c;
    for (in_rows, out_row) in input
        .chunks_exact(r * w * run)
        .zip(output.chunks_exact_mut(w * r * run))
    {
        for (i, in_row) in in_rows.chunks_exact(w * run).enumerate() {
            for (src, pixel) in in_row
                .chunks_exact(run)
                .zip(out_row.chunks_exact_mut(r * run))
            {
                copy(src, sub_mut(pixel, i * run, run));
            }
        }
    }
}
