//! Plain scalar transcriptions of PyTorch's CPU kernels: the oracle.
//!
//! Every function here has the signature of the public op of the same name
//! and runs the same validation, then computes the result the simplest way,
//! following the ATen function named in its comments. No SIMD, no
//! cleverness: these are what the fast paths are tested against, and what
//! the golden cases made by real PyTorch check.

mod antialias;
mod antialias_backward;
pub(crate) mod conv_transpose;
pub(crate) mod conv_transpose_backward;
pub(crate) mod interpolate;
pub(crate) mod interpolate_backward;
mod onnx;
mod pixel_shuffle;
pub(crate) mod pool;
mod resize;
pub(crate) mod unpool;

pub use conv_transpose::{conv, conv_transpose};
pub use conv_transpose_backward::conv_transpose_backward;
pub use interpolate::interpolate;
pub use interpolate_backward::interpolate_backward;
pub use onnx::{onnx_conv_transpose, onnx_max_pool, onnx_max_unpool};
pub use pixel_shuffle::{
    depth_to_space, pixel_shuffle, pixel_shuffle_backward, pixel_unshuffle,
    pixel_unshuffle_backward, space_to_depth,
};
pub use pool::{max_pool, max_pool_backward};
pub use resize::resize;
pub(crate) use resize::value_at as resize_value_at;
pub use unpool::{avg_unpool, avg_unpool_backward, max_unpool, max_unpool_backward};
