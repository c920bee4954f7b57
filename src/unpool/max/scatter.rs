//! `max_unpool`'s scatter: each value written at its index into an output
//! zeroed just before (small channels-first planes, which stay in cache) or
//! just ahead of the writes ([`Zeroed`]), in memory order, so that later
//! indices win as in the reference.

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

/// The zeroed prefix of one `max_unpool` output plane (channels-first) or
/// batch (channels-last).
#[derive(Default)]
pub(super) struct Zeroed {
    /// `out[..end]` is zeroed (or written).
    end: usize,
}

impl Zeroed {
    /// Zeroed ahead in blocks of this many elements (16 KiB).
    const BLOCK: usize = 4096;
    /// Planes up to this many elements (1 MiB) are zeroed whole first: they
    /// stay in the private cache for the scatter that follows.
    pub(super) const WHOLE: usize = 1 << 18;

    /// Makes sure `out[..=at]` is zeroed (or written) before `out[at]` is.
    #[inline(always)]
    fn reach(&mut self, out: &mut [f32], at: usize) {
        if at >= self.end {
            let end = (at + 1).max(self.end + Self::BLOCK).min(out.len());
            if let Some(gap) = out.get_mut(self.end..end) {
                gap.fill(0.0);
            }
            self.end = end;
        }
    }

    /// Zeroes the rest.
    fn finish(self, out: &mut [f32]) {
        if let Some(rest) = out.get_mut(self.end..) {
            rest.fill(0.0);
        }
    }
}
