//! The vector kernels at every lane width against the reference.

use super::channels_first::pool_plane;
use super::channels_last::pool_channels_last;
use crate::geometry::pool::{MaxPoolGeometry, MaxPoolOptions};
use crate::layout::Layout;
use crate::simd::CopyLane;
use crate::simd::testing::{assert_same_bits, test_every_width};

/// Deterministic test values: small integers (ties), NaNs and -inf.
fn values(n: usize, seed: usize) -> [f32; 4096] {
    core::array::from_fn(|i| {
        let h = ((i as u64 * 2654435761 + seed as u64 * 40503) % 97) as usize;
        match h {
            _ if i >= n => 0.0,
            0 => f32::NAN,
            1..=8 => f32::NEG_INFINITY,
            _ => (h % 4) as f32,
        }
    })
}

/// The vector kernels at width `L` against [`crate::reference::max_pool`],
/// for a spread of geometries in both layouts.
fn kernels_at_width<L: CopyLane>() {
    let shapes: [&[usize]; 5] = [
        &[1, 3, 40],
        &[1, 2, 9, 37],
        &[1, 20, 5, 6],
        &[1, 2, 4, 5, 19],
        &[1, 17, 2, 3, 4],
    ];
    for (case, shape) in shapes.into_iter().enumerate() {
        for (k, s, p, d, ceil) in [
            (2, 2, 0, 1, false),
            (3, 1, 1, 1, false),
            (3, 2, 1, 1, true),
            (2, 3, 1, 2, true),
            (1, 1, 0, 1, false),
            (4, 2, 2, 1, true),
        ] {
            let (kernel, stride, padding, dilation) = ([k], [s], [p], [d]);
            let opts = MaxPoolOptions::new(&kernel)
                .with_stride(&stride)
                .with_padding(&padding)
                .with_dilation(&dilation)
                .with_ceil_mode(ceil);
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                let Ok(g) = MaxPoolGeometry::new(shape, layout, &opts) else {
                    continue;
                };
                let n = g.input.numel();
                let input = values(n, case);
                let input = &input[..n];
                let m = g.output.numel();
                let (mut want, mut want_idx) = ([0.0f32; 4096], [0i64; 4096]);
                let (mut got, mut got_idx) = ([0.0f32; 4096], [0i64; 4096]);
                crate::reference::max_pool(
                    input,
                    shape,
                    layout,
                    &opts,
                    &mut want[..m],
                    &mut want_idx[..m],
                )
                .unwrap();
                let (plane, out_plane) = (g.input.plane(), g.output.plane());
                if layout == Layout::ChannelsFirst {
                    let pairs = input.chunks_exact(plane).zip(
                        got[..m]
                            .chunks_exact_mut(out_plane)
                            .zip(got_idx[..m].chunks_exact_mut(out_plane)),
                    );
                    for (i, (o, x)) in pairs {
                        pool_plane::<L>(&g, i, o, x);
                    }
                } else {
                    pool_channels_last::<L>(&g, input, &mut got[..m], &mut got_idx[..m]);
                }
                let case = format_args!("{shape:?} {layout:?} k{k} s{s} p{p} d{d}");
                assert_same_bits(&got[..m], &want[..m], case);
                for (j, (got, want)) in got_idx[..m].iter().zip(&want_idx[..m]).enumerate() {
                    assert_eq!(got, want, "{case}: index at {j}");
                }
            }
        }
    }
}

test_every_width! {
    /// [`kernels_at_width`] at 4, 8 and 16 lanes.
    mod kernels_at_every_width: |L| { kernels_at_width::<L>() }
}

/// PyTorch's 3-d channels-last kernel starts a window's index without its
/// depth offset, so a window with no element above `-inf` reports
/// `y * W + x` of its first position where every other kernel reports
/// `(z * H + y) * W + x`: checked on the public path at every block width
/// and tail (one channel through the plane kernel, 17 through the channel
/// blocks and a scalar tail), for interior and border columns.
#[test]
fn depth_offset_quirk_of_3d_channels_last() {
    // (1, C, 4, 3, 40), kernel 3, stride 2, padding 1: output (2, 2, 20).
    let (d, h, w, oh, ow) = (4, 3, 40, 2, 20);
    let opts = MaxPoolOptions::new(&[3])
        .with_stride(&[2])
        .with_padding(&[1]);
    let input = [f32::NEG_INFINITY; 17 * 4 * 3 * 40];
    for c in [1, 17] {
        let shape = [1, c, d, h, w];
        for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            let m = c * 2 * oh * ow;
            let (mut output, mut indices) = ([0.0f32; 17 * 80], [0i64; 17 * 80]);
            let input = &input[..c * d * h * w];
            crate::max_pool(
                input,
                &shape,
                layout,
                &opts,
                &mut output[..m],
                &mut indices[..m],
            )
            .unwrap();
            // Output depth 1 starts at input depth 1; its first row at y = 0.
            for ox in 0..ow {
                let x = (2 * ox).saturating_sub(1);
                let want = match layout {
                    Layout::ChannelsFirst => (h * w + x) as i64,
                    Layout::ChannelsLast => x as i64,
                };
                for ch in 0..c {
                    let at = match layout {
                        Layout::ChannelsFirst => (ch * 2 + 1) * oh * ow + ox,
                        Layout::ChannelsLast => (oh * ow + ox) * c + ch,
                    };
                    assert_eq!(indices[at], want, "C {c} {layout:?} ox {ox} ch {ch}");
                    assert_eq!(output[at], f32::NEG_INFINITY);
                }
            }
        }
    }
}
