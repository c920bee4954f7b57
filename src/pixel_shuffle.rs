//! `torch.nn.functional.pixel_shuffle` and `pixel_unshuffle`.
//!
//! ```text
//! pixel_shuffle:   out[n, c, h*r + i, w*r + j] = in[n, c*r*r + i*r + j, h, w]
//! pixel_unshuffle: the inverse
//! ```
//!
//! Both are pure copies, and each layout reduces to an interleave:
//!
//! ```text
//! channels-first shuffle:   out row (c, y*r + i) = interleave of the r input rows
//!                           (c*r*r + i*r + j, y) for j in 0..r
//! channels-last shuffle:    the r*r output pixels of input pixel (y, x) hold its
//!                           C*r*r values de-interleaved by r*r ([C][r*r] -> [r*r][C])
//! unshuffle:                the same with interleave and de-interleave swapped
//! ```
//!
//! How each case runs:
//!
//! | factor | channels-first | channels-last |
//! |---|---|---|
//! | 2, 4 | `zip` / `unzip` networks of `CopyLane` vectors per row | shuffle: 4x4 transposes per pixel (`[C][r*r]` to `[r*r][C]`), 16 channels at a time where `C` is a multiple of 16; unshuffle 2: a `zip` network per pixel, 4: 4x4 transposes |
//! | 3 | fixed-size chunks the compiler vectorises | 4x4 transposes of `[C][9]` (16 channels at a time likewise), a ninth stream by hand |
//! | other | strided scalar copies | strided scalar copies |
//!
//! Every kernel runs on 4-lane vectors whatever the target (see `Shuffle`).

use crate::error::Error;
use crate::geometry::pixel_shuffle::ShuffleGeometry;
use crate::layout::Layout;
use crate::simd::{CopyLane, Lane};
use wide::f32x4;

/// `torch.nn.functional.pixel_shuffle(input, upscale_factor)`.
///
/// `input` has logical shape `shape` = `(N, C*r*r, H, W)` in `layout`;
/// `output` gets `(N, C, H*r, W*r)` in the same layout. Exact (a copy).
///
/// ```
/// use upsample::{pixel_shuffle, Layout};
/// let input = [1.0, 2.0, 3.0, 4.0]; // (1, 4, 1, 1)
/// let mut output = [0.0; 4]; // (1, 1, 2, 2)
/// pixel_shuffle(&input, &[1, 4, 1, 1], Layout::ChannelsFirst, 2, &mut output).unwrap();
/// assert_eq!(output, [1.0, 2.0, 3.0, 4.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`] unless the shape is 4-d; [`Error::ZeroDimension`];
/// [`Error::InvalidParameter`] for a zero factor; [`Error::NotDivisible`]
/// when `C` is not a multiple of `r*r`; [`Error::BufferLength`].
pub fn pixel_shuffle(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    upscale_factor: usize,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = ShuffleGeometry::shuffle(shape, layout, upscale_factor)?;
    g.check_buffers(input, output)?;
    match layout {
        _ if g.factor == 1 => copy(input, output),
        Layout::ChannelsFirst => shuffle_channels_first(&g, input, output),
        Layout::ChannelsLast => shuffle_channels_last(&g, input, output),
    }
    Ok(())
}

/// `torch.nn.functional.pixel_unshuffle(input, downscale_factor)`.
///
/// `input` has logical shape `shape` = `(N, C, H*r, W*r)` in `layout`;
/// `output` gets `(N, C*r*r, H, W)` in the same layout. Exact (a copy).
///
/// ```
/// use upsample::{pixel_unshuffle, Layout};
/// let input = [1.0, 2.0, 3.0, 4.0]; // (1, 1, 2, 2)
/// let mut output = [0.0; 4]; // (1, 4, 1, 1)
/// pixel_unshuffle(&input, &[1, 1, 2, 2], Layout::ChannelsFirst, 2, &mut output).unwrap();
/// assert_eq!(output, [1.0, 2.0, 3.0, 4.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`] unless the shape is 4-d; [`Error::ZeroDimension`];
/// [`Error::InvalidParameter`] for a zero factor; [`Error::NotDivisible`]
/// when `H` or `W` is not a multiple of `r`; [`Error::BufferLength`].
pub fn pixel_unshuffle(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    downscale_factor: usize,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = ShuffleGeometry::unshuffle(shape, layout, downscale_factor)?;
    g.check_buffers(input, output)?;
    match layout {
        _ if g.factor == 1 => copy(input, output),
        Layout::ChannelsFirst => unshuffle_channels_first(&g, input, output),
        Layout::ChannelsLast => unshuffle_channels_last(&g, input, output),
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Kernels. Every one takes the geometry as proof of the slice lengths: all
// chunk sizes are products of validated, non-zero sizes, and every slice
// access is a chunk, a zip, a `get` or a range clamped to the slice.
// ---------------------------------------------------------------------------

use crate::simd::PixelShuffle as Shuffle;

/// Channels-first shuffle: each output row interleaves `r` input rows.
fn shuffle_channels_first(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let [_, h, w] = g.input.spatial;
    // r*r input planes make one output plane; both are r*r*h*w long.
    let group = r * r * h * w;
    for (planes, out_plane) in input
        .chunks_exact(group)
        .zip(output.chunks_exact_mut(group))
    {
        match r {
            2 => shuffle_plane2(planes, out_plane, w, h * w),
            3 => shuffle_plane::<3, 9>(planes, out_plane, w, h * w),
            4 => shuffle_plane::<4, 16>(planes, out_plane, w, h * w),
            _ => {
                for (y, out_rows) in out_plane.chunks_exact_mut(r * r * w).enumerate() {
                    for (i, out_row) in out_rows.chunks_exact_mut(r * w).enumerate() {
                        for j in 0..r {
                            scatter(sub(planes, ((i * r + j) * h + y) * w, w), out_row, j, r);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first output plane from its `RR = R*R` input planes of
/// `hw` elements: output row `y*R + i` interleaves row `y` of planes
/// `i*R .. i*R + R`.
#[inline(never)]
fn shuffle_plane<const R: usize, const RR: usize>(
    planes: &[f32],
    out: &mut [f32],
    w: usize,
    hw: usize,
) {
    let mut all = planes.chunks_exact(hw).map(|p| p.chunks_exact(w));
    let mut rows: [_; RR] =
        core::array::from_fn(|_| all.next().unwrap_or_else(|| [].chunks_exact(w)));
    // The R output rows of input row y are contiguous.
    for out_rows in out.chunks_exact_mut(R * R * w) {
        for (group, out_row) in rows
            .chunks_exact_mut(R)
            .zip(out_rows.chunks_exact_mut(R * w))
        {
            let mut next = group.iter_mut().map(|row| row.next().unwrap_or_default());
            interleave::<R>(
                core::array::from_fn(|_| next.next().unwrap_or_default()),
                out_row,
            );
        }
    }
}

/// [`shuffle_plane`] for factor 2, with the four planes split up front so
/// that a row costs a few pointer increments.
#[inline(never)]
fn shuffle_plane2(planes: &[f32], out: &mut [f32], w: usize, hw: usize) {
    let (p01, p23) = split(planes, 2 * hw);
    let ((p0, p1), (p2, p3)) = (split(p01, hw), split(p23, hw));
    let rows = p0.chunks_exact(w).zip(p1.chunks_exact(w));
    let rows = rows.zip(p2.chunks_exact(w).zip(p3.chunks_exact(w)));
    for (out_rows, ((a, b), (c, d))) in out.chunks_exact_mut(4 * w).zip(rows) {
        let (top, bottom) = split_head(out_rows, 2 * w);
        interleave2::<Shuffle>([a, b], top);
        interleave2::<Shuffle>([c, d], bottom);
    }
}

/// Channels-first unshuffle: each input row de-interleaves into `r` output rows.
fn unshuffle_channels_first(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let r = g.factor;
    let [_, h, w] = g.output.spatial;
    let group = r * r * h * w;
    for (in_plane, planes) in input
        .chunks_exact(group)
        .zip(output.chunks_exact_mut(group))
    {
        match r {
            2 => unshuffle_plane2(in_plane, planes, w, h * w),
            3 => unshuffle_plane::<3, 9>(in_plane, planes, w, h * w),
            4 => unshuffle_plane::<4, 16>(in_plane, planes, w, h * w),
            _ => {
                for (y, in_rows) in in_plane.chunks_exact(r * r * w).enumerate() {
                    for (i, in_row) in in_rows.chunks_exact(r * w).enumerate() {
                        for j in 0..r {
                            let out = sub_mut(planes, ((i * r + j) * h + y) * w, w);
                            gather(in_row, j, r, out);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-first input plane into its `RR = R*R` output planes of `hw`
/// elements: input row `y*R + i` de-interleaves into row `y` of output planes
/// `i*R .. i*R + R`.
#[inline(never)]
fn unshuffle_plane<const R: usize, const RR: usize>(
    in_plane: &[f32],
    planes: &mut [f32],
    w: usize,
    hw: usize,
) {
    let mut all = planes.chunks_exact_mut(hw).map(|p| p.chunks_exact_mut(w));
    let mut rows: [_; RR] = core::array::from_fn(|_| {
        all.next()
            .unwrap_or_else(|| <&mut [f32]>::default().chunks_exact_mut(w))
    });
    for in_rows in in_plane.chunks_exact(R * R * w) {
        for (group, in_row) in rows.chunks_exact_mut(R).zip(in_rows.chunks_exact(R * w)) {
            let mut next = group.iter_mut().map(|row| row.next().unwrap_or_default());
            deinterleave::<R>(
                in_row,
                core::array::from_fn(|_| next.next().unwrap_or_default()),
            );
        }
    }
}

/// [`unshuffle_plane`] for factor 2, with the four planes split up front.
#[inline(never)]
fn unshuffle_plane2(in_plane: &[f32], planes: &mut [f32], w: usize, hw: usize) {
    let (p01, p23) = split_head(planes, 2 * hw);
    let ((p0, p1), (p2, p3)) = (split_head(p01, hw), split_head(p23, hw));
    let rows = p0.chunks_exact_mut(w).zip(p1.chunks_exact_mut(w));
    let rows = rows.zip(p2.chunks_exact_mut(w).zip(p3.chunks_exact_mut(w)));
    for (in_rows, ((a, b), (c, d))) in in_plane.chunks_exact(4 * w).zip(rows) {
        let (top, bottom) = split(in_rows, 2 * w);
        deinterleave2::<Shuffle>(top, [a, b]);
        deinterleave2::<Shuffle>(bottom, [c, d]);
    }
}

/// Channels-last shuffle: each input pixel's `[C][r*r]` values become the
/// `[r*r][C]` values of its `r x r` output pixels.
fn shuffle_channels_last(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.output.c);
    let [_, _, w] = g.input.spatial;
    let out_row = w * r * c;
    for (in_row, out_rows) in input
        .chunks_exact(w * r * r * c)
        .zip(output.chunks_exact_mut(r * out_row))
    {
        if r == 2 {
            // Output row 0 takes streams 0 and 1 of each pixel, row 1 streams 2 and 3.
            let (top, bottom) = split_head(out_rows, out_row);
            shuffle_row_channels_last2(in_row, top, bottom, c);
            continue;
        }
        match r {
            3 => shuffle_row_channels_last::<3, 9>(in_row, out_rows, c),
            4 => shuffle_row_channels_last::<4, 16>(in_row, out_rows, c),
            _ => {
                for (x, pixel) in in_row.chunks_exact(r * r * c).enumerate() {
                    for (i, out_row) in out_rows.chunks_exact_mut(out_row).enumerate() {
                        let pixels = sub_mut(out_row, x * r * c, r * c);
                        for (j, out) in pixels.chunks_exact_mut(c).enumerate() {
                            gather(pixel, i * r + j, r * r, out);
                        }
                    }
                }
            }
        }
    }
}

/// One channels-last input row into its `R` output rows, for `K = R*R`:
/// each pixel's `[C][K]` values transposed to the `[K][C]` of its `R x R`
/// output pixels (stream `i*R + j` to row `i`, pixel `x*R + j`).
#[inline(never)]
fn shuffle_row_channels_last<const R: usize, const K: usize>(
    in_row: &[f32],
    out_rows: &mut [f32],
    c: usize,
) {
    let out_row = out_rows.len() / R;
    // Each output row as a run of c-long streams: pixel x's stream i*R + j
    // is the (x*R + j)-th of row i.
    let mut rows: [_; R] = {
        let mut all = out_rows
            .chunks_exact_mut(out_row.max(1))
            .map(|row| row.chunks_exact_mut(c));
        core::array::from_fn(|_| {
            all.next()
                .unwrap_or_else(|| <&mut [f32]>::default().chunks_exact_mut(1))
        })
    };
    for pixel in in_row.chunks_exact(K * c) {
        let mut outs: [&mut [f32]; K] = core::array::from_fn(|s| {
            rows.get_mut(s / R)
                .and_then(Iterator::next)
                .unwrap_or_default()
        });
        transpose_from(pixel, &mut outs, c);
    }
}

/// The start of 4-wide tile `t` of `0..n` (`n >= 4`): multiples of 4, the
/// last one pulled back to `n - 4` (overlapping the one before) when `n` is
/// not a multiple of 4. There are `n.div_ceil(4)` tiles.
#[inline(always)]
fn tile(t: usize, n: usize) -> usize {
    (4 * t).min(n - 4)
}

/// `outs[s][ch] = pixel[ch*K + s]`: `[C][K]` to `[K][C]`, in 4x4 tiles (a
/// ragged channel end by an overlapping tile, a ragged stream end and
/// fewer than 4 channels one element at a time).
#[inline(always)]
fn transpose_from<const K: usize>(pixel: &[f32], outs: &mut [&mut [f32]; K], c: usize) {
    if c.is_multiple_of(16) {
        transpose_from16(pixel, outs);
        return;
    }
    if c < 4 {
        for (k, out) in outs.iter_mut().enumerate() {
            gather(pixel, k, K, out);
        }
        return;
    }
    for t in 0..c.div_ceil(4) {
        let ch = tile(t, c);
        let rows: [&[f32]; 4] = core::array::from_fn(|i| sub(pixel, (ch + i) * K, K));
        for u in 0..K / 4 {
            let k = 4 * u;
            let tile = f32x4::transpose(rows.map(|row| <f32x4 as Lane>::load(sub(row, k, 4))));
            for (v, out) in tile.into_iter().zip(outs.iter_mut().skip(k)) {
                v.store(out.get_mut(ch..).unwrap_or_default());
            }
        }
        // A last column or three, one element at a time.
        for (k, out) in outs.iter_mut().enumerate().skip(K / 4 * 4) {
            let out = out.get_mut(ch..).unwrap_or_default();
            for (o, row) in out.iter_mut().zip(rows) {
                *o = row.get(k).copied().unwrap_or_default();
            }
        }
    }
}

/// [`transpose_from`] for a multiple of 16 channels (`outs` each `c`
/// long): 16 channels at a time, so that each stream takes 64 contiguous
/// bytes in a row (a whole cache line where the output is 64-byte aligned),
/// and with every slice a fixed-size chunk (no bounds checks in the loop).
/// (Storing each 4x4 tile's four vectors to four streams in turn instead
/// is slower where the image stays in cache.)
#[inline(always)]
fn transpose_from16<const K: usize>(pixel: &[f32], outs: &mut [&mut [f32]; K]) {
    let rows = pixel.as_chunks::<K>().0;
    for (g, group) in rows.chunks_exact(16).enumerate() {
        let group: &[[f32; K]; 16] = group.try_into().unwrap_or(&[[0.0; K]; 16]);
        for u in 0..K / 4 {
            // tiles[q][s]: stream 4u + s of channels 16g + 4q .. + 4.
            let tiles: [[f32x4; 4]; 4] = core::array::from_fn(|q| {
                f32x4::transpose(core::array::from_fn(|i| {
                    let row = &group[4 * q + i];
                    f32x4::from(row[4 * u..4 * u + 4].try_into().unwrap_or([0.0; 4]))
                }))
            });
            for (s, out) in outs.iter_mut().skip(4 * u).take(4).enumerate() {
                if let Some(out) = out.as_chunks_mut::<16>().0.get_mut(g) {
                    for (q, o) in out.as_chunks_mut::<4>().0.iter_mut().enumerate() {
                        *o = tiles[q][s].to_array();
                    }
                }
            }
        }
        // A last stream or three, one element at a time.
        for (k, out) in outs.iter_mut().enumerate().skip(K / 4 * 4) {
            if let Some(out) = out.as_chunks_mut::<16>().0.get_mut(g) {
                for (o, row) in out.iter_mut().zip(group) {
                    *o = row[k];
                }
            }
        }
    }
}

/// `pixel[ch*K + s] = streams[s][ch]`: `[K][C]` to `[C][K]`, in 4x4 tiles
/// (ragged ends by overlapping tiles, fewer than 4 channels one element at
/// a time).
#[inline(always)]
fn transpose_into<const K: usize>(streams: &[&[f32]; K], pixel: &mut [f32], c: usize) {
    if c < 4 {
        for (k, stream) in streams.iter().enumerate() {
            scatter(stream, pixel, k, K);
        }
        return;
    }
    for t in 0..c.div_ceil(4) {
        let ch = tile(t, c);
        let mut rows = pixel.chunks_exact_mut(K).skip(ch).take(4);
        let mut rows: [&mut [f32]; 4] = core::array::from_fn(|_| rows.next().unwrap_or_default());
        for u in 0..K.div_ceil(4) {
            let k = tile(u, K);
            let ins: [f32x4; 4] = core::array::from_fn(|j| {
                let stream = streams.get(k + j).copied().unwrap_or_default();
                <f32x4 as Lane>::load(sub(stream, ch, 4))
            });
            for (v, row) in f32x4::transpose(ins).into_iter().zip(rows.iter_mut()) {
                v.store(row.get_mut(k..).unwrap_or_default());
            }
        }
    }
}

/// One channels-last factor-2 input row (pixels `[C][4]`) into its two output
/// rows (pixel pairs `[2][C]`): a 4x4 transpose per 4 channels (8 shuffles
/// per 16 values, against 12 for the `unzip` network).
#[inline(never)]
fn shuffle_row_channels_last2(in_row: &[f32], top: &mut [f32], bottom: &mut [f32], c: usize) {
    if c == 1 {
        let pixels = in_row.as_chunks::<4>().0;
        let outs = top
            .as_chunks_mut::<2>()
            .0
            .iter_mut()
            .zip(bottom.as_chunks_mut::<2>().0);
        for (&[p0, p1, p2, p3], (a, b)) in pixels.iter().zip(outs) {
            *a = [p0, p1];
            *b = [p2, p3];
        }
        return;
    }
    let outs = top
        .chunks_exact_mut(2 * c)
        .zip(bottom.chunks_exact_mut(2 * c));
    for (pixel, (a, b)) in in_row.chunks_exact(4 * c).zip(outs) {
        let ((a0, a1), (b0, b1)) = (split_head(a, c), split_head(b, c));
        transpose_from(pixel, &mut [a0, a1, b0, b1], c);
    }
}

/// Channels-last unshuffle: the `r x r` input pixels `[r*r][C]` of each
/// output pixel become its `[C][r*r]` values.
fn unshuffle_channels_last(g: &ShuffleGeometry, input: &[f32], output: &mut [f32]) {
    let (r, c) = (g.factor, g.input.c);
    let [_, _, w] = g.output.spatial;
    let in_row = w * r * c;
    for (in_rows, out_row) in input
        .chunks_exact(r * in_row)
        .zip(output.chunks_exact_mut(w * r * r * c))
    {
        match r {
            2 => {
                let (top, bottom) = split(in_rows, in_row);
                unshuffle_row_channels_last2(top, bottom, out_row, c);
            }
            3 => unshuffle_row_channels_last::<3, 9>(in_rows, out_row, c),
            4 => unshuffle_row_channels_last::<4, 16>(in_rows, out_row, c),
            _ => {
                for (x, pixel) in out_row.chunks_exact_mut(r * r * c).enumerate() {
                    // Stream i*r + j: input row i, pixel x*r + j.
                    for s in 0..r * r {
                        let stream = sub(in_rows, (s / r) * in_row + (x * r + s % r) * c, c);
                        scatter(stream, pixel, s, r * r);
                    }
                }
            }
        }
    }
}

/// `R` channels-last input rows into one output row, for `K = R*R`: the
/// `[K][C]` values of each output pixel's `R x R` input pixels transposed to
/// its `[C][K]`.
#[inline(never)]
fn unshuffle_row_channels_last<const R: usize, const K: usize>(
    in_rows: &[f32],
    out_row: &mut [f32],
    c: usize,
) {
    let in_row = in_rows.len() / R;
    let mut rows: [_; R] = {
        let mut all = in_rows
            .chunks_exact(in_row.max(1))
            .map(|row| row.chunks_exact(c));
        core::array::from_fn(|_| all.next().unwrap_or_else(|| [].chunks_exact(1)))
    };
    for pixel in out_row.chunks_exact_mut(K * c) {
        let ins: [&[f32]; K] = core::array::from_fn(|s| {
            rows.get_mut(s / R)
                .and_then(Iterator::next)
                .unwrap_or_default()
        });
        transpose_into(&ins, pixel, c);
    }
}

/// Two channels-last factor-2 input rows (pixel pairs `[2][C]`) into one
/// output row (pixels `[C][4]`).
#[inline(never)]
fn unshuffle_row_channels_last2(top: &[f32], bottom: &[f32], out_row: &mut [f32], c: usize) {
    if c == 1 {
        let ins = top.as_chunks::<2>().0.iter().zip(bottom.as_chunks::<2>().0);
        for (pixel, (&[a0, a1], &[b0, b1])) in out_row.as_chunks_mut::<4>().0.iter_mut().zip(ins) {
            *pixel = [a0, a1, b0, b1];
        }
        return;
    }
    let ins = top.chunks_exact(2 * c).zip(bottom.chunks_exact(2 * c));
    for (pixel, (a, b)) in out_row.chunks_exact_mut(4 * c).zip(ins) {
        let ((a0, a1), (b0, b1)) = (split(a, c), split(b, c));
        interleave4::<Shuffle>([a0, a1, b0, b1], pixel);
    }
}

/// `out[K*m + j] = rows[j][m]` for `K` of 2, 3 or 4 (one element at a time
/// for any other `K`).
#[inline(always)]
fn interleave<const K: usize>(rows: [&[f32]; K], out: &mut [f32]) {
    if let Ok(rows) = rows.as_slice().try_into() {
        interleave2::<Shuffle>(rows, out);
    } else if let Ok(rows) = rows.as_slice().try_into() {
        interleave3(rows, out);
    } else if let Ok(rows) = rows.as_slice().try_into() {
        interleave4::<Shuffle>(rows, out);
    } else {
        interleave_tail(rows, out, 0);
    }
}

/// `outs[j][m] = input[K*m + j]` for `K` of 2, 3 or 4 (one element at a time
/// for any other `K`).
#[inline(always)]
fn deinterleave<const K: usize>(input: &[f32], mut outs: [&mut [f32]; K]) {
    let outs = outs.as_mut_slice();
    if let Ok([a, b]) = <&mut [_; 2]>::try_from(&mut *outs) {
        deinterleave2::<Shuffle>(input, [a, b]);
    } else if let Ok([a, b, c]) = <&mut [_; 3]>::try_from(&mut *outs) {
        deinterleave3(input, [a, b, c]);
    } else if let Ok([a, b, c, d]) = <&mut [_; 4]>::try_from(&mut *outs) {
        deinterleave4::<Shuffle>(input, [a, b, c, d]);
    } else {
        for (j, out) in outs.iter_mut().enumerate() {
            gather(input, j, K, out);
        }
    }
}

/// `s[at..at + len]`, or what of it exists (the geometry makes it all exist).
#[inline(always)]
fn sub(s: &[f32], at: usize, len: usize) -> &[f32] {
    let s = s.get(at..).unwrap_or_default();
    s.get(..len).unwrap_or(s)
}

/// `s[at..at + len]`, or what of it exists (the geometry makes it all exist).
#[inline(always)]
fn sub_mut(s: &mut [f32], at: usize, len: usize) -> &mut [f32] {
    let s = s.get_mut(at..).unwrap_or_default();
    let len = len.min(s.len());
    &mut s[..len]
}

/// Splits the first `head` elements off `s` (all of it if shorter).
#[inline(always)]
fn split(s: &[f32], head: usize) -> (&[f32], &[f32]) {
    s.split_at(head.min(s.len()))
}

/// Splits the first `head` elements off `s` (all of it if shorter).
#[inline(always)]
fn split_head(s: &mut [f32], head: usize) -> (&mut [f32], &mut [f32]) {
    s.split_at_mut(head.min(s.len()))
}

/// `out.copy_from_slice(src)` for slices the geometry makes equally long.
#[inline(always)]
fn copy(src: &[f32], out: &mut [f32]) {
    let n = src.len().min(out.len());
    out[..n].copy_from_slice(&src[..n]);
}

/// `dst[first + k*step] = src[k]`, one element at a time.
#[inline(always)]
fn scatter(src: &[f32], dst: &mut [f32], first: usize, step: usize) {
    let dst = dst.get_mut(first..).unwrap_or_default();
    for (d, &s) in dst.iter_mut().step_by(step).zip(src) {
        *d = s;
    }
}

/// `out[m] = input[first + m*step]`, one element at a time.
#[inline(always)]
fn gather(input: &[f32], first: usize, step: usize, out: &mut [f32]) {
    let input = input.get(first..).unwrap_or_default();
    for (o, &v) in out.iter_mut().zip(input.iter().step_by(step)) {
        *o = v;
    }
}

/// How many whole `K`-interleaved elements `rows` and `out` share.
#[inline(always)]
fn common_len<const K: usize>(rows: &[&[f32]; K], out: usize) -> usize {
    rows.iter().fold(out / K, |m, r| m.min(r.len()))
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
fn interleave2<L: CopyLane>(rows: [&[f32]; 2], out: &mut [f32]) {
    let n = L::LANES;
    let m = common_len(&rows, out.len());
    let whole = m / n * n;
    // Exactly `whole / n` blocks in each, so the zip runs on one counter.
    let out_blocks = out.get_mut(..2 * whole).unwrap_or_default();
    let [a, b] = rows.map(|r| r.get(..whole).unwrap_or_default().chunks_exact(n));
    for ((o, a), b) in out_blocks.chunks_exact_mut(2 * n).zip(a).zip(b) {
        L::load(a).store_zip(L::load(b), o);
    }
    interleave_tail(rows, out, whole);
}

/// `out[4m + j] = rows[j][m]`.
#[inline(always)]
fn interleave4<L: CopyLane>(rows: [&[f32]; 4], out: &mut [f32]) {
    let n = L::LANES;
    let m = common_len(&rows, out.len());
    let whole = m / n * n;
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

/// `outs[j][m] = input[2m + j]`.
#[inline(always)]
fn deinterleave2<L: CopyLane>(input: &[f32], mut outs: [&mut [f32]; 2]) {
    let n = L::LANES;
    let m = outs.iter().fold(input.len() / 2, |m, o| m.min(o.len()));
    let whole = m / n * n;
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

/// `outs[j][m] = input[4m + j]`.
#[inline(always)]
fn deinterleave4<L: CopyLane>(input: &[f32], mut outs: [&mut [f32]; 4]) {
    let n = L::LANES;
    let m = outs.iter().fold(input.len() / 4, |m, o| m.min(o.len()));
    let whole = m / n * n;
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

#[cfg(test)]
mod tests {
    use super::*;
    use wide::{f32x8, f32x16};

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

    #[test]
    fn row_kernels_at_every_width() {
        rows_at_width::<f32x4>();
        rows_at_width::<f32x8>();
        rows_at_width::<f32x16>();
    }

    /// `transpose_from::<K>` against its definition for every channel
    /// count up to 50 (the 16-channel path at 16, 32 and 48).
    fn transpose_from_at<const K: usize>() {
        let src: [f32; 16 * 50] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        for c in 0..=50 {
            let pixel = &src[..K * c];
            let mut outs = [[0.0f32; 50]; K];
            transpose_from::<K>(pixel, &mut outs.each_mut().map(|o| &mut o[..c]), c);
            for ch in 0..c {
                for k in 0..K {
                    assert_eq!(outs[k][ch], pixel[ch * K + k], "from K {K} c {c}");
                }
            }
        }
    }

    #[test]
    fn transposes_match_their_definitions() {
        transpose_from_at::<4>();
        transpose_from_at::<9>();
        transpose_from_at::<16>();
        let src: [f32; 16 * 23] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        for c in 0..=23 {
            let streams: [&[f32]; 16] = core::array::from_fn(|k| &src[k * 23..k * 23 + c]);
            let mut pixel = [0.0f32; 16 * 23];
            transpose_into::<16>(&streams, &mut pixel[..16 * c], c);
            for ch in 0..c {
                for k in 0..16 {
                    assert_eq!(pixel[ch * 16 + k], streams[k][ch], "into c {c}");
                }
            }
        }
    }

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
