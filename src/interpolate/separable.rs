//! The one kernel every mode runs through: a separable resampling, written
//! once over [`Lane`] widths.
//!
//! ```text
//! for each chunk of output depths, rows, columns (tables of windows and
//!         weights computed once per chunk, on the stack):
//!     for each plane (CF: one (n, c) image; CL: one n, channels innermost):
//!         for each output (z, y) of the chunk:
//!             temp = sum over (dz, dy) taps of wz * wy * input row  (vector, along the row)
//!             out[x] = sum over dx taps of wx * temp[start(x) + dx]  (CL: vector along C;
//!                      CF: vector where the windows repeat with a period
//!                      (x2, x4, x0.5), one output at a time elsewhere)
//! ```
//!
//! Channels-first, where the target has a one-instruction lane permute
//! ([`Permute::PERMUTE`]) and every `LANES` consecutive outputs of 2 or 4
//! taps read within one vector of inputs ([`Blocks`]), a block is one load
//! of the source rows' blend (no `temp`) and a permute per tap
//! ([`permute_block`]); whole images of such rows go through [`each_row`]
//! ([`fused_rows`]). Halving rows are deinterleaved once per row
//! ([`unzip_into`]). Builds without the permute take channels-first
//! windows of 2 to 4 taps four planes at a time (`quads.rs`) before they
//! get here. Stack: at most about 43 KiB of tables and rows (`resample`'s
//! frame, measured from the x86_64 builds: 42 KiB SSE2, 43 AVX-512).
//!
//! A single vertical tap of weight 1 (nearest, an unchanged axis) reads the
//! input row directly; a single horizontal tap multiplies by its weight 1.0,
//! which gives every value back bit for bit (a signalling NaN comes back
//! quiet, as from any arithmetic). That makes nearest and nearest-exact
//! exact copies.
//!
//! Summing the height before the width (ATen does width first for the
//! antialiased modes and a tensor product for the others) changes only the
//! rounding, within the crate's tolerance for those modes.

use super::doubled::{blended_rows, each_row, each_row_quad};
use super::taps::{AxisTaps, MAX_TAPS};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::Lane;
use crate::simd::Permute;
use wide::f32x4;

/// Output columns per table.
const W_CHUNK: usize = 256;
/// Weights per column table.
const W_POOL: usize = 2048;
/// Weights of a column table laid out tap by tap (`by_tap`), for windows
/// of up to 4 taps.
const W_BY_TAP: usize = 4 * W_CHUNK;
/// Output rows (or depths) per table.
const ROW_CHUNK: usize = 64;
/// Weights per row table.
const ROW_POOL: usize = 512;
/// Floats of the vertical sum of one output row's input span.
const TEMP: usize = 2048;
/// The most input rows one output row may combine.
const MAX_ROWS: usize = 64;

/// The windows of up to `N` consecutive outputs along one axis.
struct Table<const N: usize, const P: usize, const T: usize> {
    start: [usize; N],
    /// `start - lo` (the table's first input), in `u32` for 16-lane
    /// gathers; the span of a table is at most `TEMP` inputs.
    offset: [u32; N],
    weight: [f32; P],
    taps: usize,
    len: usize,
    /// `weight` tap by tap: `by_tap[k * N + j]` is tap `k` of output `j`,
    /// when `taps * N <= T` (one vector load per tap for [`permuted`]).
    by_tap: [f32; T],
    /// Whether the windows start in order (they do for every mode; checked,
    /// as [`permuted`] relies on it).
    monotone: bool,
}

impl<const N: usize, const P: usize, const T: usize> Table<N, P, T> {
    fn new(taps: usize) -> Self {
        Table {
            start: [0; N],
            offset: [0; N],
            weight: [0.0; P],
            taps,
            len: 0,
            by_tap: [0.0; T],
            monotone: false,
        }
    }

    /// Outputs from `o0` on, at most `len`, whose windows span at most
    /// `max_span` inputs together (always at least one). Returns the span.
    fn fill(&mut self, axis: &AxisTaps, o0: usize, len: usize, max_span: usize) -> (usize, usize) {
        let (mut lo, mut hi, mut n) = (usize::MAX, 0, 0);
        let slots = self
            .start
            .iter_mut()
            .zip(self.weight.chunks_exact_mut(self.taps));
        for (start, weight) in slots.take(len) {
            let s = axis.window(o0 + n, weight);
            let (l, h) = (lo.min(s), hi.max(s + self.taps));
            if n > 0 && h - l > max_span {
                break;
            }
            (*start, lo, hi, n) = (s, l, h, n + 1);
        }
        self.len = n;
        self.monotone = self.start[..n].windows(2).all(|p| p[0] <= p[1]);
        if self.taps * N <= T {
            let weights = self.weight.chunks_exact(self.taps).take(n);
            for (j, w) in weights.enumerate() {
                for (k, &wk) in w.iter().enumerate() {
                    if let Some(slot) = self.by_tap.get_mut(k * N + j) {
                        *slot = wk;
                    }
                }
            }
        }
        for (offset, &start) in self.offset.iter_mut().zip(&self.start).take(n) {
            *offset = (start - lo) as u32;
        }
        (lo, hi)
    }

    #[inline(always)]
    fn get(&self, j: usize) -> (usize, &[f32]) {
        let weight = self
            .weight
            .get(j * self.taps..(j + 1) * self.taps)
            .unwrap_or(&[]);
        (self.start.get(j).copied().unwrap_or(0), weight)
    }
}

/// A run of a column table whose windows repeat every `phases` outputs,
/// `step` inputs further on, for at least one vector of periods.
#[derive(Clone, Copy, Debug)]
struct Regular {
    first: usize,
    periods: usize,
    phases: usize,
    step: usize,
}

fn find_regular<const N: usize, const P: usize, const T: usize>(
    t: &Table<N, P, T>,
    lanes: usize,
) -> Option<Regular> {
    for (phases, step) in [(2, 1), (4, 1), (1, 1), (1, 2)] {
        let good = |x: usize| {
            x + phases < t.len
                && t.start[x + phases] == t.start[x] + step
                && t.get(x + phases).1 == t.get(x).1
        };
        let mid = t.len / 2;
        if !(mid..mid + phases).all(good) {
            continue;
        }
        let (mut a, mut e) = (mid, mid);
        while a > 0 && good(a - 1) {
            a -= 1;
        }
        while good(e) {
            e += 1;
        }
        let periods = (e + phases - a) / phases;
        if periods >= lanes {
            return Some(Regular {
                first: a,
                periods,
                phases,
                step,
            });
        }
    }
    None
}

/// Inputs of a row that [`Edge`] loads for one end's outputs.
const EDGE_SPAN: usize = 16;
/// The most outputs one [`Edge`] takes.
const EDGE_OUTPUTS: usize = 8;

/// Channels-first outputs `from..to` of a column table (windows of more
/// than 4 taps) whose windows all lie in the [`EDGE_SPAN`] inputs from
/// `base` (counted from the table's first input): the clamped windows at
/// either end of a row, around its periodic run. Each is one masked dot
/// product with that span, loaded once per row; one at a time through
/// [`dot`] they were a quarter of native lanczos x0.5 channels-first
/// (best of 600 calls: 0.90 -> 0.76 ms; SSE2 1.73 -> 1.56).
struct Edge {
    from: usize,
    to: usize,
    base: usize,
    /// Output `from + e`'s weights over the span, zero outside its window.
    weight: [[f32; EDGE_SPAN]; EDGE_OUTPUTS],
    /// All bits set over output `from + e`'s window, clear elsewhere: the
    /// inputs outside it (an infinity, say) stay out of its sum, as in
    /// [`dot`].
    mask: [[f32; EDGE_SPAN]; EDGE_OUTPUTS],
}

impl Edge {
    /// Outputs `from..to` of `wt` (first input `lo`, `span` inputs), if
    /// there are at most [`EDGE_OUTPUTS`] of them, of more than 4 taps, and
    /// their windows fit in [`EDGE_SPAN`] inputs of the span.
    fn new<const N: usize, const P: usize, const T: usize>(
        wt: &Table<N, P, T>,
        lo: usize,
        span: usize,
        from: usize,
        to: usize,
    ) -> Option<Edge> {
        let starts = wt.start.get(from..to)?;
        let (Some(&first), Some(&end)) = (starts.iter().min(), starts.iter().max()) else {
            return None;
        };
        let (first, end) = (first.checked_sub(lo)?, end.checked_sub(lo)? + wt.taps);
        if wt.taps <= 4 || to - from > EDGE_OUTPUTS || end - first > EDGE_SPAN || span < EDGE_SPAN {
            return None;
        }
        let base = first.min(span - EDGE_SPAN);
        let on = f32::from_bits(u32::MAX);
        let mut edge = Edge {
            from,
            to,
            base,
            weight: [[0.0; EDGE_SPAN]; EDGE_OUTPUTS],
            mask: [[0.0; EDGE_SPAN]; EDGE_OUTPUTS],
        };
        let rows = edge.weight.iter_mut().zip(&mut edge.mask);
        for ((weight, mask), x) in rows.zip(from..to) {
            let (start, w) = wt.get(x);
            let at = start - lo - base;
            let (weight, mask) = (
                weight.get_mut(at..at + w.len())?,
                mask.get_mut(at..at + w.len())?,
            );
            weight.copy_from_slice(w);
            mask.fill(on);
        }
        Some(edge)
    }

    /// Writes the outputs into `dst` from the span `src` (the table's
    /// inputs): false, having written nothing, if either is too short.
    #[inline(always)]
    fn apply<L: Permute>(&self, src: &[f32], dst: &mut [f32]) -> bool {
        let (Some(span), Some(dst)) = (
            src.get(self.base..self.base + EDGE_SPAN),
            dst.get_mut(self.from..self.to),
        ) else {
            return false;
        };
        let zero = L::splat(0.0);
        // At most 4 vectors (`LANES` is at least 4).
        let count = EDGE_SPAN / L::LANES;
        let v: [L; 4] = core::array::from_fn(|q| {
            span.get(q * L::LANES..)
                .map_or(zero, |s| if q < count { L::load(s) } else { zero })
        });
        for ((d, weight), mask) in dst.iter_mut().zip(&self.weight).zip(&self.mask) {
            let mut acc = zero;
            for (q, &x) in v.iter().enumerate().take(count) {
                let at = q * L::LANES;
                let x = L::select(L::load(&mask[at..]), x, zero);
                acc = L::load(&weight[at..]).mul_add(x, acc);
            }
            *d = acc.reduce_add();
        }
        true
    }
}

/// Resamples `input` (geometry `i`) into `output` (geometry `o`) through the
/// per-`[D, H, W]`-axis tables `axes`. Returns false, having written
/// nothing, when a window is too wide for the stack buffers.
pub(crate) fn resample<L: Permute>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    if fused_rows::<L>(input, i, o, axes, output) {
        return true;
    }
    let [ad, ah, aw] = axes;
    let (kd, kh, kw) = (ad.taps(), ah.taps(), aw.taps());
    if kw > MAX_TAPS || kd.saturating_mul(kh) > MAX_ROWS || kd > ROW_POOL || kh > ROW_POOL {
        return false;
    }
    // Channels-first: every (n, c) plane is a one-channel image.
    let (planes, channels) = match i.layout {
        Layout::ChannelsFirst => (i.n * i.c, 1),
        Layout::ChannelsLast => (i.n, i.c),
    };
    // The vertical sum, and for channels-first the deinterleaved row of a
    // halving (see `periodic`), zeroed once here rather than per row (a
    // memset per row was 12% of lanczos x0.5). Channels-last has no
    // halvings and takes the whole of it as the sum: twice the pixels per
    // column table, so fewer inputs summed again for the next table's
    // overlapping windows (lanczos x0.5 with 64 channels: 32 inputs for 10
    // outputs, 64 for 26).
    let mut scratch = [0.0f32; 2 * TEMP];
    let (temp, halves) = if channels == 1 {
        scratch.split_at_mut(TEMP)
    } else {
        (&mut scratch[..], &mut [][..])
    };
    // Channels per pass, so that one window of pixels fits the temp row.
    let block = channels.min(temp.len() / kw);
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let (in_row, out_row) = (iw * channels, ow * channels);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    let mut dt = Table::<ROW_CHUNK, ROW_POOL, 0>::new(kd);
    let mut ht = Table::<ROW_CHUNK, ROW_POOL, 0>::new(kh);
    let mut wt = Table::<W_CHUNK, W_POOL, W_BY_TAP>::new(kw);
    let mut rows = [(0usize, 0.0f32); MAX_ROWS];
    let mut oz0 = 0;
    while oz0 < od {
        dt.fill(ad, oz0, od - oz0, usize::MAX);
        let mut oy0 = 0;
        while oy0 < oh {
            ht.fill(ah, oy0, oh - oy0, usize::MAX);
            let mut ox0 = 0;
            while ox0 < ow {
                let (lo, hi) = wt.fill(aw, ox0, ow - ox0, temp.len() / block);
                let span = hi - lo;
                let regular = if channels == 1 {
                    find_regular(&wt, L::LANES)
                } else {
                    None
                };
                let edges = match regular {
                    Some(r) => [
                        Edge::new(&wt, lo, span, 0, r.first),
                        Edge::new(&wt, lo, span, r.first + r.periods * r.phases, wt.len),
                    ],
                    None => [None, None],
                };
                // Channels-first rows every block of which one permute
                // serves: blend the source rows as they are read.
                let fused = if channels == 1 {
                    permuted_plan::<L>(&wt, span, regular.is_some())
                } else {
                    None
                };
                for plane in 0..planes {
                    let mut c0 = 0;
                    while c0 < channels {
                        let width = block.min(channels - c0);
                        for z in 0..dt.len {
                            let (zs, zw) = dt.get(z);
                            for y in 0..ht.len {
                                let (ys, yw) = ht.get(y);
                                let mut count = 0;
                                for (dz, &wz) in zw.iter().enumerate() {
                                    for (dy, &wy) in yw.iter().enumerate() {
                                        let w = wz * wy;
                                        if w != 0.0 && count < MAX_ROWS {
                                            let row = (zs + dz) * ih + ys + dy;
                                            rows[count] = (
                                                plane * in_plane
                                                    + row * in_row
                                                    + lo * channels
                                                    + c0,
                                                w,
                                            );
                                            count += 1;
                                        }
                                    }
                                }
                                let row = (oz0 + z) * oh + oy0 + y;
                                let at = plane * out_plane + row * out_row + ox0 * channels + c0;
                                let len = (wt.len - 1) * channels + width;
                                let Some(dst) = output.get_mut(at..at + len) else {
                                    debug_assert!(false, "output row out of bounds");
                                    return true;
                                };
                                let rows = &rows[..count];
                                if let Some(blocks) = &fused
                                    && fused_row::<L, W_CHUNK, W_POOL, W_BY_TAP>(
                                        input, rows, span, &wt, blocks, dst,
                                    )
                                {
                                    continue;
                                }
                                // One row of weight 1 is read in place;
                                // any other sum goes through `temp`.
                                let src = if let ([(offset, 1.0)], true) = (rows, width == channels)
                                {
                                    let Some(src) = input.get(*offset..offset + span * width)
                                    else {
                                        debug_assert!(false, "input row out of bounds");
                                        return true;
                                    };
                                    src
                                } else {
                                    let t = temp.get_mut(..span * width).unwrap_or_default();
                                    vertical::<L>(input, rows, channels, width, t);
                                    &*t
                                };
                                horizontal::<L, W_CHUNK, W_POOL, W_BY_TAP>(
                                    src, width, &wt, lo, regular, &edges, dst, channels, halves,
                                );
                            }
                        }
                        c0 += width;
                    }
                }
                ox0 += wt.len;
            }
            oy0 += ht.len;
        }
        oz0 += dt.len;
    }
    true
}

/// `dst` = the weighted sum of the input rows `rows` (offset, weight):
/// `dst.len() / width` pixels of `width` channels, `stride` apart in the input.
fn vertical<L: Permute>(
    input: &[f32],
    rows: &[(usize, f32)],
    stride: usize,
    width: usize,
    dst: &mut [f32],
) {
    if width == stride {
        combine::<L>(input, rows, 0, dst);
    } else {
        for (p, segment) in dst.chunks_exact_mut(width).enumerate() {
            combine::<L>(input, rows, p * stride, segment);
        }
    }
}

/// `dst[j] = sum_k w_k * input[offset_k + shift + j]`, with the row
/// tables sized for the common row counts: the stack arrays are set up once
/// per output row, and when the output stream already fills the store
/// buffer, a `MAX_ROWS`-sized one (1 KiB) costs as much as the sum itself
/// (measured: 40% of bilinear x2 channels-first).
#[inline(always)]
fn combine<L: Permute>(input: &[f32], rows: &[(usize, f32)], shift: usize, dst: &mut [f32]) {
    match rows.len() {
        0 | 1 => combine_rows::<L, 1>(input, rows, shift, dst),
        2 => combine_rows::<L, 2>(input, rows, shift, dst),
        3 => combine_rows::<L, 3>(input, rows, shift, dst),
        4 => combine_rows::<L, 4>(input, rows, shift, dst),
        5..=8 => combine_rows::<L, 8>(input, rows, shift, dst),
        9..=16 => combine_rows::<L, 16>(input, rows, shift, dst),
        _ => combine_rows::<L, MAX_ROWS>(input, rows, shift, dst),
    }
}

/// [`combine`] with tables of `K >= rows.len()` rows.
#[inline(always)]
fn combine_rows<L: Permute, const K: usize>(
    input: &[f32],
    rows: &[(usize, f32)],
    shift: usize,
    dst: &mut [f32],
) {
    let n = dst.len();
    let mut src: [&[f32]; K] = [&[]; K];
    let mut weight = [0.0f32; K];
    for ((s, w), &(offset, wr)) in src.iter_mut().zip(weight.iter_mut()).zip(rows) {
        let Some(row) = input.get(offset + shift..offset + shift + n) else {
            debug_assert!(false, "input row out of bounds");
            dst.fill(0.0);
            return;
        };
        (*s, *w) = (row, wr);
    }
    let count = rows.len().min(K);
    let (src, weight) = (&src[..count], &weight[..count]);
    let [first, rest @ ..] = src else {
        dst.fill(0.0);
        return;
    };
    let (w0, wrest) = (weight[0], &weight[1..]);
    let mut v = 0;
    if K > 4 {
        // Many rows: four vectors at a time, four independent chains of
        // multiply-adds instead of one (and one splat per row for four).
        const U: usize = 4;
        while v + U * L::LANES <= n {
            let head = &first[v..v + U * L::LANES];
            let mut acc: [L; U] =
                core::array::from_fn(|u| L::splat(w0) * L::load(&head[u * L::LANES..]));
            for (s, &w) in rest.iter().zip(wrest) {
                let (w, s) = (L::splat(w), &s[v..v + U * L::LANES]);
                for (u, a) in acc.iter_mut().enumerate() {
                    *a = w.mul_add(L::load(&s[u * L::LANES..]), *a);
                }
            }
            let out = &mut dst[v..v + U * L::LANES];
            for (u, a) in acc.iter().enumerate() {
                a.store(&mut out[u * L::LANES..]);
            }
            v += U * L::LANES;
        }
    }
    while v + L::LANES <= n {
        let mut acc = L::splat(w0) * L::load(&first[v..]);
        for (s, &w) in rest.iter().zip(wrest) {
            acc = L::splat(w).mul_add(L::load(&s[v..]), acc);
        }
        acc.store(&mut dst[v..]);
        v += L::LANES;
    }
    for j in v..n {
        let mut acc = w0 * first[j];
        for (s, &w) in rest.iter().zip(wrest) {
            acc += w * s[j];
        }
        dst[j] = acc;
    }
}

/// One output row chunk from its vertical sum `src` (pixels of `width`
/// channels, input column `lo` first) into `dst` (pixels `stride` apart);
/// `halves` is scratch for [`periodic`].
#[allow(clippy::too_many_arguments)]
fn horizontal<L: Permute, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    width: usize,
    wt: &Table<N, P, T>,
    lo: usize,
    regular: Option<Regular>,
    edges: &[Option<Edge>; 2],
    dst: &mut [f32],
    stride: usize,
    halves: &mut [f32],
) {
    if stride == 1 {
        let ends = |edge: &Option<Edge>, dst: &mut [f32], from: usize, to: usize| {
            if !edge.as_ref().is_some_and(|e| e.apply::<L>(src, dst)) {
                outputs::<L, N, P, T>(src, wt, lo, dst, from, to);
            }
        };
        let mut x = 0;
        if let Some(r) = regular {
            ends(&edges[0], dst, 0, r.first);
            // The last block overlaps the one before it: it rewrites the same
            // values, and leaves no periods to the scalar loop.
            let blocks = r.periods / L::LANES;
            let last = r.periods - L::LANES;
            match (r.phases, r.step) {
                (1, 1) => {
                    periodic::<L, 1, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                (2, 1) => {
                    periodic::<L, 2, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                (4, 1) => {
                    periodic::<L, 4, 1, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves)
                }
                _ => periodic::<L, 1, 2, N, P, T>(src, wt, lo, r.first, blocks, last, dst, halves),
            }
            x = r.first + r.periods * r.phases;
        }
        ends(&edges[1], dst, x, wt.len);
    } else {
        for (x, d) in dst.chunks_mut(stride).enumerate().take(wt.len) {
            let (start, w) = wt.get(x);
            pixel::<L>(src, (start - lo) * width, width, w, &mut d[..width]);
        }
    }
}

/// One channels-last output pixel: `d[c] = sum_k w_k * src[s + k * width + c]`.
#[inline(always)]
fn pixel<L: Permute>(src: &[f32], s: usize, width: usize, w: &[f32], d: &mut [f32]) {
    let [w0, wrest @ ..] = w else { return };
    if wrest.is_empty() {
        // One tap (nearest): a multiply by the weight (1.0, but not known
        // to the compiler, which would turn a plain copy loop into a
        // `memcpy` call per pixel: 42% of nearest x2's time in perf).
        let (Some(from), Some(to)) = (src.get(s..s + width), d.get_mut(..width)) else {
            return;
        };
        let weight = L::splat(*w0);
        let mut to_chunks = to.chunks_exact_mut(L::LANES);
        let mut from_chunks = from.chunks_exact(L::LANES);
        for (t, f) in (&mut to_chunks).zip(&mut from_chunks) {
            (weight * L::load(f)).store(t);
        }
        let rest = to_chunks.into_remainder().iter_mut();
        for (t, f) in rest.zip(from_chunks.remainder()) {
            *t = *w0 * *f;
        }
        return;
    }
    let mut v = 0;
    // Four vectors of channels at a time, each tap's weight splatted once
    // for the four (a splat per tap and vector, two instructions on SSE2,
    // was half of bicubic antialias x0.5 channels-last there).
    const U: usize = 4;
    while v + U * L::LANES <= width {
        let taps = |k: usize| src.get(s + k * width + v..).unwrap_or_default();
        let (first, w) = (taps(0), L::splat(*w0));
        let mut acc: [L; U] = core::array::from_fn(|u| w * L::load(&first[u * L::LANES..]));
        for (k, &wk) in wrest.iter().enumerate() {
            let (row, w) = (taps(k + 1), L::splat(wk));
            for (u, a) in acc.iter_mut().enumerate() {
                *a = w.mul_add(L::load(&row[u * L::LANES..]), *a);
            }
        }
        let out = &mut d[v..v + U * L::LANES];
        for (u, a) in acc.iter().enumerate() {
            a.store(&mut out[u * L::LANES..]);
        }
        v += U * L::LANES;
    }
    while v + L::LANES <= width {
        let mut acc = L::splat(*w0) * L::load(&src[s + v..]);
        for (k, &wk) in wrest.iter().enumerate() {
            acc = L::splat(wk).mul_add(L::load(&src[s + (k + 1) * width + v..]), acc);
        }
        acc.store(&mut d[v..]);
        v += L::LANES;
    }
    for j in v..width {
        let mut acc = w0 * src[s + j];
        for (k, &wk) in wrest.iter().enumerate() {
            acc += wk * src[s + (k + 1) * width + j];
        }
        d[j] = acc;
    }
}

/// Channels-first outputs `from..to`: in vectors through [`permuted`]
/// where it applies, else one at a time.
fn outputs<L: Permute, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    lo: usize,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    match wt.taps {
        1 => scalar_taps::<1, N, P, T>(src, wt, dst, from, to),
        2 if L::PERMUTE && wt.monotone && 2 * N <= T => {
            permuted::<L, 2, N, P, T>(src, wt, dst, from, to)
        }
        4 if L::PERMUTE && wt.monotone && 4 * N <= T => {
            permuted::<L, 4, N, P, T>(src, wt, dst, from, to)
        }
        2 => scalar_taps::<2, N, P, T>(src, wt, dst, from, to),
        3 => scalar_taps::<3, N, P, T>(src, wt, dst, from, to),
        4 => scalar_taps::<4, N, P, T>(src, wt, dst, from, to),
        _ => {
            let Some(dst) = dst.get_mut(from..to) else {
                return;
            };
            for (x, d) in (from..to).zip(dst) {
                let (start, w) = wt.get(x);
                let window = src.get(start - lo..start - lo + w.len()).unwrap_or(&[]);
                *d = dot(window, w);
            }
        }
    }
}

/// `sum_k a[k] * b[k]` over four lanes of partial sums: one running sum
/// made a wide window (lanczos, antialiasing) a chain of dependent adds,
/// 24% of lanczos x0.5 channels-first.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f32 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut acc = f32x4::splat(0.0);
    for (x, y) in a4.zip(b4) {
        acc = f32x4::load(x).mul_add(f32x4::load(y), acc);
    }
    let [p, q, r, t] = acc.to_array();
    (p + q) + (r + t) + tail
}

/// Channels-first outputs `from..to` of `K`-tap windows, `LANES` at a
/// time wherever the block's windows lie in one vector of inputs: one
/// load, then per tap a permute of it (the window offsets as lane
/// indices) times the tap's weights. Where the windows do not repeat
/// (align_corners, odd scales) this replaces a gather per tap, which LLVM
/// emulates with an insert per lane on this CPU: 82% of bilinear x2
/// align_corners channels-first. Blocks that do not fit go one at a time.
#[inline(always)]
fn permuted<L: Permute, const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    let lanes = L::LANES;
    let mut x = from;
    while x + lanes <= to {
        match block_fit::<K>(&wt.offset, x, lanes, src.len()) {
            Some((at, shift)) => permute_block::<L, _, K, N, P, T>(src, wt, x, at, shift, dst),
            None => scalar_taps::<K, N, P, T>(src, wt, dst, x, x + lanes),
        }
        x += lanes;
    }
    scalar_taps::<K, N, P, T>(src, wt, dst, x, to);
}

/// Where block `x..x + lanes` of [`permuted`] loads its vector from a
/// source of `len` inputs, and the shift of its indices: `None` if its
/// windows do not fit in one vector. The windows start in order
/// (`Table::monotone`), so the block reads `base..base + reach`; near the
/// row's end the vector is loaded from the last full position instead.
#[inline(always)]
fn block_fit<const K: usize>(
    offset: &[u32],
    x: usize,
    lanes: usize,
    len: usize,
) -> Option<(usize, usize)> {
    let offs = offset.get(x..x + lanes)?;
    let base = *offs.first()? as usize;
    let reach = *offs.last()? as usize - base + K;
    let at = base.min(len.checked_sub(lanes)?);
    let shift = base - at;
    (reach + shift <= lanes).then_some((at, shift))
}

/// Most blocks of a column table ([`Blocks`]): the narrowest lanes.
const MAX_BLOCKS: usize = W_CHUNK / 4;

/// The blocks of a row chunk every one of which fits ([`block_fit`]):
/// first output, load position and index shift of each, the last block
/// overlapping the one before it. Found once per column table.
struct Blocks {
    x: [u32; MAX_BLOCKS],
    at: [u32; MAX_BLOCKS],
    shift: [u32; MAX_BLOCKS],
    len: usize,
}

impl Blocks {
    /// The blocks of `wt` over a source of `len` inputs, or `None` if one
    /// does not fit (or the row is shorter than a vector).
    fn new<L: Permute, const K: usize, const N: usize, const P: usize, const T: usize>(
        wt: &Table<N, P, T>,
        len: usize,
    ) -> Option<Blocks> {
        let lanes = L::LANES;
        let count = wt.len.div_ceil(lanes);
        if wt.len < lanes || count > MAX_BLOCKS || K * N > T {
            return None;
        }
        let mut b = Blocks {
            x: [0; MAX_BLOCKS],
            at: [0; MAX_BLOCKS],
            shift: [0; MAX_BLOCKS],
            len: count,
        };
        for j in 0..count {
            let x = (j * lanes).min(wt.len - lanes);
            let (at, shift) = block_fit::<K>(&wt.offset, x, lanes, len)?;
            (b.x[j], b.at[j], b.shift[j]) = (x as u32, at as u32, shift as u32);
        }
        Some(b)
    }

    /// Each block's first output, load position and index shift.
    #[inline(always)]
    fn each(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let plan = self.x.iter().zip(&self.at).zip(&self.shift);
        let plan = plan.map(|((&x, &at), &shift)| (x as usize, at as usize, shift as usize));
        plan.take(self.len)
    }
}

/// The [`Blocks`] of a channels-first column table over a source of `len`
/// inputs when the permuted path takes it: a one-instruction permute,
/// windows of 2 or 4 taps in order, and windows that repeat (`repeats`)
/// only where [`Permute::PERMUTE_REPEATING`].
fn permuted_plan<L: Permute>(
    wt: &Table<W_CHUNK, W_POOL, W_BY_TAP>,
    len: usize,
    repeats: bool,
) -> Option<Blocks> {
    if !L::PERMUTE || !wt.monotone || (repeats && !L::PERMUTE_REPEATING) {
        return None;
    }
    match wt.taps {
        2 => Blocks::new::<L, 2, W_CHUNK, W_POOL, W_BY_TAP>(wt, len),
        4 => Blocks::new::<L, 4, W_CHUNK, W_POOL, W_BY_TAP>(wt, len),
        _ => None,
    }
}

/// [`permuted`] over the blocks `blocks` of a row, reading `src`.
#[inline(always)]
fn permuted_all<L, S, const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &S,
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    dst: &mut [f32],
) where
    L: Permute,
    S: Source + ?Sized,
{
    // One check per block of its load and store (the plan fits them: it
    // never fails), which covers every row of a blend.
    let (len, n) = (src.len(), dst.len());
    for (x, at, shift) in blocks.each() {
        if at + L::LANES > len || x + L::LANES > n {
            debug_assert!(false, "block outside its row");
            continue;
        }
        permute_block::<L, S, K, N, P, T>(src, wt, x, at, shift, dst);
    }
}

/// Outputs `x..x + LANES` of [`permuted`]: `src[at..at + LANES]` loaded
/// once, permuted by the windows' offsets (shifted by `shift`) per tap.
#[inline(always)]
fn permute_block<L, S, const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &S,
    wt: &Table<N, P, T>,
    x: usize,
    at: usize,
    shift: usize,
    dst: &mut [f32],
) where
    L: Permute,
    S: Source + ?Sized,
{
    let v: L = src.load(at);
    let (idx, w) = block_taps::<L, K, N, P, T>(wt, x);
    apply_taps(v, idx, &w, shift).store(&mut dst[x..x + L::LANES]);
}

/// The lane indices and per-tap weights of the block at output `x`.
#[inline(always)]
fn block_taps<L: Permute, const K: usize, const N: usize, const P: usize, const T: usize>(
    wt: &Table<N, P, T>,
    x: usize,
) -> (L::Index, [L; K]) {
    let idx = L::index(&wt.offset[x..], wt.offset[x]);
    let w: [L; K] = core::array::from_fn(|k| L::load(&wt.by_tap[k * N + x..]));
    (idx, w)
}

/// `sum_k w[k] * v.permute(idx, shift + k)`.
#[inline(always)]
fn apply_taps<L: Permute, const K: usize>(v: L, idx: L::Index, w: &[L; K], shift: usize) -> L {
    let shift = shift as i32;
    let mut acc = w[0] * v.permute(idx, shift);
    for (k, wk) in w.iter().enumerate().skip(1) {
        acc = wk.mul_add(v.permute(idx, shift + k as i32), acc);
    }
    acc
}

/// [`permuted_all`] for `M` output rows of the same `R` source rows
/// (weights `weight[m]` for row `m`): each source vector is loaded once
/// for all of them, and each block's indices and weights found once.
#[inline(always)]
fn permuted_rows<
    L,
    const M: usize,
    const R: usize,
    const K: usize,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    rows: [&[f32]; R],
    weight: [[f32; R]; M],
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    outs: [&mut [f32]; M],
) where
    L: Permute,
{
    let weight = weight.map(|w| w.map(L::splat));
    // The rows and outputs cut to one length each, so that one check per
    // block covers its loads and stores (the plan fits them: it never fails).
    let len = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    let rows = rows.map(|r| r.get(..len).unwrap_or_default());
    let n = outs.iter().map(|o| o.len()).min().unwrap_or(0);
    let mut outs = outs.map(|o| o.get_mut(..n).unwrap_or_default());
    for (x, at, shift) in blocks.each() {
        if at + L::LANES > len || x + L::LANES > n {
            debug_assert!(false, "block outside its rows");
            continue;
        }
        let v: [L; R] = core::array::from_fn(|r| L::load(&rows[r][at..at + L::LANES]));
        let (idx, w) = block_taps::<L, K, N, P, T>(wt, x);
        for (out, weight) in outs.iter_mut().zip(&weight) {
            let blend = weighted_sum(&v, weight);
            apply_taps(blend, idx, &w, shift).store(&mut out[x..x + L::LANES]);
        }
    }
}

/// The inputs of a channels-first row chunk: a row in memory (the input,
/// or the vertical sum in `temp`), or the weighted sum of `R` input rows
/// computed as it is loaded (no row stored and read back).
trait Source {
    /// The inputs: a load from `at` needs `at + LANES <= len()`.
    fn len(&self) -> usize;
    /// The `LANES` inputs from `at`.
    fn load<L: Lane>(&self, at: usize) -> L;
}

impl Source for [f32] {
    #[inline(always)]
    fn len(&self) -> usize {
        <[f32]>::len(self)
    }
    #[inline(always)]
    fn load<L: Lane>(&self, at: usize) -> L {
        L::load(&self[at..at + L::LANES])
    }
}

/// `sum_r weight[r] * rows[r]`, the rows cut to one length (so that a
/// caller's one check of a load's end covers every row).
struct Blend<'a, const R: usize> {
    rows: [&'a [f32]; R],
    weight: [f32; R],
    len: usize,
}

impl<'a, const R: usize> Blend<'a, R> {
    #[inline(always)]
    fn new(rows: [&'a [f32]; R], weight: [f32; R]) -> Self {
        let len = rows.iter().map(|r| r.len()).min().unwrap_or(0);
        let rows = rows.map(|r| r.get(..len).unwrap_or_default());
        Blend { rows, weight, len }
    }
}

impl<const R: usize> Source for Blend<'_, R> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    fn load<L: Lane>(&self, at: usize) -> L {
        let v: [L; R] = core::array::from_fn(|r| L::load(&self.rows[r][at..at + L::LANES]));
        weighted_sum(&v, &self.weight.map(L::splat))
    }
}

/// `w[0] * v[0] + w[1] * v[1] + ..`, fused left to right.
#[inline(always)]
fn weighted_sum<L: Lane, const R: usize>(v: &[L; R], w: &[L; R]) -> L {
    let mut acc = w[0] * v[0];
    for r in 1..R {
        acc = w[r].mul_add(v[r], acc);
    }
    acc
}

/// Channels-first images whose rows fit one column table and one
/// [`Blocks`] plan, at most 2 depth taps (the blended rows of
/// [`each_row`]): every output row straight from its source rows through
/// [`permuted_all`] (two or four rows of the same 4 source rows at once
/// through [`permuted_rows`]), the rows' offsets and weights found once
/// for all planes. Four rows (two heights of two depths, trilinear x2)
/// share each block's loads, indices and weights (native, best of 200
/// calls in five alternating runs: 1.12 ms against 1.32 with pairs,
/// medians 1.27-1.49 against 1.48-1.93; criterion 0.88-0.91x memcpy).
/// False, having written nothing, for any other problem. The per-row
/// setup of the general loop (finding the rows per plane) was a third of
/// trilinear x2's time, whose rows are 64 outputs. Not inlined:
/// its tables (about 25 KiB) and `resample`'s (about 43 KiB) are never
/// live together, so neither frame holds both.
#[inline(never)]
fn fused_rows<L: Permute>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let (Some(r), true) = (
        blended_rows(axes),
        i.layout == Layout::ChannelsFirst || i.c == 1,
    ) else {
        return false;
    };
    if !L::PERMUTE || ow > W_CHUNK || !matches!(axes[2].taps(), 2 | 4) {
        return false;
    }
    let mut wt = Table::<W_CHUNK, W_POOL, W_BY_TAP>::new(axes[2].taps());
    let (lo, hi) = wt.fill(&axes[2], 0, ow, iw);
    if wt.len != ow || lo != 0 || hi > iw {
        return false;
    }
    let repeats = find_regular(&wt, L::LANES).is_some();
    let Some(blocks) = permuted_plan::<L>(&wt, hi, repeats) else {
        return false;
    };
    let (wt, blocks) = (&wt, &blocks);
    macro_rules! run {
        ($r:literal, $k:literal) => {{
            let row = |rows: [&[f32]; $r], weight: [f32; $r], out: &mut [f32]| {
                let src = Blend::new(rows, weight);
                permuted_all::<L, _, $k, W_CHUNK, W_POOL, W_BY_TAP>(&src, wt, blocks, out);
            };
            if $r >= 4 {
                // Pairs of rows only from 4 source rows (trilinear,
                // bicubic), whose loads they halve; from 1 or 2 the two
                // interleaved output streams cost more than they save.
                let pair = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 2]| {
                    permuted_rows::<L, 2, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    );
                };
                let quad = |rows: [&[f32]; $r], weights, outs: [&mut [f32]; 4]| {
                    permuted_rows::<L, 4, $r, $k, W_CHUNK, W_POOL, W_BY_TAP>(
                        rows, weights, wt, blocks, outs,
                    );
                };
                each_row_quad::<$r>(input, i, o, axes, 1, output, row, pair, quad);
            } else {
                each_row::<$r>(input, i, o, axes, 1, output, row);
            }
        }};
    }
    match (r, wt.taps) {
        (1, 2) => run!(1, 2),
        (2, 2) => run!(2, 2),
        (4, 2) => run!(4, 2),
        (4, 4) => run!(4, 4),
        _ => return false,
    }
    true
}

/// A channels-first row chunk straight from its input rows `rows` (offset,
/// weight) through [`permuted_all`], without the vertical sum in a temp
/// row: false, having written nothing, where that does not apply (more
/// than 4 rows, windows of other than 2 or 4 taps, or blocks that do not fit).
fn fused_row<L: Permute, const N: usize, const P: usize, const T: usize>(
    input: &[f32],
    rows: &[(usize, f32)],
    span: usize,
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    dst: &mut [f32],
) -> bool {
    fn blend<'a, const R: usize>(
        input: &'a [f32],
        rows: &[(usize, f32)],
        span: usize,
    ) -> Option<Blend<'a, R>> {
        let (mut b, mut w) = ([&[][..]; R], [0.0; R]);
        for ((row, w), &(offset, weight)) in b.iter_mut().zip(&mut w).zip(rows) {
            (*row, *w) = (input.get(offset..offset + span)?, weight);
        }
        Some(Blend::new(b, w))
    }
    fn run<L: Permute, S: Source, const N: usize, const P: usize, const T: usize>(
        src: Option<S>,
        wt: &Table<N, P, T>,
        blocks: &Blocks,
        dst: &mut [f32],
    ) -> bool {
        match (src, wt.taps) {
            (Some(src), 2) => permuted_all::<L, S, 2, N, P, T>(&src, wt, blocks, dst),
            (Some(src), 4) => permuted_all::<L, S, 4, N, P, T>(&src, wt, blocks, dst),
            _ => return false,
        }
        true
    }
    match rows.len() {
        1 => run::<L, _, N, P, T>(blend::<1>(input, rows, span), wt, blocks, dst),
        2 => run::<L, _, N, P, T>(blend::<2>(input, rows, span), wt, blocks, dst),
        3 => run::<L, _, N, P, T>(blend::<3>(input, rows, span), wt, blocks, dst),
        4 => run::<L, _, N, P, T>(blend::<4>(input, rows, span), wt, blocks, dst),
        _ => false,
    }
}

/// [`outputs`] one at a time, for windows of `K` taps. Written without early exits
/// (indices clamped into `src` instead), so that the loop vectorises with
/// gathers where the target has them (AVX2, AVX-512).
#[inline(always)]
fn scalar_taps<const K: usize, const N: usize, const P: usize, const T: usize>(
    src: &[f32],
    wt: &Table<N, P, T>,
    dst: &mut [f32],
    from: usize,
    to: usize,
) {
    let (Some(dst), Some(offset), Some(weights), Some(last)) = (
        dst.get_mut(from..to),
        wt.offset.get(from..to),
        wt.weight.get(from * K..to * K),
        src.len().checked_sub(1),
    ) else {
        return;
    };
    for ((d, &o), w) in dst.iter_mut().zip(offset).zip(weights.chunks_exact(K)) {
        // Every window lies inside `src`: the clamps never bind.
        let base = o as usize;
        let mut acc = w[0] * src[base.min(last)];
        for k in 1..K {
            acc += w[k] * src[(base + k).min(last)];
        }
        *d = acc;
    }
}

/// Channels-first outputs where the windows repeat: `PHASES` outputs per
/// period, the window moving `STEP` inputs per period. Vectorised over
/// `blocks * LANES` periods from output `first`, phases interleaved;
/// `halves` is scratch for the deinterleaved row when `STEP` is 2.
#[allow(clippy::too_many_arguments)]
fn periodic<
    L: Permute,
    const PHASES: usize,
    const STEP: usize,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    src: &[f32],
    wt: &Table<N, P, T>,
    lo: usize,
    first: usize,
    blocks: usize,
    last: usize,
    dst: &mut [f32],
    halves: &mut [f32],
) {
    if STEP == 1 {
        let row_of = |at: usize| (src, at);
        periodic_blocks::<L, PHASES, STEP, N, P, T>(row_of, wt, lo, first, blocks, last, dst);
    } else {
        // Every tap reads every other input: deinterleave the row once
        // (two vector loads, two shuffles, two stores per 2 * LANES inputs)
        // so that each tap is one plain load. A strided load per tap
        // compiled to an insert per lane: 60% of lanczos x0.5's time.
        let (even, odd) = halves.split_at_mut(halves.len() / 2);
        unzip_into::<L>(src, even, odd);
        let (even, odd) = (&*even, &*odd);
        let row_of = |at: usize| {
            let half = if at.is_multiple_of(2) { even } else { odd };
            (half, at / 2)
        };
        periodic_blocks::<L, PHASES, STEP, N, P, T>(row_of, wt, lo, first, blocks, last, dst);
    }
}

/// `even[j] = src[2j]`, `odd[j] = src[2j + 1]`.
fn unzip_into<L: Permute>(src: &[f32], even: &mut [f32], odd: &mut [f32]) {
    let mut pairs = src.chunks_exact(2 * L::LANES);
    let halves = even
        .chunks_exact_mut(L::LANES)
        .zip(odd.chunks_exact_mut(L::LANES));
    let mut done = 0;
    for (pair, (e, o)) in (&mut pairs).zip(halves) {
        let (a, b) = L::load(pair).unzip(L::load(&pair[L::LANES..]));
        a.store(e);
        b.store(o);
        done += L::LANES;
    }
    for (k, &v) in pairs.remainder().iter().enumerate() {
        let half = if k.is_multiple_of(2) {
            &mut *even
        } else {
            &mut *odd
        };
        if let Some(d) = half.get_mut(done + k / 2) {
            *d = v;
        }
    }
}

/// [`periodic`]'s blocks, input `at` (of the row or its deinterleaved
/// halves) being element `row_of(at).1` of the slice `row_of(at).0`, and
/// period `i`'s windows `STEP * i` inputs on (so `i` elements on in that
/// slice).
#[inline(always)]
fn periodic_blocks<
    'a,
    L,
    const PHASES: usize,
    const STEP: usize,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    row_of: impl Fn(usize) -> (&'a [f32], usize),
    wt: &Table<N, P, T>,
    lo: usize,
    first: usize,
    blocks: usize,
    last: usize,
    dst: &mut [f32],
) where
    L: Permute,
{
    let zero = L::splat(0.0);
    // Blocks `per` at a time, each tap's slice, position and splatted
    // weight found once for them all and its multiply-adds in `per`
    // independent chains. One block at a time made each block a chain of
    // dependent multiply-adds with 17 instructions of setup per tap (native
    // lanczos x0.5 channels-first: 0.99 -> 0.90 ms, SSE2 2.08 -> 1.84, best
    // of 600 calls; a table of the taps' setup, once per run, gains nothing
    // more). Block `blocks` is the overlapping tail; a group past it
    // repeats the tail, rewriting the same values.
    let per = (4 / PHASES).max(1);
    let mut g = 0;
    while g <= blocks {
        let starts: [usize; 4] = core::array::from_fn(|u| {
            if g + u < blocks {
                (g + u) * L::LANES
            } else {
                last
            }
        });
        let mut v = [[zero; PHASES]; 4];
        for p in 0..PHASES {
            let (start, w) = wt.get(first + p);
            for (j, &wj) in w.iter().enumerate() {
                let (row, a) = row_of(start - lo + j);
                let w = L::splat(wj);
                // One check for the group's loads (the starts ascend), not
                // a fallback to zero per load (SSE2 lanczos x0.5 CF: 1.56
                // -> 1.39 ms best of 600; native unchanged).
                let reach = starts[per - 1] + L::LANES;
                let row = row.get(a..a + reach).unwrap_or_default();
                for (vu, &i) in v.iter_mut().zip(&starts).take(per) {
                    let x = if row.len() == reach {
                        L::load(&row[i..])
                    } else {
                        zero
                    };
                    vu[p] = if j == 0 { w * x } else { w.mul_add(x, vu[p]) };
                }
            }
        }
        for (vu, &i) in v.iter().zip(&starts).take(per) {
            let out = &mut dst[first + PHASES * i..];
            match vu.as_slice() {
                [a] => a.store(out),
                [a, b] => {
                    let (lo, hi) = a.zip(*b);
                    lo.store(out);
                    hi.store(&mut out[L::LANES..]);
                }
                [a, b, c, d] => {
                    let (ac_lo, ac_hi) = a.zip(*c);
                    let (bd_lo, bd_hi) = b.zip(*d);
                    let (o0, o1) = ac_lo.zip(bd_lo);
                    let (o2, o3) = ac_hi.zip(bd_hi);
                    o0.store(out);
                    o1.store(&mut out[L::LANES..]);
                    o2.store(&mut out[2 * L::LANES..]);
                    o3.store(&mut out[3 * L::LANES..]);
                }
                _ => {}
            }
        }
        g += per;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::interpolate::{
        InterpolateGeometry, InterpolateMode as M, InterpolateOptions,
    };
    use crate::interpolate::taps;
    use wide::{f32x4, f32x8, f32x16};

    /// The reference's output and [`resample`]'s for one problem.
    fn both<L: Permute>(
        input: &[f32],
        shape: &[usize],
        layout: Layout,
        opts: &InterpolateOptions,
    ) -> (alloc_free::Buf, alloc_free::Buf) {
        let g = InterpolateGeometry::new(shape, layout, opts).unwrap();
        let n = g.output.numel();
        let (mut want, mut got) = (alloc_free::Buf::zeros(n), alloc_free::Buf::zeros(n));
        crate::reference::interpolate(input, shape, layout, opts, want.get_mut()).unwrap();
        let axes = taps::axes(&g).unwrap();
        assert!(resample::<L>(
            input,
            &g.input,
            &g.output,
            &axes,
            got.get_mut()
        ));
        (want, got)
    }

    /// Every width of the kernel against the reference: widths `0..=3 *
    /// LANES + 1` around x2, x4, x0.5 and odd sizes, both layouts.
    fn against_reference<L: Permute>() {
        let modes = [
            (M::Nearest, None, false),
            (M::NearestExact, None, false),
            (M::Bilinear, Some(false), false),
            (M::Bilinear, Some(true), false),
            (M::Bicubic, Some(false), false),
            (M::Bilinear, Some(false), true),
            (M::Bicubic, None, true),
            (M::Lanczos, None, true),
            (M::Area, None, false),
        ];
        let sizes = |w: usize| [2 * w, 4 * w, w.div_ceil(2), w + 3, 1];
        for (mode, align_corners, antialias) in modes {
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                for w in 1..=3 * L::LANES + 1 {
                    for c in [1, 3, L::LANES + 1] {
                        for ow in sizes(w) {
                            let shape = [1, c, 3, w];
                            let size = [5, ow];
                            let mut opts =
                                InterpolateOptions::size(mode, &size).with_antialias(antialias);
                            opts.align_corners = align_corners;
                            let g = InterpolateGeometry::new(&shape, layout, &opts).unwrap();
                            let input: alloc_free::Buf =
                                alloc_free::Buf::from_fn(g.input.numel(), |j| {
                                    ((j * 7919) % 113) as f32 / 56.5 - 1.0
                                });
                            let (want, got) = both::<L>(input.get(), &shape, layout, &opts);
                            let exact = matches!(mode, M::Nearest | M::NearestExact);
                            for (a, b) in got.get().iter().zip(want.get()) {
                                let ok = if exact {
                                    a.to_bits() == b.to_bits()
                                } else {
                                    (a - b).abs() <= 1e-5 + 1.3e-6 * b.abs()
                                };
                                assert!(
                                    ok,
                                    "{mode:?} {layout:?} {shape:?} -> {size:?}: {a} vs {b}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Fixed-capacity buffers (the crate is `no_std` without `alloc`).
    mod alloc_free {
        pub struct Buf {
            data: [f32; 32768],
            len: usize,
        }
        impl Buf {
            pub fn zeros(len: usize) -> Buf {
                assert!(len <= 32768);
                Buf {
                    data: [0.0; 32768],
                    len,
                }
            }
            pub fn from_fn(len: usize, f: impl Fn(usize) -> f32) -> Buf {
                let mut b = Buf::zeros(len);
                for (j, v) in b.data[..len].iter_mut().enumerate() {
                    *v = f(j);
                }
                b
            }
            pub fn get(&self) -> &[f32] {
                &self.data[..self.len]
            }
            pub fn get_mut(&mut self) -> &mut [f32] {
                &mut self.data[..self.len]
            }
        }
    }

    /// An infinity in a row reaches only the channels-first outputs whose
    /// table window holds it: [`Edge`]'s span is wider than the windows it
    /// serves, and its mask keeps the rest of the span out.
    fn infinity_stays_in_its_windows<L: Permute>() {
        for (mode, size) in [(M::Lanczos, 32), (M::Bicubic, 32), (M::Lanczos, 21)] {
            let shape = [1, 1, 1, 64];
            let size = [1, size];
            let opts = InterpolateOptions::size(mode, &size).with_antialias(true);
            let g = InterpolateGeometry::new(&shape, Layout::ChannelsFirst, &opts).unwrap();
            let axes = taps::axes(&g).unwrap();
            let mut weight = [0.0f32; MAX_TAPS];
            for k in 0..64 {
                let input = alloc_free::Buf::from_fn(64, |j| {
                    if j == k {
                        f32::INFINITY
                    } else {
                        ((j * 7919) % 113) as f32 / 56.5 - 1.0
                    }
                });
                let (want, got) = both::<L>(input.get(), &shape, Layout::ChannelsFirst, &opts);
                let taps = axes[2].taps();
                for (x, (a, b)) in got.get().iter().zip(want.get()).enumerate() {
                    let start = axes[2].window(x, &mut weight[..taps]);
                    if (start..start + taps).contains(&k) {
                        continue;
                    }
                    assert!(
                        (a - b).abs() <= 1e-5 + 1.3e-6 * b.abs(),
                        "{mode:?} 64 -> {size:?}, infinity at {k}: output {x} {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn infinities_stay_in_their_windows() {
        infinity_stays_in_its_windows::<f32x4>();
        infinity_stays_in_its_windows::<f32x8>();
        infinity_stays_in_its_windows::<f32x16>();
    }

    #[test]
    fn f32x4_matches_reference() {
        against_reference::<f32x4>();
    }

    #[test]
    fn f32x8_matches_reference() {
        against_reference::<f32x8>();
    }

    #[test]
    fn f32x16_matches_reference() {
        against_reference::<f32x16>();
    }
}
