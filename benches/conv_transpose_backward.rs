//! Transposed convolution backward, fast path, in GFLOP/s: the input
//! gradient (`_input`) and the weight gradient (`_weight`) timed apart.
//!
//! FLOPs are the forward's, `2 * input elements * C_out/groups * kernel
//! volume`: each gradient makes the same multiply-adds (taps whose output
//! falls outside the output skipped alike). Criterion's `Gelem/s` reads as
//! GFLOP/s. `benches/pytorch_conv_transpose_backward.py` times the same
//! cases in PyTorch (`aten::convolution_backward`, one output mask at a
//! time). Build with `RUSTFLAGS="-C target-cpu=native"` for AVX-512/AVX2.
//!
//! The figures against PyTorch are in
//! `benches/record/amd-epyc-zen5-avx512/backward-2026-12-05.md`.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{
    ConvTransposeGradients, ConvTransposeOptions, Layout, conv_transpose_backward,
    conv_transpose_backward_scratch_len, conv_transpose_output_shape,
};

struct Case {
    name: &'static str,
    shape: &'static [usize],
    weight: &'static [usize],
    stride: usize,
    padding: usize,
    output_padding: usize,
    groups: usize,
    layouts: &'static [Layout],
}

const BOTH: &[Layout] = &[Layout::ChannelsFirst, Layout::ChannelsLast];

const CASES: &[Case] = &[
    Case {
        name: "2d_k4s2p1_64to32_128",
        shape: &[1, 64, 128, 128],
        weight: &[64, 32, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_unet_k2s2_256to128_32",
        shape: &[1, 256, 32, 32],
        weight: &[256, 128, 2, 2],
        stride: 2,
        padding: 0,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_k3s2p1op1_128to64_64",
        shape: &[1, 128, 64, 64],
        weight: &[128, 64, 3, 3],
        stride: 2,
        padding: 1,
        output_padding: 1,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_firmware_k4s2p1_16to8_32",
        shape: &[1, 16, 32, 32],
        weight: &[16, 8, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "2d_depthwise64_k4s2p1_128",
        shape: &[1, 64, 128, 128],
        weight: &[64, 1, 4, 4],
        stride: 2,
        padding: 1,
        output_padding: 0,
        groups: 64,
        layouts: BOTH,
    },
    Case {
        name: "1d_vocoder_k16s8p4_512to256_256",
        shape: &[1, 512, 256],
        weight: &[512, 256, 16],
        stride: 8,
        padding: 4,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
    Case {
        name: "3d_k2s2_64to32_16",
        shape: &[1, 64, 16, 16, 16],
        weight: &[64, 32, 2, 2, 2],
        stride: 2,
        padding: 0,
        output_padding: 0,
        groups: 1,
        layouts: BOTH,
    },
];

fn data(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    for case in CASES {
        for &layout in case.layouts {
            let stride = [case.stride];
            let padding = [case.padding];
            let output_padding = [case.output_padding];
            let opts = ConvTransposeOptions::new()
                .with_stride(&stride)
                .with_padding(&padding)
                .with_output_padding(&output_padding)
                .with_groups(case.groups);
            let out_len = conv_transpose_output_shape(case.shape, case.weight, &opts)
                .unwrap()
                .numel();
            let scratch_len =
                conv_transpose_backward_scratch_len(case.shape, layout, case.weight, &opts)
                    .unwrap();
            let x = data(case.shape.iter().product(), 1);
            let w = data(case.weight.iter().product(), 2);
            let gout = data(out_len, 3);
            let mut grad_input = vec![0.0f32; x.len()];
            let mut grad_weight = vec![0.0f32; w.len()];
            let mut scratch = vec![0.0f32; scratch_len];
            let kvol: usize = case.weight[2..].iter().product();
            let flops = 2 * x.len() * case.weight[1] * kvol;
            let tag = match layout {
                Layout::ChannelsFirst => "cf",
                Layout::ChannelsLast => "cl",
            };
            for which in ["input", "weight"] {
                let id = format!("{}_{tag}_{which}", case.name);
                if filter.as_deref().is_some_and(|f| !id.contains(f)) {
                    continue;
                }
                let mut group = c.benchmark_group("conv_transpose_backward");
                group.throughput(Throughput::Elements(flops as u64));
                group.bench_function(&id, |bench| {
                    bench.iter(|| {
                        let gradients = if which == "input" {
                            ConvTransposeGradients {
                                input: Some(&mut grad_input),
                                ..Default::default()
                            }
                        } else {
                            ConvTransposeGradients {
                                weight: Some(&mut grad_weight),
                                ..Default::default()
                            }
                        };
                        conv_transpose_backward(
                            black_box(&gout),
                            black_box(&x),
                            case.shape,
                            layout,
                            black_box(&w),
                            case.weight,
                            &opts,
                            gradients,
                            &mut scratch,
                        )
                        .unwrap();
                    })
                });
                group.finish();
            }
        }
    }
    c.final_summary();
}
