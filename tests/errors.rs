//! Every op rejects each kind of bad input with the error that names it, and
//! leaves its output untouched.

mod common;

use common::{INDEX_SENTINEL, SENTINEL, untouched};
use upsample::{
    BlockMode, Buffer, ConvTransposeOptions, Error, InterpolateMode as M, InterpolateOptions,
    Layout, MaxPoolOptions, UnpoolOptions, avg_unpool, conv_transpose, conv_transpose_output_shape,
    depth_to_space, interpolate, interpolate_output_shape, max_pool, max_pool_output_shape,
    max_unpool, pixel_shuffle, pixel_unshuffle, reference, space_to_depth, unpool_output_shape,
};

const CF: Layout = Layout::ChannelsFirst;

/// Runs `f` on a sentinel-filled output of `len` elements, checks it fails
/// with `want`, and that the output still holds only the sentinel.
fn fails(len: usize, want: Error, f: impl Fn(&mut [f32]) -> Result<(), Error>) {
    let mut out = vec![SENTINEL; len];
    assert_eq!(f(&mut out), Err(want));
    assert!(untouched(&out), "output written on error {want:?}");
}

/// As [`fails`], for the one error that writes: `max_unpool`'s index outside
/// its plane, found as the op writes, fills the whole output with NaN.
fn poisons(len: usize, want: Error, f: impl Fn(&mut [f32]) -> Result<(), Error>) {
    let mut out = vec![SENTINEL; len];
    assert_eq!(f(&mut out), Err(want));
    assert!(
        out.iter().all(|v| v.is_nan()),
        "output not all NaN after {want:?}: {out:?}"
    );
}

fn interp(
    shape: &[usize],
    opts: &InterpolateOptions,
    input_len: usize,
    out_len: usize,
) -> Result<(), Error> {
    let input = vec![1.0; input_len];
    let mut out = vec![SENTINEL; out_len];
    let fast = interpolate(&input, shape, CF, opts, &mut out);
    let mut out2 = vec![SENTINEL; out_len];
    let slow = reference::interpolate(&input, shape, CF, opts, &mut out2);
    // Debug text, so that NaN payloads compare equal.
    assert_eq!(
        format!("{fast:?}"),
        format!("{slow:?}"),
        "public and reference disagree"
    );
    if fast.is_err() {
        assert!(untouched(&out));
        assert!(untouched(&out2));
    }
    fast
}

#[test]
fn interpolate_buffer_lengths() {
    let opts = InterpolateOptions::scale_factor(M::Nearest, [2.0]);
    assert_eq!(
        interp(&[1, 1, 2, 2], &opts, 3, 16),
        Err(Error::BufferLength {
            buffer: Buffer::Input,
            expected: 4,
            actual: 3
        })
    );
    assert_eq!(
        interp(&[1, 1, 2, 2], &opts, 4, 17),
        Err(Error::BufferLength {
            buffer: Buffer::Output,
            expected: 16,
            actual: 17
        })
    );
    assert_eq!(interp(&[1, 1, 2, 2], &opts, 4, 16), Ok(()));
}

/// The caller-scratch variants: a scratch one float short of what their
/// `*_scratch_len` asks is an error that names the scratch, with nothing
/// written (the output nor the scratch); the asked length is enough.
#[test]
fn scratch_variants_name_a_short_scratch() {
    use upsample::{
        ResizeMode, ResizeOptions, interpolate_scratch_len, interpolate_with_scratch,
        resize_scratch_len, resize_with_scratch,
    };
    let input = vec![1.0; 2 * 5 * 7 * 3];
    let shape = [2, 3, 5, 7];
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        let opts = InterpolateOptions::scale_factor(M::Bicubic, [1.5]);
        let need = interpolate_scratch_len(&shape, layout, &opts).unwrap();
        // A start and the taps per output of D (1 of 1 tap), H (7 of 4)
        // and W (10 of 4), and a row of 7 pixels.
        let pixel = if layout == Layout::ChannelsLast { 3 } else { 1 };
        assert_eq!(need, 2 + 7 * 5 + 10 * 5 + 7 * pixel);
        let out_len = 2 * 3 * 7 * 10;
        let mut scratch = vec![SENTINEL; need - 1];
        let want = Error::BufferLength {
            buffer: Buffer::Scratch,
            expected: need,
            actual: need - 1,
        };
        fails(out_len, want, |o| {
            interpolate_with_scratch(&input, &shape, layout, &opts, o, &mut scratch.clone())
        });
        let mut out = vec![SENTINEL; out_len];
        let short = interpolate_with_scratch(&input, &shape, layout, &opts, &mut out, &mut scratch);
        assert_eq!(short, Err(want));
        assert!(untouched(&scratch), "scratch written on error");
        scratch.push(SENTINEL);
        interpolate_with_scratch(&input, &shape, layout, &opts, &mut out, &mut scratch).unwrap();
        assert!(out.iter().all(|&v| (v - 1.0).abs() < 1e-6), "{out:?}");

        let scales = [1.0, 1.0, 1.5, 1.5];
        let opts = ResizeOptions::scales(ResizeMode::Cubic, &scales);
        let need = resize_scratch_len(&shape, layout, &opts).unwrap();
        assert_eq!(need, 2 + 7 * 5 + 10 * 5 + 7 * pixel);
        let want = Error::BufferLength {
            buffer: Buffer::Scratch,
            expected: need,
            actual: need - 1,
        };
        fails(out_len, want, |o| {
            resize_with_scratch(&input, &shape, layout, &opts, o, &mut vec![0.0; need - 1])
        });
    }
}

#[test]
fn interpolate_rank_and_zero_dims() {
    let opts = InterpolateOptions::size(M::Nearest, [2]);
    assert_eq!(
        interp(&[1, 2], &opts, 2, 0),
        Err(Error::Rank {
            op: "interpolate",
            min: 3,
            max: 5,
            actual: 2
        })
    );
    assert_eq!(
        interp(&[1, 1, 1, 1, 1, 1], &opts, 1, 0),
        Err(Error::Rank {
            op: "interpolate",
            min: 3,
            max: 5,
            actual: 6
        })
    );
    assert_eq!(
        interp(&[1, 0, 3], &opts, 0, 0),
        Err(Error::ZeroDimension {
            buffer: Buffer::Input,
            axis: 1
        })
    );
    for (mode, shape, lo) in [
        (M::Linear, &[1, 1, 2, 2][..], 3),
        (M::Bilinear, &[1, 1, 2][..], 4),
        (M::Bicubic, &[1, 1, 2, 2, 2][..], 4),
        (M::Trilinear, &[1, 1, 2, 2][..], 5),
    ] {
        let n: usize = shape.iter().product();
        let r = interp(shape, &InterpolateOptions::size(mode, [2]), n, 0);
        assert!(
            matches!(r, Err(Error::Rank { min, max, .. }) if min == lo && max == lo),
            "{mode:?}: {r:?}"
        );
    }
}

#[test]
fn interpolate_overflow() {
    // The element count overflows usize, on 64- and 32-bit targets alike.
    let opts = InterpolateOptions::size(M::Nearest, [2]);
    assert_eq!(
        interp(&[usize::MAX, 2, 2], &opts, 0, 0),
        Err(Error::Overflow {
            what: "the element count"
        })
    );
    // The output does.
    let big = usize::MAX / 4;
    let r = interp(
        &[1, 1, 2],
        &InterpolateOptions::size(M::Nearest, [big]),
        2,
        0,
    );
    assert!(matches!(r, Err(Error::BufferLength { .. })), "{r:?}");
    let r = interp(
        &[3, 2, 2],
        &InterpolateOptions::size(M::Nearest, [big]),
        12,
        0,
    );
    assert_eq!(
        r,
        Err(Error::Overflow {
            what: "the element count"
        })
    );
    let r = interp(
        &[1, 1, 2],
        &InterpolateOptions::scale_factor(M::Nearest, [1e300]),
        2,
        0,
    );
    assert!(matches!(r, Err(Error::Overflow { .. })), "{r:?}");
}

#[test]
fn interpolate_bad_scale_factors() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -2.0] {
        let sf = [2.0, bad];
        let opts = InterpolateOptions::scale_factor(M::Bilinear, sf);
        let r = interp(&[1, 1, 2, 2], &opts, 4, 0);
        assert!(
            matches!(r, Err(Error::InvalidScaleFactor { axis: 3, value }) if value.is_nan() == bad.is_nan()),
            "{bad}: {r:?}"
        );
    }
    // A positive factor that rounds the output to zero.
    let opts = InterpolateOptions::scale_factor(M::Nearest, [0.1]);
    assert_eq!(
        interp(&[1, 1, 5], &opts, 5, 0),
        Err(Error::EmptyOutput { axis: 2, size: 0 })
    );
    let opts = InterpolateOptions::size(M::Nearest, [3, 0]);
    assert_eq!(
        interp(&[1, 1, 5, 5], &opts, 25, 0),
        Err(Error::EmptyOutput { axis: 3, size: 0 })
    );
}

#[test]
fn interpolate_parameter_counts() {
    let opts = InterpolateOptions::size(M::Nearest, [2, 2, 2]);
    assert_eq!(
        interp(&[1, 1, 2, 2], &opts, 4, 0),
        Err(Error::ParameterCount {
            parameter: "size",
            expected: 2,
            actual: 3
        })
    );
    let opts = InterpolateOptions::scale_factor(M::Nearest, []);
    assert_eq!(
        interp(&[1, 1, 2], &opts, 2, 0),
        Err(Error::ParameterCount {
            parameter: "scale_factor",
            expected: 1,
            actual: 0
        })
    );
}

#[test]
fn interpolate_option_combinations_pytorch_rejects() {
    let unsupported = |opts: InterpolateOptions, shape: &[usize]| {
        let n = shape.iter().product();
        match interp(shape, &opts, n, 0) {
            Err(Error::Unsupported { reason }) => reason,
            other => panic!("{opts:?} on {shape:?}: {other:?}"),
        }
    };
    let s4 = &[1, 1, 4, 4][..];
    for mode in [M::Nearest, M::NearestExact, M::Area] {
        let r = unsupported(
            InterpolateOptions::size(mode, [2]).with_align_corners(false),
            s4,
        );
        assert!(r.contains("align_corners"), "{r}");
    }
    let mut both = InterpolateOptions::size(M::Nearest, [2]);
    both.scale_factor = Some(2.0.into());
    assert!(unsupported(both, s4).contains("only one of size or scale_factor"));
    assert!(
        unsupported(InterpolateOptions::new(M::Nearest), s4)
            .contains("either size or scale_factor")
    );
    let r = unsupported(
        InterpolateOptions::size(M::Nearest, [2]).with_recompute_scale_factor(true),
        s4,
    );
    assert!(r.contains("recompute_scale_factor"), "{r}");
    for (mode, shape) in [
        (M::Nearest, s4),
        (M::Trilinear, &[1, 1, 2, 2, 2][..]),
        (M::Bilinear, &[1, 1, 4][..]),
        (M::Bicubic, &[1, 1, 2, 2, 2][..]),
    ] {
        let r = unsupported(
            InterpolateOptions::size(mode, [2]).with_antialias(true),
            shape,
        );
        assert!(r.contains("Anti-alias"), "{mode:?}: {r}");
    }
    let r = unsupported(InterpolateOptions::size(M::Lanczos, [2]), s4);
    assert!(r.contains("antialias=True"), "{r}");
    let r = unsupported(
        InterpolateOptions::size(M::Lanczos, [2])
            .with_antialias(true)
            .with_align_corners(true),
        s4,
    );
    assert!(r.contains("align_corners=True"), "{r}");
    // And the valid neighbours of those calls succeed.
    assert_eq!(
        interpolate_output_shape(
            s4,
            &InterpolateOptions::size(M::Lanczos, [2]).with_antialias(true)
        )
        .unwrap()
        .as_slice(),
        &[1, 1, 2, 2]
    );
    assert!(
        interpolate_output_shape(
            s4,
            &InterpolateOptions::size(M::Bilinear, [2]).with_align_corners(false)
        )
        .is_ok()
    );
}

#[test]
fn pixel_shuffle_errors() {
    let run = |shape: &[usize], r: usize, in_len: usize, out_len: usize| {
        let input = vec![0.0; in_len];
        let mut out = vec![SENTINEL; out_len];
        let a = pixel_shuffle(&input, shape, CF, r, &mut out);
        assert!(a.is_ok() || untouched(&out));
        let b = reference::pixel_shuffle(&input, shape, CF, r, &mut out);
        assert_eq!(a, b);
        a
    };
    assert_eq!(
        run(&[1, 6, 2, 2], 2, 24, 24),
        Err(Error::NotDivisible {
            what: "pixel_shuffle input channels by upscale_factor squared",
            value: 6,
            divisor: 4
        })
    );
    assert_eq!(
        run(&[1, 4, 2, 2], 0, 16, 16),
        Err(Error::InvalidParameter {
            parameter: "upscale_factor",
            axis: None,
            value: 0,
            reason: "must be greater than zero"
        })
    );
    assert!(matches!(
        run(&[1, 4, 2], 2, 8, 8),
        Err(Error::Rank {
            min: 4,
            max: 4,
            actual: 3,
            ..
        })
    ));
    assert_eq!(
        run(&[1, 4, 0, 2], 2, 0, 0),
        Err(Error::ZeroDimension {
            buffer: Buffer::Input,
            axis: 2
        })
    );
    assert_eq!(
        run(&[1, 4, 2, 2], 2, 16, 15),
        Err(Error::BufferLength {
            buffer: Buffer::Output,
            expected: 16,
            actual: 15
        })
    );
    assert_eq!(
        run(&[1, 4, usize::MAX / 2, 2], 2, 0, 0),
        Err(Error::Overflow {
            what: "the element count"
        })
    );
    assert!(matches!(
        run(&[1, 4, 1, usize::MAX / 3], 2, 0, 0),
        Err(Error::Overflow { .. })
    ));
    assert_eq!(run(&[1, 4, 2, 2], 2, 16, 16), Ok(()));

    let input = vec![0.0; 12];
    let mut out = vec![SENTINEL; 12];
    assert_eq!(
        pixel_unshuffle(&input, &[1, 1, 3, 4], CF, 2, &mut out),
        Err(Error::NotDivisible {
            what: "pixel_unshuffle height by downscale_factor",
            value: 3,
            divisor: 2
        })
    );
    assert_eq!(
        pixel_unshuffle(&input, &[1, 1, 4, 3], CF, 2, &mut out),
        Err(Error::NotDivisible {
            what: "pixel_unshuffle width by downscale_factor",
            value: 3,
            divisor: 2
        })
    );
    assert!(untouched(&out));
}

/// ONNX's ops name their own parameter and checks, in both block orders,
/// and write nothing on `Err`.
#[test]
fn depth_to_space_and_space_to_depth_errors() {
    for mode in [BlockMode::Dcr, BlockMode::Crd] {
        let input = vec![0.0; 24];
        let mut out = vec![SENTINEL; 24];
        let want = Err(Error::NotDivisible {
            what: "depth_to_space input channels by blocksize squared",
            value: 6,
            divisor: 4,
        });
        assert_eq!(
            depth_to_space(&input, &[1, 6, 2, 2], CF, 2, mode, &mut out),
            want
        );
        let b = reference::depth_to_space(&input, &[1, 6, 2, 2], CF, 2, mode, &mut out);
        assert_eq!(b, want);
        assert_eq!(
            depth_to_space(&input, &[1, 4, 2, 2], CF, 0, mode, &mut out),
            Err(Error::InvalidParameter {
                parameter: "blocksize",
                axis: None,
                value: 0,
                reason: "must be greater than zero"
            })
        );
        assert_eq!(
            space_to_depth(&input[..12], &[1, 1, 3, 4], CF, 2, mode, &mut out[..12]),
            Err(Error::NotDivisible {
                what: "space_to_depth height by blocksize",
                value: 3,
                divisor: 2
            })
        );
        assert_eq!(
            space_to_depth(&input[..12], &[1, 1, 4, 3], CF, 2, mode, &mut out[..12]),
            Err(Error::NotDivisible {
                what: "space_to_depth width by blocksize",
                value: 3,
                divisor: 2
            })
        );
        assert!(matches!(
            space_to_depth(&input, &[1, 4, 2], CF, 2, mode, &mut out),
            Err(Error::Rank {
                op: "space_to_depth",
                ..
            })
        ));
        assert_eq!(
            space_to_depth(&input[..16], &[1, 4, 2, 2], CF, 2, mode, &mut out[..15]),
            Err(Error::BufferLength {
                buffer: Buffer::Output,
                expected: 16,
                actual: 15
            })
        );
        assert!(untouched(&out));
    }
}

#[test]
fn max_pool_errors() {
    let run = |shape: &[usize], opts: MaxPoolOptions<'_>, out_len: usize, idx_len: usize| {
        let n = shape
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .unwrap_or(0)
            .min(1 << 20);
        let input = vec![0.0; n];
        let mut out = vec![SENTINEL; out_len];
        let mut idx = vec![INDEX_SENTINEL; idx_len];
        let a = max_pool(&input, shape, CF, &opts, &mut out, &mut idx);
        if a.is_err() {
            assert!(untouched(&out) && untouched(&idx));
        }
        assert_eq!(
            a,
            reference::max_pool(&input, shape, CF, &opts, &mut out, &mut idx)
        );
        a
    };
    let s = &[1, 1, 4, 4][..];
    assert_eq!(
        run(s, MaxPoolOptions::new(&[0]), 0, 0),
        Err(Error::InvalidParameter {
            parameter: "kernel_size",
            axis: Some(2),
            value: 0,
            reason: "must be greater than zero"
        })
    );
    assert!(matches!(
        run(s, MaxPoolOptions::new(&[2]).with_stride(&[1, 0]), 0, 0),
        Err(Error::InvalidParameter {
            parameter: "stride",
            axis: Some(3),
            ..
        })
    ));
    assert!(matches!(
        run(s, MaxPoolOptions::new(&[2]).with_dilation(&[0]), 0, 0),
        Err(Error::InvalidParameter {
            parameter: "dilation",
            ..
        })
    ));
    assert_eq!(
        run(s, MaxPoolOptions::new(&[3]).with_padding(&[2]), 0, 0),
        Err(Error::PaddingTooLarge {
            axis: 2,
            padding: 2,
            max: 1
        })
    );
    assert_eq!(
        run(s, MaxPoolOptions::new(&[5]), 0, 0),
        Err(Error::EmptyOutput { axis: 2, size: 0 })
    );
    assert_eq!(
        run(s, MaxPoolOptions::new(&[2, 2, 2]), 0, 0),
        Err(Error::ParameterCount {
            parameter: "kernel_size",
            expected: 2,
            actual: 3
        })
    );
    assert_eq!(
        run(s, MaxPoolOptions::new(&[2]), 4, 3),
        Err(Error::BufferLength {
            buffer: Buffer::Indices,
            expected: 4,
            actual: 3
        })
    );
    assert_eq!(
        run(s, MaxPoolOptions::new(&[2]), 5, 4),
        Err(Error::BufferLength {
            buffer: Buffer::Output,
            expected: 4,
            actual: 5
        })
    );
    assert!(matches!(
        run(&[1, 1, 0, 4], MaxPoolOptions::new(&[2]), 0, 0),
        Err(Error::ZeroDimension { axis: 2, .. })
    ));
    assert!(matches!(
        run(&[usize::MAX, 3, 4], MaxPoolOptions::new(&[2]), 0, 0),
        Err(Error::Overflow { .. })
    ));
    assert!(matches!(
        run(&[1, 1, 2, 2, 2, 2], MaxPoolOptions::new(&[2]), 0, 0),
        Err(Error::Rank { .. })
    ));
    assert_eq!(run(s, MaxPoolOptions::new(&[2]), 4, 4), Ok(()));
    assert_eq!(
        max_pool_output_shape(
            s,
            &MaxPoolOptions::new(&[3])
                .with_stride(&[2])
                .with_ceil_mode(true)
        )
        .unwrap()
        .as_slice(),
        &[1, 1, 2, 2]
    );
}

#[test]
fn unpool_errors() {
    let s = &[1, 1, 2, 2][..];
    let input = [1.0, 2.0, 3.0, 4.0];
    let opts = UnpoolOptions::new(&[2]);
    // An index outside its plane: named, and the output all NaN.
    for bad in [-1i64, 16, i64::MAX, i64::MIN] {
        let idx = [0, 5, bad, 15];
        let want = Error::IndexOutOfRange {
            position: 2,
            index: bad,
            plane_size: 16,
        };
        poisons(16, want, |out| max_unpool(&input, &idx, s, CF, &opts, out));
        poisons(16, want, |out| {
            reference::max_unpool(&input, &idx, s, CF, &opts, out)
        });
    }
    // output_size strictly within stride of the default (4).
    for (req, ok) in [(2, false), (3, true), (4, true), (5, true), (6, false)] {
        let o = [req, 4];
        let opts = UnpoolOptions::new(&[2]).with_output_size(&o);
        let r = unpool_output_shape(s, &opts);
        if ok {
            assert_eq!(r.unwrap().as_slice(), &[1, 1, req, 4]);
        } else {
            assert_eq!(
                r,
                Err(Error::OutputSize {
                    axis: 2,
                    requested: req,
                    min: 3,
                    max: 5
                })
            );
            let idx = [0i64; 4];
            fails(req * 4, r.unwrap_err(), |out| {
                max_unpool(&input, &idx, s, CF, &opts, out)
            });
            fails(req * 4, r.unwrap_err(), |out| {
                avg_unpool(&input, s, CF, &opts, out)
            });
        }
    }
    let opts = UnpoolOptions::new(&[2]).with_output_size(&[4, 4, 4]);
    assert_eq!(
        unpool_output_shape(s, &opts),
        Err(Error::ParameterCount {
            parameter: "output_size",
            expected: 2,
            actual: 3
        })
    );
    // The full (N, C, H, W) output_size is accepted, as in PyTorch.
    let opts = UnpoolOptions::new(&[2]).with_output_size(&[1, 1, 5, 4]);
    assert_eq!(
        unpool_output_shape(s, &opts).unwrap().as_slice(),
        &[1, 1, 5, 4]
    );
    // Padding that empties the output.
    let opts = UnpoolOptions::new(&[2]).with_padding(&[2]);
    assert_eq!(
        unpool_output_shape(s, &opts),
        Err(Error::EmptyOutput { axis: 2, size: 0 })
    );
    let opts = UnpoolOptions::new(&[0]);
    assert!(matches!(
        unpool_output_shape(s, &opts),
        Err(Error::InvalidParameter {
            parameter: "kernel_size",
            ..
        })
    ));
    let opts = UnpoolOptions::new(&[2]);
    fails(
        15,
        Error::BufferLength {
            buffer: Buffer::Output,
            expected: 16,
            actual: 15,
        },
        |out| avg_unpool(&input, s, CF, &opts, out),
    );
    fails(
        16,
        Error::BufferLength {
            buffer: Buffer::Input,
            expected: 4,
            actual: 3,
        },
        |out| avg_unpool(&input[..3], s, CF, &opts, out),
    );
    fails(
        16,
        Error::BufferLength {
            buffer: Buffer::Indices,
            expected: 4,
            actual: 3,
        },
        |out| max_unpool(&input, &[0, 1, 2], s, CF, &opts, out),
    );
    fails(
        0,
        Error::ZeroDimension {
            buffer: Buffer::Input,
            axis: 0,
        },
        |out| avg_unpool(&[], &[0, 1, 2], CF, &opts, out),
    );
    let r = unpool_output_shape(&[1, 1, usize::MAX / 2], &UnpoolOptions::new(&[4]));
    assert!(matches!(r, Err(Error::Overflow { .. })), "{r:?}");
}

#[test]
fn conv_transpose_errors() {
    let s = &[1, 4, 3, 3][..];
    let input = vec![0.5; 36];
    let run = |weight_shape: &[usize],
               bias: Option<&[f32]>,
               opts: ConvTransposeOptions<'_>,
               out_len: usize| {
        let weight = vec![
            0.25;
            weight_shape
                .iter()
                .try_fold(1usize, |a, &d| a.checked_mul(d))
                .unwrap_or(0)
                .min(1 << 16)
        ];
        let mut out = vec![SENTINEL; out_len];
        // The scratch the build needs (none on hosts for these small
        // problems, which firmware builds still take from the caller).
        let need = upsample::conv_transpose_scratch_len(s, CF, weight_shape, &opts).unwrap_or(0);
        let a = conv_transpose(
            &input,
            s,
            CF,
            &weight,
            weight_shape,
            bias,
            &opts,
            &mut out,
            &mut vec![0.0; need],
        );
        if a.is_err() {
            assert!(untouched(&out));
        }
        let b = reference::conv_transpose(
            &input,
            s,
            CF,
            &weight,
            weight_shape,
            bias,
            &opts,
            &mut out,
            &mut [],
        );
        assert_eq!(a, b);
        a
    };
    let base = ConvTransposeOptions::new();
    assert_eq!(run(&[4, 2, 3, 3], None, base, 2 * 25), Ok(()));
    assert_eq!(
        run(&[4, 2, 3, 3], None, base.with_groups(3), 0),
        Err(Error::NotDivisible {
            what: "input channels by groups",
            value: 4,
            divisor: 3
        })
    );
    assert_eq!(
        run(&[4, 2, 3, 3], None, base.with_groups(0), 0),
        Err(Error::InvalidParameter {
            parameter: "groups",
            axis: None,
            value: 0,
            reason: "must be greater than zero"
        })
    );
    assert_eq!(
        run(&[3, 2, 3, 3], None, base, 0),
        Err(Error::ChannelMismatch {
            expected: 3,
            actual: 4
        })
    );
    assert!(matches!(
        run(&[4, 2, 3], None, base, 0),
        Err(Error::Rank { actual: 3, .. })
    ));
    assert!(matches!(
        run(&[4, 0, 3, 3], None, base, 0),
        Err(Error::ZeroDimension {
            buffer: Buffer::Weight,
            axis: 1
        })
    ));
    assert_eq!(
        run(
            &[4, 2, 3, 3],
            None,
            base.with_stride(&[2]).with_output_padding(&[0, 2]),
            0
        ),
        Err(Error::OutputPaddingTooLarge {
            axis: 3,
            output_padding: 2,
            stride: 2,
            dilation: 1
        })
    );
    // output_padding < dilation is allowed even when >= stride.
    assert_eq!(
        run(
            &[4, 2, 3, 3],
            None,
            base.with_dilation(&[3]).with_output_padding(&[2]),
            2 * 11 * 11
        ),
        Ok(())
    );
    assert_eq!(
        run(&[4, 2, 3, 3], None, base.with_padding(&[3]), 0),
        Err(Error::EmptyOutput { axis: 2, size: -1 })
    );
    assert!(matches!(
        run(&[4, 2, 3, 3], None, base.with_stride(&[0]), 0),
        Err(Error::InvalidParameter {
            parameter: "stride",
            ..
        })
    ));
    assert!(matches!(
        run(&[4, 2, 3, 3], None, base.with_dilation(&[1, 0]), 0),
        Err(Error::InvalidParameter {
            parameter: "dilation",
            axis: Some(3),
            ..
        })
    ));
    assert_eq!(
        run(&[4, 2, 3, 3], Some(&[0.0; 3]), base, 50),
        Err(Error::BufferLength {
            buffer: Buffer::Bias,
            expected: 2,
            actual: 3
        })
    );
    assert_eq!(
        run(&[4, 2, 3, 3], None, base.with_stride(&[1, 1, 1]), 50),
        Err(Error::ParameterCount {
            parameter: "stride",
            expected: 2,
            actual: 3
        })
    );
    assert!(matches!(
        conv_transpose_output_shape(s, &[4, usize::MAX / 2, 3, 3], &base),
        Err(Error::Overflow { .. })
    ));
    assert!(matches!(
        conv_transpose_output_shape(s, &[4, 2, 3, usize::MAX / 2], &base),
        Err(Error::Overflow { .. })
    ));
}

#[test]
fn errors_display_for_a_person() {
    let e = Error::IndexOutOfRange {
        position: 2,
        index: 99,
        plane_size: 16,
    };
    assert_eq!(
        e.to_string(),
        "invalid max index 99 at position 2: an output plane has 16 elements"
    );
    let e = Error::BufferLength {
        buffer: Buffer::Output,
        expected: 16,
        actual: 15,
    };
    assert_eq!(
        e.to_string(),
        "output has 15 elements but its shape needs 16"
    );
    let _: &dyn core::error::Error = &e;
}

/// Every attribute combination ONNX's `Resize` rejects is a named error,
/// from the output-shape helper and the reference alike, and nothing is
/// written.
#[test]
fn resize_errors() {
    use upsample::{
        CoordinateTransformationMode as Ctm, KeepAspectRatioPolicy as Keep, ResizeMode as R,
        ResizeOptions, resize_output_shape,
    };
    let shape = [1, 2, 4, 6];
    let check = |opts: ResizeOptions<'_>, want: Error| {
        assert_eq!(resize_output_shape(&shape, &opts), Err(want), "{opts:?}");
        let input = vec![0.0; 48];
        let mut out = vec![SENTINEL; 192];
        let got = reference::resize(&input, &shape, CF, &opts, &mut out);
        assert_eq!(got, Err(want), "{opts:?}");
        assert!(untouched(&out));
    };
    let unsupported = |reason| Error::Unsupported { reason };
    let x2 = [1.0f32, 1.0, 2.0, 2.0];
    check(
        ResizeOptions {
            sizes: Some(&[1, 2, 8, 12]),
            ..ResizeOptions::scales(R::Linear, &x2)
        },
        unsupported("give scales or sizes, not both"),
    );
    check(
        ResizeOptions {
            scales: None,
            ..ResizeOptions::scales(R::Linear, &x2)
        },
        unsupported("give scales or sizes"),
    );
    check(
        ResizeOptions::scales(R::Nearest, &x2).with_antialias(true),
        unsupported("antialias applies to linear and cubic modes only"),
    );
    check(
        ResizeOptions::scales(R::Linear, &x2).with_roi(&[0.0; 8], 0.0),
        unsupported("roi is used by coordinate_transformation_mode tf_crop_and_resize only"),
    );
    check(
        ResizeOptions::scales(R::Linear, &x2)
            .with_coordinate_transformation_mode(Ctm::TfCropAndResize),
        unsupported("tf_crop_and_resize needs a roi"),
    );
    check(
        ResizeOptions::scales(R::Linear, &x2).with_keep_aspect_ratio_policy(Keep::NotLarger),
        unsupported("keep_aspect_ratio_policy applies to sizes only"),
    );
    check(
        ResizeOptions::scales(R::Linear, &[1.0, 2.0, 2.0, 2.0]),
        unsupported("resize scales the spatial axes only: N and C keep their size and scale 1"),
    );
    check(
        ResizeOptions::scales(R::Linear, &[2.0, 2.0]),
        Error::ParameterCount {
            parameter: "scales",
            expected: 4,
            actual: 2,
        },
    );
    check(
        ResizeOptions::scales(R::Linear, &[2.0]).with_axes(&[4]),
        Error::AxisOutOfRange { value: 4, rank: 4 },
    );
    check(
        ResizeOptions::scales(R::Linear, &[2.0, 2.0]).with_axes(&[3, -1]),
        Error::InvalidParameter {
            parameter: "axes",
            axis: Some(3),
            value: 3,
            reason: "names an axis twice",
        },
    );
    check(
        ResizeOptions::scales(R::Linear, &[1.0, 1.0, 0.0, 2.0]),
        Error::InvalidScaleFactor {
            axis: 2,
            value: 0.0,
        },
    );
    check(
        ResizeOptions::scales(R::Linear, &[1.0, 1.0, 0.2, 2.0]),
        Error::EmptyOutput { axis: 2, size: 0 },
    );
    check(
        ResizeOptions::sizes(R::Cubic, &[1, 2, 0, 3]),
        Error::EmptyOutput { axis: 2, size: 0 },
    );
    check(
        ResizeOptions::scales(R::Cubic, &x2).with_cubic_coeff_a(f32::NAN),
        unsupported("cubic_coeff_a must be finite"),
    );
    // Huge scales and sizes overflow as errors, tiny ones are empty.
    for s in [1e30f32, f32::MAX] {
        let scales = [1.0, 1.0, s, s];
        assert!(matches!(
            resize_output_shape(&shape, &ResizeOptions::scales(R::Linear, &scales)),
            Err(Error::Overflow { .. })
        ));
    }
    for s in [f32::MIN_POSITIVE, 1e-45] {
        let scales = [1.0, 1.0, s, 1.0];
        assert!(matches!(
            resize_output_shape(&shape, &ResizeOptions::scales(R::Linear, &scales)),
            Err(Error::EmptyOutput { axis: 2, .. })
        ));
    }
    let sizes = [1, 2, usize::MAX, usize::MAX];
    assert!(matches!(
        resize_output_shape(&shape, &ResizeOptions::sizes(R::Linear, &sizes)),
        Err(Error::Overflow { .. })
    ));
    // Negative axes count from the end; keep_aspect_ratio_policy takes one
    // scale for the axes given.
    let opts = ResizeOptions::sizes(R::Nearest, &[8, 8])
        .with_axes(&[-2, -1])
        .with_keep_aspect_ratio_policy(Keep::NotLarger);
    assert_eq!(
        resize_output_shape(&shape, &opts).unwrap().as_slice(),
        &[1, 2, 5, 8]
    );
}
