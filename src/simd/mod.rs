//! The small lane traits every fast kernel is written against, and the lane
//! width each op runs at.
//!
//! `wide` picks its intrinsics at compile time from the target features, so
//! each kernel is written once, generic over [`Lane`] (and [`CopyLane`],
//! [`Permute`] where it needs more), and instantiated at the width below.
//! Tests instantiate every width on any host, since all three compile
//! everywhere (a width wider than the target's vectors runs as two or four
//! of them).
//!
//! # Which op uses which width, and why
//!
//! | op, kernel | width | why |
//! |---|---|---|
//! | `interpolate`, every kernel but the two below | [`Native`]: 16 with AVX-512F, 8 with AVX, 4 elsewhere | the multiply-adds fill the target's registers; no shuffles cross 128-bit halves but the x2 zips, which [`CopyLane::zip`] builds per width |
//! | `interpolate`, four planes at a time (`FourPlanes`) | [`FourPlanes`] = 4 | four planes are one 4x4 transpose; it serves builds without a one-instruction lane permute, whose native width is 4 |
//! | `interpolate`, wide windows one output at a time | 4 | four partial sums break the dependent chain of a long dot product |
//! | `max_pool` | [`Pool`] = 16 where vectors are registers, 4 elsewhere | the compare-and-select chain unrolled 2-4x and the per-block bookkeeping shared (2-3x faster than 4 lanes on SSE2); tails in 4. Without vector registers (Cortex-M) a 16-lane array is four times the stack for no gain |
//! | `max_unpool` | [`Native`] | per-pixel selects of whole channel vectors |
//! | `avg_unpool`, `kernel == stride` | [`Replicate`] = 4 | zips of a vector with itself, one unpack everywhere |
//! | `interpolate`, linear window tables | 16, where vectors are registers | the source indices of 16 outputs as one vector's operations, the scalar ones in the same order |
//! | `avg_unpool`, overlapping windows | [`Average`] = 16 where vectors are registers, 4 elsewhere; tails in 4 | sums of independent lanes, as `max_pool` |
//! | `pixel_shuffle`, `pixel_unshuffle` | [`PixelShuffle`] = 4 | a 128-bit unpack is one instruction on SSE2, NEON and simd128, while `wide` builds 8- and 16-lane zips from halves; measured faster than 16 on AVX-512 |
//! | `conv_transpose` | 4, 8 or [`Native`], by `C_out / groups` (`conv_transpose::Plan`); [`Native`] over positions for channels-first groups of at most 4 output channels | a tile's vectors hold output channels: narrow groups waste no lanes; with fewer output channels than lanes, positions fill them |

mod copy_lane;
mod lane;
mod narrow;
mod permute;
#[cfg(test)]
pub(crate) mod testing;

pub(crate) use copy_lane::CopyLane;
pub(crate) use lane::Lane;
pub(crate) use narrow::{load_narrow, store_narrow};
pub(crate) use permute::Permute;

use wide::f32x4;

/// Whether `wide`'s vectors are the target's vector registers (SSE2, NEON
/// on aarch64, simd128). Elsewhere (Cortex-M, wasm without simd128) they
/// are arrays of `f32`, one scalar instruction per lane, where shuffling
/// data into vectors costs more than it saves.
pub(crate) const VECTOR_REGISTERS: bool = cfg!(any(
    target_feature = "sse2",
    all(target_arch = "aarch64", target_feature = "neon"),
    target_feature = "simd128",
));

/// The lane width for this build's target features.
#[cfg(target_feature = "avx512f")]
pub(crate) type Native = wide::f32x16;
/// The lane width for this build's target features.
#[cfg(all(target_feature = "avx", not(target_feature = "avx512f")))]
pub(crate) type Native = wide::f32x8;
/// The lane width for this build's target features.
#[cfg(not(any(target_feature = "avx", target_feature = "avx512f")))]
pub(crate) type Native = f32x4;

/// 16 lanes where vectors are registers ([`VECTOR_REGISTERS`]); 4
/// elsewhere, where a 16-lane array is four times the stack for no gain.
#[cfg(any(
    target_feature = "sse2",
    all(target_arch = "aarch64", target_feature = "neon"),
    target_feature = "simd128",
))]
type SixteenInRegisters = wide::f32x16;
/// 16 lanes where vectors are registers; 4 elsewhere.
#[cfg(not(any(
    target_feature = "sse2",
    all(target_arch = "aarch64", target_feature = "neon"),
    target_feature = "simd128",
)))]
type SixteenInRegisters = f32x4;

/// `max_pool`'s vector (see the table).
pub(crate) type Pool = SixteenInRegisters;
/// `avg_unpool`'s vector for overlapping windows (see the table).
pub(crate) type Average = SixteenInRegisters;
/// `avg_unpool`'s vector for `kernel == stride` (see the table).
pub(crate) type Replicate = f32x4;
/// The pixel shuffle's vector (see the table).
pub(crate) type PixelShuffle = f32x4;
/// `interpolate`'s four-planes kernel's vector (see the table).
#[cfg(feature = "specialised-kernels")]
pub(crate) type FourPlanes = f32x4;
