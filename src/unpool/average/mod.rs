//! `avg_unpool`'s kernels: [`replicate`] where `kernel_size == stride`
//! (each output covered by at most one window), [`overlap`] elsewhere. The
//! geometry is the proof of every length; slices are reached by chunks, zips
//! and `get`, so no valid geometry can make them panic.

mod backward;
mod overlap;
mod replicate;
#[cfg(test)]
mod tests;

use crate::geometry::unpool::UnpoolGeometry;
use crate::layout::MAX_SPATIAL;
use crate::simd::{Average, Replicate};
pub(crate) use backward::spread_back;
use overlap::{average_channels_last, average_plane};
use replicate::{replicate_channels_last, replicate_plane};

/// One channels-first plane, or the plane of a one-channel channels-last
/// tensor (the same memory).
#[inline]
pub(super) fn plane(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    if g.kernel == g.stride {
        replicate_plane::<Replicate>(g, input, output);
    } else {
        average_plane::<Average>(g, input, output);
    }
}

/// One batch of a channels-last tensor of more than one channel.
#[inline]
pub(super) fn channels_last(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    if g.kernel == g.stride {
        replicate_channels_last(g, input, output);
    } else {
        average_channels_last::<Average>(g, input, output);
    }
}

/// The rows `(z, y)` of a `[D, H, W]` box, in order.
fn rows(spatial: [usize; MAX_SPATIAL]) -> impl Iterator<Item = (usize, usize)> {
    let [d, h, _] = spatial;
    (0..d).flat_map(move |z| (0..h).map(move |y| (z, y)))
}
