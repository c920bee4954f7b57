//! The fast `conv_transpose` against the reference over random geometries
//! (every option, both layouts, 1/2/3-d, odd channel counts, groups
//! including depthwise, 1-sized axes, tails of every tile), plus the adjoint
//! identity on the fast path, guard bands on output and scratch, scratch
//! errors and run-to-run determinism. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{Guarded, Problem, Rng, SENTINEL, check, dot, first_mismatch, same_bits, untouched};
use quickcheck::TestResult;
use upsample::{
    Buffer, ConvTransposeOptions, Error, Layout, conv_transpose, conv_transpose_output_shape,
    conv_transpose_scratch_len, reference,
};

/// The unit roundoff of `f32`.
const U: f64 = 1.0 / (1u64 << 24) as f64;

impl Problem {
    fn reference(&self) -> Vec<f32> {
        let mut out = vec![0.0; self.out_len];
        reference::conv_transpose(
            &self.x,
            &self.shape,
            self.layout,
            &self.w,
            &self.wshape,
            self.bias.as_deref(),
            &self.opts(),
            &mut out,
            &mut [],
        )
        .unwrap();
        out
    }

    /// The fast path on guarded output and scratch (`lead` sentinels before
    /// each, `tail` after); returns the output after checking that nothing
    /// outside it (or the scratch) moved.
    fn fast(&self, lead: usize, tail: usize) -> Result<Vec<f32>, String> {
        let mut out = Guarded::new(self.out_len, lead, tail);
        let mut scratch = Guarded::new(self.scratch_len, lead, tail);
        conv_transpose(
            &self.x,
            &self.shape,
            self.layout,
            &self.w,
            &self.wshape,
            self.bias.as_deref(),
            &self.opts(),
            out.inner_mut(),
            scratch.inner_mut(),
        )
        .map_err(|e| format!("fast path failed: {e}"))?;
        if !out.bands_intact() {
            return Err("output guard band overwritten".into());
        }
        if !scratch.bands_intact() {
            return Err("scratch guard band overwritten".into());
        }
        Ok(out.inner().to_vec())
    }
}

/// Within atol 1e-4 + rtol 1e-4 of the reference, element by element.
fn close(got: &[f32], want: &[f32]) -> Result<(), String> {
    match first_mismatch(got, want, |g, w| common::same_or_close(g, w, 1e-4, 1e-4)) {
        Some((k, g, w)) => Err(format!("element {k}: got {g}, want {w}")),
        None => Ok(()),
    }
}

#[test]
fn fast_matches_reference_with_guard_bands_and_determinism() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(p) = Problem::random(&mut rng) else {
            return TestResult::discard();
        };
        let want = p.reference();
        let result = p.fast(3, 17).and_then(|first| {
            close(&first, &want)?;
            let second = p.fast(0, 5)?;
            if !same_bits(&first, &second) {
                return Err("two calls differ".into());
            }
            Ok(())
        });
        match result {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(format!("{e}\n{p:?}")),
        }
    }
    check(prop, 500);
}

/// `<conv_transpose(x), y> == <x, conv(y)>` with the fast path on the left.
#[test]
fn fast_conv_transpose_is_the_adjoint_of_conv() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(mut p) = Problem::random(&mut rng) else {
            return TestResult::discard();
        };
        p.bias = None;
        // The identity is about finite sums.
        for v in &mut p.x {
            if !v.is_finite() {
                *v = 0.5;
            }
        }
        let tx = match p.fast(0, 0) {
            Ok(t) => t,
            Err(e) => return TestResult::error(e),
        };
        let y = rng.signed_units(p.out_len);
        let mut cy = vec![0.0; p.x.len()];
        reference::conv(&y, &p.shape, p.layout, &p.w, &p.wshape, &p.opts(), &mut cy).unwrap();
        let (lhs, rhs) = (dot(&tx, &y), dot(&p.x, &cy));
        // Both sides sum the products `x w y` in f32 in different orders:
        // each element of `tx` is within `gamma_{K_f} <= 2 K_f u` of its sum
        // of magnitudes, each of `cy` within `2 K_b u` of its own, so the
        // two dot products (in f64) differ by at most `(2 K_f + 2 K_b) u
        // S_abs`, `S_abs` the same sum over magnitudes (the bound and its
        // derivation as in tests/conv_transpose_backward.rs). A fixed
        // `1e-4 (1 + |lhs|)` failed where the inputs are large and cancel:
        // the fast path within 3e-6 of the reference forward, both 3e-4 from
        // the reference convolution, with S_abs = 5.4e5 for |lhs| = 1.5.
        let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
        let mut tx_abs = vec![0.0; p.out_len];
        reference::conv_transpose(
            &abs(&p.x),
            &p.shape,
            p.layout,
            &abs(&p.w),
            &p.wshape,
            None,
            &p.opts(),
            &mut tx_abs,
            &mut [],
        )
        .unwrap();
        let s_abs = dot(&tx_abs, &abs(&y));
        let taps = p.wshape[2..].iter().product::<usize>();
        let kf = p.shape[1] / p.groups * taps;
        let kb = p.wshape[1] * taps;
        let bound = 2.0 * (kf + kb + 2) as f64 * U * s_abs + 1e-30;
        if (lhs - rhs).abs() > bound {
            return TestResult::error(format!("{lhs} vs {rhs}, bound {bound}\n{p:?}"));
        }
        TestResult::passed()
    }
    check(prop, 300);
}

/// Channel counts and widths at every tile boundary, both layouts, checked
/// exhaustively rather than by chance.
#[test]
fn every_tail_of_every_tile() {
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        for out_per_group in [1, 3, 4, 5, 8, 9, 15, 16, 17, 31, 32, 33, 47] {
            for width in [1, 2, 5, 7, 12, 13, 25, 26, 29] {
                let mut rng = Rng((out_per_group * 100 + width) as u64);
                let p = Problem {
                    shape: vec![1, 3, 2, width],
                    wshape: vec![3, out_per_group, 3, 4],
                    stride: vec![2],
                    padding: vec![1],
                    output_padding: vec![1],
                    dilation: vec![1],
                    groups: 1,
                    layout,
                    x: rng.signed_units(3 * 2 * width),
                    w: rng.signed_units(3 * out_per_group * 12),
                    bias: Some(rng.signed_units(out_per_group)),
                    out_len: 0,
                    scratch_len: 0,
                };
                let opts = p.opts();
                let out = conv_transpose_output_shape(&p.shape, &p.wshape, &opts).unwrap();
                let scratch =
                    conv_transpose_scratch_len(&p.shape, layout, &p.wshape, &opts).unwrap();
                let p = Problem {
                    out_len: out.numel(),
                    scratch_len: scratch,
                    ..p
                };
                let got = p.fast(1, 9).unwrap();
                close(&got, &p.reference()).unwrap_or_else(|e| panic!("{e}: {p:?}"));
            }
        }
    }
}

/// Groups of 1 to 5 output channels (the kernel that puts output positions
/// in the lanes takes up to 4; channels-last, up to 3 input channels),
/// rows around every vector width and thousands wide, 1-3 d, strides 1-3,
/// both layouts, with NaN, infinities and subnormals in the input: every
/// element as the reference gives it (NaN where it gives NaN).
#[test]
fn few_output_channels_along_the_rows() {
    let mut rng = Rng(23);
    let mut run = 0;
    for out_per_group in 1..=5 {
        for width in [7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 64, 65, 97, 1001, 2049] {
            // Rows thousands wide in 1-d only: the reference is scalar.
            for rank in 1..=if width > 100 { 1 } else { 3 } {
                let layout = rng.layout();
                let groups = rng.pick(&[1, 2]);
                // 4 channels: an RGBA pixel, which channels-last declines.
                let c = groups * rng.pick(&[1, 3, 4]);
                let (stride, k) = (rng.range(1, 4), rng.range(1, 6));
                let dilation = rng.pick(&[1, 1, 2]);
                let padding = rng.range(0, (dilation * (k - 1)).min(2) + 1);
                let mut shape = vec![2, c];
                shape.extend(&[2, 3][3 - rank..]);
                shape.push(width);
                let mut wshape = vec![c, out_per_group];
                wshape.extend(std::iter::repeat_n(k, rank));
                let x_len = shape.iter().product();
                let w_len = wshape.iter().product();
                let p = Problem {
                    shape,
                    wshape,
                    stride: vec![stride],
                    padding: vec![padding],
                    output_padding: vec![0],
                    dilation: vec![dilation],
                    groups,
                    layout,
                    x: rng.special_values(x_len, false),
                    w: rng.signed_units(w_len),
                    bias: Some(rng.signed_units(groups * out_per_group)),
                    out_len: 0,
                    scratch_len: 0,
                };
                let opts = p.opts();
                let Ok(out) = conv_transpose_output_shape(&p.shape, &p.wshape, &opts) else {
                    continue;
                };
                let scratch =
                    conv_transpose_scratch_len(&p.shape, p.layout, &p.wshape, &opts).unwrap();
                let p = Problem {
                    out_len: out.numel(),
                    scratch_len: scratch,
                    ..p
                };
                let got = p.fast(2, 7).unwrap_or_else(|e| panic!("{e}: {p:?}"));
                close(&got, &p.reference()).unwrap_or_else(|e| panic!("{e}: {p:?}"));
                run += 1;
            }
        }
    }
    assert!(run > 150, "only {run} problems ran");
}

/// A scratch one element short is an error that names the scratch, and
/// leaves the output untouched.
#[test]
fn short_scratch_is_an_error() {
    let (shape, wshape) = ([1, 64, 8, 8], [64, 32, 4, 4]);
    let opts = ConvTransposeOptions::new()
        .with_stride(&[2])
        .with_padding(&[1]);
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        let need = conv_transpose_scratch_len(&shape, layout, &wshape, &opts).unwrap();
        assert!(need > 0, "this problem should need scratch");
        let out_len = conv_transpose_output_shape(&shape, &wshape, &opts)
            .unwrap()
            .numel();
        let x = vec![0.5; 64 * 64];
        let w = vec![0.25; 64 * 32 * 16];
        let mut out = vec![SENTINEL; out_len];
        let mut scratch = vec![0.0; need - 1];
        let err = conv_transpose(
            &x,
            &shape,
            layout,
            &w,
            &wshape,
            None,
            &opts,
            &mut out,
            &mut scratch,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::BufferLength {
                buffer: Buffer::Scratch,
                expected: need,
                actual: need - 1
            }
        );
        assert!(untouched(&out), "output written on error");
    }
}

/// Small problems need no scratch on hosts (the panel lives on the
/// stack); small-stack builds (firmware) take even the smallest panel
/// from the caller: here `round_up(3, 4)` channels by 16 taps.
#[test]
fn small_problems_need_no_scratch() {
    let opts = ConvTransposeOptions::new().with_stride(&[2]).with_groups(3);
    let need =
        conv_transpose_scratch_len(&[1, 3, 8, 8], Layout::ChannelsLast, &[3, 1, 4, 4], &opts)
            .unwrap();
    assert_eq!(need, if cfg!(upsample_small_stack) { 64 } else { 0 });
}
