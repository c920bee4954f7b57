//! Channels-first shuffle and unshuffle: each output row interleaves `r`
//! input rows (shuffle), or each input row de-interleaves into `r` output
//! rows (unshuffle), a large-tensor plane and its `r*r` small-tensor
//! planes at a time. The small-tensor planes of a large one are
//! consecutive (CRD, PyTorch's order) or `C` planes apart (DCR, ONNX's
//! default): the kernels take them as slices either way.

use super::interleave::{deinterleave, deinterleave2, gather, interleave, interleave2, scatter};
use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::simd::PixelShuffle;
use crate::slices::{split_head, split_head_mut, sub};

/// Channels-first shuffle: each output row interleaves `r` input rows.
pub(super) fn shuffle_channels_first(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let [_, h, w] = g.input.spatial;
    let (hw, c) = (h * w, g.output.c);
    // A batch item: c large planes of r*r*hw, c*r*r small planes of hw.
    let item = c * r * r * hw;
    for (small, large) in input.chunks_exact(item).zip(output.chunks_exact_mut(item)) {
        for (ch, out_plane) in large.chunks_exact_mut(r * r * hw).enumerate() {
            // Small plane k of this channel: block position (k / r, k % r).
            let plane = |k: usize| sub(small, g.small_channel(ch, k, c) * hw, hw);
            match r {
                2 => shuffle_plane2(core::array::from_fn(plane), out_plane, w),
                3 => shuffle_plane::<3, 9>(core::array::from_fn(plane), out_plane, w),
                4 => shuffle_plane::<4, 16>(core::array::from_fn(plane), out_plane, w),
                _ => {
                    for (y, out_rows) in out_plane.chunks_exact_mut(r * r * w).enumerate() {
                        for (i, out_row) in out_rows.chunks_exact_mut(r * w).enumerate() {
                            for j in 0..r {
                                scatter(sub(plane(i * r + j), y * w, w), out_row, j, r);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first output plane from its `RR = R*R` input planes:
/// output row `y*R + i` interleaves row `y` of planes `i*R .. i*R + R`.
#[inline(never)]
fn shuffle_plane<const R: usize, const RR: usize>(planes: [&[f32]; RR], out: &mut [f32], w: usize) {
    let mut rows = planes.map(|p| p.chunks_exact(w));
    // The R output rows of input row y are contiguous.
    for out_rows in out.chunks_exact_mut(R * R * w) {
        for (group, out_row) in rows
            .chunks_exact_mut(R)
            .zip(out_rows.chunks_exact_mut(R * w))
        {
            let mut next = group.iter_mut().map(|row| row.next().unwrap_or_default());
            interleave::<R>(
                core::array::from_fn(|_| next.next().unwrap_or_default()),
                out_row,
            );
        }
    }
}

/// [`shuffle_plane`] for factor 2, the four planes' rows zipped up front
/// so that a row costs a few pointer increments.
#[inline(never)]
fn shuffle_plane2([p0, p1, p2, p3]: [&[f32]; 4], out: &mut [f32], w: usize) {
    let rows = p0.chunks_exact(w).zip(p1.chunks_exact(w));
    let rows = rows.zip(p2.chunks_exact(w).zip(p3.chunks_exact(w)));
    for (out_rows, ((a, b), (c, d))) in out.chunks_exact_mut(4 * w).zip(rows) {
        let (top, bottom) = split_head_mut(out_rows, 2 * w);
        interleave2::<PixelShuffle>([a, b], top);
        interleave2::<PixelShuffle>([c, d], bottom);
    }
}

/// Channels-first unshuffle: each input row de-interleaves into `r` output rows.
pub(super) fn unshuffle_channels_first(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let [_, h, w] = g.output.spatial;
    let (hw, c) = (h * w, g.input.c);
    let rr = r * r;
    let item = c * rr * hw;
    for (large, small) in input.chunks_exact(item).zip(output.chunks_exact_mut(item)) {
        for (ch, in_plane) in large.chunks_exact(rr * hw).enumerate() {
            // The r*r small planes of this channel, in block order: `rr`
            // planes from the first, `step` apart.
            let first = g.small_channel(ch, 0, c);
            let step = if rr > 1 {
                g.small_channel(ch, 1, c) - first
            } else {
                1
            };
            let mut planes = small.chunks_exact_mut(hw).skip(first).step_by(step);
            match r {
                2 => {
                    let planes = core::array::from_fn(|_| planes.next().unwrap_or_default());
                    unshuffle_plane2(in_plane, planes, w);
                }
                3 => {
                    let planes = core::array::from_fn(|_| planes.next().unwrap_or_default());
                    unshuffle_plane::<3, 9>(in_plane, planes, w);
                }
                4 => {
                    let planes = core::array::from_fn(|_| planes.next().unwrap_or_default());
                    unshuffle_plane::<4, 16>(in_plane, planes, w);
                }
                _ => {
                    for (k, plane) in planes.take(rr).enumerate() {
                        let (i, j) = (k / r, k % r);
                        for (y, out) in plane.chunks_exact_mut(w).enumerate() {
                            gather(sub(in_plane, (y * r + i) * r * w, r * w), j, r, out);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first input plane into its `RR = R*R` output planes:
/// input row `y*R + i` de-interleaves into row `y` of output planes
/// `i*R .. i*R + R`.
#[inline(never)]
fn unshuffle_plane<const R: usize, const RR: usize>(
    in_plane: &[f32],
    planes: [&mut [f32]; RR],
    w: usize,
) {
    let mut rows = planes.map(|p| p.chunks_exact_mut(w));
    for in_rows in in_plane.chunks_exact(R * R * w) {
        for (group, in_row) in rows.chunks_exact_mut(R).zip(in_rows.chunks_exact(R * w)) {
            let mut next = group.iter_mut().map(|row| row.next().unwrap_or_default());
            deinterleave::<R>(
                in_row,
                core::array::from_fn(|_| next.next().unwrap_or_default()),
            );
        }
    }
}

/// [`unshuffle_plane`] for factor 2, the four planes' rows zipped up front.
#[inline(never)]
fn unshuffle_plane2(in_plane: &[f32], [p0, p1, p2, p3]: [&mut [f32]; 4], w: usize) {
    let rows = p0.chunks_exact_mut(w).zip(p1.chunks_exact_mut(w));
    let rows = rows.zip(p2.chunks_exact_mut(w).zip(p3.chunks_exact_mut(w)));
    for (in_rows, ((a, b), (c, d))) in in_plane.chunks_exact(4 * w).zip(rows) {
        let (top, bottom) = split_head(in_rows, 2 * w);
        deinterleave2::<PixelShuffle>(top, [a, b]);
        deinterleave2::<PixelShuffle>(bottom, [c, d]);
    }
}
