//! Criterion benchmarks of the copying ops: pixel shuffle and unshuffle, max
//! pool with indices, max unpool and average unpool, in both layouts, at a
//! size that lives in the last-level cache or beyond and at a cache-resident
//! one (full-resolution side 1x16x64x64).
//!
//! Each case is one group with three benchmarks, run back to back so that
//! their ratios come from the same conditions:
//! - `upsample`: the public op;
//! - `memcpy`: `copy_from_slice` of max(input, output) bytes, the floor of
//!   any op that reads its input and writes its output once;
//! - `fill`: writing the output bytes, the floor of writing alone.
//!
//! `*_backward_*` groups time the backward ops (`cargo bench --manifest-path
//! benches/Cargo.toml --bench copying -- backward` runs only those).
//!
//! Throughput is in output bytes (values plus `i64` indices for max_pool).
//! Buffers are 64-byte aligned, as PyTorch's (see `common/mod.rs`).
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench copying
//! cargo bench --manifest-path benches/Cargo.toml --bench copying                     # default x86_64: SSE2
//! /work/venv/bin/python benches/pytorch_copying.py --criterion target/criterion
//! ```
//! (the last one times PyTorch on the same cases and prints them beside the
//! medians criterion stored).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use upsample::{Layout, MaxPoolOptions, UnpoolOptions};

mod common;
use common::Aligned;

/// Deterministic values in [-1, 1) (SplitMix64).
fn data(n: usize, seed: u64) -> Aligned<f32> {
    let mut s = seed;
    let values: Vec<f32> = (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect();
    Aligned::from(&values)
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::ChannelsFirst => "cf",
        Layout::ChannelsLast => "cl",
    }
}

fn dims(shape: &[usize]) -> String {
    shape
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

/// One case: the op and its two baselines in one group.
fn case(c: &mut Criterion, name: &str, in_bytes: usize, out_bytes: usize, mut op: impl FnMut()) {
    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Bytes(out_bytes as u64))
        .sample_size(40)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("upsample", |b| b.iter(&mut op));
    let copied = in_bytes.max(out_bytes) / 4;
    let (src, mut dst) = (data(copied, 1), Aligned::<f32>::zeroed(copied));
    group.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&mut dst);
        })
    });
    let mut out = Aligned::<f32>::zeroed(out_bytes / 4);
    group.bench_function("fill", |b| {
        b.iter(|| {
            out.fill(black_box(0.5));
            black_box(&mut out);
        })
    });
    group.finish();
}

/// `shape` and `data` (channels-first) rewritten for `layout`.
fn in_layout(x: &[f32], shape: &[usize], layout: Layout) -> Aligned<f32> {
    if layout == Layout::ChannelsFirst {
        return Aligned::from(x);
    }
    let (n, c) = (shape[0], shape[1]);
    let plane: usize = shape[2..].iter().product();
    let mut out = Vec::with_capacity(x.len());
    for b in 0..n {
        for p in 0..plane {
            for ch in 0..c {
                out.push(x[(b * c + ch) * plane + p]);
            }
        }
    }
    Aligned::from(&out)
}

fn pixel_shuffle(c: &mut Criterion, shape: [usize; 4], r: usize, layout: Layout) {
    let input = data(shape.iter().product(), 2);
    let mut output = Aligned::<f32>::zeroed(input.len());
    let name = format!(
        "pixel_shuffle_x{r}_{}_{}",
        dims(&shape),
        layout_name(layout)
    );
    let bytes = 4 * input.len();
    case(c, &name, bytes, bytes, || {
        upsample::pixel_shuffle(black_box(&input), &shape, layout, r, &mut output).unwrap();
        black_box(&mut output);
    });
}

fn pixel_unshuffle(c: &mut Criterion, shape: [usize; 4], r: usize, layout: Layout) {
    let input = data(shape.iter().product(), 3);
    let mut output = Aligned::<f32>::zeroed(input.len());
    let name = format!(
        "pixel_unshuffle_x{r}_{}_{}",
        dims(&shape),
        layout_name(layout)
    );
    let bytes = 4 * input.len();
    case(c, &name, bytes, bytes, || {
        upsample::pixel_unshuffle(black_box(&input), &shape, layout, r, &mut output).unwrap();
        black_box(&mut output);
    });
}

/// ONNX's `DepthToSpace` (`up`) or `SpaceToDepth`, in DCR order (CRD is
/// `pixel_shuffle` / `pixel_unshuffle`, above).
fn depth_space_dcr(c: &mut Criterion, shape: [usize; 4], r: usize, up: bool, layout: Layout) {
    let input = data(shape.iter().product(), 4);
    let mut output = Aligned::<f32>::zeroed(input.len());
    let op = if up {
        "depth_to_space"
    } else {
        "space_to_depth"
    };
    let name = format!("{op}_dcr_x{r}_{}_{}", dims(&shape), layout_name(layout));
    let bytes = 4 * input.len();
    let mode = upsample::BlockMode::Dcr;
    case(c, &name, bytes, bytes, || {
        if up {
            upsample::depth_to_space(black_box(&input), &shape, layout, r, mode, &mut output)
        } else {
            upsample::space_to_depth(black_box(&input), &shape, layout, r, mode, &mut output)
        }
        .unwrap();
        black_box(&mut output);
    });
}

fn max_pool(c: &mut Criterion, shape: [usize; 4], layout: Layout) {
    let input = in_layout(&data(shape.iter().product(), 4), &shape, layout);
    let opts = MaxPoolOptions::new(&[2]).with_stride(&[2]);
    let out_len = upsample::max_pool_output_shape(&shape, &opts)
        .unwrap()
        .numel();
    let (mut output, mut indices) = (
        Aligned::<f32>::zeroed(out_len),
        Aligned::<i64>::zeroed(out_len),
    );
    let name = format!("max_pool_2x2s2_{}_{}", dims(&shape), layout_name(layout));
    case(c, &name, 4 * input.len(), 12 * out_len, || {
        upsample::max_pool(
            black_box(&input),
            &shape,
            layout,
            &opts,
            &mut output,
            &mut indices,
        )
        .unwrap();
        black_box((&mut output, &mut indices));
    });
}

/// `full` is the unpooled (output) shape; the input is `max_pool` of it.
fn max_unpool(c: &mut Criterion, full: [usize; 4], layout: Layout) {
    let source = in_layout(&data(full.iter().product(), 5), &full, layout);
    let pool = MaxPoolOptions::new(&[2]).with_stride(&[2]);
    let shape = upsample::max_pool_output_shape(&full, &pool).unwrap();
    let (mut input, mut indices) = (
        Aligned::<f32>::zeroed(shape.numel()),
        Aligned::<i64>::zeroed(shape.numel()),
    );
    upsample::max_pool(&source, &full, layout, &pool, &mut input, &mut indices).unwrap();
    let opts = UnpoolOptions::new(&[2]).with_stride(&[2]);
    let mut output = Aligned::<f32>::zeroed(source.len());
    let name = format!("max_unpool_2x2s2_{}_{}", dims(&full), layout_name(layout));
    let in_bytes = 12 * input.len();
    case(c, &name, in_bytes, 4 * output.len(), || {
        upsample::max_unpool(
            black_box(&input),
            black_box(&indices),
            &shape,
            layout,
            &opts,
            &mut output,
        )
        .unwrap();
        black_box(&mut output);
    });
}

/// `full` is the unpooled (output) shape.
fn avg_unpool(c: &mut Criterion, full: [usize; 4], k: usize, s: usize, p: usize, layout: Layout) {
    let shape = [
        full[0],
        full[1],
        (full[2] + 2 * p - k) / s + 1,
        (full[3] + 2 * p - k) / s + 1,
    ];
    let input = data(shape.iter().product(), 6);
    let (kernel, stride, padding) = ([k], [s], [p]);
    let opts = UnpoolOptions::new(&kernel)
        .with_stride(&stride)
        .with_padding(&padding)
        .with_output_size(&full[2..]);
    let mut output = Aligned::<f32>::zeroed(full.iter().product());
    let name = format!(
        "avg_unpool_k{k}s{s}p{p}_{}_{}",
        dims(&full),
        layout_name(layout)
    );
    case(c, &name, 4 * input.len(), 4 * output.len(), || {
        upsample::avg_unpool(black_box(&input), &shape, layout, &opts, &mut output).unwrap();
        black_box(&mut output);
    });
}

/// The backward ops of 2x2 stride-2 max pooling, max unpooling and average
/// unpooling, and of pixel_shuffle, on `full` (the large side).
fn backward(c: &mut Criterion, full: [usize; 4], layout: Layout) {
    let source = in_layout(&data(full.iter().product(), 7), &full, layout);
    let pool = MaxPoolOptions::new(&[2]).with_stride(&[2]);
    let pooled = upsample::max_pool_output_shape(&full, &pool).unwrap();
    let (mut values, mut indices) = (
        Aligned::<f32>::zeroed(pooled.numel()),
        Aligned::<i64>::zeroed(pooled.numel()),
    );
    upsample::max_pool(&source, &full, layout, &pool, &mut values, &mut indices).unwrap();
    let (small, large) = (data(pooled.numel(), 8), data(source.len(), 9));
    let mut grad_full = Aligned::<f32>::zeroed(source.len());
    let mut grad_small = Aligned::<f32>::zeroed(pooled.numel());
    let tag = format!("{}_{}", dims(&full), layout_name(layout));
    let (small_bytes, large_bytes) = (4 * small.len(), 4 * large.len());
    case(
        c,
        &format!("max_pool_backward_2x2s2_{tag}"),
        3 * small_bytes,
        large_bytes,
        || {
            upsample::max_pool_backward(
                black_box(&small),
                black_box(&indices),
                &full,
                layout,
                &pool,
                &mut grad_full,
            )
            .unwrap();
            black_box(&mut grad_full);
        },
    );
    let unpool = UnpoolOptions::new(&[2]).with_stride(&[2]);
    let pooled_shape = pooled.as_slice();
    case(
        c,
        &format!("max_unpool_backward_2x2s2_{tag}"),
        large_bytes,
        3 * small_bytes,
        || {
            upsample::max_unpool_backward(
                black_box(&large),
                black_box(&indices),
                pooled_shape,
                layout,
                &unpool,
                &mut grad_small,
            )
            .unwrap();
            black_box(&mut grad_small);
        },
    );
    for (k, s, p) in [(2, 2, 0), (3, 2, 1)] {
        let (kernel, stride, padding) = ([k], [s], [p]);
        let opts = UnpoolOptions::new(&kernel)
            .with_stride(&stride)
            .with_padding(&padding)
            .with_output_size(&full[2..]);
        let name = format!("avg_unpool_backward_k{k}s{s}p{p}_{tag}");
        case(c, &name, large_bytes, small_bytes, || {
            upsample::avg_unpool_backward(
                black_box(&large),
                pooled_shape,
                layout,
                &opts,
                &mut grad_small,
            )
            .unwrap();
            black_box(&mut grad_small);
        });
    }
    let shuffled = [full[0], full[1] * 4, full[2] / 2, full[3] / 2];
    case(
        c,
        &format!("pixel_shuffle_backward_x2_{tag}"),
        large_bytes,
        large_bytes,
        || {
            upsample::pixel_shuffle_backward(
                black_box(&large),
                &shuffled,
                layout,
                2,
                &mut grad_full,
            )
            .unwrap();
            black_box(&mut grad_full);
        },
    );
}

fn benches(c: &mut Criterion) {
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        // Beyond the private caches (16 MiB a side).
        pixel_shuffle(c, [1, 256, 128, 128], 2, layout);
        pixel_unshuffle(c, [1, 64, 256, 256], 2, layout);
        pixel_shuffle(c, [1, 576, 64, 64], 3, layout);
        depth_space_dcr(c, [1, 256, 128, 128], 2, true, layout);
        depth_space_dcr(c, [1, 64, 256, 256], 2, false, layout);
        max_pool(c, [1, 64, 256, 256], layout);
        max_unpool(c, [1, 64, 256, 256], layout);
        avg_unpool(c, [1, 64, 256, 256], 2, 2, 0, layout);
        avg_unpool(c, [1, 64, 256, 256], 3, 2, 1, layout);
        // Cache-resident (256 KiB a side).
        pixel_shuffle(c, [1, 64, 32, 32], 2, layout);
        pixel_unshuffle(c, [1, 16, 64, 64], 2, layout);
        pixel_shuffle(c, [1, 144, 22, 22], 3, layout);
        depth_space_dcr(c, [1, 64, 32, 32], 2, true, layout);
        depth_space_dcr(c, [1, 16, 64, 64], 2, false, layout);
        // An RGB image's blocks: runs of 6 values channels-last.
        pixel_shuffle(c, [1, 12, 128, 128], 2, layout);
        depth_space_dcr(c, [1, 12, 128, 128], 2, true, layout);
        depth_space_dcr(c, [1, 3, 256, 256], 2, false, layout);
        max_pool(c, [1, 16, 64, 64], layout);
        max_unpool(c, [1, 16, 64, 64], layout);
        avg_unpool(c, [1, 16, 64, 64], 2, 2, 0, layout);
        avg_unpool(c, [1, 16, 64, 64], 3, 2, 1, layout);
        // The gradients: README's 1x64x128x128 and a large one.
        backward(c, [1, 64, 128, 128], layout);
        backward(c, [1, 64, 256, 256], layout);
    }
}

criterion_group!(copying, benches);
criterion_main!(copying);
