//! The two shuffles the resampling kernels need beyond [`Lane`]: a
//! deinterleave for halving, and an interleave for doubling.
//!
//! Written on arrays, which LLVM turns into the target's shuffles (`unpcklps`
//! / `vpermt2ps` on x86, `zip1` / `uzp1` on NEON, `i8x16.shuffle` on wasm)
//! and which stay plain array code where there is no SIMD.

use crate::simd::Lane;
use wide::{f32x4, f32x8, f32x16, u32x4, u32x8, u32x16};

/// Shuffles over a [`Lane`] type.
pub(crate) trait Shuffle: Lane {
    /// The even and the odd lanes of `self` followed by `other`:
    /// `([a0, a2, .., b0, b2, ..], [a1, a3, .., b1, b3, ..])`.
    fn unzip(self, other: Self) -> (Self, Self);
    /// `self` and `other` interleaved, `[a0, b0, a1, b1, ..]`, as two vectors.
    fn zip(self, other: Self) -> (Self, Self);
    /// Whether [`Shuffle::permute`] is one instruction on this build
    /// (`vpermps` with AVX2 and AVX-512); kernels that need it are skipped
    /// where it is not, as lane-by-lane picking is no faster than loads.
    const PERMUTE: bool;
    /// Lane indices for [`Shuffle::permute`].
    type Index: Copy;
    /// `[o[0] - base, .., o[LANES - 1] - base]`, from the first `LANES`
    /// elements of `o` (each at least `base`, at most `base + LANES - 1`
    /// apart from the shift the permute adds).
    fn index(o: &[u32], base: u32) -> Self::Index;
    /// `[self[idx[0] + shift], self[idx[1] + shift], ..]`; every index
    /// must be below `LANES` (others give some lane or zero, by target).
    fn permute(self, idx: Self::Index, shift: i32) -> Self;
}

macro_rules! impl_shuffle {
    ($t:ty, $n:literal, $index:ty, $permute_is_fast:expr) => {
        impl Shuffle for $t {
            const PERMUTE: bool = $permute_is_fast;
            type Index = $index;
            #[inline(always)]
            fn index(o: &[u32], base: u32) -> $index {
                match o.first_chunk::<$n>() {
                    Some(a) => <$index>::new(*a) - <$index>::splat(base),
                    None => {
                        debug_assert!(false, "index of {} lanes from {} elements", $n, o.len());
                        <$index>::splat(0)
                    }
                }
            }
            #[inline(always)]
            fn permute(self, idx: $index, shift: i32) -> Self {
                self.shuffle(idx + <$index>::splat(shift as u32))
            }
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

// `wide`'s lane shuffle is one instruction with AVX (4 lanes: `vpermilps`),
// AVX2 (8: `vpermd`), AVX-512 (16: `vpermd`), SSSE3, NEON and simd128
// (4: a byte shuffle); elsewhere it picks lane by lane.
impl_shuffle!(
    f32x4,
    4,
    u32x4,
    cfg!(any(
        target_feature = "ssse3",
        all(target_arch = "aarch64", target_feature = "neon"),
        target_feature = "simd128",
    ))
);
impl_shuffle!(f32x8, 8, u32x8, cfg!(target_feature = "avx2"));
impl_shuffle!(f32x16, 16, u32x16, cfg!(target_feature = "avx512f"));

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
