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

mod common;
#[path = "common/conv_cases.rs"]
mod conv_cases;
use common::Aligned;
use conv_cases::CASES;

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
            // On 64-byte boundaries, as PyTorch's allocator places tensors
            // (glibc's 16 splits every AVX-512 load across two lines).
            let x = Aligned::from(&data(case.shape.iter().product(), 1));
            let w = Aligned::from(&data(case.weight.iter().product(), 2));
            let gout = Aligned::from(&data(out_len, 3));
            let mut grad_input = Aligned::<f32>::zeroed(x.len());
            let mut grad_weight = Aligned::<f32>::zeroed(w.len());
            let mut scratch = Aligned::<f32>::zeroed(scratch_len);
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
