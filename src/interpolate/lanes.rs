//! The two shuffles the resampling kernels need beyond [`Lane`]: a
//! deinterleave for halving, and an interleave for doubling.
//!
//! Written on arrays, which LLVM turns into the target's shuffles (`unpcklps`
//! / `vpermt2ps` on x86, `zip1` / `uzp1` on NEON, `i8x16.shuffle` on wasm)
//! and which stay plain array code where there is no SIMD.

use crate::simd::Lane;
use wide::{f32x4, f32x8, f32x16};

/// Shuffles over a [`Lane`] type.
pub(crate) trait Shuffle: Lane {
    /// The even and the odd lanes of `self` followed by `other`:
    /// `([a0, a2, .., b0, b2, ..], [a1, a3, .., b1, b3, ..])`.
    fn unzip(self, other: Self) -> (Self, Self);
    /// `self` and `other` interleaved, `[a0, b0, a1, b1, ..]`, as two vectors.
    fn zip(self, other: Self) -> (Self, Self);
}

macro_rules! impl_shuffle {
    ($t:ty, $n:literal) => {
        impl Shuffle for $t {
            #[inline(always)]
            fn unzip(self, other: Self) -> (Self, Self) {
                // On computed vectors: picking lanes of a load instead (a
                // strided load) compiles to one insert per lane.
                let (a, b) = (self.to_array(), other.to_array());
                let pick = |i: usize| if i < $n { a[i] } else { b[i - $n] };
                (
                    <$t>::new(core::array::from_fn(|i| pick(2 * i))),
                    <$t>::new(core::array::from_fn(|i| pick(2 * i + 1))),
                )
            }
            #[inline(always)]
            fn zip(self, other: Self) -> (Self, Self) {
                let (a, b) = (self.to_array(), other.to_array());
                let pick = |base: usize, i: usize| {
                    if i % 2 == 0 {
                        a[base + i / 2]
                    } else {
                        b[base + i / 2]
                    }
                };
                (
                    <$t>::new(core::array::from_fn(|i| pick(0, i))),
                    <$t>::new(core::array::from_fn(|i| pick($n / 2, i))),
                )
            }
        }
    };
}

impl_shuffle!(f32x4, 4);
impl_shuffle!(f32x8, 8);
impl_shuffle!(f32x16, 16);

#[cfg(test)]
mod tests {
    use super::*;

    fn shuffles<L: Shuffle>() {
        let src: [f32; 40] = core::array::from_fn(|i| i as f32);
        let mut out = [0.0f32; 32];
        let (even, odd) = L::load(&src[3..]).unzip(L::load(&src[3 + L::LANES..]));
        even.store(&mut out);
        odd.store(&mut out[L::LANES..]);
        for i in 0..L::LANES {
            assert_eq!(out[i], (3 + 2 * i) as f32);
            assert_eq!(out[L::LANES + i], (4 + 2 * i) as f32);
        }
        let (lo, hi) = L::load(&src).zip(L::load(&src[20..]));
        lo.store(&mut out);
        hi.store(&mut out[L::LANES..]);
        for i in 0..L::LANES {
            assert_eq!(out[2 * i], i as f32);
            assert_eq!(out[2 * i + 1], (20 + i) as f32);
        }
    }

    #[test]
    fn every_width_shuffles() {
        shuffles::<f32x4>();
        shuffles::<f32x8>();
        shuffles::<f32x16>();
    }
}
