//! `upsample::parallel` (the `rayon` feature) against the crate's
//! single-threaded functions, bit for bit, on calls large enough to be
//! split (several parts of at least `MIN_PART` work each) and on small
//! ones, both layouts, inputs holding NaN and infinities; and its errors:
//! found before anything is written, `max_unpool`'s bad index leaving the
//! whole output NaN.
#![cfg(feature = "rayon")]

mod common;

use common::{Rng, same_bits};
use upsample::{
    BlockMode, ConvTransposeOptions, Error, InterpolateMode as M, InterpolateOptions, Layout,
    MaxPoolOptions, UnpoolOptions, parallel,
};

const LAYOUTS: [Layout; 2] = [Layout::ChannelsFirst, Layout::ChannelsLast];

#[test]
fn interpolate_equals_the_single_threaded_call() {
    let mut rng = Rng(1);
    let cases: [(&[usize], M, f64, bool); 6] = [
        (&[1, 64, 64, 64], M::Bilinear, 2.0, false),
        (&[4, 3, 128, 96], M::Bicubic, 2.0, false),
        (&[1, 16, 96, 96], M::Bilinear, 0.5, true),
        (&[2, 8, 16, 32, 32], M::Trilinear, 2.0, false),
        (&[1, 32, 64, 64], M::Nearest, 2.0, false),
        (&[1, 16, 32, 32], M::Bilinear, 2.0, false),
    ];
    for (shape, mode, sf, antialias) in cases {
        let opts = InterpolateOptions::scale_factor(mode, sf).with_antialias(antialias);
        let out = upsample::interpolate_output_shape(shape, &opts).unwrap();
        let input = rng.special_values(shape.iter().product(), true);
        for layout in LAYOUTS {
            let (mut want, mut got) = (vec![0.0; out.numel()], vec![1.0; out.numel()]);
            upsample::interpolate(&input, shape, layout, &opts, &mut want).unwrap();
            parallel::interpolate(&input, shape, layout, &opts, &mut got).unwrap();
            assert!(same_bits(&got, &want), "{mode:?} {shape:?} {layout:?}");
        }
    }
}

/// ONNX `resize` over the pool, every mode, tf_crop_and_resize's
/// extrapolation across the parts.
#[test]
fn resize_equals_the_single_threaded_call() {
    use upsample::{CoordinateTransformationMode as Ctm, ResizeMode as R, ResizeOptions};
    let mut rng = Rng(3);
    let shape = [2, 8, 64, 48];
    let input = rng.special_values(shape.iter().product(), true);
    let x2 = [1.0, 1.0, 2.0, 2.0];
    let roi = [0.0, 0.0, -0.1, 0.2, 1.0, 1.0, 0.9, 1.2];
    let cases = [
        ResizeOptions::scales(R::Nearest, &x2),
        ResizeOptions::scales(R::Linear, &x2),
        ResizeOptions::scales(R::Cubic, &[1.0, 1.0, 0.5, 0.5]).with_antialias(true),
        ResizeOptions::scales(R::Linear, &x2)
            .with_coordinate_transformation_mode(Ctm::TfCropAndResize)
            .with_roi(&roi, -2.0),
    ];
    for opts in cases {
        let out = upsample::resize_output_shape(&shape, &opts)
            .unwrap()
            .numel();
        for layout in LAYOUTS {
            let (mut want, mut got) = (vec![0.0; out], vec![1.0; out]);
            upsample::resize(&input, &shape, layout, &opts, &mut want).unwrap();
            parallel::resize(&input, &shape, layout, &opts, &mut got).unwrap();
            assert!(same_bits(&got, &want), "{opts:?} {layout:?}");
        }
    }
}

#[test]
fn copying_ops_equal_the_single_threaded_calls() {
    let mut rng = Rng(2);
    for layout in LAYOUTS {
        let shape = [2, 64, 48, 48];
        let input = rng.special_values(shape.iter().product(), true);
        let mut want = vec![0.0; input.len()];
        let mut got = vec![1.0; input.len()];
        upsample::pixel_shuffle(&input, &shape, layout, 2, &mut want).unwrap();
        parallel::pixel_shuffle(&input, &shape, layout, 2, &mut got).unwrap();
        assert!(same_bits(&got, &want), "pixel_shuffle {layout:?}");
        upsample::pixel_unshuffle(&input, &shape, layout, 4, &mut want).unwrap();
        parallel::pixel_unshuffle(&input, &shape, layout, 4, &mut got).unwrap();
        assert!(same_bits(&got, &want), "pixel_unshuffle {layout:?}");
        upsample::depth_to_space(&input, &shape, layout, 2, BlockMode::Dcr, &mut want).unwrap();
        parallel::depth_to_space(&input, &shape, layout, 2, BlockMode::Dcr, &mut got).unwrap();
        assert!(same_bits(&got, &want), "depth_to_space {layout:?}");
        upsample::space_to_depth(&input, &shape, layout, 4, BlockMode::Dcr, &mut want).unwrap();
        parallel::space_to_depth(&input, &shape, layout, 4, BlockMode::Dcr, &mut got).unwrap();
        assert!(same_bits(&got, &want), "space_to_depth {layout:?}");

        let opts = MaxPoolOptions::new(&[2]);
        let n = input.len() / 4;
        let (mut want, mut want_idx) = (vec![0.0; n], vec![0i64; n]);
        let (mut got, mut got_idx) = (vec![1.0; n], vec![1i64; n]);
        upsample::max_pool(&input, &shape, layout, &opts, &mut want, &mut want_idx).unwrap();
        parallel::max_pool(&input, &shape, layout, &opts, &mut got, &mut got_idx).unwrap();
        assert!(
            same_bits(&got, &want) && got_idx == want_idx,
            "max_pool {layout:?}"
        );

        let pooled = [2, 64, 24, 24];
        let opts = UnpoolOptions::new(&[2]);
        let mut want = vec![0.0; input.len()];
        let mut got = vec![1.0; input.len()];
        upsample::max_unpool(
            &want_idx_values(&want_idx),
            &want_idx,
            &pooled,
            layout,
            &opts,
            &mut want,
        )
        .unwrap();
        parallel::max_unpool(
            &want_idx_values(&want_idx),
            &want_idx,
            &pooled,
            layout,
            &opts,
            &mut got,
        )
        .unwrap();
        assert!(same_bits(&got, &want), "max_unpool {layout:?}");
        let values = rng.special_values(n, true);
        upsample::avg_unpool(&values, &pooled, layout, &opts, &mut want).unwrap();
        parallel::avg_unpool(&values, &pooled, layout, &opts, &mut got).unwrap();
        assert!(same_bits(&got, &want), "avg_unpool {layout:?}");
    }
}

/// Values to unpool: the indices themselves, so that a misplaced one shows.
fn want_idx_values(indices: &[i64]) -> Vec<f32> {
    indices.iter().map(|&i| i as f32 + 0.5).collect()
}

#[test]
fn conv_transpose_equals_the_single_threaded_call() {
    let mut rng = Rng(3);
    // Four batch items (parts of whole items), and one (channels-last:
    // parts of rows).
    for shape in [[4, 32, 16, 16], [1, 32, 32, 32]] {
        let wshape = [32, 16, 4, 4];
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1]);
        let input = rng.special_values(shape.iter().product(), false);
        let weight = rng.signed_units(wshape.iter().product());
        let bias = rng.signed_units(16);
        let out = upsample::conv_transpose_output_shape(&shape, &wshape, &opts).unwrap();
        for layout in LAYOUTS {
            let len = upsample::conv_transpose_scratch_len(&shape, layout, &wshape, &opts).unwrap();
            let mut scratch = vec![0.0; len];
            let (mut want, mut got) = (vec![0.0; out.numel()], vec![1.0; out.numel()]);
            let b = Some(&bias[..]);
            upsample::conv_transpose(
                &input,
                &shape,
                layout,
                &weight,
                &wshape,
                b,
                &opts,
                &mut want,
                &mut scratch,
            )
            .unwrap();
            parallel::conv_transpose(
                &input,
                &shape,
                layout,
                &weight,
                &wshape,
                b,
                &opts,
                &mut got,
                &mut scratch,
            )
            .unwrap();
            assert!(same_bits(&got, &want), "{shape:?} {layout:?}");
        }
    }
}

#[test]
fn errors_are_found_before_anything_is_written() {
    let shape = [1, 64, 64, 64];
    let opts = InterpolateOptions::scale_factor(M::Bilinear, 2.0);
    let input = vec![1.0; 64 * 64 * 64];
    let mut out = vec![7.0; 64 * 128 * 128];
    // The input one short: every part would fail; none writes.
    let err = parallel::interpolate(&input[1..], &shape, Layout::ChannelsFirst, &opts, &mut out);
    assert!(matches!(err, Err(Error::BufferLength { .. })), "{err:?}");
    assert!(out.iter().all(|&v| v == 7.0));
    let err = parallel::interpolate(&input, &shape, Layout::ChannelsFirst, &opts, &mut out[1..]);
    assert!(matches!(err, Err(Error::BufferLength { .. })), "{err:?}");
    assert!(out.iter().all(|&v| v == 7.0));

    // conv_transpose: a weight one short, and a short scratch.
    let (shape, wshape) = ([4, 32, 16, 16], [32, 16, 4, 4]);
    let copts = ConvTransposeOptions::new()
        .with_stride(&[2])
        .with_padding(&[1]);
    let x = vec![1.0; 4 * 32 * 16 * 16];
    let w = vec![1.0; 32 * 16 * 16];
    let len = upsample::conv_transpose_scratch_len(&shape, Layout::ChannelsFirst, &wshape, &copts)
        .unwrap();
    let mut scratch = vec![0.0; len];
    let mut out = vec![7.0; 4 * 16 * 32 * 32];
    let err = parallel::conv_transpose(
        &x,
        &shape,
        Layout::ChannelsFirst,
        &w[1..],
        &wshape,
        None,
        &copts,
        &mut out,
        &mut scratch,
    );
    assert!(matches!(err, Err(Error::BufferLength { .. })), "{err:?}");
    assert!(out.iter().all(|&v| v == 7.0));
    if len > 0 {
        let err = parallel::conv_transpose(
            &x,
            &shape,
            Layout::ChannelsFirst,
            &w,
            &wshape,
            None,
            &copts,
            &mut out,
            &mut scratch[1..],
        );
        assert!(matches!(err, Err(Error::BufferLength { .. })), "{err:?}");
        assert!(out.iter().all(|&v| v == 7.0));
    }
}

#[test]
fn a_bad_max_unpool_index_makes_the_whole_output_nan() {
    let shape = [1, 64, 64, 64];
    let opts = UnpoolOptions::new(&[2]);
    let n = 64 * 64 * 64;
    let input = vec![1.0; n];
    let mut indices: Vec<i64> = (0..n as i64).map(|k| (k % 4096) * 4 % 16384).collect();
    // Two bad indices, in different parts: the first is reported.
    indices[n - 10] = -1;
    indices[100] = 16384;
    for layout in LAYOUTS {
        let mut want = vec![0.0; 4 * n];
        let mut got = vec![0.0; 4 * n];
        let e1 = upsample::max_unpool(&input, &indices, &shape, layout, &opts, &mut want);
        let e2 = parallel::max_unpool(&input, &indices, &shape, layout, &opts, &mut got);
        assert_eq!(e1, e2, "{layout:?}");
        assert!(matches!(
            e2,
            Err(Error::IndexOutOfRange { position: 100, .. })
        ));
        assert!(got.iter().all(|v| v.is_nan()));
    }
}
