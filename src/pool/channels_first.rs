//! Channels-first max pool: `L` neighbouring output columns of a row per
//! vector, over the interior columns (whose windows the border does not
//! clip in x); the others through the reference's window.

use super::{Best, NO_INDEX, scalar_window};
use crate::geometry::pool::MaxPoolGeometry;
use crate::reference::pool::{Window, initial_index};
use crate::simd::CopyLane;
use wide::f32x4;

/// The output columns whose windows the border does not clip in x: each
/// holds `kernel` elements from `ox*stride - pad` on.
fn interior_columns(g: &MaxPoolGeometry) -> core::ops::Range<usize> {
    let p = &g.params;
    let (k, s, pad, d) = (p.kernel[2], p.stride[2], p.padding[2], p.dilation[2]);
    let (w, ow) = (g.input.spatial[2], g.output.spatial[2]);
    let first = pad.div_ceil(s);
    // ox*s - pad + (k-1)*d + 1 <= w, in u128 (the span may be near 2^128)
    let reach = (k as u128 - 1) * d as u128 + 1;
    let last = (w as u128 + pad as u128)
        .checked_sub(reach)
        .map_or(0, |v| v / s as u128 + 1);
    let last = last.min(ow as u128) as usize;
    first.min(ow)..last.max(first.min(ow))
}

/// One channels-first plane: interior columns in blocks of `L` neighbouring
/// columns ([`Pool`](crate::simd::Pool) in the public path), then 4-lane
/// blocks, the rest one by one through the reference's window.
pub(super) fn pool_plane<L: CopyLane>(
    g: &MaxPoolGeometry,
    input: &[f32],
    output: &mut [f32],
    indices: &mut [i64],
) {
    let [od, oh, ow] = g.output.spatial;
    let interior = interior_columns(g);
    let rows = output
        .chunks_exact_mut(ow)
        .zip(indices.chunks_exact_mut(ow));
    let points = (0..od).flat_map(|z| (0..oh).map(move |y| (z, y)));
    for ((z, y), (out_row, index_row)) in points.zip(rows) {
        let row = Window::new(g, [z, y, 0]);
        let mut done = interior.start;
        done = pool_columns::<L>(g, input, row, done, interior.end, out_row, index_row);
        done = pool_columns::<f32x4>(g, input, row, done, interior.end, out_row, index_row);
        let columns = (0..interior.start).chain(done..ow);
        for ox in columns {
            let (max, index) = scalar_window(g, &Window::new(g, [z, y, ox]), input, 1, 0);
            if let (Some(o), Some(i)) = (out_row.get_mut(ox), index_row.get_mut(ox)) {
                (*o, *i) = (max, index);
            }
        }
    }
}

/// Interior columns `from..to` of one output row in blocks of `L`
/// neighbouring columns; returns where the whole blocks end. `row` holds the
/// row's depth and height spans (its x span is unused).
#[inline(always)]
fn pool_columns<L: CopyLane>(
    g: &MaxPoolGeometry,
    input: &[f32],
    row: Window,
    from: usize,
    to: usize,
    out_row: &mut [f32],
    index_row: &mut [i64],
) -> usize {
    let n = L::LANES;
    let p = &g.params;
    let [_, h, w] = g.input.spatial;
    let (kx, sx, px, dx) = (p.kernel[2], p.stride[2], p.padding[2], p.dilation[2]);
    let [sz, sy, _] = row.spans;
    // The initial index of column ox is `initial + x0(ox)` (wrapping).
    let initial = initial_index(g, [sz.start, sy.start, 0]);
    let mut ox = from;
    let mut last = false;
    while ox + n <= to || (!last && ox < to && to - from >= n) {
        if ox + n > to {
            // One last block ending at `to`, overlapping the one before.
            ox = to - n;
            last = true;
        }
        // x0 of the block's first column; the lanes follow `sx` apart.
        let x0 = ox * sx - px;
        let mut best = Best::<L>::new();
        let mut complete = true;
        for z in sz.positions() {
            for y in sy.positions() {
                let rel = (z * h + y) * w;
                let line = input.get(rel + x0..).unwrap_or_default();
                let mut k = 0;
                while k < kx {
                    let at = k * dx;
                    match sx {
                        1 => match line.get(at..at + n) {
                            Some(s) => best = best.then(Best::at(L::load(s), rel + at)),
                            None => complete = false,
                        },
                        2 => match line.get(at..at + 2 * n) {
                            Some(s) => {
                                let (lo, hi) = s.split_at(n);
                                let (even, odd) = L::load(lo).unzip(L::load(hi));
                                let even = Best::at(even, rel + at);
                                if dx == 1 && k + 1 < kx {
                                    // With dilation 1 the odd half is the next element.
                                    best = best.then(even.then(Best::at(odd, rel + at + 1)));
                                    k += 1;
                                } else {
                                    best = best.then(even);
                                }
                            }
                            None => complete = false,
                        },
                        _ => {
                            let mut lanes = [0.0f32; 16];
                            let picked = line.get(at..).unwrap_or_default().iter().step_by(sx);
                            let mut count = 0;
                            for (l, &v) in lanes.iter_mut().zip(picked).take(n) {
                                *l = v;
                                count += 1;
                            }
                            complete &= count == n;
                            best = best.then(Best::at(L::load(&lanes), rel + at));
                        }
                    }
                    k += 1;
                }
            }
        }
        if !complete {
            // A load ran past the input (only at its very end): leave these
            // columns to the scalar path.
            return ox;
        }
        if let (Some(o), Some(idx)) = (out_row.get_mut(ox..ox + n), index_row.get_mut(ox..ox + n)) {
            best.max.store(o);
            let mut bits = [0u32; 16];
            best.payload.store_bits(&mut bits);
            for (l, (i, &b)) in idx.iter_mut().zip(&bits).enumerate() {
                let x = (x0 + l * sx) as i64;
                *i = if b == NO_INDEX {
                    initial.wrapping_add(x)
                } else {
                    i64::from(b) + x
                };
            }
        }
        ox += n;
    }
    ox.min(to)
}
