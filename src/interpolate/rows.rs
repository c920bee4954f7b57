//! The row driver every interpolation kernel that blends source rows
//! shares: for each output row, its source rows (the products of a depth
//! window of at most 2 taps and a height window) and their weights, found
//! once per chunk of rows for every plane; rows that read the same source
//! rows handed over together (pairs for x2 along the height, quads for x2
//! along the depth too), so a kernel loads each source vector once for all.
//!
//! ```text
//! for each chunk of output rows (source rows and weights found once):
//!     for each plane (channels-first: an (n, c) image; channels-last: an n):
//!         for each output row (or pair, or quad): kernel(source rows, weights, output rows)
//! ```

use super::exact::{any_special, fix_row, zero_weight_rows};
use super::windows::{AxisWindows, Problem};
use crate::layout::MAX_SPATIAL;
use crate::simd::{CopyLane, Lane};
use crate::stack::pick;

/// `$run::<L, T, R, V>(args)` for a channels-last register kernel's
/// [`pixel_shape`] `$shape` = `Some((T, R, V))`.
macro_rules! by_pixel_shape {
    ($run:ident, $lane:ty, $shape:expr, ($($arg:expr),*)) => {
        match $shape {
            Some((2, 1, 1)) => $run::<$lane, 2, 1, 1>($($arg),*),
            Some((2, 2, 1)) => $run::<$lane, 2, 2, 1>($($arg),*),
            Some((2, 4, 1)) => $run::<$lane, 2, 4, 1>($($arg),*),
            Some((4, 4, 1)) => $run::<$lane, 4, 4, 1>($($arg),*),
            Some((2, 1, 2)) => $run::<$lane, 2, 1, 2>($($arg),*),
            Some((2, 2, 2)) => $run::<$lane, 2, 2, 2>($($arg),*),
            Some((2, 4, 2)) => $run::<$lane, 2, 4, 2>($($arg),*),
            Some((4, 4, 2)) => $run::<$lane, 4, 4, 2>($($arg),*),
            Some((2, 1, 4)) => $run::<$lane, 2, 1, 4>($($arg),*),
            Some((2, 2, 4)) => $run::<$lane, 2, 2, 4>($($arg),*),
            Some((2, 4, 4)) => $run::<$lane, 2, 4, 4>($($arg),*),
            Some((4, 4, 4)) => $run::<$lane, 4, 4, 4>($($arg),*),
            Some((2, 1, 8)) => $run::<$lane, 2, 1, 8>($($arg),*),
            Some((2, 2, 8)) => $run::<$lane, 2, 2, 8>($($arg),*),
            Some((2, 4, 8)) => $run::<$lane, 2, 4, 8>($($arg),*),
            Some((4, 4, 8)) => $run::<$lane, 4, 4, 8>($($arg),*),
            shape => debug_assert!(false, "no channels-last kernel for {shape:?}"),
        }
    };
}

/// `$run::<W>(args)` with `W` the vector of [`pixel_lanes`] of `$c` on
/// lanes `$lane`: `$lane`, its half or its quarter.
macro_rules! at_pixel_lanes {
    ($run:ident, $lane:ty, $c:expr, ($($arg:expr),*)) => {{
        use $crate::simd::{CopyLane, Lane};
        match $crate::interpolate::rows::pixel_lanes($c, <$lane as Lane>::LANES) {
            w if w == <$lane as Lane>::LANES => $run::<$lane>($($arg),*),
            w if w == <<$lane as CopyLane>::Half as Lane>::LANES => {
                $run::<<$lane as CopyLane>::Half>($($arg),*)
            }
            w if w == <<<$lane as CopyLane>::Half as CopyLane>::Half as Lane>::LANES => {
                $run::<<<$lane as CopyLane>::Half as CopyLane>::Half>($($arg),*)
            }
            w => debug_assert!(false, "no pixel lanes {w} for {} channels", $c),
        }
    }};
}

/// The lanes the channels-last register kernels take pixels of `c`
/// channels in on a target of `lanes` lanes: the widest of 16, 8 and 4
/// lanes, at most `lanes`, that divides `c` (an RGBA pixel is one 4-lane
/// vector on an AVX2 or AVX-512 build too); 4 for pixels of 2 or 3
/// channels (RGB), whose vectors overlap the next pixel (see
/// [`load_pixel`]); else 0.
pub(crate) const fn pixel_lanes(c: usize, lanes: usize) -> usize {
    if c < 4 {
        return 4;
    }
    let mut w = lanes;
    while w >= 4 {
        if c.is_multiple_of(w) {
            return w;
        }
        w /= 2;
    }
    0
}

/// The shape `(T, R, V)` a channels-last register kernel takes for `taps`
/// taps along W (2 or 4), `rows` source rows (1, 2 or 4; 4 with 4 taps)
/// and pixels of `c` channels ([`pixel_group`] of them per pass, in
/// vectors of [`pixel_lanes`]), or `None`.
pub(crate) fn pixel_shape(
    taps: usize,
    rows: usize,
    c: usize,
    lanes: usize,
    two: usize,
) -> Option<(usize, usize, usize)> {
    let w = pixel_lanes(c, lanes);
    // Pixels narrower than a vector take one vector, which overlaps the
    // next pixel.
    let v = if c < w {
        1
    } else {
        pixel_group(taps, c, w, two)?
    };
    matches!((taps, rows), (2, 1 | 2 | 4) | (4, 4)).then_some((taps, rows, v))
}

/// Vectors of channels the channels-last register kernels take per pass
/// of a pixel of `c` channels with `taps` taps along W: all of them when
/// they are 1, 2, 4 or 8 vectors; for more (64 channels in 4 lanes),
/// groups of `two` vectors with 2 taps (each kernel's measured best) and 8
/// with 4, or 4 where the vectors are not whole groups of `two`. `None`
/// when `c` is not whole vectors or not whole groups.
pub(crate) const fn pixel_group(taps: usize, c: usize, lanes: usize, two: usize) -> Option<usize> {
    if lanes == 0 {
        return None;
    }
    let v = c / lanes;
    if !c.is_multiple_of(lanes) || v == 0 {
        return None;
    }
    if matches!(v, 1 | 2 | 4 | 8) {
        return Some(v);
    }
    // With 2 taps, groups of 4 where `v` is not whole groups of `two`
    // (48 channels in 4 lanes), rather than no register kernel at all.
    let g = if taps > 2 {
        8
    } else if v.is_multiple_of(two) {
        two
    } else {
        4
    };
    if v.is_multiple_of(g) { Some(g) } else { None }
}

/// The most horizontal taps (bicubic).
pub(crate) const MAX_T: usize = 4;

/// Output rows whose source rows and weights are found at once, for every
/// plane (a window per row and plane costs more than the row).
pub(crate) const CHUNK: usize = pick(128, 16);

// `SourceRows::zero_weights` holds row indices of a chunk in a `u8`.
const _: () = assert!(CHUNK <= 256);

/// How the rows a kernel wrote are checked for special inputs (NaN,
/// infinities, huge values: `exact.rs`), whose outputs are recomputed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Check {
    /// By the flag each row's kernel returns, and the rows with a source
    /// row of weight zero scanned after their chunk.
    Flags,
    /// By a scan of each plane's source rows after its chunk (one pass
    /// over the inputs the chunk read), and of each row's only where that
    /// finds one; the kernel's flags are not read. For kernels that blend
    /// the same source rows once per output row of a pair or quad, where
    /// a flag noted per blend costs more than the scan.
    Scan,
}

/// The source rows per output row [`each_row`] gives (depth taps times
/// height taps), when the W axis blends (does not copy) and the depth
/// window has at most 2 taps.
pub(crate) fn blended_rows(axes: &[AxisWindows; MAX_SPATIAL]) -> Option<usize> {
    let [ad, ah, aw] = axes;
    (ad.taps() <= 2 && !aw.copies()).then(|| ad.taps() * ah.taps())
}

/// Runs `row` on every output row (`ow * c` floats) with its `R` source
/// rows (`iw * c` floats each: the products of a depth window of at most
/// 2 taps and a height window, `R` in all) and their weights.
///
/// `row` returns its [`Flag`](super::exact::Flag)'s verdict: where it is
/// raised, the row's outputs that special inputs reach are recomputed
/// exactly ([`settle`]).
#[inline]
pub(crate) fn each_row<const R: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
    check: Check,
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]) -> bool,
) {
    let Some(mut rows) = SourceRows::<R>::new(p, check) else {
        return;
    };
    let (_, _, in_row, out_row) = rows.sizes;
    while let Some((first, count)) = rows.next_chunk(CHUNK) {
        for (plane, (src, dst)) in rows.planes(input, output, first, count).enumerate() {
            let outs = rows.sources.iter().zip(dst.chunks_exact_mut(out_row));
            for (k, (&(at, w), out)) in outs.enumerate() {
                let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
                let flagged = row(source, w, out);
                settle(p, (plane, first + k), flagged && check == Check::Flags, out);
            }
            settle_chunk(p, &rows, (plane, first), src, dst);
        }
    }
}

/// After a kernel wrote output row `row` of plane `plane` (`out`): where
/// its flag is raised, the outputs that special inputs reach recomputed
/// exactly ([`fix_row`]). (Rows with a source row of weight zero, which
/// the flag does not see, are checked after their chunk:
/// [`settle_chunk`].)
#[inline(always)]
fn settle(p: &Problem<'_>, (plane, row): (usize, usize), flagged: bool, out: &mut [f32]) {
    if flagged {
        fix_row(p, plane, row, p.columns.0..p.columns.1, 0..p.i.pixel(), out);
    }
}

/// After the kernels wrote one plane's rows of a chunk (`src` the plane's
/// input, `dst` those rows), the rows the flags do not cover recomputed
/// exactly where special inputs reach them ([`Check`]):
/// - with flags, the rows one of whose source rows has the weight zero
///   (the edges of most modes) and holds a large value (the blends
///   multiply that row by zero). Out of the row loops: tested there for
///   every row, it cost trilinear x2 channels-first a quarter of its time.
/// - with a scan, every row one of whose source rows holds a special
///   value, looked for row by row only where the chunk's source rows do.
#[inline(never)]
fn settle_chunk<const R: usize>(
    p: &Problem<'_>,
    rows: &SourceRows<'_, R>,
    (plane, first): (usize, usize),
    src: &[f32],
    dst: &mut [f32],
) {
    let (_, _, in_row, out_row) = rows.sizes;
    let source = |at: [usize; R]| at.map(|at| src.get(at..at + in_row).unwrap_or_default());
    if rows.check == Check::Scan {
        let (lo, hi) = rows.span;
        if !any_special(src.get(lo..hi).unwrap_or_default()) {
            return;
        }
        let outs = rows.sources.iter().zip(dst.chunks_exact_mut(out_row));
        for (k, (&(at, _), out)) in outs.enumerate() {
            if source(at).iter().any(|row| any_special(row)) {
                settle(p, (plane, first + k), true, out);
            }
        }
        return;
    }
    for &k in rows
        .zero_weights
        .get(..rows.zero_weight_count)
        .unwrap_or_default()
    {
        let k = usize::from(k);
        let (Some(&(at, weight)), Some(out)) = (
            rows.sources.get(k),
            dst.get_mut(k * out_row..(k + 1) * out_row),
        ) else {
            continue;
        };
        if zero_weight_rows(&source(at), &weight) {
            settle(p, (plane, first + k), true, out);
        }
    }
}

/// [`each_row`], but two adjacent output rows that read the same source
/// rows (x2 along the height: rows `2k + 1` and `2k + 2`) go to `pair`
/// together, so that a kernel loads each source vector once for both.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn each_row_paired<const R: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
    check: Check,
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]) -> bool,
    mut pair: impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]) -> [bool; 2],
) {
    let Some(mut rows) = SourceRows::<R>::new(p, check) else {
        return;
    };
    let mut pairs = [false; CHUNK];
    while let Some((first, count)) = rows.next_chunk(CHUNK) {
        find_pairs(&rows.sources, count, &mut pairs);
        for (plane, (src, dst)) in rows.planes(input, output, first, count).enumerate() {
            let at = (plane, first);
            rows_in_pairs(p, &rows, check, &pairs, at, src, dst, &mut row, &mut pair);
            settle_chunk(p, &rows, at, src, dst);
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
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn each_row_quad<const R: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
    check: Check,
    mut row: impl FnMut([&[f32]; R], [f32; R], &mut [f32]) -> bool,
    mut pair: impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]) -> [bool; 2],
    mut quad: impl FnMut([&[f32]; R], [[f32; R]; 4], [&mut [f32]; 4]) -> [bool; 4],
) {
    let oh = p.o.spatial[1];
    if oh == 0 || 2 * oh > CHUNK {
        return each_row_paired(input, p, output, check, row, pair);
    }
    let Some(mut rows) = SourceRows::<R>::new(p, check) else {
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
        for (plane, (src, dst)) in rows.planes(input, output, first, count).enumerate() {
            let at = (plane, first);
            if !two {
                rows_in_pairs(p, &rows, check, &pairs, at, src, dst, &mut row, &mut pair);
                settle_chunk(p, &rows, at, src, dst);
                continue;
            }
            let weight = |k: usize| rows.sources.get(k).map_or([0.0; R], |s| s.1);
            let (a, b) = dst.split_at_mut(oh * out_row);
            let (mut a, mut b) = (a.chunks_exact_mut(out_row), b.chunks_exact_mut(out_row));
            let mut k = 0;
            while let (Some(a0), Some(b0)) = (a.next(), b.next()) {
                let at = rows.sources.get(k).map_or([0; R], |s| s.0);
                let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
                let settle = |k: usize, flagged: bool, out: &mut [f32]| {
                    settle(p, (plane, first + k), flagged && check == Check::Flags, out);
                };
                if pairs.get(k) == Some(&true) {
                    let (a1, b1) = (a.next().unwrap_or_default(), b.next().unwrap_or_default());
                    let w = [weight(k), weight(k + 1), weight(oh + k), weight(oh + k + 1)];
                    let [fa0, fa1, fb0, fb1] =
                        quad(source, w, [&mut *a0, &mut *a1, &mut *b0, &mut *b1]);
                    settle(k, fa0, a0);
                    settle(k + 1, fa1, a1);
                    settle(oh + k, fb0, b0);
                    settle(oh + k + 1, fb1, b1);
                    k += 2;
                } else {
                    let [fa, fb] = pair(source, [weight(k), weight(oh + k)], [&mut *a0, &mut *b0]);
                    settle(k, fa, a0);
                    settle(oh + k, fb, b0);
                    k += 1;
                }
            }
            settle_chunk(p, &rows, at, src, dst);
        }
    }
}

/// Marks in `pairs` the rows of `sources[..count]` that start a pair with
/// the next (the same source rows), greedily from the first.
#[inline]
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
/// (The plane's index and the chunk's first row are for [`settle`].)
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn rows_in_pairs<const R: usize>(
    p: &Problem<'_>,
    rows: &SourceRows<'_, R>,
    check: Check,
    pairs: &[bool; CHUNK],
    (plane, first): (usize, usize),
    src: &[f32],
    dst: &mut [f32],
    row: &mut impl FnMut([&[f32]; R], [f32; R], &mut [f32]) -> bool,
    pair: &mut impl FnMut([&[f32]; R], [[f32; R]; 2], [&mut [f32]; 2]) -> [bool; 2],
) {
    let (_, _, in_row, out_row) = rows.sizes;
    let mut outs = dst.chunks_exact_mut(out_row);
    let mut k = 0;
    while let Some(out) = outs.next() {
        let (at, w) = rows.sources.get(k).copied().unwrap_or(([0; R], [0.0; R]));
        let source = at.map(|at| src.get(at..at + in_row).unwrap_or_default());
        if pairs.get(k) == Some(&true) {
            let w2 = rows.sources.get(k + 1).map_or([0.0; R], |s| s.1);
            let out2 = outs.next().unwrap_or_default();
            let [f1, f2] = pair(source, [w, w2], [&mut *out, &mut *out2]);
            settle(p, (plane, first + k), f1 && check == Check::Flags, out);
            settle(p, (plane, first + k + 1), f2 && check == Check::Flags, out2);
            k += 2;
        } else {
            let flagged = row(source, w, out);
            settle(p, (plane, first + k), flagged && check == Check::Flags, out);
            k += 1;
        }
    }
}

/// The source rows (offsets in a plane) and weights of [`each_row`]'s
/// output rows, `CHUNK` rows at a time.
pub(crate) struct SourceRows<'a, const R: usize> {
    pub(crate) sources: [([usize; R], [f32; R]); CHUNK],
    /// The chunk's rows (indices in `sources`) one of whose source rows
    /// has the weight zero: the first `zero_weight_count`.
    zero_weights: [u8; CHUNK],
    zero_weight_count: usize,
    /// How the rows are checked, and the span of the chunk's source rows
    /// in a plane (the first input of its first to the end of its last).
    check: Check,
    span: (usize, usize),
    axes: &'a [AxisWindows; MAX_SPATIAL],
    /// Floats per input plane, output plane, input row, output row.
    pub(crate) sizes: (usize, usize, usize, usize),
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
    /// The source rows of `p`'s output rows, rows of pixels of
    /// [`pixel`](crate::layout::Dims::pixel) floats.
    pub(crate) fn new(p: &Problem<'a>, check: Check) -> Option<Self> {
        let &Problem { i, o, axes, .. } = p;
        let c = i.pixel();
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
            zero_weights: [0; CHUNK],
            zero_weight_count: 0,
            check,
            span: (0, 0),
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
    pub(crate) fn next_chunk(&mut self, limit: usize) -> Option<(usize, usize)> {
        let first = self.next;
        let count = CHUNK.min(limit).min(self.rows.checked_sub(first)?);
        if count == 0 {
            return None;
        }
        self.next += count;
        let [ad, ah, _] = self.axes;
        let (kd, kh) = (ad.taps(), ah.taps());
        let (oh, in_row) = (self.oh, self.sizes.2);
        // The row's depth and height counted along (not divided out: a
        // division per row was a fifth of small trilinear calls).
        let (mut z, mut y) = (first / oh, first % oh);
        self.zero_weight_count = 0;
        let (mut lo, mut hi) = (usize::MAX, 0);
        for (k, (at, w)) in self.sources.iter_mut().enumerate().take(count) {
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
            // Row `r` is depth tap `r / kh`, height tap `r % kh`; with the
            // two cases apart, both are constants once `r` is unrolled.
            let depth_tap = |r: usize| if kd == 1 { 0 } else { r / (R / 2) };
            let height_tap = |r: usize| if kd == 1 { r } else { r % (R / 2) };
            for (r, (at, w)) in at.iter_mut().zip(w.iter_mut()).enumerate() {
                let (dz, dy) = (depth_tap(r), height_tap(r));
                *at = ((sz + dz) * self.ih + sy + dy) * in_row;
                // A depth weight of 1 (copied depths) leaves `wy` exact.
                *w = wz[dz] * wy[dy];
                (lo, hi) = (lo.min(*at), hi.max(*at + in_row));
            }
            if let (true, Some(slot)) = (
                w.contains(&0.0),
                self.zero_weights.get_mut(self.zero_weight_count),
            ) {
                *slot = k as u8;
                self.zero_weight_count += 1;
            }
            y += 1;
            if y == oh {
                (z, y) = (z + 1, 0);
            }
        }
        self.span = (lo, hi);
        Some((first, count))
    }
}

/// Runs `pass(source, stride, out)` over the channel groups of
/// channels-last rows of pixels of `c` channels, `group` at a time: the
/// source rows and the `P` output rows from the group's first channel,
/// pixels `stride` floats apart. A pixel of one group is one pass, with
/// the stride `group` (a constant to the kernels). Returns the passes'
/// flags, row by row.
#[inline(always)]
pub(crate) fn by_group<const R: usize, const P: usize>(
    source: [&[f32]; R],
    mut out: [&mut [f32]; P],
    c: usize,
    group: usize,
    mut pass: impl FnMut([&[f32]; R], usize, [&mut [f32]; P]) -> [bool; P],
) -> [bool; P] {
    if c == group {
        return pass(source, group, out);
    }
    let mut flags = [false; P];
    for g in (0..c).step_by(group) {
        let source = source.map(|s| s.get(g..).unwrap_or_default());
        let out = out.each_mut().map(|o| o.get_mut(g..).unwrap_or_default());
        for (flag, f) in flags.iter_mut().zip(pass(source, c, out)) {
            *flag |= f;
        }
    }
    flags
}

/// `sum_r vh[r] * rows[r][at..at + LANES]` (a vector of `R` rows'
/// columns from `at` blended), the first row multiplied and the rest
/// fused in order.
#[inline(always)]
pub(crate) fn column_blend<L: CopyLane, const R: usize>(
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

/// The blend of input pixel `p` (`V` vectors of channels, pixels `stride`
/// floats apart) of the `R` channels-last source rows with the weights `vh`.
#[inline(always)]
pub(crate) fn pixel_blend<L: CopyLane, const R: usize, const V: usize>(
    source: &[&[f32]; R],
    vh: &[L; R],
    p: usize,
    stride: usize,
) -> [L; V] {
    let mut acc = [L::splat(0.0); V];
    for (r, (s, &h)) in source.iter().zip(vh).enumerate() {
        let v: [L; V] = load_pixel(s, p * stride);
        for (a, &v) in acc.iter_mut().zip(&v) {
            *a = if r == 0 { v * h } else { v.mul_add(h, *a) };
        }
    }
    acc
}

/// The most floats one pass of a pixel holds (8 vectors of 16 lanes).
const MAX_PIXEL: usize = 128;

/// `V` vectors from `s[at..]`. A pixel narrower than its vector (RGB in 4
/// lanes) reads into the next pixel, whose values ride along in the spare
/// lanes (they are stored over, or noted by the exact fix-up's flag at
/// worst, which then recomputes); past the end of `s` (the row's last
/// pixel), zeros.
#[inline(always)]
pub(crate) fn load_pixel<L: Lane, const V: usize>(s: &[f32], at: usize) -> [L; V] {
    match s.get(at..at + V * L::LANES) {
        Some(s) => {
            // A loop into a zeroed array: `array::from_fn` kept the
            // vectors in memory, a store and a load each.
            let mut v = [L::splat(0.0); V];
            for (v, s) in v.iter_mut().zip(s.chunks_exact(L::LANES)) {
                *v = L::load(s);
            }
            v
        }
        // Only a pixel narrower than its vector (2 or 3 channels in one
        // 4-lane vector) passes the end of its row; a const test keeps the
        // tail out of every other instantiation, where even out of line
        // and cold it kept wide pixels in memory.
        None if V == 1 && L::LANES == 4 => load_pixel_tail(s, at),
        None => [L::splat(0.0); V],
    }
}

/// [`load_pixel`] past the end of `s`. Out of line and cold: in line, its
/// buffer and copy grew every kernel's frame and pushed the row's window
/// out of registers.
#[cold]
#[inline(never)]
fn load_pixel_tail<L: Lane, const V: usize>(s: &[f32], at: usize) -> [L; V] {
    let mut padded = [0.0f32; MAX_PIXEL];
    let tail = s.get(at..).unwrap_or_default();
    let n = tail.len().min(V * L::LANES);
    padded[..n].copy_from_slice(&tail[..n]);
    core::array::from_fn(|k| L::load(&padded[k * L::LANES..]))
}

/// Stores `V` vectors at `out[at..]`, cut at the end of `out` (the row's
/// last pixel, when a pixel is narrower than its vector: elsewhere the
/// spare lanes are stored over by the next pixel, written after it).
#[inline(always)]
pub(crate) fn store_pixel<L: Lane, const V: usize>(out: &mut [f32], at: usize, v: [L; V]) {
    match out.get_mut(at..at + V * L::LANES) {
        Some(o) => {
            for (o, v) in o.chunks_exact_mut(L::LANES).zip(&v) {
                v.store(o);
            }
        }
        // As in `load_pixel`: only a narrow pixel reaches past the end.
        None if V == 1 && L::LANES == 4 => store_pixel_tail(out, at, &v),
        None => {}
    }
}

/// [`store_pixel`] past the end of `out`; out of line and cold as
/// [`load_pixel_tail`].
#[cold]
#[inline(never)]
fn store_pixel_tail<L: Lane, const V: usize>(out: &mut [f32], at: usize, v: &[L; V]) {
    let mut padded = [0.0f32; MAX_PIXEL];
    for (k, v) in v.iter().enumerate() {
        v.store(&mut padded[k * L::LANES..]);
    }
    let tail = out.get_mut(at..).unwrap_or_default();
    let n = tail.len().min(V * L::LANES);
    tail[..n].copy_from_slice(&padded[..n]);
}

#[cfg(test)]
mod tests {
    use super::pixel_group;

    #[test]
    fn pixel_lanes_divide_the_pixel() {
        use super::pixel_lanes;
        assert_eq!(pixel_lanes(64, 16), 16);
        assert_eq!(pixel_lanes(8, 16), 8);
        assert_eq!(pixel_lanes(4, 16), 4);
        assert_eq!(pixel_lanes(12, 8), 4);
        assert_eq!(pixel_lanes(4, 4), 4);
        // RGB, and two channels: one 4-lane vector, overlapping the next pixel.
        assert_eq!(pixel_lanes(3, 16), 4);
        assert_eq!(pixel_lanes(2, 8), 4);
        assert_eq!(pixel_lanes(6, 4), 0);
        assert_eq!(pixel_lanes(5, 16), 0);
    }

    #[test]
    fn pixel_groups() {
        // Whole pixels of 1, 2, 4 or 8 vectors, whatever the taps.
        assert_eq!(pixel_group(2, 32, 4, 8), Some(8));
        assert_eq!(pixel_group(4, 8, 4, 8), Some(2));
        // 64 channels in 4 lanes: the caller's group with 2 taps, 8 with 4.
        assert_eq!(pixel_group(2, 64, 4, 8), Some(8));
        assert_eq!(pixel_group(2, 64, 4, 4), Some(4));
        assert_eq!(pixel_group(4, 64, 4, 4), Some(8));
        // 48 channels (12 vectors): groups of 4 with 2 taps, none with 4.
        assert_eq!(pixel_group(2, 48, 4, 8), Some(4));
        assert_eq!(pixel_group(4, 48, 4, 8), None);
        // Not whole vectors, or not whole groups.
        assert_eq!(pixel_group(2, 6, 4, 8), None);
        assert_eq!(pixel_group(2, 40, 4, 8), None);
    }
}
