//! `no_std`, allocation-free `f32` kernels for every way PyTorch upsamples a
//! tensor, with PyTorch's answers.
//!
//! The four families, each mirroring `torch.nn.functional`:
//!
//! | PyTorch | this crate |
//! |---|---|
//! | `F.interpolate(x, size / scale_factor, mode, align_corners, recompute_scale_factor, antialias)` | [`interpolate`], [`interpolate_output_shape`] |
//! | `nn.UpsamplingNearest2d(...)` | [`interpolate`] with [`InterpolateMode::Nearest`] |
//! | `nn.UpsamplingBilinear2d(...)` | [`interpolate`] with [`InterpolateMode::Bilinear`] and `align_corners = Some(true)` |
//! | `F.pixel_shuffle(x, r)` / `F.pixel_unshuffle(x, r)` | [`pixel_shuffle`] / [`pixel_unshuffle`] |
//! | `F.max_pool{1,2,3}d(x, ..., return_indices=True)` | [`max_pool`] |
//! | `F.max_unpool{1,2,3}d(x, indices, ...)` | [`max_unpool`] |
//! | average unpooling (no PyTorch op) | [`avg_unpool`] |
//! | `F.conv_transpose{1,2,3}d(x, weight, bias, ...)` | [`conv_transpose`] |
//!
//! # Conventions
//! - A tensor is a `&[f32]` plus its logical shape `(N, C, spatial...)`
//!   (1 to 3 spatial dimensions) and a [`Layout`]: channels-first
//!   (`N, C, D, H, W` in memory) or channels-last (`N, D, H, W, C`).
//! - Outputs go to a caller-provided `&mut [f32]` of exactly the length of the
//!   shape the `*_output_shape` helper returns, in the input's layout.
//! - Per-dimension parameters are slices holding one value (applied to every
//!   spatial dimension, like a Python scalar) or one per spatial dimension.
//! - Nothing allocates, nothing panics: bad input returns an [`Error`] and
//!   leaves the output untouched.
//! - [`reference`] holds a plain scalar twin of every op with the same
//!   signature: the oracle the fast paths are tested against.
//!
//! # Exactness
//! | op | against PyTorch (CPU, float32) |
//! |---|---|
//! | nearest, nearest-exact, pixel (un)shuffle, max_pool, max_unpool | bit-exact |
//! | linear, bilinear, bicubic, trilinear, area, antialias, lanczos | within atol 1e-5, rtol 1.3e-6 |
//! | avg_unpool | within atol 1e-5, rtol 1.3e-6 of PyTorch's conv_transpose construction |
//! | conv_transpose | within 1e-4 absolute and relative for inputs in [-1, 1] |
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

mod conv_transpose;
mod error;
mod interpolate;
mod layout;
mod pixel_shuffle;
mod pool;
pub mod reference;
mod simd;
mod unpool;

pub use conv_transpose::{
    ConvTransposeOptions, conv_transpose, conv_transpose_output_shape, conv_transpose_scratch_len,
};
pub use error::{Buffer, Error};
pub use interpolate::{InterpolateMode, InterpolateOptions, interpolate, interpolate_output_shape};
pub use layout::{Layout, MAX_SPATIAL, Shape};
pub use pixel_shuffle::{
    pixel_shuffle, pixel_shuffle_output_shape, pixel_unshuffle, pixel_unshuffle_output_shape,
};
pub use pool::{MaxPoolOptions, max_pool, max_pool_output_shape};
pub use unpool::{UnpoolOptions, avg_unpool, max_unpool, unpool_output_shape};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
