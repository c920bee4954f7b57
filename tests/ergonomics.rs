//! What a new user meets first: how a shape prints, options built from
//! runtime values, and a scratch length known before the build.

use upsample::{
    ConvTransposeOptions, Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    PerAxis, Shape, conv_transpose, conv_transpose_output_shape, conv_transpose_scratch_bound,
    conv_transpose_scratch_len, interpolate, interpolate_output_shape, max_pool_output_shape,
    reference,
};

#[test]
fn shape_debug_prints_the_logical_shape_only() {
    let s = max_pool_output_shape(&[1, 1, 16, 16], &MaxPoolOptions::new(&[2])).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[1, 1, 8, 8]");
    let s = Shape::new(&[2, 3, 4, 5, 6]).unwrap();
    assert_eq!(format!("{s:?}"), "Shape[2, 3, 4, 5, 6]");
    assert_eq!(format!("{:?}", Shape::new(&[]).unwrap()), "Shape[]");
}

/// A scale known only at run time, as a caller computes it.
fn zoom_for(width: usize, target: usize) -> f64 {
    target as f64 / width as f64
}

#[test]
fn options_from_runtime_values_need_no_named_array() {
    // Each of these was E0716 (temporary dropped while borrowed) while the
    // options borrowed their lists: the options now hold the values.
    let s = zoom_for(4, 10);
    let by_array = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, [s, zoom_for(4, 6)]);
    // The borrowed form of earlier releases still compiles (clippy suggests
    // dropping the `&`).
    #[allow(clippy::needless_borrows_for_generic_args)]
    let by_ref = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, &[s, zoom_for(4, 6)]);
    let one = InterpolateOptions::scale_factor(InterpolateMode::Nearest, zoom_for(4, 8));
    let (h, w) = (3 + s as usize, 7);
    let sized = InterpolateOptions::size(InterpolateMode::Area, [h, w]);
    let x = vec![1.0f32; 4 * 4];
    let shape = [1, 1, 4, 4];
    for (opts, want) in [
        (by_array, [1, 1, 10, 6]),
        (by_ref, [1, 1, 10, 6]),
        (one, [1, 1, 8, 8]),
        (sized, [1, 1, 5, 7]),
    ] {
        let out_shape = interpolate_output_shape(&shape, &opts).unwrap();
        assert_eq!(out_shape.as_slice(), &want, "{opts:?}");
        let mut y = vec![0.0; out_shape.numel()];
        interpolate(&x, &shape, Layout::ChannelsFirst, &opts, &mut y).unwrap();
        assert!(y.iter().all(|&v| (v - 1.0).abs() < 1e-6), "{opts:?}");
    }
    // A Vec's values are copied in too, and a list of a wrong count is
    // still rejected by its count.
    let per_axis: Vec<f64> = vec![2.0; 4];
    let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, &per_axis);
    assert_eq!(
        interpolate_output_shape(&shape, &opts),
        Err(Error::ParameterCount {
            parameter: "scale_factor",
            expected: 2,
            actual: 4
        })
    );
    assert_eq!(
        format!("{:?}", PerAxis::from(&per_axis)),
        "[2.0, 2.0, 2.0] (of 4 values)"
    );
}

/// Sized at compile time, for every build: the issue's 1x64x8x8 decoder.
const DECODER_OPTS: ConvTransposeOptions<'static> = ConvTransposeOptions::new()
    .with_stride(&[2])
    .with_padding(&[1]);
const DECODER_SCRATCH: usize = conv_transpose_scratch_bound(
    &[1, 64, 8, 8],
    Layout::ChannelsFirst,
    &[64, 32, 4, 4],
    &DECODER_OPTS,
);

#[test]
fn a_scratch_of_exactly_the_bound_works_on_this_build() {
    // A static-sized buffer, as firmware would hold it.
    let mut scratch = Box::new([0.0f32; DECODER_SCRATCH]);
    let (shape, wshape) = ([1, 64, 8, 8], [64, 32, 4, 4]);
    let need =
        conv_transpose_scratch_len(&shape, Layout::ChannelsFirst, &wshape, &DECODER_OPTS).unwrap();
    assert!(need <= DECODER_SCRATCH, "{need} > {DECODER_SCRATCH}");
    let x = vec![0.5; 64 * 64];
    let w = vec![0.25; 64 * 32 * 16];
    let mut y = vec![0.0; 32 * 16 * 16];
    conv_transpose(
        &x,
        &shape,
        Layout::ChannelsFirst,
        &w,
        &wshape,
        None,
        &DECODER_OPTS,
        &mut y,
        &mut scratch[..],
    )
    .unwrap();

    // Many shapes: the bound is at least this build's need, and a scratch
    // of exactly the bound gives the reference's answer.
    let mut cases = 0;
    for rank in 1..=3usize {
        for (c_in, groups, m) in [
            (1, 1, 1),
            (3, 1, 6),
            (8, 2, 8),
            (16, 1, 20),
            (7, 7, 1),
            (24, 24, 1),
            (12, 4, 9),
        ] {
            for (k, stride, padding, dilation) in [(2, 2, 0, 1), (3, 2, 1, 2), (4, 3, 1, 1)] {
                for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                    let mut shape = vec![2, c_in];
                    let mut wshape = vec![c_in, m];
                    for a in 0..rank {
                        shape.push([5, 4, 3][a]);
                        wshape.push(k);
                    }
                    let (s, p, d) = ([stride], [padding], [dilation]);
                    let opts = ConvTransposeOptions::new()
                        .with_stride(&s)
                        .with_padding(&p)
                        .with_dilation(&d)
                        .with_groups(groups);
                    let bound = conv_transpose_scratch_bound(&shape, layout, &wshape, &opts);
                    let need = conv_transpose_scratch_len(&shape, layout, &wshape, &opts).unwrap();
                    assert!(
                        need <= bound,
                        "{shape:?} {wshape:?} {layout:?}: {need} > {bound}"
                    );
                    let out_len = conv_transpose_output_shape(&shape, &wshape, &opts)
                        .unwrap()
                        .numel();
                    let numel = |s: &[usize]| s.iter().product::<usize>();
                    let x: Vec<f32> = (0..numel(&shape))
                        .map(|i| (i % 7) as f32 / 7.0 - 0.5)
                        .collect();
                    let w: Vec<f32> = (0..numel(&wshape))
                        .map(|i| (i % 5) as f32 / 5.0 - 0.4)
                        .collect();
                    let mut want = vec![0.0; out_len];
                    reference::conv_transpose(
                        &x,
                        &shape,
                        layout,
                        &w,
                        &wshape,
                        None,
                        &opts,
                        &mut want,
                        &mut [],
                    )
                    .unwrap();
                    let mut got = vec![f32::NAN; out_len];
                    let mut scratch = vec![f32::NAN; bound];
                    conv_transpose(
                        &x,
                        &shape,
                        layout,
                        &w,
                        &wshape,
                        None,
                        &opts,
                        &mut got,
                        &mut scratch,
                    )
                    .unwrap();
                    for (g, e) in got.iter().zip(&want) {
                        assert!(
                            (g - e).abs() <= 1e-4 + 1e-4 * e.abs(),
                            "{shape:?} {wshape:?}"
                        );
                    }
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 3 * 7 * 3 * 2);
}

/// The README's Rust examples paste into `fn main` as they stand: no
/// hidden doctest lines, no `?` (which `fn main()` cannot take). They also
/// run as doctests (`ReadmeDoctests` in lib.rs).
#[test]
fn readme_examples_paste_into_fn_main() {
    let readme = include_str!("../README.md");
    let mut blocks = 0;
    for block in readme.split("```rust\n").skip(1) {
        let code = &block[..block.find("```").expect("a closed block")];
        for line in code.lines() {
            assert!(!line.trim_start().starts_with("# "), "hidden line: {line}");
            assert!(
                !line.contains(")?"),
                "`?` needs a function returning Result: {line}"
            );
        }
        blocks += 1;
    }
    assert!(blocks >= 1);
}
