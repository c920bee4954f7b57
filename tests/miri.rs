//! Every public op against its `upsample::reference` twin on small, fixed
//! shapes: both layouts, widths and channel counts that cross a vector
//! (`1..=13` covers every tail of 4 lanes, and the first of 8), odd
//! geometries, NaN, ties and signed zeros for the copying ops.
//!
//! Small enough for miri (`scripts/miri.sh` runs this file under
//! `cargo +nightly miri test --test miri`), and run by every `cargo test` as
//! well. Outputs are written into the middle of sentinel-filled buffers;
//! the bands either side must come back untouched.

mod common;

use common::{ALT_INDEX_SENTINEL, ALT_SENTINEL, Guarded, INDEX_SENTINEL, same, same_or_close};
use upsample::{
    BlockMode, ConvTransposeOptions, Error, InterpolateMode as M, InterpolateOptions, Layout,
    MaxPoolOptions, UnpoolOptions, reference,
};

const LAYOUTS: [Layout; 2] = [Layout::ChannelsFirst, Layout::ChannelsLast];
/// Sentinels either side of each output.
const GUARD: usize = 5;

/// Deterministic values: distinct bit patterns in [-1, 1].
fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n as u32)
        .map(|i| {
            let h = (i ^ seed.wrapping_mul(0x9e37_79b9))
                .wrapping_mul(0x85eb_ca6b)
                .rotate_left(13)
                .wrapping_mul(0xc2b2_ae35);
            (h >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// Values for max pooling: ties, signed zeros, infinities and NaNs.
fn pool_values(n: usize) -> Vec<f32> {
    const SPECIAL: [f32; 8] = [
        1.0,
        0.0,
        -0.0,
        1.0,
        f32::NEG_INFINITY,
        2.0,
        f32::NAN,
        f32::INFINITY,
    ];
    (0..n)
        .map(|i| {
            if i % 7 == 3 {
                SPECIAL[(i / 7) % SPECIAL.len()]
            } else {
                ((i * 5) % 4) as f32
            }
        })
        .collect()
}

/// Runs `public` on a guarded output of `len` elements and `reference` on
/// one filled differently, and checks they agree (exactly when `tolerance`
/// is `None`; NaN matches NaN of any payload, which miri randomises).
fn compare(
    what: &str,
    len: usize,
    tolerance: Option<(f64, f64)>,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) {
    let mut got = Guarded::new(len, GUARD, GUARD);
    let mut want = vec![ALT_SENTINEL; len];
    let r_public = public(got.inner_mut());
    let r_reference = reference(&mut want);
    assert_eq!(r_public, r_reference, "{what}: results differ");
    r_public.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(got.bands_intact(), "{what}: wrote outside its output");
    for (k, (&g, &w)) in got.inner().iter().zip(&want).enumerate() {
        let ok = match tolerance {
            None => same(g, w),
            Some((atol, rtol)) => same_or_close(g, w, atol, rtol),
        };
        assert!(ok, "{what}: element {k} of {len}: {g:?} vs {w:?}");
    }
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

#[test]
fn interpolate_every_mode() {
    // (mode, input shape, size, align_corners, antialias)
    type Case = (M, &'static [usize], &'static [usize], Option<bool>, bool);
    let cases: &[Case] = &[
        (M::Nearest, &[1, 3, 5], &[9], None, false),
        (M::Nearest, &[1, 5, 3, 4], &[7, 9], None, false),
        (M::Nearest, &[1, 2, 2, 3, 2], &[3, 5, 4], None, false),
        (M::NearestExact, &[1, 3, 9], &[4], None, false),
        (M::NearestExact, &[2, 5, 4, 3], &[6, 7], None, false),
        (M::Linear, &[1, 3, 5], &[13], Some(false), false),
        (M::Linear, &[1, 2, 9], &[4], Some(true), false),
        (M::Bilinear, &[1, 3, 4, 5], &[7, 9], None, false),
        (M::Bilinear, &[1, 9, 3, 3], &[5, 6], Some(true), false),
        (M::Bilinear, &[1, 5, 9, 11], &[4, 5], None, true),
        (M::Bicubic, &[1, 3, 4, 5], &[7, 9], Some(false), false),
        (M::Bicubic, &[1, 5, 9, 10], &[4, 3], None, true),
        (
            M::Trilinear,
            &[1, 5, 2, 3, 4],
            &[3, 5, 6],
            Some(false),
            false,
        ),
        (
            M::Trilinear,
            &[1, 2, 3, 2, 3],
            &[2, 4, 5],
            Some(true),
            false,
        ),
        (M::Area, &[1, 3, 10], &[4], None, false),
        (M::Area, &[1, 5, 7, 9], &[3, 4], None, false),
        (M::Area, &[1, 2, 4, 5, 3], &[2, 2, 2], None, false),
        (M::Lanczos, &[1, 3, 9, 11], &[4, 5], None, true),
    ];
    for &(mode, shape, size, align_corners, antialias) in cases {
        for layout in LAYOUTS {
            let mut opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
            opts.align_corners = align_corners;
            let out = upsample::interpolate_output_shape(shape, &opts).unwrap();
            let input = values(numel(shape), 1);
            let tolerance = match mode {
                M::Nearest | M::NearestExact => None,
                _ => Some((1e-5, 1.3e-6)),
            };
            let what = format!("{mode:?} {shape:?} -> {size:?} {layout:?}");
            compare(
                &what,
                out.numel(),
                tolerance,
                |o| upsample::interpolate(&input, shape, layout, &opts, o),
                |o| reference::interpolate(&input, shape, layout, &opts, o),
            );
        }
    }
}

/// Widths (channels-first) and channel counts (channels-last) 1..=13 for
/// the modes that vectorise along them.
#[test]
fn interpolate_every_tail() {
    for width in 1..=13 {
        for (mode, antialias) in [
            (M::Nearest, false),
            (M::Bilinear, false),
            (M::Bilinear, true),
        ] {
            for layout in LAYOUTS {
                let shape = match layout {
                    Layout::ChannelsFirst => [1, 1, 2, width],
                    Layout::ChannelsLast => [1, width, 2, 2],
                };
                let size = [3, if antialias { 2 } else { width + 2 }];
                let opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
                let out = upsample::interpolate_output_shape(&shape, &opts).unwrap();
                let input = values(numel(&shape), 2);
                let tolerance = (mode != M::Nearest).then_some((1e-5, 1.3e-6));
                compare(
                    &format!("{mode:?} aa={antialias} {shape:?} {layout:?}"),
                    out.numel(),
                    tolerance,
                    |o| upsample::interpolate(&input, &shape, layout, &opts, o),
                    |o| reference::interpolate(&input, &shape, layout, &opts, o),
                );
            }
        }
    }
}

#[test]
fn interpolate_scale_factor() {
    let shape = [1, 3, 5, 7];
    for (mode, recompute) in [
        (M::Nearest, None),
        (M::Bilinear, Some(true)),
        (M::Bicubic, None),
    ] {
        let opts = InterpolateOptions::scale_factor(mode, [1.7, 0.6]);
        let opts = match recompute {
            Some(r) => opts.with_recompute_scale_factor(r),
            None => opts,
        };
        let out = upsample::interpolate_output_shape(&shape, &opts).unwrap();
        let input = values(numel(&shape), 3);
        for layout in LAYOUTS {
            compare(
                &format!("{mode:?} scale_factor {layout:?}"),
                out.numel(),
                (mode != M::Nearest).then_some((1e-5, 1.3e-6)),
                |o| upsample::interpolate(&input, &shape, layout, &opts, o),
                |o| reference::interpolate(&input, &shape, layout, &opts, o),
            );
        }
    }
}

/// ONNX `resize` in each mode, both layouts, on rows past two SSE2
/// vectors (nearest x2 takes the copies, linear x2 the x2 blends, the
/// antialiased cubic the general kernel), and tf_crop_and_resize's
/// extrapolation. (One width: the reference's f64 windows are slow under
/// miri; tests/fast_resize.rs covers the tails.)
#[test]
fn interpolate_backward_every_mode() {
    // (mode, input shape, size, align_corners, antialias)
    type Case = (M, &'static [usize], &'static [usize], Option<bool>, bool);
    let cases: &[Case] = &[
        (M::Nearest, &[1, 3, 5], &[9], None, false),
        (M::NearestExact, &[2, 5, 4, 3], &[6, 2], None, false),
        (M::Nearest, &[1, 2, 2, 3, 2], &[3, 5, 4], None, false),
        (M::Linear, &[1, 3, 5], &[13], Some(false), false),
        (M::Bilinear, &[1, 9, 3, 3], &[5, 6], Some(true), false),
        (M::Bilinear, &[1, 5, 9, 11], &[4, 5], None, true),
        (M::Bicubic, &[1, 3, 4, 5], &[7, 9], Some(false), false),
        (
            M::Trilinear,
            &[1, 5, 2, 3, 4],
            &[3, 5, 6],
            Some(false),
            false,
        ),
        (M::Area, &[1, 5, 7, 9], &[3, 4], None, false),
        (M::Lanczos, &[1, 3, 9, 11], &[4, 5], None, true),
    ];
    for &(mode, shape, size, align_corners, antialias) in cases {
        for layout in LAYOUTS {
            let mut opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
            opts.align_corners = align_corners;
            let out = upsample::interpolate_output_shape(shape, &opts).unwrap();
            let grad_output = values(out.numel(), 3);
            let what = format!("backward {mode:?} {shape:?} -> {size:?} {layout:?}");
            // Sums of a few dozen terms in [-1, 1] in another order.
            compare(
                &what,
                numel(shape),
                Some((1e-5, 1e-5)),
                |o| upsample::interpolate_backward(&grad_output, shape, layout, &opts, o),
                |o| reference::interpolate_backward(&grad_output, shape, layout, &opts, o),
            );
        }
    }
}

#[test]
fn resize_every_mode() {
    use upsample::{CoordinateTransformationMode as Ctm, ResizeMode as R, ResizeOptions};
    let roi = [0.0, 0.0, -0.2, 0.1, 1.0, 1.0, 0.9, 1.3];
    for width in [9] {
        for layout in LAYOUTS {
            let shape = [1, 3, 3, width];
            let input = values(numel(&shape), 7);
            let x2 = [1.0, 1.0, 2.0, 2.0];
            let cases = [
                ResizeOptions::scales(R::Nearest, &x2),
                ResizeOptions::scales(R::Linear, &x2),
                ResizeOptions::scales(R::Cubic, &[1.0, 1.0, 1.5, 0.5]).with_antialias(true),
                ResizeOptions::scales(R::Linear, &x2)
                    .with_coordinate_transformation_mode(Ctm::TfCropAndResize)
                    .with_roi(&roi, -1.0),
            ];
            for opts in cases {
                let len = upsample::resize_output_shape(&shape, &opts)
                    .unwrap()
                    .numel();
                compare(
                    &format!("resize {shape:?} {layout:?} {opts:?}"),
                    len,
                    Some((1e-5, 1.3e-6)),
                    |o| upsample::resize(&input, &shape, layout, &opts, o),
                    |o| reference::resize(&input, &shape, layout, &opts, o),
                );
            }
        }
    }
}

#[test]
fn pixel_shuffle_and_unshuffle() {
    for width in 1..=13 {
        for r in [1, 2, 3] {
            for layout in LAYOUTS {
                let shape = [1, 2 * r * r, 2, width];
                let input = values(numel(&shape), 4);
                compare(
                    &format!("pixel_shuffle {shape:?} r={r} {layout:?}"),
                    input.len(),
                    None,
                    |o| upsample::pixel_shuffle(&input, &shape, layout, r, o),
                    |o| reference::pixel_shuffle(&input, &shape, layout, r, o),
                );
                let shape = [1, 3, 2 * r, width * r];
                let input = values(numel(&shape), 5);
                compare(
                    &format!("pixel_unshuffle {shape:?} r={r} {layout:?}"),
                    input.len(),
                    None,
                    |o| upsample::pixel_unshuffle(&input, &shape, layout, r, o),
                    |o| reference::pixel_unshuffle(&input, &shape, layout, r, o),
                );
                let mode = BlockMode::Dcr;
                compare(
                    &format!("space_to_depth {shape:?} r={r} {layout:?} DCR"),
                    input.len(),
                    None,
                    |o| upsample::space_to_depth(&input, &shape, layout, r, mode, o),
                    |o| reference::space_to_depth(&input, &shape, layout, r, mode, o),
                );
                let shape = [1, 2 * r * r, 2, width];
                let input = values(numel(&shape), 6);
                compare(
                    &format!("depth_to_space {shape:?} r={r} {layout:?} DCR"),
                    input.len(),
                    None,
                    |o| upsample::depth_to_space(&input, &shape, layout, r, mode, o),
                    |o| reference::depth_to_space(&input, &shape, layout, r, mode, o),
                );
            }
        }
    }
}

/// (shape, kernel, stride, padding, dilation, ceil_mode)
type PoolCase = (
    &'static [usize],
    &'static [usize],
    &'static [usize],
    &'static [usize],
    &'static [usize],
    bool,
);

const POOL_CASES: &[PoolCase] = &[
    (&[1, 3, 13], &[2], &[], &[0], &[1], false),
    (&[2, 5, 11], &[3], &[2], &[1], &[2], true),
    (&[1, 9, 5, 7], &[3, 2], &[2, 1], &[1, 0], &[1], true),
    (&[1, 2, 6, 13], &[2], &[], &[1], &[1], false),
    (&[1, 5, 3, 4, 5], &[2], &[1], &[0], &[1, 1, 2], false),
    (&[1, 2, 4, 3, 4], &[3, 2, 2], &[2], &[1, 0, 1], &[1], true),
];

#[test]
fn max_pool_values_and_indices() {
    for &(shape, kernel, stride, padding, dilation, ceil_mode) in POOL_CASES {
        for layout in LAYOUTS {
            let opts = MaxPoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding)
                .with_dilation(dilation)
                .with_ceil_mode(ceil_mode);
            let n = upsample::max_pool_output_shape(shape, &opts)
                .unwrap()
                .numel();
            let input = pool_values(numel(shape));
            let mut got_indices = vec![INDEX_SENTINEL; n];
            let mut want_indices = vec![ALT_INDEX_SENTINEL; n];
            compare(
                &format!("max_pool {shape:?} k={kernel:?} {layout:?}"),
                n,
                None,
                |o| upsample::max_pool(&input, shape, layout, &opts, o, &mut got_indices),
                |o| reference::max_pool(&input, shape, layout, &opts, o, &mut want_indices),
            );
            assert_eq!(
                got_indices, want_indices,
                "max_pool indices {shape:?} {layout:?}"
            );
        }
    }
}

#[test]
fn max_unpool_and_avg_unpool() {
    for &(shape, kernel, stride, padding, _, _) in POOL_CASES {
        for layout in LAYOUTS {
            // Pool (without dilation or ceil_mode, which unpooling does not
            // know), then unpool back to the input's size.
            let pool = MaxPoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding);
            let pooled = upsample::max_pool_output_shape(shape, &pool).unwrap();
            let input = pool_values(numel(shape));
            let (mut vals, mut idx) = (vec![0.0; pooled.numel()], vec![0i64; pooled.numel()]);
            reference::max_pool(&input, shape, layout, &pool, &mut vals, &mut idx).unwrap();
            let opts = UnpoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding)
                .with_output_size(&shape[2..]);
            compare(
                &format!("max_unpool {shape:?} {layout:?}"),
                numel(shape),
                None,
                |o| upsample::max_unpool(&vals, &idx, &pooled, layout, &opts, o),
                |o| reference::max_unpool(&vals, &idx, &pooled, layout, &opts, o),
            );
            // Duplicate indices: the later one wins.
            let dup: Vec<i64> = idx.iter().map(|&i| i / 2).collect();
            compare(
                &format!("max_unpool duplicates {shape:?} {layout:?}"),
                numel(shape),
                None,
                |o| upsample::max_unpool(&vals, &dup, &pooled, layout, &opts, o),
                |o| reference::max_unpool(&vals, &dup, &pooled, layout, &opts, o),
            );
            let smooth = values(pooled.numel(), 6);
            let opts = UnpoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding);
            let out = upsample::unpool_output_shape(&pooled, &opts).unwrap();
            compare(
                &format!("avg_unpool {pooled:?} k={kernel:?} {layout:?}"),
                out.numel(),
                Some((1e-5, 1.3e-6)),
                |o| upsample::avg_unpool(&smooth, &pooled, layout, &opts, o),
                |o| reference::avg_unpool(&smooth, &pooled, layout, &opts, o),
            );
        }
    }
}

/// The backward ops of the copying ops, on the pooling geometries above
/// (max_pool's with its own indices, unpooling's with a pooling's) and on
/// pixel (un)shuffle's tails.
#[test]
fn copying_backward_ops() {
    for &(shape, kernel, stride, padding, dilation, ceil_mode) in POOL_CASES {
        for layout in LAYOUTS {
            let opts = MaxPoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding)
                .with_dilation(dilation)
                .with_ceil_mode(ceil_mode);
            let out = upsample::max_pool_output_shape(shape, &opts).unwrap();
            let input = pool_values(numel(shape));
            let (mut vals, mut idx) = (vec![0.0; out.numel()], vec![0i64; out.numel()]);
            reference::max_pool(&input, shape, layout, &opts, &mut vals, &mut idx).unwrap();
            let grad = pool_values(out.numel());
            compare(
                &format!("max_pool_backward {shape:?} k={kernel:?} {layout:?}"),
                numel(shape),
                None,
                |o| upsample::max_pool_backward(&grad, &idx, shape, layout, &opts, o),
                |o| reference::max_pool_backward(&grad, &idx, shape, layout, &opts, o),
            );
            let pool = MaxPoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding);
            let pooled = upsample::max_pool_output_shape(shape, &pool).unwrap();
            let (mut vals, mut idx) = (vec![0.0; pooled.numel()], vec![0i64; pooled.numel()]);
            reference::max_pool(&input, shape, layout, &pool, &mut vals, &mut idx).unwrap();
            let unpool = UnpoolOptions::new(kernel)
                .with_stride(stride)
                .with_padding(padding)
                .with_output_size(&shape[2..]);
            let grad = values(numel(shape), 8);
            compare(
                &format!("max_unpool_backward {shape:?} {layout:?}"),
                pooled.numel(),
                None,
                |o| upsample::max_unpool_backward(&grad, &idx, &pooled, layout, &unpool, o),
                |o| reference::max_unpool_backward(&grad, &idx, &pooled, layout, &unpool, o),
            );
            compare(
                &format!("avg_unpool_backward {shape:?} {layout:?}"),
                pooled.numel(),
                None,
                |o| upsample::avg_unpool_backward(&grad, &pooled, layout, &unpool, o),
                |o| reference::avg_unpool_backward(&grad, &pooled, layout, &unpool, o),
            );
        }
    }
    for width in [1, 5, 13] {
        for layout in LAYOUTS {
            let shape = [1, 8, 2, width];
            let grad = values(numel(&shape), 9);
            compare(
                &format!("pixel_shuffle_backward {shape:?} {layout:?}"),
                grad.len(),
                None,
                |o| upsample::pixel_shuffle_backward(&grad, &shape, layout, 2, o),
                |o| reference::pixel_shuffle_backward(&grad, &shape, layout, 2, o),
            );
            let shape = [1, 2, 4, 2 * width];
            compare(
                &format!("pixel_unshuffle_backward {shape:?} {layout:?}"),
                grad.len(),
                None,
                |o| upsample::pixel_unshuffle_backward(&grad, &shape, layout, 2, o),
                |o| reference::pixel_unshuffle_backward(&grad, &shape, layout, 2, o),
            );
        }
    }
}

#[test]
fn conv_transpose_geometries() {
    // (input shape, weight shape, stride, padding, output_padding, dilation, groups)
    type Case = (
        &'static [usize],
        &'static [usize],
        &'static [usize],
        &'static [usize],
        &'static [usize],
        &'static [usize],
        usize,
    );
    let cases: &[Case] = &[
        (&[1, 2, 13], &[2, 3, 4], &[2], &[1], &[0], &[1], 1),
        (&[2, 4, 5], &[4, 2, 3], &[3], &[0], &[2], &[2], 2),
        (&[1, 3, 4, 5], &[3, 5, 3, 3], &[1], &[1], &[0], &[1], 1),
        (
            &[1, 4, 3, 9],
            &[4, 3, 4, 2],
            &[2, 1],
            &[1, 0],
            &[1, 0],
            &[1],
            2,
        ),
        (&[1, 3, 3, 3], &[3, 1, 3, 3], &[2], &[1], &[1], &[1], 3),
        (
            &[1, 2, 2, 3, 2],
            &[2, 2, 2, 3, 2],
            &[2, 1, 2],
            &[0, 1, 0],
            &[1, 0, 0],
            &[1, 2, 1],
            1,
        ),
    ];
    for (k, &(shape, wshape, stride, padding, output_padding, dilation, groups)) in
        cases.iter().enumerate()
    {
        for layout in LAYOUTS {
            let opts = ConvTransposeOptions::new()
                .with_stride(stride)
                .with_padding(padding)
                .with_output_padding(output_padding)
                .with_dilation(dilation)
                .with_groups(groups);
            let out = upsample::conv_transpose_output_shape(shape, wshape, &opts).unwrap();
            let scratch_len =
                upsample::conv_transpose_scratch_len(shape, layout, wshape, &opts).unwrap();
            let input = values(numel(shape), 7);
            let weight = values(numel(wshape), 8);
            let bias = values(out[1], 9);
            let bias = (k % 2 == 0).then_some(&bias[..]);
            let mut scratch = vec![0.0; scratch_len];
            compare(
                &format!("conv_transpose {shape:?} w={wshape:?} {layout:?}"),
                out.numel(),
                Some((1e-4, 1e-4)),
                |o| {
                    upsample::conv_transpose(
                        &input,
                        shape,
                        layout,
                        &weight,
                        wshape,
                        bias,
                        &opts,
                        o,
                        &mut scratch,
                    )
                },
                |o| {
                    reference::conv_transpose(
                        &input,
                        shape,
                        layout,
                        &weight,
                        wshape,
                        bias,
                        &opts,
                        o,
                        &mut [],
                    )
                },
            );
        }
    }
}

/// conv_transpose over widths (channels-first) and output channels
/// (channels-last) 1..=13: every tail of the micro-kernel's rows.
#[test]
fn conv_transpose_every_tail() {
    for width in 1..=13 {
        for layout in LAYOUTS {
            let (shape, wshape) = match layout {
                Layout::ChannelsFirst => ([1, 2, 2, width], [2, 2, 2, 3]),
                Layout::ChannelsLast => ([1, 2, 2, 2], [2, width, 2, 3]),
            };
            let opts = ConvTransposeOptions::new().with_stride(&[2, 1]);
            let out = upsample::conv_transpose_output_shape(&shape, &wshape, &opts).unwrap();
            let scratch_len =
                upsample::conv_transpose_scratch_len(&shape, layout, &wshape, &opts).unwrap();
            let input = values(numel(&shape), 10);
            let weight = values(numel(&wshape), 11);
            let mut scratch = vec![0.0; scratch_len];
            compare(
                &format!("conv_transpose tail {shape:?} w={wshape:?} {layout:?}"),
                out.numel(),
                Some((1e-4, 1e-4)),
                |o| {
                    upsample::conv_transpose(
                        &input,
                        &shape,
                        layout,
                        &weight,
                        &wshape,
                        None,
                        &opts,
                        o,
                        &mut scratch,
                    )
                },
                |o| {
                    reference::conv_transpose(
                        &input,
                        &shape,
                        layout,
                        &weight,
                        &wshape,
                        None,
                        &opts,
                        o,
                        &mut [],
                    )
                },
            );
        }
    }
}

/// conv_transpose_backward's three gradients, one call each, on small
/// geometries: 1-3 d, groups, depthwise, dilation and output padding, both
/// layouts (tiny sums: within 1e-4 of the reference).
#[test]
fn conv_transpose_backward_gradients() {
    // (input shape, weight shape, stride, padding, output_padding, dilation, groups)
    type Case = (
        &'static [usize],
        &'static [usize],
        usize,
        usize,
        usize,
        usize,
        usize,
    );
    let cases: &[Case] = &[
        (&[2, 3, 7], &[3, 5, 3], 2, 1, 1, 1, 1),
        (&[1, 4, 3, 5], &[4, 3, 3, 2], 2, 0, 1, 2, 2),
        (&[1, 5, 4, 3], &[5, 1, 4, 4], 2, 1, 0, 1, 5),
        (&[1, 2, 2, 2, 3], &[2, 9, 2, 1, 2], 2, 1, 0, 1, 1),
    ];
    for &(shape, wshape, s, p, op, d, groups) in cases {
        for layout in LAYOUTS {
            let (s, p, op, d) = ([s], [p], [op], [d]);
            let opts = ConvTransposeOptions::new()
                .with_stride(&s)
                .with_padding(&p)
                .with_output_padding(&op)
                .with_dilation(&d)
                .with_groups(groups);
            let out = upsample::conv_transpose_output_shape(shape, wshape, &opts).unwrap();
            let scratch_len =
                upsample::conv_transpose_backward_scratch_len(shape, layout, wshape, &opts)
                    .unwrap();
            let input = values(numel(shape), 12);
            let weight = values(numel(wshape), 13);
            let grad_output = values(out.numel(), 14);
            let mut scratch = vec![0.0; scratch_len];
            let lens = [numel(shape), numel(wshape), out[1]];
            for (k, len) in lens.into_iter().enumerate() {
                fn pick(k: usize, o: &mut [f32]) -> upsample::ConvTransposeGradients<'_> {
                    let mut g = upsample::ConvTransposeGradients::default();
                    match k {
                        0 => g.input = Some(o),
                        1 => g.weight = Some(o),
                        _ => g.bias = Some(o),
                    }
                    g
                }
                compare(
                    &format!("conv_transpose_backward {k} {shape:?} w={wshape:?} {layout:?}"),
                    len,
                    Some((1e-4, 1e-4)),
                    |o| {
                        upsample::conv_transpose_backward(
                            &grad_output,
                            &input,
                            shape,
                            layout,
                            &weight,
                            wshape,
                            &opts,
                            pick(k, o),
                            &mut scratch,
                        )
                    },
                    |o| {
                        reference::conv_transpose_backward(
                            &grad_output,
                            &input,
                            shape,
                            layout,
                            &weight,
                            wshape,
                            &opts,
                            pick(k, o),
                            &mut [],
                        )
                    },
                );
            }
        }
    }
}

/// Runs `part(first, piece)` for every unit and compares the joined pieces
/// with `whole`.
fn each_unit(units: upsample::part::Units, whole: &[f32], part: impl Fn(usize, &mut [f32])) {
    let mut joined = vec![0.0; whole.len()];
    for (k, piece) in joined.chunks_mut(units.len).enumerate() {
        part(k, piece);
    }
    assert!(joined.iter().zip(whole).all(|(&a, &b)| same(a, b)));
}

/// `upsample::part`: each op's output computed one unit at a time equals
/// the whole call, on small shapes of both layouts.
#[test]
fn parts_one_unit_at_a_time() {
    use upsample::part;
    for layout in LAYOUTS {
        let (shape, x) = ([1, 3, 5, 6], values(90, 1));
        let opts = InterpolateOptions::scale_factor(M::Bicubic, 2.0);
        let mut whole = vec![0.0; 360];
        upsample::interpolate(&x, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::interpolate_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::interpolate(&x, &shape, layout, &opts, k, piece).unwrap()
        });

        let (shape, x) = ([1, 3, 6, 5], pool_values(90));
        let opts = MaxPoolOptions::new(&[2]).with_ceil_mode(true);
        let (mut whole, mut idx) = (vec![0.0; 27], vec![0i64; 27]);
        upsample::max_pool(&x, &shape, layout, &opts, &mut whole, &mut idx).unwrap();
        let units = part::max_pool_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            let mut i = vec![0i64; piece.len()];
            part::max_pool(&x, &shape, layout, &opts, k, piece, &mut i).unwrap();
            assert_eq!(i, idx[k * units.len..(k + 1) * units.len]);
        });

        let (shape, x) = ([1, 8, 3, 3], values(72, 2));
        let mut whole = vec![0.0; 72];
        upsample::pixel_shuffle(&x, &shape, layout, 2, &mut whole).unwrap();
        let units = part::pixel_shuffle_units(&shape, layout, 2).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::pixel_shuffle(&x, &shape, layout, 2, k, piece).unwrap()
        });

        let (shape, wshape) = ([2, 3, 4, 5], [3, 4, 3, 3]);
        let (x, w) = (values(120, 3), values(108, 4));
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1]);
        let out = upsample::conv_transpose_output_shape(&shape, &wshape, &opts).unwrap();
        let len = upsample::conv_transpose_scratch_len(&shape, layout, &wshape, &opts).unwrap();
        let mut scratch = vec![0.0; len];
        let mut whole = vec![0.0; out.numel()];
        let b = Some(&[0.5, -0.25, 1.0, 0.0][..]);
        upsample::conv_transpose(
            &x,
            &shape,
            layout,
            &w,
            &wshape,
            b,
            &opts,
            &mut whole,
            &mut scratch,
        )
        .unwrap();
        let units = part::conv_transpose_units(&shape, layout, &wshape, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            let mut scratch = vec![0.0; len];
            part::conv_transpose(
                &x,
                &shape,
                layout,
                &w,
                &wshape,
                b,
                &opts,
                k,
                piece,
                &mut scratch,
            )
            .unwrap()
        });
    }
}

/// `upsample::part`'s backward ops: each gradient computed one unit at a
/// time equals the whole call, on small shapes of both layouts.
#[test]
fn backward_parts_one_unit_at_a_time() {
    use upsample::part;
    for layout in LAYOUTS {
        // Few units: every unit builds the call's column tables again,
        // which is most of this test's time under miri.
        let shape = [1, 2, 3, 6];
        let opts = InterpolateOptions::scale_factor(M::Bicubic, 2.0);
        let grad = values(144, 5);
        let mut whole = vec![0.0; 36];
        upsample::interpolate_backward(&grad, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::interpolate_backward_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::interpolate_backward(&grad, &shape, layout, &opts, k, piece).unwrap()
        });

        let (shape, x) = ([1, 3, 6, 5], pool_values(90));
        let opts = MaxPoolOptions::new(&[2]).with_ceil_mode(true);
        let (mut pooled, mut idx) = (vec![0.0; 27], vec![0i64; 27]);
        upsample::max_pool(&x, &shape, layout, &opts, &mut pooled, &mut idx).unwrap();
        let grad = values(27, 6);
        let mut whole = vec![0.0; 90];
        upsample::max_pool_backward(&grad, &idx, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::max_pool_backward_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::max_pool_backward(&grad, &idx, &shape, layout, &opts, k, piece).unwrap()
        });

        // Unpooling (1, 3, 3, 3) by 2 to (1, 3, 6, 6): max_unpool_backward
        // gathers by the indices, avg_unpool_backward sums windows.
        let shape = [1, 3, 3, 3];
        let opts = UnpoolOptions::new(&[2]);
        let grad = values(108, 7);
        let indices: Vec<i64> = (0..27).map(|k| (k * 7 % 36) as i64).collect();
        let mut whole = vec![0.0; 27];
        upsample::max_unpool_backward(&grad, &indices, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::max_unpool_backward_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::max_unpool_backward(&grad, &indices, &shape, layout, &opts, k, piece).unwrap()
        });
        upsample::avg_unpool_backward(&grad, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::avg_unpool_backward_units(&shape, layout, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::avg_unpool_backward(&grad, &shape, layout, &opts, k, piece).unwrap()
        });

        let (shape, grad) = ([1, 8, 3, 3], values(72, 8));
        let mut whole = vec![0.0; 72];
        upsample::pixel_shuffle_backward(&grad, &shape, layout, 2, &mut whole).unwrap();
        let units = part::pixel_shuffle_backward_units(&shape, layout, 2).unwrap();
        each_unit(units, &whole, |k, piece| {
            part::pixel_shuffle_backward(&grad, &shape, layout, 2, k, piece).unwrap()
        });

        let (shape, wshape) = ([2, 3, 4, 5], [3, 4, 3, 3]);
        let (x, w) = (values(120, 3), values(108, 4));
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1]);
        let out = upsample::conv_transpose_output_shape(&shape, &wshape, &opts).unwrap();
        let grad = values(out.numel(), 9);
        let len =
            upsample::conv_transpose_backward_scratch_len(&shape, layout, &wshape, &opts).unwrap();
        let mut scratch = vec![0.0; len];
        let mut whole = vec![0.0; 120];
        let gradients = upsample::ConvTransposeGradients {
            input: Some(&mut whole),
            weight: None,
            bias: None,
        };
        upsample::conv_transpose_backward(
            &grad,
            &x,
            &shape,
            layout,
            &w,
            &wshape,
            &opts,
            gradients,
            &mut scratch,
        )
        .unwrap();
        let units =
            part::conv_transpose_backward_input_units(&shape, layout, &wshape, &opts).unwrap();
        each_unit(units, &whole, |k, piece| {
            let mut scratch = vec![0.0; len];
            part::conv_transpose_backward_input(
                &grad,
                &shape,
                layout,
                &w,
                &wshape,
                &opts,
                k,
                piece,
                &mut scratch,
            )
            .unwrap()
        });
    }
}
