//! `conv_transpose_backward`: the fast path's gradients are the adjoints of
//! the forward (input and weight) and sums of grad_output (bias), match the
//! reference with guard bands and special values over random geometries
//! (every option, both layouts, 1-3 d, groups, depthwise, every tile tail),
//! are deterministic, and bad buffers are errors that write nothing.
//! `QUICKCHECK_TESTS` sets the case count.
//!
//! Tolerances. Every gradient element is a sum of `K` products (grad_input:
//! `C_out/groups * taps`; grad_weight: `N * input positions`; grad_bias:
//! `N * output positions`). Summed in any order in f32, each is within
//! `gamma_K * M` of the exact sum, `gamma_K = K u / (1 - K u) <= 2 K u`,
//! `u = 2^-24`, `M` the sum of the products' magnitudes. The fast path and
//! the reference sum the same products in different orders (and the fast
//! path fuses multiply-adds), so they differ by at most `2 gamma_K M <=
//! 4 K u M`; `M` per element is the reference run on `|grad_output|`,
//! `|input|` and `|weight|`. A fixed `1e-4` would be too loose for short
//! sums and too tight for the weight gradient of a large image (`K` in
//! the tens of thousands).
//!
//! The adjoint identities compare two f64 dot products of f32 results:
//! `<conv_transpose(x, w), g>` (each output element within `gamma_{K_f}` of
//! exact, `K_f = C_in/groups * taps`) and `<x, grad_input(g)>` (each within
//! `gamma_{K_b}`); both are the same sum `S` of products `x w g`, so they
//! differ by at most `(2 K_f + 2 K_b) u S_abs` with `S_abs` the sum of the
//! magnitudes, computed as the reference forward of `|x|`, `|w|` against
//! `|g|`. The f64 sums add a relative `1e-15` or so, far below that.

mod common;

use common::{Guarded, Problem, Rng, SENTINEL, check, dot, same_bits, untouched};
use quickcheck::TestResult;
use upsample::{
    Buffer, ConvTransposeGradients, ConvTransposeOptions, Error, Layout, conv_transpose,
    conv_transpose_backward, conv_transpose_backward_scratch_bound,
    conv_transpose_backward_scratch_len, reference,
};

const U: f64 = 1.0 / (1u64 << 24) as f64;

/// The three gradients of a call.
#[derive(Debug)]
struct Grads {
    input: Vec<f32>,
    weight: Vec<f32>,
    bias: Vec<f32>,
}

/// A backward problem: the forward's and a grad_output.
struct Backward {
    p: Problem,
    gout: Vec<f32>,
}

impl Backward {
    fn random(rng: &mut Rng, special: bool) -> Option<Backward> {
        let p = Problem::random(rng)?;
        let gout = if special {
            let mut g = rng.special_values(p.out_len, false);
            // Large finite values whose products with the weight stay finite.
            for v in g.iter_mut() {
                if rng.range(0, 49) == 0 {
                    *v = if rng.coin() { 1e30 } else { -1e30 };
                }
            }
            g
        } else {
            rng.signed_units(p.out_len)
        };
        Some(Backward { p, gout })
    }

    fn sizes(&self) -> (usize, usize, usize) {
        (
            self.p.x.len(),
            self.p.w.len(),
            self.p.wshape[1] * self.p.groups,
        )
    }

    fn scratch_len(&self) -> usize {
        let p = &self.p;
        conv_transpose_backward_scratch_len(&p.shape, p.layout, &p.wshape, &p.opts()).unwrap()
    }

    /// The reference's gradients of `gout`, `x` and `w` as given.
    fn reference_of(&self, gout: &[f32], x: &[f32], w: &[f32]) -> Grads {
        let p = &self.p;
        let (ni, nw, nb) = self.sizes();
        let mut g = Grads {
            input: vec![0.0; ni],
            weight: vec![0.0; nw],
            bias: vec![0.0; nb],
        };
        let grads = ConvTransposeGradients {
            input: Some(&mut g.input),
            weight: Some(&mut g.weight),
            bias: Some(&mut g.bias),
        };
        reference::conv_transpose_backward(
            gout,
            x,
            &p.shape,
            p.layout,
            w,
            &p.wshape,
            &p.opts(),
            grads,
            &mut [],
        )
        .unwrap();
        g
    }

    fn reference(&self) -> Grads {
        self.reference_of(&self.gout, &self.p.x, &self.p.w)
    }

    /// The per-element sums of the products' magnitudes.
    fn magnitudes(&self) -> Grads {
        let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
        self.reference_of(&abs(&self.gout), &abs(&self.p.x), &abs(&self.p.w))
    }

    /// The fast path on guarded gradients and scratch (`lead` sentinels
    /// before each, `tail` after), every gradient or only those in `which`.
    fn fast(&self, lead: usize, tail: usize, which: [bool; 3]) -> Result<Grads, String> {
        let p = &self.p;
        let (ni, nw, nb) = self.sizes();
        let mut gi = Guarded::new(ni, lead, tail);
        let mut gw = Guarded::new(nw, lead, tail);
        let mut gb = Guarded::new(nb, lead, tail);
        let mut scratch = Guarded::new(self.scratch_len(), lead, tail);
        let grads = ConvTransposeGradients {
            input: which[0].then(|| gi.inner_mut()),
            weight: which[1].then(|| gw.inner_mut()),
            bias: which[2].then(|| gb.inner_mut()),
        };
        conv_transpose_backward(
            &self.gout,
            &p.x,
            &p.shape,
            p.layout,
            &p.w,
            &p.wshape,
            &p.opts(),
            grads,
            scratch.inner_mut(),
        )
        .map_err(|e| format!("fast path failed: {e}"))?;
        for (name, ok) in [
            ("grad_input", gi.bands_intact()),
            ("grad_weight", gw.bands_intact()),
            ("grad_bias", gb.bands_intact()),
            ("scratch", scratch.bands_intact()),
        ] {
            if !ok {
                return Err(format!("{name} guard band overwritten"));
            }
        }
        for (name, wanted, got) in [
            ("grad_input", which[0], gi.inner()),
            ("grad_weight", which[1], gw.inner()),
            ("grad_bias", which[2], gb.inner()),
        ] {
            if !wanted && !untouched(got) {
                return Err(format!("{name} written though not asked for"));
            }
        }
        Ok(Grads {
            input: gi.inner().to_vec(),
            weight: gw.inner().to_vec(),
            bias: gb.inner().to_vec(),
        })
    }

    /// `K` per gradient: products per element.
    fn terms(&self) -> [usize; 3] {
        let p = &self.p;
        let kvol: usize = p.wshape[2..].iter().product();
        let iplane: usize = p.shape[2..].iter().product();
        let oplane = p.out_len / (p.shape[0] * p.wshape[1] * p.groups);
        [p.wshape[1] * kvol, p.shape[0] * iplane, p.shape[0] * oplane]
    }
}

/// `got` against `want`: NaN where it is NaN, the same infinity, else
/// within `4 K u M + 1e-37` (`M` from `magnitude`; the constant covers
/// subnormal products).
fn within(
    name: &str,
    got: &[f32],
    want: &[f32],
    magnitude: &[f32],
    k: usize,
) -> Result<(), String> {
    for (e, ((&g, &w), &m)) in got.iter().zip(want).zip(magnitude).enumerate() {
        let ok = if w.is_nan() {
            g.is_nan()
        } else if w.is_infinite() {
            g == w
        } else {
            let tol = 4.0 * (k + 1) as f64 * U * f64::from(m) + 1e-37;
            (f64::from(g) - f64::from(w)).abs() <= tol
        };
        if !ok {
            return Err(format!("{name}[{e}]: got {g}, want {w} (K = {k}, M = {m})"));
        }
    }
    Ok(())
}

fn compare(b: &Backward, got: &Grads) -> Result<(), String> {
    let (want, mag) = (b.reference(), b.magnitudes());
    let [ki, kw, kb] = b.terms();
    within("grad_input", &got.input, &want.input, &mag.input, ki)?;
    within("grad_weight", &got.weight, &want.weight, &mag.weight, kw)?;
    within("grad_bias", &got.bias, &want.bias, &mag.bias, kb)
}

#[test]
fn fast_matches_reference_with_guard_bands_and_determinism() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let special = rng.range(0, 3) == 0;
        let Some(b) = Backward::random(&mut rng, special) else {
            return TestResult::discard();
        };
        let result = b.fast(3, 17, [true; 3]).and_then(|first| {
            compare(&b, &first)?;
            let second = b.fast(0, 5, [true; 3])?;
            let same = same_bits(&first.input, &second.input)
                && same_bits(&first.weight, &second.weight)
                && same_bits(&first.bias, &second.bias);
            if !same {
                return Err("two calls differ".into());
            }
            // One gradient at a time gives the same bits and leaves the others.
            for k in 0..3 {
                let mut which = [false; 3];
                which[k] = true;
                let one = b.fast(1, 2, which)?;
                let (a, c) = match k {
                    0 => (&one.input, &first.input),
                    1 => (&one.weight, &first.weight),
                    _ => (&one.bias, &first.bias),
                };
                if !same_bits(a, c) {
                    return Err(format!("gradient {k} alone differs"));
                }
            }
            Ok(())
        });
        match result {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(format!("{e}\n{:?}", b.p)),
        }
    }
    check(prop, 300);
}

/// The adjoint identities on the fast path: `<conv_transpose(x, w), g>`
/// equals `<x, grad_input(g)>` and `<w, grad_weight(x, g)>` (no bias), and
/// `grad_bias` is the sum of `g` over everything but the channel.
#[test]
fn fast_gradients_are_the_adjoints_of_the_forward() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(mut b) = Backward::random(&mut rng, false) else {
            return TestResult::discard();
        };
        // The identities are about finite sums.
        for v in &mut b.p.x {
            if !v.is_finite() {
                *v = 0.5;
            }
        }
        let p = &b.p;
        let forward = |x: &[f32], w: &[f32]| {
            let mut out = vec![0.0; p.out_len];
            let mut scratch = vec![0.0; p.scratch_len];
            conv_transpose(
                x,
                &p.shape,
                p.layout,
                w,
                &p.wshape,
                None,
                &p.opts(),
                &mut out,
                &mut scratch,
            )
            .unwrap();
            out
        };
        let y = forward(&p.x, &p.w);
        let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
        let mut y_abs = vec![0.0; p.out_len];
        reference::conv_transpose(
            &abs(&p.x),
            &p.shape,
            p.layout,
            &abs(&p.w),
            &p.wshape,
            None,
            &p.opts(),
            &mut y_abs,
            &mut [],
        )
        .unwrap();
        let s_abs = dot(&y_abs, &abs(&b.gout));
        let g = match b.fast(0, 0, [true; 3]) {
            Ok(g) => g,
            Err(e) => return TestResult::error(e),
        };
        let [ki, kw, kb] = b.terms();
        let kf = (p.shape[1] / p.groups) * p.wshape[2..].iter().product::<usize>();
        let lhs = dot(&y, &b.gout);
        let input = dot(&p.x, &g.input);
        let weight = dot(&p.w, &g.weight);
        let bound = |k: usize| 2.0 * (kf + k + 2) as f64 * U * s_abs + 1e-30;
        if (lhs - input).abs() > bound(ki) {
            return TestResult::error(format!("input: {lhs} vs {input}\n{p:?}"));
        }
        if (lhs - weight).abs() > bound(kw) {
            return TestResult::error(format!("weight: {lhs} vs {weight}\n{p:?}"));
        }
        // grad_bias[co] = sum over n and positions of g[n, co, ...], in f64.
        let c_out = p.wshape[1] * p.groups;
        let mut sums = vec![0.0f64; c_out];
        let mut abs_sums = vec![0.0f64; c_out];
        let plane = p.out_len / (p.shape[0] * c_out);
        for (k, &v) in b.gout.iter().enumerate() {
            let co = match p.layout {
                Layout::ChannelsFirst => (k / plane) % c_out,
                Layout::ChannelsLast => k % c_out,
            };
            sums[co] += f64::from(v);
            abs_sums[co] += f64::from(v.abs());
        }
        for co in 0..c_out {
            let tol = 2.0 * (kb + 1) as f64 * U * abs_sums[co] + 1e-30;
            if (f64::from(g.bias[co]) - sums[co]).abs() > tol {
                return TestResult::error(format!("bias {co}: {} vs {}", g.bias[co], sums[co]));
            }
        }
        TestResult::passed()
    }
    check(prop, 200);
}

/// `options`: stride, padding, output_padding, dilation, groups.
fn problem(
    shape: &[usize],
    wshape: &[usize],
    options: [usize; 5],
    layout: Layout,
    seed: u64,
) -> Backward {
    let [stride, padding, output_padding, dilation, groups] = options;
    let mut rng = Rng(seed);
    let mut p = Problem {
        shape: shape.to_vec(),
        wshape: wshape.to_vec(),
        stride: vec![stride],
        padding: vec![padding],
        output_padding: vec![output_padding],
        dilation: vec![dilation],
        groups,
        layout,
        x: rng.signed_units(shape.iter().product()),
        w: rng.signed_units(wshape.iter().product()),
        bias: None,
        out_len: 0,
        scratch_len: 0,
    };
    let (out_len, scratch_len) = {
        let opts = p.opts();
        let out = upsample::conv_transpose_output_shape(shape, wshape, &opts).unwrap();
        let scratch = upsample::conv_transpose_scratch_len(shape, layout, wshape, &opts).unwrap();
        (out.numel(), scratch)
    };
    (p.out_len, p.scratch_len) = (out_len, scratch_len);
    let gout = rng.signed_units(p.out_len);
    Backward { p, gout }
}

/// Channel counts at every tile boundary on both sides (input channels for
/// grad_input's lanes and grad_weight's rows, output channels for
/// grad_weight's lanes), widths around the position tiles, both layouts,
/// depthwise at every lane tail: checked exhaustively, not by chance.
#[test]
fn every_tail_of_every_tile() {
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        for channels in [1, 3, 4, 5, 8, 9, 16, 17, 33] {
            for width in [1, 6, 13, 26] {
                let seed = (channels * 100 + width) as u64;
                for (shape, wshape, groups) in [
                    (vec![1, channels, 2, width], vec![channels, 3, 3, 4], 1),
                    (vec![1, 2, 2, width], vec![2, channels, 3, 4], 1),
                    (
                        vec![2, channels, 3, width],
                        vec![channels, 1, 4, 3],
                        channels,
                    ),
                ] {
                    let b = problem(&shape, &wshape, [2, 1, 1, 1, groups], layout, seed);
                    let got = b.fast(1, 9, [true; 3]).unwrap();
                    compare(&b, &got).unwrap_or_else(|e| panic!("{e}: {:?}", b.p));
                }
            }
        }
    }
}

/// The benchmark shapes, scaled down: groups, dilation, output padding
/// and padding together, 1-3 d, both layouts.
#[test]
fn named_geometries() {
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        type Case<'a> = (&'a [usize], &'a [usize], [usize; 5]);
        let cases: [Case; 8] = [
            // 64 input channels and a tail: AVX-512's 4 x 6 grad_input tile.
            (&[1, 70, 3, 9], &[70, 5, 3, 3], [2, 1, 1, 1, 1]),
            // Depthwise, 64 channels and a tail: AVX-512's runs of interior
            // pixels, and the run's remainder.
            (&[1, 70, 3, 13], &[70, 1, 4, 4], [2, 1, 0, 1, 70]),
            (&[1, 16, 9, 11], &[16, 8, 4, 4], [2, 1, 0, 1, 1]),
            (&[2, 12, 5, 7], &[12, 5, 3, 3], [2, 1, 1, 2, 3]),
            (&[1, 8, 33], &[8, 6, 16], [8, 4, 0, 1, 1]),
            (&[1, 6, 4, 5, 3], &[6, 4, 2, 2, 2], [2, 0, 0, 1, 2]),
            (&[1, 5, 3, 4, 6], &[5, 1, 3, 2, 3], [3, 2, 2, 2, 5]),
            (&[1, 3, 2, 2], &[3, 40, 5, 5], [1, 4, 0, 3, 1]),
        ];
        for (k, (shape, wshape, options)) in cases.into_iter().enumerate() {
            let b = problem(shape, wshape, options, layout, k as u64);
            let got = b.fast(2, 3, [true; 3]).unwrap();
            compare(&b, &got).unwrap_or_else(|e| panic!("{e}: {:?}", b.p));
        }
    }
}

/// Every buffer of the wrong length is an error naming it, and no gradient
/// is written; so is a short scratch.
#[test]
fn bad_lengths_are_errors_that_write_nothing() {
    let (shape, wshape) = ([1, 64, 8, 8], [64, 32, 4, 4]);
    let opts = ConvTransposeOptions::new()
        .with_stride(&[2])
        .with_padding(&[1]);
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        let need = conv_transpose_backward_scratch_len(&shape, layout, &wshape, &opts).unwrap();
        assert!(need > 0, "this problem should need scratch");
        assert!(need <= conv_transpose_backward_scratch_bound(&shape, layout, &wshape, &opts));
        let (ni, nw, nb, no) = (64 * 64, 64 * 32 * 16, 32, 32 * 16 * 16);
        // (grad_output, input, weight, grad_input, grad_weight, grad_bias, scratch) lengths.
        let good = [no, ni, nw, ni, nw, nb, need];
        let buffers = [
            Buffer::GradOutput,
            Buffer::Input,
            Buffer::Weight,
            Buffer::GradInput,
            Buffer::GradWeight,
            Buffer::GradBias,
            Buffer::Scratch,
        ];
        for (k, buffer) in buffers.into_iter().enumerate() {
            for delta in [-1isize, 1] {
                if buffer == Buffer::Scratch && delta > 0 {
                    continue;
                }
                let mut lens = good;
                lens[k] = (lens[k] as isize + delta) as usize;
                let (gout, x, w) = (vec![0.5; lens[0]], vec![0.5; lens[1]], vec![0.25; lens[2]]);
                let mut gi = vec![SENTINEL; lens[3]];
                let mut gw = vec![SENTINEL; lens[4]];
                let mut gb = vec![SENTINEL; lens[5]];
                let mut scratch = vec![SENTINEL; lens[6]];
                let grads = ConvTransposeGradients {
                    input: Some(&mut gi),
                    weight: Some(&mut gw),
                    bias: Some(&mut gb),
                };
                let err = conv_transpose_backward(
                    &gout,
                    &x,
                    &shape,
                    layout,
                    &w,
                    &wshape,
                    &opts,
                    grads,
                    &mut scratch,
                )
                .unwrap_err();
                let expected = good[k];
                assert_eq!(
                    err,
                    Error::BufferLength {
                        buffer,
                        expected,
                        actual: lens[k]
                    }
                );
                assert!(untouched(&gi) && untouched(&gw) && untouched(&gb));
                assert!(untouched(&scratch), "scratch written on error");
                // The reference checks the same (but for the scratch).
                if buffer != Buffer::Scratch {
                    let grads = ConvTransposeGradients {
                        input: Some(&mut gi),
                        weight: Some(&mut gw),
                        bias: Some(&mut gb),
                    };
                    let r = reference::conv_transpose_backward(
                        &gout,
                        &x,
                        &shape,
                        layout,
                        &w,
                        &wshape,
                        &opts,
                        grads,
                        &mut [],
                    );
                    assert_eq!(r.unwrap_err(), err);
                    assert!(untouched(&gi) && untouched(&gw) && untouched(&gb));
                }
            }
        }
        // A bad geometry is the forward's error.
        let bad = ConvTransposeOptions::new().with_groups(3);
        let grads = ConvTransposeGradients::default();
        let err =
            conv_transpose_backward(&[], &[], &shape, layout, &[], &wshape, &bad, grads, &mut []);
        assert!(matches!(err, Err(Error::NotDivisible { .. })));
    }
}

/// The bound covers this build's need on a sweep of problems.
#[test]
fn the_scratch_bound_covers_this_build() {
    let mut rng = Rng(7);
    let mut nonzero = 0;
    for _ in 0..300 {
        let Some(p) = Problem::random(&mut rng) else {
            continue;
        };
        let opts = p.opts();
        let need = conv_transpose_backward_scratch_len(&p.shape, p.layout, &p.wshape, &opts);
        let bound = conv_transpose_backward_scratch_bound(&p.shape, p.layout, &p.wshape, &opts);
        assert!(need.unwrap() <= bound, "{p:?}");
        nonzero += usize::from(bound > 0);
    }
    assert!(nonzero > 10, "{nonzero}");
}

/// Depthwise input gradients are the same bits in both layouts: the
/// channels-first planar kernel (W stride 1 and 2, lanes along W) sums each
/// element's taps in the channels-last kernel's order. Random depthwise
/// geometries, 1-3 d, rows up to 700 wide (vectors, overlapping last
/// vectors and edges), 1-5 channels, NaN, infinities and huge values in
/// grad_output.
#[test]
fn depthwise_input_gradient_is_the_same_in_both_layouts() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let c = rng.range(1, 5);
        let mut shape = vec![rng.range(1, 2), c];
        for a in 0..rank {
            let last = a + 1 == rank;
            shape.push(match (last, rng.range(0, 3)) {
                (true, 0) => rng.range(200, 700),
                (true, _) => rng.range(1, 60),
                (false, _) => rng.range(1, 6),
            });
        }
        let mut wshape = vec![c, 1];
        wshape.extend(rng.ranges(rank, 1, 5));
        let stride = rng.ranges(rank, 1, 3);
        let dilation = rng.ranges(rank, 1, 3);
        let padding = rng.ranges(rank, 0, 3);
        let output_padding = rng.output_padding(&stride, &dilation);
        let opts = ConvTransposeOptions::new()
            .with_stride(&stride)
            .with_padding(&padding)
            .with_dilation(&dilation)
            .with_output_padding(&output_padding)
            .with_groups(c);
        let Ok(out) = upsample::conv_transpose_output_shape(&shape, &wshape, &opts) else {
            return TestResult::discard();
        };
        let out_shape = out.as_slice().to_vec();
        let w = rng.signed_units(wshape.iter().product());
        let gout = rng.special_values(out.numel(), true);
        let n: usize = shape.iter().product();
        let mut grads = Vec::new();
        for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            let g = match layout {
                Layout::ChannelsFirst => gout.clone(),
                Layout::ChannelsLast => common::to_channels_last(&gout, &out_shape),
            };
            let len = conv_transpose_backward_scratch_len(&shape, layout, &wshape, &opts).unwrap();
            let mut gi = vec![SENTINEL; n];
            let gradients = ConvTransposeGradients {
                input: Some(&mut gi),
                weight: None,
                bias: None,
            };
            let x = vec![0.0; n];
            conv_transpose_backward(
                &g,
                &x,
                &shape,
                layout,
                &w,
                &wshape,
                &opts,
                gradients,
                &mut vec![0.0; len],
            )
            .unwrap();
            grads.push(match layout {
                Layout::ChannelsFirst => gi,
                Layout::ChannelsLast => common::to_channels_first(&gi, &shape),
            });
        }
        let ok = grads[0].len() == grads[1].len()
            && grads[0]
                .iter()
                .zip(&grads[1])
                .all(|(&a, &b)| common::same(a, b));
        if !ok {
            eprintln!(
                "{shape:?} {wshape:?} s {stride:?} d {dilation:?} p {padding:?} op {output_padding:?}: {:?}",
                common::first_difference(&grads[0], &grads[1])
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, 300);
}
