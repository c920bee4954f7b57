//! Depthwise `grad_input` channels-first, plane by plane with the lanes
//! along W (W stride 1 or 2): no transposes, no scratch.
//!
//! Each input element sums its valid taps in the order of
//! [`depthwise`](super::depthwise)'s channels-last kernel (D, H, W taps
//! ascending, one multiply-add each from zero), so the two layouts give the
//! same bits. A vector of `L::LANES` input columns takes tap `t` from
//! grad_output columns `x * stride + t * dilation - padding`: consecutive
//! (stride 1), or the even elements of two consecutive vectors (stride 2,
//! one unzip). Columns whose W taps are all inside the output go by
//! vectors (the last vector overlapping its neighbour, which computes the
//! same bits again); the few at the edges one at a time.

use super::input::{interior, reach, valid_taps};
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::layout::Layout;
use crate::simd::{CopyLane, Lane};

/// Whether [`grad_input`] takes `g`: channels-first, W stride 1 or 2.
pub(super) fn fits(g: &ConvTransposeGeometry) -> bool {
    g.input.layout == Layout::ChannelsFirst && matches!(g.stride[2], 1 | 2)
}

/// Computes the depthwise `grad_input` of a call [`fits`] takes into `out`.
pub(super) fn grad_input<L: CopyLane>(operands: BackwardOperands<'_>, out: &mut [f32]) {
    let g = operands.g;
    let (i, o) = (g.input, g.output);
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let planes = out
        .chunks_exact_mut(i.plane())
        .zip(operands.grad_output.chunks_exact(o.plane()));
    for (p, (dst, src)) in planes.enumerate() {
        let c = p % i.c;
        let Some(weights) = operands.weight.get(c * kvol..(c + 1) * kvol) else {
            return;
        };
        plane::<L>(g, weights, src, dst);
    }
}

/// One plane of `grad_input` (`dst`) from one of `grad_output` (`src`)
/// and the channel's `weights` (`[D tap][H tap][W tap]`).
fn plane<L: CopyLane>(g: &ConvTransposeGeometry, weights: &[f32], src: &[f32], dst: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let width = i.spatial[2];
    let (lo, hi) = interior(g, 2);
    // Vectors from `lo` while a whole one fits, then one ending at `hi`.
    let vectors = hi - lo >= L::LANES;
    for z in 0..i.spatial[0] {
        let tz = valid_taps(g, 0, z);
        for y in 0..i.spatial[1] {
            let ty = valid_taps(g, 1, y);
            // The grad_output rows of the valid D and H taps, in order, with
            // the weights of their W taps.
            let rows = Rows {
                g,
                weights,
                src,
                taps: [tz, ty],
                position: [z, y],
                out_row: o.spatial[2],
            };
            let Some(row) = dst.get_mut((z * i.spatial[1] + y) * width..) else {
                return;
            };
            let mut x = 0;
            while x < width {
                if vectors && x >= lo && x < hi {
                    let x0 = x.min(hi - L::LANES);
                    if let Some(d) = row.get_mut(x0..) {
                        rows.vector::<L>(x0).store(d);
                    }
                    x = x0 + L::LANES;
                    continue;
                }
                if let Some(d) = row.get_mut(x) {
                    *d = rows.one::<L>(x);
                }
                x += 1;
            }
        }
    }
}

/// The taps of one input row: its valid D and H taps, where it lies.
struct Rows<'a> {
    g: &'a ConvTransposeGeometry,
    weights: &'a [f32],
    src: &'a [f32],
    taps: [(usize, usize); 2],
    position: [usize; 2],
    /// grad_output's row length.
    out_row: usize,
}

impl Rows<'_> {
    /// Calls `f(offset of the grad_output row in the plane, weights of its
    /// W taps)` for each valid D and H tap, in order.
    #[inline(always)]
    fn each_row(&self, mut f: impl FnMut(usize, &[f32])) {
        let g = self.g;
        let ([tz, ty], [z, y]) = (self.taps, self.position);
        let k = g.kernel[2];
        for td in tz.0..tz.1 {
            let od = reach(g, 0, z, td);
            for th in ty.0..ty.1 {
                let oh = reach(g, 1, y, th);
                let first = (td * g.kernel[1] + th) * k;
                let Some(w) = self.weights.get(first..first + k) else {
                    return;
                };
                f((od * g.output.spatial[1] + oh) * self.out_row, w);
            }
        }
    }

    /// Input columns `x0 .. x0 + L::LANES`, every W tap inside the output.
    #[inline(always)]
    fn vector<L: CopyLane>(&self, x0: usize) -> L {
        let g = self.g;
        let (s, d, p) = (g.stride[2], g.dilation[2], g.padding[2]);
        let mut acc = L::splat(0.0);
        self.each_row(|row, w| {
            for (t, &w) in w.iter().enumerate() {
                // Inside: `x0 * s + t * d >= p`.
                let at = row + x0 * s + t * d - p;
                let v = if s == 1 {
                    load::<L>(self.src, at)
                } else {
                    load::<L>(self.src, at)
                        .unzip(load::<L>(self.src, at + L::LANES))
                        .0
                };
                acc = v.mul_add(L::splat(w), acc);
            }
        });
        acc
    }

    /// Input column `x`, its valid W taps only: the same operations as a
    /// lane of [`vector`](Self::vector).
    #[inline(never)]
    fn one<L: Lane>(&self, x: usize) -> f32 {
        let g = self.g;
        let tw = valid_taps(g, 2, x);
        let mut acc = L::splat(0.0);
        self.each_row(|row, w| {
            for t in tw.0..tw.1 {
                let v = self.src.get(row + reach(g, 2, x, t)).copied();
                let w = w.get(t).copied();
                acc = L::splat(v.unwrap_or(0.0)).mul_add(L::splat(w.unwrap_or(0.0)), acc);
            }
        });
        let mut lanes = [0.0f32; 16];
        acc.store(&mut lanes);
        lanes[0]
    }
}

/// `L::LANES` elements of `src` from `at`, zeros past its end (lanes no
/// result takes: the odd elements a stride-2 unzip drops at a plane's end).
#[inline(always)]
fn load<L: Lane>(src: &[f32], at: usize) -> L {
    match src.get(at..at + L::LANES) {
        Some(s) => L::load(s),
        None => {
            let mut buf = [0.0f32; 16];
            for (d, s) in buf.iter_mut().zip(src.get(at..).unwrap_or_default()) {
                *d = *s;
            }
            L::load(&buf)
        }
    }
}
