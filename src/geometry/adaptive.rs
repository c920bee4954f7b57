//! `start_index` / `end_index` of ATen's `aten/src/ATen/native/AdaptivePooling.h`:
//! the input window of each output of an adaptive average pooling
//! (`mode="area"`).

/// `start_index(a, b, c) = (a / b) * c + ((a % b) * c) / b`: the first
/// input index of output `a` of `b`, for input size `c`. (The result is
/// at most `c` for `a < b`.)
pub(crate) fn start_index(a: usize, b: usize, c: usize) -> usize {
    let narrow = || {
        let [a, b, c] = narrow([a, b, c])?;
        let p = (a / b)
            .checked_mul(c)?
            .checked_add((a % b).checked_mul(c)? / b)?;
        usize::try_from(p).ok()
    };
    narrow().unwrap_or_else(|| {
        let (a, b, c) = (a as u128, b as u128, c as u128);
        ((a / b) * c + ((a % b) * c) / b) as usize
    })
}

/// `end_index(a, b, c) = 1 + ((a + 1) * c - 1) / b`: one past the last.
pub(crate) fn end_index(a: usize, b: usize, c: usize) -> usize {
    let narrow = || {
        let [a, b, c] = narrow([a, b, c])?;
        let p = 1 + a.checked_add(1)?.checked_mul(c)?.checked_sub(1)? / b;
        usize::try_from(p).ok()
    };
    narrow().unwrap_or_else(|| {
        let (a, b, c) = (a as u128, b as u128, c as u128);
        (1 + ((a + 1) * c - 1) / b) as usize
    })
}

/// The arguments in `u64`, where the products of [`start_index`] and
/// [`end_index`] fit whenever the sizes are below 2^32: there a division
/// is one instruction (or a short routine on 32-bit targets), where the
/// `u128` of the general case calls a library division (about 1/3 of the
/// time of a channels-first area gradient of long rows). Both give the
/// same value.
fn narrow(v: [usize; 3]) -> Option<[u64; 3]> {
    let [a, b, c] = v.map(|x| u64::try_from(x).ok());
    Some([a?, b?, c?])
}
