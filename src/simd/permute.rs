//! The lane permute the channels-first resampling kernel needs beyond
//! [`CopyLane`]: each output lane picks an input lane by a run-time index
//! (the offset of its window), `wide`'s `shuffle` on the targets where that
//! is one instruction.

use super::CopyLane;
use wide::{f32x4, f32x8, f32x16, u32x4, u32x8, u32x16};

/// A run-time lane permute over a [`CopyLane`] type.
pub(crate) trait Permute: CopyLane {
    /// Whether [`Permute::permute`] is one instruction on this build (see
    /// the impls); kernels that need it are skipped where it is not, as
    /// picking lane by lane measured slower than one output at a time.
    const PERMUTE: bool;
    /// Lane indices for [`Permute::permute`].
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
        impl Permute for $t {
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
    use crate::simd::testing::test_every_width;

    fn permutes<L: Permute>() {
        let src: [f32; 16] = core::array::from_fn(|i| 10.0 + i as f32);
        // Windows starting at 7 + j / 2 for outputs j (an x2 upscale).
        let offsets: [u32; 16] = core::array::from_fn(|j| 7 + j as u32 / 2);
        let v = L::load(&src);
        let idx = L::index(&offsets, 7);
        let mut out = [0.0f32; 16];
        for shift in [0, 1] {
            v.permute(idx, shift).store(&mut out);
            for (j, &got) in out[..L::LANES].iter().enumerate() {
                assert_eq!(got, src[j / 2 + shift as usize], "lane {j} shift {shift}");
            }
        }
    }

    test_every_width! {
        /// [`permutes`] at 4, 8 and 16 lanes.
        mod every_width_permutes: |L| { permutes::<L>() }
    }
}
