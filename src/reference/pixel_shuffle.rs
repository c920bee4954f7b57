//! Reference pixel shuffle and unshuffle, after ATen's `pixel_shuffle` /
//! `pixel_unshuffle` (`aten/src/ATen/native/PixelShuffle.cpp`): a view and
//! permute, written here as the index map it amounts to.

use crate::geometry::map_entry_point;
use crate::geometry::pixel_shuffle::{Direction, ShuffleGeometry};

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

/// [`pixel_shuffle`] and [`pixel_unshuffle`] on a checked geometry and
/// buffers: one index map between the large tensor and the small one,
/// `large[n, c, y, x] = small[n, c*r*r + (y%r)*r + (x%r), y/r, x/r]`, read
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
                    let sc = c * r * r + (y % r) * r + (x % r);
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
