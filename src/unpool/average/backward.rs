//! `avg_unpool_backward`: each input's gradient is the sum, over the output
//! positions of its window, of `grad_output / count` (`count`: how many
//! windows cover the position), in the reference's order (outer axis
//! outermost, from `0.0`), so every path is bit-exact with it.
//!
//! - Where no two windows overlap (`kernel_size <= stride` on every axis)
//!   every covered position has `count == 1`, and `g / 1 == g`: the sum is
//!   a plain window sum. Channels-first rows with a 2-wide, stride-2,
//!   unpadded last axis (the usual 2x2 pooling) sum `L` windows at once:
//!   each output row's `2L` values unzip into the windows' left and right
//!   columns.
//! - Channels-last sums whole channel vectors per window position, divided
//!   by the position's count where windows overlap.
//! - The rest (other channels-first windows, and channels past the last
//!   whole vector) runs one window at a time.

use crate::geometry::unpool::{UnpoolGeometry, covering, window_span};
use crate::layout::{Layout, MAX_SPATIAL};
use crate::simd::{Average, CopyLane};
use crate::slices::sub;

/// The body of [`avg_unpool_backward`](crate::avg_unpool_backward) on
/// checked buffers: one channels-first plane or channels-last image at a
/// time.
pub(crate) fn spread_back(g: &UnpoolGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let c = match g.input.layout {
        Layout::ChannelsLast => g.input.c,
        Layout::ChannelsFirst => 1,
    };
    let (unit, out_unit) = (g.input.plane() * c, g.output.plane() * c);
    let units = grad_output
        .chunks_exact(out_unit)
        .zip(grad_input.chunks_exact_mut(unit));
    for (grad_output, grad_input) in units {
        if c == 1 {
            plane::<Average>(g, grad_output, grad_input);
        } else {
            channels_last::<Average>(g, grad_output, grad_input, c);
        }
    }
}

/// Whether some output position may be covered by more than one window.
fn overlapping(g: &UnpoolGeometry) -> bool {
    (0..MAX_SPATIAL).any(|a| g.kernel[a] > g.stride[a])
}

/// How many windows cover output point `p`.
#[inline]
fn count(g: &UnpoolGeometry, p: [usize; MAX_SPATIAL]) -> usize {
    (0..MAX_SPATIAL)
        .map(|a| {
            let (first, last) = covering(g, a, p[a]);
            last - first
        })
        .product()
}

/// The windows of input point `ip`: the output span along each axis.
#[inline]
fn spans(g: &UnpoolGeometry, ip: [usize; MAX_SPATIAL]) -> [(usize, usize); MAX_SPATIAL] {
    core::array::from_fn(|a| window_span(g, a, ip[a]))
}

/// One channels-first plane (or a one-channel image).
fn plane<L: CopyLane>(g: &UnpoolGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let [d, h, w] = g.input.spatial;
    let [_, oh, ow] = g.output.spatial;
    let overlap = overlapping(g);
    // 2x2-style windows along the row: `L` of them per pair of vectors.
    let pairs = !overlap && g.kernel[2] == 2 && g.stride[2] == 2 && g.padding[2] == 0;
    let whole = if pairs { (ow / 2).min(w) } else { 0 };
    let lanes = L::LANES;
    let rows = (0..d).flat_map(|z| (0..h).map(move |y| (z, y)));
    for ((z, y), row) in rows.zip(grad_input.chunks_exact_mut(w)) {
        let [sz, sy, _] = spans(g, [z, y, 0]);
        let mut x = 0;
        while x + lanes <= whole {
            let mut sum = L::splat(0.0);
            for oz in sz.0..sz.1 {
                for oy in sy.0..sy.1 {
                    let at = (oz * oh + oy) * ow + 2 * x;
                    let (left, right) = L::load(sub(grad_output, at, lanes)).unzip(L::load(sub(
                        grad_output,
                        at + lanes,
                        lanes,
                    )));
                    sum = sum + left + right;
                }
            }
            sum.store(&mut row[x..]);
            x += lanes;
        }
        for (x, slot) in row.iter_mut().enumerate().skip(x) {
            let [_, _, sx] = spans(g, [z, y, x]);
            let mut sum = 0.0f32;
            for oz in sz.0..sz.1 {
                for oy in sy.0..sy.1 {
                    let line = (oz * oh + oy) * ow;
                    for ox in sx.0..sx.1 {
                        let v = grad_output.get(line + ox).copied().unwrap_or(0.0);
                        sum += if overlap {
                            v / count(g, [oz, oy, ox]) as f32
                        } else {
                            v
                        };
                    }
                }
            }
            *slot = sum;
        }
    }
}

/// One channels-last image of `c` channels: whole vectors of channels, then
/// the channels past the last one, one window position at a time.
fn channels_last<L: CopyLane>(
    g: &UnpoolGeometry,
    grad_output: &[f32],
    grad_input: &mut [f32],
    c: usize,
) {
    let [d, h, w] = g.input.spatial;
    let overlap = overlapping(g);
    let points = (0..d).flat_map(|z| (0..h).flat_map(move |y| (0..w).map(move |x| [z, y, x])));
    for (ip, pixel) in points.zip(grad_input.chunks_exact_mut(c)) {
        let [sz, sy, sx] = spans(g, ip);
        let mut ch = 0;
        while ch + L::LANES <= c {
            let mut sum = L::splat(0.0);
            each_position(g, [sz, sy, sx], overlap, |at, divisor| {
                let v = L::load(sub(grad_output, at * c + ch, L::LANES));
                sum = sum
                    + if overlap {
                        v.divide(L::splat(divisor))
                    } else {
                        v
                    };
            });
            sum.store(&mut pixel[ch..]);
            ch += L::LANES;
        }
        for (ch, slot) in pixel.iter_mut().enumerate().skip(ch) {
            let mut sum = 0.0f32;
            each_position(g, [sz, sy, sx], overlap, |at, divisor| {
                let v = grad_output.get(at * c + ch).copied().unwrap_or(0.0);
                sum += if overlap { v / divisor } else { v };
            });
            *slot = sum;
        }
    }
}

/// Calls `f(position, divisor)` for every output position of a window (its
/// in-plane index, in the reference's order) with the count of windows
/// covering it (1 where windows do not overlap).
#[inline(always)]
fn each_position(
    g: &UnpoolGeometry,
    [sz, sy, sx]: [(usize, usize); MAX_SPATIAL],
    overlap: bool,
    mut f: impl FnMut(usize, f32),
) {
    let [_, oh, ow] = g.output.spatial;
    for oz in sz.0..sz.1 {
        for oy in sy.0..sy.1 {
            for ox in sx.0..sx.1 {
                let divisor = if overlap {
                    count(g, [oz, oy, ox]) as f32
                } else {
                    1.0
                };
                f((oz * oh + oy) * ow + ox, divisor);
            }
        }
    }
}
