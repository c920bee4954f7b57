//! The register-blocked micro-kernel of the fast transposed convolution.
//!
//! One call computes a tile of `MR * L::LANES` output channels (lanes) by
//! `NR` consecutive output positions of one phase (see the module docs of
//! [`super`]): `NR * MR` accumulators live in registers while the kernel walks
//! the taps that are valid for the whole tile and, for each, the input
//! channels of the group:
//!
//! ```text
//! acc[m][j] = bias[co0 + m*L .. +L]
//! for each valid tap (a, b, c), for ci in 0..kc:
//!     acc[m][j] += panel[kernel tap][ci][m*L .. +L] * splat(x[tap origin + j*pstride + ci])
//! ```
//!
//! The summation order (taps in `a, b, c` order, then `ci`) is fixed by the
//! geometry alone, so every output element gets the same bits whichever tile
//! width computes it.

use crate::simd::Lane;

/// The taps of one tile and where their input lies.
#[derive(Clone, Copy, Debug)]
pub(super) struct Taps {
    /// Valid phase-tap index range `lo..hi` per `[D, H, W]` axis.
    pub range: [(usize, usize); 3],
    /// Kernel index of phase-tap 0 per axis.
    pub first_tap: [usize; 3],
    /// Kernel indices between phase-taps per axis.
    pub tap_step: [usize; 3],
    /// Kernel sizes `[D, H, W]` (the panel holds every tap).
    pub kernel: [usize; 3],
    /// Input position of phase-tap 0 at tile position 0, per axis.
    pub origin: [usize; 3],
    /// Input positions between consecutive phase-taps, per axis.
    pub step: [usize; 3],
    /// Input spatial sizes `[D, H, W]`.
    pub in_spatial: [usize; 3],
    /// Offset in the input of `(n, first channel of the group, position 0)`.
    pub base: usize,
    /// Input elements between spatial neighbours (the channels of a row).
    pub spatial_stride: usize,
    /// Input channels per group.
    pub kc: usize,
}

/// Computes one `MR x NR` tile from `init` (the bias) over the valid taps.
/// The input holds each position's `kc` channels contiguously. Out of
/// line on firmware, where its accumulators live in memory: in line, each
/// tile width's would take a place of its own in the driver's frame.
#[cfg_attr(not(any(target_os = "none", upsample_small_stack)), inline(always))]
#[cfg_attr(any(target_os = "none", upsample_small_stack), inline(never))]
pub(super) fn tile<L: Lane, const MR: usize, const NR: usize>(
    init: [L; MR],
    panel: &[f32],
    input: &[f32],
    t: &Taps,
) -> [[L; NR]; MR] {
    let mut acc: [[L; NR]; MR] = core::array::from_fn(|m| [init[m]; NR]);
    let tap_len = t.kc * MR * L::LANES;
    for a in t.range[0].0..t.range[0].1 {
        let Some(z) = t.origin[0].checked_sub(a * t.step[0]) else {
            continue;
        };
        for b in t.range[1].0..t.range[1].1 {
            let Some(y) = t.origin[1].checked_sub(b * t.step[1]) else {
                continue;
            };
            for c in t.range[2].0..t.range[2].1 {
                let Some(x) = t.origin[2].checked_sub(c * t.step[2]) else {
                    continue;
                };
                let position = (z * t.in_spatial[1] + y) * t.in_spatial[2] + x;
                let offset = t.base + position * t.spatial_stride;
                let tap = [a, b, c];
                let k: [usize; 3] =
                    core::array::from_fn(|x| t.first_tap[x] + tap[x] * t.tap_step[x]);
                let w = ((k[0] * t.kernel[1] + k[1]) * t.kernel[2] + k[2]) * tap_len;
                let Some(w) = panel.get(w..w + tap_len) else {
                    continue;
                };
                accumulate::<L, MR, NR>(&mut acc, w, input, offset, t.spatial_stride, t.kc);
            }
        }
    }
    acc
}

/// One tap: the `NR` positions are rows of `kc` contiguous channels,
/// `position_stride` apart.
#[inline(always)]
pub(super) fn accumulate<L: Lane, const MR: usize, const NR: usize>(
    acc: &mut [[L; NR]; MR],
    w: &[f32],
    input: &[f32],
    offset: usize,
    position_stride: usize,
    kc: usize,
) {
    let mut rows: [&[f32]; NR] = [&[]; NR];
    for (j, row) in rows.iter_mut().enumerate() {
        let lo = offset + j * position_stride;
        match input.get(lo..lo + kc) {
            Some(r) => *row = r,
            None => return,
        }
    }
    for (wv, ci) in w.chunks_exact(MR * L::LANES).zip(0..kc) {
        let mut a = [L::splat(0.0); MR];
        for (am, chunk) in a.iter_mut().zip(wv.chunks_exact(L::LANES)) {
            *am = L::load(chunk);
        }
        for j in 0..NR {
            let b = L::splat(rows[j].get(ci).copied().unwrap_or(0.0));
            for m in 0..MR {
                acc[m][j] = a[m].mul_add(b, acc[m][j]);
            }
        }
    }
}
