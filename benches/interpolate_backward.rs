//! `interpolate_backward` throughput (grad_output bytes read), each case in
//! its own group with `interpolate_backward_with_scratch` (the firmware's
//! variant) and a `memcpy` baseline timed in the same run (a
//! `copy_from_slice` of max(grad_input, grad_output) bytes). Buffers are
//! 64-byte aligned, as PyTorch's (see `common/mod.rs`).
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" taskset -c 1 cargo bench --manifest-path benches/Cargo.toml --bench interpolate_backward
//! cargo bench --manifest-path benches/Cargo.toml --bench interpolate_backward            # default target (SSE2 on x86_64)
//! cargo bench --manifest-path benches/Cargo.toml --bench interpolate_backward -- bicubic # one family
//! ```
//! `benches/pytorch_interpolate_backward.py` times the same cases in PyTorch.
//!
//! The figures against PyTorch are in
//! `benches/record/amd-epyc-zen5-avx512/backward-2026-12-05.md`.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{
    InterpolateMode as M, InterpolateOptions, Layout, interpolate_backward,
    interpolate_backward_scratch_len, interpolate_backward_with_scratch,
};

mod common;
use common::Aligned;

/// (name, mode, forward input shape, scale factor, align_corners, antialias)
type Case = (&'static str, M, &'static [usize], f64, Option<bool>, bool);

const BIG: &[usize] = &[1, 64, 128, 128];
const CUBE: &[usize] = &[1, 16, 32, 32, 32];
const LINE: &[usize] = &[2, 64, 4096];
const DEEP: &[usize] = &[1, 256, 64, 64];

const CASES: &[Case] = &[
    ("bilinear_x2", M::Bilinear, BIG, 2.0, Some(false), false),
    ("bicubic_x2", M::Bicubic, BIG, 2.0, Some(false), false),
    ("nearest_x2", M::Nearest, BIG, 2.0, None, false),
    ("trilinear_x2", M::Trilinear, CUBE, 2.0, Some(false), false),
    ("bilinear_aa_x0.5", M::Bilinear, BIG, 0.5, Some(false), true),
    // Where channels-last takes the scatter: 1-d and area calls of 16
    // channels or more, every mode from 256.
    ("linear_1d_x2", M::Linear, LINE, 2.0, Some(false), false),
    ("area_x0.5", M::Area, BIG, 0.5, None, false),
    (
        "bilinear_x2_c256",
        M::Bilinear,
        DEEP,
        2.0,
        Some(false),
        false,
    ),
];

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for &(name, mode, shape, scale, align_corners, antialias) in CASES {
        for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
            let mut opts = InterpolateOptions::scale_factor(mode, scale).with_antialias(antialias);
            opts.align_corners = align_corners;
            let out_len = upsample::interpolate_output_shape(shape, &opts)
                .unwrap()
                .numel();
            let in_len: usize = shape.iter().product();
            let grad: Vec<f32> = (0..out_len)
                .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32)
                .collect();
            let grad_output = Aligned::from(&grad);
            let mut grad_input = Aligned::<f32>::zeroed(in_len);
            let copy_len = in_len.max(out_len);
            let mut copy_src = Aligned::<f32>::zeroed(copy_len);
            copy_src.fill(0.5);
            let mut copy_dst = Aligned::<f32>::zeroed(copy_len);

            let mut group = c.benchmark_group(format!("backward_{name}_{tag}"));
            group.throughput(Throughput::Bytes((out_len * 4) as u64));
            group.bench_function("crate", |b| {
                b.iter(|| {
                    interpolate_backward(
                        black_box(&grad_output),
                        shape,
                        layout,
                        &opts,
                        &mut grad_input,
                    )
                    .unwrap();
                    black_box(&mut grad_input);
                })
            });
            let need = interpolate_backward_scratch_len(shape, layout, &opts).unwrap();
            let mut scratch = vec![0.0f32; need];
            group.bench_function("with_scratch", |b| {
                b.iter(|| {
                    interpolate_backward_with_scratch(
                        black_box(&grad_output),
                        shape,
                        layout,
                        &opts,
                        &mut grad_input,
                        &mut scratch,
                    )
                    .unwrap();
                    black_box(&mut grad_input);
                })
            });
            group.bench_function("memcpy", |b| {
                b.iter(|| {
                    copy_dst.copy_from_slice(black_box(&copy_src));
                    black_box(&mut copy_dst);
                })
            });
            group.finish();
        }
    }
    c.final_summary();
}
