//! Comparing outputs: bit for bit, or within a tolerance.

/// The same bit pattern (a NaN matches only a NaN with its payload).
pub fn identical(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits()
}

/// [`identical`], or both NaN (of any payload: miri, for one, makes NaN
/// payloads nondeterministic).
pub fn same(a: f32, b: f32) -> bool {
    identical(a, b) || (a.is_nan() && b.is_nan())
}

/// `got` equals `want` (infinities included) or is within
/// `atol + rtol * |want|` of it, in f64. A NaN is close to nothing.
pub fn close(got: f32, want: f32, atol: f64, rtol: f64) -> bool {
    got == want || (f64::from(got) - f64::from(want)).abs() <= atol + rtol * f64::from(want).abs()
}

/// [`same`] or [`close`]: as `close`, but NaN matches NaN.
pub fn same_or_close(got: f32, want: f32, atol: f64, rtol: f64) -> bool {
    same(got, want) || close(got, want, atol, rtol)
}

/// Equal lengths, and every element [`identical`].
pub fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| identical(x, y))
}

/// The first element where `agree(got, want)` fails, as
/// `(index, got, want)`, for failure messages.
pub fn first_mismatch(
    got: &[f32],
    want: &[f32],
    agree: impl Fn(f32, f32) -> bool,
) -> Option<(usize, f32, f32)> {
    got.iter()
        .zip(want)
        .enumerate()
        .find(|&(_, (&g, &w))| !agree(g, w))
        .map(|(i, (&g, &w))| (i, g, w))
}

/// Where two slices first differ bitwise ([`first_mismatch`] with
/// [`identical`]).
pub fn first_difference(got: &[f32], want: &[f32]) -> Option<(usize, f32, f32)> {
    first_mismatch(got, want, identical)
}

/// The dot product, summed in f64.
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(p, q)| f64::from(*p) * f64::from(*q))
        .sum()
}
