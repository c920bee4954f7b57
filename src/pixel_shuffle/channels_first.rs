//! Channels-first shuffle and unshuffle: each output row interleaves `r`
//! input rows (shuffle), or each input row de-interleaves into `r` output
//! rows (unshuffle), a plane group at a time.

use super::interleave::{deinterleave, deinterleave2, gather, interleave, interleave2, scatter};
use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::simd::PixelShuffle;
use crate::slices::{split_head, split_head_mut, sub, sub_mut};

/// Channels-first shuffle: each output row interleaves `r` input rows.
pub(super) fn shuffle_channels_first(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let [_, h, w] = g.input.spatial;
    // r*r input planes make one output plane; both are r*r*h*w long.
    let group = r * r * h * w;
    for (planes, out_plane) in input
        .chunks_exact(group)
        .zip(output.chunks_exact_mut(group))
    {
        match r {
            2 => shuffle_plane2(planes, out_plane, w, h * w),
            3 => shuffle_plane::<3, 9>(planes, out_plane, w, h * w),
            4 => shuffle_plane::<4, 16>(planes, out_plane, w, h * w),
            _ => {
                for (y, out_rows) in out_plane.chunks_exact_mut(r * r * w).enumerate() {
                    for (i, out_row) in out_rows.chunks_exact_mut(r * w).enumerate() {
                        for j in 0..r {
                            scatter(sub(planes, ((i * r + j) * h + y) * w, w), out_row, j, r);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first output plane from its `RR = R*R` input planes of
/// `hw` elements: output row `y*R + i` interleaves row `y` of planes
/// `i*R .. i*R + R`.
#[inline(never)]
fn shuffle_plane<const R: usize, const RR: usize>(
    planes: &[f32],
    out: &mut [f32],
    w: usize,
    hw: usize,
) {
    let mut all = planes.chunks_exact(hw).map(|p| p.chunks_exact(w));
    let mut rows: [_; RR] =
        core::array::from_fn(|_| all.next().unwrap_or_else(|| [].chunks_exact(w)));
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

/// [`shuffle_plane`] for factor 2, with the four planes split up front so
/// that a row costs a few pointer increments.
#[inline(never)]
fn shuffle_plane2(planes: &[f32], out: &mut [f32], w: usize, hw: usize) {
    let (p01, p23) = split_head(planes, 2 * hw);
    let ((p0, p1), (p2, p3)) = (split_head(p01, hw), split_head(p23, hw));
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
    let group = r * r * h * w;
    for (in_plane, planes) in input
        .chunks_exact(group)
        .zip(output.chunks_exact_mut(group))
    {
        match r {
            2 => unshuffle_plane2(in_plane, planes, w, h * w),
            3 => unshuffle_plane::<3, 9>(in_plane, planes, w, h * w),
            4 => unshuffle_plane::<4, 16>(in_plane, planes, w, h * w),
            _ => {
                for (y, in_rows) in in_plane.chunks_exact(r * r * w).enumerate() {
                    for (i, in_row) in in_rows.chunks_exact(r * w).enumerate() {
                        for j in 0..r {
                            let out = sub_mut(planes, ((i * r + j) * h + y) * w, w);
                            gather(in_row, j, r, out);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first input plane into its `RR = R*R` output planes of `hw`
/// elements: input row `y*R + i` de-interleaves into row `y` of output planes
/// `i*R .. i*R + R`.
#[inline(never)]
fn unshuffle_plane<const R: usize, const RR: usize>(
    in_plane: &[f32],
    planes: &mut [f32],
    w: usize,
    hw: usize,
) {
    let mut all = planes.chunks_exact_mut(hw).map(|p| p.chunks_exact_mut(w));
    let mut rows: [_; RR] = core::array::from_fn(|_| {
        all.next()
            .unwrap_or_else(|| <&mut [f32]>::default().chunks_exact_mut(w))
    });
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

/// [`unshuffle_plane`] for factor 2, with the four planes split up front.
#[inline(never)]
fn unshuffle_plane2(in_plane: &[f32], planes: &mut [f32], w: usize, hw: usize) {
    let (p01, p23) = split_head_mut(planes, 2 * hw);
    let ((p0, p1), (p2, p3)) = (split_head_mut(p01, hw), split_head_mut(p23, hw));
    let rows = p0.chunks_exact_mut(w).zip(p1.chunks_exact_mut(w));
    let rows = rows.zip(p2.chunks_exact_mut(w).zip(p3.chunks_exact_mut(w)));
    for (in_rows, ((a, b), (c, d))) in in_plane.chunks_exact(4 * w).zip(rows) {
        let (top, bottom) = split_head(in_rows, 2 * w);
        deinterleave2::<PixelShuffle>(top, [a, b]);
        deinterleave2::<PixelShuffle>(bottom, [c, d]);
    }
}
