//! The row-at-a-time `max_unpool` of outputs whose stride cells the input's
//! positions tile, where every index lies in its own position's cell.

use crate::geometry::unpool::UnpoolGeometry;
use crate::layout::MAX_SPATIAL;
use crate::simd::CopyLane;

/// The stride-sized cells of a `max_unpool` output that the input's
/// positions tile exactly (`output = input * stride` on every axis). When
/// every index lies in its own position's cell, as `max_pool` with
/// `kernel <= stride` makes them, each output row is written once, in order,
/// with the value or zero, instead of zeroing the plane and then scattering
/// into it (two passes over the output).
#[derive(Clone, Copy)]
pub(super) struct Cells {
    /// Input rows `(z, y)` per plane.
    rows: usize,
    /// Input positions per row.
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

    /// The cells of `g`'s output, if the input's positions tile it with
    /// cells of at most [`Cells::MAX_ROWS`] rows.
    pub(super) fn new(g: &UnpoolGeometry) -> Option<Cells> {
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
    pub(super) fn plane<L: CopyLane>(
        &self,
        values: &[f32],
        indices: &[i64],
        out: &mut [f32],
    ) -> bool {
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
    /// than `CHUNK` channels go to the scatter. Never inlined: in line, its
    /// 4 KiB of offsets sat in the caller's frame on every call, dense or
    /// not (the firmware's max_unpool peak grew from 1.2 to 5.8 KiB when an
    /// unrelated change tipped the inliner).
    #[inline(never)]
    pub(super) fn channels_last<L: CopyLane>(
        &self,
        values: &[f32],
        indices: &[i64],
        out: &mut [f32],
        c: usize,
    ) -> bool {
        /// Offsets kept per chunk of pixels (4 KiB on the stack; 512 bytes
        /// on firmware, as interpolate's tables take the small set there).
        const CHUNK: usize = if cfg!(any(target_os = "none", upsample_small_stack)) {
            128
        } else {
            1024
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::unpool::UnpoolOptions;
    use crate::layout::Layout;
    use crate::simd::testing::{assert_same_bits, test_every_width};
    use crate::unpool::max::scatter::{scatter_channels_last, scatter_plane};

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
                let case = format_args!("{shape:?} stride {stride:?} {layout:?} moved {moved}");
                assert_same_bits(&got, &want, case);
            }
        }
    }

    test_every_width! {
        /// [`cells_at_width`] at 4, 8 and 16 lanes.
        mod cells_at_every_width: |L| { cells_at_width::<L>() }
    }
}
