//! The vertical sum of a general pass: one output row's source rows,
//! weighted and summed along the row into a temporary row.

use super::MAX_ROWS;
use crate::interpolate::exact::Flag;
use crate::simd::Permute;

/// `dst` = the weighted sum of the input rows `rows` (offset, weight):
/// `dst.len() / width` pixels of `width` channels, `stride` apart in the
/// input. Returns whether a sum raised the exact fix-up's flag
/// (`exact.rs`).
#[inline]
pub(super) fn vertical<L: Permute>(
    input: &[f32],
    rows: &[(usize, f32)],
    stride: usize,
    width: usize,
    dst: &mut [f32],
) -> bool {
    let mut flag = Flag::<L>::new();
    if width == stride {
        combine::<L>(input, rows, 0, dst, &mut flag);
    } else {
        for (p, segment) in dst.chunks_exact_mut(width).enumerate() {
            combine::<L>(input, rows, p * stride, segment, &mut flag);
        }
    }
    flag.raised()
}

/// `dst[j] = sum_k w_k * input[offset_k + shift + j]`, with the row
/// tables sized for the common row counts: the stack arrays are set up once
/// per output row, and when the output stream already fills the store
/// buffer, a `MAX_ROWS`-sized one (1 KiB) costs as much as the sum itself
/// (measured: 40% of bilinear x2 channels-first).
#[inline(always)]
fn combine<L: Permute>(
    input: &[f32],
    rows: &[(usize, f32)],
    shift: usize,
    dst: &mut [f32],
    flag: &mut Flag<L>,
) {
    let f = flag;
    match rows.len() {
        0 | 1 => combine_rows::<L, 1>(input, rows, shift, dst, f),
        2 => combine_rows::<L, 2>(input, rows, shift, dst, f),
        3 => combine_rows::<L, 3>(input, rows, shift, dst, f),
        4 => combine_rows::<L, 4>(input, rows, shift, dst, f),
        5..=8 => combine_rows::<L, 8>(input, rows, shift, dst, f),
        9..=16 => combine_rows::<L, 16>(input, rows, shift, dst, f),
        _ => combine_rows::<L, MAX_ROWS>(input, rows, shift, dst, f),
    }
}

/// [`combine`] with tables of `K >= rows.len()` rows, each sum noted in
/// `flag`.
#[inline(always)]
fn combine_rows<L: Permute, const K: usize>(
    input: &[f32],
    rows: &[(usize, f32)],
    shift: usize,
    dst: &mut [f32],
    flag: &mut Flag<L>,
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
                flag.note(*a);
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
        flag.note(acc);
        acc.store(&mut dst[v..]);
        v += L::LANES;
    }
    for j in v..n {
        let mut acc = w0 * first[j];
        for (s, &w) in rest.iter().zip(wrest) {
            acc += w * s[j];
        }
        flag.note(L::splat(acc));
        dst[j] = acc;
    }
}
