//! The checked problem of every op: its options, the checks PyTorch makes
//! (in PyTorch's order, so the first error is PyTorch's), the output shape,
//! and the index and weight helpers of ATen both the fast paths and
//! [`reference`](crate::reference) compute from.
//!
//! A geometry is built once per call, before anything is written; the
//! kernels take it as the proof that every length and index they derive
//! from it fits. Nothing here depends on a kernel: the fast paths and the
//! reference both sit on top of this layer, and neither imports the other's
//! arithmetic.

pub(crate) mod adaptive;
pub(crate) mod antialias;
pub(crate) mod conv_transpose;
pub(crate) mod interpolate;
mod params;
pub(crate) mod pixel_shuffle;
pub(crate) mod pool;
pub(crate) mod unpool;
pub(crate) mod upsample;
