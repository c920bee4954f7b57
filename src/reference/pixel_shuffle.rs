//! Reference pixel shuffle and unshuffle, after ATen's `pixel_shuffle` /
//! `pixel_unshuffle` (`aten/src/ATen/native/PixelShuffle.cpp`): a view and
//! permute, written here as the index map it amounts to.

use crate::geometry::map_entry_point;
use crate::geometry::pixel_shuffle::ShuffleGeometry;

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
pub fn pixel_shuffle(upscale_factor: usize) = ShuffleGeometry::shuffle => shuffle
}

/// [`pixel_shuffle`] on a checked geometry and buffers.
fn shuffle(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, o) = (g.factor, g.output);
    let [_, oh, ow] = o.spatial;
    for n in 0..o.n {
        for c in 0..o.c {
            for y in 0..oh {
                for x in 0..ow {
                    // out[n, c, y, x] = in[n, c*r*r + (y%r)*r + (x%r), y/r, x/r]
                    let ic = c * r * r + (y % r) * r + (x % r);
                    output[o.offset(n, c, [0, y, x])] =
                        input[g.input.offset(n, ic, [0, y / r, x / r])];
                }
            }
        }
    }
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
pub fn pixel_unshuffle(downscale_factor: usize) = ShuffleGeometry::unshuffle => unshuffle
}

/// [`pixel_unshuffle`] on a checked geometry and buffers.
fn unshuffle(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, i) = (g.factor, g.input);
    let [_, ih, iw] = i.spatial;
    for n in 0..i.n {
        for c in 0..i.c {
            for y in 0..ih {
                for x in 0..iw {
                    // out[n, c*r*r + (y%r)*r + (x%r), y/r, x/r] = in[n, c, y, x]
                    let oc = c * r * r + (y % r) * r + (x % r);
                    output[g.output.offset(n, oc, [0, y / r, x / r])] =
                        input[i.offset(n, c, [0, y, x])];
                }
            }
        }
    }
}
