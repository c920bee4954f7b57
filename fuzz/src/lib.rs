//! Differential fuzzing of `upsample`: every public entry point against its
//! scalar twin in `upsample::reference`.
//!
//! Each `fuzz_targets/<name>.rs` hands libFuzzer's bytes to `<name>::run`
//! here. The op-family targets (`interpolate`, `pixel_shuffle`, `pool`,
//! `conv_transpose`) decode the bytes into an op, its options, a layout and a
//! small bounded shape (mostly valid; a `Twist` byte sometimes breaks one
//! thing on purpose), fill the input from the bytes left over, run the public
//! op and the reference on guarded buffers, and assert:
//!
//! * both succeed, or both fail with the same error variant
//!   (`core::mem::discriminant`), and a failing call wrote nothing (but
//!   for max_unpool's index outside its plane, after which the output is
//!   all NaN);
//! * on success the outputs agree: bit for bit for the copying ops (nearest,
//!   nearest-exact, pixel (un)shuffle, max_pool values and indices,
//!   max_unpool), within the crate's documented tolerance otherwise (inputs
//!   in [-1, 1] there, so the tolerances mean what they say, with NaN,
//!   infinities, subnormals and values near `f32::MAX` mixed in by half the
//!   cases: `smooth_values`); NaN matches NaN, an infinity only the same
//!   infinity;
//! * nothing outside the output slice changed: each output is the middle of a
//!   larger buffer filled with a sentinel (public and reference get different
//!   sentinels, so an element either forgets to write shows up too).
//!
//! `unconstrained` feeds wild shapes and options (huge, zero, overflowing) to
//! every op and asserts no panic, with buffers sized so that validation is
//! reached (see [`unconstrained`]).

use core::fmt::Debug;
use core::mem::discriminant;

use bytemuck::{AnyBitPattern, NoUninit};
use upsample::{Error, Layout};

pub mod conv_transpose;
pub mod interpolate;
pub mod pixel_shuffle;
pub mod pool;
pub mod resize;
pub mod unconstrained;

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// A cursor over the fuzz input: reads past the end give zeros.
pub struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes(data)
    }

    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    /// A value in `0..n` (`n <= 256`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// A value in `lo..=hi` (`hi - lo < 256`).
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Eight bytes, little-endian.
    pub fn u64(&mut self) -> u64 {
        let mut raw = [0u8; 8];
        for b in &mut raw {
            *b = self.byte();
        }
        u64::from_le_bytes(raw)
    }

    /// A size in 1..=`max`: mostly 1..=8, sometimes up to `max` (for the
    /// vector tails of the wider lanes).
    pub fn extent(&mut self, max: usize) -> usize {
        let b = usize::from(self.byte());
        if b < 160 || max <= 8 {
            1 + b % max.min(8)
        } else {
            1 + b % max
        }
    }

    pub fn layout(&mut self) -> Layout {
        if self.flag() {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        }
    }

    /// What is left: the tensor data.
    pub fn rest(&self) -> &'a [u8] {
        self.0
    }

    /// Mostly `Twist::None`; about one case in five breaks one thing.
    pub fn twist(&mut self) -> Twist {
        const TWISTS: [Twist; 7] = [
            Twist::InputLength,
            Twist::OutputLength,
            Twist::ZeroAxis,
            Twist::Rank,
            Twist::ParameterCount,
            Twist::Parameter,
            Twist::Options,
        ];
        match self.byte() {
            b @ 200.. => TWISTS[usize::from(b - 200) % TWISTS.len()],
            _ => Twist::None,
        }
    }

    /// `(N, C, spatial...)` with `N` in 1..=2, `C` in 1..=`max_c`, each
    /// spatial size in 1..=`max_spatial` (see [`Bytes::extent`]); a
    /// `ZeroAxis` twist zeroes one axis and a `Rank` twist adds or drops one.
    pub fn shape(
        &mut self,
        twist: Twist,
        rank: usize,
        max_c: usize,
        max_spatial: usize,
    ) -> Vec<usize> {
        let mut shape = vec![self.range(1, 2), self.extent(max_c)];
        for _ in 0..rank {
            shape.push(self.extent(max_spatial));
        }
        self.twist_shape(twist, &mut shape);
        shape
    }

    /// Applies a `ZeroAxis` or `Rank` twist to a shape.
    pub fn twist_shape(&mut self, twist: Twist, shape: &mut Vec<usize>) {
        match twist {
            Twist::ZeroAxis => {
                let axis = self.below(shape.len());
                shape[axis] = 0;
            }
            Twist::Rank => {
                if self.flag() || shape.len() <= 2 {
                    shape.push(self.range(1, 3));
                } else {
                    shape.pop();
                }
            }
            _ => {}
        }
    }

    /// A per-dimension list of `rank` values drawn by `value`: one value or
    /// one per axis, and under a `ParameterCount` twist a wrong count.
    pub fn list<T>(
        &mut self,
        twist: Twist,
        rank: usize,
        mut value: impl FnMut(&mut Self) -> T,
    ) -> Vec<T> {
        let count = if twist == Twist::ParameterCount && self.flag() {
            // Neither 1 nor rank: none, or one too many.
            if self.flag() { 0 } else { rank.max(1) + 1 }
        } else if self.flag() {
            1
        } else {
            rank
        };
        (0..count).map(|_| value(self)).collect()
    }
}

/// One deliberate defect in an otherwise valid case, so that the error paths
/// are compared too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Twist {
    None,
    /// The input (or weight, bias, indices) slice is one too long or short.
    InputLength,
    /// The output slice is one too long or short.
    OutputLength,
    /// One axis of the shape is zero.
    ZeroAxis,
    /// The shape has one axis too many or too few.
    Rank,
    /// A per-dimension list has a wrong number of values.
    ParameterCount,
    /// A parameter is out of its valid range (zero, too large).
    Parameter,
    /// An option combination the op rejects.
    Options,
}

impl Twist {
    /// `len`, or under `twist` one more or one less (by the next byte).
    pub fn length(self, twist: Twist, len: usize, b: &mut Bytes<'_>) -> usize {
        if self != twist {
            len
        } else if b.flag() || len == 0 {
            len + 1
        } else {
            len - 1
        }
    }
}

/// The product of a shape's dimensions, if it fits in `usize`.
pub fn numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

// ---------------------------------------------------------------------------
// Tensor data
// ---------------------------------------------------------------------------

/// `n` values of `T` read (with bytemuck) from `bytes`, cycling; zeros when
/// `bytes` holds less than one value.
pub fn fill<T: AnyBitPattern>(bytes: &[u8], n: usize) -> Vec<T> {
    let size = size_of::<T>();
    let whole = bytes.len() / size;
    if whole == 0 {
        return vec![T::zeroed(); n];
    }
    (0..n)
        .map(|k| {
            let at = (k % whole) * size;
            bytemuck::pod_read_unaligned(&bytes[at..at + size])
        })
        .collect()
}

/// What users bring to the smooth ops: NaN, both infinities, subnormals,
/// and values near `f32::MAX` (last two), whose weighted sums overflow.
const USER_SPECIALS: [f32; 8] = [
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    1e-40,
    -1.4e-45,
    f32::from_bits(0xffc0_0001), // a negative NaN with a payload
    f32::MAX,
    -3.0e38,
];

/// `n` values for an op compared within a tolerance: by the first byte,
/// values in [-1, 1) (`i16 / 32768`) alone, or with one value in eight from
/// [`USER_SPECIALS`] (with `huge`, its values near `f32::MAX` too), which
/// the public op must place as the reference does: NaN where it has NaN,
/// the same infinity where it has one.
pub fn smooth_values(bytes: &[u8], n: usize, huge: bool) -> Vec<f32> {
    let Some((&kind, rest)) = bytes.split_first() else {
        return vec![0.0; n];
    };
    let specials = if huge { 8 } else { 6 };
    let values = fill::<i16>(rest, n).into_iter().map(|v| {
        let special = usize::from(v as u16 >> 13);
        if kind & 1 == 1 && (v & 7) == 0 {
            USER_SPECIALS[special % specials]
        } else {
            f32::from(v) / 32768.0
        }
    });
    values.collect()
}

/// Values the copying ops must move bit for bit: ties, both zeros, both
/// infinities, NaNs with different payloads, subnormals, the extremes.
const SPECIALS: [f32; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    1.0,
    2.0,
    0.5,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    f32::from_bits(0xffc0_0001), // a negative NaN with a payload
    f32::from_bits(0x0000_0001), // the smallest subnormal
    f32::MAX,
    f32::MIN,
    -2.0,
    0.0,
];

/// `n` values for a copying op: by the first byte, either raw `f32` bit
/// patterns or values from [`SPECIALS`] (which make ties common).
pub fn copy_values(bytes: &[u8], n: usize) -> Vec<f32> {
    match bytes.split_first() {
        Some((&kind, rest)) if kind & 1 == 1 => fill::<u8>(rest, n)
            .into_iter()
            .map(|b| SPECIALS[usize::from(b) % SPECIALS.len()])
            .collect(),
        Some((_, rest)) => fill::<f32>(rest, n),
        None => vec![0.0; n],
    }
}

// ---------------------------------------------------------------------------
// Guarded buffers
// ---------------------------------------------------------------------------

/// Elements of sentinel on each side of an output slice.
pub const GUARD: usize = 16;

/// What the public op's output holds before the call.
pub const PUBLIC_SENTINEL: f32 = 3.0e38;
/// What the reference's output holds before the call (another value, so an
/// element that either side forgets to write is a mismatch).
pub const REFERENCE_SENTINEL: f32 = -2.5e38;

/// A buffer of `GUARD + len + GUARD` elements holding `sentinel`; the op
/// writes the middle `len`.
pub struct Guarded<T> {
    buf: Vec<T>,
    len: usize,
    sentinel: T,
}

impl<T: NoUninit + Debug> Guarded<T> {
    pub fn new(len: usize, sentinel: T) -> Self {
        Guarded {
            buf: vec![sentinel; len + 2 * GUARD],
            len,
            sentinel,
        }
    }

    pub fn body(&self) -> &[T] {
        &self.buf[GUARD..GUARD + self.len]
    }

    pub fn body_mut(&mut self) -> &mut [T] {
        &mut self.buf[GUARD..GUARD + self.len]
    }

    fn is_sentinel(&self, v: &T) -> bool {
        bytemuck::bytes_of(v) == bytemuck::bytes_of(&self.sentinel)
    }

    /// Panics unless both guard bands still hold the sentinel.
    pub fn assert_guards(&self, what: &str, case: &dyn Debug) {
        let (before, rest) = self.buf.split_at(GUARD);
        let after = &rest[self.len..];
        if let Some(k) = before.iter().position(|v| !self.is_sentinel(v)) {
            panic!(
                "{what}: wrote {:?} {} elements before the output slice\n{case:#?}",
                before[k],
                GUARD - k
            );
        }
        if let Some(k) = after.iter().position(|v| !self.is_sentinel(v)) {
            panic!(
                "{what}: wrote {:?} at output[{}], past the output slice of {}\n{case:#?}",
                after[k],
                self.len + k,
                self.len
            );
        }
    }

    /// Panics unless the whole buffer still holds the sentinel (after an `Err`).
    pub fn assert_untouched(&self, what: &str, error: &Error, case: &dyn Debug) {
        if let Some(k) = self.buf.iter().position(|v| !self.is_sentinel(v)) {
            panic!(
                "{what}: returned {error:?} but wrote {:?} at buffer[{k}]\n{case:#?}",
                self.buf[k]
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------

/// How closely the public op must follow the reference.
#[derive(Clone, Copy, Debug)]
pub enum Tolerance {
    /// Same bits (any NaN matches any NaN).
    Exact,
    /// `|public - reference| <= atol + rtol * |reference|`, NaN matching NaN.
    Close { atol: f64, rtol: f64 },
}

/// Interpolation (but nearest) and avg_unpool: `assert_close`'s float32 defaults.
pub const SMOOTH: Tolerance = Tolerance::Close {
    atol: 1e-5,
    rtol: 1.3e-6,
};
/// conv_transpose, for inputs, weights and biases in [-1, 1].
pub const CONV: Tolerance = Tolerance::Close {
    atol: 1e-4,
    rtol: 1e-4,
};

fn agree(public: f32, reference: f32, tolerance: Tolerance) -> bool {
    if public.is_nan() || reference.is_nan() {
        return public.is_nan() && reference.is_nan();
    }
    match tolerance {
        Tolerance::Exact => public.to_bits() == reference.to_bits(),
        Tolerance::Close { atol, rtol } => {
            let (p, r) = (f64::from(public), f64::from(reference));
            p == r || (p - r).abs() <= atol + rtol * r.abs()
        }
    }
}

/// Panics at the first element where the two outputs disagree.
pub fn assert_agree(
    what: &str,
    public: &[f32],
    reference: &[f32],
    tolerance: Tolerance,
    case: &dyn Debug,
) {
    assert_eq!(public.len(), reference.len());
    if let Some(k) = (0..public.len()).find(|&k| !agree(public[k], reference[k], tolerance)) {
        panic!(
            "{what}: public and reference disagree at element {k} of {}: {:?} ({:#010x}) vs {:?} ({:#010x}), tolerance {tolerance:?}\n{case:#?}",
            public.len(),
            public[k],
            public[k].to_bits(),
            reference[k],
            reference[k].to_bits(),
        );
    }
}

/// Panics unless two index slices are equal.
pub fn assert_same_indices(what: &str, public: &[i64], reference: &[i64], case: &dyn Debug) {
    if let Some(k) = (0..public.len()).find(|&k| public[k] != reference[k]) {
        panic!(
            "{what}: indices disagree at element {k} of {}: {} vs {}\n{case:#?}",
            public.len(),
            public[k],
            reference[k]
        );
    }
}

/// `None` when both calls succeeded; the public op's error when both failed
/// with the same variant (the caller then checks that nothing was written);
/// panics otherwise.
pub fn same_outcome(
    what: &str,
    public: Result<(), Error>,
    reference: Result<(), Error>,
    case: &dyn Debug,
) -> Option<Error> {
    match (public, reference) {
        (Ok(()), Ok(())) => None,
        (Err(p), Err(r)) if discriminant(&p) == discriminant(&r) => Some(p),
        (p, r) => panic!("{what}: public returned {p:?} but reference {r:?}\n{case:#?}"),
    }
}

/// Prints the decoded case when `UPSAMPLE_FUZZ_PRINT` is set: run an
/// artifact with it (`UPSAMPLE_FUZZ_PRINT=1 cargo +nightly fuzz run TARGET
/// FILE`) to see what it decodes to, before the op runs (for a hang).
pub fn print_case(case: &dyn Debug) {
    static PRINT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *PRINT.get_or_init(|| std::env::var_os("UPSAMPLE_FUZZ_PRINT").is_some()) {
        eprintln!("{case:#?}");
    }
}

/// Runs an op with one output through the public entry point and the
/// reference, on guarded buffers of `out_len` elements, and checks
/// everything the module docs list.
pub fn check_single(
    what: &str,
    case: &dyn Debug,
    out_len: usize,
    tolerance: Tolerance,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) {
    print_case(case);
    let mut got = Guarded::new(out_len, PUBLIC_SENTINEL);
    let mut want = Guarded::new(out_len, REFERENCE_SENTINEL);
    let public = public(got.body_mut());
    let reference = reference(want.body_mut());
    got.assert_guards(what, case);
    want.assert_guards(what, case);
    match same_outcome(what, public, reference, case) {
        // max_unpool checks its indices as it writes, and an index out of
        // its plane turns the whole output to NaN.
        Some(error @ Error::IndexOutOfRange { .. }) => {
            for (side, out) in [("public", got.body()), ("reference", want.body())] {
                if let Some(k) = out.iter().position(|v| !v.is_nan()) {
                    panic!(
                        "{what}: {side} returned {error:?} but left {} at output[{k}]\n{case:#?}",
                        out[k]
                    );
                }
            }
        }
        Some(error) => {
            got.assert_untouched(what, &error, case);
            want.assert_untouched(what, &error, case);
        }
        None => assert_agree(what, got.body(), want.body(), tolerance, case),
    }
}

/// Runs a backward op (one gradient written) through the public entry point
/// and the reference, on guarded buffers of `grad_len` elements: the same
/// outcome, the guards intact, nothing written on an error (every backward
/// op checks all of its input, indices included, first), and the gradients
/// in agreement.
pub fn check_backward(
    what: &str,
    case: &dyn Debug,
    grad_len: usize,
    tolerance: Tolerance,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) {
    print_case(case);
    let mut got = Guarded::new(grad_len, PUBLIC_SENTINEL);
    let mut want = Guarded::new(grad_len, REFERENCE_SENTINEL);
    let public = public(got.body_mut());
    let reference = reference(want.body_mut());
    got.assert_guards(what, case);
    want.assert_guards(what, case);
    match same_outcome(what, public, reference, case) {
        Some(error) => {
            got.assert_untouched(what, &error, case);
            want.assert_untouched(what, &error, case);
        }
        None => assert_agree(what, got.body(), want.body(), tolerance, case),
    }
}
