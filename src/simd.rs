//! The small lane trait every fast kernel is written against, implemented
//! for `wide`'s `f32x4`, `f32x8` and `f32x16`.
//!
//! `wide` picks its intrinsics at compile time from the target features, so
//! each kernel is written once, generic over [`Lane`], and [`Native`] names
//! the width that suits the build: 16 lanes with AVX-512F, 8 with AVX, 4
//! elsewhere (SSE2, NEON, simd128, or plain arrays on targets without SIMD).
//! Tests instantiate every width on any host, since all three compile
//! everywhere.
//!
//! Loads and stores take slices and cannot panic: a slice shorter than the
//! lane count is a bug in the caller (caught by `debug_assert!` in tests),
//! and in release builds reads zeros / writes nothing instead of panicking.

#![allow(dead_code)]

use core::ops::{Add, Mul, Sub};
use wide::{f32x4, f32x8, f32x16};

/// A vector of `LANES` `f32`s.
pub(crate) trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
    /// Number of `f32` lanes.
    const LANES: usize;
    /// All lanes set to `v`.
    fn splat(v: f32) -> Self;
    /// The first `LANES` elements of `s`.
    fn load(s: &[f32]) -> Self;
    /// Writes the lanes to the first `LANES` elements of `s`.
    fn store(self, s: &mut [f32]);
    /// `self * a + b`, fused where the target has FMA.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Lane-wise maximum.
    fn max(self, other: Self) -> Self;
    /// Lane-wise minimum.
    fn min(self, other: Self) -> Self;
}

macro_rules! impl_lane {
    ($t:ty, $n:literal) => {
        impl Lane for $t {
            const LANES: usize = $n;
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
            fn max(self, other: Self) -> Self {
                <$t>::max(self, other)
            }
            #[inline(always)]
            fn min(self, other: Self) -> Self {
                <$t>::min(self, other)
            }
        }
    };
}

impl_lane!(f32x4, 4);
impl_lane!(f32x8, 8);
impl_lane!(f32x16, 16);

/// The lane width for this build's target features.
#[cfg(target_feature = "avx512f")]
pub(crate) type Native = f32x16;
/// The lane width for this build's target features.
#[cfg(all(target_feature = "avx", not(target_feature = "avx512f")))]
pub(crate) type Native = f32x8;
/// The lane width for this build's target features.
#[cfg(not(any(target_feature = "avx", target_feature = "avx512f")))]
pub(crate) type Native = f32x4;

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<L: Lane>() {
        let src: [f32; 17] = core::array::from_fn(|i| i as f32 - 3.5);
        let mut dst = [0.0f32; 17];
        L::load(&src[1..]).store(&mut dst[1..]);
        assert_eq!(dst[1..=L::LANES], src[1..=L::LANES]);
        assert!(dst[L::LANES + 1..].iter().all(|&v| v == 0.0));
        let v = L::splat(2.0).mul_add(L::load(&src), L::splat(1.0));
        let mut out = [0.0f32; 16];
        v.max(L::splat(0.0)).store(&mut out);
        for i in 0..L::LANES {
            assert_eq!(out[i], (2.0 * src[i] + 1.0).max(0.0));
        }
    }

    #[test]
    fn every_width_loads_stores_and_computes() {
        round_trip::<f32x4>();
        round_trip::<f32x8>();
        round_trip::<f32x16>();
        round_trip::<Native>();
    }
}
