//! `interpolate` throughput (output bytes), each case in its own group with
//! two baselines timed in the same run: `memcpy` (a `copy_from_slice` of
//! max(input, output) bytes) and `fill` (writing the output bytes).
//! Buffers are 64-byte aligned, as PyTorch's (see `common/mod.rs`); the x2
//! nearest and bilinear groups also time `crate_out+16B`, the same call
//! with the output 16 bytes past a line, as plain `malloc` gives it.
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench interpolate
//! cargo bench --manifest-path benches/Cargo.toml --bench interpolate            # default target (SSE2 on x86_64)
//! cargo bench --manifest-path benches/Cargo.toml --bench interpolate -- nearest # one family
//! ```
//! `benches/pytorch_interpolate.py` times the same cases in PyTorch.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{InterpolateMode as M, InterpolateOptions, Layout, interpolate};

mod common;
use common::Aligned;

struct Case {
    name: &'static str,
    mode: M,
    shape: &'static [usize],
    scale: f64,
    align_corners: Option<bool>,
    antialias: bool,
}

const BIG: &[usize] = &[1, 64, 128, 128];
const SMALL: &[usize] = &[1, 16, 32, 32];
const CUBE: &[usize] = &[1, 16, 32, 32, 32];

const fn case(
    name: &'static str,
    mode: M,
    shape: &'static [usize],
    scale: f64,
    align_corners: Option<bool>,
    antialias: bool,
) -> Case {
    Case {
        name,
        mode,
        shape,
        scale,
        align_corners,
        antialias,
    }
}

const CASES: &[Case] = &[
    case("nearest_x2", M::Nearest, BIG, 2.0, None, false),
    case("nearest-exact_x2", M::NearestExact, BIG, 2.0, None, false),
    case("bilinear_x2", M::Bilinear, BIG, 2.0, Some(false), false),
    case("bilinear_x2_ac", M::Bilinear, BIG, 2.0, Some(true), false),
    case("bicubic_x2", M::Bicubic, BIG, 2.0, Some(false), false),
    case("bilinear_x1.7", M::Bilinear, BIG, 1.7, Some(false), false),
    case("bilinear_aa_x0.5", M::Bilinear, BIG, 0.5, Some(false), true),
    case("bicubic_aa_x0.5", M::Bicubic, BIG, 0.5, Some(false), true),
    case("lanczos_x0.5", M::Lanczos, BIG, 0.5, None, true),
    case("trilinear_x2", M::Trilinear, CUBE, 2.0, Some(false), false),
    case("small_nearest_x2", M::Nearest, SMALL, 2.0, None, false),
    case(
        "small_bilinear_x2",
        M::Bilinear,
        SMALL,
        2.0,
        Some(false),
        false,
    ),
];

fn main() {
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for case in CASES {
        for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
            let scale = [case.scale];
            let mut opts =
                InterpolateOptions::scale_factor(case.mode, scale).with_antialias(case.antialias);
            opts.align_corners = case.align_corners;
            let out_len = upsample::interpolate_output_shape(case.shape, &opts)
                .unwrap()
                .numel();
            let in_len: usize = case.shape.iter().product();
            let input: Vec<f32> = (0..in_len)
                .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32)
                .collect();
            let input = Aligned::from(&input);
            let mut output = Aligned::<f32>::zeroed(out_len);
            let copy_len = in_len.max(out_len);
            let mut copy_src = Aligned::<f32>::zeroed(copy_len);
            copy_src.fill(0.5);
            let mut copy_dst = Aligned::<f32>::zeroed(copy_len);

            let mut group = c.benchmark_group(format!("{}_{tag}", case.name));
            group.throughput(Throughput::Bytes((out_len * 4) as u64));
            group.bench_function("crate", |b| {
                b.iter(|| {
                    interpolate(black_box(&input), case.shape, layout, &opts, &mut output).unwrap();
                    black_box(&mut output);
                })
            });
            if case.name == "nearest_x2" || case.name == "bilinear_x2" {
                let mut shifted = Aligned::<f32>::offset(out_len, 16);
                group.bench_function("crate_out+16B", |b| {
                    b.iter(|| {
                        interpolate(black_box(&input), case.shape, layout, &opts, &mut shifted)
                            .unwrap();
                        black_box(&mut *shifted);
                    })
                });
            }
            group.bench_function("memcpy", |b| {
                b.iter(|| {
                    copy_dst.copy_from_slice(black_box(&copy_src));
                    black_box(&mut copy_dst);
                })
            });
            group.bench_function("fill", |b| {
                b.iter(|| {
                    output.fill(black_box(1.0));
                    black_box(&mut output);
                })
            });
            group.finish();
        }
    }
    c.final_summary();
}
