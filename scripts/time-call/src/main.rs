//! `time-call MODE SHAPE LAYOUT SCALE ITERATIONS [ac] [scratch]`: runs one
//! `interpolate` call ITERATIONS times (after one warm-up call) and prints
//! the mean in microseconds (`scratch`: `interpolate_with_scratch`, with a
//! scratch made once; not with `--features old-api`). MODE is bilinear, bicubic, trilinear, nearest
//! or nearest-exact; SHAPE
//! the logical shape `NxCxHxW` (or `NxCxDxHxW`); LAYOUT cf or cl; `ac`
//! sets align_corners. Alternate two builds' binaries and compare medians:
//!
//! ```sh
//! RUSTFLAGS="-C target-cpu=native" cargo build --release --target-dir /tmp/new
//! taskset -c 1 /tmp/new/release/time-call bilinear 1x64x128x128 cl 2 300
//! ```
use std::hint::black_box;
use std::time::Instant;
use upsample::{InterpolateMode, InterpolateOptions, Layout, interpolate};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 6 {
        eprintln!("usage: time-call MODE SHAPE LAYOUT SCALE ITERATIONS [ac]");
        std::process::exit(2);
    }
    let mode = match args[1].as_str() {
        "bilinear" => InterpolateMode::Bilinear,
        "bicubic" => InterpolateMode::Bicubic,
        "trilinear" => InterpolateMode::Trilinear,
        "nearest" => InterpolateMode::Nearest,
        "nearest-exact" => InterpolateMode::NearestExact,
        other => panic!("mode {other}: bilinear, bicubic, trilinear, nearest or nearest-exact"),
    };
    let shape: Vec<usize> = args[2]
        .split('x')
        .map(|s| s.parse().expect("shape"))
        .collect();
    let layout = match args[3].as_str() {
        "cl" => Layout::ChannelsLast,
        _ => Layout::ChannelsFirst,
    };
    let scale = [args[4].parse::<f64>().expect("scale")];
    let iterations: usize = args[5].parse().expect("iterations");
    #[cfg(feature = "old-api")]
    let mut options = InterpolateOptions::scale_factor(mode, &scale);
    #[cfg(not(feature = "old-api"))]
    let mut options = InterpolateOptions::scale_factor(mode, scale);
    if !matches!(
        mode,
        InterpolateMode::Nearest | InterpolateMode::NearestExact
    ) {
        options.align_corners = Some(args[6..].iter().any(|s| s == "ac"));
    }
    let out_len = upsample::interpolate_output_shape(&shape, &options)
        .expect("options")
        .numel();
    let input: Vec<f32> = (0..shape.iter().product::<usize>())
        .map(|i| (i * 7919 % 1000) as f32 / 1000.0 - 0.5)
        .collect();
    let mut output = vec![0.0f32; out_len];
    #[cfg(not(feature = "old-api"))]
    if args[6..].iter().any(|s| s == "scratch") {
        let len = upsample::interpolate_scratch_len(&shape, layout, &options).expect("options");
        let mut scratch = vec![0.0f32; len];
        let mut call = |input: &[f32], output: &mut [f32]| {
            upsample::interpolate_with_scratch(
                input,
                &shape,
                layout,
                &options,
                output,
                &mut scratch,
            )
            .expect("call")
        };
        call(&input, &mut output);
        let start = Instant::now();
        for _ in 0..iterations {
            call(black_box(&input), &mut output);
        }
        let us = start.elapsed().as_secs_f64() * 1e6 / iterations as f64;
        println!("{us:.3} us/call");
        return;
    }
    interpolate(&input, &shape, layout, &options, &mut output).expect("call");
    let start = Instant::now();
    for _ in 0..iterations {
        interpolate(black_box(&input), &shape, layout, &options, &mut output).expect("call");
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / iterations as f64;
    println!("{us:.3} us/call");
    black_box(&output);
}
