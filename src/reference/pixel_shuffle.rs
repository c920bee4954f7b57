//! Reference pixel shuffle and unshuffle, after ATen's `pixel_shuffle` /
//! `pixel_unshuffle` (`aten/src/ATen/native/PixelShuffle.cpp`), and ONNX's
//! `DepthToSpace` / `SpaceToDepth` (`onnx/reference/ops/op_depth_to_space.py`,
//! `op_space_to_depth.py`): each a reshape and transpose, written here as
//! the index map it amounts to.

use crate::geometry::pixel_shuffle::{BlockMode, Direction, ShuffleGeometry};
use crate::geometry::{map_backward_entry_point, map_entry_point};

map_entry_point! {
/// Reference twin of [`crate::pixel_shuffle`].
///
/// ```
/// let mut out = [0.0; 4];
/// upsample::reference::pixel_shuffle(&[1.0, 2.0, 3.0, 4.0], &[1, 4, 1, 1], upsample::Layout::ChannelsLast, 2, &mut out)?;
/// assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::pixel_shuffle`].
pub fn pixel_shuffle(upscale_factor: usize) = ShuffleGeometry::shuffle => permute
}

map_entry_point! {
/// Reference twin of [`crate::pixel_unshuffle`].
///
/// ```
/// let mut out = [0.0; 4];
/// upsample::reference::pixel_unshuffle(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2], upsample::Layout::ChannelsFirst, 2, &mut out)?;
/// assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::pixel_unshuffle`].
pub fn pixel_unshuffle(downscale_factor: usize) = ShuffleGeometry::unshuffle => permute
}

map_entry_point! {
/// Reference twin of [`crate::depth_to_space`].
///
/// ```
/// use upsample::{BlockMode, Layout};
/// let mut out = [0.0; 8];
/// // (1, 8, 1, 1) to (1, 2, 2, 2): channel (i*2 + j)*2 + c to block (i, j) of c.
/// let input = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
/// upsample::reference::depth_to_space(&input, &[1, 8, 1, 1], Layout::ChannelsFirst, 2, BlockMode::Dcr, &mut out)?;
/// assert_eq!(out, [0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::depth_to_space`].
pub fn depth_to_space(blocksize: usize, mode: BlockMode) = ShuffleGeometry::depth_to_space => permute
}

map_entry_point! {
/// Reference twin of [`crate::space_to_depth`].
///
/// # Errors
/// As [`crate::space_to_depth`].
pub fn space_to_depth(blocksize: usize, mode: BlockMode) = ShuffleGeometry::space_to_depth => permute
}

map_backward_entry_point! {
/// Reference twin of [`crate::pixel_shuffle_backward`]: [`pixel_unshuffle`]'s
/// index map from the gradient of the output.
///
/// ```
/// let mut grad_input = [0.0; 4];
/// upsample::reference::pixel_shuffle_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 4, 1, 1], upsample::Layout::ChannelsLast, 2, &mut grad_input)?;
/// assert_eq!(grad_input, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::pixel_shuffle_backward`].
pub fn pixel_shuffle_backward(upscale_factor: usize) = ShuffleGeometry::shuffle => permute_back
}

map_backward_entry_point! {
/// Reference twin of [`crate::pixel_unshuffle_backward`]: [`pixel_shuffle`]'s
/// index map from the gradient of the output.
///
/// ```
/// let mut grad_input = [0.0; 4];
/// upsample::reference::pixel_unshuffle_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2], upsample::Layout::ChannelsFirst, 2, &mut grad_input)?;
/// assert_eq!(grad_input, [1.0, 2.0, 3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::pixel_unshuffle_backward`].
pub fn pixel_unshuffle_backward(downscale_factor: usize) = ShuffleGeometry::unshuffle => permute_back
}

/// A backward on a checked forward geometry: the inverse index map.
fn permute_back(g: &ShuffleGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    permute(&g.inverse(), grad_output, grad_input);
}

/// Every op here on a checked geometry and buffers: one index map between
/// the large tensor and the small one, `large[n, c, y, x] = small[n, s,
/// y/r, x/r]` with `s` the small channel of `c` at block position
/// `(y%r, x%r)` ([`BlockMode`]: CRD `c*r*r + (y%r)*r + (x%r)`), read
/// from the small one (shuffle) or written into it (unshuffle), in the
/// large one's order.
fn permute(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let (large, small) = match g.direction {
        Direction::Shuffle => (g.output, g.input),
        Direction::Unshuffle => (g.input, g.output),
    };
    let [_, h, w] = large.spatial;
    for n in 0..large.n {
        for c in 0..large.c {
            for y in 0..h {
                for x in 0..w {
                    let sc = g.small_channel(c, (y % r) * r + (x % r), large.c);
                    let at_large = large.offset(n, c, [0, y, x]);
                    let at_small = small.offset(n, sc, [0, y / r, x / r]);
                    match g.direction {
                        Direction::Shuffle => output[at_large] = input[at_small],
                        Direction::Unshuffle => output[at_small] = input[at_large],
                    }
                }
            }
        }
    }
}
