//! Channels-first resampling four planes at a time, for builds whose
//! vectors have no one-instruction lane permute ([`Permute::PERMUTE`]
//! false: x86_64's default SSE2): windows of 2 to 4 taps along W (linear,
//! bilinear, bicubic, trilinear with `align_corners` or at odd scales),
//! which the general pass would otherwise compute one output at a time.
//!
//! ```text
//! for each chunk of output columns (windows and splatted weights found once):
//!     for each output row (at most 4 source rows), for each 4 planes:
//!         col[j] = [blend of plane p's source rows at input column lo + j, p = 0..4]
//!                  (a vector per plane and 4 columns, then a 4x4 transpose)
//!         for each 4 output columns x .. x + 4:
//!             acc[i] = sum_t w[x + i][t] * col[start(x + i) - lo + t]
//!             a 4x4 transpose of acc: one vector per plane, stored in its row
//! ```
//!
//! Every output column then costs a vector multiply-add per tap for four
//! planes, with the same lane of every vector in the same plane, so no
//! lane ever moves at run time. Planes past the last (when the plane
//! count is not a multiple of 4) read the last plane again and are not
//! written.
//!
//! [`Permute::PERMUTE`]: crate::simd::Permute::PERMUTE

use crate::interpolate::exact::{Flag, fix_row, zero_weight_rows};
use crate::interpolate::rows::{CHUNK, Check, SourceRows, blended_rows, column_blend};
use crate::interpolate::windows::Problem;
use crate::layout::Layout;
use crate::simd::{FourPlanes, Lane};
use crate::stack::pick;

/// Output columns whose windows are found at once.
const COLUMNS: usize = pick(128, 16);
/// Interleaved input columns of one chunk (16 KiB on the stack; 1 KiB in
/// the small set).
const SPAN: usize = pick(1024, 64);

/// Whether the W windows have 2 to 4 taps, each output row blends at most
/// 4 source rows (depth taps at most 2), and the planes are channels-first
/// (or channels-last with one channel, the same memory).
pub(crate) fn fits(p: &Problem<'_>) -> bool {
    let &Problem { i, axes, .. } = p;
    let Some(r) = blended_rows(axes) else {
        return false;
    };
    (i.layout == Layout::ChannelsFirst || i.c == 1)
        && (2..=4).contains(&axes[2].taps())
        && (1..=4).contains(&r)
}

/// Resamples `input` into `output`, a problem [`fits`] holds for.
pub(crate) fn run(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { axes, .. } = p;
    let r = blended_rows(axes).unwrap_or(0);
    match axes[2].taps() {
        2 => run_taps::<2>(r, input, p, output),
        3 => run_taps::<3>(r, input, p, output),
        4 => run_taps::<4>(r, input, p, output),
        taps => debug_assert!(false, "four planes with {taps} taps"),
    }
}

/// [`run`] with `T` taps along W, by the number `r` of source rows.
fn run_taps<const T: usize>(r: usize, input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    match r {
        1 => run_shape::<T, 1>(input, p, output),
        2 => run_shape::<T, 2>(input, p, output),
        3 => run_shape::<T, 3>(input, p, output),
        4 => run_shape::<T, 4>(input, p, output),
        r => debug_assert!(false, "four planes with {T} taps and {r} source rows"),
    }
}

/// [`run`] with `T` taps along W and `R` source rows per output row.
fn run_shape<const T: usize, const R: usize>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { i, o, axes, .. } = p;
    let ow = o.spatial[2];
    let planes = i.n * i.c;
    let mut starts = [0usize; COLUMNS];
    let mut weights = [[FourPlanes::splat(0.0); T]; COLUMNS];
    let mut raw = [[0.0f32; T]; COLUMNS];
    let mut cols = [FourPlanes::splat(0.0); SPAN];
    // Rows that planes past the last write to, so that every group writes
    // four rows of one length.
    let mut spare = [[0.0f32; COLUMNS]; 3];
    let mut x0 = 0;
    while x0 < ow {
        // The windows of up to COLUMNS outputs spanning at most SPAN inputs.
        // The weights splatted in a pass of their own: read back right
        // after the window's 4-byte stores, a weight pair loaded as one
        // 8-byte word waited for them (store forwarding fails), which was
        // most of a 1-d call's time.
        let (mut lo, mut hi, mut n) = (usize::MAX, 0, 0);
        while n < COLUMNS && x0 + n < ow {
            let s = axes[2].window_in_line(x0 + n, &mut raw[n]);
            let (l, h) = (lo.min(s), hi.max(s + T));
            if n > 0 && h - l > SPAN {
                break;
            }
            starts[n] = s;
            (lo, hi, n) = (l, h, n + 1);
        }
        for (w, r) in weights.iter_mut().zip(&raw).take(n) {
            *w = r.map(FourPlanes::splat);
        }
        let (starts, weights) = (&starts[..n], &weights[..n]);
        let Some(mut rows) = SourceRows::<R>::new(p, Check::Flags) else {
            return;
        };
        let (in_plane, out_plane, in_row, out_row) = rows.sizes;
        while let Some((first, count)) = rows.next_chunk(CHUNK) {
            for q in (0..planes).step_by(4) {
                // Planes q .. q + 4, the last one repeated past the end.
                let plane = |p: usize| (q + p).min(planes - 1) * in_plane;
                let mut dst = output.chunks_exact_mut(out_plane).skip(q).take(4);
                let mut dst: [&mut [f32]; 4] =
                    core::array::from_fn(|_| dst.next().unwrap_or_default());
                for (k, &(at, h)) in rows.sources.iter().enumerate().take(count) {
                    let mut src = [[&[][..]; R]; 4];
                    for (p, rows) in src.iter_mut().enumerate() {
                        for (row, &a) in rows.iter_mut().zip(&at) {
                            let from = plane(p) + a;
                            *row = input.get(from..from + in_row).unwrap_or_default();
                        }
                    }
                    let row = (first + k) * out_row + x0;
                    let [d0, d1, d2, d3] = &mut dst;
                    let [s1, s2, s3] = &mut spare;
                    let out = [
                        d0.get_mut(row..row + n).unwrap_or_default(),
                        row_or_spare(d1, s1, row, n),
                        row_or_spare(d2, s2, row, n),
                        row_or_spare(d3, s3, row, n),
                    ];
                    let flagged = interleave::<R>(&src, h, lo, hi, &mut cols);
                    columns::<T>(&cols, lo, starts, weights, out);
                    // The exact fix-up (`exact.rs`), plane by plane: only
                    // the planes whose own blends were special, so that a
                    // plane's result is the same whatever planes share its
                    // group (a call split into parts groups them otherwise).
                    let planes_here = dst.iter_mut().zip(&src).enumerate().take(planes - q);
                    for (j, (plane_out, src)) in planes_here {
                        let own = flagged & (1 << j) != 0;
                        if own || (h.contains(&0.0) && zero_weight_rows(src, &h)) {
                            let row = first + k;
                            let at = row * out_row;
                            let out = plane_out.get_mut(at..at + out_row).unwrap_or_default();
                            fix_row(p, q + j, row, x0..x0 + n, 0..1, out);
                        }
                    }
                }
            }
        }
        x0 += n;
    }
}

/// `plane[at..at + n]`, or the first `n` of `spare` for a plane past the
/// last (an empty `plane`).
fn row_or_spare<'a>(
    plane: &'a mut [f32],
    spare: &'a mut [f32],
    at: usize,
    n: usize,
) -> &'a mut [f32] {
    match plane.get_mut(at..at + n) {
        Some(row) => row,
        None => spare.get_mut(..n).unwrap_or_default(),
    }
}

/// `cols[j]` = the blend with `h` of the four planes' source rows `src` at
/// input column `lo + j`, for `lo + j < hi`: a vector of 4 columns per
/// plane, transposed.
#[inline(always)]
/// Returns the planes (bit `p` for plane `p`) whose blends raised the
/// exact fix-up's flag (`exact.rs`).
fn interleave<const R: usize>(
    src: &[[&[f32]; R]; 4],
    h: [f32; R],
    lo: usize,
    hi: usize,
    cols: &mut [FourPlanes; SPAN],
) -> u32 {
    let mut flag = Flag::<FourPlanes>::new();
    let vh = h.map(FourPlanes::splat);
    let span = hi - lo;
    let full = span / 4 * 4;
    let blend = |p: usize, c: usize| column_blend(&src[p], &vh, c);
    for (j, quad) in cols
        .get_mut(..full)
        .unwrap_or_default()
        .chunks_exact_mut(4)
        .enumerate()
    {
        let c = lo + 4 * j;
        let t = FourPlanes::transpose(core::array::from_fn(|p| blend(p, c)));
        flag.note_all(&t);
        quad.copy_from_slice(&t);
    }
    for (c, col) in (lo + full..hi).zip(cols.get_mut(full..span).unwrap_or_default()) {
        *col = FourPlanes::new(core::array::from_fn(|p| {
            let mut acc = 0.0;
            for (r, (s, &w)) in src[p].iter().zip(&h).enumerate() {
                let v = s.get(c).copied().unwrap_or(0.0);
                acc = if r == 0 { v * w } else { acc + v * w };
            }
            acc
        }));
        flag.note(*col);
    }
    flag.raised_lanes()
}

/// The output columns of the chunk (windows `starts`, splatted weights
/// `weights`) for the four planes from the interleaved `cols` (input
/// column `lo` first), four columns at a time, transposed into `out` (one
/// row per plane, each as long as `starts`).
#[inline(always)]
fn columns<const T: usize>(
    cols: &[FourPlanes; SPAN],
    lo: usize,
    starts: &[usize],
    weights: &[[FourPlanes; T]],
    out: [&mut [f32]; 4],
) {
    let n = starts.len();
    let [Some(o0), Some(o1), Some(o2), Some(o3)] = out.map(|o| o.get_mut(..n)) else {
        return;
    };
    let column = |s: usize, w: &[FourPlanes; T]| {
        // Every window lies in `cols` (`lo` is the least start): the
        // clamp never binds, and leaves the loads unchecked.
        let s = s.wrapping_sub(lo).min(SPAN - T);
        let c = &cols[s..s + T];
        let mut acc = w[0] * c[0];
        for t in 1..T {
            acc = w[t].mul_add(c[t], acc);
        }
        acc
    };
    let quads = starts.chunks_exact(4).zip(weights.chunks_exact(4));
    let rows = o0.chunks_exact_mut(4).zip(o1.chunks_exact_mut(4));
    let rows = rows.zip(o2.chunks_exact_mut(4).zip(o3.chunks_exact_mut(4)));
    for ((s, w), ((r0, r1), (r2, r3))) in quads.zip(rows) {
        let [v0, v1, v2, v3] = FourPlanes::transpose(core::array::from_fn(|i| column(s[i], &w[i])));
        for (r, v) in [r0, r1, r2, r3].into_iter().zip([v0, v1, v2, v3]) {
            <FourPlanes as Lane>::store(v, r);
        }
    }
    let done = n / 4 * 4;
    let tail = starts[done..].iter().zip(&weights[done..]);
    for (x, (&s, w)) in (done..n).zip(tail) {
        let v = column(s, w).to_array();
        for (o, v) in [&mut *o0, &mut *o1, &mut *o2, &mut *o3].into_iter().zip(v) {
            if let Some(o) = o.get_mut(x) {
                *o = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::interpolate::{
        InterpolateGeometry, InterpolateMode as M, InterpolateOptions,
    };
    use crate::interpolate::windows::{Call, Part, axis_windows};

    /// Against the reference: 1 to 9 planes (groups of 4 and the repeated
    /// last plane), widths across the transposes' tails and the column
    /// chunks, up- and downscales, `align_corners`, 1 to 4 source rows.
    #[test]
    fn matches_reference() {
        let modes = [
            (M::Linear, Some(false)),
            (M::Linear, Some(true)),
            (M::Bilinear, Some(false)),
            (M::Bilinear, Some(true)),
            (M::Bicubic, Some(false)),
            (M::Bicubic, Some(true)),
            (M::Trilinear, Some(true)),
        ];
        let mut input = [0.0f32; 20000];
        for (j, v) in input.iter_mut().enumerate() {
            *v = ((j * 7919) % 113) as f32 / 56.5 - 1.0;
        }
        let mut want = [0.0f32; 40000];
        let mut got = [0.0f32; 40000 + 8];
        for (mode, align_corners) in modes {
            for planes in [1, 3, 4, 5, 9] {
                for (w, ow) in [
                    (1, 3),
                    (3, 7),
                    (5, 9),
                    (7, 7 * 17 / 10),
                    (13, 29),
                    (40, 300),
                    (300, 131),
                    (9, 4),
                ] {
                    let spatial: (&[usize], &[usize]) = match mode {
                        M::Linear => (&[w][..], &[ow][..]),
                        M::Trilinear => (&[2, 3, w][..], &[3, 5, ow][..]),
                        _ => (&[3, w][..], &[5, ow][..]),
                    };
                    let size = spatial.1;
                    let mut opts = InterpolateOptions::size(mode, size);
                    opts.align_corners = align_corners;
                    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                        // Channels-last takes one channel (n images).
                        let (n, c) = match layout {
                            Layout::ChannelsFirst => (1, planes),
                            Layout::ChannelsLast => (planes, 1),
                        };
                        let mut shape = [n, c, 0, 0, 0];
                        shape[2..2 + spatial.0.len()].copy_from_slice(spatial.0);
                        let shape = &shape[..2 + spatial.0.len()];
                        let g = InterpolateGeometry::new(shape, layout, &opts).unwrap();
                        let (n, m) = (g.input.numel(), g.output.numel());
                        if n > input.len() || m > want.len() {
                            continue;
                        }
                        let input = &input[..n];
                        crate::reference::interpolate(input, shape, layout, &opts, &mut want[..m])
                            .unwrap();
                        got.fill(f32::MAX);
                        let axes = axis_windows(&g).unwrap();
                        let problem =
                            Problem::new(Part::whole(Call::Interpolate(&g), input), &axes);
                        let took = fits(&problem);
                        if took {
                            run(input, &problem, &mut got[..m]);
                        }
                        // Windows of 2 to 4 taps (one input column has 1).
                        let taps = axes[2].taps();
                        assert_eq!(
                            took,
                            (2..=4).contains(&taps),
                            "{mode:?} {shape:?} -> {size:?}"
                        );
                        if !took {
                            continue;
                        }
                        assert!(got[m..].iter().all(|&v| v == f32::MAX));
                        for (j, (a, b)) in got[..m].iter().zip(&want[..m]).enumerate() {
                            assert!(
                                (a - b).abs() <= 1e-5 + 1.3e-6 * b.abs(),
                                "{mode:?} {align_corners:?} {shape:?} -> {size:?} [{j}]: {a} vs {b}"
                            );
                        }
                    }
                }
            }
        }
    }
}
