//! The fast `conv_transpose` against the reference over random geometries
//! (every option, both layouts, 1/2/3-d, odd channel counts, groups
//! including depthwise, 1-sized axes, tails of every tile), plus the adjoint
//! identity on the fast path, guard bands on output and scratch, scratch
//! errors and run-to-run determinism. `QUICKCHECK_TESTS` sets the case count.

use quickcheck::{QuickCheck, TestResult};
use upsample::{
    Buffer, ConvTransposeOptions, Error, Layout, conv_transpose, conv_transpose_output_shape,
    conv_transpose_scratch_len, reference,
};

/// SplitMix64: a tiny deterministic generator driven by quickcheck's seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn f32(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }
    fn data(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.f32()).collect()
    }
}

fn check(prop: fn(u64) -> TestResult, default: u64) {
    let mut qc = QuickCheck::new();
    if std::env::var_os("QUICKCHECK_TESTS").is_none() {
        qc = qc.tests(if cfg!(miri) { 4 } else { default });
    }
    qc.quickcheck(prop);
}

/// A random problem: shapes, options, layout, data.
#[derive(Debug)]
struct Problem {
    shape: Vec<usize>,
    wshape: Vec<usize>,
    stride: Vec<usize>,
    padding: Vec<usize>,
    output_padding: Vec<usize>,
    dilation: Vec<usize>,
    groups: usize,
    layout: Layout,
    x: Vec<f32>,
    w: Vec<f32>,
    bias: Option<Vec<f32>>,
    out_len: usize,
    scratch_len: usize,
}

impl Problem {
    fn opts(&self) -> ConvTransposeOptions<'_> {
        ConvTransposeOptions::new()
            .with_stride(&self.stride)
            .with_padding(&self.padding)
            .with_output_padding(&self.output_padding)
            .with_dilation(&self.dilation)
            .with_groups(self.groups)
    }

    fn random(rng: &mut Rng) -> Option<Problem> {
        let rank = rng.range(1, 3);
        // Channel counts around every tile width: 1..=4, 5..=8, 9..=16, 17..=40.
        let groups = match rng.range(0, 3) {
            0 => 1,
            1 => rng.range(2, 4),
            _ => rng.range(1, 6), // with one in-channel per group below: depthwise
        };
        let depthwise = rng.range(0, 3) == 0;
        let in_per_group = if depthwise { 1 } else { rng.range(1, 7) };
        let out_per_group = match rng.range(0, 3) {
            0 => rng.range(1, 4),
            1 => rng.range(5, 9),
            2 => rng.range(10, 17),
            _ => rng.range(17, 40),
        };
        // Keep the work small on big channel counts and high rank.
        let max_side = match rank {
            1 => 40,
            2 => 17,
            _ => 6,
        };
        let mut shape = vec![rng.range(1, 2), groups * in_per_group];
        shape.extend((0..rank).map(|_| {
            if rng.range(0, 5) == 0 {
                1
            } else {
                rng.range(1, max_side)
            }
        }));
        let mut wshape = vec![shape[1], out_per_group];
        wshape.extend((0..rank).map(|_| rng.range(1, 5)));
        let stride: Vec<usize> = (0..rank).map(|_| rng.range(1, 4)).collect();
        let dilation: Vec<usize> = (0..rank).map(|_| rng.range(1, 3)).collect();
        let padding: Vec<usize> = (0..rank).map(|_| rng.range(0, 3)).collect();
        let output_padding: Vec<usize> = (0..rank)
            .map(|a| rng.range(0, stride[a].max(dilation[a]) - 1))
            .collect();
        let layout = if rng.range(0, 1) == 1 {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        };
        let mut p = Problem {
            x: rng.data(shape.iter().product()),
            w: rng.data(wshape.iter().product()),
            bias: (rng.range(0, 1) == 1).then(|| rng.data(groups * out_per_group)),
            shape,
            wshape,
            stride,
            padding,
            output_padding,
            dilation,
            groups,
            layout,
            out_len: 0,
            scratch_len: 0,
        };
        let opts = p.opts();
        let out = conv_transpose_output_shape(&p.shape, &p.wshape, &opts).ok()?;
        let scratch = conv_transpose_scratch_len(&p.shape, p.layout, &p.wshape, &opts).ok()?;
        p.out_len = out.numel();
        p.scratch_len = scratch;
        Some(p)
    }

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

    /// The fast path on sub-slices of sentinel-filled buffers; returns the
    /// output after checking that nothing outside it (or the scratch) moved.
    fn fast(&self, lead: usize, tail: usize) -> Result<Vec<f32>, String> {
        const SENTINEL: f32 = -7.25e30;
        let mut out = vec![SENTINEL; lead + self.out_len + tail];
        let mut scratch = vec![SENTINEL; lead + self.scratch_len + tail];
        conv_transpose(
            &self.x,
            &self.shape,
            self.layout,
            &self.w,
            &self.wshape,
            self.bias.as_deref(),
            &self.opts(),
            &mut out[lead..lead + self.out_len],
            &mut scratch[lead..lead + self.scratch_len],
        )
        .map_err(|e| format!("fast path failed: {e}"))?;
        let untouched = |v: &[f32]| v.iter().all(|x| x.to_bits() == SENTINEL.to_bits());
        if !untouched(&out[..lead]) || !untouched(&out[lead + self.out_len..]) {
            return Err("output guard band overwritten".into());
        }
        if !untouched(&scratch[..lead]) || !untouched(&scratch[lead + self.scratch_len..]) {
            return Err("scratch guard band overwritten".into());
        }
        Ok(out[lead..lead + self.out_len].to_vec())
    }
}

fn close(got: &[f32], want: &[f32]) -> Result<(), String> {
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        if (g - w).is_nan() || (g - w).abs() > 1e-4 + 1e-4 * w.abs() {
            return Err(format!("element {k}: got {g}, want {w}"));
        }
    }
    Ok(())
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
            if first
                .iter()
                .zip(&second)
                .any(|(a, b)| a.to_bits() != b.to_bits())
            {
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
        let tx = match p.fast(0, 0) {
            Ok(t) => t,
            Err(e) => return TestResult::error(e),
        };
        let y = rng.data(p.out_len);
        let mut cy = vec![0.0; p.x.len()];
        reference::conv(&y, &p.shape, p.layout, &p.w, &p.wshape, &p.opts(), &mut cy).unwrap();
        let dot = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(p, q)| f64::from(*p) * f64::from(*q))
                .sum::<f64>()
        };
        let (lhs, rhs) = (dot(&tx, &y), dot(&p.x, &cy));
        TestResult::from_bool((lhs - rhs).abs() <= 1e-4 * (1.0 + lhs.abs()))
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
                    x: rng.data(3 * 2 * width),
                    w: rng.data(3 * out_per_group * 12),
                    bias: Some(rng.data(out_per_group)),
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
        let mut out = vec![1.0; out_len];
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
        assert!(out.iter().all(|&v| v == 1.0));
    }
}

/// Small problems need no scratch (the panel lives on the stack).
#[test]
fn small_problems_need_no_scratch() {
    let opts = ConvTransposeOptions::new().with_stride(&[2]).with_groups(3);
    let need =
        conv_transpose_scratch_len(&[1, 3, 8, 8], Layout::ChannelsLast, &[3, 1, 4, 4], &opts)
            .unwrap();
    assert_eq!(need, 0);
}
