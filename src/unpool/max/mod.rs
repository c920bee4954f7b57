//! `max_unpool`'s kernels: a plane (channels-first) or image (channels-last)
//! at a time, each either written a row at a time where its indices lie in
//! their own stride cells ([`cells`]), or checked and scattered into a zeroed
//! output ([`scatter`]).

mod backward;
mod cells;
mod scatter;

use crate::error::Error;
use crate::geometry::unpool::UnpoolGeometry;
use crate::simd::Native;
use crate::zeroed::Zeroed;
pub(crate) use backward::gather;
use cells::Cells;
use scatter::{scatter_channels_last, scatter_plane};

/// The body of [`max_unpool`](crate::max_unpool) on checked buffers. Each channels-first plane
/// (or channels-last image) has its indices checked as it is written,
/// while they are in cache, instead of in a pass over all of them first
/// (which would read every `i64` index from memory twice): where every index
/// lies in its own cell, [`Cells`] checks them for free; elsewhere the
/// unit's indices are checked just before its scatter.
pub(crate) fn unpool_max(
    g: &UnpoolGeometry,
    input: &[f32],
    indices: &[i64],
    output: &mut [f32],
) -> Result<(), Error> {
    // Channels-first, or one channel (the same memory), go a plane at a time.
    let c = g.input.pixel();
    let (plane, out_plane) = (g.input.plane() * c, g.output.plane() * c);
    // Outputs that fit in cache are zeroed and scattered into there.
    let cells = Cells::new(g).filter(|_| output.len() > Zeroed::WHOLE);
    let units = input.chunks_exact(plane).zip(indices.chunks_exact(plane));
    for (u, ((values, indices), out)) in units.zip(output.chunks_exact_mut(out_plane)).enumerate() {
        let dense = cells.is_some_and(|cells| match c {
            1 => cells.plane::<Native>(values, indices, out),
            _ => cells.channels_last::<Native>(values, indices, out, c),
        });
        if !dense {
            g.check_index_block(indices, u * plane)?;
            match c {
                1 => scatter_plane(values, indices, out),
                _ => scatter_channels_last(values, indices, out, c),
            }
        }
    }
    Ok(())
}
