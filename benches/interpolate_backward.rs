//! `interpolate_backward` throughput (grad_output bytes read), each case in
//! its own group with a `memcpy` baseline timed in the same run (a
//! `copy_from_slice` of max(grad_input, grad_output) bytes). Buffers are
//! 64-byte aligned, as PyTorch's (see `common/mod.rs`).
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" taskset -c 1 cargo bench --bench interpolate_backward
//! cargo bench --bench interpolate_backward            # default target (SSE2 on x86_64)
//! cargo bench --bench interpolate_backward -- bicubic # one family
//! ```
//! `benches/pytorch_interpolate_backward.py` times the same cases in PyTorch.
//!
//! Medians on one shared core (`taskset -c 1`, 2026-12-05, a loaded
//! machine: expect +-30% between runs), ms, this crate with
//! `-C target-cpu=native` (AVX-512) / PyTorch 2.15 one thread (two runs
//! around it) / ours over a memcpy of max(grad_input, grad_output) bytes:
//!
//! | case (forward input)              | cf: ours / PyTorch / memcpy x | cl: ours / PyTorch / memcpy x |
//! |-----------------------------------|-------------------------------|-------------------------------|
//! | bilinear x2, 1x64x128x128         | 5.36 / 11.3-11.5 / 11.1       | 0.89 / 1.37-1.39 / 1.9        |
//! | bicubic x2, 1x64x128x128          | 7.59 / 76.8-77.3 / 16.1       | 2.01 / 79.8-86.0 / 3.6        |
//! | nearest x2, 1x64x128x128          | 1.06 / 2.02-2.08 / 1.8        | 0.57 / 0.48-0.58 / 1.0        |
//! | trilinear x2, 1x16x32x32x32       | 9.03 / 18.8-18.9 / 13.1       | 2.79 / 4.50 / 4.1             |
//! | bilinear antialias x0.5, 1x64x128x128 | 0.96 / 1.99-2.00 / 10.5   | 0.36 / 4.59-4.64 / 3.9        |
//!
//! The default SSE2 build, same session: 5.04 / 2.00 (bilinear), 9.51 /
//! 6.62 (bicubic), 0.69 / 0.66 (nearest), 9.03 / 3.35 (trilinear), 1.34 /
//! 0.76 (antialias) ms, cf / cl.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{InterpolateMode as M, InterpolateOptions, Layout, interpolate_backward};

mod common;
use common::Aligned;

/// (name, mode, forward input shape, scale factor, align_corners, antialias)
type Case = (&'static str, M, &'static [usize], f64, Option<bool>, bool);

const BIG: &[usize] = &[1, 64, 128, 128];
const CUBE: &[usize] = &[1, 16, 32, 32, 32];

const CASES: &[Case] = &[
    ("bilinear_x2", M::Bilinear, BIG, 2.0, Some(false), false),
    ("bicubic_x2", M::Bicubic, BIG, 2.0, Some(false), false),
    ("nearest_x2", M::Nearest, BIG, 2.0, None, false),
    ("trilinear_x2", M::Trilinear, CUBE, 2.0, Some(false), false),
    ("bilinear_aa_x0.5", M::Bilinear, BIG, 0.5, Some(false), true),
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
