//! The tests' random generator, and the quickcheck runner that seeds it.

use quickcheck::{QuickCheck, TestResult};
use upsample::Layout;

/// Runs `prop` on quickcheck's random seeds: `tests` cases, 4 under miri,
/// `tests / UPSAMPLE_CASE_DIVISOR` (rounded up) when that is set, or
/// `QUICKCHECK_TESTS` cases when that is set (quickcheck reads it).
///
/// CI's emulated targets (aarch64 under qemu, wasm32 under Node) set the
/// divisor to 4: each property's fixed cases all still run there, on a
/// quarter of the random ones, while the x86 runs (SSE2, AVX2 + FMA,
/// native where it differs, the small-stack builds) run them all.
pub fn check(prop: fn(u64) -> TestResult, tests: u64) {
    let mut qc = QuickCheck::new();
    if std::env::var_os("QUICKCHECK_TESTS").is_none() {
        qc = qc.tests(if cfg!(miri) {
            4
        } else {
            tests.div_ceil(case_divisor())
        });
    }
    qc.quickcheck(prop);
}

/// `UPSAMPLE_CASE_DIVISOR`, 1 when unset; anything but a positive integer
/// is a mistake in the caller's environment, and fails the test.
fn case_divisor() -> u64 {
    match std::env::var("UPSAMPLE_CASE_DIVISOR") {
        Err(_) => 1,
        Ok(text) => match text.parse::<u64>() {
            Ok(d) if d > 0 => d,
            _ => panic!("UPSAMPLE_CASE_DIVISOR is {text:?}, not a positive integer"),
        },
    }
}

/// SplitMix64: a tiny deterministic generator driven by quickcheck's seed
/// (or a fixed one). Every method draws from `next` a fixed number of
/// times per value, so a case is a function of its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// `n` values of `range(lo, hi)`: one per axis.
    pub fn ranges(&mut self, n: usize, lo: usize, hi: usize) -> Vec<usize> {
        (0..n).map(|_| self.range(lo, hi)).collect()
    }

    /// A valid transposed-convolution output padding per axis: below the
    /// larger of that axis's stride and dilation.
    pub fn output_padding(&mut self, stride: &[usize], dilation: &[usize]) -> Vec<usize> {
        stride
            .iter()
            .zip(dilation)
            .map(|(&s, &d)| self.range(0, s.max(d) - 1))
            .collect()
    }

    /// True or false, even odds (the same draw as `range(0, 1) == 1`).
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// One of `items`, uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    /// Channels-last on heads, else channels-first (the same draw as
    /// `coin`, and as `pick(&[ChannelsFirst, ChannelsLast])`).
    pub fn layout(&mut self) -> Layout {
        if self.coin() {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        }
    }

    /// Uniform in `[0, 1)`, on a grid of 2^-24 (24 random bits).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `[-1, 1)`, on a grid of 2^-23: `2 * unit() - 1`.
    pub fn signed_unit(&mut self) -> f32 {
        self.unit() * 2.0 - 1.0
    }

    /// `n` values of [`Rng::signed_unit`].
    pub fn signed_units(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.signed_unit()).collect()
    }

    /// `n` values uniform in `[-8, 8)` on a grid of 2^-20: 24 random bits
    /// each, distinct bit patterns, so a misplaced copy shows.
    pub fn wide_values(&mut self, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 20) as f32 - 8.0)
            .collect()
    }

    /// `n` values in `[-1, 1)` with what users bring mixed in: about 3% NaN,
    /// 3% +inf, 3% -inf, 2% subnormals, and (`huge`) 2% values near
    /// `f32::MAX`, whose weighted sums overflow.
    pub fn special_values(&mut self, n: usize, huge: bool) -> Vec<f32> {
        (0..n)
            .map(|_| match self.range(0, 99) {
                0..=2 => f32::NAN,
                3..=5 => f32::INFINITY,
                6..=8 => f32::NEG_INFINITY,
                9 => 1e-40,
                10 => -1.4e-45,
                11 if huge => f32::MAX,
                12 if huge => -3.0e38,
                _ => self.signed_unit(),
            })
            .collect()
    }

    /// `n` values for max pooling: small integers (ties), with NaNs,
    /// infinities and signed zeros mixed in.
    pub fn pool_data(&mut self, n: usize) -> Vec<f32> {
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

    /// An axis size: mostly in `1..=max`, often 1 (a degenerate axis), and
    /// sometimes 16, 17, 32 or 33 whatever `max` is (a multiple of 16 lanes
    /// or one past it).
    pub fn size(&mut self, max: usize) -> usize {
        match self.range(0, 9) {
            0 | 1 => 1,
            2 => 16 * self.range(1, 2) + self.range(0, 1),
            _ => self.range(1, max),
        }
    }

    /// A logical shape `(N, C, spatial...)`: N in 1..=2, C in 1..=3, and
    /// `rank` spatial sizes in `1..=max`.
    pub fn shape(&mut self, rank: usize, max: usize) -> Vec<usize> {
        let mut s = vec![self.range(1, 2), self.range(1, 3)];
        s.extend(self.ranges(rank, 1, max));
        s
    }
}
