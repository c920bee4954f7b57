//! Blends whose W axis doubles: linear, bilinear, bicubic and trilinear
//! (or any mode whose windows have that shape) with output width `2 * W`,
//! written a pair of output columns per input column.
//!
//! ```text
//! T taps (2 linear, 4 cubic), for every output column off the edges:
//!     out[2k]     = sum_t even[t] * row[k - T/2 + t]
//!     out[2k + 1] = sum_t odd[t]  * row[k - T/2 + 1 + t]
//! row = the blend of the output row's source rows (at most 4: depth taps
//!       times height taps)
//! ```
//!
//! Channels-first, each output row blends a vector of its source rows'
//! columns at a time, straight from the input (a blended row stored and
//! read back unaligned waited on store forwarding behind the output
//! stream), takes the `T + 1` shifts the taps read from it and the next
//! vector with lane shuffles ([`CopyLane::shift_in`]), forms the even and
//! the odd columns, and writes them interleaved with
//! [`CopyLane::store_zip`]. Channels-last, with 1, 2,
//! 4 or 8 whole vectors of channels per pixel, the blends of the `T + 1`
//! pixels a pair of outputs reads roll along the row in registers (the
//! general path stores the blended row and reads it back: bilinear x2
//! 1x64x128x128 1.27 against 1.03 ms here, bicubic 2.02 against 1.27).
//!
//! The shape is checked against every column's window, the same windows
//! the general separable path would use, so any problem this path takes it
//! computes with the general path's weights; the edge columns (clamped
//! windows) keep their own.

use super::taps::AxisTaps;
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::CopyLane;
use crate::simd::Permute;

/// The most horizontal taps (bicubic).
pub(super) const MAX_T: usize = 4;

/// The widest vector (f32x16): the vector edges' lane weights.
const MAX_LANES: usize = 16;

/// Output rows whose source rows and weights are found at once, for every
/// plane (a window per row and plane costs more than the row).
pub(super) const CHUNK: usize = 128;

/// Channels-first resampling with the W axis doubling: `false` when the
/// problem is not of that kind (nothing written). The general separable
/// pass ran bilinear x2 at 1.2-1.3x memcpy and bicubic x2 at 1.9x on the
/// 1x64x128x128 case.
pub(crate) fn doubled_columns<L: Permute>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let aw = &axes[2];
    let Some(r) = blended_rows(axes) else {
        return false;
    };
    if i.layout == Layout::ChannelsLast && i.c > 1 {
        // Whole vectors of channels, 1, 2, 4 or 8 per pass (kept in
        // registers).
        return by_pixel_shape!(
            run_pixels,
            L,
            aw.taps(),
            r,
            i.c,
            4,
            (input, i, o, axes, output)
        );
    }
    if L::PERMUTE_REPEATING && o.spatial[2] >= L::LANES {
        // Channels-first rows of a vector or more: the separable pass's
        // permuted blocks, which blend the source rows as they load them,
        // are faster where they take repeating windows at all.
        return false;
    }
    match (aw.taps(), r) {
        (2, 1) => run::<L, 2, 1>(input, i, o, axes, output),
        (2, 2) => run::<L, 2, 2>(input, i, o, axes, output),
        (2, 4) => run::<L, 2, 4>(input, i, o, axes, output),
        (4, 1) => run::<L, 4, 1>(input, i, o, axes, output),
        (4, 2) => run::<L, 4, 2>(input, i, o, axes, output),
        (4, 3) => run::<L, 4, 3>(input, i, o, axes, output),
        (4, 4) => run::<L, 4, 4>(input, i, o, axes, output),
        _ => false,
    }
}

/// The source rows per output row [`each_row`] gives (depth taps times
/// height taps), when the W axis blends (does not copy) and the depth
/// window has at most 2 taps.
pub(super) fn blended_rows(axes: &[AxisTaps; MAX_SPATIAL]) -> Option<usize> {
    let [ad, ah, aw] = axes;
    (ad.taps() <= 2 && !aw.copies()).then(|| ad.taps() * ah.taps())
}

/// The even and odd weights when every column off the edges has the
/// doubled shape (see the module docs).
fn regular<const T: usize>(
    aw: &AxisTaps,
    iw: usize,
    ow: usize,
    lanes: usize,
) -> Option<([f32; T], [f32; T])> {
    // Channels-first (`lanes` > 0): at least one vector of column pairs,
    // and the edges apart.
    // Channels-first, `row` takes the edges and the last pairs from two
    // vectors at each end.
    let vectors = lanes == 0 || (iw >= 2 * lanes && T <= lanes);
    if ow != 2 * iw || iw < 2 * T || !vectors {
        return None;
    }
    let (mut even, mut odd) = ([0.0f32; T], [0.0f32; T]);
    let half = T / 2;
    // Column pair k = T / 2 .. iw - T / 2 reads k - T/2 ..= k + T/2.
    if aw.window(T, &mut even) != 0 || aw.window(T + 1, &mut odd) != 1 {
        return None;
    }
    let mut w = [0.0f32; T];
    let ok = (T..ow - T).all(|x| {
        let start = aw.window(x, &mut w);
        let k = x / 2;
        if x % 2 == 0 {
            start + half == k && w == even
        } else {
            start + half == k + 1 && w == odd
        }
    });
    ok.then_some((even, odd))
}

/// The even and odd weights as vectors, and the edge columns' windows
/// (`T` at each end, which keep their own weights).
struct Plan<L, const T: usize> {
    even: [L; T],
    odd: [L; T],
    edges: [(usize, usize, [f32; MAX_T]); 2 * MAX_T],
    /// Channels-first, the edges as vectors: lane `x` of `left[t]` is
    /// output `x`'s weight of column `t` (every left window starts at
    /// column 0), lane `LANES - T + x` of `right[t]` output `ow - T + x`'s
    /// of column `iw - T + t` (every right window starts there).
    left: [L; T],
    right: [L; T],
}

impl<L: CopyLane, const T: usize> Plan<L, T> {
    /// [`regular`], with the weights splatted and the edges' windows found.
    fn new(aw: &AxisTaps, iw: usize, ow: usize, lanes: usize) -> Option<Self> {
        let (even, odd) = regular::<T>(aw, iw, ow, lanes)?;
        let mut edges = [(0usize, 0usize, [0.0f32; MAX_T]); 2 * MAX_T];
        // Lane weights of the vector edges (channels-first, `T <= LANES`).
        let (mut left, mut right) = ([[0.0f32; MAX_LANES]; T], [[0.0f32; MAX_LANES]; T]);
        for (n, (e, x)) in edges.iter_mut().zip((0..T).chain(ow - T..ow)).enumerate() {
            let mut w = [0.0f32; T];
            let start = aw.window(x, &mut w);
            let mut wide = [0.0f32; MAX_T];
            wide[..T].copy_from_slice(&w);
            *e = (x, start, wide);
            if lanes > 0 {
                let (lane, first, side) = match n.checked_sub(T) {
                    None => (n, 0, &mut left),
                    Some(r) => (lanes - T + r, iw - T, &mut right),
                };
                if start != first || lane >= MAX_LANES {
                    return None;
                }
                for (t, &w) in w.iter().enumerate() {
                    side[t][lane] = w;
                }
            }
        }
        Some(Plan {
            even: even.map(L::splat),
            odd: odd.map(L::splat),
            edges,
            left: left.map(|w| L::load(&w)),
            right: right.map(|w| L::load(&w)),
        })
    }

    fn edges(&self) -> &[(usize, usize, [f32; MAX_T])] {
        self.edges.get(..2 * T).unwrap_or_default()
    }
}

/// Runs `row` on every output row (`ow * c` floats) with its `R` source
/// rows (`iw * c` floats each: the products of a depth window of at most
/// 2 taps and a height window, `R` in all) and their weights.
pub(super) fn each_row<const R: usize>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    c: usize,
    output: &mut [f32],
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]),
) {
    let Some(mut rows) = SourceRows::<R>::new(i, o, axes, c) else {
        return;
    };
    let (_, _, in_row, out_row) = rows.sizes;
    while let Some((first, count)) = rows.next_chunk(CHUNK) {
        for (src, dst) in rows.planes(input, output, first, count) {
            for (&(at, w), out) in rows.sources.iter().zip(dst.chunks_exact_mut(out_row)) {
                let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
                row(source, w, out);
            }
        }
    }
}

/// [`each_row`], but two adjacent output rows that read the same source
/// rows (x2 along the height: rows `2k + 1` and `2k + 2`) go to `pair`
/// together, so that a kernel loads each source vector once for both.
#[allow(clippy::too_many_arguments)]
pub(super) fn each_row_paired<const R: usize>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    c: usize,
    output: &mut [f32],
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]),
    mut pair: impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]),
) {
    let Some(mut rows) = SourceRows::<R>::new(i, o, axes, c) else {
        return;
    };
    let mut pairs = [false; CHUNK];
    while let Some((first, count)) = rows.next_chunk(CHUNK) {
        find_pairs(&rows.sources, count, &mut pairs);
        for (src, dst) in rows.planes(input, output, first, count) {
            rows_in_pairs(&rows, &pairs, src, dst, &mut row, &mut pair);
        }
    }
}

/// [`each_row_paired`], and where two depths in a row read the same source
/// rows (x2 along the depth: depths `2z + 1` and `2z + 2`), their rows go
/// to `quad` four at a time (`[a, a + 1, b, b + 1]`: a pair of each
/// depth) and their unpaired rows to `pair` (`[a, b]`), so that a kernel
/// loads each source vector once for four rows (or two). For that a chunk
/// holds whole depths where two fit in one: the first depth alone, then
/// two at a time, in step with x2's pairs.
#[allow(clippy::too_many_arguments)]
pub(super) fn each_row_quad<const R: usize>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    c: usize,
    output: &mut [f32],
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]),
    mut pair: impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]),
    mut quad: impl FnMut([&[f32]; R], [[f32; R]; 4], [&mut [f32]; 4]),
) {
    let oh = o.spatial[1];
    if oh == 0 || 2 * oh > CHUNK {
        return each_row_paired(input, i, o, axes, c, output, row, pair);
    }
    let Some(mut rows) = SourceRows::<R>::new(i, o, axes, c) else {
        return;
    };
    let (_, _, in_row, out_row) = rows.sizes;
    let mut pairs = [false; CHUNK];
    let mut depths = 1;
    while let Some((first, count)) = rows.next_chunk(depths * oh) {
        depths = 2;
        // The two depths' rows read the same source rows where their
        // first rows do (each row's are its depth's plus its height's).
        let two = count == 2 * oh && rows.sources.get(oh).map(|s| s.0) == Some(rows.sources[0].0);
        find_pairs(&rows.sources, if two { oh } else { count }, &mut pairs);
        for (src, dst) in rows.planes(input, output, first, count) {
            if !two {
                rows_in_pairs(&rows, &pairs, src, dst, &mut row, &mut pair);
                continue;
            }
            let weight = |k: usize| rows.sources.get(k).map_or([0.0; R], |s| s.1);
            let (a, b) = dst.split_at_mut(oh * out_row);
            let (mut a, mut b) = (a.chunks_exact_mut(out_row), b.chunks_exact_mut(out_row));
            let mut k = 0;
            while let (Some(a0), Some(b0)) = (a.next(), b.next()) {
                let at = rows.sources.get(k).map_or([0; R], |s| s.0);
                let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
                if pairs.get(k) == Some(&true) {
                    let (a1, b1) = (a.next().unwrap_or_default(), b.next().unwrap_or_default());
                    let w = [weight(k), weight(k + 1), weight(oh + k), weight(oh + k + 1)];
                    quad(source, w, [a0, a1, b0, b1]);
                    k += 2;
                } else {
                    pair(source, [weight(k), weight(oh + k)], [a0, b0]);
                    k += 1;
                }
            }
        }
    }
}

/// Marks in `pairs` the rows of `sources[..count]` that start a pair with
/// the next (the same source rows), greedily from the first.
fn find_pairs<const R: usize>(
    sources: &[([usize; R], [f32; R]); CHUNK],
    count: usize,
    pairs: &mut [bool; CHUNK],
) {
    let mut k = 0;
    while k + 1 < count {
        let paired = sources[k].0 == sources[k + 1].0;
        pairs[k] = paired;
        k += if paired { 2 } else { 1 };
    }
    if let Some(last) = pairs.get_mut(k) {
        *last = false;
    }
}

/// One plane's rows of a chunk (`src` its input, `dst` the chunk's output
/// rows) in order, the pairs `pairs` marks to `pair`, the others to `row`.
#[inline(always)]
fn rows_in_pairs<const R: usize>(
    rows: &SourceRows<'_, R>,
    pairs: &[bool; CHUNK],
    src: &[f32],
    dst: &mut [f32],
    row: &mut impl FnMut([&[f32]; R], [f32; R], &mut [f32]),
    pair: &mut impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]),
) {
    let (_, _, in_row, out_row) = rows.sizes;
    let mut outs = dst.chunks_exact_mut(out_row);
    let mut k = 0;
    while let Some(out) = outs.next() {
        let (at, w) = rows.sources.get(k).copied().unwrap_or(([0; R], [0.0; R]));
        let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
        if pairs.get(k) == Some(&true) {
            let w2 = rows.sources.get(k + 1).map_or([0.0; R], |s| s.1);
            pair(source, [w, w2], [out, outs.next().unwrap_or_default()]);
            k += 2;
        } else {
            row(source, w, out);
            k += 1;
        }
    }
}

/// The source rows (offsets in a plane) and weights of [`each_row`]'s
/// output rows, `CHUNK` rows at a time.
pub(super) struct SourceRows<'a, const R: usize> {
    pub(super) sources: [([usize; R], [f32; R]); CHUNK],
    axes: &'a [AxisTaps; MAX_SPATIAL],
    /// Floats per input plane, output plane, input row, output row.
    pub(super) sizes: (usize, usize, usize, usize),
    ih: usize,
    oh: usize,
    /// Output rows per plane, and the first of the next chunk.
    rows: usize,
    next: usize,
    /// The depth window of the last depth (it changes every `oh` rows).
    depth: (usize, usize, [f32; 2]),
    /// The height windows, found once where there are at most `CHUNK`
    /// (`heights` is 0 otherwise): every depth repeats them, and finding
    /// a window per row was 5% of trilinear x2 channels-first.
    height: [(usize, [f32; R]); CHUNK],
    heights: usize,
}

impl<'a, const R: usize> SourceRows<'a, R> {
    pub(super) fn new(
        i: &Dims,
        o: &Dims,
        axes: &'a [AxisTaps; MAX_SPATIAL],
        c: usize,
    ) -> Option<Self> {
        let [id, ih, iw] = i.spatial;
        let [od, oh, ow] = o.spatial;
        let (kd, kh) = (axes[0].taps(), axes[1].taps());
        if kd * kh != R || kd > 2 {
            debug_assert!(false, "{kd} x {kh} source rows for {R}");
            return None;
        }
        let (in_row, out_row) = (iw * c, ow * c);
        let mut height = [(0usize, [0.0f32; R]); CHUNK];
        let heights = if oh <= CHUNK { oh } else { 0 };
        for (y, (start, w)) in height.iter_mut().enumerate().take(heights) {
            *start = axes[1].window(y, w.get_mut(..kh).unwrap_or_default());
        }
        Some(SourceRows {
            sources: [([0usize; R], [0.0f32; R]); CHUNK],
            axes,
            sizes: (id * ih * in_row, od * oh * out_row, in_row, out_row),
            ih,
            oh,
            rows: od * oh,
            next: 0,
            depth: (usize::MAX, 0, [0.0; 2]),
            height,
            heights,
        })
    }

    /// Every plane's input and the output rows `first..first + count` of
    /// its output.
    fn planes<'b>(
        &self,
        input: &'b [f32],
        output: &'b mut [f32],
        first: usize,
        count: usize,
    ) -> impl Iterator<Item = (&'b [f32], &'b mut [f32])> + use<'b, R> {
        let (in_plane, out_plane, _, out_row) = self.sizes;
        let rows = first * out_row..(first + count) * out_row;
        let planes = input
            .chunks_exact(in_plane)
            .zip(output.chunks_exact_mut(out_plane));
        planes.filter_map(move |(src, dst)| Some((src, dst.get_mut(rows.clone())?)))
    }

    /// Fills `sources` for the next chunk of at most `limit` rows: its
    /// first row and row count.
    pub(super) fn next_chunk(&mut self, limit: usize) -> Option<(usize, usize)> {
        let first = self.next;
        let count = CHUNK.min(limit).min(self.rows.checked_sub(first)?);
        if count == 0 {
            return None;
        }
        self.next += count;
        let [ad, ah, _] = self.axes;
        let (kd, kh) = (ad.taps(), ah.taps());
        let (oh, in_row) = (self.oh, self.sizes.2);
        for (k, (at, w)) in self.sources.iter_mut().enumerate().take(count) {
            let (z, y) = ((first + k) / oh, (first + k) % oh);
            if self.depth.0 != z {
                let mut wz = [0.0f32; 2];
                let sz = ad.window(z, wz.get_mut(..kd).unwrap_or_default());
                self.depth = (z, sz, wz);
            }
            let (_, sz, wz) = self.depth;
            let (sy, wy) = match self.height.get(y).filter(|_| y < self.heights) {
                Some(&window) => window,
                None => {
                    let mut wy = [0.0f32; R];
                    (ah.window(y, wy.get_mut(..kh).unwrap_or_default()), wy)
                }
            };
            for (r, (at, w)) in at.iter_mut().zip(w.iter_mut()).enumerate() {
                let (dz, dy) = (r / kh, r % kh);
                *at = ((sz + dz) * self.ih + sy + dy) * in_row;
                // A depth weight of 1 (copied depths) leaves `wy` exact.
                *w = wz[dz] * wy[dy];
            }
        }
        Some((first, count))
    }
}

/// Channels-first [`doubled_columns`] with `T` horizontal and `R` vertical
/// taps.
fn run<L: CopyLane, const T: usize, const R: usize>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let Some(plan) = Plan::<L, T>::new(&axes[2], iw, ow, L::LANES) else {
        return false;
    };
    // Two output rows of the same source rows (x2 along the height) in
    // one pass, each source vector loaded once for both.
    let single = |source: [&[f32]; R], hw, out: &mut [f32]| {
        rows::<L, T, R, 1>(source, iw, [hw], &plan, [out]);
    };
    let pair = |source: [&[f32]; R], hw, out: [&mut [f32]; 2]| {
        rows::<L, T, R, 2>(source, iw, hw, &plan, out);
    };
    each_row_paired::<R>(input, i, o, axes, 1, output, single, pair);
    true
}

/// Channels-last [`doubled_columns`] with `T` horizontal and `R` vertical
/// taps and `V` vectors of channels per pixel.
fn run_pixels<L: CopyLane, const T: usize, const R: usize, const V: usize>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let Some(plan) = Plan::<L, T>::new(&axes[2], iw, ow, 0) else {
        return false;
    };
    // Pixels of `c` channels, taken `V` vectors at a time.
    let (c, group) = (i.c, V * L::LANES);
    each_row::<R>(input, i, o, axes, c, output, |source, hw, out| {
        by_group(source, [out], c, group, |source, stride, [out]| {
            pixels::<L, T, R, V>(source, iw, hw, &plan, stride, out);
        });
    });
    true
}

/// Runs `pass(source, stride, out)` over the channel groups of
/// channels-last rows of pixels of `c` channels, `group` at a time: the
/// source rows and the `P` output rows from the group's first channel,
/// pixels `stride` floats apart. A pixel of one group is one pass, with
/// the stride `group` (a constant to the kernels).
#[inline(always)]
pub(super) fn by_group<const R: usize, const P: usize>(
    source: [&[f32]; R],
    mut out: [&mut [f32]; P],
    c: usize,
    group: usize,
    mut pass: impl FnMut([&[f32]; R], usize, [&mut [f32]; P]),
) {
    if c == group {
        pass(source, group, out);
        return;
    }
    for g in (0..c).step_by(group) {
        let source = source.map(|s| s.get(g..).unwrap_or_default());
        let out = out.each_mut().map(|o| o.get_mut(g..).unwrap_or_default());
        pass(source, c, out);
    }
}

/// Runs `$body` for each row `$p` of [`rows`] (`P <= 2`) with `$p` a
/// constant: a loop over the rows kept their vectors in memory, and on
/// AVX2 the shuffles read them back in halves, each waiting on the store
/// behind the output stream (bilinear x2 channels-first, best of 200
/// calls: 1.55 ms with the loop, 1.26 without).
macro_rules! each_row_of {
    ($p:ident < $n:expr => $body:block) => {{
        {
            let $p = 0;
            if $p < $n $body
        }
        {
            let $p = 1;
            if $p < $n $body
        }
    }};
}

/// `P` channels-first output rows from the same `R` source rows (`iw`
/// floats each), blended with `hw[p]` for row `p`: each vector of the
/// source rows is loaded once for all `P` (with the edges below, SSE2
/// trilinear x2 channels-first 2.8 -> 2.1-2.4 ms and bicubic x2 2.6 ->
/// 2.2, best of 200 calls in three alternating runs).
///
/// Everything but the bulk works from the bulk's vectors in registers:
/// the left edge outputs from the first vector of blended columns, the
/// right ones and the pairs after the bulk from the last two. Blending
/// those again from the rows and a scalar dot product per edge output
/// cost a third of trilinear x2 channels-first on SSE2 (rows of 64
/// outputs); storing the blends and reading them back unaligned saved
/// nothing.
#[inline(always)]
fn rows<L: CopyLane, const T: usize, const R: usize, const P: usize>(
    source: [&[f32]; R],
    iw: usize,
    hw: [[f32; R]; P],
    plan: &Plan<L, T>,
    mut out: [&mut [f32]; P],
) {
    let (ve, vo) = (&plan.even, &plan.odd);
    let half = T / 2;
    let lanes = L::LANES;
    let vh = hw.map(|h| h.map(L::splat));
    let pairs = |b: &[L; MAX_T + 1], o: &mut [f32]| pairs::<L, T>(b, ve, vo, o);
    let blends = |v: &[L; R]| blends::<L, R, P>(v, &vh);
    let blend_at =
        |k: usize| -> [L; P] { core::array::from_fn(|p| column_blend(&source, &vh[p], k)) };
    // The bulk: vector `j` covers column pairs `k = j * LANES + T/2 ..`,
    // whose taps read the blended columns `j * LANES ..= j * LANES + LANES
    // + T`. Each vector of blended columns is computed once, from the
    // source rows' chunk `j`, and the shifted ones are lane shuffles of
    // it and the next (blending at every shift instead was 5 blends for
    // bicubic's 1: 70% of its arithmetic).
    let end = iw - half;
    let chunks = source.map(|s| s.get(..iw).unwrap_or_default().chunks_exact(lanes));
    let mut chunks = chunks.map(|c| c.map(L::load));
    let mut next = || {
        let mut v = [L::splat(0.0); R];
        for (v, c) in v.iter_mut().zip(chunks.iter_mut()) {
            *v = c.next()?;
        }
        Some(blends(&v))
    };
    // `iw >= 2 * LANES`: two chunks at least.
    let (Some(mut b0), Some(b1)) = (next(), next()) else {
        return;
    };
    // The left edges (outputs 0 .. T), a vector from output 0 whose lanes
    // past T the bulk overwrites.
    each_row_of!(p < P => {
        let b = shifts_by::<L>(b0[p], b1[p], 0);
        edge::<L, T>(&b, &plan.left).store(out[p].get_mut(..lanes).unwrap_or_default());
    });
    let mut outs = out.each_mut().map(|o| {
        o.get_mut(T..)
            .unwrap_or_default()
            .chunks_exact_mut(2 * lanes)
    });
    let (mut prev, mut b1, mut k) = (b0, Some(b1), half);
    'bulk: while let Some(v1) = b1.filter(|_| k + lanes <= end) {
        // (Also stopping where the next vector's pairs pass the end.)
        each_row_of!(p < P => {
            let Some(o) = outs[p].next() else {
                break 'bulk;
            };
            pairs(&shifts_by::<L>(b0[p], v1[p], 0), o);
        });
        (prev, b0, b1) = (b0, v1, next());
        k += lanes;
    }
    // The last two vectors of blended columns, iw - 2 * LANES .. iw:
    // the bulk's where it ended on the last chunk.
    let from = iw - 2 * lanes;
    let (r0, r1) = if iw.is_multiple_of(lanes) && b1.is_none() {
        (prev, b0)
    } else {
        (blend_at(from), blend_at(from + lanes))
    };
    // The bulk ends on the last pair only where T == LANES, where the
    // right edges' vector holds nothing else.
    debug_assert!(
        k < end || T == lanes,
        "a vector of pairs follows the right edges"
    );
    each_row_of!(p < P => {
        let (o, r0, r1) = (&mut out[p], r0[p], r1[p]);
        // The right edges (outputs ow - T .. ow) in the last lanes of a
        // vector whose others the pairs below overwrite.
        let at = 2 * iw - lanes;
        let b = shifts_by::<L>(r1, r1, lanes - T);
        edge::<L, T>(&b, &plan.right).store(o.get_mut(at..).unwrap_or_default());
        // The pairs after the bulk (fewer than 2 * LANES), a vector from
        // `q` at a time, the last ending on the last pair off the edge
        // (overlapping, with the same values); their taps read columns
        // q - T/2 >= from to q - T/2 + LANES + T <= iw.
        let mut k = k;
        while k < end {
            let q = k.min(end - lanes);
            let b = shifts_by::<L>(r0, r1, q - half - from);
            pairs(&b, o.get_mut(2 * q..2 * q + 2 * lanes).unwrap_or_default());
            k = q + lanes;
        }
    });
}

/// `sum_t w[t] * c[t]`, a lane per output (the vector edges), where
/// `c[t]` is the first lane of the shift `b[t]` (the window's column `t`).
#[inline(always)]
fn edge<L: CopyLane, const T: usize>(b: &[L; MAX_T + 1], w: &[L; T]) -> L {
    let mut acc = L::splat(0.0);
    for (t, (b, &w)) in b.iter().zip(w).enumerate() {
        let c = b.broadcast_first();
        acc = if t == 0 { w * c } else { c.mul_add(w, acc) };
    }
    acc
}

/// The even and the odd outputs of a vector of column pairs from the
/// shifts `b` of the blended columns, written interleaved to `o`.
#[inline(always)]
fn pairs<L: CopyLane, const T: usize>(b: &[L; MAX_T + 1], ve: &[L; T], vo: &[L; T], o: &mut [f32]) {
    let (mut e, mut d) = (b[0] * ve[0], b[1] * vo[0]);
    for t in 1..T {
        e = b[t].mul_add(ve[t], e);
        d = b[t + 1].mul_add(vo[t], d);
    }
    e.store_zip(d, o);
}

/// Each of `P` rows' blend of the vectors `v` of `R` source rows: the
/// first multiplied and the rest fused in order.
#[inline(always)]
fn blends<L: CopyLane, const R: usize, const P: usize>(v: &[L; R], vh: &[[L; R]; P]) -> [L; P] {
    core::array::from_fn(|p| {
        let mut acc = v[0] * vh[p][0];
        for r in 1..R {
            acc = v[r].mul_add(vh[p][r], acc);
        }
        acc
    })
}

/// `sum_r vh[r] * rows[r][at..at + LANES]` (a vector of `R` rows'
/// columns from `at` blended), the first row multiplied and the rest
/// fused in order.
#[inline(always)]
pub(super) fn column_blend<L: CopyLane, const R: usize>(
    rows: &[&[f32]; R],
    vh: &[L; R],
    at: usize,
) -> L {
    let mut acc = L::splat(0.0);
    for (r, (s, &h)) in rows.iter().zip(vh).enumerate() {
        let v = L::load(s.get(at..).unwrap_or_default());
        acc = if r == 0 { v * h } else { v.mul_add(h, acc) };
    }
    acc
}

/// The sequence `a, b` shifted by `offset` to `offset + MAX_T` lanes
/// (`offset < 16`; lanes past the sequence are not meaningful): constant
/// shuffles where `offset` is a constant (0 in the bulk).
#[inline(always)]
fn shifts_by<L: CopyLane>(a: L, b: L, offset: usize) -> [L; MAX_T + 1] {
    macro_rules! from {
        ($($o:literal)*) => {
            match offset {
                $($o => [
                    a.shift_in::<$o>(b),
                    a.shift_in::<{ $o + 1 }>(b),
                    a.shift_in::<{ $o + 2 }>(b),
                    a.shift_in::<{ $o + 3 }>(b),
                    a.shift_in::<{ $o + 4 }>(b),
                ],)*
                _ => [L::splat(0.0); MAX_T + 1],
            }
        };
    }
    from!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
}

/// One channels-last output row of `V` vectors of channels per pixel from
/// its `R` source rows (`iw` pixels each, blended with `hw`):
/// along the row, the blends of the `T + 1` input pixels the next pair of
/// output pixels reads stay in registers, one new pixel's blend per pair,
/// and both output pixels are written in order (the general path stores
/// the blended row and reads it back: a store per vector behind the output
/// stream).
#[inline(always)]
fn pixels<L: CopyLane, const T: usize, const R: usize, const V: usize>(
    source: [&[f32]; R],
    iw: usize,
    hw: [f32; R],
    plan: &Plan<L, T>,
    stride: usize,
    out: &mut [f32],
) {
    let (ve, vo, edges) = (&plan.even, &plan.odd, plan.edges());
    let half = T / 2;
    let c = V * L::LANES;
    let vh = hw.map(L::splat);
    let zero = L::splat(0.0);
    // The vertical blend of input pixel `p`.
    let blend = |p: usize| pixel_blend::<L, R, V>(&source, &vh, p, stride);
    let store = |out: &mut [f32], x: usize, v: [L; V]| {
        if let Some(o) = out.get_mut(x * stride..x * stride + c) {
            for (o, v) in o.chunks_exact_mut(L::LANES).zip(v) {
                v.store(o);
            }
        }
    };
    // Pixels 0 ..= T, then along the row k - T/2 ..= k + T/2.
    let mut b: [[L; V]; MAX_T + 1] =
        core::array::from_fn(|t| if t <= T { blend(t) } else { [zero; V] });
    let edge = |out: &mut [f32],
                b: &[[L; V]; MAX_T + 1],
                base: usize,
                e: &[(usize, usize, [f32; MAX_T])]| {
        for &(x, s, w) in e {
            let mut acc = [zero; V];
            for (t, &w) in w.iter().enumerate().take(T) {
                let p = s + t;
                let v = match p.checked_sub(base) {
                    Some(q) if q <= T => b[q],
                    _ => blend(p),
                };
                for (a, v) in acc.iter_mut().zip(v) {
                    *a = v.mul_add(L::splat(w), *a);
                }
            }
            store(out, x, acc);
        }
    };
    let (left, right) = edges.split_at(edges.len() / 2);
    // The edges index a copy of the window: indexing `b` itself at run
    // time would keep it in memory, behind the output stores.
    let window = b;
    edge(out, &window, 0, left);
    let end = iw - half;
    // Output pixels 2k, 2k + 1 from the window at rotation `r`: slot
    // (r + t) % (T + 1) of `b` holds its pixel t.
    let pair = |b: &[[L; V]; MAX_T + 1], r: usize, out: &mut [f32], k: usize| {
        let at = |t: usize| (r + t) % (T + 1);
        let (mut e, mut d) = ([zero; V], [zero; V]);
        for v in 0..V {
            e[v] = b[at(0)][v] * ve[0];
            d[v] = b[at(1)][v] * vo[0];
            for t in 1..T {
                e[v] = b[at(t)][v].mul_add(ve[t], e[v]);
                d[v] = b[at(t + 1)][v].mul_add(vo[t], d[v]);
            }
        }
        store(out, 2 * k, e);
        store(out, 2 * k + 1, d);
    };
    // T + 1 pairs per pass, the window rotating through its slots with
    // constant indices (the pixel leaving it replaced in place): moving
    // every slot down a place per pair spilled on SSE2, a load and a
    // store per vector of the window (V = 8 for bicubic's 64 channels).
    // Each of them moves the window on (the last pair of the row, which
    // does not, is left to the loop below).
    let mut k = half;
    while k + T + 1 < end {
        macro_rules! rotations {
            ($($r:literal)*) => {$(
                if $r < T + 1 {
                    pair(&b, $r, out, k + $r);
                    b[$r] = blend(k + $r + 1 + half);
                }
            )*};
        }
        rotations!(0 1 2 3 4);
        k += T + 1;
    }
    // Back at rotation 0: the last pairs move the window down.
    for k in k..end {
        pair(&b, 0, out, k);
        if k + 1 < end {
            for t in 0..T {
                b[t] = b[t + 1];
            }
            b[T] = blend(k + 1 + half);
        }
    }
    // The window now holds pixels iw - T - 1 ..= iw - 1.
    let window = b;
    edge(out, &window, iw - T - 1, right);
}

/// The blend of input pixel `p` (`V` vectors of channels, pixels `stride`
/// floats apart) of the `R` channels-last source rows with the weights `vh`.
#[inline(always)]
pub(super) fn pixel_blend<L: CopyLane, const R: usize, const V: usize>(
    source: &[&[f32]; R],
    vh: &[L; R],
    p: usize,
    stride: usize,
) -> [L; V] {
    let c = V * L::LANES;
    let mut acc = [L::splat(0.0); V];
    for (r, (s, &h)) in source.iter().zip(vh).enumerate() {
        let Some(s) = s.get(p * stride..p * stride + c) else {
            return acc;
        };
        for (a, v) in acc.iter_mut().zip(s.chunks_exact(L::LANES)) {
            let v = L::load(v);
            *a = if r == 0 { v * h } else { v.mul_add(h, *a) };
        }
    }
    acc
}
