//! `torch.nn.functional.max_pool{1,2,3}d(..., return_indices=True)`.
//!
//! ```text
//! out = floor_or_ceil((in + 2*pad - dilation*(k-1) - 1) / stride) + 1
//!       (ceil_mode: minus one if the last window would start in the right padding)
//! each output takes the first maximum in window order; a NaN always wins
//! (so the last NaN in the window does); indices are flat within the (n, c) plane.
//! ```
//!
//! The fast path keeps, per lane, the running maximum and the index of the
//! element it came from (a `u32` payload carried in an `f32` lane, moved only
//! by bitwise selects), and takes each element of the window in order:
//!
//! ```text
//! take  = v > max || v is NaN          (the reference's test, lane by lane)
//! max   = take ? v : max
//! index = take ? index(v) : index
//! ```
//!
//! Channels-last puts the channels in the lanes: one window walk serves `L`
//! channels, every element a contiguous load. Channels-first puts `L`
//! neighbouring output columns in the lanes: a window element is a
//! contiguous load (stride 1) or one half of an `unzip` (stride 2; for a
//! 2-wide window both halves), and any other stride gathers. Windows that
//! the border clips in x, channels past the last whole vector and planes
//! too large for `u32` payloads take the scalar transcription of the
//! reference, which also serves as the oracle in the unit tests.

use crate::error::Error;
use crate::geometry::pool::{MaxPoolGeometry, MaxPoolOptions, PoolParams};
use crate::layout::{Layout, MAX_SPATIAL};
use crate::simd::CopyLane;
use wide::f32x4;

/// `torch.nn.functional.max_pool{1,2,3}d(input, **options, return_indices=True)`.
///
/// `input` has logical shape `shape` = `(N, C, spatial...)` in `layout`;
/// `output` and `indices` get the pooled shape ([`max_pool_output_shape`]) in
/// the same layout. Each index is the flat position of the maximum within its
/// `(n, c)` input plane (`(d * H + h) * W + w`), whatever the layout, as in
/// PyTorch. Ties go to the first element in window order; NaN propagates
/// (the last NaN of the window is chosen). Exact.
///
/// ```
/// use upsample::{max_pool, Layout, MaxPoolOptions};
/// let input = [1.0, 5.0, 2.0, 3.0]; // (1, 1, 4)
/// let (mut output, mut indices) = ([0.0; 2], [0i64; 2]);
/// max_pool(&input, &[1, 1, 4], Layout::ChannelsFirst, &MaxPoolOptions::new(&[2]), &mut output, &mut indices).unwrap();
/// assert_eq!((output, indices), ([5.0, 3.0], [1, 3]));
/// ```
///
/// # Errors
/// [`Error::Rank`], [`Error::ZeroDimension`], [`Error::ParameterCount`],
/// [`Error::InvalidParameter`] (zero kernel, stride or dilation),
/// [`Error::PaddingTooLarge`], [`Error::EmptyOutput`], [`Error::Overflow`],
/// [`Error::BufferLength`].
pub fn max_pool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    output: &mut [f32],
    indices: &mut [i64],
) -> Result<(), Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    g.check_buffers(input, output, indices)?;
    let i = g.input;
    let plane = i.plane();
    // u32 payloads need every in-plane index below u32::MAX (the marker).
    let payloads_fit = u32::try_from(plane).is_ok_and(|p| p < NO_INDEX);
    match layout {
        Layout::ChannelsLast if i.c > 1 => {
            let batch = plane * i.c;
            let out_batch = g.output.plane() * i.c;
            let outs = output
                .chunks_exact_mut(out_batch)
                .zip(indices.chunks_exact_mut(out_batch));
            for (input, (output, indices)) in input.chunks_exact(batch).zip(outs) {
                pool_channels_last::<Lanes>(&g, payloads_fit, input, output, indices);
            }
        }
        _ => {
            // Channels-first, or channels-last with one channel (the same
            // memory), whose 3-d kernel keeps PyTorch's depth-offset quirk.
            let quirk = layout == Layout::ChannelsLast && i.rank == 3;
            let out_plane = g.output.plane();
            let outs = output
                .chunks_exact_mut(out_plane)
                .zip(indices.chunks_exact_mut(out_plane));
            for (input, (output, indices)) in input.chunks_exact(plane).zip(outs) {
                if payloads_fit {
                    pool_plane::<Lanes>(&g, quirk, input, output, indices);
                } else {
                    pool_plane_scalar(&g, quirk, input, output, indices);
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Kernels. The geometry is the proof of every length; slices are reached by
// chunks, zips and `get`, so no valid geometry can make them panic.
// ---------------------------------------------------------------------------

use crate::simd::Pool as Lanes;

/// The payload of a lane that has taken no element yet: its index is the
/// window's initial one (which may lie outside the window, as PyTorch's does).
const NO_INDEX: u32 = u32::MAX;

/// One axis of one window: the first element at or after 0 (`start`, which
/// is where PyTorch's initial index points even when the window is empty),
/// the exclusive end, and the step.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    step: usize,
}

impl Span {
    /// `cpu_max_pool`'s window along axis `a` for output position `o`:
    /// `i0 = o*stride - pad; end = min(i0 + (k-1)*dilation + 1, size);
    /// while i0 < 0 { i0 += dilation }`, in `u128` where a product of two
    /// parameters near `usize::MAX` could need it (a valid geometry keeps
    /// the results themselves within `usize`).
    #[inline]
    fn new(p: &PoolParams, size: usize, a: usize, o: usize) -> Span {
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
    fn positions(self) -> impl Iterator<Item = usize> {
        (self.start..self.end.max(self.start)).step_by(self.step)
    }
}

/// The windows of one output point, per `[D, H, W]` axis.
#[derive(Clone, Copy, Debug)]
struct Window {
    spans: [Span; MAX_SPATIAL],
}

impl Window {
    #[inline]
    fn new(g: &MaxPoolGeometry, point: [usize; MAX_SPATIAL]) -> Window {
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
    fn initial_index(&self, g: &MaxPoolGeometry, quirk: bool) -> i64 {
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
fn flat(g: &MaxPoolGeometry, z: i64, y: i64, x: i64) -> i64 {
    let [_, h, w] = g.input.spatial.map(|v| v as i64);
    z.wrapping_mul(h)
        .wrapping_add(y)
        .wrapping_mul(w)
        .wrapping_add(x)
}

/// The reference's loop for one window of one channel: `value(i)` reads the
/// element at in-plane index `i`.
#[inline]
fn window_max(
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
fn pool_plane_scalar(
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
/// columns (`Native` in the public path), then 4-lane blocks, the rest one
/// by one.
fn pool_plane<L: CopyLane>(
    g: &MaxPoolGeometry,
    quirk: bool,
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
        done = pool_columns::<L>(g, quirk, input, row, done, interior.end, out_row, index_row);
        done = pool_columns::<f32x4>(g, quirk, input, row, done, interior.end, out_row, index_row);
        let columns = (0..interior.start).chain(done..ow);
        for ox in columns {
            let window = Window::new(g, [z, y, ox]);
            let value = |at: usize| input.get(at).copied().unwrap_or(f32::NAN);
            let (max, index) = window_max(g, window, quirk, value);
            if let (Some(o), Some(i)) = (out_row.get_mut(ox), index_row.get_mut(ox)) {
                (*o, *i) = (max, index);
            }
        }
    }
}

/// A running maximum per lane and the payload (index) it came from.
#[derive(Clone, Copy)]
struct Best<L> {
    max: L,
    payload: L,
}

impl<L: CopyLane> Best<L> {
    /// Nothing taken yet: `-inf` and the marker of the initial index.
    #[inline(always)]
    fn new() -> Self {
        Best {
            max: L::splat(f32::NEG_INFINITY),
            payload: L::splat_bits(NO_INDEX),
        }
    }

    /// `v` with the payload `index` in every lane.
    #[inline(always)]
    fn at(v: L, index: usize) -> Self {
        Best {
            max: v,
            payload: L::splat_bits(index as u32),
        }
    }

    /// The reference's step: `later` wins where it is greater or NaN. The
    /// step is associative (the result is the last NaN, else the first
    /// maximum), so elements may be paired up before they meet the running
    /// maximum, which shortens the dependency chain.
    #[inline(always)]
    fn then(self, later: Self) -> Self {
        let take = later.max.greater(self.max).or(later.max.nan());
        Best {
            max: L::select(take, later.max, self.max),
            payload: L::select(take, later.payload, self.payload),
        }
    }
}

/// Interior columns `from..to` of one output row in blocks of `L`
/// neighbouring columns; returns where the whole blocks end. `row` holds the
/// row's depth and height spans (its x span is unused).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn pool_columns<L: CopyLane>(
    g: &MaxPoolGeometry,
    quirk: bool,
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
    let clamp = |v: usize| v.min(i64::MAX as usize) as i64;
    let first_depth = if quirk { 0 } else { clamp(sz.start) };
    let initial = flat(g, first_depth, clamp(sy.start), 0);
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

/// One batch of a channels-last max pool (C > 1): the channels of each
/// output pixel in blocks of `L` (`Native` in the public path), then 4-lane
/// blocks, then one by one.
fn pool_channels_last<L: CopyLane>(
    g: &MaxPoolGeometry,
    payloads_fit: bool,
    input: &[f32],
    output: &mut [f32],
    indices: &mut [i64],
) {
    let c = g.input.c;
    let [od, oh, ow] = g.output.spatial;
    let quirk = g.input.rank == 3;
    let mut pixels = output.chunks_exact_mut(c).zip(indices.chunks_exact_mut(c));
    for z in 0..od {
        for y in 0..oh {
            let row = Window::new(g, [z, y, 0]);
            for x in 0..ow {
                let Some((out, idx)) = pixels.next() else {
                    return;
                };
                let mut window = row;
                window.spans[2] = Span::new(&g.params, g.input.spatial[2], 2, x);
                let initial = window.initial_index(g, quirk);
                let mut done = 0;
                if payloads_fit {
                    done = pool_pixel::<L>(g, window, initial, input, out, idx, done);
                    done = pool_pixel::<f32x4>(g, window, initial, input, out, idx, done);
                }
                let rest = out.get_mut(done..).unwrap_or_default().iter_mut();
                let rest = rest.zip(idx.get_mut(done..).unwrap_or_default());
                for (ch, (o, i)) in (done..).zip(rest) {
                    let value = |at: usize| input.get(at * c + ch).copied().unwrap_or(f32::NAN);
                    (*o, *i) = window_max(g, window, quirk, value);
                }
            }
        }
    }
}

/// Channels `from..` of one channels-last output pixel in blocks of `L`;
/// returns where the whole blocks end.
#[inline(always)]
fn pool_pixel<L: CopyLane>(
    g: &MaxPoolGeometry,
    window: Window,
    initial: i64,
    input: &[f32],
    out: &mut [f32],
    idx: &mut [i64],
    from: usize,
) -> usize {
    let (n, c) = (L::LANES, g.input.c);
    let [_, h, w] = g.input.spatial;
    let [sz, sy, sx] = window.spans;
    let load = |at: usize, ch: usize| {
        let s = input.get(at * c + ch..).unwrap_or_default();
        Best::at(L::load(s.get(..n).unwrap_or_default()), at)
    };
    let mut ch = from;
    while ch + n <= c {
        let mut best = Best::<L>::new();
        for z in sz.positions() {
            for y in sy.positions() {
                let row = (z * h + y) * w;
                // Pairs first, then the running maximum (see `Best::then`).
                let mut xs = sx.positions();
                while let Some(x) = xs.next() {
                    let first = load(row + x, ch);
                    best = best.then(match xs.next() {
                        Some(x) => first.then(load(row + x, ch)),
                        None => first,
                    });
                }
            }
        }
        if let (Some(o), Some(i)) = (out.get_mut(ch..ch + n), idx.get_mut(ch..ch + n)) {
            best.max.store(o);
            let mut bits = [0u32; 16];
            best.payload.store_bits(&mut bits);
            for (i, &b) in i.iter_mut().zip(&bits) {
                *i = if b == NO_INDEX { initial } else { i64::from(b) };
            }
        }
        ch += n;
    }
    ch
}

#[cfg(test)]
mod tests {
    use super::*;
    use wide::{f32x8, f32x16};

    /// Deterministic test values: small integers (ties), NaNs and -inf.
    fn values(n: usize, seed: usize) -> [f32; 4096] {
        core::array::from_fn(|i| {
            let h = ((i as u64 * 2654435761 + seed as u64 * 40503) % 97) as usize;
            match h {
                _ if i >= n => 0.0,
                0 => f32::NAN,
                1..=8 => f32::NEG_INFINITY,
                _ => (h % 4) as f32,
            }
        })
    }

    /// The vector kernels at width `L` against the scalar transcription,
    /// for a spread of geometries in both layouts.
    fn kernels_at_width<L: CopyLane>() {
        let shapes: [&[usize]; 5] = [
            &[1, 3, 40],
            &[1, 2, 9, 37],
            &[1, 20, 5, 6],
            &[1, 2, 4, 5, 19],
            &[1, 17, 2, 3, 4],
        ];
        for (case, shape) in shapes.into_iter().enumerate() {
            for (k, s, p, d, ceil) in [
                (2, 2, 0, 1, false),
                (3, 1, 1, 1, false),
                (3, 2, 1, 1, true),
                (2, 3, 1, 2, true),
                (1, 1, 0, 1, false),
                (4, 2, 2, 1, true),
            ] {
                let (kernel, stride, padding, dilation) = ([k], [s], [p], [d]);
                let opts = MaxPoolOptions::new(&kernel)
                    .with_stride(&stride)
                    .with_padding(&padding)
                    .with_dilation(&dilation)
                    .with_ceil_mode(ceil);
                for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                    let Ok(g) = MaxPoolGeometry::new(shape, layout, &opts) else {
                        continue;
                    };
                    let n = g.input.numel();
                    let input = values(n, case);
                    let input = &input[..n];
                    let m = g.output.numel();
                    let (mut want, mut want_idx) = ([0.0f32; 4096], [0i64; 4096]);
                    let (mut got, mut got_idx) = ([0.0f32; 4096], [0i64; 4096]);
                    let (plane, out_plane) = (g.input.plane(), g.output.plane());
                    if layout == Layout::ChannelsFirst {
                        let pairs = input.chunks_exact(plane).zip(
                            want[..m]
                                .chunks_exact_mut(out_plane)
                                .zip(want_idx[..m].chunks_exact_mut(out_plane)),
                        );
                        for (i, (o, x)) in pairs {
                            pool_plane_scalar(&g, false, i, o, x);
                        }
                        let pairs = input.chunks_exact(plane).zip(
                            got[..m]
                                .chunks_exact_mut(out_plane)
                                .zip(got_idx[..m].chunks_exact_mut(out_plane)),
                        );
                        for (i, (o, x)) in pairs {
                            pool_plane::<L>(&g, false, i, o, x);
                        }
                    } else {
                        // The scalar oracle for channels-last is the same
                        // function with no vector blocks.
                        pool_channels_last::<L>(
                            &g,
                            false,
                            input,
                            &mut want[..m],
                            &mut want_idx[..m],
                        );
                        pool_channels_last::<L>(&g, true, input, &mut got[..m], &mut got_idx[..m]);
                    }
                    for j in 0..m {
                        assert_eq!(
                            got[j].to_bits(),
                            want[j].to_bits(),
                            "{shape:?} {layout:?} k{k} s{s} p{p} d{d} at {j}"
                        );
                        assert_eq!(
                            got_idx[j], want_idx[j],
                            "{shape:?} {layout:?} k{k} s{s} p{p} d{d} index at {j}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn kernels_at_every_width() {
        kernels_at_width::<f32x4>();
        kernels_at_width::<f32x8>();
        kernels_at_width::<f32x16>();
    }
}
