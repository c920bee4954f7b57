//! What the integration tests share: the random generator and quickcheck
//! runner, the sentinels and guard-banded buffers that catch stray or
//! missing writes, layout converters, and comparisons.
//!
//! Each test file includes it with `mod common;` and uses a part of it, so
//! the rest is dead code (and the re-exports below unused imports) in that
//! binary.
#![allow(dead_code)]

mod compare;
mod conv_call;
mod guard;
mod interpolate_call;
mod layout;
pub mod parts;
mod pool_call;
mod resize_call;
mod rng;

#[allow(unused_imports)]
pub use compare::{
    close, dot, first_difference, first_mismatch, identical, same, same_bits, same_or_close,
};
#[allow(unused_imports)]
pub use conv_call::Problem;
#[allow(unused_imports)]
pub use guard::{
    ALT_INDEX_SENTINEL, ALT_SENTINEL, Guarded, INDEX_SENTINEL, SENTINEL, Sentinel, untouched,
};
#[allow(unused_imports)]
pub use interpolate_call::Call;
#[allow(unused_imports)]
pub use layout::{logical_shape, physical_shape, to_channels_first, to_channels_last};
#[allow(unused_imports)]
pub use pool_call::{PoolGeometry, random_pool, random_unpool};
#[allow(unused_imports)]
pub use resize_call::ResizeCall;
#[allow(unused_imports)]
pub use rng::{Rng, check};

use upsample::InterpolateMode as M;

/// Every interpolation mode (`every_mode_is_covered` in
/// `fast_interpolate.rs` stops compiling when the enum gains one).
pub const MODES: [M; 8] = [
    M::Nearest,
    M::NearestExact,
    M::Linear,
    M::Bilinear,
    M::Bicubic,
    M::Trilinear,
    M::Area,
    M::Lanczos,
];
