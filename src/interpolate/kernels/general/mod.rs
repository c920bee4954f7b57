//! The general kernel, which takes every mode: a separable resampling, written
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
//! taps read within one vector of inputs
//! ([`Blocks`](crate::interpolate::blocks::Blocks)), a row chunk is one
//! load of the source rows' blend per block (no `temp`) and a permute per
//! tap ([`fused_row`]). Halving rows are deinterleaved once per row
//! (`periodic.rs`). Stack: [`run`]'s frame holds the tables and rows,
//! about 43 KiB on x86_64 and 5 KiB with the small set of lengths that
//! firmware builds take (`stack.rs`).
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

mod edges;
mod horizontal;
mod periodic;
mod vertical;

use crate::interpolate::blocks::{Blend, Blocks, Source, permuted_all, permuted_plan};
use crate::interpolate::exact::{any_special, fix_row};
use crate::interpolate::plan::Target;
use crate::interpolate::windows::table::{
    ColumnTable, Table, W_BY_TAP, W_CHUNK, W_POOL, find_regular,
};
use crate::interpolate::windows::{AxisWindows, MAX_TAPS, Problem};
use crate::layout::MAX_SPATIAL;
use crate::simd::{Permute, VECTOR_REGISTERS};
use crate::stack::pick;
use edges::Edge;
use horizontal::{horizontal, horizontal_few_channels};
use vertical::vertical;

/// Output rows (or depths) per table.
const ROW_CHUNK: usize = pick(64, 8);
/// Weights per row table.
const ROW_POOL: usize = pick(512, 64);
/// Floats of the vertical sum of one output row's input span.
const TEMP: usize = pick(2048, 128);
/// The most input rows one output row may combine.
pub(super) const MAX_ROWS: usize = 64;

/// Whether the windows fit the stack tables: at most [`MAX_TAPS`] along W,
/// [`MAX_ROWS`] source rows per output row.
pub(crate) fn fits(axes: &[AxisWindows; MAX_SPATIAL]) -> bool {
    let [ad, ah, aw] = axes;
    let (kd, kh, kw) = (ad.taps(), ah.taps(), aw.taps());
    kw <= MAX_TAPS && kd.saturating_mul(kh) <= MAX_ROWS && kd <= ROW_POOL && kh <= ROW_POOL
}

/// Resamples `input` (geometry `i`) into `output` (geometry `o`) through the
/// per-`[D, H, W]`-axis tables `axes`, a problem [`fits`] holds for.
pub(crate) fn run<L: Permute>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { i, o, axes, .. } = p;
    debug_assert!(fits(axes));
    let [ad, ah, aw] = axes;
    let (kd, kh, kw) = (ad.taps(), ah.taps(), aw.taps());
    // Channels-first: every (n, c) plane is a one-channel image.
    let (planes, channels) = (i.memory_planes(), i.pixel());
    // Channels-last with fewer channels than a vector (RGB, RGBA): each
    // channel of the vertical sum deinterleaved into a row of its own and
    // resampled as channels-first rows are (`horizontal_few_channels`).
    // Not without vector registers, where the deinterleaving costs more
    // than the vectors along the row save (`scripts/firmware-speed.sh`).
    let few = VECTOR_REGISTERS && channels > 1 && channels < L::LANES;
    // The vertical sum, and for channels-first the deinterleaved row of a
    // halving (see `periodic`), zeroed once here rather than per row.
    // Channels-last has no halvings and takes the whole of it as the sum:
    // twice the pixels per column table, so fewer inputs summed again for
    // the next table's overlapping windows.
    let mut scratch = [0.0f32; 2 * TEMP];
    let (temp, halves) = if channels == 1 || few {
        scratch.split_at_mut(TEMP)
    } else {
        (&mut scratch[..], &mut [][..])
    };
    // The sum's channels as rows of their own and their outputs, for
    // `few` (four channels at most; more, one at a time).
    let mut planar = [0.0f32; TEMP + 4 * W_CHUNK];
    // Channels per pass, so that one window of pixels fits the temp row.
    let block = channels.min(temp.len() / kw);
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let (in_row, out_row) = (iw * channels, ow * channels);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    let mut dt = Table::<ROW_CHUNK, ROW_POOL, 0>::new(kd);
    let mut ht = Table::<ROW_CHUNK, ROW_POOL, 0>::new(kh);
    let mut wt = ColumnTable::new(kw);
    let mut rows = [(0usize, 0.0f32); MAX_ROWS];
    let mut ox0 = 0;
    while ox0 < ow {
        let (lo, hi) = wt.fill(aw, ox0, ow - ox0, temp.len() / block);
        let span = hi - lo;
        let regular = if channels == 1 || few {
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
            permuted_plan(&wt, span, regular.is_some(), Target::of::<L>())
        } else {
            None
        };
        let mut oz0 = 0;
        while oz0 < od {
            dt.fill(ad, oz0, od - oz0, usize::MAX);
            let mut oy0 = 0;
            while oy0 < oh {
                ht.fill(ah, oy0, oh - oy0, usize::MAX);
                for plane in 0..planes {
                    let mut c0 = 0;
                    while c0 < channels {
                        let width = block.min(channels - c0);
                        for z in 0..dt.len {
                            let (zs, zw) = dt.get(z);
                            for y in 0..ht.len {
                                let (ys, yw) = ht.get(y);
                                // Every row of the windows, those of weight
                                // zero too: PyTorch multiplies them, and a
                                // NaN there is NaN in its answer.
                                let mut count = 0;
                                for (dz, &wz) in zw.iter().enumerate() {
                                    for (dy, &wy) in yw.iter().enumerate() {
                                        let w = wz * wy;
                                        if count < MAX_ROWS {
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
                                    return;
                                };
                                let rows = &rows[..count];
                                let fused = fused.as_ref().and_then(|blocks| {
                                    fused_row::<L, W_CHUNK, W_POOL, W_BY_TAP>(
                                        input, rows, span, &wt, blocks, dst,
                                    )
                                });
                                let flagged = match fused {
                                    Some(flagged) => flagged,
                                    None => {
                                        // One row of weight 1 is read in
                                        // place (and checked for the
                                        // fix-up); any other sum goes
                                        // through `temp`.
                                        let (src, flagged) = if let ([(offset, 1.0)], true) =
                                            (rows, width == channels)
                                        {
                                            let Some(src) =
                                                input.get(*offset..offset + span * width)
                                            else {
                                                debug_assert!(false, "input row out of bounds");
                                                return;
                                            };
                                            (src, any_special(src))
                                        } else {
                                            let t =
                                                temp.get_mut(..span * width).unwrap_or_default();
                                            let flagged =
                                                vertical::<L>(input, rows, channels, width, t);
                                            (&*t, flagged)
                                        };
                                        if few {
                                            horizontal_few_channels::<L, W_CHUNK, W_POOL, W_BY_TAP>(
                                                src,
                                                width,
                                                &wt,
                                                (lo, regular, &edges),
                                                dst,
                                                channels,
                                                (halves, &mut planar),
                                            );
                                        } else {
                                            horizontal::<L, W_CHUNK, W_POOL, W_BY_TAP>(
                                                src, width, &wt, lo, regular, &edges, dst,
                                                channels, halves,
                                            );
                                        }
                                        flagged
                                    }
                                };
                                // The exact fix-up (`exact.rs`) where a sum
                                // was special, or a row of weight zero holds
                                // a large value.
                                let reach = (span - 1) * channels + width;
                                let zero_large = rows.iter().any(|&(offset, w)| {
                                    w == 0.0
                                        && any_special(
                                            input.get(offset..offset + reach).unwrap_or_default(),
                                        )
                                });
                                if flagged || zero_large {
                                    let at = plane * out_plane + row * out_row;
                                    let out = output.get_mut(at..at + out_row).unwrap_or_default();
                                    let columns = ox0..ox0 + wt.len;
                                    fix_row(p, plane, row, columns, c0..c0 + width, out);
                                }
                            }
                        }
                        c0 += width;
                    }
                }
                oy0 += ht.len;
            }
            oz0 += dt.len;
        }
        ox0 += wt.len;
    }
}

/// A channels-first row chunk straight from its input rows `rows` (offset,
/// weight) through [`permuted_all`], without the vertical sum in a temp
/// row: its flag for the exact fix-up, or `None`, having written nothing,
/// where that does not apply (more than 4 rows, windows of other than 2 or
/// 4 taps, or blocks that do not fit).
#[inline]
fn fused_row<L: Permute, const N: usize, const P: usize, const T: usize>(
    input: &[f32],
    rows: &[(usize, f32)],
    span: usize,
    wt: &Table<N, P, T>,
    blocks: &Blocks,
    dst: &mut [f32],
) -> Option<bool> {
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
    ) -> Option<bool> {
        match (src, wt.taps) {
            (Some(src), 2) => Some(permuted_all::<L, S, 2, N, P, T, false>(
                &src, wt, blocks, dst,
            )),
            (Some(src), 4) => Some(permuted_all::<L, S, 4, N, P, T, false>(
                &src, wt, blocks, dst,
            )),
            _ => None,
        }
    }
    match rows.len() {
        1 => run::<L, _, N, P, T>(blend::<1>(input, rows, span), wt, blocks, dst),
        2 => run::<L, _, N, P, T>(blend::<2>(input, rows, span), wt, blocks, dst),
        3 => run::<L, _, N, P, T>(blend::<3>(input, rows, span), wt, blocks, dst),
        4 => run::<L, _, N, P, T>(blend::<4>(input, rows, span), wt, blocks, dst),
        _ => None,
    }
}
