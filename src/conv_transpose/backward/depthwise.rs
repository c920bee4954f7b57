//! Depthwise backward (`C_in == groups == C_out`): every channel is its
//! own group, so lanes run over the channels of a position (channels-last;
//! channels-first images go through `staging` transposed, but for
//! `grad_input` with W stride 1 or 2, which [`super::depthwise_planar`]
//! computes plane by plane) and each tap is one multiply-add per vector of
//! channels:
//!
//! ```text
//! grad_input[i][c]  = sum over valid taps t: grad_output[o(i, t)][c] * weight[c, 0, t]
//! grad_weight[c, 0, t] = sum over n, i reaching inside: input[i][c] * grad_output[o(i, t)][c]
//! ```
//!
//! One lane per channel, in the reference's order: the bits do not depend
//! on the lane width.

use super::input::{interior, reach, reached, valid_taps};
use crate::conv_transpose::driver::{multiply_add, transpose, transpose_strided};
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::layout::Layout;
use crate::simd::{Lane, load_narrow, store_narrow};

/// Computes `grad_input` into `out`. `panel` holds at least the kernel
/// volume times the channels rounded up to `L::LANES`; channels-first
/// `staging` holds `C * (output plane + input plane)`.
pub(super) fn grad_input<L: Lane>(
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    panel: &mut [f32],
    staging: &mut [f32],
) {
    let g = operands.g;
    if super::depthwise_planar::fits(g) {
        return super::depthwise_planar::grad_input::<L>(operands, out, staging);
    }
    let (c, iplane, oplane) = (g.input.c, g.input.plane(), g.output.plane());
    let width = c.div_ceil(L::LANES) * L::LANES;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let Some(panel) = panel.get_mut(..kvol * width) else {
        return;
    };
    if width > c {
        panel.fill(0.0);
    }
    transpose_strided(operands.weight, 0, kvol, c, kvol, panel, width);
    let panel: &[f32] = panel;
    let gout = operands.grad_output;
    if g.input.layout == Layout::ChannelsLast {
        for n in 0..g.input.n {
            let (Some(source), Some(target)) = (
                gout.get(n * oplane * c..),
                out.get_mut(n * iplane * c..(n + 1) * iplane * c),
            ) else {
                return;
            };
            input_image::<L>(g, panel, source, target);
        }
        return;
    }
    let (source, target) = staging.split_at_mut((c * oplane).min(staging.len()));
    for n in 0..g.input.n {
        transpose(gout, n * c * oplane, c, oplane, source);
        input_image::<L>(g, panel, source, target);
        if let Some(dst) = out.get_mut(n * c * iplane..(n + 1) * c * iplane) {
            transpose(target, 0, iplane, c, dst);
        }
    }
}

/// One channels-last image of `grad_input` from one of `grad_output`.
fn input_image<L: Lane>(g: &ConvTransposeGeometry, panel: &[f32], gout: &[f32], out: &mut [f32]) {
    let i = g.input;
    let c = i.c;
    let width = c.div_ceil(L::LANES) * L::LANES;
    let (wlo, whi) = interior(g, 2);
    for z in 0..i.spatial[0] {
        let tz = valid_taps(g, 0, z);
        for y in 0..i.spatial[1] {
            let ty = valid_taps(g, 1, y);
            let mut x = 0;
            while x < i.spatial[2] {
                // Interior pixels in runs of `RUN`: each tap's weights
                // loaded once for the run (same sums per lane as below).
                if c >= V * L::LANES && x >= wlo && x + RUN <= whi {
                    let row = (z * i.spatial[1] + y) * i.spatial[2];
                    run_vectors::<L>(g, panel, gout, out, [tz, ty], [z, y, x], row, width);
                    for xx in x..x + RUN {
                        let pixel_taps = Pixel {
                            taps: [tz, ty, (0, g.kernel[2])],
                            position: [z, y, xx],
                            width,
                        };
                        rest::<L>(
                            g,
                            panel,
                            gout,
                            out,
                            &pixel_taps,
                            ((row + xx) * c, c / (V * L::LANES) * (V * L::LANES)),
                        );
                    }
                    x += RUN;
                    continue;
                }
                // No divisions inside, where every W tap is.
                let tw = if (wlo..whi).contains(&x) {
                    (0, g.kernel[2])
                } else {
                    valid_taps(g, 2, x)
                };
                let pixel = ((z * i.spatial[1] + y) * i.spatial[2] + x) * c;
                let pixel_taps = Pixel {
                    taps: [tz, ty, tw],
                    position: [z, y, x],
                    width,
                };
                if c < L::LANES {
                    // One vector per pixel, summed in a register.
                    let mut acc = L::splat(0.0);
                    pixel_taps.each_tap(g, |at, w| {
                        let w = panel.get(w..).unwrap_or(&[0.0; 16]);
                        acc = load_narrow::<L>(gout, at, c).mul_add(L::load(w), acc);
                    });
                    store_narrow(acc, out, pixel, c);
                    x += 1;
                    continue;
                }
                // Blocks of four vectors summed in registers, the rest in
                // the pixel's row of channels (in L1), each tap one pass of
                // multiply-adds over it: the same operations per lane.
                let block = 4 * L::LANES;
                let full = c / block * block;
                for c0 in (0..full).step_by(block) {
                    let mut acc = [L::splat(0.0); 4];
                    pixel_taps.each_tap(g, |at, w| {
                        let (Some(ys), Some(ws)) = (
                            gout.get(at + c0..at + c0 + block),
                            panel.get(w + c0..w + c0 + block),
                        ) else {
                            return;
                        };
                        for ((a, y), w) in acc
                            .iter_mut()
                            .zip(ys.chunks_exact(L::LANES))
                            .zip(ws.chunks_exact(L::LANES))
                        {
                            *a = L::load(y).mul_add(L::load(w), *a);
                        }
                    });
                    if let Some(dst) = out.get_mut(pixel + c0..pixel + c0 + block) {
                        for (a, d) in acc.iter().zip(dst.chunks_exact_mut(L::LANES)) {
                            a.store(d);
                        }
                    }
                }
                rest::<L>(g, panel, gout, out, &pixel_taps, (pixel, full));
                x += 1;
            }
        }
    }
}

/// Vectors of channels by interior pixels summed together by
/// [`run_vectors`].
const V: usize = 4;
const RUN: usize = 4;

/// The channels from `from` on of one pixel, each tap one pass of
/// multiply-adds over the pixel's row (in L1).
fn rest<L: Lane>(
    g: &ConvTransposeGeometry,
    panel: &[f32],
    gout: &[f32],
    out: &mut [f32],
    pixel_taps: &Pixel,
    (pixel, from): (usize, usize),
) {
    let (c, width) = (g.input.c, pixel_taps.width);
    if from < c {
        let Some(dst) = out.get_mut(pixel + from..pixel + c) else {
            return;
        };
        dst.fill(0.0);
        pixel_taps.each_tap(g, |at, w| {
            if let (Some(ys), Some(ws)) =
                (gout.get(at + from..at + c), panel.get(w + from..w + width))
            {
                multiply_add::<L>(dst, ys, ws);
            }
        });
    }
}

/// The blocks of `V` vectors of channels of `RUN` interior pixels from
/// `position` on (every W tap inside), the sums in registers and each
/// tap's weights loaded once for the run; taps in order, so the same sums
/// per lane as [`rest`].
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn run_vectors<L: Lane>(
    g: &ConvTransposeGeometry,
    panel: &[f32],
    gout: &[f32],
    out: &mut [f32],
    [tz, ty]: [(usize, usize); 2],
    [z, y, x]: [usize; 3],
    row: usize,
    width: usize,
) {
    let (o, c) = (g.output, g.input.c);
    let block = V * L::LANES;
    let (s, d) = (g.stride[2] * c, g.dilation[2] * c);
    // `x >= interior's lo`, so the first tap is inside.
    let first_w = x * g.stride[2] - g.padding[2];
    for c0 in (0..c / block * block).step_by(block) {
        let mut acc = [[L::splat(0.0); V]; RUN];
        for td in tz.0..tz.1 {
            let od = reach(g, 0, z, td);
            for th in ty.0..ty.1 {
                let oh = reach(g, 1, y, th);
                let base = ((od * o.spatial[1] + oh) * o.spatial[2] + first_w) * c + c0;
                let taps = (td * g.kernel[1] + th) * g.kernel[2];
                for t2 in 0..g.kernel[2] {
                    let w = (taps + t2) * width + c0;
                    let Some(ws) = panel.get(w..w + block) else {
                        return;
                    };
                    let wv: [L; V] = core::array::from_fn(|v| {
                        L::load(ws.get(v * L::LANES..).unwrap_or_default())
                    });
                    let at = base + t2 * d;
                    for (p, a) in acc.iter_mut().enumerate() {
                        let Some(ys) = gout.get(at + p * s..at + p * s + block) else {
                            return;
                        };
                        for ((a, yv), w) in a.iter_mut().zip(ys.chunks_exact(L::LANES)).zip(&wv) {
                            *a = L::load(yv).mul_add(*w, *a);
                        }
                    }
                }
            }
        }
        for (p, a) in acc.iter().enumerate() {
            let pixel = (row + x + p) * c + c0;
            if let Some(dst) = out.get_mut(pixel..pixel + block) {
                for (a, d) in a.iter().zip(dst.chunks_exact_mut(L::LANES)) {
                    a.store(d);
                }
            }
        }
    }
}

/// One input pixel's valid taps per axis and where it lies.
struct Pixel {
    taps: [(usize, usize); 3],
    position: [usize; 3],
    /// The panel's row length.
    width: usize,
}

impl Pixel {
    /// Calls `f(grad_output offset, panel offset)` for each tap of the
    /// pixel, in order.
    #[inline(always)]
    fn each_tap(&self, g: &ConvTransposeGeometry, mut f: impl FnMut(usize, usize)) {
        let ([tz, ty, tw], [z, y, x]) = (self.taps, self.position);
        let (o, c) = (g.output, g.input.c);
        for td in tz.0..tz.1 {
            let od = reach(g, 0, z, td);
            for th in ty.0..ty.1 {
                let oh = reach(g, 1, y, th);
                let row = (od * o.spatial[1] + oh) * o.spatial[2];
                let first = (td * g.kernel[1] + th) * g.kernel[2];
                for t2 in tw.0..tw.1 {
                    let ow = reach(g, 2, x, t2);
                    f((row + ow) * c, (first + t2) * self.width);
                }
            }
        }
    }
}

/// Computes `grad_weight` into `out`; `panel` and `staging` as for
/// [`grad_input`] (`staging` holds grad_output's and the input's image).
pub(super) fn grad_weight<L: Lane>(
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    panel: &mut [f32],
    staging: &mut [f32],
) {
    let g = operands.g;
    let (c, iplane, oplane) = (g.input.c, g.input.plane(), g.output.plane());
    let width = c.div_ceil(L::LANES) * L::LANES;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let Some(panel) = panel.get_mut(..kvol * width) else {
        return;
    };
    panel.fill(0.0);
    let (gout, input) = (operands.grad_output, operands.input);
    if g.input.layout == Layout::ChannelsLast {
        for n in 0..g.input.n {
            let (Some(x), Some(gy)) = (input.get(n * iplane * c..), gout.get(n * oplane * c..))
            else {
                return;
            };
            weight_image::<L>(g, x, gy, panel);
        }
    } else {
        let (gy, x) = staging.split_at_mut((c * oplane).min(staging.len()));
        for n in 0..g.input.n {
            transpose(gout, n * c * oplane, c, oplane, gy);
            transpose(input, n * c * iplane, c, iplane, x);
            weight_image::<L>(g, x, gy, panel);
        }
    }
    for (ch, taps) in out.chunks_exact_mut(kvol).enumerate() {
        for (t, d) in taps.iter_mut().enumerate() {
            *d = panel.get(t * width + ch).copied().unwrap_or(0.0);
        }
    }
}

/// Adds one channels-last image's products to `panel` (`[tap][channel]`).
fn weight_image<L: Lane>(g: &ConvTransposeGeometry, x: &[f32], gout: &[f32], panel: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let c = i.c;
    let width = c.div_ceil(L::LANES) * L::LANES;
    for z in 0..i.spatial[0] {
        let tz = valid_taps(g, 0, z);
        for y in 0..i.spatial[1] {
            let ty = valid_taps(g, 1, y);
            let xrow = (z * i.spatial[1] + y) * i.spatial[2];
            for td in tz.0..tz.1 {
                let od = reach(g, 0, z, td);
                for th in ty.0..ty.1 {
                    let oh = reach(g, 1, y, th);
                    let orow = (od * o.spatial[1] + oh) * o.spatial[2];
                    for tw in 0..g.kernel[2] {
                        let (lo, hi) = reached(g, 2, tw);
                        let t = (td * g.kernel[1] + th) * g.kernel[2] + tw;
                        for c0 in (0..c).step_by(L::LANES) {
                            let count = L::LANES.min(c - c0);
                            let at = t * width + c0;
                            let Some(slot) = panel.get_mut(at..at + L::LANES) else {
                                return;
                            };
                            let mut acc = L::load(slot);
                            for xx in lo..hi {
                                let ow = reach(g, 2, xx, tw);
                                let xv = load_narrow::<L>(x, (xrow + xx) * c + c0, count);
                                let gv = load_narrow::<L>(gout, (orow + ow) * c + c0, count);
                                acc = xv.mul_add(gv, acc);
                            }
                            acc.store(slot);
                        }
                    }
                }
            }
        }
    }
}
