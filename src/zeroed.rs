//! Zeroing a scatter's target just ahead of its writes, so that each cache
//! line is zeroed and written while hot (used by `max_unpool` and
//! `max_pool_backward`): before a value lands past the zeroed prefix, the
//! prefix grows to cover it.

/// The zeroed prefix of a buffer being scattered into (one channels-first
/// plane or channels-last image), grown just ahead of the writes.
#[derive(Default)]
pub(crate) struct Zeroed {
    /// `out[..end]` is zeroed (or written).
    end: usize,
}

impl Zeroed {
    /// Zeroed ahead in blocks of this many elements (16 KiB).
    const BLOCK: usize = 4096;
    /// Planes up to this many elements (1 MiB) are zeroed whole first: they
    /// stay in the private cache for the scatter that follows.
    pub(crate) const WHOLE: usize = 1 << 18;

    /// Makes sure `out[..=at]` is zeroed (or written) before `out[at]` is.
    #[inline(always)]
    pub(crate) fn reach(&mut self, out: &mut [f32], at: usize) {
        if at >= self.end {
            let end = (at + 1).max(self.end + Self::BLOCK).min(out.len());
            if let Some(gap) = out.get_mut(self.end..end) {
                gap.fill(0.0);
            }
            self.end = end;
        }
    }

    /// Zeroes the rest.
    pub(crate) fn finish(self, out: &mut [f32]) {
        if let Some(rest) = out.get_mut(self.end..) {
            rest.fill(0.0);
        }
    }
}
