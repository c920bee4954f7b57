//! The replication and averaging kernels at every lane width against the
//! reference's formula.

use super::{average_channels_last, average_plane, replicate_channels_last, replicate_plane};
use crate::geometry::unpool::{UnpoolGeometry, UnpoolOptions, covering};
use crate::layout::{Layout, MAX_SPATIAL, for_each_point};
use crate::simd::CopyLane;
use wide::{f32x4, f32x8, f32x16};

/// The reference's formula for one output of one plane (channels-first)
/// or one batch (channels-last, channel `ch`).
fn expected(g: &UnpoolGeometry, input: &[f32], point: [usize; MAX_SPATIAL], ch: usize) -> f32 {
    let (c, [_, h, w]) = (g.input.c, g.input.spatial);
    let spans: [(usize, usize); MAX_SPATIAL] = core::array::from_fn(|a| covering(g, a, point[a]));
    let mut sum = 0.0f32;
    let mut count = 0usize;
    for z in spans[0].0..spans[0].1 {
        for y in spans[1].0..spans[1].1 {
            for x in spans[2].0..spans[2].1 {
                let at = (z * h + y) * w + x;
                sum += if g.input.layout == Layout::ChannelsLast {
                    input[at * c + ch]
                } else {
                    input[at]
                };
                count += 1;
            }
        }
    }
    if count == 0 { 0.0 } else { sum / count as f32 }
}

/// The averaging and replication kernels at width `L` against the
/// reference's formula, for a spread of geometries in both layouts.
fn kernels_at_width<L: CopyLane>() {
    let shapes: [&[usize]; 4] = [
        &[1, 1, 45],
        &[1, 2, 7, 23],
        &[1, 19, 3, 9],
        &[1, 5, 2, 3, 11],
    ];
    for (case, shape) in shapes.into_iter().enumerate() {
        for (k, s, p) in [
            (2, 2, 0),
            (4, 4, 1),
            (3, 3, 0),
            (1, 1, 0),
            (3, 2, 1),
            (3, 1, 1),
            (2, 3, 0),
            (5, 2, 2),
        ] {
            let (kernel, stride, padding) = ([k], [s], [p]);
            let opts = UnpoolOptions::new(&kernel)
                .with_stride(&stride)
                .with_padding(&padding);
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                let Ok(g) = UnpoolGeometry::new(shape, layout, &opts, "avg_unpool") else {
                    continue;
                };
                let n = g.input.numel();
                let input: [f32; 4096] =
                    core::array::from_fn(|i| ((i * 7919 + case) % 29) as f32 * 0.37 - 5.0);
                let input = &input[..n];
                let mut got = [0.0f32; 16384];
                let m = g.output.numel();
                let got = &mut got[..m];
                let (plane, out_plane, c) = (g.input.plane(), g.output.plane(), g.input.c);
                match layout {
                    Layout::ChannelsFirst => {
                        for (i, o) in input
                            .chunks_exact(plane)
                            .zip(got.chunks_exact_mut(out_plane))
                        {
                            if k == s {
                                replicate_plane::<L>(&g, i, o);
                            } else {
                                average_plane::<L>(&g, i, o);
                            }
                        }
                    }
                    Layout::ChannelsLast => {
                        for (i, o) in input
                            .chunks_exact(plane * c)
                            .zip(got.chunks_exact_mut(out_plane * c))
                        {
                            if k == s {
                                replicate_channels_last(&g, i, o);
                            } else {
                                average_channels_last::<L>(&g, i, o);
                            }
                        }
                    }
                }
                let mut j = 0;
                for b in 0..g.input.n {
                    let batch = &input[b * plane * c..(b + 1) * plane * c];
                    let mut check = |ch: usize, data: &[f32]| {
                        for_each_point(g.output.spatial, |point| {
                            let want = expected(&g, data, point, ch);
                            let at = match layout {
                                Layout::ChannelsFirst => j,
                                Layout::ChannelsLast => {
                                    let [_, oh, ow] = g.output.spatial;
                                    b * out_plane * c
                                        + ((point[0] * oh + point[1]) * ow + point[2]) * c
                                        + ch
                                }
                            };
                            assert_eq!(
                                got[at].to_bits(),
                                want.to_bits(),
                                "{shape:?} {layout:?} k{k} s{s} p{p} {point:?} ch {ch}"
                            );
                            j += 1;
                        });
                    };
                    for ch in 0..c {
                        match layout {
                            Layout::ChannelsFirst => check(0, &batch[ch * plane..(ch + 1) * plane]),
                            Layout::ChannelsLast => check(ch, batch),
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn kernels_at_every_width() {
    kernels_at_width::<f32x4>();
    kernels_at_width::<f32x8>();
    kernels_at_width::<f32x16>();
}
