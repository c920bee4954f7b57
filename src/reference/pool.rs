//! Reference max pool with indices, after ATen's `cpu_max_pool`
//! (`aten/src/ATen/native/cpu/MaxPoolKernel.cpp`).
//!
//! The window of one output point ([`Window`]), its initial index and its
//! maximum ([`Window::max`]) are also the fast path's (`crate::pool`) for
//! what it does not vectorise: windows the border clips, channels past the
//! last whole vector, and planes too large for its `u32` payloads.

use crate::geometry::pool::{MaxPoolGeometry, max_pool_backward_entry_point, max_pool_entry_point};
use crate::layout::{Layout, MAX_SPATIAL, for_each_point};

max_pool_entry_point! {
/// Reference twin of [`crate::max_pool`].
///
/// ```
/// use upsample::{reference, Layout, MaxPoolOptions};
/// let (mut out, mut idx) = ([0.0; 2], [0i64; 2]);
/// // Ties go to the first maximum; a NaN always wins.
/// reference::max_pool(&[2.0, 2.0, 1.0, f32::NAN], &[1, 1, 4], Layout::ChannelsFirst, &MaxPoolOptions::new(&[2]), &mut out, &mut idx)?;
/// assert_eq!((out[0], idx), (2.0, [0, 3]));
/// assert!(out[1].is_nan());
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::max_pool`].
pub fn max_pool = max_pool_checked
}

/// [`max_pool`] on buffers checked against `g`: every output point of every
/// `(n, c)` plane, one window at a time.
pub(crate) fn max_pool_checked(
    g: &MaxPoolGeometry,
    input: &[f32],
    output: &mut [f32],
    indices: &mut [i64],
) {
    let (i, o) = (g.input, g.output);
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
                let (max, index) = Window::new(g, op).max(g, |p| input[i.offset(n, c, p)]);
                let at = o.offset(n, c, op);
                output[at] = max;
                indices[at] = index;
            });
        }
    }
}

max_pool_backward_entry_point! {
/// Reference twin of [`crate::max_pool_backward`].
///
/// ```
/// use upsample::{reference, Layout, MaxPoolOptions};
/// // Two overlapping windows chose the same element: its gradient is the sum.
/// let opts = MaxPoolOptions::new(&[2]).with_stride(&[1]);
/// let mut grad_input = [9.0; 3];
/// reference::max_pool_backward(&[1.0, 2.0], &[1, 1], &[1, 1, 3], Layout::ChannelsFirst, &opts, &mut grad_input)?;
/// assert_eq!(grad_input, [0.0, 3.0, 0.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::max_pool_backward`].
pub fn max_pool_backward = route
}

/// ATen's `cpu_max_pool_backward` (and its channels-last twin): a zeroed
/// gradient, then each output's gradient added at its index in output
/// order (an index of -1 skipped), plane by plane.
fn route(g: &MaxPoolGeometry, grad_output: &[f32], indices: &[i64], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let [_, h, w] = i.spatial;
    grad_input.fill(0.0);
    for n in 0..o.n {
        for c in 0..o.c {
            for_each_point(o.spatial, |op| {
                let at = o.offset(n, c, op);
                if let Ok(index) = usize::try_from(indices[at]) {
                    let point = [index / (h * w), index / w % h, index % w];
                    grad_input[i.offset(n, c, point)] += grad_output[at];
                }
            });
        }
    }
}

/// One axis of one window: positions `start, start + step, ..` below `end`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    /// The first position at or after 0, where PyTorch's initial index
    /// points even when the window is empty (at most `i64::MAX`).
    pub(crate) start: usize,
    /// One past the last position the window may reach.
    pub(crate) end: usize,
    /// The dilation.
    pub(crate) step: usize,
}

impl Span {
    /// `cpu_max_pool`'s window along axis `a` for output position `o`:
    ///
    /// ```text
    /// i0 = o*stride - pad
    /// i1 = min(i0 + (k-1)*dilation + 1, size)
    /// while i0 < 0: i0 += dilation
    /// ```
    ///
    /// in `i128` (kernel, dilation and padding may be near `usize::MAX`;
    /// the geometry keeps `(k-1)*dilation` below 2^120).
    #[inline]
    pub(crate) fn new(g: &MaxPoolGeometry, a: usize, o: usize) -> Span {
        let p = &g.params;
        let (k, s, pad, d) = (p.kernel[a], p.stride[a], p.padding[a], p.dilation[a]);
        let i0 = o as i128 * s as i128 - pad as i128;
        let i1 = (i0 + (k as i128 - 1) * d as i128 + 1).min(g.input.spatial[a] as i128);
        let start = if i0 >= 0 {
            i0
        } else {
            // The `while` in one step: the first multiple of the dilation
            // at or past the deficit (at most `pad`), less the deficit.
            let deficit = (-i0) as usize;
            ((d - deficit % d) % d) as i128
        };
        Span {
            start: start.min(i64::MAX as i128) as usize,
            end: i1.max(0) as usize,
            step: d,
        }
    }

    /// The window's positions along this axis, in order.
    #[inline]
    pub(crate) fn positions(self) -> impl Iterator<Item = usize> {
        (self.start..self.end.max(self.start)).step_by(self.step)
    }
}

/// The window of one output point, one [`Span`] per `[D, H, W]` axis.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    /// The `[D, H, W]` spans.
    pub(crate) spans: [Span; MAX_SPATIAL],
}

impl Window {
    /// The window of output point `point` (`[z, y, x]`).
    #[inline]
    pub(crate) fn new(g: &MaxPoolGeometry, point: [usize; MAX_SPATIAL]) -> Window {
        Window {
            spans: core::array::from_fn(|a| Span::new(g, a, point[a])),
        }
    }

    /// `cpu_max_pool`'s loop over the window: the first maximum in window
    /// order, except that a NaN always wins (so the last NaN does), with
    /// its in-plane index; `value(p)` reads the element at point `p`.
    #[inline]
    pub(crate) fn max(
        &self,
        g: &MaxPoolGeometry,
        value: impl Fn([usize; MAX_SPATIAL]) -> f32,
    ) -> (f32, i64) {
        let [sz, sy, sx] = self.spans;
        let mut max_value = f32::NEG_INFINITY;
        let mut max_index = initial_index(g, self.spans.map(|s| s.start));
        for z in sz.positions() {
            for y in sy.positions() {
                for x in sx.positions() {
                    let value = value([z, y, x]);
                    if value > max_value || value.is_nan() {
                        max_value = value;
                        max_index = flat_index(g, [z, y, x]);
                    }
                }
            }
        }
        (max_value, max_index)
    }
}

/// The index a window reports when no element beats `-inf` (or it has
/// none): the flat index of its first position `start`, except that
/// PyTorch's 3-d channels-last kernel (`cpu_max_pool_channels_last`)
/// leaves out the depth offset (unless `g.depth_quirk` is off, as for ONNX).
#[inline]
pub(crate) fn initial_index(g: &MaxPoolGeometry, start: [usize; MAX_SPATIAL]) -> i64 {
    let [z, y, x] = start;
    let z = match (g.input.layout, g.input.rank) {
        (Layout::ChannelsLast, 3) if g.depth_quirk => 0,
        _ => z,
    };
    flat_index(g, [z, y, x])
}

/// `(z * H + y) * W + x` in `i64`, wrapping as ATen's `int64` arithmetic:
/// only an empty window far in the padding can leave the plane here.
#[inline]
fn flat_index(g: &MaxPoolGeometry, point: [usize; MAX_SPATIAL]) -> i64 {
    let [_, h, w] = g.input.spatial.map(|v| v as i64);
    let [z, y, x] = point.map(|v| v as i64);
    z.wrapping_mul(h)
        .wrapping_add(y)
        .wrapping_mul(w)
        .wrapping_add(x)
}
