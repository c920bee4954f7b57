//! The scalar transcription of the reference's window: windows the border
//! clips, channel tails and planes too large for `u32` payloads.

use crate::geometry::pool::{MaxPoolGeometry, PoolParams};
use crate::layout::MAX_SPATIAL;

/// One axis of one window: the first element at or after 0 (`start`, which
/// is where PyTorch's initial index points even when the window is empty),
/// the exclusive end, and the step.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) step: usize,
}

impl Span {
    /// `cpu_max_pool`'s window along axis `a` for output position `o`:
    /// `i0 = o*stride - pad; end = min(i0 + (k-1)*dilation + 1, size);
    /// while i0 < 0 { i0 += dilation }`, in `u128` where a product of two
    /// parameters near `usize::MAX` could need it (a valid geometry keeps
    /// the results themselves within `usize`).
    #[inline]
    pub(super) fn new(p: &PoolParams, size: usize, a: usize, o: usize) -> Span {
        let (k, s, pad, d) = (p.kernel[a], p.stride[a], p.padding[a], p.dilation[a]);
        // usize when it fits (always, for sane parameters), else u128.
        let window = o
            .checked_mul(s)
            .and_then(|first| Some((first, (k - 1).checked_mul(d)?.checked_add(1)?)))
            .and_then(|(first, reach)| Some((first, first.checked_add(reach)?)));
        let (first, end) = match window {
            Some((first, last)) => (first as u128, last.saturating_sub(pad).min(size)),
            None => {
                let first = o as u128 * s as u128;
                let reach = (k as u128 - 1) * d as u128 + 1;
                let end = first.saturating_add(reach).saturating_sub(pad as u128);
                (first, end.min(size as u128) as usize)
            }
        };
        let start = match first.checked_sub(pad as u128) {
            Some(start) => start.min(usize::MAX as u128) as usize,
            // Step out of the padding: the first multiple of the dilation
            // at or past the deficit, less the deficit.
            None => {
                let deficit = (pad as u128 - first) as usize;
                (d - deficit % d) % d
            }
        };
        Span {
            start,
            end,
            step: d,
        }
    }

    /// The window's positions, in order.
    #[inline]
    pub(super) fn positions(self) -> impl Iterator<Item = usize> {
        (self.start..self.end.max(self.start)).step_by(self.step)
    }
}

/// The windows of one output point, per `[D, H, W]` axis.
#[derive(Clone, Copy, Debug)]
pub(super) struct Window {
    /// The `[D, H, W]` spans.
    pub(super) spans: [Span; MAX_SPATIAL],
}

impl Window {
    /// The window of output point `point` (`[z, y, x]`).
    #[inline]
    pub(super) fn new(g: &MaxPoolGeometry, point: [usize; MAX_SPATIAL]) -> Window {
        Window {
            spans: core::array::from_fn(|a| Span::new(&g.params, g.input.spatial[a], a, point[a])),
        }
    }

    /// PyTorch's initial index: the window's first position, except that
    /// the 3-d channels-last kernel leaves out the depth (`quirk`). As the
    /// reference (and ATen's `int64` arithmetic) computes it: starts past
    /// `i64::MAX` saturate, and the products wrap (only an empty window far
    /// in the padding can leave the plane here).
    #[inline]
    pub(super) fn initial_index(&self, g: &MaxPoolGeometry, quirk: bool) -> i64 {
        let [z, y, x] = self.spans.map(|s| s.start.min(i64::MAX as usize) as i64);
        let z = if quirk { 0 } else { z };
        flat(g, z, y, x)
    }

    /// Every in-plane index of the window, in window order.
    #[inline]
    fn indices(self, g: &MaxPoolGeometry) -> impl Iterator<Item = usize> {
        let [_, h, w] = g.input.spatial;
        let [sz, sy, sx] = self.spans;
        sz.positions().flat_map(move |z| {
            sy.positions()
                .flat_map(move |y| sx.positions().map(move |x| (z * h + y) * w + x))
        })
    }
}

/// The in-plane index of `(z, y, x)` in `i64`, wrapping as the reference's.
#[inline]
pub(super) fn flat(g: &MaxPoolGeometry, z: i64, y: i64, x: i64) -> i64 {
    let [_, h, w] = g.input.spatial.map(|v| v as i64);
    z.wrapping_mul(h)
        .wrapping_add(y)
        .wrapping_mul(w)
        .wrapping_add(x)
}

/// The reference's loop for one window of one channel: `value(i)` reads the
/// element at in-plane index `i`.
#[inline]
pub(super) fn window_max(
    g: &MaxPoolGeometry,
    window: Window,
    quirk: bool,
    value: impl Fn(usize) -> f32,
) -> (f32, i64) {
    let mut max = f32::NEG_INFINITY;
    let mut index = window.initial_index(g, quirk);
    for i in window.indices(g) {
        let v = value(i);
        if v > max || v.is_nan() {
            max = v;
            index = i as i64;
        }
    }
    (max, index)
}

/// Every output point of one plane the scalar way.
pub(super) fn pool_plane_scalar(
    g: &MaxPoolGeometry,
    quirk: bool,
    input: &[f32],
    output: &mut [f32],
    indices: &mut [i64],
) {
    let [od, oh, ow] = g.output.spatial;
    let points = (0..od).flat_map(|z| (0..oh).flat_map(move |y| (0..ow).map(move |x| [z, y, x])));
    for (point, (o, i)) in points.zip(output.iter_mut().zip(indices.iter_mut())) {
        let value = |at: usize| input.get(at).copied().unwrap_or(f32::NAN);
        (*o, *i) = window_max(g, Window::new(g, point), quirk, value);
    }
}
