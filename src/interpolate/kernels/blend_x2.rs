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
//! general path stores the blended row and reads it back, a store per
//! vector queued behind the output stream).
//!
//! The shape is checked against every column's window, the same windows
//! the general pass would use, so any problem this path takes it
//! computes with the general path's weights; the edge columns (clamped
//! windows) keep their own.

use crate::interpolate::exact::Flag;
use crate::interpolate::plan::Target;
use crate::interpolate::rows::{
    Check, MAX_T, blended_rows, by_group, column_blend, each_row, each_row_paired, pixel_blend,
    pixel_shape, store_pixel,
};
use crate::interpolate::windows::{AxisWindows, Problem};
use crate::layout::Layout;
use crate::simd::CopyLane;

/// The widest vector (f32x16): the vector edges' lane weights.
const MAX_LANES: usize = 16;

/// Channels-last pixels take groups of this many vectors with 2 taps
/// where a pixel has more than 8 ([`pixel_shape`]).
const GROUP_OF_TWO_TAPS: usize = 4;

/// Whether the W axis doubles (every column off the edges has the shape of
/// the module docs) with 2 or 4 taps, each output row blends at most 4
/// source rows, and: channels-last, whole vectors of channels in a
/// supported group; channels-first, vectors that fit the row's edges.
pub(crate) fn fits(p: &Problem<'_>, target: Target) -> bool {
    let &Problem { i, o, axes, .. } = p;
    let Some(r) = blended_rows(axes) else {
        return false;
    };
    let (aw, iw, ow) = (&axes[2], i.spatial[2], o.spatial[2]);
    let taps = aw.taps();
    if i.layout == Layout::ChannelsLast && i.c > 1 {
        return pixel_shape(taps, r, i.c, target.lanes, GROUP_OF_TWO_TAPS).is_some()
            && weights_fit(taps, aw, iw, ow, 0);
    }
    matches!((taps, r), (2, 1 | 2 | 4) | (4, 1..=4)) && weights_fit(taps, aw, iw, ow, target.lanes)
}

/// Channels-last [`run`] with whole vectors `W` of channels, 1, 2, 4 or 8
/// per pass (kept in registers).
fn run_channels_last<W: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { i, axes, .. } = p;
    let r = blended_rows(axes).unwrap_or(0);
    let shape = pixel_shape(axes[2].taps(), r, i.c, W::LANES, GROUP_OF_TWO_TAPS);
    by_pixel_shape!(run_pixels, W, shape, (input, p, output));
}

/// Whether [`Weights::new`] finds the plan for `taps` taps.
fn weights_fit(taps: usize, aw: &AxisWindows, iw: usize, ow: usize, lanes: usize) -> bool {
    match taps {
        2 => Weights::<2>::new(aw, iw, ow, lanes).is_some(),
        4 => Weights::<4>::new(aw, iw, ow, lanes).is_some(),
        _ => false,
    }
}

/// Resamples `input` into `output` through `axes`, a problem [`fits`]
/// holds for with `L`'s lanes.
pub(crate) fn run<L: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { i, axes, .. } = p;
    let Some(r) = blended_rows(axes) else {
        debug_assert!(false, "blend_x2 without blended rows");
        return;
    };
    let taps = axes[2].taps();
    if i.layout == Layout::ChannelsLast && i.c > 1 {
        at_pixel_lanes!(run_channels_last, L, i.c, (input, p, output));
        return;
    }
    match (taps, r) {
        (2, 1) => run_rows::<L, 2, 1>(input, p, output),
        (2, 2) => run_rows::<L, 2, 2>(input, p, output),
        (2, 4) => run_rows::<L, 2, 4>(input, p, output),
        (4, 1) => run_rows::<L, 4, 1>(input, p, output),
        (4, 2) => run_rows::<L, 4, 2>(input, p, output),
        (4, 3) => run_rows::<L, 4, 3>(input, p, output),
        (4, 4) => run_rows::<L, 4, 4>(input, p, output),
        _ => debug_assert!(false, "blend_x2 with {taps} taps and {r} rows"),
    }
}

/// The even and odd weights when every column off the edges has the
/// doubled shape (see the module docs).
fn regular<const T: usize>(
    aw: &AxisWindows,
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

/// The even and odd weights, and the edge columns' windows (`T` at each
/// end, which keep their own weights).
struct Weights<const T: usize> {
    even: [f32; T],
    odd: [f32; T],
    edges: [(usize, usize, [f32; MAX_T]); 2 * MAX_T],
    /// Channels-first (`lanes` > 0), the edges as lane weights: lane `x` of
    /// `left[t]` is output `x`'s weight of column `t` (every left window
    /// starts at column 0), lane `lanes - T + x` of `right[t]` output
    /// `ow - T + x`'s of column `iw - T + t` (every right window starts
    /// there).
    left: [[f32; MAX_LANES]; T],
    right: [[f32; MAX_LANES]; T],
}

impl<const T: usize> Weights<T> {
    /// [`regular`], with the edges' windows found: `None` where the shape
    /// does not hold or (channels-first, `lanes` > 0) an edge window does
    /// not start where the vector edges need it.
    fn new(aw: &AxisWindows, iw: usize, ow: usize, lanes: usize) -> Option<Self> {
        let (even, odd) = regular::<T>(aw, iw, ow, lanes)?;
        let mut edges = [(0usize, 0usize, [0.0f32; MAX_T]); 2 * MAX_T];
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
        Some(Weights {
            even,
            odd,
            edges,
            left,
            right,
        })
    }
}

/// [`Weights`] as vectors.
struct Plan<L, const T: usize> {
    even: [L; T],
    odd: [L; T],
    edges: [(usize, usize, [f32; MAX_T]); 2 * MAX_T],
    left: [L; T],
    right: [L; T],
}

impl<L: CopyLane, const T: usize> Plan<L, T> {
    /// [`Weights::new`] splatted and loaded into `L`.
    fn new(aw: &AxisWindows, iw: usize, ow: usize, lanes: usize) -> Option<Self> {
        let w = Weights::<T>::new(aw, iw, ow, lanes)?;
        Some(Plan {
            even: w.even.map(L::splat),
            odd: w.odd.map(L::splat),
            edges: w.edges,
            left: w.left.map(|w| L::load(&w)),
            right: w.right.map(|w| L::load(&w)),
        })
    }

    fn edges(&self) -> &[(usize, usize, [f32; MAX_T])] {
        self.edges.get(..2 * T).unwrap_or_default()
    }
}

/// Channels-first [`run`] with `T` horizontal and `R` vertical taps. Not
/// inlined: in `run`, its frames (about 2.7 KiB on a Cortex-M4) came on
/// the channels-last calls' stack too.
#[inline(never)]
fn run_rows<L: CopyLane, const T: usize, const R: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
) {
    let &Problem { i, o, axes, .. } = p;
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let Some(plan) = Plan::<L, T>::new(&axes[2], iw, ow, L::LANES) else {
        debug_assert!(false, "blend_x2 planned without its weights");
        return;
    };
    // Two output rows of the same source rows (x2 along the height) in
    // one pass, each source vector loaded once for both.
    let single = |source: [&[f32]; R], hw, out: &mut [f32]| {
        let [flag] = rows::<L, T, R, 1>(source, iw, [hw], &plan, [out]);
        flag
    };
    let pair = |source: [&[f32]; R], hw, out: [&mut [f32]; 2]| {
        rows::<L, T, R, 2>(source, iw, hw, &plan, out)
    };
    each_row_paired::<R>(input, p, output, Check::Flags, single, pair);
}

/// Channels-last [`run`] with `T` horizontal and `R` vertical taps and `V`
/// vectors of channels per pixel.
fn run_pixels<L: CopyLane, const T: usize, const R: usize, const V: usize>(
    input: &[f32],
    p: &Problem<'_>,
    output: &mut [f32],
) {
    let &Problem { i, o, axes, .. } = p;
    let ([_, _, iw], ow) = (i.spatial, o.spatial[2]);
    let Some(plan) = Plan::<L, T>::new(&axes[2], iw, ow, 0) else {
        debug_assert!(false, "blend_x2 planned without its weights");
        return;
    };
    // Pixels of `c` channels, taken `V` vectors at a time.
    let (c, group) = (i.c, V * L::LANES);
    each_row::<R>(input, p, output, Check::Flags, |source, hw, out| {
        let [flag] = by_group(source, [out], c, group, |source, stride, [out]| {
            [pixels::<L, T, R, V>(source, iw, hw, &plan, stride, out)]
        });
        flag
    });
}

/// Runs `$body` for each row `$p` of [`rows`] (`P <= 2`) with `$p` a
/// constant: a loop over the rows kept their vectors in memory, and on
/// AVX2 the shuffles read them back in halves, each waiting on the store
/// behind the output stream.
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
/// source rows is loaded once for all `P`.
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
) -> [bool; P] {
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
    // Every blended vector noted for the exact fix-up (`exact.rs`).
    let mut flags = [Flag::<L>::new(); P];
    let mut next = || {
        let mut v = [L::splat(0.0); R];
        for (v, c) in v.iter_mut().zip(chunks.iter_mut()) {
            *v = c.next()?;
        }
        let b = blends(&v);
        for (flag, &b) in flags.iter_mut().zip(&b) {
            flag.note(b);
        }
        Some(b)
    };
    // `iw >= 2 * LANES`: two chunks at least.
    let (Some(mut b0), Some(b1)) = (next(), next()) else {
        return [false; P];
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
        let (r0, r1) = (blend_at(from), blend_at(from + lanes));
        for (p, flag) in flags.iter_mut().enumerate() {
            flag.note(r0[p]);
            flag.note(r1[p]);
        }
        (r0, r1)
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
    flags.map(Flag::raised)
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
///
/// Its helpers are functions, not closures: a closure the compiler leaves
/// out of line (as it may, by how it splits the crate into codegen units)
/// takes the window `b` by reference and keeps it in memory, behind the
/// output stores (twice the time of trilinear x2 channels-last).
#[inline(always)]
fn pixels<L: CopyLane, const T: usize, const R: usize, const V: usize>(
    source: [&[f32]; R],
    iw: usize,
    hw: [f32; R],
    plan: &Plan<L, T>,
    stride: usize,
    out: &mut [f32],
) -> bool {
    let (ve, vo, edges) = (&plan.even, &plan.odd, plan.edges());
    let half = T / 2;
    let vh = hw.map(L::splat);
    let zero = L::splat(0.0);
    let row = PixelRow {
        source: &source,
        vh: &vh,
        stride,
    };
    // Every pixel's blend noted once for the exact fix-up (`exact.rs`).
    let mut flag = Flag::<L>::new();
    // Pixels 0 ..= T, then along the row k - T/2 ..= k + T/2.
    let mut b: [[L; V]; MAX_T + 1] = [[zero; V]; MAX_T + 1];
    for (t, b) in b.iter_mut().enumerate().take(T + 1) {
        *b = row.blend(t);
        flag.note_all(b);
    }
    let (left, right) = edges.split_at(edges.len() / 2);
    // The edges index a copy of the window: indexing `b` itself at run
    // time would keep it in memory, behind the output stores.
    let window = b;
    row.edge::<T, V>(out, &window, 0, left);
    let end = iw - half;
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
                    row.pair(&b, $r, ve, vo, out, k + $r);
                    b[$r] = row.blend(k + $r + 1 + half);
                    flag.note_all(&b[$r]);
                }
            )*};
        }
        rotations!(0 1 2 3 4);
        k += T + 1;
    }
    // Back at rotation 0: the last pairs move the window down.
    for k in k..end {
        row.pair(&b, 0, ve, vo, out, k);
        if k + 1 < end {
            for t in 0..T {
                b[t] = b[t + 1];
            }
            b[T] = row.blend(k + 1 + half);
            flag.note_all(&b[T]);
        }
    }
    // The window now holds pixels iw - T - 1 ..= iw - 1.
    let window = b;
    row.edge::<T, V>(out, &window, iw - T - 1, right);
    flag.raised()
}

/// The source rows of one channels-last output row of [`pixels`], their
/// weights, and the floats per pixel.
struct PixelRow<'a, L, const R: usize> {
    source: &'a [&'a [f32]; R],
    vh: &'a [L; R],
    stride: usize,
}

impl<L: CopyLane, const R: usize> PixelRow<'_, L, R> {
    /// The vertical blend of input pixel `p`.
    #[inline(always)]
    fn blend<const V: usize>(&self, p: usize) -> [L; V] {
        pixel_blend::<L, R, V>(self.source, self.vh, p, self.stride)
    }

    /// Writes output pixels `2k` and `2k + 1` from the window `b` at
    /// rotation `r` (slot `(r + t) % (T + 1)` holds its pixel `t`).
    #[inline(always)]
    fn pair<const T: usize, const V: usize>(
        &self,
        b: &[[L; V]; MAX_T + 1],
        r: usize,
        ve: &[L; T],
        vo: &[L; T],
        out: &mut [f32],
        k: usize,
    ) {
        let at = |t: usize| (r + t) % (T + 1);
        let zero = L::splat(0.0);
        let (mut e, mut d) = ([zero; V], [zero; V]);
        for v in 0..V {
            e[v] = b[at(0)][v] * ve[0];
            d[v] = b[at(1)][v] * vo[0];
            for t in 1..T {
                e[v] = b[at(t)][v].mul_add(ve[t], e[v]);
                d[v] = b[at(t + 1)][v].mul_add(vo[t], d[v]);
            }
        }
        store_pixel(out, 2 * k * self.stride, e);
        store_pixel(out, (2 * k + 1) * self.stride, d);
    }

    /// Writes the edge outputs `e` (output, first input, weights), reading
    /// the window `b` (input pixels `base ..= base + T`) or blending the
    /// pixels outside it.
    #[inline(always)]
    fn edge<const T: usize, const V: usize>(
        &self,
        out: &mut [f32],
        b: &[[L; V]; MAX_T + 1],
        base: usize,
        e: &[(usize, usize, [f32; MAX_T])],
    ) {
        for &(x, s, w) in e {
            let mut acc = [L::splat(0.0); V];
            for (t, &w) in w.iter().enumerate().take(T) {
                let p = s + t;
                let v = match p.checked_sub(base) {
                    Some(q) if q <= T => b[q],
                    _ => self.blend(p),
                };
                for (a, &v) in acc.iter_mut().zip(&v) {
                    *a = v.mul_add(L::splat(w), *a);
                }
            }
            store_pixel(out, x * self.stride, acc);
        }
    }
}
