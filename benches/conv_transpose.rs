//! Transposed convolution, fast path, in GFLOP/s.
//!
//! FLOPs are `2 * input elements * C_out/groups * kernel volume` (each input
//! element meets `C_out/groups * k^d` weights once); criterion's
//! `Throughput::Elements(flops)` prints them as `elem/s`, so `Gelem/s` reads
//! as GFLOP/s. `benches/pytorch_conv_transpose.py` times the same cases in
//! PyTorch. Build with `RUSTFLAGS="-C target-cpu=native"` for AVX-512/AVX2.
//!
//! `conv_transpose/fma_peak` is the ceiling: independent multiply-adds on
//! registers alone, in the lane width the crate's kernel uses for this build
//! (16 with AVX-512F, 8 with AVX, 4 otherwise; `wide`'s `mul_add` is one FMA
//! where the build has FMA, a multiply and an add otherwise).

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{
    ConvTransposeOptions, Layout, conv_transpose, conv_transpose_output_shape,
    conv_transpose_scratch_len,
};

#[path = "common/conv_cases.rs"]
mod conv_cases;
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

/// Multiply-adds on `N` independent accumulators of `L` (`flops` per call:
/// `2 * lanes * N * ROUNDS`). With FMA, `acc = acc * a + b` in registers:
/// one fused instruction per chain and round. Without (SSE2), `wide`'s
/// `mul_add` is a multiply and an add, which the kernel's pattern
/// `acc += x * y` lets run side by side: `x` read from L1 (16 registers hold
/// only the chains), `y` moving each round so no product can be hoisted.
macro_rules! fma_peak {
    ($lane:ty, $lanes:expr, $chains:expr) => {{
        const N: usize = $chains;
        const ROUNDS: usize = 4096;
        let run = |seed: f32| {
            let mut acc = [<$lane>::splat(seed); N];
            if cfg!(target_feature = "fma") {
                let (a, b) = (<$lane>::splat(0.999_9), <$lane>::splat(1.0e-4));
                for _ in 0..ROUNDS {
                    for v in acc.iter_mut() {
                        *v = v.mul_add(a, b);
                    }
                }
            } else {
                let x: [$lane; N] = black_box(core::array::from_fn(|k| {
                    <$lane>::splat(1.0 + k as f32 * 1.0e-3)
                }));
                let (mut y, step) = (<$lane>::splat(1.0e-4), <$lane>::splat(1.0e-9));
                for _ in 0..ROUNDS {
                    y += step;
                    for (a, x) in acc.iter_mut().zip(&x) {
                        *a = x.mul_add(y, *a);
                    }
                }
            }
            acc.iter().fold(<$lane>::splat(0.0), |s, v| s + *v)
        };
        (run, 2 * $lanes * N * ROUNDS)
    }};
}

fn peak(c: &mut Criterion) {
    #[cfg(target_feature = "avx512f")]
    let (run, flops) = fma_peak!(wide::f32x16, 16, 16);
    #[cfg(all(target_feature = "avx", not(target_feature = "avx512f")))]
    let (run, flops) = fma_peak!(wide::f32x8, 8, 12);
    #[cfg(not(target_feature = "avx"))]
    let (run, flops) = fma_peak!(wide::f32x4, 4, 10);
    let mut group = c.benchmark_group("conv_transpose");
    group.throughput(Throughput::Elements(flops as u64));
    group.bench_function("fma_peak", |bench| bench.iter(|| run(black_box(1.0))));
    group.finish();
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.as_deref().is_none_or(|f| "fma_peak".contains(f)) {
        peak(&mut c);
    }
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
                conv_transpose_scratch_len(case.shape, layout, case.weight, &opts).unwrap();
            let x = data(case.shape.iter().product(), 1);
            let w = data(case.weight.iter().product(), 2);
            let b = data(case.weight[1] * case.groups, 3);
            let mut out = vec![0.0f32; out_len];
            let mut scratch = vec![0.0f32; scratch_len];
            let kvol: usize = case.weight[2..].iter().product();
            let flops = 2 * x.len() * case.weight[1] * kvol;
            let tag = match layout {
                Layout::ChannelsFirst => "cf",
                Layout::ChannelsLast => "cl",
            };
            let id = format!("{}_{tag}", case.name);
            if filter.as_deref().is_some_and(|f| !id.contains(f)) {
                continue;
            }
            let mut group = c.benchmark_group("conv_transpose");
            group.throughput(Throughput::Elements(flops as u64));
            group.bench_function(&id, |bench| {
                bench.iter(|| {
                    conv_transpose(
                        black_box(&x),
                        case.shape,
                        layout,
                        black_box(&w),
                        case.weight,
                        Some(&b),
                        &opts,
                        &mut out,
                        &mut scratch,
                    )
                    .unwrap();
                })
            });
            group.finish();
        }
    }
    c.final_summary();
}
