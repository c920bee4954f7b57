//! `avg_unpool` with overlapping (or gapped) windows: each output the mean
//! of the inputs whose windows cover it, summed in the reference's order.
//! A row's outputs split by position modulo the stride, so that each class
//! sums contiguous loads: channels-first, and channels-last with up to 3
//! channels (a vector then holds several pixels); wider channels-last
//! pixels sum whole channel vectors per covering window.

use super::rows;
use crate::geometry::unpool::{UnpoolGeometry, covering};
use crate::simd::CopyLane;
use crate::slices::sub;
use wide::f32x4;

/// One channels-first plane with overlapping (or gapped) windows. Out of
/// line in small-stack builds ([`crate::stack`]): inlined, its frame and
/// [`average_channels_last`]'s would add up in the caller's.
#[cfg_attr(any(target_os = "none", upsample_small_stack), inline(never))]
#[cfg_attr(not(any(target_os = "none", upsample_small_stack)), inline)]
pub(super) fn average_plane<L: CopyLane>(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    average_pixels::<L, 1>(g, input, output);
}

/// Pixels of `C` floats (a channels-first plane, `C == 1`, or a
/// channels-last batch of `C` channels) with overlapping (or gapped)
/// windows. Each row has one depth and height span; its interior columns
/// run in vector blocks (see [`average_columns`]), the rest one output
/// pixel at a time.
#[inline(always)]
fn average_pixels<L: CopyLane, const C: usize>(
    g: &UnpoolGeometry,
    input: &[f32],
    output: &mut [f32],
) {
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    let (s, k, p) = (g.stride[2], g.kernel[2], g.padding[2]);
    // Interior: ox + p >= k - 1 (no window cut at 0) and ox + p < w * s (no
    // window past the input); blocks start where (ox + p) % s == 0.
    // (Only when w * s fits: a larger stride leaves too few outputs for a
    // block anyway.)
    let interior_end = w
        .checked_mul(s)
        .map_or(0, |ws| ws.saturating_sub(p).min(ow));
    let first = (k - 1).saturating_sub(p);
    // first + p is k - 1 or p: no overflow
    let start = first.saturating_add((s - (first + p) % s) % s);
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow * C)) {
        let (z, y) = (covering(g, 0, oz), covering(g, 1, oy));
        let depth_height = (z.1 - z.0) * (y.1 - y.0);
        if depth_height == 0 {
            row.fill(0.0);
            continue;
        }
        let lines = Lines { input, z, y, h, w };
        let mut done = start;
        if start < interior_end {
            done = average_columns::<L, C>(g, &lines, done, interior_end, row);
            if L::LANES > 4 {
                done = average_columns::<f32x4, C>(g, &lines, done, interior_end, row);
            }
        }
        let scalar = (0..start.min(done).min(ow)).chain(done..ow);
        for ox in scalar {
            let (x0, x1) = covering(g, 2, ox);
            let mut sum = [0.0f32; C];
            lines.each(|line| {
                for pixel in sub(input, (line + x0) * C, (x1 - x0) * C).chunks_exact(C) {
                    for (sum, v) in sum.iter_mut().zip(pixel) {
                        *sum += v;
                    }
                }
            });
            let count = depth_height * (x1 - x0);
            let out = row.get_mut(ox * C..ox * C + C).unwrap_or_default();
            for (o, sum) in out.iter_mut().zip(sum) {
                *o = if count == 0 { 0.0 } else { sum / count as f32 };
            }
        }
    }
}

/// `sum / count` lane by lane, as the reference's `sum / count as f32`: a
/// product with the exact reciprocal when `count` is a power of two (the
/// same correctly rounded value, at a fraction of a division's cost), its
/// factor prepared once for many sums.
#[derive(Clone, Copy)]
struct Mean<L> {
    /// `1 / count` when `multiply`, else `count`.
    factor: L,
    /// `count` is a power of two: its reciprocal is exact.
    multiply: bool,
}

impl<L: CopyLane> Mean<L> {
    /// The mean of `count` terms.
    #[inline(always)]
    fn new(count: usize) -> Self {
        let multiply = count.is_power_of_two();
        let factor = if multiply {
            1.0 / count as f32
        } else {
            count as f32
        };
        Mean {
            factor: L::splat(factor),
            multiply,
        }
    }

    /// `sum / count`, lane by lane.
    #[inline(always)]
    fn of(self, sum: L) -> L {
        if self.multiply {
            sum * self.factor
        } else {
            sum.divide(self.factor)
        }
    }
}

/// The input lines (depth and height) that cover one output row.
struct Lines<'a> {
    /// The input plane (channels-first) or batch (channels-last).
    input: &'a [f32],
    /// The covering depths and heights, `first..last`.
    z: (usize, usize),
    y: (usize, usize),
    /// The input height and width.
    h: usize,
    w: usize,
}

impl Lines<'_> {
    /// Calls `f` with the in-plane offset of each covering line, in the
    /// reference's order (depth, then height).
    #[inline(always)]
    fn each(&self, mut f: impl FnMut(usize)) {
        for z in self.z.0..self.z.1 {
            for y in self.y.0..self.y.1 {
                f((z * self.h + y) * self.w);
            }
        }
    }
}

/// Interior columns `from..to` (with `(from + padding) % stride == 0`) of
/// pixels of `C` floats, in blocks of `stride * L` pixels; returns where
/// the whole blocks end.
///
/// Within a block, the outputs `q + stride*t` (class `q`, pixel `t`) are
/// covered by inputs `f_q + t .. f_q + t + n_q`: the class sums `n_q`
/// contiguous runs of `C` vectors per covering line, in the reference's
/// order.
#[inline(always)]
fn average_columns<L: CopyLane, const C: usize>(
    g: &UnpoolGeometry,
    lines: &Lines<'_>,
    from: usize,
    to: usize,
    row: &mut [f32],
) -> usize {
    let n = L::LANES;
    let (s, k, p) = (g.stride[2], g.kernel[2], g.padding[2]);
    let depth_height = (lines.z.1 - lines.z.0) * (lines.y.1 - lines.y.0);
    let Some(block) = s.checked_mul(n) else {
        return from;
    };
    let mut ox = from;
    let mut last = false;
    while ox + block <= to || (!last && ox < to && to - from >= block) {
        if ox + block > to {
            // One last block ending as near `to` as the classes allow,
            // overlapping the one before (recomputing the same values).
            ox = from + (to - block - from) / s * s;
            last = true;
        }
        let base = (ox + p) / s;
        // The `C` vectors of class `q`'s `L` pixels.
        let class = |q: usize| -> [L; C] {
            // First covering input of output ox + q: ceil((base*s + q + 1 - k) / s).
            let f = (base * s + q + 1 - k).div_ceil(s);
            let count = (base + 1 - f) * depth_height;
            let mut sum = [L::splat(0.0); C];
            lines.each(|line| {
                let line = lines.input.get((line + f) * C..).unwrap_or_default();
                for m in 0..base + 1 - f {
                    for (v, sum) in sum.iter_mut().enumerate() {
                        let at = m * C + v * n;
                        *sum = *sum + L::load(line.get(at..at + n).unwrap_or_default());
                    }
                }
            });
            if count == 0 {
                [L::splat(0.0); C]
            } else {
                let mean = Mean::new(count);
                sum.map(|sum| mean.of(sum))
            }
        };
        let out = row.get_mut(ox * C..(ox + block) * C).unwrap_or_default();
        match (s, C) {
            (1, _) => {
                for (v, sum) in out.chunks_exact_mut(n).zip(class(0)) {
                    sum.store(v);
                }
            }
            (2, 1) => {
                let (c0, c1) = (class(0)[0], class(1)[0]);
                let (lo, hi) = c0.zip(c1);
                let (a, b) = out.split_at_mut(n.min(out.len()));
                lo.store(a);
                hi.store(b);
            }
            _ => {
                // Class `q`'s pixels to every `s`-th output pixel from `q`.
                for q in 0..s {
                    let mut pixels = Aligned([[0.0f32; 16]; C]);
                    let pixels = pixels.0.as_flattened_mut();
                    for (dst, sum) in pixels.chunks_exact_mut(n).zip(class(q)) {
                        sum.store(dst);
                    }
                    // Pixel `t` is floats t*C.. of the class's vectors.
                    for (t, src) in pixels.chunks_exact(C).take(n).enumerate() {
                        let at = (q + s * t) * C;
                        let o = out.get_mut(at..).and_then(|o| o.first_chunk_mut::<C>());
                        if let (Some(o), Some(src)) = (o, src.first_chunk::<C>()) {
                            *o = *src;
                        }
                    }
                }
            }
        }
        ox += block;
    }
    ox.min(to)
}

/// A block's class vectors on a line of their own: stored whole and read
/// back by pixel, a store that straddled two lines (as the stack happened
/// to place it) waited to be forwarded to every load.
#[repr(C, align(64))]
struct Aligned<T>(T);

/// The covering windows of outputs `0, 1, 2, ..` along axis `a` (as
/// [`covering`] gives them), stepped without a division per output.
struct Coverage {
    /// The stride along the axis.
    stride: usize,
    /// The input size along the axis.
    size: usize,
    /// `(o + padding) / stride` and its remainder: `last - 1`.
    last: (usize, usize),
    /// `o + padding + stride - kernel`, and its quotient and remainder by
    /// the stride once it is not negative: `first`.
    lead: i128,
    first: (usize, usize),
}

impl Coverage {
    /// The covering windows of the outputs along axis `a`, from 0 on.
    fn new(g: &UnpoolGeometry, a: usize) -> Coverage {
        let (s, k, p) = (g.stride[a], g.kernel[a], g.padding[a]);
        // In i128: padding, stride and kernel may be near usize::MAX.
        let lead = p as i128 + s as i128 - k as i128;
        let first = if lead >= 0 {
            ((lead / s as i128) as usize, (lead % s as i128) as usize)
        } else {
            (0, 0)
        };
        Coverage {
            stride: s,
            size: g.input.spatial[a],
            last: (p / s, p % s),
            lead,
            first,
        }
    }
}

impl Iterator for Coverage {
    type Item = (usize, usize);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize)> {
        // first = ceil((o + p + 1 - k) / s) = (o + p + s - k) / s when that
        // is not negative, else 0; last = (o + p) / s + 1, within the input.
        let first = if self.lead >= 0 { self.first.0 } else { 0 };
        let last = self.last.0.saturating_add(1).min(self.size);
        let step = |(q, r): (usize, usize), s: usize| {
            if r + 1 == s {
                (q.saturating_add(1), 0)
            } else {
                (q, r + 1)
            }
        };
        self.last = step(self.last, self.stride);
        if self.lead >= 0 {
            self.first = step(self.first, self.stride);
        }
        self.lead += 1;
        Some((first, last.max(first)))
    }
}

/// One batch of a channels-last unpooling with overlapping (or gapped)
/// windows. Pixels of 2 or 3 channels as [`average_pixels`] (vectors of
/// several pixels); wider ones pixel by pixel, each summing the channel
/// vectors of its covering input pixels in the reference's order, `L`
/// channels at a time ([`Average`](crate::simd::Average) in the public
/// path), then 4, then one by one. Out of line in small-stack builds, as
/// [`average_plane`].
#[cfg_attr(any(target_os = "none", upsample_small_stack), inline(never))]
#[cfg_attr(not(any(target_os = "none", upsample_small_stack)), inline)]
pub(super) fn average_channels_last<L: CopyLane>(
    g: &UnpoolGeometry,
    input: &[f32],
    output: &mut [f32],
) {
    let c = g.input.c;
    // Blocks of `L` pixels (a wide block shares its bookkeeping among more
    // pixels; `Average` is 4 lanes where vectors are not registers, where
    // wide blocks' sums and pixels only cost stack).
    macro_rules! narrow {
        ($($c:literal)*) => {
            match c {
                $($c => return average_pixels::<L, $c>(g, input, output),)*
                _ => {}
            }
        };
    }
    narrow!(2 3);
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow * c)) {
        let (z, y) = (covering(g, 0, oz), covering(g, 1, oy));
        let depth_height = (z.1 - z.0) * (y.1 - y.0);
        let lines = Lines { input, z, y, h, w };
        let mut at = 0;
        for x in Coverage::new(g, 2).take(ow) {
            let count = depth_height * (x.1 - x.0);
            if count == 0 {
                row.get_mut(at..at + c).unwrap_or_default().fill(0.0);
                at += c;
                continue;
            }
            // The covering pixels of each line, `x.1 - x.0` of them.
            let covered = |line: usize| {
                input
                    .get((line + x.0) * c..(line + x.1) * c)
                    .unwrap_or_default()
            };
            let pixel = row.get_mut(at..at + c).unwrap_or_default();
            at += c;
            let mut ch = average_channels::<L>(&lines, covered, c, count, pixel, 0);
            if c - ch >= 4 {
                ch = average_channels::<f32x4>(&lines, covered, c, count, pixel, ch);
            }
            for (ch, o) in (ch..).zip(pixel.get_mut(ch..).unwrap_or_default()) {
                let mut sum = 0.0f32;
                lines.each(|line| {
                    for src in covered(line).chunks_exact(c) {
                        sum += src.get(ch).copied().unwrap_or_default();
                    }
                });
                *o = sum / count as f32;
            }
        }
    }
}

/// Channels `from..` of one channels-last output pixel in blocks of `L`;
/// returns where the whole blocks end. `covered(line)` gives the covering
/// input pixels of a line.
#[inline(always)]
fn average_channels<'a, L: CopyLane>(
    lines: &Lines<'_>,
    covered: impl Fn(usize) -> &'a [f32],
    c: usize,
    count: usize,
    pixel: &mut [f32],
    from: usize,
) -> usize {
    let n = L::LANES;
    let mean = Mean::<L>::new(count);
    let mut ch = from;
    while ch + n <= c {
        let mut sum = L::splat(0.0);
        lines.each(|line| {
            for src in covered(line).chunks_exact(c) {
                sum = sum + L::load(src.get(ch..ch + n).unwrap_or_default());
            }
        });
        mean.of(sum)
            .store(pixel.get_mut(ch..ch + n).unwrap_or_default());
        ch += n;
    }
    ch
}
