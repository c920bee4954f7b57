//! [`Lane`]: a vector of `f32`s, implemented for `wide`'s `f32x4`, `f32x8`
//! and `f32x16`.
//!
//! Loads and stores take slices and cannot panic: a slice shorter than the
//! lane count is a bug in the caller (caught by `debug_assert!` in tests),
//! and in release builds reads zeros / writes nothing instead of panicking.

use core::ops::{Add, Mul, Sub};
use wide::{f32x4, f32x8, f32x16};

/// A vector of `LANES` `f32`s.
pub(crate) trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    /// Number of `f32` lanes.
    const LANES: usize;
    /// `[f32; LANES]`: one vector's lanes on the stack, no wider than the
    /// vector (a fixed `[f32; 16]` costs a 4-lane build four times the
    /// stack, which firmware counts).
    type Array: Copy + Default + AsRef<[f32]> + AsMut<[f32]>;
    /// All lanes set to `v`.
    fn splat(v: f32) -> Self;
    /// The first `LANES` elements of `s`.
    fn load(s: &[f32]) -> Self;
    /// Writes the lanes to the first `LANES` elements of `s`.
    fn store(self, s: &mut [f32]);
    /// `self * a + b`, fused where the target has FMA.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// The sum of the lanes (in `wide`'s order: pairwise, not left to right).
    fn reduce_add(self) -> f32;
}

macro_rules! impl_lane {
    ($t:ty, $n:literal) => {
        impl Lane for $t {
            const LANES: usize = $n;
            type Array = [f32; $n];
            #[inline(always)]
            fn splat(v: f32) -> Self {
                <$t>::splat(v)
            }
            #[inline(always)]
            fn load(s: &[f32]) -> Self {
                match s.first_chunk::<$n>() {
                    Some(a) => <$t>::new(*a),
                    None => {
                        debug_assert!(false, "load of {} lanes from {} elements", $n, s.len());
                        <$t>::splat(0.0)
                    }
                }
            }
            #[inline(always)]
            fn store(self, s: &mut [f32]) {
                match s.first_chunk_mut::<$n>() {
                    Some(a) => *a = self.to_array(),
                    None => debug_assert!(false, "store of {} lanes to {} elements", $n, s.len()),
                }
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
            #[inline(always)]
            fn reduce_add(self) -> f32 {
                <$t>::reduce_add(self)
            }
        }
    };
}

impl_lane!(f32x4, 4);
impl_lane!(f32x8, 8);
impl_lane!(f32x16, 16);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::testing::test_every_width;

    fn round_trip<L: Lane>() {
        let src: [f32; 17] = core::array::from_fn(|i| i as f32 - 3.5);
        let mut dst = [0.0f32; 17];
        L::load(&src[1..]).store(&mut dst[1..]);
        assert_eq!(dst[1..=L::LANES], src[1..=L::LANES]);
        assert!(dst[L::LANES + 1..].iter().all(|&v| v == 0.0));
        let v = L::splat(2.0).mul_add(L::load(&src), L::splat(1.0));
        let mut out = [0.0f32; 16];
        v.store(&mut out);
        for i in 0..L::LANES {
            assert_eq!(out[i], 2.0 * src[i] + 1.0);
        }
        // Halves of small integers: exact in any order of summation.
        let want: f32 = src[..L::LANES].iter().sum();
        assert_eq!(L::load(&src).reduce_add(), want);
    }

    test_every_width! {
        /// [`round_trip`] at 4, 8 and 16 lanes (`Native` is one of them).
        mod every_width_loads_stores_and_computes: |L| { round_trip::<L>() }
    }
}
