//! `start_index` / `end_index` of ATen's `aten/src/ATen/native/AdaptivePooling.h`:
//! the input window of each output of an adaptive average pooling
//! (`mode="area"`).

/// `start_index(a, b, c) = (a / b) * c + ((a % b) * c) / b`: the first
/// input index of output `a` of `b`, for input size `c`.
/// (Computed in `u128` so the products cannot overflow a 32-bit `usize`;
/// the result is at most `c`.)
pub(crate) fn start_index(a: usize, b: usize, c: usize) -> usize {
    let (a, b, c) = (a as u128, b as u128, c as u128);
    ((a / b) * c + ((a % b) * c) / b) as usize
}

/// `end_index(a, b, c) = 1 + ((a + 1) * c - 1) / b`: one past the last.
pub(crate) fn end_index(a: usize, b: usize, c: usize) -> usize {
    let (a, b, c) = (a as u128, b as u128, c as u128);
    (1 + ((a + 1) * c - 1) / b) as usize
}
