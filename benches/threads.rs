//! One thread against the rayon pool (`upsample::parallel`) on the
//! README's cases, in the same run: each case's single-threaded call, its
//! split call, and a memcpy of the same bytes (max(input, output)) on one
//! thread and split over the pool as `upsample::parallel` splits (the
//! calling thread takes the first piece), alternating, medians. Prints one
//! line per case: the split call's speed-up and the memcpy's.
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --features rayon --bench threads
//! cargo bench --manifest-path benches/Cargo.toml --features rayon --bench threads -- bicubic   # cases containing "bicubic"
//! ```
//! The backward ops' cases are in `threads/backward.rs`.
//! `benches/pytorch_threads.py` times the same cases in PyTorch with 1 and
//! 2 threads.

#[path = "threads/backward.rs"]
mod backward;

use std::hint::black_box;
use std::time::Instant;
use upsample::{
    ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions, parallel,
};

/// Alternating rounds per case; each round times every variant once over
/// at least `ROUND_MS`.
const ROUNDS: usize = 15;
const ROUND_MS: f64 = 20.0;

/// Milliseconds per call of `f`, over at least `ROUND_MS` (at least 2 calls).
fn time(f: &mut dyn FnMut()) -> f64 {
    f();
    let start = Instant::now();
    let mut calls = 0;
    while calls < 2 || start.elapsed().as_secs_f64() * 1e3 < ROUND_MS {
        f();
        calls += 1;
    }
    start.elapsed().as_secs_f64() * 1e3 / calls as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `one` and `split` and the memcpys of `bytes` in alternating
/// rounds and prints the line of `name`.
fn report(name: &str, bytes: usize, one: &mut dyn FnMut(), split: &mut dyn FnMut()) {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    let n = bytes / 4;
    let src = vec![0.5f32; n];
    let (mut dst, mut dst2) = (vec![0.0f32; n], vec![0.0f32; n]);
    let chunk = n.div_ceil(rayon::current_num_threads()).max(1);
    let mut copy_one = || dst.copy_from_slice(black_box(&src));
    let mut t = [vec![], vec![], vec![], vec![]];
    for _ in 0..ROUNDS {
        t[0].push(time(one));
        t[1].push(time(split));
        t[2].push(time(&mut copy_one));
        t[3].push(time(&mut || {
            // As upsample::parallel splits: the calling thread copies the
            // first piece, the pool the others.
            rayon::in_place_scope(|s| {
                let mut pieces = dst2.chunks_mut(chunk).zip(src.chunks(chunk));
                let first = pieces.next();
                for (d, c) in pieces {
                    s.spawn(move |_| d.copy_from_slice(black_box(c)));
                }
                if let Some((d, c)) = first {
                    d.copy_from_slice(black_box(c));
                }
            })
        }));
    }
    let [a, b, c, d] = t.map(median);
    println!(
        "{name:<44} 1t {a:>8.3} ms  {}t {b:>8.3} ms  x{:<5.2}  memcpy 1t {c:>7.3} {}t {d:>7.3}  x{:<5.2}",
        rayon::current_num_threads(),
        a / b,
        rayon::current_num_threads(),
        c / d
    );
}

fn data(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32)
        .collect()
}

fn interpolate_cases() {
    const BIG: &[usize] = &[1, 64, 128, 128];
    // Name, mode, shape, scale factor, align_corners, antialias.
    type Case = (&'static str, M, &'static [usize], f64, Option<bool>, bool);
    let cases: [Case; 12] = [
        ("nearest_x2", M::Nearest, BIG, 2.0, None, false),
        ("nearest-exact_x2", M::NearestExact, BIG, 2.0, None, false),
        ("bilinear_x2", M::Bilinear, BIG, 2.0, Some(false), false),
        ("bilinear_x2_ac", M::Bilinear, BIG, 2.0, Some(true), false),
        ("bicubic_x2", M::Bicubic, BIG, 2.0, Some(false), false),
        ("bilinear_x1.7", M::Bilinear, BIG, 1.7, Some(false), false),
        ("bilinear_aa_x0.5", M::Bilinear, BIG, 0.5, Some(false), true),
        ("bicubic_aa_x0.5", M::Bicubic, BIG, 0.5, Some(false), true),
        ("lanczos_x0.5", M::Lanczos, BIG, 0.5, None, true),
        (
            "trilinear_x2",
            M::Trilinear,
            &[1, 16, 32, 32, 32],
            2.0,
            Some(false),
            false,
        ),
        (
            "small_nearest_x2",
            M::Nearest,
            &[1, 16, 32, 32],
            2.0,
            None,
            false,
        ),
        (
            "small_bilinear_x2",
            M::Bilinear,
            &[1, 16, 32, 32],
            2.0,
            Some(false),
            false,
        ),
    ];
    for (name, mode, shape, sf, ac, aa) in cases {
        for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
            let mut opts = InterpolateOptions::scale_factor(mode, sf).with_antialias(aa);
            opts.align_corners = ac;
            let out = upsample::interpolate_output_shape(shape, &opts)
                .unwrap()
                .numel();
            let input = data(shape.iter().product());
            let (mut o1, mut o2) = (vec![0.0; out], vec![0.0; out]);
            report(
                &format!("{name}_{tag}"),
                4 * input.len().max(out),
                &mut || {
                    upsample::interpolate(black_box(&input), shape, layout, &opts, &mut o1).unwrap()
                },
                &mut || {
                    parallel::interpolate(black_box(&input), shape, layout, &opts, &mut o2).unwrap()
                },
            );
            assert!(o1.iter().zip(&o2).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}

fn copying_cases() {
    for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
        let shape = [1, 256, 128, 128];
        let input = data(shape.iter().product());
        let (mut o1, mut o2) = (vec![0.0; input.len()], vec![0.0; input.len()]);
        report(
            &format!("pixel_shuffle_x2_1x256x128x128_{tag}"),
            4 * input.len(),
            &mut || upsample::pixel_shuffle(black_box(&input), &shape, layout, 2, &mut o1).unwrap(),
            &mut || parallel::pixel_shuffle(black_box(&input), &shape, layout, 2, &mut o2).unwrap(),
        );
        let full = [1, 64, 256, 256];
        let input = data(full.iter().product());
        let pool = MaxPoolOptions::new(&[2]);
        let n = input.len() / 4;
        let (mut v, mut idx) = (vec![0.0; n], vec![0i64; n]);
        let (mut v2, mut idx2) = (vec![0.0; n], vec![0i64; n]);
        report(
            &format!("max_pool_2x2s2_1x64x256x256_{tag}"),
            4 * input.len(),
            &mut || {
                upsample::max_pool(black_box(&input), &full, layout, &pool, &mut v, &mut idx)
                    .unwrap()
            },
            &mut || {
                parallel::max_pool(black_box(&input), &full, layout, &pool, &mut v2, &mut idx2)
                    .unwrap()
            },
        );
        let pooled = [1, 64, 128, 128];
        let un = UnpoolOptions::new(&[2]);
        let (mut o1, mut o2) = (vec![0.0; input.len()], vec![0.0; input.len()]);
        report(
            &format!("max_unpool_2x2s2_to_1x64x256x256_{tag}"),
            4 * input.len(),
            &mut || {
                upsample::max_unpool(black_box(&v), &idx, &pooled, layout, &un, &mut o1).unwrap()
            },
            &mut || {
                parallel::max_unpool(black_box(&v), &idx, &pooled, layout, &un, &mut o2).unwrap()
            },
        );
        report(
            &format!("avg_unpool_2x2s2_to_1x64x256x256_{tag}"),
            4 * input.len(),
            &mut || upsample::avg_unpool(black_box(&v), &pooled, layout, &un, &mut o1).unwrap(),
            &mut || parallel::avg_unpool(black_box(&v), &pooled, layout, &un, &mut o2).unwrap(),
        );
    }
}

/// A `conv_transpose` case: name, input shape, weight shape, stride,
/// padding, output padding, groups.
struct Conv(
    &'static str,
    &'static [usize],
    &'static [usize],
    usize,
    usize,
    usize,
    usize,
);

fn conv_transpose_cases() {
    // benches/conv_transpose.rs's cases, and one of four batch items.
    let cases = [
        Conv(
            "2d_k4s2p1_64to32_128",
            &[1, 64, 128, 128],
            &[64, 32, 4, 4],
            2,
            1,
            0,
            1,
        ),
        Conv(
            "2d_unet_k2s2_256to128_32",
            &[1, 256, 32, 32],
            &[256, 128, 2, 2],
            2,
            0,
            0,
            1,
        ),
        Conv(
            "2d_k3s2p1op1_128to64_64",
            &[1, 128, 64, 64],
            &[128, 64, 3, 3],
            2,
            1,
            1,
            1,
        ),
        Conv(
            "2d_firmware_k4s2p1_16to8_32",
            &[1, 16, 32, 32],
            &[16, 8, 4, 4],
            2,
            1,
            0,
            1,
        ),
        Conv(
            "2d_depthwise64_k4s2p1_128",
            &[1, 64, 128, 128],
            &[64, 1, 4, 4],
            2,
            1,
            0,
            64,
        ),
        Conv(
            "1d_vocoder_k16s8p4_512to256_256",
            &[1, 512, 256],
            &[512, 256, 16],
            8,
            4,
            0,
            1,
        ),
        Conv(
            "3d_k2s2_64to32_16",
            &[1, 64, 16, 16, 16],
            &[64, 32, 2, 2, 2],
            2,
            0,
            0,
            1,
        ),
        Conv(
            "2d_k4s2p1_64to32_128_n4",
            &[4, 64, 64, 64],
            &[64, 32, 4, 4],
            2,
            1,
            0,
            1,
        ),
    ];
    for Conv(name, shape, wshape, stride, padding, output_padding, groups) in cases {
        for (tag, layout) in [("cf", Layout::ChannelsFirst), ("cl", Layout::ChannelsLast)] {
            let (s, p, op) = ([stride], [padding], [output_padding]);
            let opts = ConvTransposeOptions::new()
                .with_stride(&s)
                .with_padding(&p)
                .with_output_padding(&op)
                .with_groups(groups);
            let out = upsample::conv_transpose_output_shape(shape, wshape, &opts)
                .unwrap()
                .numel();
            let x = data(shape.iter().product());
            let w = data(wshape.iter().product());
            let len = upsample::conv_transpose_scratch_len(shape, layout, wshape, &opts).unwrap();
            let (mut s1, mut s2) = (vec![0.0; len], vec![0.0; len]);
            let (mut o1, mut o2) = (vec![0.0; out], vec![0.0; out]);
            report(
                &format!("conv_transpose_{name}_{tag}"),
                4 * x.len().max(out),
                &mut || {
                    upsample::conv_transpose(
                        black_box(&x),
                        shape,
                        layout,
                        &w,
                        wshape,
                        None,
                        &opts,
                        &mut o1,
                        &mut s1,
                    )
                    .unwrap()
                },
                &mut || {
                    parallel::conv_transpose(
                        black_box(&x),
                        shape,
                        layout,
                        &w,
                        wshape,
                        None,
                        &opts,
                        &mut o2,
                        &mut s2,
                    )
                    .unwrap()
                },
            );
        }
    }
}

fn main() {
    println!("rayon threads: {}", rayon::current_num_threads());
    let all = || {
        interpolate_cases();
        copying_cases();
        conv_transpose_cases();
        backward::cases();
    };
    // `--in-pool`: every call made from one of the pool's threads (as a
    // program whose work already runs on the pool makes it), so a split
    // call hands a part to one other thread; by default from the main
    // thread, which hands the whole call to the pool and waits.
    if std::env::args().any(|a| a == "--in-pool") {
        rayon::scope(|_| all());
    } else {
        all();
    }
}
