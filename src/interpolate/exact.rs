//! PyTorch's answer where an input is NaN, infinite or near `f32::MAX`.
//!
//! The kernels sum the taps of a window in another order than PyTorch
//! (the height before the width), and their per-axis windows have a fixed
//! number of taps: where PyTorch reads one input twice (a clamped edge)
//! the table sums the two weights onto it, and where a window is shorter
//! the table pads it with zero weights on inputs PyTorch does not read.
//! On finite inputs of moderate size all of that changes only the
//! rounding. On special values it changes the answer: `0 * inf` is NaN,
//! `inf * a + inf * b` is NaN when `a` and `b` have opposite signs though
//! `inf * (a + b)` is not, and whether a sum of values near `f32::MAX`
//! overflows depends on its order.
//!
//! So every blending kernel notes each blended vector it computes (a
//! vertical blend of its source rows, which holds every input an output
//! row's windows read) in a [`Flag`]: one multiply-add, `flag += b * b`,
//! which turns infinite or NaN at a NaN, an infinity or a value of
//! magnitude 2^64 or more. Where it does, [`fix_row`] recomputes the
//! row's outputs whose windows hold an input that is NaN, infinite or of
//! magnitude 2^60 or more through the reference, one at a time, in
//! PyTorch's order. A row whose vertical window gives a source row the
//! weight zero is checked for such values too ([`zero_weight_rows`]):
//! PyTorch multiplies that row's sum along W by zero, and an overflowed
//! sum times zero is NaN, while the kernel's blend of it is zero.
//!
//! The permuted rows of 4 source rows (trilinear, bicubic), which blend
//! them once per output row of a pair or quad, note nothing: the row
//! driver scans each plane's source rows once per chunk instead
//! ([`any_special`], a vectorised max of magnitudes) and, where that
//! finds a special value, each row's, and recomputes the rows that read
//! one (`rows.rs`'s `Check::Scan`).
//!
//! Nothing here costs more than the one multiply-add per blended vector
//! (or the scan's one pass over the inputs) where the inputs are
//! ordinary; the recomputation runs only on rows that hold such a value. Left out, and said in the README: an input
//! near `f32::MAX` weighted by a nonzero vertical weight below about
//! 2^-64, whose row PyTorch sums into an overflow.

use super::windows::{MAX_TAPS, Part, Problem};
use crate::layout::Layout;
use crate::reference::interpolate::{self as reference};
use crate::simd::CopyLane;
use core::ops::Range;

/// Inputs of at least this magnitude (and NaN, infinities) make an output
/// be recomputed by the reference where a row is flagged.
const LARGE: f32 = 1.152_921_5e18; // 2^60

/// Whether `x` is NaN, infinite or of magnitude [`LARGE`] or more.
#[inline(always)]
pub(crate) fn special(x: f32) -> bool {
    x.is_nan() || x.abs() >= LARGE
}

/// The running note of one output row's blended vectors: NaN or infinite
/// once any of them was NaN, infinite or of magnitude 2^64 or more.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flag<L>(L);

impl<L: CopyLane> Flag<L> {
    /// Nothing noted yet.
    #[inline(always)]
    pub fn new() -> Self {
        Flag(L::splat(0.0))
    }

    /// Notes the blended vector `b`.
    #[inline(always)]
    pub fn note(&mut self, b: L) {
        self.0 = b.mul_add(b, self.0);
    }

    /// Notes each vector of `v` (a method, not a closure over the flag: a
    /// closure the compiler leaves out of line takes `v` by reference and
    /// keeps the caller's register window in memory). Their squares are
    /// summed apart and the sum added to the note, so that the note's own
    /// chain, from one call to the next, is one add rather than a
    /// multiply-add per vector.
    #[cfg(feature = "specialised-kernels")]
    #[inline(always)]
    pub fn note_all(&mut self, v: &[L]) {
        let mut squares = v.iter().map(|&b| b * b);
        if let Some(first) = squares.next() {
            let sum = v.iter().skip(1).fold(first, |sum, &b| b.mul_add(b, sum));
            self.0 = self.0 + sum;
        }
    }

    /// Whether a noted vector was special.
    #[inline(always)]
    pub fn raised(self) -> bool {
        let mut bits = [0u32; 16];
        // Zero times a finite note is zero; times an infinite or NaN one, NaN.
        (self.0 * L::splat(0.0)).nan().store_bits(&mut bits);
        bits.iter().any(|&b| b != 0)
    }

    /// Which lanes noted a special vector: bit `k` for lane `k` (a kernel
    /// whose lanes are planes fixes up only the planes that need it, so a
    /// plane's result does not depend on its neighbours).
    #[cfg(feature = "specialised-kernels")]
    #[inline(always)]
    pub fn raised_lanes(self) -> u32 {
        let mut bits = [0u32; 16];
        (self.0 * L::splat(0.0)).nan().store_bits(&mut bits);
        bits.iter()
            .take(L::LANES)
            .enumerate()
            .fold(0, |mask, (k, &b)| mask | (u32::from(b != 0) << k))
    }

    /// [`raised`](Self::raised) of each flag, in a loop the compiler keeps
    /// in line (an array `map` left the test out of line, a call per row),
    /// after one test of their sum: the notes are sums of squares, so the
    /// sum is finite exactly when every note is (or overflows, which only
    /// costs the per-flag tests).
    #[cfg(feature = "specialised-kernels")]
    #[inline(always)]
    pub fn raised_each<const N: usize>(flags: [Self; N]) -> [bool; N] {
        let mut raised = [false; N];
        let sum = flags.iter().fold(L::splat(0.0), |sum, f| sum + f.0);
        if Flag(sum).raised() {
            for (r, f) in raised.iter_mut().zip(flags) {
                *r = f.raised();
            }
        }
        raised
    }
}

/// Every output of `p` through the reference, one at a time (the kernel
/// of windows too wide for the tables), from the whole call's input.
pub(crate) fn every_output(p: &Part<'_>, output: &mut [f32]) {
    let &Part { g, o, .. } = p;
    let planes = o.n * o.c / o.pixel();
    let columns = o.spatial[2];
    let row_len = columns * o.pixel();
    let mut rows = output.chunks_exact_mut(row_len);
    for plane in 0..planes {
        let (n, cs) = match o.layout {
            Layout::ChannelsFirst => {
                let c = g.input().c;
                ((p.first + plane) / c, (p.first + plane) % c)
            }
            Layout::ChannelsLast => (p.first + plane, 0),
        };
        for row in 0..o.spatial[0] * o.spatial[1] {
            let Some(out) = rows.next() else {
                return;
            };
            let (z, y) = (row / o.spatial[1], row % o.spatial[1]);
            let (z, y) = (z + p.offset[0], y + p.offset[1]);
            for (k, slot) in out.iter_mut().enumerate() {
                let (x, c) = match o.layout {
                    Layout::ChannelsFirst => (k, cs),
                    Layout::ChannelsLast => (k / o.c, k % o.c),
                };
                let at = reference::At {
                    n,
                    c,
                    spatial: [z, y, x],
                };
                *slot = g.value_at(p.source, at);
            }
        }
    }
}

/// Whether `x` holds a value that is NaN, infinite or of magnitude
/// [`LARGE`] or more.
#[inline]
pub(crate) fn any_special(x: &[f32]) -> bool {
    // The largest magnitude's bits (NaN's are above infinity's, which are
    // above every finite value's): a max of integers, which vectorises.
    let most = x
        .iter()
        .fold(0, |most: u32, &v| most.max(v.abs().to_bits()));
    most >= LARGE.to_bits()
}

/// Whether a source row given the weight zero in `weights` (as ATen
/// multiplies a row's sum along W by its weight) holds a value that is
/// NaN, infinite or of magnitude [`LARGE`] or more: the flag does not see
/// such a row's large values, which its blend multiplies by zero.
#[cfg(feature = "specialised-kernels")]
#[inline]
pub(crate) fn zero_weight_rows<const R: usize>(rows: &[&[f32]; R], weights: &[f32; R]) -> bool {
    rows.iter()
        .zip(weights)
        .filter(|&(_, &w)| w == 0.0)
        .any(|(row, _)| any_special(row))
}

/// Recomputes through the reference the outputs of `columns` (and, for
/// channels-last, `channels`) of output row `row` (`z * out_h + y`) of
/// plane `plane` of `p.i` (channels-first: `n * C + c`; channels-last:
/// `n`) whose windows hold an input that is NaN, infinite or of magnitude
/// [`LARGE`] or more, from the whole call's input `p.source`. `out` is
/// that row of that plane: `out_w` floats channels-first, `out_w * C`
/// channels-last. Nothing is done for nearest and nearest-exact, which
/// copy (an axis whose size does not change copies too, but PyTorch
/// computes it as `x * 1 + x * 0` in the linear modes: NaN at an infinity).
pub(crate) fn fix_row(
    p: &Problem<'_>,
    plane: usize,
    row: usize,
    columns: Range<usize>,
    channels: Range<usize>,
    out: &mut [f32],
) {
    let &Problem { g, o, axes, .. } = p;
    let (i, input, plane) = (g.input(), p.source, p.first + plane);
    if g.copies() {
        return;
    }
    // The whole call's output and window starts, from a part's rows
    // (`AxisWindows::shift`).
    let mut weight = [0.0f32; MAX_TAPS];
    let window = |a: usize, at: usize, weight: &mut [f32; MAX_TAPS]| {
        let taps = axes[a].taps();
        let (_, from) = axes[a].shift();
        (axes[a].window(at, &mut weight[..taps]) + from, taps)
    };
    let (z, y) = (row / o.spatial[1], row % o.spatial[1]);
    let (zs, kd) = window(0, z, &mut weight);
    let (ys, kh) = window(1, y, &mut weight);
    let (z, y) = (z + axes[0].shift().0, y + axes[1].shift().0);
    let (n, cs) = match i.layout {
        Layout::ChannelsFirst => (plane / i.c, plane % i.c..plane % i.c + 1),
        Layout::ChannelsLast => (plane, channels),
    };
    for x in columns {
        let (xs, kw) = window(2, x, &mut weight);
        for c in cs.clone() {
            let mut found = false;
            for dz in 0..kd {
                for dy in 0..kh {
                    for dx in 0..kw {
                        let at = i.offset(n, c, [zs + dz, ys + dy, xs + dx]);
                        found |= input.get(at).is_some_and(|&v| special(v));
                    }
                }
            }
            if found {
                let at = match i.layout {
                    Layout::ChannelsFirst => x,
                    Layout::ChannelsLast => x * i.c + c,
                };
                let spatial = [z, y, x];
                let value = g.value_at(input, reference::At { n, c, spatial });
                if let Some(slot) = out.get_mut(at) {
                    *slot = value;
                }
            }
        }
    }
}
