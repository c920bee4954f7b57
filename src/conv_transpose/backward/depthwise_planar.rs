//! Depthwise `grad_input` channels-first, plane by plane with the lanes
//! along W (W stride 1 or 2): no transposes.
//!
//! Each input element sums its valid taps in the order of
//! [`depthwise`](super::depthwise)'s channels-last kernel (D, H, W taps
//! ascending, one multiply-add each from zero), so the two layouts give the
//! same bits. A vector of `L::LANES` input columns takes tap `t` from
//! grad_output columns `x * stride + t * dilation - padding`: consecutive
//! for stride 1; for stride 2, every other column, which the plane staged
//! with each row's even columns before its odd ones makes consecutive.
//! Columns whose W taps are all inside the output go by vectors (the last
//! vector overlapping its neighbour, which computes the same bits again);
//! the few at the edges one at a time.

use super::input::{interior, reach, valid_taps};
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::layout::Layout;
use crate::simd::{CopyLane, Lane};
use wide::f32x4;

/// Whether [`grad_input`] takes `g`: channels-first, W stride 1 or 2.
pub(super) fn fits(g: &ConvTransposeGeometry) -> bool {
    g.input.layout == Layout::ChannelsFirst && matches!(g.stride[2], 1 | 2)
}

/// The staging [`grad_input`] needs: a grad_output plane for W stride 2.
pub(super) fn staging_len(g: &ConvTransposeGeometry) -> usize {
    if g.stride[2] == 2 {
        g.output.plane()
    } else {
        0
    }
}

/// Computes the depthwise `grad_input` of a call [`fits`] takes into `out`;
/// `staging` holds at least [`staging_len`].
pub(super) fn grad_input<L: Lane>(
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    staging: &mut [f32],
) {
    let g = operands.g;
    let (i, o) = (g.input, g.output);
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let Some(stage) = staging.get_mut(..staging_len(g)) else {
        return;
    };
    let planes = out
        .chunks_exact_mut(i.plane())
        .zip(operands.grad_output.chunks_exact(o.plane()));
    for (p, (dst, src)) in planes.enumerate() {
        let c = p % i.c;
        let Some(weights) = operands.weight.get(c * kvol..(c + 1) * kvol) else {
            return;
        };
        let columns = if g.stride[2] == 2 {
            for (row, staged) in src
                .chunks_exact(o.spatial[2])
                .zip(stage.chunks_exact_mut(o.spatial[2]))
            {
                evens_then_odds(row, staged);
            }
            &stage[..]
        } else {
            src
        };
        plane::<L>(g, weights, src, columns, dst);
    }
}

/// `row`'s even elements, then its odd ones: eight elements at a time
/// through one 4-lane unzip (a single shuffle on every target; the wider
/// vectors' unzips are built from it), the rest one by one.
fn evens_then_odds(row: &[f32], out: &mut [f32]) {
    let (evens, odds) = out.split_at_mut(row.len().div_ceil(2));
    let eights = row.chunks_exact(8);
    let done = row.len() / 8 * 4;
    for (k, chunk) in row[done * 2..].iter().enumerate() {
        let half = if k % 2 == 0 { &mut *evens } else { &mut *odds };
        if let Some(d) = half.get_mut(done + k / 2) {
            *d = *chunk;
        }
    }
    let halves = evens.chunks_exact_mut(4).zip(odds.chunks_exact_mut(4));
    for (chunk, (e, o)) in eights.zip(halves) {
        let (a, b) = (f32x4::load(&chunk[..4]), f32x4::load(&chunk[4..]));
        let (even, odd) = a.unzip(b);
        even.store(e);
        odd.store(o);
    }
}

/// One plane of `grad_input` (`dst`) from one of `grad_output` (`src`;
/// `columns` the same, staged for W stride 2) and the channel's `weights`
/// (`[D tap][H tap][W tap]`).
fn plane<L: Lane>(
    g: &ConvTransposeGeometry,
    weights: &[f32],
    src: &[f32],
    columns: &[f32],
    dst: &mut [f32],
) {
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
                columns,
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
                    // Four vectors (independent sums) while they fit, then
                    // one at a time, the last one ending at `hi`.
                    if x + 4 * L::LANES <= hi {
                        let sums = rows.vectors::<L, 4>(x);
                        let Some(d) = row.get_mut(x..x + 4 * L::LANES) else {
                            return;
                        };
                        for (v, d) in sums.iter().zip(d.chunks_exact_mut(L::LANES)) {
                            v.store(d);
                        }
                        x += 4 * L::LANES;
                        continue;
                    }
                    let x0 = x.min(hi - L::LANES);
                    if let Some(d) = row.get_mut(x0..) {
                        rows.vectors::<L, 1>(x0)[0].store(d);
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
    /// `src`, or for W stride 2 each row's even columns then its odd ones.
    columns: &'a [f32],
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

    /// Input columns `x0 .. x0 + V * L::LANES`, every W tap inside the
    /// output: `V` vectors summed side by side, each tap one multiply-add.
    #[inline(always)]
    fn vectors<L: Lane, const V: usize>(&self, x0: usize) -> [L; V] {
        let g = self.g;
        let (s, d, p) = (g.stride[2], g.dilation[2], g.padding[2]);
        let half = self.out_row.div_ceil(2);
        let ([tz, ty], [z, y]) = (self.taps, self.position);
        let k = g.kernel[2];
        let mut acc = [L::splat(0.0); V];
        for td in tz.0..tz.1 {
            let od = reach(g, 0, z, td);
            for th in ty.0..ty.1 {
                let oh = reach(g, 1, y, th);
                let row = (od * g.output.spatial[1] + oh) * self.out_row;
                let first = (td * g.kernel[1] + th) * k;
                let Some(ws) = self.weights.get(first..first + k) else {
                    return acc;
                };
                for (t, &w) in ws.iter().enumerate() {
                    // Inside: `x0 * s + t * d >= p`.
                    let column = x0 * s + t * d - p;
                    let at = if s == 1 {
                        row + column
                    } else {
                        row + (column & 1) * half + (column >> 1)
                    };
                    let Some(vs) = self.columns.get(at..at + V * L::LANES) else {
                        return acc;
                    };
                    let w = L::splat(w);
                    for (a, v) in acc.iter_mut().zip(vs.chunks_exact(L::LANES)) {
                        *a = L::load(v).mul_add(w, *a);
                    }
                }
            }
        }
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
