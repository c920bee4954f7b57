//! The replication and averaging kernels at every lane width against the
//! reference.

use super::{average_channels_last, average_plane, replicate_channels_last, replicate_plane};
use crate::geometry::unpool::{UnpoolGeometry, UnpoolOptions};
use crate::layout::Layout;
use crate::simd::CopyLane;
use crate::simd::testing::{assert_same_bits, test_every_width};

/// The averaging and replication kernels at width `L` against
/// [`crate::reference::avg_unpool`], bit for bit, for a spread of
/// geometries in both layouts.
fn kernels_at_width<L: CopyLane>() {
    let shapes: [&[usize]; 6] = [
        &[1, 1, 45],
        &[1, 2, 7, 23],
        &[1, 3, 5, 41],
        &[1, 3, 1, 1000],
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
                let m = g.output.numel();
                let mut want = [0.0f32; 32768];
                let want = &mut want[..m];
                crate::reference::avg_unpool(input, shape, layout, &opts, want).unwrap();
                let mut got = [0.0f32; 32768];
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
                assert_same_bits(
                    got,
                    want,
                    format_args!("{shape:?} {layout:?} k{k} s{s} p{p}"),
                );
            }
        }
    }
}

test_every_width! {
    /// [`kernels_at_width`] at 4, 8 and 16 lanes.
    mod kernels_at_every_width: |L| { kernels_at_width::<L>() }
}
