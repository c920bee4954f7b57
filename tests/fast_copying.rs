//! The public fast paths of the copying ops (pixel shuffle and unshuffle,
//! max pool with indices, max and average unpooling) against
//! `upsample::reference`, bit for bit, over random shapes, factors and
//! geometries in both layouts. `QUICKCHECK_TESTS` sets the case count.
//!
//! Every fast call writes into the middle of a larger sentinel-filled buffer
//! at a random offset (so every alignment is met), and the guard bands on
//! both sides must come back untouched.

use quickcheck::{QuickCheck, TestResult};
use upsample::{Error, Layout, MaxPoolOptions, UnpoolOptions, reference};

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
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    /// Mostly small sizes, sometimes one past a multiple of 16 lanes, and
    /// often 1 (a degenerate axis).
    fn size(&mut self, max: usize) -> usize {
        match self.range(0, 9) {
            0 | 1 => 1,
            2 => 16 * self.range(1, 2) + self.range(0, 1),
            _ => self.range(1, max),
        }
    }
    fn layout(&mut self) -> Layout {
        if self.coin() {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        }
    }
    /// Random values with distinct bit patterns, so a misplaced copy shows.
    fn data(&mut self, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 20) as f32 - 8.0)
            .collect()
    }
    /// Values for max pooling: small integers (ties), with NaNs, infinities
    /// and signed zeros mixed in.
    fn pool_data(&mut self, n: usize) -> Vec<f32> {
        let special = self.range(0, 3);
        (0..n)
            .map(|_| match (special, self.range(0, 15)) {
                (1, 0) => f32::NAN,
                (1, 1) => f32::from_bits(0x7fc0_1234), // NaN with a payload
                (1 | 2, 2..=5) => f32::NEG_INFINITY,
                (2, 6) => f32::INFINITY,
                (3, 0..=7) => f32::NEG_INFINITY,
                (_, 8) => -0.0,
                (_, 9) => 0.0,
                _ => self.range(0, 3) as f32,
            })
            .collect()
    }
}

fn check(prop: fn(u64) -> TestResult) {
    // QUICKCHECK_TESTS, when set, overrides the default count.
    let mut qc = QuickCheck::new();
    if std::env::var_os("QUICKCHECK_TESTS").is_none() {
        qc = qc.tests(if cfg!(miri) { 4 } else { 500 });
    }
    qc.quickcheck(prop);
}

const GUARD: usize = 40;
const SENTINEL_F32: f32 = -12345.678;
const SENTINEL_I64: i64 = -0x5EED;

/// A buffer of `len` elements at offset `offset` inside `GUARD`-element
/// sentinel bands on both sides.
struct Guarded<T> {
    buf: Vec<T>,
    offset: usize,
    len: usize,
    sentinel: T,
}

impl<T: Copy + PartialEq + std::fmt::Debug> Guarded<T> {
    fn new(len: usize, offset: usize, sentinel: T) -> Self {
        Guarded {
            buf: vec![sentinel; len + offset + GUARD],
            offset,
            len,
            sentinel,
        }
    }
    fn inner(&mut self) -> &mut [T] {
        &mut self.buf[self.offset..self.offset + self.len]
    }
    fn get(&self) -> &[T] {
        &self.buf[self.offset..self.offset + self.len]
    }
    fn bands_intact(&self) -> bool {
        let (head, rest) = self.buf.split_at(self.offset);
        let tail = &rest[self.len..];
        head.iter().chain(tail).all(|&v| v == self.sentinel)
    }
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Where two f32 slices first differ bitwise, for failure messages.
fn first_difference(a: &[f32], b: &[f32]) -> Option<(usize, f32, f32)> {
    a.iter()
        .zip(b)
        .enumerate()
        .find(|(_, (x, y))| x.to_bits() != y.to_bits())
        .map(|(i, (x, y))| (i, *x, *y))
}

#[test]
fn pixel_shuffle_and_unshuffle_match_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = match rng.range(0, 9) {
            0 => 1,
            1..=3 => 2,
            4 | 5 => 3,
            6 | 7 => 4,
            _ => rng.range(5, 7),
        };
        let layout = rng.layout();
        let shuffle = rng.coin();
        let c = rng.size(if r > 3 { 3 } else { 20 });
        let (h, w) = (rng.size(6), rng.size(if r > 3 { 8 } else { 40 }));
        let shape = if shuffle {
            vec![rng.range(1, 2), c * r * r, h, w]
        } else {
            vec![rng.range(1, 2), c, h * r, w * r]
        };
        let input = rng.data(shape.iter().product());
        let mut want = vec![0.0; input.len()];
        let mut got = Guarded::new(input.len(), rng.range(0, 16), SENTINEL_F32);
        if shuffle {
            reference::pixel_shuffle(&input, &shape, layout, r, &mut want).unwrap();
            upsample::pixel_shuffle(&input, &shape, layout, r, got.inner()).unwrap();
        } else {
            reference::pixel_unshuffle(&input, &shape, layout, r, &mut want).unwrap();
            upsample::pixel_unshuffle(&input, &shape, layout, r, got.inner()).unwrap();
        }
        let ok = same_bits(got.get(), &want) && got.bands_intact();
        if !ok {
            eprintln!(
                "pixel_{}shuffle {shape:?} r {r} {layout:?}: first difference {:?}, bands intact {}",
                if shuffle { "" } else { "un" },
                first_difference(got.get(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop);
}

/// Channels-last pixel_shuffle with output channels a multiple of 16 (the
/// kernels that take 16 channels at a time), factors 2, 3 and 4, widths
/// around a vector, at every offset of the output buffer: bit for bit
/// against the reference, nothing written past the output. The random
/// property above meets these channel counts only about once in a hundred
/// cases.
#[test]
fn pixel_shuffle_channels_last_by_16_channels() {
    let mut rng = Rng(0x16C);
    for r in 2..=4 {
        for c in [16, 32, 48] {
            for (h, w) in [(1, 1), (2, 3), (3, 17)] {
                let shape = [1, c * r * r, h, w];
                let input = rng.data(shape.iter().product());
                let mut want = vec![0.0; input.len()];
                reference::pixel_shuffle(&input, &shape, Layout::ChannelsLast, r, &mut want)
                    .unwrap();
                for offset in [0, 1, 3] {
                    let mut got = Guarded::new(input.len(), offset, SENTINEL_F32);
                    upsample::pixel_shuffle(&input, &shape, Layout::ChannelsLast, r, got.inner())
                        .unwrap();
                    assert!(
                        same_bits(got.get(), &want),
                        "{shape:?} r {r} offset {offset}: first difference {:?}",
                        first_difference(got.get(), &want)
                    );
                    assert!(got.bands_intact(), "{shape:?} r {r}: guard band written");
                }
            }
        }
    }
}

/// Random pooling geometry for `rank` spatial dims: kernel, stride (or
/// empty, meaning the kernel), padding up to half the kernel, dilation.
struct PoolGeometry {
    kernel: Vec<usize>,
    stride: Vec<usize>,
    padding: Vec<usize>,
    dilation: Vec<usize>,
}

impl PoolGeometry {
    fn random(rng: &mut Rng, rank: usize) -> Self {
        // One value for every axis, or one per axis.
        let per_axis = rng.coin();
        let count = if per_axis { rank } else { 1 };
        let kernel: Vec<usize> = (0..count).map(|_| rng.range(1, 4)).collect();
        let stride = match rng.range(0, 3) {
            0 => vec![],
            _ => (0..count).map(|_| rng.range(1, 3)).collect(),
        };
        let padding = kernel.iter().map(|&k| rng.range(0, k / 2)).collect();
        let dilation = (0..count)
            .map(|_| {
                if rng.range(0, 3) == 0 {
                    rng.range(2, 3)
                } else {
                    1
                }
            })
            .collect();
        PoolGeometry {
            kernel,
            stride,
            padding,
            dilation,
        }
    }
}

#[test]
fn max_pool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let layout = rng.layout();
        let c = match rng.range(0, 3) {
            0 => 1,
            1 => rng.range(2, 5),
            _ => rng.size(40),
        };
        let max = [60, 24, 10][rank - 1];
        let mut shape = vec![rng.range(1, 2), c];
        shape.extend((0..rank).map(|_| rng.size(max)));
        let geo = PoolGeometry::random(&mut rng, rank);
        let opts = MaxPoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding)
            .with_dilation(&geo.dilation)
            .with_ceil_mode(rng.coin());
        let Ok(out_shape) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let input = rng.pool_data(shape.iter().product());
        let n = out_shape.numel();
        let (mut want, mut want_idx) = (vec![0.0; n], vec![0i64; n]);
        reference::max_pool(&input, &shape, layout, &opts, &mut want, &mut want_idx).unwrap();
        let mut got = Guarded::new(n, rng.range(0, 16), SENTINEL_F32);
        let mut idx = Guarded::new(n, rng.range(0, 8), SENTINEL_I64);
        upsample::max_pool(&input, &shape, layout, &opts, got.inner(), idx.inner()).unwrap();
        let ok = same_bits(got.get(), &want)
            && idx.get() == want_idx.as_slice()
            && got.bands_intact()
            && idx.bands_intact();
        if !ok {
            let bad_index = idx.get().iter().zip(&want_idx).position(|(a, b)| a != b);
            eprintln!(
                "max_pool {shape:?} {layout:?} k {:?} s {:?} p {:?} d {:?} ceil {}: \
                 values {:?}, index {:?}, bands {} {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                geo.dilation,
                opts.ceil_mode,
                first_difference(got.get(), &want),
                bad_index.map(|i| (i, idx.get()[i], want_idx[i])),
                got.bands_intact(),
                idx.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop);
}

/// An unpooling geometry and the input shape it applies to.
fn random_unpool(rng: &mut Rng) -> (Vec<usize>, PoolGeometry, Option<Vec<usize>>, Layout) {
    let rank = rng.range(1, 3);
    let layout = rng.layout();
    let c = match rng.range(0, 3) {
        0 => 1,
        1 => rng.range(2, 5),
        _ => rng.size(40),
    };
    let max = [40, 14, 6][rank - 1];
    let mut shape = vec![rng.range(1, 2), c];
    shape.extend((0..rank).map(|_| rng.size(max)));
    let mut geo = PoolGeometry::random(rng, rank);
    // Unpooling has no dilation; kernel == stride (replication) half the time.
    geo.dilation = vec![1];
    if rng.coin() {
        geo.kernel = (0..rank).map(|_| rng.range(1, 4)).collect();
        geo.stride = if rng.coin() {
            vec![]
        } else {
            geo.kernel.clone()
        };
        geo.padding = geo.kernel.iter().map(|&k| rng.range(0, k / 2)).collect();
    }
    let output_size = rng.coin().then(|| {
        // Anywhere within stride of the default (validated by the op).
        let stride = if geo.stride.is_empty() {
            &geo.kernel
        } else {
            &geo.stride
        };
        (0..rank)
            .map(|a| {
                let pick = |v: &Vec<usize>| v[if v.len() == 1 { 0 } else { a }];
                let default = (shape[2 + a] - 1) * pick(stride) + pick(&geo.kernel);
                let default = default.saturating_sub(2 * pick(&geo.padding));
                default + rng.range(0, pick(stride) - 1)
            })
            .collect()
    });
    (shape, geo, output_size, layout)
}

#[test]
fn max_unpool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, output_size, layout) = random_unpool(&mut rng);
        let mut opts = UnpoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding);
        if let Some(size) = &output_size {
            opts = opts.with_output_size(size);
        }
        let Ok(out_shape) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let n: usize = shape.iter().product();
        let plane = out_shape[2..].iter().product::<usize>();
        let input = rng.data(n);
        // Indices anywhere in the plane, with duplicates (later wins), and
        // sometimes one out of range (then the output must be all NaN).
        let mut indices: Vec<i64> = (0..n)
            .map(|_| match rng.range(0, 3) {
                0 => rng.range(0, 2.min(plane - 1)) as i64,
                _ => rng.range(0, plane - 1) as i64,
            })
            .collect();
        let invalid = rng.range(0, 9) == 0;
        if invalid {
            let at = rng.range(0, n - 1);
            indices[at] = if rng.coin() { -1 } else { plane as i64 };
        }
        let mut want = vec![0.0; out_shape.numel()];
        let want_result = reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want);
        let mut got = Guarded::new(want.len(), rng.range(0, 16), SENTINEL_F32);
        let got_result = upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner());
        let ok = got_result == want_result
            && got.bands_intact()
            && match want_result {
                Ok(()) => same_bits(got.get(), &want),
                Err(Error::IndexOutOfRange { .. }) => got.get().iter().all(|v| v.is_nan()),
                Err(_) => got.get().iter().all(|&v| v == SENTINEL_F32),
            };
        if !ok {
            eprintln!(
                "max_unpool {shape:?} {layout:?} k {:?} s {:?} p {:?} size {output_size:?}: \
                 {got_result:?} vs {want_result:?}, first difference {:?}, bands {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                first_difference(got.get(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop);
}

#[test]
fn avg_unpool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, output_size, layout) = random_unpool(&mut rng);
        let mut opts = UnpoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding);
        if let Some(size) = &output_size {
            opts = opts.with_output_size(size);
        }
        let Ok(out_shape) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        // Signed zeros too: the reference's 0.0 + v turns -0.0 into 0.0.
        let mut input = rng.data(shape.iter().product());
        for v in input.iter_mut() {
            if rng.range(0, 15) == 0 {
                *v = if rng.coin() { -0.0 } else { 0.0 };
            }
        }
        let mut want = vec![0.0; out_shape.numel()];
        reference::avg_unpool(&input, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), rng.range(0, 16), SENTINEL_F32);
        upsample::avg_unpool(&input, &shape, layout, &opts, got.inner()).unwrap();
        let ok = same_bits(got.get(), &want) && got.bands_intact();
        if !ok {
            eprintln!(
                "avg_unpool {shape:?} {layout:?} k {:?} s {:?} p {:?} size {output_size:?}: \
                 first difference {:?}, bands {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                first_difference(got.get(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop);
}

/// Planes larger than the cache-sized ones `max_unpool` zeroes whole take
/// the zero-ahead path; random shapes stay small, so check it here, with
/// out-of-order and duplicate indices.
#[test]
fn max_unpool_large_planes_match_reference() {
    let mut rng = Rng(7);
    for (shape, layout) in [
        ([1, 2, 300, 450], Layout::ChannelsFirst),
        ([1, 1, 520, 520], Layout::ChannelsLast),
        ([1, 3, 200, 230], Layout::ChannelsLast),
    ] {
        let opts = UnpoolOptions::new(&[2]);
        let out_shape = upsample::unpool_output_shape(&shape, &opts).unwrap();
        let plane: usize = out_shape[2..].iter().product();
        let n: usize = shape.iter().product();
        let input = rng.data(n);
        let indices: Vec<i64> = (0..n)
            .map(|j| match rng.range(0, 5) {
                0 => rng.range(0, plane - 1) as i64,
                1 => (plane - 1 - j % plane) as i64,
                _ => ((j % (plane / 4)) * 4 + rng.range(0, 3)) as i64,
            })
            .collect();
        let mut want = vec![0.0; out_shape.numel()];
        reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), 3, SENTINEL_F32);
        upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner()).unwrap();
        assert!(same_bits(got.get(), &want), "{shape:?} {layout:?}");
        assert!(got.bands_intact());
    }
}

/// Above the in-cache size, `max_unpool` of what `max_pool` wrote (every
/// index in its own stride cell) writes each output row once instead of
/// scattering, in both layouts (channels-last with lanes along the
/// channels, 16 to 24 of them here with tails); it checks the indices as it
/// writes, so an index out of its plane in a late plane or pixel must still
/// be named, with the whole output turned to NaN.
#[test]
fn max_unpool_after_max_pool_large() {
    let mut rng = Rng(11);
    for (full, layout) in [
        ([2, 3, 300, 330], Layout::ChannelsFirst),
        ([1, 20, 160, 150], Layout::ChannelsLast),
        ([1, 17, 90, 300], Layout::ChannelsLast),
        ([1, 24, 128, 100], Layout::ChannelsLast),
    ] {
        let pool = MaxPoolOptions::new(&[2]);
        let shape = upsample::max_pool_output_shape(&full, &pool).unwrap();
        let source = rng.data(full.iter().product());
        let (mut input, mut indices) = (vec![0.0; shape.numel()], vec![0i64; shape.numel()]);
        upsample::max_pool(&source, &full, layout, &pool, &mut input, &mut indices).unwrap();
        let opts = UnpoolOptions::new(&[2]);
        let mut want = vec![0.0; full.iter().product()];
        reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), 5, SENTINEL_F32);
        upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner()).unwrap();
        assert!(same_bits(got.get(), &want), "{full:?} {layout:?}");
        assert!(got.bands_intact());
        let plane = (full[2] * full[3]) as i64;
        for (at, bad) in [(indices.len() - 7, plane), (indices.len() / 2 + 3, -1)] {
            let mut indices = indices.clone();
            indices[at] = bad;
            let mut got = Guarded::new(want.len(), 5, SENTINEL_F32);
            let result = upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner());
            let named = Error::IndexOutOfRange {
                position: at,
                index: bad,
                plane_size: plane as usize,
            };
            assert_eq!(result, Err(named), "{full:?} {layout:?}");
            assert!(got.get().iter().all(|v| v.is_nan()), "{full:?} {layout:?}");
            assert!(got.bands_intact());
        }
    }
}
