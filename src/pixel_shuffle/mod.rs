//! `torch.nn.functional.pixel_shuffle` and `pixel_unshuffle`, and ONNX's
//! `DepthToSpace` and `SpaceToDepth` (the same with the small tensor's
//! channels in either order, [`BlockMode`]).
//!
//! ```text
//! pixel_shuffle:   out[n, c, h*r + i, w*r + j] = in[n, c*r*r + i*r + j, h, w]
//! pixel_unshuffle: the inverse
//! ```
//!
//! Both are pure copies, and each layout reduces to an interleave:
//!
//! ```text
//! channels-first shuffle:   out row (c, y*r + i) = interleave of the r input rows
//!                           (c*r*r + i*r + j, y) for j in 0..r
//! channels-last shuffle:    the r*r output pixels of input pixel (y, x) hold its
//!                           C*r*r values de-interleaved by r*r ([C][r*r] -> [r*r][C])
//! unshuffle:                the same with interleave and de-interleave swapped
//! ```
//!
//! How each case runs:
//!
//! | factor | channels-first | channels-last |
//! |---|---|---|
//! | 2, 4 | `zip` / `unzip` networks of `CopyLane` vectors per row | shuffle: 4x4 transposes per pixel (`[C][r*r]` to `[r*r][C]`), 16 channels at a time where `C` is a multiple of 16; unshuffle 2: a `zip` network per pixel, 4: 4x4 transposes |
//! | 3 | fixed-size chunks the compiler vectorises | 4x4 transposes of `[C][9]` (16 channels at a time likewise), a ninth stream by hand |
//! | other | strided scalar copies | strided scalar copies |
//!
//! Every kernel runs on [`PixelShuffle`](crate::simd::PixelShuffle)
//! vectors, 4 lanes whatever the target (`crate::simd` says why). The
//! kernels take the geometry as proof of the slice lengths: all chunk sizes
//! are products of validated, non-zero sizes, and every slice access is a
//! chunk, a zip, a `get` or a range clamped to the slice.
//!
//! - [`channels_first`]: the row interleaves of channels-first tensors;
//! - [`channels_last`]: the pixel transposes of channels-last tensors;
//! - [`interleave`]: the `zip` / `unzip` networks both layouts use;
//! - [`transpose`]: the 4x4 tile transposes of channels-last pixels;
//! - [`block_runs`]: channels-last in DCR order, where each block row of a
//!   pixel is one contiguous run in both tensors: copies of runs.
//!
//! Channels-first, DCR only changes which small planes a large plane
//! takes (`C` planes apart rather than consecutive).

mod block_runs;
mod channels_first;
mod channels_last;
mod interleave;
mod transpose;

use crate::geometry::pixel_shuffle::{BlockMode, Direction, ShuffleGeometry};
use crate::geometry::{map_backward_entry_point, map_entry_point};
use crate::layout::Layout;
use crate::slices::copy;
use block_runs::{shuffle_runs, unshuffle_runs};
use channels_first::{shuffle_channels_first, unshuffle_channels_first};
use channels_last::{shuffle_channels_last, unshuffle_channels_last};

map_entry_point! {
/// `torch.nn.functional.pixel_shuffle(input, upscale_factor)`.
///
/// `input` has logical shape `shape` = `(N, C*r*r, H, W)` in `layout`;
/// `output` gets `(N, C, H*r, W*r)` in the same layout. Exact (a copy).
///
/// ```
/// use upsample::{pixel_shuffle, Layout};
/// let input = [1.0, 2.0, 3.0, 4.0]; // (1, 4, 1, 1)
/// let mut output = [0.0; 4]; // (1, 1, 2, 2)
/// pixel_shuffle(&input, &[1, 4, 1, 1], Layout::ChannelsFirst, 2, &mut output).unwrap();
/// assert_eq!(output, [1.0, 2.0, 3.0, 4.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`](crate::Error::Rank) unless the shape is 4-d; [`Error::ZeroDimension`](crate::Error::ZeroDimension);
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a zero factor; [`Error::NotDivisible`](crate::Error::NotDivisible)
/// when `C` is not a multiple of `r*r`; [`Error::BufferLength`](crate::Error::BufferLength).
pub fn pixel_shuffle(upscale_factor: usize) = ShuffleGeometry::shuffle => permute
}

map_entry_point! {
/// `torch.nn.functional.pixel_unshuffle(input, downscale_factor)`.
///
/// `input` has logical shape `shape` = `(N, C, H*r, W*r)` in `layout`;
/// `output` gets `(N, C*r*r, H, W)` in the same layout. Exact (a copy).
///
/// ```
/// use upsample::{pixel_unshuffle, Layout};
/// let input = [1.0, 2.0, 3.0, 4.0]; // (1, 1, 2, 2)
/// let mut output = [0.0; 4]; // (1, 4, 1, 1)
/// pixel_unshuffle(&input, &[1, 1, 2, 2], Layout::ChannelsFirst, 2, &mut output).unwrap();
/// assert_eq!(output, [1.0, 2.0, 3.0, 4.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`](crate::Error::Rank) unless the shape is 4-d; [`Error::ZeroDimension`](crate::Error::ZeroDimension);
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a zero factor; [`Error::NotDivisible`](crate::Error::NotDivisible)
/// when `H` or `W` is not a multiple of `r`; [`Error::BufferLength`](crate::Error::BufferLength).
pub fn pixel_unshuffle(downscale_factor: usize) = ShuffleGeometry::unshuffle => permute
}

map_entry_point! {
/// ONNX `DepthToSpace(input, blocksize, mode)`: [`pixel_shuffle`] with the
/// small tensor's channels in either order ([`BlockMode`]; `Crd` is
/// `pixel_shuffle`, `Dcr` ONNX's default).
///
/// `input` has logical shape `shape` = `(N, C*r*r, H, W)` in `layout`;
/// `output` gets `(N, C, H*r, W*r)` (as [`pixel_shuffle_output_shape`](crate::pixel_shuffle_output_shape)) in
/// the same layout. Exact (a copy).
///
/// ```
/// use upsample::{depth_to_space, BlockMode, Layout};
/// // (1, 8, 1, 1) to (1, 2, 2, 2): DCR puts channel (i*2 + j)*2 + c at block (i, j) of channel c.
/// let input = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
/// let mut output = [0.0; 8];
/// depth_to_space(&input, &[1, 8, 1, 1], Layout::ChannelsFirst, 2, BlockMode::Dcr, &mut output).unwrap();
/// assert_eq!(output, [0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]);
/// ```
///
/// # Errors
/// As [`pixel_shuffle`]'s.
pub fn depth_to_space(blocksize: usize, mode: BlockMode) = ShuffleGeometry::depth_to_space => permute
}

map_entry_point! {
/// ONNX `SpaceToDepth(input, blocksize)` (and its `mode`): [`pixel_unshuffle`]
/// with the small tensor's channels in either order ([`BlockMode`]; ONNX's
/// `SpaceToDepth` is `Dcr`, `Crd` is `pixel_unshuffle`).
///
/// `input` has logical shape `shape` = `(N, C, H*r, W*r)` in `layout`;
/// `output` gets `(N, C*r*r, H, W)` (as [`pixel_unshuffle_output_shape`](crate::pixel_unshuffle_output_shape)) in
/// the same layout. Exact (a copy).
///
/// ```
/// use upsample::{space_to_depth, BlockMode, Layout};
/// let input = [0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]; // (1, 2, 2, 2)
/// let mut output = [0.0; 8]; // (1, 8, 1, 1)
/// space_to_depth(&input, &[1, 2, 2, 2], Layout::ChannelsFirst, 2, BlockMode::Dcr, &mut output).unwrap();
/// assert_eq!(output, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
/// ```
///
/// # Errors
/// As [`pixel_unshuffle`]'s.
pub fn space_to_depth(blocksize: usize, mode: BlockMode) = ShuffleGeometry::space_to_depth => permute
}

map_backward_entry_point! {
/// The gradient of [`pixel_shuffle`] with respect to its input: `grad_input
/// = pixel_unshuffle(grad_output, r)` (a permutation's transpose is its
/// inverse), as PyTorch's autograd computes it. Exact (a copy).
///
/// `shape` is the forward's input shape `(N, C*r*r, H, W)`; `grad_output`
/// has the forward output's shape `(N, C, H*r, W*r)`, `grad_input` `shape`,
/// both in `layout`.
///
/// ```
/// use upsample::{pixel_shuffle_backward, Layout};
/// let grad_output = [1.0, 2.0, 3.0, 4.0]; // (1, 1, 2, 2)
/// let mut grad_input = [0.0; 4]; // (1, 4, 1, 1)
/// pixel_shuffle_backward(&grad_output, &[1, 4, 1, 1], Layout::ChannelsFirst, 2, &mut grad_input)?;
/// assert_eq!(grad_input, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`pixel_shuffle`]'s, with [`Buffer::GradOutput`](crate::Buffer::GradOutput) and
/// [`Buffer::GradInput`](crate::Buffer::GradInput) in [`Error::BufferLength`](crate::Error::BufferLength).
pub fn pixel_shuffle_backward(upscale_factor: usize) = ShuffleGeometry::shuffle => permute_back
}

map_backward_entry_point! {
/// The gradient of [`pixel_unshuffle`] with respect to its input:
/// `grad_input = pixel_shuffle(grad_output, r)`. Exact (a copy).
///
/// `shape` is the forward's input shape `(N, C, H*r, W*r)`; `grad_output`
/// has the forward output's shape `(N, C*r*r, H, W)`, `grad_input` `shape`,
/// both in `layout`.
///
/// ```
/// use upsample::{pixel_unshuffle_backward, Layout};
/// let grad_output = [1.0, 2.0, 3.0, 4.0]; // (1, 4, 1, 1)
/// let mut grad_input = [0.0; 4]; // (1, 1, 2, 2)
/// pixel_unshuffle_backward(&grad_output, &[1, 1, 2, 2], Layout::ChannelsFirst, 2, &mut grad_input)?;
/// assert_eq!(grad_input, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`pixel_unshuffle`]'s, with [`Buffer::GradOutput`](crate::Buffer::GradOutput) and
/// [`Buffer::GradInput`](crate::Buffer::GradInput) in [`Error::BufferLength`](crate::Error::BufferLength).
pub fn pixel_unshuffle_backward(downscale_factor: usize) = ShuffleGeometry::unshuffle => permute_back
}

/// A backward on a checked forward geometry: the inverse move.
fn permute_back(g: &ShuffleGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    permute(&g.inverse(), grad_output, grad_input);
}

/// Every op here on a checked geometry and buffers: a copy for factor 1,
/// else the direction's kernel for the layout and block mode.
pub(crate) fn permute(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    use Direction::{Shuffle, Unshuffle};
    use Layout::{ChannelsFirst, ChannelsLast};
    match (g.direction, g.input.layout, g.mode) {
        _ if g.factor == 1 => copy(input, output),
        (Shuffle, ChannelsFirst, _) => shuffle_channels_first(g, input, output),
        (Shuffle, ChannelsLast, BlockMode::Crd) => shuffle_channels_last(g, input, output),
        (Shuffle, ChannelsLast, BlockMode::Dcr) => shuffle_runs(g, input, output),
        (Unshuffle, ChannelsFirst, _) => unshuffle_channels_first(g, input, output),
        (Unshuffle, ChannelsLast, BlockMode::Crd) => unshuffle_channels_last(g, input, output),
        (Unshuffle, ChannelsLast, BlockMode::Dcr) => unshuffle_runs(g, input, output),
    }
}
