//! `torch.nn.functional.max_unpool{1,2,3}d`, and average unpooling.
//!
//! Both take the geometry of the pooling they undo. The default output size
//! per axis is `(in - 1) * stride - 2 * padding + kernel_size`; an explicit
//! `output_size` must lie strictly within `stride` of it (PyTorch's
//! `_unpool_output_size`).
//!
//! ```text
//! max_unpool: out = 0; out[plane][indices[i]] = in[i]   (later writes win)
//! avg_unpool: out[o] = mean{ in[i] : o + padding in [i*stride, i*stride + kernel) }, 0 if none
//! ```
//!
//! Fast paths:
//! - `max_unpool` checks each plane's (channels-last: image's) indices as it
//!   writes it, while they are in cache, and fills the whole output with NaN
//!   if one is out of range. Above the in-cache size, where the stride
//!   cells tile the output and every index lies in its own cell (as
//!   `max_pool` makes them), each output row is written once, in order
//!   ([`Cells`], which checks the indices for free). Otherwise the unit's
//!   indices are checked (a vectorised pass) and then scattered in memory
//!   order, which keeps "later index wins" within each plane as the
//!   reference's order does. Small channels-first planes are zeroed whole
//!   just before their scatter (they stay in cache); larger ones and
//!   channels-last images are zeroed just ahead of it, so that each cache
//!   line is zeroed and written while hot: before a value lands past the
//!   zeroed prefix, the prefix grows to cover it.
//! - `avg_unpool` with `kernel_size == stride` covers each output with at
//!   most one window: a block replication (`0.0 + v`, the reference's sum
//!   of one term) where each output row is either computed once from its
//!   input row, a copy of the row above, or zeros; 2- and 4-wide blocks
//!   zip a vector with itself.
//! - Overlapping windows: channels-last sums whole channel vectors per
//!   covering window; channels-first splits a row's outputs by position
//!   modulo the stride, so that each class sums contiguous loads, then zips
//!   (stride 2) or scatters the classes back. The sums run in the
//!   reference's order, so every path is bit-exact with it.

use crate::error::{Buffer, Error};
use crate::geometry::unpool::{UnpoolGeometry, UnpoolOptions, covering};
use crate::layout::{Layout, MAX_SPATIAL};
use crate::simd::{CopyLane, Lane, Native};
use wide::f32x4;

/// `torch.nn.functional.max_unpool{1,2,3}d(input, indices, **options)`.
///
/// `input` and `indices` have logical shape `shape` = `(N, C, spatial...)`
/// in `layout` (as [`max_pool`](crate::max_pool) writes them); `output` gets
/// [`unpool_output_shape`] in the same layout: zeros, with each input value
/// at its index within its `(n, c)` plane. When two indices coincide the
/// later one wins. Exact.
///
/// ```
/// use upsample::{max_unpool, Layout, UnpoolOptions};
/// let mut output = [9.0; 4];
/// max_unpool(&[5.0, 3.0], &[1, 3], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut output).unwrap();
/// assert_eq!(output, [0.0, 5.0, 0.0, 3.0]);
/// ```
///
/// # Errors
/// [`Error::IndexOutOfRange`] for an index outside its output plane, the
/// first in memory order: then the whole output is NaN (the indices are
/// checked as the output is written, so planes before the bad index would
/// otherwise hold results; this is the only error that writes);
/// [`Error::OutputSize`] for an `output_size` out of
/// range; [`Error::Rank`], [`Error::ZeroDimension`],
/// [`Error::ParameterCount`], [`Error::InvalidParameter`],
/// [`Error::EmptyOutput`], [`Error::Overflow`], [`Error::BufferLength`].
pub fn max_unpool(
    input: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "max_unpool")?;
    g.check_buffers(input, output)?;
    g.input.check_len(Buffer::Indices, indices.len())?;
    let written = unpool_max(&g, layout, input, indices, output);
    if written.is_err() {
        // The planes before the bad index hold their results: none may
        // look like one.
        output.fill(f32::NAN);
    }
    written
}

/// The body of [`max_unpool`] on checked buffers. Each channels-first plane
/// (or channels-last image) has its indices checked as it is written,
/// while they are in cache, instead of in a pass over all of them first
/// (which would read every `i64` index from memory twice): where every index
/// lies in its own cell, [`Cells`] checks them for free; elsewhere the
/// unit's indices are checked just before its scatter.
fn unpool_max(
    g: &UnpoolGeometry,
    layout: Layout,
    input: &[f32],
    indices: &[i64],
    output: &mut [f32],
) -> Result<(), Error> {
    // Channels-first, or one channel (the same memory), go a plane at a time.
    let c = match layout {
        Layout::ChannelsLast => g.input.c,
        Layout::ChannelsFirst => 1,
    };
    let (plane, out_plane) = (g.input.plane() * c, g.output.plane() * c);
    // Outputs that fit in cache are zeroed and scattered into there.
    let cells = Cells::new(g).filter(|_| output.len() > Zeroed::WHOLE);
    let units = input.chunks_exact(plane).zip(indices.chunks_exact(plane));
    for (u, ((values, indices), out)) in units.zip(output.chunks_exact_mut(out_plane)).enumerate() {
        let dense = cells.is_some_and(|cells| match c {
            1 => cells.plane::<Native>(values, indices, out),
            _ => cells.channels_last::<Native>(values, indices, out, c),
        });
        if !dense {
            g.check_index_block(indices, u * plane)?;
            match c {
                1 => scatter_plane(values, indices, out),
                _ => scatter_channels_last(values, indices, out, c),
            }
        }
    }
    Ok(())
}

/// The stride-sized cells of a `max_unpool` output that the input's
/// positions tile exactly (`output = input * stride` on every axis). When
/// every index lies in its own position's cell, as `max_pool` with
/// `kernel <= stride` makes them, each output row is written once, in order,
/// with the value or zero, instead of zeroing the plane and then scattering
/// into it (two passes over the output).
#[derive(Clone, Copy)]
struct Cells {
    /// Input rows `(z, y)` per plane, and positions per row.
    rows: usize,
    in_w: usize,
    /// Input height (rows per depth slice).
    in_h: usize,
    /// Cell depth, height and width (the stride).
    depth: usize,
    height: usize,
    width: usize,
    /// Output height and width.
    out_h: usize,
    out_w: usize,
    /// Offset of each cell row from the cell's origin (`depth * height` used).
    offsets: [i64; Cells::MAX_ROWS],
    /// The output plane has fewer than 2^24 elements: its indices are
    /// exact in `f32`.
    narrow: bool,
}

impl Cells {
    /// At most this many output rows per cell (`depth * height`).
    const MAX_ROWS: usize = 16;

    fn new(g: &UnpoolGeometry) -> Option<Cells> {
        let tiles = (0..MAX_SPATIAL)
            .all(|a| g.input.spatial[a].checked_mul(g.stride[a]) == Some(g.output.spatial[a]));
        let [depth, height, width] = g.stride;
        if !tiles || depth * height > Self::MAX_ROWS {
            return None;
        }
        let (out_h, out_w) = (g.output.spatial[1], g.output.spatial[2]);
        let mut offsets = [0i64; Self::MAX_ROWS];
        for (k, o) in offsets.iter_mut().enumerate().take(depth * height) {
            // Below the plane size, which fits i64 (checked in `new`).
            *o = (((k / height) * out_h + k % height) * out_w) as i64;
        }
        Some(Cells {
            rows: g.input.spatial[0] * g.input.spatial[1],
            in_w: g.input.spatial[2],
            in_h: g.input.spatial[1],
            depth,
            height,
            width,
            out_h,
            out_w,
            offsets,
            narrow: g.output.plane() < 1 << 24,
        })
    }

    /// Output offset of the first cell row of input row `r` (the cell
    /// origins); cell row `k` starts `offsets[k]` later.
    #[inline(always)]
    fn row_start(&self, r: usize) -> usize {
        let (z, y) = (r / self.in_h, r % self.in_h);
        (z * self.depth * self.out_h + y * self.height) * self.out_w
    }

    /// The offsets of the cell rows in use.
    #[inline(always)]
    fn cell_rows(&self) -> impl Iterator<Item = usize> + '_ {
        // Non-negative: built from usizes.
        self.offsets
            .iter()
            .take(self.depth * self.height)
            .map(|&o| o as usize)
    }

    /// Whether `index` lies in the cell whose origin is `origin` (its
    /// offset from there is `row_start(r, k) - row_start(r, 0) + dx` for
    /// some `k` and `dx < width`).
    #[inline(always)]
    fn holds(&self, index: i64, origin: usize) -> bool {
        let rel = index.wrapping_sub(origin as i64);
        let rows = self.offsets.iter().take(self.depth * self.height);
        rows.fold(false, |hit, &row| {
            hit | ((rel.wrapping_sub(row) as u64) < self.width as u64)
        })
    }

    /// One channels-first plane; `false` (with the plane partly written) if
    /// some index is not in its cell. Cells two wide go a vector of
    /// positions at a time, in `f32` (exact: `narrow` planes have fewer
    /// than 2^24 elements): each cell row's two outputs are the value where
    /// the index's offset is 0 or 1 and zero elsewhere, interleaved with
    /// [`CopyLane::zip`]; other widths one position at a time.
    fn plane<L: CopyLane>(&self, values: &[f32], indices: &[i64], out: &mut [f32]) -> bool {
        let (in_w, width) = (self.in_w, self.width);
        let zero = L::splat(0.0);
        let all = L::splat_bits(u32::MAX);
        let lane: [f32; 16] = core::array::from_fn(|j| j as f32);
        let lane = L::load(&lane);
        let rows = values.chunks_exact(in_w).zip(indices.chunks_exact(in_w));
        for (r, (values, indices)) in rows.enumerate().take(self.rows) {
            let origin = self.row_start(r);
            let vectors = if width == 2 && self.narrow {
                in_w / L::LANES
            } else {
                0
            };
            for x0 in (0..vectors).map(|k| k * L::LANES) {
                // Each position's value and index twice, in output order.
                let (Some(v), Some(i)) = (
                    values.get(x0..x0 + L::LANES),
                    indices.get(x0..x0 + L::LANES),
                ) else {
                    return false;
                };
                let twice = |h: usize| -> (L, L) {
                    let at = |l: usize| h * L::LANES / 2 + l / 2;
                    let v: [f32; 16] = core::array::from_fn(|l| v.get(at(l)).map_or(0.0, |v| *v));
                    let i: [f32; 16] =
                        core::array::from_fn(|l| i.get(at(l)).map_or(-1.0, |&i| i as f32));
                    (L::load(&v), L::load(&i))
                };
                let halves = [twice(0), twice(1)];
                let mut hit = [zero; 2];
                for offset in self.cell_rows() {
                    let start = origin + offset + x0 * 2;
                    let Some(o) = out.get_mut(start..start + 2 * L::LANES) else {
                        return false;
                    };
                    for (h, ((v, i), o)) in
                        halves.iter().zip(o.chunks_exact_mut(L::LANES)).enumerate()
                    {
                        let at = L::splat((start + h * L::LANES) as f32) + lane;
                        let miss = i.greater(at).or(at.greater(*i));
                        L::select(miss, zero, *v).store(o);
                        hit[h] = L::select(miss, hit[h], all);
                    }
                }
                // A position is in its cell when one of its two lanes hit.
                let mut ok = true;
                for h in hit {
                    let mut bits = [0u32; 16];
                    h.store_bits(&mut bits);
                    for pair in bits.chunks_exact(2).take(L::LANES / 2) {
                        ok &= (pair[0] | pair[1]) == u32::MAX;
                    }
                }
                if !ok {
                    return false;
                }
            }
            let blocks = vectors * L::LANES;
            // The rest of the row, one position at a time.
            for x in blocks..in_w {
                let (Some(&v), Some(&i)) = (values.get(x), indices.get(x)) else {
                    return false;
                };
                if !self.holds(i, origin + x * width) {
                    return false;
                }
                for offset in self.cell_rows() {
                    let start = origin + offset + x * width;
                    let Some(cell) = out.get_mut(start..start + width) else {
                        return false;
                    };
                    let at = i.wrapping_sub(start as i64);
                    for (dx, o) in cell.iter_mut().enumerate() {
                        *o = if at == dx as i64 { v } else { 0.0 };
                    }
                }
            }
        }
        true
    }

    /// One channels-last image of `c` channels; `false` (with the image
    /// partly written) if some index is not in its cell. Lanes run along
    /// the channels. Pixel by pixel, the indices are turned into `f32`
    /// offsets from the cell's origin (exact: `narrow` planes have fewer
    /// than 2^24 elements; -1 beyond the cell's span), then each output
    /// pixel of the cell takes the values whose offset is its own and zeros
    /// elsewhere; each chunk of pixels' offsets must have met a position
    /// each. The offsets are converted pixel by pixel, between the writes,
    /// rather than a row's worth first, so that reading the indices overlaps
    /// the writes. Channels past the last whole vector go one at a time; more
    /// than `CHUNK` channels go to the scatter.
    fn channels_last<L: CopyLane>(
        &self,
        values: &[f32],
        indices: &[i64],
        out: &mut [f32],
        c: usize,
    ) -> bool {
        /// Offsets kept per chunk of pixels (4 KiB on the stack).
        const CHUNK: usize = 1024;
        if !self.narrow || c > CHUNK || c < L::LANES {
            return false;
        }
        let (in_w, width) = (self.in_w, self.width);
        // Offsets from a cell's origin lie below `span`.
        let span = self.cell_rows().last().unwrap_or(0) + width;
        let (zero, one) = (L::splat(0.0), L::splat(1.0));
        let whole = c - c % L::LANES;
        let mut rel = [0.0f32; CHUNK];
        let per = CHUNK / c;
        let rows = values
            .chunks_exact(in_w * c)
            .zip(indices.chunks_exact(in_w * c));
        for (r, (values, indices)) in rows.enumerate().take(self.rows) {
            let origin = self.row_start(r);
            let chunks = values.chunks(per * c).zip(indices.chunks(per * c));
            for (k, (values, indices)) in chunks.enumerate() {
                let first = origin + k * per * width;
                // Lanes' and tail's counts of offsets that met their own
                // position: each offset meets at most one (exact in f32).
                let (mut hits, mut tail_hits) = (zero, 0);
                let pixels = values.chunks_exact(c).zip(indices.chunks_exact(c));
                for (p, ((values, indices), rel)) in pixels.zip(rel.chunks_exact_mut(c)).enumerate()
                {
                    // Converted between the writes, so that reading the
                    // indices overlaps them.
                    let o = (first + p * width) as i64;
                    for (f, &i) in rel.iter_mut().zip(indices) {
                        let d = i.wrapping_sub(o);
                        // Below 2^24 when in range: exact in i32 and f32.
                        *f = if (d as u64) < span as u64 {
                            d as i32 as f32
                        } else {
                            -1.0
                        };
                    }
                    let rel = &*rel;
                    for row in self.cell_rows() {
                        for dx in 0..width {
                            let at = row + dx;
                            let start = (first + p * width + at) * c;
                            let Some(out) = out.get_mut(start..start + c) else {
                                return false;
                            };
                            let t = L::splat(at as f32);
                            for j in (0..whole / L::LANES).map(|j| j * L::LANES) {
                                let (Some(o), Some(v), Some(f)) =
                                    (out.get_mut(j..j + L::LANES), values.get(j..), rel.get(j..))
                                else {
                                    return false;
                                };
                                let own = L::load(f).equal(t);
                                L::select(own, L::load(v), zero).store(o);
                                hits = hits + L::select(own, one, zero);
                            }
                            for j in whole..c {
                                let (Some(o), Some(&v), Some(&f)) =
                                    (out.get_mut(j), values.get(j), rel.get(j))
                                else {
                                    return false;
                                };
                                let own = f == at as f32;
                                *o = if own { v } else { 0.0 };
                                tail_hits += usize::from(own);
                            }
                        }
                    }
                }
                let mut lanes = [0.0f32; 16];
                hits.store(&mut lanes);
                let hits = lanes
                    .iter()
                    .take(L::LANES)
                    .map(|&h| h as usize)
                    .sum::<usize>();
                if hits + tail_hits != values.len() {
                    return false;
                }
            }
        }
        true
    }
}

/// Zero-fill and scatter of one channels-last image of `c` channels.
fn scatter_channels_last(values: &[f32], indices: &[i64], out: &mut [f32], c: usize) {
    let mut zeroed = Zeroed::default();
    let pixels = values.chunks_exact(c).zip(indices.chunks_exact(c));
    for (values, indices) in pixels {
        // One zeroing check per pixel, at a bound on its targets:
        // the OR of its (checked, non-negative) indices is at
        // least their maximum, and vectorises on every target.
        let top = indices.iter().fold(0, |m, &i| m | i as usize);
        zeroed.reach(out, top * c + c - 1);
        for (ch, (&v, &i)) in values.iter().zip(indices).enumerate() {
            if let Some(o) = out.get_mut(i as usize * c + ch) {
                *o = v;
            }
        }
    }
    zeroed.finish(out);
}

/// Zero-fill and scatter of one channels-first plane.
fn scatter_plane(values: &[f32], indices: &[i64], out: &mut [f32]) {
    if out.len() <= Zeroed::WHOLE {
        // A small plane: zeroed, then scattered into while it is
        // still in cache.
        out.fill(0.0);
        for (&v, &i) in values.iter().zip(indices) {
            if let Some(o) = out.get_mut(i as usize) {
                *o = v;
            }
        }
    } else {
        let mut zeroed = Zeroed::default();
        for (&v, &i) in values.iter().zip(indices) {
            zeroed.reach(out, i as usize);
            if let Some(o) = out.get_mut(i as usize) {
                *o = v;
            }
        }
        zeroed.finish(out);
    }
}

/// The zeroed prefix of one `max_unpool` output plane (channels-first) or
/// batch (channels-last).
#[derive(Default)]
struct Zeroed {
    end: usize,
}

impl Zeroed {
    /// Zeroed ahead in blocks of this many elements (16 KiB).
    const BLOCK: usize = 4096;
    /// Planes up to this many elements (1 MiB) are zeroed whole first: they
    /// stay in the private cache for the scatter that follows.
    const WHOLE: usize = 1 << 18;

    /// Makes sure `out[..=at]` is zeroed (or written) before `out[at]` is.
    #[inline(always)]
    fn reach(&mut self, out: &mut [f32], at: usize) {
        if at >= self.end {
            let end = (at + 1).max(self.end + Self::BLOCK).min(out.len());
            if let Some(gap) = out.get_mut(self.end..end) {
                gap.fill(0.0);
            }
            self.end = end;
        }
    }

    /// Zeroes the rest.
    fn finish(self, out: &mut [f32]) {
        if let Some(rest) = out.get_mut(self.end..) {
            rest.fill(0.0);
        }
    }
}

/// Average unpooling: spreads each pooled mean back over its window.
///
/// `input` has logical shape `shape` = `(N, C, spatial...)` in `layout`;
/// `output` gets [`unpool_output_shape`] in the same layout. Each output
/// position takes the mean of the input values whose pooling windows
/// (`kernel_size`, `stride`, `padding`) cover it, and 0 where none does. With
/// `kernel_size == stride` and no padding this is nearest upsampling by the
/// kernel size. PyTorch has no such op; the golden cases build it from
/// `conv_transpose` with a ones kernel (sum over count). Within tolerance.
///
/// ```
/// use upsample::{avg_unpool, Layout, UnpoolOptions};
/// let mut output = [0.0; 4];
/// avg_unpool(&[1.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut output).unwrap();
/// assert_eq!(output, [1.0, 1.0, 3.0, 3.0]);
/// ```
///
/// # Errors
/// As [`max_unpool`], but for indices.
pub fn avg_unpool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "avg_unpool")?;
    g.check_buffers(input, output)?;
    let (i, o) = (g.input, g.output);
    let replicate = g.kernel == g.stride;
    match layout {
        Layout::ChannelsLast if i.c > 1 => {
            let (batch, out_batch) = (i.plane() * i.c, o.plane() * i.c);
            for (input, output) in input
                .chunks_exact(batch)
                .zip(output.chunks_exact_mut(out_batch))
            {
                if replicate {
                    replicate_channels_last(&g, input, output);
                } else {
                    average_channels_last::<Average>(&g, input, output);
                }
            }
        }
        _ => {
            for (input, output) in input
                .chunks_exact(i.plane())
                .zip(output.chunks_exact_mut(o.plane()))
            {
                if replicate {
                    replicate_plane::<Replicate>(&g, input, output);
                } else {
                    average_plane::<Average>(&g, input, output);
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// avg_unpool kernels. The geometry is the proof of every length; slices are
// reached by chunks, zips and `get`, so no valid geometry can make them panic.
// ---------------------------------------------------------------------------

use crate::simd::Replicate;

use crate::simd::Average;

/// `(a + b) / s` without overflow.
#[inline]
fn sum_over(a: usize, b: usize, s: usize) -> usize {
    match a.checked_add(b) {
        Some(sum) => sum / s,
        None => ((a as u128 + b as u128) / s as u128) as usize,
    }
}

/// The input row (depth and height) each output row of a `kernel == stride`
/// unpooling copies, if any: `(o + padding) / stride` per axis.
#[inline]
fn source_row(g: &UnpoolGeometry, oz: usize, oy: usize) -> Option<(usize, usize)> {
    let iz = sum_over(oz, g.padding[0], g.stride[0]);
    let iy = sum_over(oy, g.padding[1], g.stride[1]);
    (iz < g.input.spatial[0] && iy < g.input.spatial[1]).then_some((iz, iy))
}

/// `out[k] = 0.0 + src[k]`: the reference's sum of one term (which turns
/// `-0.0` into `0.0`), over channels the compiler vectorises.
#[inline(always)]
fn plus_zero(src: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(src) {
        *o = 0.0 + v;
    }
}

/// [`plus_zero`] a vector at a time: `plus_zero`'s own loop runs a
/// 16-channel pixel in its scalar tail.
#[inline(always)]
fn plus_zero_lanes(src: &[f32], out: &mut [f32]) {
    let n = Native::LANES;
    let mut chunks = src.chunks_exact(n);
    let mut outs = out.chunks_exact_mut(n);
    for (v, o) in (&mut chunks).zip(&mut outs) {
        (Native::splat(0.0) + Native::load(v)).store(o);
    }
    plus_zero(chunks.remainder(), outs.into_remainder());
}

/// The rows `(z, y)` of a `[D, H, W]` box, in order.
fn rows(spatial: [usize; MAX_SPATIAL]) -> impl Iterator<Item = (usize, usize)> {
    let [d, h, _] = spatial;
    (0..d).flat_map(move |z| (0..h).map(move |y| (z, y)))
}

/// `s[at..at + len]`, or what of it exists (the geometry makes it all exist).
#[inline(always)]
fn sub(s: &[f32], at: usize, len: usize) -> &[f32] {
    let s = s.get(at..).unwrap_or_default();
    s.get(..len).unwrap_or(s)
}

/// One channels-first plane of a `kernel == stride` unpooling: each output
/// row is zeros, a copy of the row above (same source row), or its source
/// row replicated.
fn replicate_plane<L: CopyLane>(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    let mut above: Option<((usize, usize), &mut [f32])> = None;
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow)) {
        let source = source_row(g, oz, oy);
        match (source, &above) {
            (None, _) => row.fill(0.0),
            (Some(key), Some((previous, copy))) if key == *previous => row.copy_from_slice(copy),
            (Some((iz, iy)), _) => replicate_row::<L>(g, sub(input, (iz * h + iy) * w, w), row),
        }
        above = source.map(|key| (key, row));
    }
}

/// One output row of a `kernel == stride` unpooling from its input row:
/// `out[ox] = 0.0 + row[(ox + padding) / stride]`, zero past the row's end.
fn replicate_row<L: CopyLane>(g: &UnpoolGeometry, row: &[f32], out: &mut [f32]) {
    let (s, p) = (g.stride[2], g.padding[2]);
    // The outputs before the first whole block all take input p / s.
    let head = (s - p % s) % s;
    let (out_head, body) = out.split_at_mut(head.min(out.len()));
    let value = |i: usize| row.get(i).map_or(0.0, |&v| 0.0 + v);
    out_head.fill(value(p / s));
    // (head + p) / s, with head + p a multiple of s
    let first = p / s + usize::from(head > 0);
    let row = row.get(first..).unwrap_or_default();
    let done = match s {
        1 => {
            plus_zero(row, body);
            row.len().min(body.len())
        }
        2 => replicate_blocks::<L, 2>(row, body),
        4 => replicate_blocks::<L, 4>(row, body),
        _ => {
            let blocks = body.chunks_exact_mut(s).zip(row);
            let count = blocks.len();
            for (block, &v) in blocks {
                block.fill(0.0 + v);
            }
            count
        }
    };
    // The rest: part of one more block, then zeros.
    let rest = body.get_mut(done * s..).unwrap_or_default();
    for (j, o) in rest.iter_mut().enumerate() {
        *o = row.get(done + j / s).map_or(0.0, |&v| 0.0 + v);
    }
}

/// `out[S*m + j] = 0.0 + row[m]` for `S` of 2 or 4, in vectors of `L`;
/// returns how many inputs it replicated (whole vectors only).
#[inline(always)]
fn replicate_blocks<L: CopyLane, const S: usize>(row: &[f32], out: &mut [f32]) -> usize {
    let n = L::LANES;
    let blocks = out.chunks_exact_mut(S * n).zip(row.chunks_exact(n));
    let count = blocks.len();
    for (o, v) in blocks {
        let v = L::splat(0.0) + L::load(v);
        let (lo, hi) = v.zip(v);
        let quarters;
        let parts: &[L] = if S == 2 {
            quarters = [lo, hi, lo, hi];
            &quarters[..2]
        } else {
            let ((a, b), (c, d)) = (lo.zip(lo), hi.zip(hi));
            quarters = [a, b, c, d];
            &quarters
        };
        for (part, o) in parts.iter().zip(o.chunks_exact_mut(n)) {
            part.store(o);
        }
    }
    count * n
}

/// One batch of a channels-last `kernel == stride` unpooling: each output
/// row is zeros or built from its source row (never copied from the row
/// above, unlike [`replicate_plane`]), each output pixel zeros or `0.0 +`
/// its source pixel.
fn replicate_channels_last(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let c = g.input.c;
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    let (s, p) = (g.stride[2], g.padding[2]);
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow * c)) {
        let Some((iz, iy)) = source_row(g, oz, oy) else {
            row.fill(0.0);
            continue;
        };
        // Every row from its source row, even where the row above has
        // the same one: copying that row read it back from L2 (it is
        // larger than L1), where the source row is still in L1.
        let in_row = sub(input, (iz * h + iy) * w * c, w * c);
        // Each pixel from its source (not a copy of its left neighbour,
        // which becomes a `memcpy` call per pixel).
        for (ox, pixel) in row.chunks_exact_mut(c).enumerate() {
            match in_row.chunks_exact(c).nth(sum_over(ox, p, s)) {
                None => pixel.fill(0.0),
                Some(src) => plus_zero_lanes(src, pixel),
            }
        }
    }
}

/// One channels-first plane with overlapping (or gapped) windows. Each row
/// has one depth and height span; its interior columns run in vector blocks
/// (see [`average_columns`]), the rest one output at a time.
fn average_plane<L: CopyLane>(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
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
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow)) {
        let (z, y) = (covering(g, 0, oz), covering(g, 1, oy));
        let depth_height = (z.1 - z.0) * (y.1 - y.0);
        if depth_height == 0 {
            row.fill(0.0);
            continue;
        }
        let lines = Lines { input, z, y, h, w };
        let mut done = start;
        if start < interior_end {
            done = average_columns::<L>(g, &lines, done, interior_end, row);
            done = average_columns::<f32x4>(g, &lines, done, interior_end, row);
        }
        let scalar = (0..start.min(done).min(ow)).chain(done..ow);
        for ox in scalar {
            let (x0, x1) = covering(g, 2, ox);
            let mut sum = 0.0f32;
            lines.each(|line| {
                for v in sub(input, line + x0, x1 - x0) {
                    sum += v;
                }
            });
            let count = depth_height * (x1 - x0);
            if let Some(o) = row.get_mut(ox) {
                *o = if count == 0 { 0.0 } else { sum / count as f32 };
            }
        }
    }
}

/// `sum / count` lane by lane, as the reference's `sum / count as f32`: a
/// product with the exact reciprocal when `count` is a power of two (the
/// same correctly rounded value, at a fraction of a division's cost).
#[inline(always)]
fn mean<L: CopyLane>(sum: L, count: usize) -> L {
    Mean::new(count).of(sum)
}

/// [`mean`] with its factor prepared once for many sums.
#[derive(Clone, Copy)]
struct Mean<L> {
    factor: L,
    multiply: bool,
}

impl<L: CopyLane> Mean<L> {
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
    input: &'a [f32],
    z: (usize, usize),
    y: (usize, usize),
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

/// Interior columns `from..to` (with `(from + padding) % stride == 0`) in
/// blocks of `stride * L` outputs; returns where the whole blocks end.
///
/// Within a block, the outputs `q + stride*t` (class `q`, lane `t`) are
/// covered by inputs `f_q + t .. f_q + t + n_q`: the class sums `n_q`
/// contiguous loads per covering line, in the reference's order.
#[inline(always)]
fn average_columns<L: CopyLane>(
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
        let class = |q: usize| {
            // First covering input of output ox + q: ceil((base*s + q + 1 - k) / s).
            let f = (base * s + q + 1 - k).div_ceil(s);
            let count = (base + 1 - f) * depth_height;
            let mut sum = L::splat(0.0);
            lines.each(|line| {
                let line = lines.input.get(line + f..).unwrap_or_default();
                for m in 0..base + 1 - f {
                    sum = sum + L::load(line.get(m..m + n).unwrap_or_default());
                }
            });
            if count == 0 {
                L::splat(0.0)
            } else {
                mean(sum, count)
            }
        };
        let out = row.get_mut(ox..ox + block).unwrap_or_default();
        match s {
            1 => class(0).store(out),
            2 => {
                let (lo, hi) = class(0).zip(class(1));
                let (a, b) = out.split_at_mut(n.min(out.len()));
                lo.store(a);
                hi.store(b);
            }
            _ => {
                for q in 0..s {
                    let mut lanes = [0.0f32; 16];
                    class(q).store(&mut lanes);
                    let dst = out.get_mut(q..).unwrap_or_default().iter_mut().step_by(s);
                    for (o, &v) in dst.zip(&lanes[..n]) {
                        *o = v;
                    }
                }
            }
        }
        ox += block;
    }
    ox.min(to)
}

/// The covering windows of outputs `0, 1, 2, ..` along axis `a` (as
/// [`covering`] gives them), stepped without a division per output.
struct Coverage {
    stride: usize,
    size: usize,
    /// `(o + padding) / stride` and its remainder: `last - 1`.
    last: (usize, usize),
    /// `o + padding + stride - kernel`, and its quotient and remainder by
    /// the stride once it is not negative: `first`.
    lead: i128,
    first: (usize, usize),
}

impl Coverage {
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
/// windows: each output pixel sums the channel vectors of its covering input
/// pixels in the reference's order, `L` channels at a time (`Native` in the
/// public path), then 4, then one by one.
fn average_channels_last<L: CopyLane>(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let c = g.input.c;
    let [_, h, w] = g.input.spatial;
    let ow = g.output.spatial[2];
    for ((oz, oy), row) in rows(g.output.spatial).zip(output.chunks_exact_mut(ow * c)) {
        let (z, y) = (covering(g, 0, oz), covering(g, 1, oy));
        let depth_height = (z.1 - z.0) * (y.1 - y.0);
        let lines = Lines { input, z, y, h, w };
        for (pixel, x) in row.chunks_exact_mut(c).zip(Coverage::new(g, 2)) {
            let count = depth_height * (x.1 - x.0);
            if count == 0 {
                pixel.fill(0.0);
                continue;
            }
            // The covering pixels of each line, `x.1 - x.0` of them.
            let covered = |line: usize| {
                input
                    .get((line + x.0) * c..(line + x.1) * c)
                    .unwrap_or_default()
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::for_each_point;
    use wide::{f32x4, f32x8, f32x16};

    /// The reference's formula for one output of one plane (channels-first)
    /// or one batch (channels-last, channel `ch`).
    fn expected(g: &UnpoolGeometry, input: &[f32], point: [usize; MAX_SPATIAL], ch: usize) -> f32 {
        let (c, [_, h, w]) = (g.input.c, g.input.spatial);
        let spans: [(usize, usize); MAX_SPATIAL] =
            core::array::from_fn(|a| covering(g, a, point[a]));
        let mut sum = 0.0f32;
        let mut count = 0usize;
        for z in spans[0].0..spans[0].1 {
            for y in spans[1].0..spans[1].1 {
                for x in spans[2].0..spans[2].1 {
                    let at = (z * h + y) * w + x;
                    sum += if g.input.layout == Layout::ChannelsLast {
                        input[at * c + ch]
                    } else {
                        input[at]
                    };
                    count += 1;
                }
            }
        }
        if count == 0 { 0.0 } else { sum / count as f32 }
    }

    /// The averaging and replication kernels at width `L` against the
    /// reference's formula, for a spread of geometries in both layouts.
    fn kernels_at_width<L: CopyLane>() {
        let shapes: [&[usize]; 4] = [
            &[1, 1, 45],
            &[1, 2, 7, 23],
            &[1, 19, 3, 9],
            &[1, 5, 2, 3, 11],
        ];
        for (case, shape) in shapes.into_iter().enumerate() {
            for (k, s, p) in [
                (2, 2, 0),
                (4, 4, 1),
                (3, 3, 0),
                (1, 1, 0),
                (3, 2, 1),
                (3, 1, 1),
                (2, 3, 0),
                (5, 2, 2),
            ] {
                let (kernel, stride, padding) = ([k], [s], [p]);
                let opts = UnpoolOptions::new(&kernel)
                    .with_stride(&stride)
                    .with_padding(&padding);
                for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                    let Ok(g) = UnpoolGeometry::new(shape, layout, &opts, "avg_unpool") else {
                        continue;
                    };
                    let n = g.input.numel();
                    let input: [f32; 4096] =
                        core::array::from_fn(|i| ((i * 7919 + case) % 29) as f32 * 0.37 - 5.0);
                    let input = &input[..n];
                    let mut got = [0.0f32; 16384];
                    let m = g.output.numel();
                    let got = &mut got[..m];
                    let (plane, out_plane, c) = (g.input.plane(), g.output.plane(), g.input.c);
                    match layout {
                        Layout::ChannelsFirst => {
                            for (i, o) in input
                                .chunks_exact(plane)
                                .zip(got.chunks_exact_mut(out_plane))
                            {
                                if k == s {
                                    replicate_plane::<L>(&g, i, o);
                                } else {
                                    average_plane::<L>(&g, i, o);
                                }
                            }
                        }
                        Layout::ChannelsLast => {
                            for (i, o) in input
                                .chunks_exact(plane * c)
                                .zip(got.chunks_exact_mut(out_plane * c))
                            {
                                if k == s {
                                    replicate_channels_last(&g, i, o);
                                } else {
                                    average_channels_last::<L>(&g, i, o);
                                }
                            }
                        }
                    }
                    let mut j = 0;
                    for b in 0..g.input.n {
                        let batch = &input[b * plane * c..(b + 1) * plane * c];
                        let mut check = |ch: usize, data: &[f32]| {
                            for_each_point(g.output.spatial, |point| {
                                let want = expected(&g, data, point, ch);
                                let at = match layout {
                                    Layout::ChannelsFirst => j,
                                    Layout::ChannelsLast => {
                                        let [_, oh, ow] = g.output.spatial;
                                        b * out_plane * c
                                            + ((point[0] * oh + point[1]) * ow + point[2]) * c
                                            + ch
                                    }
                                };
                                assert_eq!(
                                    got[at].to_bits(),
                                    want.to_bits(),
                                    "{shape:?} {layout:?} k{k} s{s} p{p} {point:?} ch {ch}"
                                );
                                j += 1;
                            });
                        };
                        for ch in 0..c {
                            match layout {
                                Layout::ChannelsFirst => {
                                    check(0, &batch[ch * plane..(ch + 1) * plane])
                                }
                                Layout::ChannelsLast => check(ch, batch),
                            }
                        }
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

    /// The row-at-a-time `max_unpool` of outputs whose stride cells tile
    /// them (used above the in-cache size) against the reference, at every
    /// lane width and in both layouts: indices anywhere in their own cells
    /// (as `max_pool` makes them), and one index moved out of its cell,
    /// which must send the plane or image to the scatter (`plane` or
    /// `channels_last` returns `false`). Channels-last cases have at least
    /// 16 channels (fewer go to the scatter at every width), with tails
    /// and rows longer than one chunk of offsets.
    fn cells_at_width<L: CopyLane>() {
        extern crate std;
        use std::vec;
        // shape (N, C, spatial...), stride per axis, layout
        const CF: Layout = Layout::ChannelsFirst;
        const CL: Layout = Layout::ChannelsLast;
        let cases: [(&[usize], &[usize], Layout); 13] = [
            (&[1, 2, 3, 37], &[2, 2], CF),
            (&[2, 1, 2, 9], &[2, 3], CF),
            (&[1, 1, 40], &[2], CF),
            (&[1, 2, 2, 3, 21], &[2, 2, 2], CF),
            (&[1, 1, 5, 33], &[1, 2], CF),
            (&[1, 1, 4, 16], &[3, 2], CF),
            (&[1, 16, 3, 10], &[2, 2], CL),
            (&[2, 17, 2, 5], &[2, 3], CL),
            (&[1, 35, 12], &[2], CL),
            (&[1, 20, 2, 3, 4], &[2, 2, 2], CL),
            (&[1, 33, 5, 7], &[1, 2], CL),
            (&[1, 16, 4, 6], &[3, 2], CL),
            (&[1, 33, 2, 130], &[2, 2], CL),
        ];
        let mut seed = 12345u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for (shape, stride, layout) in cases {
            let opts = UnpoolOptions::new(stride);
            let g = UnpoolGeometry::new(shape, layout, &opts, "max_unpool").unwrap();
            let cells = Cells::new(&g).unwrap();
            let [sd, sh, sw] = g.stride;
            let [_, oh, ow] = g.output.spatial;
            let i = g.input;
            let values: vec::Vec<f32> = (0..i.numel()).map(|_| next() as f32 / 1e9 - 2.0).collect();
            let mut indices = vec![0i64; values.len()];
            for (n, c, z, y, x) in (0..i.n).flat_map(|n| {
                (0..i.c).flat_map(move |c| {
                    (0..i.spatial[0]).flat_map(move |z| {
                        (0..i.spatial[1])
                            .flat_map(move |y| (0..i.spatial[2]).map(move |x| (n, c, z, y, x)))
                    })
                })
            }) {
                let r = next() as usize;
                let (dz, dy, dx) = (r % sd, r / 7 % sh, r / 49 % sw);
                indices[i.offset(n, c, [z, y, x])] =
                    (((z * sd + dz) * oh + y * sh + dy) * ow + x * sw + dx) as i64;
            }
            let (c, by_channel) = match layout {
                CF => (1, false),
                CL => (i.c, true),
            };
            for moved in [false, true] {
                let mut indices = indices.clone();
                if moved {
                    // Into the next cell's first position (still in the plane).
                    indices[1] = indices[0] - (indices[0] % sw as i64) + sw as i64 * 2;
                }
                let mut want = vec![f32::NAN; g.output.numel()];
                crate::reference::max_unpool(&values, &indices, shape, layout, &opts, &mut want)
                    .unwrap();
                let mut got = vec![f32::NAN; want.len()];
                let (plane, out_plane) = (i.plane() * c, g.output.plane() * c);
                let units = values.chunks_exact(plane).zip(indices.chunks_exact(plane));
                let mut dense = true;
                for ((v, i), out) in units.zip(got.chunks_exact_mut(out_plane)) {
                    let written = match by_channel {
                        false => cells.plane::<L>(v, i, out),
                        true => cells.channels_last::<L>(v, i, out, c),
                    };
                    if !written {
                        dense = false;
                        match by_channel {
                            false => scatter_plane(v, i, out),
                            true => scatter_channels_last(v, i, out, c),
                        }
                    }
                }
                assert_eq!(dense, !moved, "{shape:?} stride {stride:?} {layout:?}");
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<vec::Vec<_>>();
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "{shape:?} stride {stride:?} {layout:?} moved {moved}"
                );
            }
        }
    }

    #[test]
    fn cells_at_every_width() {
        cells_at_width::<f32x4>();
        cells_at_width::<f32x8>();
        cells_at_width::<f32x16>();
    }
}
