//! The interpolation kernels, one file (or folder) each, in the order
//! [`plan`](super::plan) tries them. Each has `fits` (exactly what it
//! takes) and `run`; none imports another (the layering check in
//! `scripts/check-layers.sh` holds them to that), and what they share
//! lives beside them: [`rows`](super::rows), [`blocks`](super::blocks),
//! [`windows`](super::windows).

#[cfg(feature = "specialised-kernels")]
pub(crate) mod blend_x2;
pub(crate) mod caller_scratch;
#[cfg(feature = "specialised-kernels")]
pub(crate) mod copy_pixels;
pub(crate) mod copy_x2;
#[cfg(feature = "specialised-kernels")]
pub(crate) mod copy_x4_or_half;
#[cfg(feature = "specialised-kernels")]
pub(crate) mod four_planes_channels_first;
pub(crate) mod general;
#[cfg(feature = "specialised-kernels")]
pub(crate) mod permuted_rows;
#[cfg(feature = "specialised-kernels")]
pub(crate) mod sliding_channels_last;
