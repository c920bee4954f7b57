//! ONNX `resize` throughput (output bytes) on 1x64x128x128, every mode and
//! the attributes that change its windows, both layouts; each case in its
//! own group with `interpolate` where PyTorch has the same call (the same
//! kernels should give the same time) and `memcpy` of max(input, output)
//! bytes, timed in the same run. `benches/onnxruntime_resize.py` times
//! onnxruntime's CPU Resize (one thread) on the same channels-first cases
//! and prints it beside these.
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench resize
//! /work/venv/bin/python benches/onnxruntime_resize.py --criterion target/criterion
//! ```

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use upsample::{
    CoordinateTransformationMode as Ctm, InterpolateMode as M, InterpolateOptions, Layout,
    NearestMode, ResizeMode as R, ResizeOptions, interpolate, resize,
};

mod common;
use common::Aligned;

const SHAPE: &[usize] = &[1, 64, 128, 128];
const X2: &[f32] = &[1.0, 1.0, 2.0, 2.0];
const HALF: &[f32] = &[1.0, 1.0, 0.5, 0.5];
const SIZE_217: &[usize] = &[1, 64, 217, 217];
const ROI: &[f32] = &[0.0, 0.0, 0.1, 0.2, 1.0, 1.0, 0.9, 0.7];

/// A case: name, the ONNX call, and the PyTorch call that gives the same
/// output (if one does).
fn cases() -> Vec<(
    &'static str,
    ResizeOptions<'static>,
    Option<InterpolateOptions>,
)> {
    let torch = |mode, sf: f64, ac: Option<bool>, aa: bool| {
        let mut o = InterpolateOptions::scale_factor(mode, sf).with_antialias(aa);
        o.align_corners = ac;
        Some(o)
    };
    let ac = Ctm::AlignCorners;
    vec![
        (
            "nearest_asymmetric_floor_x2",
            ResizeOptions::scales(R::Nearest, X2)
                .with_coordinate_transformation_mode(Ctm::Asymmetric)
                .with_nearest_mode(NearestMode::Floor),
            torch(M::Nearest, 2.0, None, false),
        ),
        ("nearest_x2", ResizeOptions::scales(R::Nearest, X2), None),
        (
            "linear_x2",
            ResizeOptions::scales(R::Linear, X2),
            torch(M::Bilinear, 2.0, Some(false), false),
        ),
        (
            "linear_align_corners_x2",
            ResizeOptions::scales(R::Linear, X2).with_coordinate_transformation_mode(ac),
            torch(M::Bilinear, 2.0, Some(true), false),
        ),
        (
            "cubic_x2",
            ResizeOptions::scales(R::Cubic, X2),
            torch(M::Bicubic, 2.0, Some(false), false),
        ),
        (
            "cubic_a-0.5_exclude_x2",
            ResizeOptions::scales(R::Cubic, X2)
                .with_cubic_coeff_a(-0.5)
                .with_exclude_outside(true),
            None,
        ),
        (
            "linear_to_217",
            ResizeOptions::sizes(R::Linear, SIZE_217),
            None,
        ),
        (
            "linear_antialias_x0.5",
            ResizeOptions::scales(R::Linear, HALF).with_antialias(true),
            None,
        ),
        (
            "cubic_antialias_x0.5",
            ResizeOptions::scales(R::Cubic, HALF).with_antialias(true),
            None,
        ),
        (
            "linear_tf_crop_x2",
            ResizeOptions::scales(R::Linear, X2)
                .with_coordinate_transformation_mode(Ctm::TfCropAndResize)
                .with_roi(ROI, 0.0),
            None,
        ),
    ]
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for (name, opts, torch) in cases() {
        for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
            let out_len = upsample::resize_output_shape(SHAPE, &opts).unwrap().numel();
            let in_len: usize = SHAPE.iter().product();
            let input: Vec<f32> = (0..in_len)
                .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32)
                .collect();
            let input = Aligned::from(&input);
            let mut output = Aligned::<f32>::zeroed(out_len);
            let copy_len = in_len.max(out_len);
            let mut copy_src = Aligned::<f32>::zeroed(copy_len);
            copy_src.fill(0.5);
            let mut copy_dst = Aligned::<f32>::zeroed(copy_len);

            let mut group = c.benchmark_group(format!("resize_{name}_{tag}"));
            group.throughput(Throughput::Bytes((out_len * 4) as u64));
            group.bench_function("resize", |b| {
                b.iter(|| {
                    resize(black_box(&input), SHAPE, layout, &opts, &mut output).unwrap();
                    black_box(&mut output);
                })
            });
            if let Some(torch) = &torch {
                group.bench_function("interpolate", |b| {
                    b.iter(|| {
                        interpolate(black_box(&input), SHAPE, layout, torch, &mut output).unwrap();
                        black_box(&mut output);
                    })
                });
            }
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
