//! [`CopyLane`]: what the copying kernels need beyond [`Lane`].

use super::Lane;
use wide::{f32x4, f32x8, f32x16};

/// What the copying kernels (pixel shuffle, max pool, unpooling) need beyond
/// [`Lane`]: comparison masks, bitwise selection, `u32` payloads carried in
/// `f32` lanes, and the two-way zip / unzip that every wider shuffle is built
/// from.
///
/// A mask has every bit of a lane set (true) or clear (false), as `wide`'s
/// comparisons return it. Selection is bitwise and payloads only ever move or
/// meet bitwise operations, so a lane can carry any 32-bit pattern (an index,
/// even one that reads as a NaN) unchanged on every target.
pub(crate) trait CopyLane: Lane {
    /// The vector of half as many lanes (4 lanes: itself), for kernels
    /// that take pixels narrower than the build's vectors.
    type Half: CopyLane;
    /// Mask of the lanes where `self > other` (false where either is NaN).
    fn greater(self, other: Self) -> Self;
    /// Mask of the lanes where `self == other` (false where either is NaN).
    fn equal(self, other: Self) -> Self;
    /// Mask of the lanes that hold a NaN.
    fn nan(self) -> Self;
    /// Lane-wise OR of two masks.
    fn or(self, other: Self) -> Self;
    /// `if_true` where `mask` is set, else `if_false`, bit for bit.
    fn select(mask: Self, if_true: Self, if_false: Self) -> Self;
    /// Every lane holding the bit pattern `bits`.
    fn splat_bits(bits: u32) -> Self;
    /// Writes the lanes' bit patterns to the first `LANES` elements of `out`.
    fn store_bits(self, out: &mut [u32]);
    /// Interleaves two vectors: `([a0, b0, a1, b1, ..], [.., a(n-1), b(n-1)])`,
    /// the first and second half of the zipped sequence.
    fn zip(self, other: Self) -> (Self, Self);
    /// Writes [`zip`](Self::zip)'s two halves to the first `2 * LANES`
    /// elements of `out`.
    #[inline(always)]
    fn store_zip(self, other: Self, out: &mut [f32]) {
        let (lo, hi) = self.zip(other);
        lo.store(out);
        hi.store(out.get_mut(Self::LANES..).unwrap_or_default());
    }
    /// The inverse of [`zip`](Self::zip): the even and the odd elements of
    /// the sequence `self, other`.
    fn unzip(self, other: Self) -> (Self, Self);
    /// Lane-wise `self / other`, correctly rounded as the scalar division.
    fn divide(self, other: Self) -> Self;
    /// The `LANES` elements from element `S` of the sequence `self, next`
    /// (`S <= LANES`): `[self[S], .., self[LANES - 1], next[0], .., next[S - 1]]`,
    /// a constant shuffle (`shufps`, `palignr`, `ext`, `valignd`).
    // Only interpolate's specialised kernels shift and broadcast.
    #[cfg_attr(not(feature = "specialised-kernels"), allow(dead_code))]
    fn shift_in<const S: usize>(self, next: Self) -> Self;
    /// Every lane holding the first lane of `self` (one shuffle; any other
    /// lane can go through memory, behind the output stream's stores).
    #[cfg_attr(not(feature = "specialised-kernels"), allow(dead_code))]
    fn broadcast_first(self) -> Self;
}

macro_rules! impl_copy_lane {
    ($t:ty, $n:literal, $half:ty, zip: $zip:expr, unzip: $unzip:expr) => {
        impl CopyLane for $t {
            type Half = $half;
            #[inline(always)]
            fn greater(self, other: Self) -> Self {
                <$t>::simd_gt(self, other)
            }
            #[inline(always)]
            fn equal(self, other: Self) -> Self {
                <$t>::simd_eq(self, other)
            }
            #[inline(always)]
            fn nan(self) -> Self {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn or(self, other: Self) -> Self {
                self | other
            }
            #[inline(always)]
            fn select(mask: Self, if_true: Self, if_false: Self) -> Self {
                <$t>::select(mask, if_true, if_false)
            }
            #[inline(always)]
            fn splat_bits(bits: u32) -> Self {
                bytemuck::cast([bits; $n])
            }
            #[inline(always)]
            fn store_bits(self, out: &mut [u32]) {
                match out.first_chunk_mut::<$n>() {
                    Some(a) => *a = bytemuck::cast(self),
                    None => debug_assert!(false, "store of {} lanes to {} elements", $n, out.len()),
                }
            }
            #[inline(always)]
            fn zip(self, other: Self) -> (Self, Self) {
                $zip(self, other)
            }
            #[inline(always)]
            fn unzip(self, other: Self) -> (Self, Self) {
                $unzip(self, other)
            }
            #[inline(always)]
            fn divide(self, other: Self) -> Self {
                self / other
            }
            #[inline(always)]
            fn shift_in<const S: usize>(self, next: Self) -> Self {
                let (a, b) = (self.to_array(), next.to_array());
                <$t>::new(core::array::from_fn(|l| {
                    if l + S < $n {
                        a[l + S]
                    } else {
                        b[(l + S - $n) % $n]
                    }
                }))
            }
            #[inline(always)]
            fn broadcast_first(self) -> Self {
                <$t>::splat(self.to_array()[0])
            }
        }
    };
}

// Four lanes: the unpack instructions of SSE, NEON (zip1/zip2) and simd128.
impl_copy_lane!(
    f32x4,
    4,
    f32x4,
    zip: |a: f32x4, b: f32x4| (a.unpack_lo(b), a.unpack_hi(b)),
    unzip: |a: f32x4, b: f32x4| {
        // [a0 b0 a1 b1], [a2 b2 a3 b3] -> [a0 a2 b0 b2], [a1 a3 b1 b3]
        let (lo, hi) = (a.unpack_lo(b), a.unpack_hi(b));
        (lo.unpack_lo(hi), lo.unpack_hi(hi))
    }
);
// Wider vectors: lane picks, which LLVM turns into the target's shuffles
// (AVX, 8 lanes: two in-lane unpacks and two `vperm2f128`, each half one
// 32-byte vector; zipping 8 lanes as two 4-lane halves stored each half
// as two 16-byte pieces).
impl_copy_lane!(
    f32x8,
    8,
    f32x4,
    zip: |a: f32x8, b: f32x8| {
        let (lo, hi) = zip_lanes(a.to_array(), b.to_array());
        (f32x8::new(lo), f32x8::new(hi))
    },
    unzip: |a: f32x8, b: f32x8| unzip_halves::<f32x4, f32x8>(a, b)
);
impl_copy_lane!(
    f32x16,
    16,
    f32x8,
    zip: |a: f32x16, b: f32x16| {
        let (lo, hi) = zip_lanes(a.to_array(), b.to_array());
        (f32x16::new(lo), f32x16::new(hi))
    },
    unzip: |a: f32x16, b: f32x16| unzip_halves::<f32x8, f32x16>(a, b)
);

/// [`CopyLane::zip`] lane by lane: the first and second half of
/// `a0, b0, a1, b1, ..`.
#[inline(always)]
fn zip_lanes<const N: usize>(a: [f32; N], b: [f32; N]) -> ([f32; N], [f32; N]) {
    let pick = |half: usize| {
        core::array::from_fn(|l| {
            let k = half * N / 2 + l / 2;
            if l % 2 == 0 { a[k] } else { b[k] }
        })
    };
    (pick(0), pick(1))
}

/// [`CopyLane::unzip`] of a vector of two `H` halves, from unzips of the halves.
#[inline(always)]
fn unzip_halves<H: CopyLane + bytemuck::Pod, W: bytemuck::Pod>(a: W, b: W) -> (W, W) {
    let [a0, a1]: [H; 2] = bytemuck::cast(a);
    let [b0, b1]: [H; 2] = bytemuck::cast(b);
    let (ea, oa) = a0.unzip(a1);
    let (eb, ob) = b0.unzip(b1);
    (bytemuck::cast([ea, eb]), bytemuck::cast([oa, ob]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::testing::test_every_width;

    fn seq<L: Lane>(from: f32) -> L {
        let a: [f32; 16] = core::array::from_fn(|i| from + i as f32);
        L::load(&a)
    }

    fn lanes<L: Lane>(v: L) -> [f32; 16] {
        let mut out = [0.0; 16];
        v.store(&mut out);
        out
    }

    fn zip_unzip_select<L: CopyLane>() {
        let n = L::LANES;
        let (a, b) = (seq::<L>(0.0), seq::<L>(100.0));
        let (lo, hi) = a.zip(b);
        let (lo, hi) = (lanes(lo), lanes(hi));
        for i in 0..n {
            let zipped = |k: usize| {
                if k.is_multiple_of(2) {
                    (k / 2) as f32
                } else {
                    100.0 + (k / 2) as f32
                }
            };
            assert_eq!(lo[i], zipped(i));
            assert_eq!(hi[i], zipped(n + i));
        }
        let (even, odd) = a.unzip(b);
        let (even, odd) = (lanes(even), lanes(odd));
        for i in 0..n {
            let at = |k: usize| {
                if k < n {
                    k as f32
                } else {
                    100.0 + (k - n) as f32
                }
            };
            assert_eq!(even[i], at(2 * i));
            assert_eq!(odd[i], at(2 * i + 1));
        }
        // shift_in takes the lanes S further along `a, b`.
        let shifted = [
            lanes(a.shift_in::<0>(b)),
            lanes(a.shift_in::<1>(b)),
            lanes(a.shift_in::<2>(b)),
            lanes(a.shift_in::<3>(b)),
            lanes(a.shift_in::<4>(b)),
        ];
        for (s, got) in shifted.iter().enumerate() {
            for (i, &g) in got.iter().enumerate().take(n) {
                let k = i + s;
                let want = if k < n {
                    k as f32
                } else {
                    100.0 + (k - n) as f32
                };
                assert_eq!(g, want, "shift {s} lane {i}");
            }
        }
        // unzip undoes zip.
        let (x, y) = a.zip(b);
        let (p, q) = x.unzip(y);
        assert_eq!(lanes(p), lanes(a));
        assert_eq!(lanes(q), lanes(b));

        let mut v = [0.0f32; 16];
        v[1] = f32::NAN;
        v[2] = 5.0;
        v[3] = f32::NEG_INFINITY;
        let v = L::load(&v);
        let take = v.greater(L::splat(1.0)).or(v.nan());
        let payload = L::select(take, L::splat_bits(u32::MAX), L::splat_bits(7));
        let mut bits = [0u32; 16];
        payload.store_bits(&mut bits);
        for (i, &b) in bits.iter().enumerate().take(n) {
            assert_eq!(b, if i == 1 || i == 2 { u32::MAX } else { 7 }, "lane {i}");
        }
    }

    test_every_width! {
        /// [`zip_unzip_select`] at 4, 8 and 16 lanes (`Native` is one of them).
        mod every_width_zips_unzips_and_selects: |L| { zip_unzip_select::<L>() }
    }
}
