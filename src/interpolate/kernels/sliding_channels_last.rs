//! Channels-last resampling whose W windows have at most 4 taps (linear,
//! bilinear, bicubic and trilinear at any scale or with `align_corners`,
//! antialiased bilinear down to about half), with 1, 2, 4 or 8 whole
//! vectors of channels per pixel, or groups of that many
//! ([`super::pixel_group`]).
//!
//! ```text
//! for each chunk of output columns (windows found once, on the stack):
//!     for each output row (its at most 4 source rows: depth x height taps):
//!         along the row, b[t] = vertical blend of input pixel start + t,
//!             kept in registers and rolled forward as the window start grows
//!         out[x] = sum_t w[x][t] * b[t]
//! ```
//!
//! Each input pixel is blended once per output row (per chunk), as in the
//! general pass, but the blends stay in registers instead of
//! going through a stored row, which queued a store per vector behind the
//! output stream. With 16 lanes (32 registers), two output rows that
//! read the same source rows go in one pass, each source pixel loaded
//! once for both. Columns that double take `blend_x2` first: it needs no
//! per-column weights, and measured faster on trilinear x2.

use crate::interpolate::exact::Flag;
use crate::interpolate::rows::{
    Check, MAX_T, blended_rows, by_group, each_row, each_row_paired, load_pixel, pixel_shape,
    store_pixel,
};
use crate::interpolate::windows::Problem;
use crate::layout::Layout;
use crate::simd::CopyLane;
use crate::stack::pick;
use core::cell::Cell;

/// The most output columns whose windows are found at once (12 KiB on
/// the stack with 2 taps, 20 KiB with 4; under 1 KiB in the small set).
const COLUMNS: usize = pick(1024, 32);

/// Output columns per chunk for pixels of many channels.
const SHORT: usize = pick(256, 32);

/// Output floats per chunk of a row for pixels of few channels: each chunk
/// reads a strip of every source row, and strips of a few kilobytes
/// stream a large image from memory far slower than whole rows do.
const STRIP: usize = 3 * 1024;

/// Channels-last pixels take groups of this many vectors with 2 taps
/// where a pixel has more than 8 (SSE2's measured best for 64 channels:
/// groups of 2 or 4 were slower).
const GROUP_OF_TWO_TAPS: usize = 8;

/// The shape this kernel takes a channels-last problem in, if any.
fn shape(p: &Problem<'_>, lanes: usize) -> Option<(usize, usize, usize)> {
    let &Problem { i, axes, .. } = p;
    let r = blended_rows(axes)?;
    // Window starts are kept as `u32`.
    if i.layout != Layout::ChannelsLast || i.c == 1 || i.spatial[2] > u32::MAX as usize {
        return None;
    }
    pixel_shape(axes[2].taps(), r, i.c, lanes, GROUP_OF_TWO_TAPS)
}

/// Whether the problem is channels-last with more than one channel, W
/// windows of 2 or 4 taps, at most 4 source rows per output row, and
/// whole vectors of channels in a supported group, with `lanes` lanes.
pub(crate) fn fits(p: &Problem<'_>, lanes: usize) -> bool {
    shape(p, lanes).is_some()
}

/// Resamples `input` into `output`, a problem [`fits`] holds for with
/// `L`'s lanes.
pub(crate) fn run<L: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    at_pixel_lanes!(run_lanes, L, p.i.c, (input, p, output));
}

/// [`run`] with pixels in vectors `W` ([`pixel_lanes`](crate::interpolate::rows::pixel_lanes)).
fn run_lanes<W: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    by_pixel_shape!(run_shape, W, shape(p, W::LANES), (input, p, output));
}

/// [`run`] with `T` taps along W, `R` source rows per output row and `V`
/// vectors of channels per pixel.
fn run_shape<L: CopyLane, const T: usize, const R: usize, const V: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
) {
    let &Problem { i, o, axes, .. } = p;
    let ow = o.spatial[2];
    // Pixels of `c` channels, taken `V` vectors at a time.
    let (c, group) = (i.c, V * L::LANES);
    let mut starts = [0u32; COLUMNS];
    let mut weights = [[0.0f32; T]; COLUMNS];
    let chunk = (STRIP / c).clamp(SHORT, COLUMNS);
    for x0 in (0..ow).step_by(chunk) {
        let n = chunk.min(ow - x0);
        for (x, (s, w)) in starts
            .iter_mut()
            .zip(weights.iter_mut())
            .enumerate()
            .take(n)
        {
            *s = axes[2].window(x0 + x, w) as u32;
        }
        let (starts, weights) = (&starts[..n], &weights[..n]);
        let span = x0 * c..(x0 + n) * c;
        fn cut(out: &mut [f32], span: core::ops::Range<usize>) -> &mut [f32] {
            out.get_mut(span).unwrap_or_default()
        }
        let single = |source: [&[f32]; R], hw: [f32; R], out: &mut [f32]| {
            let [flag] = by_group(
                source,
                [cut(out, span.clone())],
                c,
                group,
                |source, stride, out| {
                    rows::<L, T, R, V, 1>(source, [hw], starts, weights, stride, out)
                },
            );
            flag
        };
        // The exact fix-up looks at this chunk's columns.
        let p = &Problem {
            columns: (x0, x0 + n),
            ..*p
        };
        if L::LANES >= 16 {
            // Two output rows of the same source rows in one pass, each
            // source pixel loaded once for both (the rows' loads come from
            // L2 once rows are long). Only where 32 vector registers hold
            // both rows' windows (SSE2 and AVX2 have 16).
            let pair = |source: [&[f32]; R], hw: [[f32; R]; 2], [a, b]: [&mut [f32]; 2]| {
                let out = [cut(a, span.clone()), cut(b, span.clone())];
                by_group(source, out, c, group, |source, stride, out| {
                    rows::<L, T, R, V, 2>(source, hw, starts, weights, stride, out)
                })
            };
            each_row_paired::<R>(input, p, output, Check::Flags, single, pair);
        } else {
            each_row::<R>(input, p, output, Check::Flags, single);
        }
    }
}

/// Output columns `starts.len()` of `P` rows (`out`, from the chunk's
/// first) of the same `R` source rows, blended with `hw[p]` for row `p`:
/// `V` vectors of channels of each pixel, pixels `stride` floats apart.
/// Each source pixel is loaded once for all `P` rows.
#[inline(always)]
fn rows<L: CopyLane, const T: usize, const R: usize, const V: usize, const P: usize>(
    source: [&[f32]; R],
    hw: [[f32; R]; P],
    starts: &[u32],
    weights: &[[f32; T]],
    stride: usize,
    mut out: [&mut [f32]; P],
) -> [bool; P] {
    let vh = hw.map(|h| h.map(L::splat));
    let zero = L::splat(0.0);
    // Every blend noted for the exact fix-up (`exact.rs`).
    let flags = Cell::new([Flag::<L>::new(); P]);
    // The vertical blends of input pixel `p`, one per output row.
    let pixel_blends = |p: usize| -> [[L; V]; P] {
        let mut acc = [[zero; V]; P];
        for (r, s) in source.iter().enumerate() {
            let v: [L; V] = load_pixel(s, p * stride);
            for (k, &v) in v.iter().enumerate() {
                for (a, h) in acc.iter_mut().zip(&vh) {
                    a[k] = if r == 0 {
                        v * h[r]
                    } else {
                        v.mul_add(h[r], a[k])
                    };
                }
            }
        }
        acc
    };
    let blend = |p: usize| -> [[L; V]; P] {
        let acc = pixel_blends(p);
        let mut f = flags.get();
        for (f, a) in f.iter_mut().zip(&acc) {
            f.note_all(a);
        }
        flags.set(f);
        acc
    };
    let Some(&first) = starts.first() else {
        return [false; P];
    };
    let first = first as usize;
    // The blends of pixels next - T .. next (indexed only by constants, so
    // that they stay in registers), each new one pushed in at the end:
    // `blend` has one call site, which the compiler keeps in line (with
    // three, for the first window, a jump and a step, it left the closure
    // out of line with 4-lane pixels, the window and the flags in memory).
    let mut next = first;
    let mut b: [[[L; V]; P]; MAX_T] = [[[zero; V]; P]; MAX_T];
    for (x, (&s, w)) in starts.iter().zip(weights).enumerate() {
        let s = s as usize;
        // A window that moves back or jumps past the last is made anew.
        if s + T < next || s > next {
            next = s;
        }
        while next < s + T {
            for t in 0..T - 1 {
                b[t] = b[t + 1];
            }
            b[T - 1] = blend(next);
            next += 1;
        }
        for (p, out) in out.iter_mut().enumerate() {
            let mut acc = [zero; V];
            for (t, &w) in w.iter().enumerate().take(T) {
                let w = L::splat(w);
                for (a, &v) in acc.iter_mut().zip(&b[t][p]) {
                    *a = if t == 0 { v * w } else { v.mul_add(w, *a) };
                }
            }
            store_pixel(out, x * stride, acc);
        }
    }
    Flag::raised_each(flags.get())
}
