//! `avg_unpool_backward`: each input's gradient is the sum, over the output
//! positions of its window, of `grad_output / count` (`count`: how many
//! windows cover the position), in the reference's order (outer axis
//! outermost, from `0.0`), so every path is bit-exact with it (but for
//! which NaN a sum of two NaNs keeps: the compiler may swap an addition's
//! operands).
//!
//! Each input row's sums are built in place, one output row of its windows
//! at a time (depth and height outermost, as in the reference's order per
//! element), so the counts of a whole output row are taken once:
//!
//! - Where no two windows overlap (`kernel_size <= stride` on every axis)
//!   every covered position has `count == 1`, and `g / 1 == g`: plain window
//!   sums. Channels-first rows with a 2-wide, stride-2, unpadded last axis
//!   (2x2 pooling's) add `L` windows at once: an output row's `2L` values
//!   unzip into the windows' left and right columns.
//! - Overlapping windows divide by the count, the product of each axis'
//!   count; the last axis' counts come from a table of [`TABLE`] output
//!   columns, filled once per chunk of input columns.
//! - Channels-last adds whole channel vectors per window position.

use crate::geometry::unpool::{UnpoolGeometry, covering, window_span};
use crate::layout::{Layout, MAX_SPATIAL};
use crate::simd::{Average, CopyLane};
use crate::slices::sub;
use crate::stack::pick;

/// Output columns whose last-axis counts are tabled at once (1 KiB of
/// stack; 128 B in small-stack builds, [`crate::stack`]).
const TABLE: usize = pick(256, 32);

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
        grad_input.fill(0.0);
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

/// How many windows cover output position `o` along axis `a`.
#[inline]
fn count(g: &UnpoolGeometry, a: usize, o: usize) -> usize {
    let (first, last) = covering(g, a, o);
    last - first
}

/// Calls `f(oz, oy, depth_height_count)` for the output rows of the
/// windows of input row `(z, y)`, in the reference's order.
#[inline(always)]
fn each_row(g: &UnpoolGeometry, z: usize, y: usize, mut f: impl FnMut(usize, usize, usize)) {
    let (sz, sy) = (window_span(g, 0, z), window_span(g, 1, y));
    for oz in sz.0..sz.1 {
        let cz = count(g, 0, oz);
        for oy in sy.0..sy.1 {
            f(oz, oy, cz * count(g, 1, oy));
        }
    }
}

/// The input rows `(z, y)` of a plane, in order.
fn rows(g: &UnpoolGeometry) -> impl Iterator<Item = (usize, usize)> + use<> {
    let [d, h, _] = g.input.spatial;
    (0..d).flat_map(move |z| (0..h).map(move |y| (z, y)))
}

/// One channels-first plane (or a one-channel image), zeroed.
fn plane<L: CopyLane>(g: &UnpoolGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let w = g.input.spatial[2];
    let [_, oh, ow] = g.output.spatial;
    let line = |oz: usize, oy: usize| sub(grad_output, (oz * oh + oy) * ow, ow);
    if !tabled(g) {
        for ((z, y), row) in rows(g).zip(grad_input.chunks_exact_mut(w)) {
            each_row(g, z, y, |oz, oy, depth_height| {
                let line = line(oz, oy);
                for (x, sum) in row.iter_mut().enumerate() {
                    let (first, last) = window_span(g, 2, x);
                    for (ox, &v) in (first..last).zip(sub(line, first, last - first)) {
                        *sum += v / (depth_height * count(g, 2, ox)) as f32;
                    }
                }
            });
        }
        return;
    }
    if !overlapping(g) {
        // Every count is 1: the output rows' values are the terms. 2x2-style
        // windows along the row take `L` windows per pair of vectors.
        let pairs = g.kernel[2] == 2 && g.stride[2] == 2 && g.padding[2] == 0;
        let whole = if pairs {
            (ow / 2).min(w) / L::LANES * L::LANES
        } else {
            0
        };
        for ((z, y), row) in rows(g).zip(grad_input.chunks_exact_mut(w)) {
            each_row(g, z, y, |oz, oy, _| {
                let line = line(oz, oy);
                let blocks = row.chunks_exact_mut(L::LANES).take(whole / L::LANES);
                for (sum, pair) in blocks.zip(line.chunks_exact(2 * L::LANES)) {
                    let (left, right) = L::load(pair).unzip(L::load(sub(pair, L::LANES, L::LANES)));
                    (L::load(sum) + left + right).store(sum);
                }
                add_windows::<L>(g, line, 0, whole, 0, row);
            });
        }
        return;
    }
    let mut chunks = Chunks::new(g);
    while let Some(chunk) = chunks.next() {
        let Chunk { x0, x1, lo, hi } = chunk;
        // Each output row's quotients `g / count` over the chunk's columns,
        // once, then summed over each window (the reference's terms in its
        // order).
        let mut quotients = [0.0f32; TABLE];
        for ((z, y), row) in rows(g).zip(grad_input.chunks_exact_mut(w)) {
            let row = &mut row[x0..x1];
            each_row(g, z, y, |oz, oy, depth_height| {
                let values = sub(line(oz, oy), lo, hi - lo);
                divide::<L>(values, depth_height, &chunks.counts, &mut quotients);
                add_windows::<L>(g, &quotients, lo, x0, x0, row);
            });
        }
    }
}

/// Adds to `row` (the sums of input columns `x0..`) the terms `terms[ox -
/// lo]` of the windows of columns `from..`: for each window offset `t` in
/// order, every window's output column `ox = x * stride + t - padding`
/// inside the output, so each sum takes its terms in the reference's order,
/// and one offset's terms are a strided run.
#[inline(always)]
fn add_windows<L: CopyLane>(
    g: &UnpoolGeometry,
    terms: &[f32],
    lo: usize,
    from: usize,
    x0: usize,
    row: &mut [f32],
) {
    let (k, s, p) = (g.kernel[2], g.stride[2], g.padding[2]);
    let ow = g.output.spatial[2];
    let x1 = x0 + row.len();
    for t in 0..k {
        // 0 <= x * s + t - p < ow ([`tabled`] keeps these sums in range).
        let start = if t >= p { 0 } else { (p - t).div_ceil(s) };
        let end = (ow + p).saturating_sub(t).div_ceil(s);
        let (start, end) = (start.max(from), end.min(x1));
        if start >= end {
            continue;
        }
        let first = (start * s + t - p).saturating_sub(lo);
        let terms = terms.get(first..).unwrap_or_default();
        let sums = row.get_mut(start - x0..end - x0).unwrap_or_default();
        // Strides 1 and 2 take `L` windows at a time: a load, or the even
        // half of an unzip.
        let done = match s {
            1 => add_runs::<L, 1>(terms, sums),
            2 => add_runs::<L, 2>(terms, sums),
            _ => 0,
        };
        let strided = terms.get(done * s..).unwrap_or_default().iter().step_by(s);
        for (sum, &v) in sums.iter_mut().skip(done).zip(strided) {
            *sum += v;
        }
    }
}

/// `sums[i] += terms[i * S]` for whole vectors of `sums` whose terms all
/// exist (`S` is 1 or 2); returns how many sums it took.
#[inline(always)]
fn add_runs<L: CopyLane, const S: usize>(terms: &[f32], sums: &mut [f32]) -> usize {
    let mut done = 0;
    for (sum, run) in sums
        .chunks_exact_mut(L::LANES)
        .zip(terms.chunks_exact(S * L::LANES))
    {
        let v = match S {
            1 => L::load(run),
            _ => L::load(run).unzip(L::load(sub(run, L::LANES, L::LANES))).0,
        };
        (L::load(sum) + v).store(sum);
        done += L::LANES;
    }
    done
}

/// Whether [`Chunks`] can table the last axis' counts: a window fits the
/// table, every count (at most `kernel / stride + 1` windows an axis) is
/// below 2^24, so a product of `f32` counts is the exact integer, and the
/// row's output columns `x * stride + t` (and `+ padding`) fit `usize`.
fn tabled(g: &UnpoolGeometry) -> bool {
    let most = (0..MAX_SPATIAL).try_fold(1u64, |acc, a| {
        let per_axis = (g.kernel[a] / g.stride[a]).checked_add(1)?;
        acc.checked_mul(u64::try_from(per_axis).ok()?)
    });
    let (w, k, s, p) = (g.input.spatial[2], g.kernel[2], g.stride[2], g.padding[2]);
    let reach = w
        .checked_mul(s)
        .and_then(|r| r.checked_add(k)?.checked_add(p));
    let ow = g.output.spatial[2];
    k <= TABLE
        && most.is_some_and(|m| m < 1 << 24)
        && reach.is_some()
        && ow.checked_add(p).is_some()
}

/// `quotients[i] = values[i] / (depth_height * counts[i])` over `values`,
/// `L` at a time: the reference's `g / count as f32` (the count, below
/// 2^24, is exact as a product of `f32` integers).
#[inline(always)]
fn divide<L: CopyLane>(values: &[f32], depth_height: usize, counts: &[f32], quotients: &mut [f32]) {
    let dh = depth_height as f32;
    let n = values.len().min(quotients.len());
    let whole = n / L::LANES * L::LANES;
    let vectors = values
        .chunks_exact(L::LANES)
        .zip(counts.chunks_exact(L::LANES))
        .zip(quotients.chunks_exact_mut(L::LANES))
        .take(whole / L::LANES);
    for ((v, c), q) in vectors {
        L::load(v).divide(L::splat(dh) * L::load(c)).store(q);
    }
    for i in whole..n {
        quotients[i] = values[i] / (dh * counts[i]);
    }
}

/// Input columns in chunks whose windows cover at most [`TABLE`] output
/// columns, each with the last axis' counts of those columns.
struct Chunks<'a> {
    g: &'a UnpoolGeometry,
    next: usize,
    /// The counts of the current chunk's output columns, as `f32`.
    counts: [f32; TABLE],
}

/// Input columns `x0..x1`, whose windows cover output columns `lo..hi`.
#[derive(Clone, Copy)]
struct Chunk {
    x0: usize,
    x1: usize,
    lo: usize,
    hi: usize,
}

impl<'a> Chunks<'a> {
    fn new(g: &'a UnpoolGeometry) -> Self {
        Chunks {
            g,
            next: 0,
            counts: [0.0; TABLE],
        }
    }

    /// The next chunk, its counts tabled.
    fn next(&mut self) -> Option<Chunk> {
        let (g, x0) = (self.g, self.next);
        let w = g.input.spatial[2];
        if x0 >= w {
            return None;
        }
        let lo = window_span(g, 2, x0).0;
        let mut x1 = x0 + 1;
        while x1 < w && window_span(g, 2, x1).1 - lo <= TABLE {
            x1 += 1;
        }
        let hi = window_span(g, 2, x1 - 1).1;
        for (ox, slot) in (lo..hi).zip(self.counts.iter_mut()) {
            *slot = count(g, 2, ox) as f32;
        }
        self.next = x1;
        Some(Chunk { x0, x1, lo, hi })
    }
}

/// One channels-last image of `c` channels, zeroed: whole vectors of
/// channels, then the channels past the last one.
fn channels_last<L: CopyLane>(
    g: &UnpoolGeometry,
    grad_output: &[f32],
    grad_input: &mut [f32],
    c: usize,
) {
    let w = g.input.spatial[2];
    let [_, oh, ow] = g.output.spatial;
    let overlap = overlapping(g);
    let tabled = tabled(g);
    let vectors = c / L::LANES * L::LANES;
    let mut chunks = Chunks::new(g);
    while let Some(Chunk { x0, x1, lo, .. }) = chunks.next() {
        let counts = &chunks.counts;
        for ((z, y), row) in rows(g).zip(grad_input.chunks_exact_mut(w * c)) {
            let row = &mut row[x0 * c..x1 * c];
            each_row(g, z, y, |oz, oy, depth_height| {
                let line = sub(grad_output, (oz * oh + oy) * ow * c, ow * c);
                for (x, pixel) in (x0..x1).zip(row.chunks_exact_mut(c)) {
                    let (first, last) = window_span(g, 2, x);
                    for ox in first..last {
                        let values = sub(line, ox * c, c);
                        let (vector_sums, rest) = pixel.split_at_mut(vectors);
                        let (vector_values, rest_values) =
                            values.split_at(vectors.min(values.len()));
                        if overlap {
                            let divisor = match counts.get(ox - lo) {
                                Some(&n) if tabled => depth_height as f32 * n,
                                _ => (depth_height * count(g, 2, ox)) as f32,
                            };
                            let lanes = L::splat(divisor);
                            for (sum, v) in vector_sums
                                .chunks_exact_mut(L::LANES)
                                .zip(vector_values.chunks_exact(L::LANES))
                            {
                                (L::load(sum) + L::load(v).divide(lanes)).store(sum);
                            }
                            for (sum, &v) in rest.iter_mut().zip(rest_values) {
                                *sum += v / divisor;
                            }
                        } else {
                            for (sum, v) in vector_sums
                                .chunks_exact_mut(L::LANES)
                                .zip(vector_values.chunks_exact(L::LANES))
                            {
                                (L::load(sum) + L::load(v)).store(sum);
                            }
                            for (sum, &v) in rest.iter_mut().zip(rest_values) {
                                *sum += v;
                            }
                        }
                    }
                }
            });
        }
    }
}
