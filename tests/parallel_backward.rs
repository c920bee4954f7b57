//! `upsample::parallel`'s backward ops (the `rayon` feature) against the
//! crate's single-threaded backward calls, bit for bit, on calls large
//! enough to be split and on small ones, both layouts, output gradients
//! holding NaN, infinities and huge values; a bad index is found before
//! anything is written.
#![cfg(feature = "rayon")]

mod common;

use common::{Rng, same_bits};
use upsample::{
    ConvTransposeGradients, ConvTransposeOptions, Error, InterpolateMode as M, InterpolateOptions,
    Layout, MaxPoolOptions, UnpoolOptions, parallel,
};

const LAYOUTS: [Layout; 2] = [Layout::ChannelsFirst, Layout::ChannelsLast];

#[test]
fn interpolate_backward_equals_the_single_threaded_call() {
    let mut rng = Rng(11);
    let cases: [(&[usize], M, f64, bool); 5] = [
        (&[1, 64, 64, 64], M::Bilinear, 2.0, false),
        (&[4, 3, 128, 96], M::Bicubic, 2.0, false),
        (&[1, 16, 96, 96], M::Bilinear, 0.5, true),
        (&[2, 8, 16, 32, 32], M::Trilinear, 2.0, false),
        (&[1, 16, 32, 32], M::Nearest, 2.0, false),
    ];
    for (shape, mode, sf, antialias) in cases {
        let opts = InterpolateOptions::scale_factor(mode, sf).with_antialias(antialias);
        let out = upsample::interpolate_output_shape(shape, &opts).unwrap();
        let grad = rng.special_values(out.numel(), true);
        let n = shape.iter().product();
        for layout in LAYOUTS {
            let (mut want, mut got) = (vec![0.0; n], vec![1.0; n]);
            upsample::interpolate_backward(&grad, shape, layout, &opts, &mut want).unwrap();
            parallel::interpolate_backward(&grad, shape, layout, &opts, &mut got).unwrap();
            assert!(same_bits(&got, &want), "{mode:?} {shape:?} {layout:?}");
        }
    }
}

#[test]
fn copying_backward_ops_equal_the_single_threaded_calls() {
    let mut rng = Rng(12);
    for shape in [[2, 32, 64, 64], [1, 4, 16, 16]] {
        let n: usize = shape.iter().product();
        let grad = rng.special_values(4 * n, true);
        for layout in LAYOUTS {
            // pixel_shuffle_backward: `shape` is the forward input, r = 2.
            let (mut want, mut got) = (vec![0.0; n], vec![1.0; n]);
            upsample::pixel_shuffle_backward(&grad[..n], &shape, layout, 2, &mut want).unwrap();
            parallel::pixel_shuffle_backward(&grad[..n], &shape, layout, 2, &mut got).unwrap();
            assert!(same_bits(&got, &want), "pixel_shuffle {shape:?} {layout:?}");
            upsample::pixel_unshuffle_backward(&grad[..n], &shape, layout, 2, &mut want).unwrap();
            parallel::pixel_unshuffle_backward(&grad[..n], &shape, layout, 2, &mut got).unwrap();
            assert!(
                same_bits(&got, &want),
                "pixel_unshuffle {shape:?} {layout:?}"
            );
            // Unpooling by 2 (overlapping windows for avg: k3 s2 p1).
            let unpool = UnpoolOptions::new(&[2]);
            let plane = 4 * shape[2] * shape[3];
            let indices: Vec<i64> = (0..n).map(|_| rng.range(0, plane - 1) as i64).collect();
            upsample::max_unpool_backward(&grad, &indices, &shape, layout, &unpool, &mut want)
                .unwrap();
            parallel::max_unpool_backward(&grad, &indices, &shape, layout, &unpool, &mut got)
                .unwrap();
            assert!(same_bits(&got, &want), "max_unpool {shape:?} {layout:?}");
            let overlap = UnpoolOptions::new(&[3])
                .with_stride(&[2])
                .with_padding(&[1]);
            let out = upsample::unpool_output_shape(&shape, &overlap).unwrap();
            let g = &grad[..out.numel()];
            upsample::avg_unpool_backward(g, &shape, layout, &overlap, &mut want).unwrap();
            parallel::avg_unpool_backward(g, &shape, layout, &overlap, &mut got).unwrap();
            assert!(same_bits(&got, &want), "avg_unpool {shape:?} {layout:?}");
            // max_pool 2x2 (the forward input is `shape`), indices of a
            // real forward.
            let pool = MaxPoolOptions::new(&[2]);
            let input = rng.pool_data(n);
            let m = n / 4;
            let (mut pooled, mut idx) = (vec![0.0; m], vec![0i64; m]);
            upsample::max_pool(&input, &shape, layout, &pool, &mut pooled, &mut idx).unwrap();
            let g = &grad[..m];
            upsample::max_pool_backward(g, &idx, &shape, layout, &pool, &mut want).unwrap();
            parallel::max_pool_backward(g, &idx, &shape, layout, &pool, &mut got).unwrap();
            assert!(same_bits(&got, &want), "max_pool {shape:?} {layout:?}");
        }
    }
}

#[test]
fn conv_transpose_backward_equals_the_single_threaded_call() {
    let mut rng = Rng(13);
    // Four batch items (input-gradient parts beside the weight task), and
    // one; each with every gradient, and with the input gradient alone.
    for shape in [[4, 32, 16, 16], [1, 32, 32, 32]] {
        let wshape = [32, 16, 4, 4];
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1]);
        let input = rng.special_values(shape.iter().product(), false);
        let weight = rng.signed_units(wshape.iter().product());
        let out = upsample::conv_transpose_output_shape(&shape, &wshape, &opts).unwrap();
        let grad = rng.special_values(out.numel(), true);
        for layout in LAYOUTS {
            let len = upsample::conv_transpose_backward_scratch_len(&shape, layout, &wshape, &opts)
                .unwrap();
            for all in [true, false] {
                let mut results = Vec::new();
                for threads in [false, true] {
                    let mut scratch = vec![0.0; len];
                    let mut gi = vec![1.0; input.len()];
                    let mut gw = vec![1.0; weight.len()];
                    let mut gb = vec![1.0; 16];
                    let gradients = ConvTransposeGradients {
                        input: Some(&mut gi),
                        weight: all.then_some(&mut gw[..]),
                        bias: all.then_some(&mut gb[..]),
                    };
                    let call = if threads {
                        parallel::conv_transpose_backward
                    } else {
                        upsample::conv_transpose_backward
                    };
                    call(
                        &grad,
                        &input,
                        &shape,
                        layout,
                        &weight,
                        &wshape,
                        &opts,
                        gradients,
                        &mut scratch,
                    )
                    .unwrap();
                    results.push([gi, gw, gb]);
                }
                for (k, name) in ["input", "weight", "bias"].iter().enumerate() {
                    assert!(
                        same_bits(&results[0][k], &results[1][k]),
                        "grad {name} {shape:?} {layout:?} all {all}"
                    );
                }
            }
        }
    }
}

/// A bad index in the last plane: the error, and nothing written.
#[test]
fn a_bad_index_is_found_before_anything_is_written() {
    let shape = [1, 64, 64, 64];
    let n: usize = shape.iter().product();
    let grad = vec![1.0f32; 4 * n];
    let mut indices: Vec<i64> = (0..n as i64).map(|k| k % (64 * 64)).collect();
    indices[n - 1] = 4 * 64 * 64;
    let mut got = vec![7.0; n];
    let opts = UnpoolOptions::new(&[2]);
    let err = parallel::max_unpool_backward(
        &grad,
        &indices,
        &shape,
        Layout::ChannelsFirst,
        &opts,
        &mut got,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::IndexOutOfRange { position, .. } if position == n - 1),
        "{err:?}"
    );
    assert!(got.iter().all(|&v| v == 7.0));
    let pool = MaxPoolOptions::new(&[2]);
    let m = n / 4;
    indices.truncate(m);
    indices[m - 1] = 64 * 64;
    let err = parallel::max_pool_backward(
        &grad[..m],
        &indices,
        &shape,
        Layout::ChannelsFirst,
        &pool,
        &mut got,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::IndexOutOfRange { position, .. } if position == m - 1),
        "{err:?}"
    );
    assert!(got.iter().all(|&v| v == 7.0));
}
