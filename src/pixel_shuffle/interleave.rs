//! Interleaving `K` rows into one (`out[K*m + j] = rows[j][m]`) and back:
//! `zip` / `unzip` networks of [`CopyLane`] vectors for `K` of 2 and 4,
//! fixed-size chunks the compiler vectorises for 3, strided copies for any
//! other `K` and for the tails.

use crate::simd::{CopyLane, PixelShuffle};

/// `out[K*m + j] = rows[j][m]` for `K` of 2, 3 or 4 (one element at a time
/// for any other `K`).
#[inline(always)]
pub(super) fn interleave<const K: usize>(rows: [&[f32]; K], out: &mut [f32]) {
    if let Ok(rows) = rows.as_slice().try_into() {
        interleave2::<PixelShuffle>(rows, out);
    } else if let Ok(rows) = rows.as_slice().try_into() {
        interleave3(rows, out);
    } else if let Ok(rows) = rows.as_slice().try_into() {
        interleave4::<PixelShuffle>(rows, out);
    } else {
        interleave_tail(rows, out, 0);
    }
}

/// `outs[j][m] = input[K*m + j]` for `K` of 2, 3 or 4 (one element at a time
/// for any other `K`).
#[inline(always)]
pub(super) fn deinterleave<const K: usize>(input: &[f32], mut outs: [&mut [f32]; K]) {
    let outs = outs.as_mut_slice();
    if let Ok([a, b]) = <&mut [_; 2]>::try_from(&mut *outs) {
        deinterleave2::<PixelShuffle>(input, [a, b]);
    } else if let Ok([a, b, c]) = <&mut [_; 3]>::try_from(&mut *outs) {
        deinterleave3(input, [a, b, c]);
    } else if let Ok([a, b, c, d]) = <&mut [_; 4]>::try_from(&mut *outs) {
        deinterleave4::<PixelShuffle>(input, [a, b, c, d]);
    } else {
        for (j, out) in outs.iter_mut().enumerate() {
            gather(input, j, K, out);
        }
    }
}

/// `dst[first + k*step] = src[k]`, one element at a time.
#[inline(always)]
pub(super) fn scatter(src: &[f32], dst: &mut [f32], first: usize, step: usize) {
    let dst = dst.get_mut(first..).unwrap_or_default();
    for (d, &s) in dst.iter_mut().step_by(step).zip(src) {
        *d = s;
    }
}

/// `out[m] = input[first + m*step]`, one element at a time.
#[inline(always)]
pub(super) fn gather(input: &[f32], first: usize, step: usize, out: &mut [f32]) {
    let input = input.get(first..).unwrap_or_default();
    for (o, &v) in out.iter_mut().zip(input.iter().step_by(step)) {
        *o = v;
    }
}

/// How many elements of each of `K` rows (of lengths `rows`) go through
/// whole `L` vectors when they interleave into, or out of, one row of
/// `joined` elements: as many as all of them hold (and `joined / K`),
/// rounded down to whole vectors; the tail functions take the rest.
#[inline(always)]
fn whole_vectors<L: CopyLane, const K: usize>(rows: [usize; K], joined: usize) -> usize {
    let m = rows.iter().fold(joined / K, |m, &len| m.min(len));
    m / L::LANES * L::LANES
}

/// `out[K*m + j] = rows[j][m]` for `m` from `from` on, one element at a time.
#[inline(always)]
fn interleave_tail<const K: usize>(rows: [&[f32]; K], out: &mut [f32], from: usize) {
    if K * from >= out.len() {
        return;
    }
    let out = out.get_mut(K * from..).unwrap_or_default();
    for (j, row) in rows.into_iter().enumerate() {
        scatter(row.get(from..).unwrap_or_default(), out, j, K);
    }
}

/// `outs[j][m] = input[K*m + j]` for `m` from `from` on, one element at a time.
#[inline(always)]
fn deinterleave_tail<const K: usize>(input: &[f32], outs: [&mut [f32]; K], from: usize) {
    if K * from >= input.len() {
        return;
    }
    let input = input.get(K * from..).unwrap_or_default();
    for (j, out) in outs.into_iter().enumerate() {
        gather(input, j, K, out.get_mut(from..).unwrap_or_default());
    }
}

/// `out[2m + j] = rows[j][m]`.
#[inline(always)]
pub(super) fn interleave2<L: CopyLane>(rows: [&[f32]; 2], out: &mut [f32]) {
    let n = L::LANES;
    let whole = whole_vectors::<L, 2>(rows.map(<[f32]>::len), out.len());
    // Exactly `whole / n` blocks in each, so the zip runs on one counter.
    let out_blocks = out.get_mut(..2 * whole).unwrap_or_default();
    let [a, b] = rows.map(|r| r.get(..whole).unwrap_or_default().chunks_exact(n));
    for ((o, a), b) in out_blocks.chunks_exact_mut(2 * n).zip(a).zip(b) {
        L::load(a).store_zip(L::load(b), o);
    }
    interleave_tail(rows, out, whole);
}

/// `out[3m + j] = rows[j][m]`: fixed-size chunks the compiler vectorises
/// (no two-way zip network makes three ways).
#[inline(always)]
fn interleave3(rows: [&[f32]; 3], out: &mut [f32]) {
    let (chunks, _) = out.as_chunks_mut::<3>();
    let [a, b, c] = rows;
    for (((o, &a), &b), &c) in chunks.iter_mut().zip(a).zip(b).zip(c) {
        *o = [a, b, c];
    }
}

/// `out[4m + j] = rows[j][m]`.
#[inline(always)]
pub(super) fn interleave4<L: CopyLane>(rows: [&[f32]; 4], out: &mut [f32]) {
    let n = L::LANES;
    let whole = whole_vectors::<L, 4>(rows.map(<[f32]>::len), out.len());
    let out_blocks = out.get_mut(..4 * whole).unwrap_or_default();
    let [a, b, c, d] = rows.map(|r| r.get(..whole).unwrap_or_default().chunks_exact(n));
    for ((((o, a), b), c), d) in out_blocks
        .chunks_exact_mut(4 * n)
        .zip(a)
        .zip(b)
        .zip(c)
        .zip(d)
    {
        let [a, b, c, d] = [a, b, c, d].map(L::load);
        // [a0 c0 a1 c1 ..] and [b0 d0 b1 d1 ..], zipped again.
        let (ac0, ac1) = a.zip(c);
        let (bd0, bd1) = b.zip(d);
        let (o0, o1) = ac0.zip(bd0);
        let (o2, o3) = ac1.zip(bd1);
        for (v, o) in [o0, o1, o2, o3].into_iter().zip(o.chunks_exact_mut(n)) {
            v.store(o);
        }
    }
    interleave_tail(rows, out, whole);
}

/// `outs[j][m] = input[2m + j]`.
#[inline(always)]
pub(super) fn deinterleave2<L: CopyLane>(input: &[f32], mut outs: [&mut [f32]; 2]) {
    let n = L::LANES;
    let whole = whole_vectors::<L, 2>(outs.each_ref().map(|o| o.len()), input.len());
    let in_blocks = input.get(..2 * whole).unwrap_or_default();
    let [a, b] = outs
        .each_mut()
        .map(|o| o.get_mut(..whole).unwrap_or_default().chunks_exact_mut(n));
    for ((i, a), b) in in_blocks.chunks_exact(2 * n).zip(a).zip(b) {
        let (lo, hi) = i.split_at(n);
        let (even, odd) = L::load(lo).unzip(L::load(hi));
        even.store(a);
        odd.store(b);
    }
    deinterleave_tail(input, outs, whole);
}

/// `outs[j][m] = input[3m + j]`: fixed-size chunks the compiler vectorises.
#[inline(always)]
fn deinterleave3(input: &[f32], outs: [&mut [f32]; 3]) {
    let (chunks, _) = input.as_chunks::<3>();
    let [a, b, c] = outs;
    for (((&[x, y, z], a), b), c) in chunks.iter().zip(a).zip(b).zip(c) {
        *a = x;
        *b = y;
        *c = z;
    }
}

/// `outs[j][m] = input[4m + j]`.
#[inline(always)]
fn deinterleave4<L: CopyLane>(input: &[f32], mut outs: [&mut [f32]; 4]) {
    let n = L::LANES;
    let whole = whole_vectors::<L, 4>(outs.each_ref().map(|o| o.len()), input.len());
    let in_blocks = input.get(..4 * whole).unwrap_or_default();
    let [a, b, c, d] = outs
        .each_mut()
        .map(|o| o.get_mut(..whole).unwrap_or_default().chunks_exact_mut(n));
    for ((((i, a), b), c), d) in in_blocks.chunks_exact(4 * n).zip(a).zip(b).zip(c).zip(d) {
        let (i01, i23) = i.split_at(2 * n);
        let ((i0, i1), (i2, i3)) = (i01.split_at(n), i23.split_at(n));
        let [v0, v1, v2, v3] = [i0, i1, i2, i3].map(L::load);
        // Even elements hold streams 0 and 2, odd ones 1 and 3.
        let (e01, o01) = v0.unzip(v1);
        let (e23, o23) = v2.unzip(v3);
        let (s0, s2) = e01.unzip(e23);
        let (s1, s3) = o01.unzip(o23);
        s0.store(a);
        s1.store(b);
        s2.store(c);
        s3.store(d);
    }
    deinterleave_tail(input, outs, whole);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::testing::test_every_width;

    /// The row kernels at lane width `L` against their definitions, over
    /// lengths that hit every tail.
    fn rows_at_width<L: CopyLane>() {
        let src: [f32; 1024] = core::array::from_fn(|i| i as f32 * 0.25 - 100.0);
        for m in 0..=3 * L::LANES + 1 {
            for start in 0..4 {
                let rows: [&[f32]; 4] = core::array::from_fn(|j| &src[start + j * 100..][..m]);
                let mut out = [0.0f32; 4 * 64];
                interleave2::<L>([rows[0], rows[1]], &mut out[..2 * m]);
                for (k, &v) in out[..2 * m].iter().enumerate() {
                    assert_eq!(v, rows[k % 2][k / 2], "interleave2 m {m}");
                }
                interleave4::<L>(rows, &mut out[..4 * m]);
                for (k, &v) in out[..4 * m].iter().enumerate() {
                    assert_eq!(v, rows[k % 4][k / 4], "interleave4 m {m}");
                }
                let input = &src[start..start + 4 * m];
                let mut outs = [[0.0f32; 64]; 4];
                deinterleave4::<L>(input, outs.each_mut().map(|o| &mut o[..m]));
                for (k, &v) in input.iter().enumerate() {
                    assert_eq!(outs[k % 4][k / 4], v, "deinterleave4 m {m}");
                }
                let [a, b, ..] = &mut outs;
                deinterleave2::<L>(&input[..2 * m], [&mut a[..m], &mut b[..m]]);
                for (k, &v) in input[..2 * m].iter().enumerate() {
                    assert_eq!(outs[k % 2][k / 2], v, "deinterleave2 m {m}");
                }
            }
        }
    }

    test_every_width! {
        /// [`rows_at_width`] at 4, 8 and 16 lanes.
        mod row_kernels_at_every_width: |L| { rows_at_width::<L>() }
    }

    /// The three-way interleave and de-interleave against their
    /// definitions, over every length up to 40.
    #[test]
    fn three_way_kernels() {
        let src: [f32; 300] = core::array::from_fn(|i| i as f32 - 7.5);
        for m in 0..=40 {
            let mut out = [0.0f32; 120];
            let rows = [&src[..m], &src[100..100 + m], &src[200..200 + m]];
            interleave3(rows, &mut out[..3 * m]);
            for (k, &v) in out[..3 * m].iter().enumerate() {
                assert_eq!(v, rows[k % 3][k / 3]);
            }
            let mut outs = [[0.0f32; 40]; 3];
            deinterleave3(&src[..3 * m], outs.each_mut().map(|o| &mut o[..m]));
            for (k, &v) in src[..3 * m].iter().enumerate() {
                assert_eq!(outs[k % 3][k / 3], v);
            }
        }
    }
}
