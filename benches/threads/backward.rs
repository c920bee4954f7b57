//! The backward ops' cases of `benches/threads.rs` (one thread against
//! `upsample::parallel`'s backward ops, in the same run as the forward
//! cases): interpolate's gradient on the README's 1x64x128x128 input,
//! the copying ops' on 1x64x256x256, conv_transpose's dense k4s2p1 with
//! every gradient and with the input gradient alone.

use super::{data, report};
use std::hint::black_box;
use upsample::{
    ConvTransposeGradients, ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout,
    MaxPoolOptions, UnpoolOptions, parallel,
};

const LAYOUTS: [(&str, Layout); 2] = [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)];

pub fn cases() {
    interpolate();
    copying();
    conv_transpose();
}

fn interpolate() {
    let shape: &[usize] = &[1, 64, 128, 128];
    let cases = [
        ("nearest_x2", M::Nearest, 2.0, false),
        ("bilinear_x2", M::Bilinear, 2.0, false),
        ("bicubic_x2", M::Bicubic, 2.0, false),
        ("bilinear_aa_x0.5", M::Bilinear, 0.5, true),
    ];
    for (name, mode, sf, aa) in cases {
        for (tag, layout) in LAYOUTS {
            let opts = InterpolateOptions::scale_factor(mode, sf).with_antialias(aa);
            let out = upsample::interpolate_output_shape(shape, &opts).unwrap();
            let grad = data(out.numel());
            let n = shape.iter().product();
            let (mut g1, mut g2) = (vec![0.0; n], vec![0.0; n]);
            report(
                &format!("backward_interpolate_{name}_{tag}"),
                4 * grad.len().max(n),
                &mut || {
                    upsample::interpolate_backward(black_box(&grad), shape, layout, &opts, &mut g1)
                        .unwrap()
                },
                &mut || {
                    parallel::interpolate_backward(black_box(&grad), shape, layout, &opts, &mut g2)
                        .unwrap()
                },
            );
            assert!(g1.iter().zip(&g2).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}

fn copying() {
    let shape = [1, 64, 256, 256];
    let n: usize = shape.iter().product();
    let grad = data(n);
    let (mut g1, mut g2) = (vec![0.0; n], vec![0.0; n]);
    for (tag, layout) in LAYOUTS {
        report(
            &format!("backward_pixel_shuffle_x2_{tag}"),
            4 * n,
            &mut || {
                upsample::pixel_shuffle_backward(black_box(&grad), &shape, layout, 2, &mut g1)
                    .unwrap()
            },
            &mut || {
                parallel::pixel_shuffle_backward(black_box(&grad), &shape, layout, 2, &mut g2)
                    .unwrap()
            },
        );
        // max_pool 2x2 (indices of a real forward) and max_unpool x2.
        let pool = MaxPoolOptions::new(&[2]);
        let (mut pooled, mut idx) = (vec![0.0; n / 4], vec![0i64; n / 4]);
        upsample::max_pool(&grad, &shape, layout, &pool, &mut pooled, &mut idx).unwrap();
        let g = &grad[..n / 4];
        report(
            &format!("backward_max_pool_2x2_{tag}"),
            4 * n,
            &mut || {
                upsample::max_pool_backward(black_box(g), &idx, &shape, layout, &pool, &mut g1)
                    .unwrap()
            },
            &mut || {
                parallel::max_pool_backward(black_box(g), &idx, &shape, layout, &pool, &mut g2)
                    .unwrap()
            },
        );
        let small = [1, 64, 128, 128];
        let unpool = UnpoolOptions::new(&[2]);
        let (g1s, g2s) = (&mut g1[..n / 4], &mut g2[..n / 4]);
        report(
            &format!("backward_max_unpool_x2_{tag}"),
            4 * n,
            &mut || {
                upsample::max_unpool_backward(black_box(&grad), &idx, &small, layout, &unpool, g1s)
                    .unwrap()
            },
            &mut || {
                parallel::max_unpool_backward(black_box(&grad), &idx, &small, layout, &unpool, g2s)
                    .unwrap()
            },
        );
        assert!(g1.iter().zip(&g2).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

fn conv_transpose() {
    let (shape, wshape): (&[usize], &[usize]) = (&[1, 64, 64, 64], &[64, 32, 4, 4]);
    let opts = ConvTransposeOptions::new()
        .with_stride(&[2])
        .with_padding(&[1]);
    let out = upsample::conv_transpose_output_shape(shape, wshape, &opts)
        .unwrap()
        .numel();
    let (x, w, grad) = (
        data(shape.iter().product()),
        data(wshape.iter().product()),
        data(out),
    );
    for (tag, layout) in LAYOUTS {
        let len =
            upsample::conv_transpose_backward_scratch_len(shape, layout, wshape, &opts).unwrap();
        for all in [true, false] {
            let (x, w, grad) = (&x, &w, &grad);
            let run = |threads: bool| {
                let mut scratch = vec![0.0; len];
                let (mut gi, mut gw, mut gb) = (vec![0.0; x.len()], vec![0.0; w.len()], [0.0; 32]);
                move || {
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
                        black_box(grad),
                        x,
                        shape,
                        layout,
                        w,
                        wshape,
                        &opts,
                        gradients,
                        &mut scratch,
                    )
                    .unwrap()
                }
            };
            let what = if all { "all" } else { "input" };
            report(
                &format!("backward_conv_transpose_2d_k4s2p1_64to32_64_{what}_{tag}"),
                4 * x.len().max(out),
                &mut run(false),
                &mut run(true),
            );
        }
    }
}
