//! `no_std`, allocation-free `f32` kernels for every way PyTorch upsamples a
//! tensor, with PyTorch's answers:
//!
//! 1. **Unpooling**: [`max_unpool`] puts each value back where [`max_pool`]
//!    found it (`F.max_unpool{1,2,3}d`); [`avg_unpool`] spreads each pooled
//!    mean back over its window.
//! 2. **Transposed convolution**: [`conv_transpose`]
//!    (`F.conv_transpose{1,2,3}d`), the learned upsampler of decoders,
//!    U-Nets, GANs and vocoders.
//! 3. **Pixel shuffle**: [`pixel_shuffle`] moves channels into space (the
//!    sub-pixel convolution upsampler); [`pixel_unshuffle`] is its inverse.
//! 4. **Interpolation**: [`interpolate`] (`F.interpolate`, `nn.Upsample`)
//!    with every [`InterpolateMode`] (nearest, nearest-exact, linear,
//!    bilinear, bicubic, trilinear, area, lanczos) and every option of
//!    [`InterpolateOptions`] (`size` or `scale_factor`, `align_corners`,
//!    `recompute_scale_factor`, `antialias`).
//!
//! ```
//! use upsample::{interpolate, interpolate_output_shape, InterpolateMode, InterpolateOptions, Layout};
//!
//! // y = F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
//! let shape = [1, 1, 2, 3]; // (N, C, H, W)
//! let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
//! let opts = InterpolateOptions::scale_factor(InterpolateMode::Bicubic, 2.0).with_align_corners(false);
//! let out = interpolate_output_shape(&shape, &opts)?;
//! assert_eq!(out.as_slice(), &[1, 1, 4, 6]);
//! let mut y = vec![0.0; out.numel()];
//! interpolate(&x, &shape, Layout::ChannelsFirst, &opts, &mut y)?;
//! # Ok::<(), upsample::Error>(())
//! ```
//!
//! # How calls look
//! - A tensor is a `&[f32]` plus its logical shape `(N, C, spatial...)`
//!   (1 to 3 spatial dimensions, as the op allows) and a [`Layout`]:
//!   channels-first (`N, C, D, H, W` in memory, PyTorch's default) or
//!   channels-last (`N, D, H, W, C`: `torch.channels_last`, image buffers).
//!   The shape is always given in logical order.
//! - Options take PyTorch's arguments; per-dimension ones are slices of one
//!   value (for every spatial dimension, like a Python scalar) or one per
//!   spatial dimension.
//! - Outputs go to a caller-provided `&mut [f32]` of the shape that the
//!   op's helper returns ([`interpolate_output_shape`],
//!   [`max_pool_output_shape`], [`unpool_output_shape`],
//!   [`pixel_shuffle_output_shape`], [`conv_transpose_output_shape`]), in
//!   the input's layout. `max_pool` indices are `i64`, flat within each
//!   `(n, c)` plane as in PyTorch, whatever the layout. Nothing allocates;
//!   [`conv_transpose`] takes scratch memory
//!   ([`conv_transpose_scratch_len`]; [`conv_transpose_scratch_bound`], a
//!   `const fn`, sizes a static buffer for any build).
//! - Stack: no op takes more than 8 KiB of it on a Cortex-M4F. For a task
//!   with less, [`interpolate_with_scratch`], [`resize_with_scratch`] and
//!   [`interpolate_backward_with_scratch`] take their tables from caller
//!   scratch ([`interpolate_scratch_len`], [`resize_scratch_len`],
//!   [`interpolate_backward_scratch_len`]) and stay under 2 KiB, every
//!   mode on one simpler kernel with the same results within each mode's
//!   tolerance; every other op stays under 2 KiB as it is.
//! - Nothing panics: bad input returns an [`Error`] whose variant says what
//!   is wrong, and the output is left untouched, but for [`max_unpool`]'s
//!   [`Error::IndexOutOfRange`], found as the output is written, which
//!   fills the output with NaN.
//! - One call splits across threads: [`part`] computes any run of an
//!   op's output units on its own (no allocation, no `std`), bit for bit
//!   the whole call's; with the `rayon` feature, `upsample::parallel`
//!   splits every op over the current rayon pool.
//! - Firmware short of flash turns off the default `specialised-kernels`
//!   feature (`default-features = false`): interpolate then runs every
//!   mode but nearest x2 on its general kernel, about 51 KiB of
//!   Cortex-M4F `.text` instead of about 400 KiB, with the same results
//!   within each mode's tolerance (nearest stays bit-exact).
//! - [`reference`](mod@reference) holds a plain scalar twin of every op,
//!   with the same signature: the oracle the SIMD paths are tested against.
//!
//! Nearest modes, pixel (un)shuffle, `max_pool` and `max_unpool` are
//! bit-exact with PyTorch; the blending modes agree within
//! `torch.testing.assert_close`'s float32 tolerance, `conv_transpose`
//! within 1e-4. SIMD instructions are chosen at compile time, through
//! `wide`: x86_64 builds use SSE2 unless built with
//! `RUSTFLAGS="-C target-cpu=native"` (or `+avx2,+fma`, `+avx512f`), wasm32
//! needs `+simd128`, aarch64 always has NEON.
//!
//! The README (`README.md` in the crate's source) has the rest: the table
//! of PyTorch calls and their equivalents here, each op's tolerance, every
//! [`Error`] with the input that causes it, the PyTorch conformance suite,
//! the tested targets and the performance against PyTorch.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod conv_transpose;
mod error;
mod geometry;
mod interpolate;
mod layout;
pub mod onnx;
#[cfg(feature = "rayon")]
pub mod parallel;
pub mod part;
mod pixel_shuffle;
mod pool;
pub mod reference;
mod simd;
mod slices;
mod stack;
mod unpool;
mod zeroed;

pub use conv_transpose::backward::{
    conv_transpose_backward, conv_transpose_backward_scratch_bound,
    conv_transpose_backward_scratch_len,
};
pub use conv_transpose::{
    conv_transpose, conv_transpose_scratch_bound, conv_transpose_scratch_len,
};
pub use error::{Buffer, Error};
pub use geometry::conv_transpose::{ConvTransposeOptions, conv_transpose_output_shape};
pub use geometry::conv_transpose_backward::ConvTransposeGradients;
pub use geometry::interpolate::{InterpolateMode, InterpolateOptions, interpolate_output_shape};
pub use geometry::per_axis::PerAxis;
pub use geometry::pixel_shuffle::{
    BlockMode, pixel_shuffle_output_shape, pixel_unshuffle_output_shape,
};
pub use geometry::pool::{MaxPoolOptions, max_pool_output_shape};
pub use geometry::resize::{
    CoordinateTransformationMode, KeepAspectRatioPolicy, NearestMode, ResizeMode, ResizeOptions,
    resize_output_shape,
};
pub use geometry::unpool::{UnpoolOptions, unpool_output_shape};
pub use interpolate::{
    interpolate, interpolate_backward, interpolate_backward_scratch_len,
    interpolate_backward_with_scratch, interpolate_scratch_len, interpolate_with_scratch, resize,
    resize_scratch_len, resize_with_scratch,
};
pub use layout::{Layout, MAX_SPATIAL, Shape};
pub use pixel_shuffle::{
    depth_to_space, pixel_shuffle, pixel_shuffle_backward, pixel_unshuffle,
    pixel_unshuffle_backward, space_to_depth,
};
pub use pool::{max_pool, max_pool_backward};
pub use unpool::{avg_unpool, avg_unpool_backward, max_unpool, max_unpool_backward};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
