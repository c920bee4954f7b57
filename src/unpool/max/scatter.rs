//! `max_unpool`'s scatter: each value written at its index into an output
//! zeroed just before (small channels-first planes, which stay in cache) or
//! just ahead of the writes ([`Zeroed`]), in memory order, so that later
//! indices win as in the reference.

use crate::zeroed::Zeroed;

/// Zero-fill and scatter of one channels-last image of `c` channels.
pub(super) fn scatter_channels_last(values: &[f32], indices: &[i64], out: &mut [f32], c: usize) {
    let mut zeroed = Zeroed::default();
    let pixels = values.chunks_exact(c).zip(indices.chunks_exact(c));
    for (values, indices) in pixels {
        // One zeroing check per pixel, at a bound on its targets:
        // the OR of its (checked, non-negative) indices is at
        // least their maximum, and vectorises on every target.
        let top = indices.iter().fold(0, |m, &i| m | i as usize);
        zeroed.reach(out, top * c + c - 1);
        for (ch, (&v, &i)) in values.iter().zip(indices).enumerate() {
            if let Some(o) = out.get_mut(i as usize * c + ch) {
                *o = v;
            }
        }
    }
    zeroed.finish(out);
}

/// Zero-fill and scatter of one channels-first plane.
pub(super) fn scatter_plane(values: &[f32], indices: &[i64], out: &mut [f32]) {
    if out.len() <= Zeroed::WHOLE {
        // A small plane: zeroed, then scattered into while it is
        // still in cache.
        out.fill(0.0);
        for (&v, &i) in values.iter().zip(indices) {
            if let Some(o) = out.get_mut(i as usize) {
                *o = v;
            }
        }
    } else {
        let mut zeroed = Zeroed::default();
        for (&v, &i) in values.iter().zip(indices) {
            zeroed.reach(out, i as usize);
            if let Some(o) = out.get_mut(i as usize) {
                *o = v;
            }
        }
        zeroed.finish(out);
    }
}
