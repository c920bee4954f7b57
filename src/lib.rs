//! `no_std`, allocation-free `f32` kernels for every way PyTorch upsamples a
//! tensor, with PyTorch's answers.
//!
//! # The four families
//! 1. **Unpooling**: [`max_unpool`] puts each value back where [`max_pool`]
//!    found it; [`avg_unpool`] spreads each pooled mean back over its window.
//! 2. **Transposed convolution**: [`conv_transpose`], the learned upsampler
//!    of decoders, U-Nets, GANs and vocoders.
//! 3. **Pixel shuffle**: [`pixel_shuffle`] moves channels into space (the
//!    sub-pixel convolution upsampler); [`pixel_unshuffle`] is its inverse.
//! 4. **Interpolation**: [`interpolate`] with every mode of
//!    `F.interpolate`: nearest, nearest-exact, linear, bilinear, bicubic,
//!    trilinear, area and lanczos, with `align_corners`, `size` or
//!    `scale_factor` (and `recompute_scale_factor`), and `antialias`.
//!
//! ```
//! use upsample::{interpolate, interpolate_output_shape, InterpolateMode, InterpolateOptions, Layout};
//!
//! // y = F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
//! let shape = [1, 1, 2, 3]; // (N, C, H, W)
//! let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
//! let opts = InterpolateOptions::scale_factor(InterpolateMode::Bicubic, &[2.0]).with_align_corners(false);
//! let out = interpolate_output_shape(&shape, &opts)?;
//! assert_eq!(out.as_slice(), &[1, 1, 4, 6]);
//! let mut y = vec![0.0; out.numel()];
//! interpolate(&x, &shape, Layout::ChannelsFirst, &opts, &mut y)?;
//! # Ok::<(), upsample::Error>(())
//! ```
//!
//! # PyTorch to this crate
//!
//! | PyTorch | this crate |
//! |---|---|
//! | `F.interpolate(x, size=…, mode=…)` | [`interpolate`] with [`InterpolateOptions::size`] |
//! | `F.interpolate(x, scale_factor=…, mode=…, align_corners=…, recompute_scale_factor=…, antialias=…)` | [`interpolate`] with [`InterpolateOptions::scale_factor`] and its `with_*` setters |
//! | `nn.Upsample(...)` | [`interpolate`] with the same arguments |
//! | `nn.UpsamplingNearest2d(...)` | [`interpolate`] with [`InterpolateMode::Nearest`] |
//! | `nn.UpsamplingBilinear2d(...)` | [`interpolate`] with [`InterpolateMode::Bilinear`] and `align_corners = Some(true)` |
//! | `F.pixel_shuffle(x, r)` / `F.pixel_unshuffle(x, r)` | [`pixel_shuffle`] / [`pixel_unshuffle`] |
//! | `F.max_pool{1,2,3}d(x, ..., return_indices=True)` | [`max_pool`] with [`MaxPoolOptions`] |
//! | `F.max_unpool{1,2,3}d(x, indices, ...)` | [`max_unpool`] with [`UnpoolOptions`] |
//! | average unpooling (no PyTorch op) | [`avg_unpool`] with [`UnpoolOptions`] |
//! | `F.conv_transpose{1,2,3}d(x, weight, bias, ...)` | [`conv_transpose`] with [`ConvTransposeOptions`] |
//! | `x.contiguous(memory_format=torch.channels_last)` | [`Layout::ChannelsLast`] |
//! | `y.shape` | the `*_output_shape` helpers ([`interpolate_output_shape`], …) |
//!
//! # Layouts and shapes
//! - A tensor is a `&[f32]` plus its logical shape `(N, C, spatial...)`
//!   (1 to 3 spatial dimensions, as the op allows) and a [`Layout`]:
//!   channels-first (`N, C, D, H, W` in memory, PyTorch's default) or
//!   channels-last (`N, D, H, W, C`, image buffers and
//!   `torch.channels_last`). The shape is always given in logical order.
//! - Outputs go to a caller-provided `&mut [f32]` of exactly the length of the
//!   shape the `*_output_shape` helper returns, in the input's layout.
//!   `max_pool` indices are `i64`, flat within each `(n, c)` plane, as in
//!   PyTorch, whatever the layout.
//! - Per-dimension parameters are slices holding one value (applied to every
//!   spatial dimension, like a Python scalar) or one per spatial dimension.
//! - Nothing allocates, nothing panics: bad input returns an [`Error`] and
//!   leaves the output untouched, but for [`max_unpool`]'s index outside its
//!   plane, found as the output is written, which fills the output with
//!   NaN so that no part of it looks like a result. Only [`conv_transpose`] may need scratch
//!   memory, which the caller passes ([`conv_transpose_scratch_len`]).
//! - [`reference`](mod@reference) holds a plain scalar twin of every op with the same
//!   signature: the oracle the fast paths are tested against.
//!
//! # Errors
//! | bad input | [`Error`] variant |
//! |---|---|
//! | slice length differs from its shape | [`Error::BufferLength`] |
//! | wrong number of dimensions for the op or mode | [`Error::Rank`] |
//! | a zero-sized axis | [`Error::ZeroDimension`] |
//! | a size that overflows `usize` (or `i64` for indices) | [`Error::Overflow`] |
//! | a per-dimension list of the wrong length | [`Error::ParameterCount`] |
//! | zero kernel, stride, dilation, groups or factor | [`Error::InvalidParameter`] |
//! | NaN, infinite, zero or negative scale factor | [`Error::InvalidScaleFactor`] |
//! | option combination PyTorch rejects | [`Error::Unsupported`] |
//! | output size below 1 | [`Error::EmptyOutput`] |
//! | unpool `output_size` out of range | [`Error::OutputSize`] |
//! | pooling padding above half the kernel | [`Error::PaddingTooLarge`] |
//! | channels not divisible by groups or factor² | [`Error::NotDivisible`] |
//! | `output_padding` not below stride or dilation | [`Error::OutputPaddingTooLarge`] |
//! | unpool index outside its plane | [`Error::IndexOutOfRange`] |
//!
//! # Exactness
//! | op | against PyTorch 2.15 (CPU, float32) |
//! |---|---|
//! | nearest, nearest-exact, pixel (un)shuffle, max_pool, max_unpool | bit-exact |
//! | linear, bilinear, bicubic, trilinear, area, antialias, lanczos | within atol 1e-5, rtol 1.3e-6 |
//! | avg_unpool | within atol 1e-5, rtol 1.3e-6 of PyTorch's conv_transpose construction |
//! | conv_transpose | within 1e-4 absolute and relative for inputs in [-1, 1] |
//!
//! # Choosing the SIMD level
//! Instructions are chosen at compile time (through `wide`), never at run
//! time, so pick them with the target:
//! - x86_64: SSE2 by default; `RUSTFLAGS="-C target-cpu=native"` (or
//!   `-C target-feature=+avx2,+fma`, `+avx512f`) for wider lanes.
//! - aarch64: NEON always; nothing to set.
//! - wasm32: `RUSTFLAGS="-C target-feature=+simd128"`; without it, scalar.
//! - Other targets (e.g. `thumbv7em-none-eabihf`): portable array code.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

mod conv_transpose;
mod error;
mod geometry;
mod interpolate;
mod layout;
mod pixel_shuffle;
mod pool;
pub mod reference;
mod simd;
mod slices;
mod unpool;

pub use conv_transpose::{conv_transpose, conv_transpose_scratch_len};
pub use error::{Buffer, Error};
pub use geometry::conv_transpose::{ConvTransposeOptions, conv_transpose_output_shape};
pub use geometry::interpolate::{InterpolateMode, InterpolateOptions, interpolate_output_shape};
pub use geometry::pixel_shuffle::{pixel_shuffle_output_shape, pixel_unshuffle_output_shape};
pub use geometry::pool::{MaxPoolOptions, max_pool_output_shape};
pub use geometry::unpool::{UnpoolOptions, unpool_output_shape};
pub use interpolate::interpolate;
pub use layout::{Layout, MAX_SPATIAL, Shape};
pub use pixel_shuffle::{pixel_shuffle, pixel_unshuffle};
pub use pool::max_pool;
pub use unpool::{avg_unpool, max_unpool};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
