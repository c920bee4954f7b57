//! Nearest and nearest-exact whose W axis doubles every column (output
//! column `x` reads input column `x / 2`, checked for every column, as
//! `scale_factor=2` gives): each output row is its source row with every
//! element (channels-last: every pixel) twice, channels-first by
//! [`CopyLane::zip`] of whole vectors (which copies the bits), channels-last
//! by a multiply by 1.0 (a signalling NaN comes out quiet, as from the
//! general pass). Written in order; no window tables or row edges.

use crate::interpolate::windows::{AxisWindows, Problem};
use crate::simd::CopyLane;
use wide::f32x4;

/// Whether every axis copies and output column `x` reads input column
/// `x / 2`.
pub(crate) fn fits(p: &Problem<'_>) -> bool {
    let &Problem { i, o, axes, .. } = p;
    let (iw, ow) = (i.spatial[2], o.spatial[2]);
    let mut w = [0.0f32; 1];
    axes.iter().all(AxisWindows::copies)
        && ow == 2 * iw
        && (0..ow).all(|x| axes[2].window(x, &mut w) == x / 2)
}

/// Resamples `input` into `output`, a problem [`fits`] holds for. In line
/// in the plan's `run` with AVX-512, where out of line the copies of small
/// planes ran up to 1.7x slower; out of line otherwise, where in line they
/// ran 6-15% slower (SSE2, AVX2). Pinned both ways: the compiler's choice
/// moved with every kernel added to the plan.
#[cfg_attr(target_feature = "avx512f", inline(always))]
#[cfg_attr(not(target_feature = "avx512f"), inline(never))]
pub(crate) fn run<L: CopyLane>(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let &Problem { i, o, axes, .. } = p;
    debug_assert!(fits(p));
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let mut w = [0.0f32; 1];
    // Channels-first (or one channel): a row of elements; channels-last:
    // a row of `c`-channel pixels.
    let c = i.pixel();
    // Source rows of a chunk of output rows, found once for every plane
    // (a window per row and plane took half the time).
    const CHUNK: usize = 256;
    let mut sources = [0usize; CHUNK];
    let (in_row, out_row) = (iw * c, ow * c);
    let (in_plane, out_plane) = (id * ih * in_row, od * oh * out_row);
    for first in (0..od * oh).step_by(CHUNK) {
        let count = CHUNK.min(od * oh - first);
        for (k, s) in sources.iter_mut().enumerate().take(count) {
            let (z, y) = ((first + k) / oh, (first + k) % oh);
            *s = (axes[0].window(z, &mut w) * ih + axes[1].window(y, &mut w)) * in_row;
        }
        let planes = input
            .chunks_exact(in_plane)
            .zip(output.chunks_exact_mut(out_plane));
        for (src, dst) in planes {
            let Some(dst) = dst.get_mut(first * out_row..(first + count) * out_row) else {
                return;
            };
            // Channels-last, an output row that repeats the row before
            // (x2 along the height) is a copy of it, still in cache: the
            // platform's `memcpy` writes a long row faster than the vector
            // stores. (Channels-first rows are too short to gain.)
            let mut rest = dst;
            let mut prev: Option<(usize, &mut [f32])> = None;
            for &from in sources.iter().take(count) {
                let Some((out, tail)) = rest.split_at_mut_checked(out_row) else {
                    return;
                };
                rest = tail;
                match prev {
                    Some((p, ref done)) if p == from && c > 1 => out.copy_from_slice(done),
                    _ => {
                        let Some(row) = src.get(from..from + in_row) else {
                            return;
                        };
                        if c == 1 {
                            twice::<L>(row, out);
                        } else {
                            pixels_twice::<L>(row, out, c);
                        }
                    }
                }
                prev = Some((from, out));
            }
        }
    }
}

/// Channels-last `out[2k] = out[2k + 1] = row[k]` for pixels of `c`
/// channels: each pixel copied twice, without the general path's window
/// table per output pixel. The copy multiplies by 1.0, as the general path
/// does (so a signalling NaN comes out quiet here too): a plain copy of
/// `f32x16`s compiles to pairs of 32-byte moves, slower than whole 64-byte
/// stores where the output is not 64-byte aligned.
#[inline(always)]
fn pixels_twice<L: CopyLane>(row: &[f32], out: &mut [f32], c: usize) {
    // With 4 lanes, the common pixel widths as constants: each pixel's
    // copy a few stores in a row, not a loop of a few turns (whose speed
    // moved with where a change elsewhere in the crate placed it). Not
    // with 8 or 16 lanes, where the match alone made the loop below
    // compile slower for the other widths (RGB, 5 channels), in line or
    // out of line; the figures are in the commit.
    #[cfg(feature = "specialised-kernels")]
    match c {
        _ if L::LANES > 4 => {}
        2 => return pixels_twice_of::<L, 2>(row, out),
        3 => return pixels_twice_of::<L, 3>(row, out),
        4 => return pixels_twice_of::<L, 4>(row, out),
        8 => return pixels_twice_of::<L, 8>(row, out),
        16 => return pixels_twice_of::<L, 16>(row, out),
        32 => return pixels_twice_of::<L, 32>(row, out),
        64 => return pixels_twice_of::<L, 64>(row, out),
        _ => {}
    }
    for (from, to) in row.chunks_exact(c).zip(out.chunks_exact_mut(2 * c)) {
        // One pixel after the other: interleaving the two pixels' stores
        // is slower where the output is not 64-byte aligned.
        for to in to.chunks_exact_mut(c) {
            times_one::<L>(from, to);
        }
    }
}

/// [`pixels_twice`] of pixels of `C` channels.
#[cfg(feature = "specialised-kernels")]
#[inline(always)]
fn pixels_twice_of<L: CopyLane, const C: usize>(row: &[f32], out: &mut [f32]) {
    for (from, to) in row.chunks_exact(C).zip(out.chunks_exact_mut(2 * C)) {
        if let (Ok(from), Some((first, second))) =
            (<&[f32; C]>::try_from(from), to.split_first_chunk_mut::<C>())
        {
            times_one::<L>(from, first);
            times_one::<L>(from, second);
        }
    }
}

/// `to[k] = from[k] * 1.0` in vectors of `L`, then of 4 lanes, the last
/// three at most one by one. (With the rest one by one, a pixel of 8
/// channels on a 16-lane build compiled to an AVX-512 scatter.)
#[inline(always)]
fn times_one<L: CopyLane>(from: &[f32], to: &mut [f32]) {
    let (from, to) = times_one_in::<L>(from, to);
    let (from, to) = if L::LANES > 4 {
        times_one_in::<f32x4>(from, to)
    } else {
        (from, to)
    };
    for (t, f) in to.iter_mut().zip(from) {
        *t = *f;
    }
}

/// The whole vectors of `V` of [`times_one`]; returns the rest.
#[inline(always)]
fn times_one_in<'a, 'b, V: CopyLane>(
    from: &'a [f32],
    to: &'b mut [f32],
) -> (&'a [f32], &'b mut [f32]) {
    let one = V::splat(1.0);
    let mut to_vectors = to.chunks_exact_mut(V::LANES);
    let mut from_vectors = from.chunks_exact(V::LANES);
    for (t, f) in (&mut to_vectors).zip(&mut from_vectors) {
        (V::load(f) * one).store(t);
    }
    (from_vectors.remainder(), to_vectors.into_remainder())
}

/// `out[2k] = out[2k + 1] = row[k]`: whole vectors zipped with
/// themselves, the rest one by one; with 16 lanes, the rest in 4-lane
/// vectors first and the last three at most out of line (in line, LLVM
/// made that scalar rest an AVX-512 scatter, slower than the whole row;
/// out of line with 8 lanes, the call cost more than the rest).
#[inline(always)]
fn twice<L: CopyLane>(row: &[f32], out: &mut [f32]) {
    let (row, out) = aligned_head::<L>(row, out);
    let (row, out) = twice_in::<L>(row, out);
    if L::LANES < 16 {
        for (pair, v) in out.chunks_exact_mut(2).zip(row) {
            pair[0] = *v;
            pair[1] = *v;
        }
        return;
    }
    let (row, out) = twice_in::<f32x4>(row, out);
    if !row.is_empty() {
        twice_few(row, out);
    }
}

/// With 8 or 16 lanes, the first pairs of [`twice`] up to the first
/// output element on a vector boundary (a 32- or 64-byte address), when
/// that is a whole number of pairs and the row is long: then every vector
/// store of the bulk writes within one cache line. A buffer from the
/// system allocator starts 16 bytes past a line, and stores that each
/// straddle two lines are what limit the copy. Returns the rest.
#[inline(always)]
fn aligned_head<'a, 'b, L: CopyLane>(
    row: &'a [f32],
    out: &'b mut [f32],
) -> (&'a [f32], &'b mut [f32]) {
    let lanes = L::LANES;
    let past = out.as_ptr().addr() / size_of::<f32>() % lanes;
    let head = (lanes - past) % lanes;
    if lanes < 8 || !head.is_multiple_of(2) || out.len() < head + 4 * lanes {
        return (row, out);
    }
    let (row_head, row) = row.split_at(head / 2);
    let (out_head, out) = out.split_at_mut(head);
    let (row_head, out_head) = twice_in::<f32x4>(row_head, out_head);
    twice_few(row_head, out_head);
    (row, out)
}

/// The whole vectors of `V` of [`twice`]; returns the rest.
#[inline(always)]
fn twice_in<'a, 'b, V: CopyLane>(row: &'a [f32], out: &'b mut [f32]) -> (&'a [f32], &'b mut [f32]) {
    let mut outs = out.chunks_exact_mut(2 * V::LANES);
    let mut ins = row.chunks_exact(V::LANES);
    for (v, o) in (&mut ins).zip(&mut outs) {
        let v = V::load(v);
        v.store_zip(v, o);
    }
    (ins.remainder(), outs.into_remainder())
}

/// [`twice`] of the fewer than 4 elements 4-lane vectors leave.
#[inline(never)]
fn twice_few(row: &[f32], out: &mut [f32]) {
    for (pair, v) in out.chunks_exact_mut(2).zip(row) {
        pair[0] = *v;
        pair[1] = *v;
    }
}

#[cfg(test)]
mod tests {
    use super::{pixels_twice, twice};
    use crate::simd::CopyLane;
    use wide::{f32x4, f32x8, f32x16};

    /// [`twice`] at every offset of the output from a 64-byte boundary
    /// (the aligned head or none), on rows around the head's threshold and
    /// past it, with NaN's bits kept: each pair holds its input's bits, and
    /// nothing past the row is written.
    fn pairs_at_every_offset<L: CopyLane>() {
        let mut buf = [0.0f32; 2 * 200 + 32];
        for offset in 0..16 {
            let skip = (64 - buf.as_ptr().addr() % 64) % 64 / 4 + offset;
            for n in [0, 1, 3, 7, 8, 31, 32, 33, 38, 47, 64, 65, 100, 199] {
                let row: [f32; 200] = core::array::from_fn(|k| match k % 7 {
                    3 => f32::from_bits(0x7fa0_0000 + k as u32),
                    5 => -(k as f32),
                    _ => k as f32 + 0.5,
                });
                buf.fill(-1.0);
                twice::<L>(&row[..n], &mut buf[skip..skip + 2 * n]);
                for (k, v) in row[..n].iter().enumerate() {
                    let (a, b) = (buf[skip + 2 * k], buf[skip + 2 * k + 1]);
                    assert_eq!(
                        (a.to_bits(), b.to_bits()),
                        (v.to_bits(), v.to_bits()),
                        "{n} {k}"
                    );
                }
                assert!(
                    buf[..skip]
                        .iter()
                        .chain(&buf[skip + 2 * n..])
                        .all(|&v| v == -1.0)
                );
            }
        }
    }

    /// [`pixels_twice`] writes each pixel twice as `value * 1.0` (its
    /// constant widths and the loop for the others), at 4, 8 and 16 lanes.
    fn pixels_twice_at_every_width<L: CopyLane>() {
        for c in 1..=66 {
            let pixels = 7;
            let row: [f32; 7 * 66] = core::array::from_fn(|k| match k % 6 {
                1 => f32::from_bits(0x7f80_0001 + k as u32),
                3 => -0.0,
                _ => k as f32 - 9.5,
            });
            let row = &row[..pixels * c];
            let mut out = [0.5f32; 2 * 7 * 66 + 3];
            let out = &mut out[..2 * pixels * c + 3];
            pixels_twice::<L>(row, out, c);
            for (k, &got) in out.iter().enumerate().take(2 * pixels * c) {
                let want = row[(k / (2 * c)) * c + k % c] * 1.0;
                assert_eq!(
                    got.to_bits(),
                    want.to_bits(),
                    "{} lanes, {c} channels: {k}",
                    L::LANES
                );
            }
            assert_eq!(out[2 * pixels * c..], [0.5; 3]);
        }
    }

    #[test]
    fn pixels_twice_copies_every_width() {
        pixels_twice_at_every_width::<f32x4>();
        pixels_twice_at_every_width::<f32x8>();
        pixels_twice_at_every_width::<f32x16>();
    }

    #[test]
    fn twice_keeps_every_pair_at_every_alignment() {
        pairs_at_every_offset::<f32x4>();
        pairs_at_every_offset::<f32x8>();
        pairs_at_every_offset::<f32x16>();
    }
}
