//! The two shuffles the resampling kernels need beyond [`Lane`]: an
//! even-lane (stride-2) load for halving, and an interleave for doubling.
//!
//! Written on arrays, which LLVM turns into the target's shuffles (`unpcklps`
//! / `vpermt2ps` on x86, `zip1` / `uzp1` on NEON, `i8x16.shuffle` on wasm)
//! and which stay plain array code where there is no SIMD.

use crate::simd::Lane;
use wide::{f32x4, f32x8, f32x16};

/// Shuffles over a [`Lane`] type.
pub(crate) trait Shuffle: Lane {
    /// `[s[0], s[2], .., s[2 * (LANES - 1)]]`: reads `2 * LANES - 1` elements.
    fn load_even(s: &[f32]) -> Self;
    /// `self` and `other` interleaved, `[a0, b0, a1, b1, ..]`, as two vectors.
    fn zip(self, other: Self) -> (Self, Self);
}

macro_rules! impl_shuffle {
    ($t:ty, $n:literal) => {
        impl Shuffle for $t {
            #[inline(always)]
            fn load_even(s: &[f32]) -> Self {
                match s.first_chunk::<{ 2 * $n - 1 }>() {
                    Some(a) => <$t>::new(core::array::from_fn(|i| a[2 * i])),
                    None => {
                        debug_assert!(false, "strided load past the end of {} elements", s.len());
                        <$t>::splat(0.0)
                    }
                }
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
        L::load_even(&src[3..]).store(&mut out);
        for (i, &v) in out[..L::LANES].iter().enumerate() {
            assert_eq!(v, (3 + 2 * i) as f32);
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
