//! The separable resampling with its tables and rows in the caller's
//! scratch ([`crate::interpolate_with_scratch`], [`crate::resize_with_scratch`]):
//! every mode, for callers whose stack is too small for the other
//! kernels' fixed tables (a firmware task of 2 KiB).
//!
//! ```text
//! scratch: [D table][H table][W table][sum: in_w * pixel]
//!          a table: out starts (u32), then out * taps weights
//! fill the three tables (every window computed once)
//! for each output (z, y):
//!     for each plane (CF: one (n, c) image; CL: one n, channels innermost):
//!         sum = sum over (dz, dy) taps of wz * wy * input row   (every row, weight zero too)
//!         out[x] = sum over dx taps of wx * sum[start(x) + dx]
//! if the input holds a special value: each output whose windows read one
//! recomputed by the reference (the exact fix-up, `exact.rs`)
//! ```
//!
//! It sums the height before the width as the general kernel does, in the
//! same tap order, so its results are those of the general kernel within
//! each mode's tolerance (a fused multiply-add there, a multiply and an
//! add here): nearest and nearest-exact exact copies, the smooth modes
//! PyTorch's within the tolerance, and PyTorch's NaN and infinities where
//! an input is special. The three steps run one after another from
//! [`run`], so that the windows' arithmetic, the loops and the fix-up's
//! reference never stack their frames on one another: no frame holds a
//! table.

use crate::interpolate::exact::{any_special, special};
use crate::interpolate::windows::{AxisWindows, MAX_TAPS, Problem};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::reference::interpolate::At;

/// Floats of one axis's table: a start and `taps` weights per output.
fn table_len(outputs: usize, axis: &AxisWindows) -> Option<usize> {
    outputs.checked_mul(axis.taps().checked_add(1)?)
}

/// Floats of scratch [`run`] takes for the input `i`, the output `o` and
/// the windows `axes`; `None` if that overflows.
pub(crate) fn scratch_len(i: &Dims, o: &Dims, axes: &[AxisWindows; MAX_SPATIAL]) -> Option<usize> {
    let mut len = i.spatial[2].checked_mul(i.pixel())?;
    for (&outputs, axis) in o.spatial.iter().zip(axes) {
        len = len.checked_add(table_len(outputs, axis)?)?;
    }
    Some(len)
}

/// The most taps of any axis's window.
fn widest(axes: &[AxisWindows; MAX_SPATIAL]) -> usize {
    axes.iter().map(AxisWindows::taps).max().unwrap_or(1)
}

/// Whether [`run`] takes the windows `axes` on the input `i`: a window
/// start fits a `u32` (the tables'), and no window is wider than the exact
/// fix-up takes ([`MAX_TAPS`]).
pub(crate) fn fits(i: &Dims, axes: &[AxisWindows; MAX_SPATIAL]) -> bool {
    i.spatial.iter().all(|&n| u32::try_from(n).is_ok()) && widest(axes) <= MAX_TAPS
}

/// One axis's windows, as its table in scratch holds them.
#[derive(Clone, Copy)]
struct Table<'a> {
    starts: &'a [u32],
    weights: &'a [f32],
    taps: usize,
}

impl Table<'_> {
    /// Output `o`'s window: its first input and its weights.
    #[inline(always)]
    fn window(&self, o: usize) -> (usize, &[f32]) {
        let start = self.starts.get(o).map_or(0, |&s| s as usize);
        let weights = self.weights.get(o * self.taps..(o + 1) * self.taps);
        (start, weights.unwrap_or_default())
    }
}

/// The first `n` floats of `rest` (fewer if it is shorter), leaving it the
/// others.
fn take<'a>(rest: &mut &'a mut [f32], n: usize) -> &'a mut [f32] {
    let all = core::mem::take(rest);
    let (head, tail) = all.split_at_mut(n.min(all.len()));
    *rest = tail;
    head
}

/// `scratch` ([`scratch_len`]) split into the D, H and W tables' starts
/// and weights, and the row of sums.
type Parts<'a> = ([(&'a mut [u32], &'a mut [f32]); MAX_SPATIAL], &'a mut [f32]);

fn split<'a>(p: &Problem<'_>, scratch: &'a mut [f32]) -> Parts<'a> {
    let mut rest = scratch;
    let tables = [0, 1, 2].map(|a| {
        let outputs = p.o.spatial[a];
        let starts = bytemuck::cast_slice_mut(take(&mut rest, outputs));
        (starts, take(&mut rest, outputs * p.axes[a].taps()))
    });
    (tables, take(&mut rest, p.i.spatial[2] * p.i.pixel()))
}

/// Resamples `input` into `output` on the problem `p` (the whole call, one
/// [`fits`] takes) with the tables and rows in `scratch`, [`scratch_len`]
/// floats.
#[inline(always)]
pub(crate) fn run(input: &[f32], p: &Problem<'_>, output: &mut [f32], scratch: &mut [f32]) {
    fill_tables(p, scratch);
    resample(input, p, output, scratch);
    fix_up(p, output, scratch);
}

/// Fills each axis's table with its windows.
#[inline(never)]
fn fill_tables(p: &Problem<'_>, scratch: &mut [f32]) {
    let (tables, _) = split(p, scratch);
    for ((starts, weights), axis) in tables.into_iter().zip(p.axes) {
        let taps = axis.taps();
        for (o, (start, w)) in starts
            .iter_mut()
            .zip(weights.chunks_exact_mut(taps))
            .enumerate()
        {
            *start = axis.window(o, w) as u32;
        }
    }
}

/// The tables of [`split`]'s parts, read-only.
fn tables<'a>(
    tables: &'a [(&mut [u32], &mut [f32]); MAX_SPATIAL],
    p: &Problem<'_>,
) -> [Table<'a>; MAX_SPATIAL] {
    [0, 1, 2].map(|a| Table {
        starts: &*tables[a].0,
        weights: &*tables[a].1,
        taps: p.axes[a].taps(),
    })
}

/// The sums and weighted sums, from filled tables.
#[inline(never)]
fn resample(input: &[f32], p: &Problem<'_>, output: &mut [f32], scratch: &mut [f32]) {
    let &Problem { i, o, .. } = p;
    let (parts, sum) = split(p, scratch);
    let [td, th, tw] = tables(&parts, p);
    let (planes, channels) = (i.memory_planes(), i.pixel());
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let (in_row, out_row) = (iw * channels, ow * channels);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    for oz in 0..od {
        let (zs, wd) = td.window(oz);
        for oy in 0..oh {
            let (ys, wh) = th.window(oy);
            let row = oz * oh + oy;
            for plane in 0..planes {
                let Some(source) = input.get(plane * in_plane..(plane + 1) * in_plane) else {
                    debug_assert!(false, "input plane out of bounds");
                    return;
                };
                // Every row of the windows, those of weight zero too (see
                // `general`), in the general kernel's order.
                let mut first = true;
                for (dz, &wz) in wd.iter().enumerate() {
                    for (dy, &wy) in wh.iter().enumerate() {
                        let w = wz * wy;
                        let at = ((zs + dz) * ih + ys + dy) * in_row;
                        let src = source.get(at..at + in_row).unwrap_or_default();
                        if first {
                            for (s, &x) in sum.iter_mut().zip(src) {
                                *s = w * x;
                            }
                            first = false;
                        } else {
                            for (s, &x) in sum.iter_mut().zip(src) {
                                *s += w * x;
                            }
                        }
                    }
                }
                let at = plane * out_plane + row * out_row;
                let Some(out) = output.get_mut(at..at + out_row) else {
                    debug_assert!(false, "output row out of bounds");
                    return;
                };
                horizontal(sum, &tw, channels, out);
            }
        }
    }
}

/// `out[x] = sum over k of w[x][k] * sum[start(x) + k]` along the W table
/// `tw`, per channel of `channels` (a pixel's channels innermost), the
/// taps in order.
fn horizontal(sum: &[f32], tw: &Table<'_>, channels: usize, out: &mut [f32]) {
    let (taps, weights) = (tw.taps, tw.weights.chunks_exact(tw.taps));
    if channels == 1 {
        match taps {
            1 => one_channel::<1>(sum, tw, out),
            2 => one_channel::<2>(sum, tw, out),
            4 => one_channel::<4>(sum, tw, out),
            _ => {
                for ((o, w), &start) in out.iter_mut().zip(weights).zip(tw.starts) {
                    let window = sum.get(start as usize..).unwrap_or_default();
                    let mut inputs = window.iter().zip(w);
                    let first = inputs.next().map_or(0.0, |(&x, &w)| w * x);
                    *o = inputs.fold(first, |s, (&x, &w)| s + w * x);
                }
            }
        }
        return;
    }
    let pixels = out.chunks_exact_mut(channels);
    for ((px, w), &start) in pixels.zip(weights).zip(tw.starts) {
        let at = start as usize * channels;
        let window = sum.get(at..at + taps * channels).unwrap_or_default();
        let mut inputs = window.chunks_exact(channels).zip(w);
        if let Some((x, &w)) = inputs.next() {
            for (o, &x) in px.iter_mut().zip(x) {
                *o = w * x;
            }
        }
        for (x, &w) in inputs {
            for (o, &x) in px.iter_mut().zip(x) {
                *o += w * x;
            }
        }
    }
}

/// [`horizontal`] of one channel with windows of `T` taps (nearest,
/// linear, cubic): fixed-size windows, which the compiler keeps in
/// registers, in the same order of operations.
fn one_channel<const T: usize>(sum: &[f32], tw: &Table<'_>, out: &mut [f32]) {
    let weights = tw.weights.chunks_exact(T);
    for ((o, w), &start) in out.iter_mut().zip(weights).zip(tw.starts) {
        let start = start as usize;
        let (Some(x), Ok(w)) = (sum.get(start..start + T), <&[f32; T]>::try_from(w)) else {
            continue;
        };
        let mut value = w[0] * x[0];
        for k in 1..T {
            value += w[k] * x[k];
        }
        *o = value;
    }
}

/// The exact fix-up (`exact.rs`, whose [`fix_row`](crate::interpolate::exact::fix_row)
/// this is, on the tables): where the input holds a NaN, an infinity or a
/// value of magnitude 2^60 or more, each output whose windows read one is
/// recomputed by the reference. (The sums of ordinary inputs, each below
/// 2^60, do not overflow.) Nothing to do for nearest and nearest-exact,
/// which copy.
#[inline(never)]
fn fix_up(p: &Problem<'_>, output: &mut [f32], scratch: &mut [f32]) {
    let (input, i, o) = (p.source, p.i, p.o);
    if p.g.copies() || !any_special(input) {
        return;
    }
    // The windows' starts, found by offset (a `split` would hold every
    // part in this frame).
    let [kd, kh, kw] = [0, 1, 2].map(|a| p.axes[a].taps());
    let [od, oh, ow] = o.spatial;
    let tables: &[u32] = bytemuck::cast_slice(scratch);
    let ds = tables.get(..od).unwrap_or_default();
    let hs = tables.get(od * (kd + 1)..).unwrap_or_default();
    let ws = hs.get(oh * (kh + 1)..).unwrap_or_default();
    let (planes, channels) = (i.memory_planes(), i.pixel());
    for (oz, &zs) in ds.iter().enumerate() {
        for (oy, &ys) in hs.iter().take(oh).enumerate() {
            for plane in 0..planes {
                let (n, cs) = match i.layout {
                    Layout::ChannelsFirst => (plane / i.c, plane % i.c..plane % i.c + 1),
                    Layout::ChannelsLast => (plane, 0..channels),
                };
                for (x, &xs) in ws.iter().take(ow).enumerate() {
                    for c in cs.clone() {
                        let start = [zs, ys, xs].map(|s| s as usize);
                        if window_holds_special(input, i, (n, c), start, [kd, kh, kw]) {
                            let at = o.offset(n, c, [oz, oy, x]);
                            let spatial = [oz, oy, x];
                            let value = p.g.value_at(input, At { n, c, spatial });
                            if let Some(slot) = output.get_mut(at) {
                                *slot = value;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether the window of `taps` inputs from `start` (per `[D, H, W]` axis)
/// of plane `(n, c)` of `input` (dims `i`) holds a NaN, an infinity or a
/// value of magnitude 2^60 or more. Out of line: its loops' registers
/// stay out of [`fix_up`]'s frame, which the reference's stacks on.
#[inline(never)]
fn window_holds_special(
    input: &[f32],
    i: &Dims,
    (n, c): (usize, usize),
    start: [usize; MAX_SPATIAL],
    taps: [usize; MAX_SPATIAL],
) -> bool {
    let [zs, ys, xs] = start;
    let [kd, kh, kw] = taps;
    (zs..zs + kd).any(|z| {
        (ys..ys + kh).any(|y| {
            (xs..xs + kw).any(|x| {
                input
                    .get(i.offset(n, c, [z, y, x]))
                    .is_some_and(|&v| special(v))
            })
        })
    })
}
