//! Channels-last max pool (`C > 1`): the channels of each output pixel in
//! the lanes, one window walk per block of `L` channels; the channels past
//! the last whole block through the reference's window.

use super::{Best, NO_INDEX, scalar_window};
use crate::geometry::pool::MaxPoolGeometry;
use crate::reference::pool::{Span, Window, initial_index};
use crate::simd::{CopyLane, load_narrow, store_narrow};
use wide::f32x4;

/// One batch of a channels-last max pool (C > 1): the channels of each
/// output pixel in blocks of `L` ([`Pool`](crate::simd::Pool) in the public
/// path), then 4-lane blocks, then one by one through the reference's window.
pub(super) fn pool_channels_last<L: CopyLane>(
    g: &MaxPoolGeometry,
    input: &[f32],
    output: &mut [f32],
    indices: &mut [i64],
) {
    let c = g.input.c;
    let [od, oh, ow] = g.output.spatial;
    let mut pixels = output.chunks_exact_mut(c).zip(indices.chunks_exact_mut(c));
    for z in 0..od {
        for y in 0..oh {
            let row = Window::new(g, [z, y, 0]);
            for x in 0..ow {
                let Some((out, idx)) = pixels.next() else {
                    return;
                };
                let mut window = row;
                window.spans[2] = Span::new(g, 2, x);
                let initial = initial_index(g, window.spans.map(|s| s.start));
                if c < 4 {
                    // RGB: the pixel in one 4-lane vector, whose spare
                    // lanes read the next pixel and are not stored (one
                    // channel at a time was slower than the reference).
                    let load = |at| Best::at(load_narrow::<f32x4>(input, at * c, c), at);
                    store(walk(g, window, load), initial, Some(out), Some(idx));
                    continue;
                }
                let done = pool_pixel::<L>(g, window, initial, input, out, idx, 0);
                let done = pool_pixel::<f32x4>(g, window, initial, input, out, idx, done);
                let rest = out.get_mut(done..).unwrap_or_default().iter_mut();
                let rest = rest.zip(idx.get_mut(done..).unwrap_or_default());
                for (ch, (o, i)) in (done..).zip(rest) {
                    (*o, *i) = scalar_window(g, &window, input, c, ch);
                }
            }
        }
    }
}

/// Channels `from..` of one channels-last output pixel in blocks of `L`;
/// returns where the whole blocks end.
#[inline(always)]
fn pool_pixel<L: CopyLane>(
    g: &MaxPoolGeometry,
    window: Window,
    initial: i64,
    input: &[f32],
    out: &mut [f32],
    idx: &mut [i64],
    from: usize,
) -> usize {
    let (n, c) = (L::LANES, g.input.c);
    let mut ch = from;
    while ch + n <= c {
        let best = walk(g, window, |at| {
            let s = input.get(at * c + ch..).unwrap_or_default();
            Best::at(L::load(s.get(..n).unwrap_or_default()), at)
        });
        store(
            best,
            initial,
            out.get_mut(ch..ch + n),
            idx.get_mut(ch..ch + n),
        );
        ch += n;
    }
    ch
}

/// The reference's maximum over `window` of the vectors `load` gives for
/// each in-plane position.
#[inline(always)]
fn walk<L: CopyLane>(
    g: &MaxPoolGeometry,
    window: Window,
    load: impl Fn(usize) -> Best<L>,
) -> Best<L> {
    let [_, h, w] = g.input.spatial;
    let [sz, sy, sx] = window.spans;
    let mut best = Best::<L>::new();
    for z in sz.positions() {
        for y in sy.positions() {
            let row = (z * h + y) * w;
            // Pairs first, then the running maximum (see `Best::then`).
            let mut xs = sx.positions();
            while let Some(x) = xs.next() {
                let first = load(row + x);
                best = best.then(match xs.next() {
                    Some(x) => first.then(load(row + x)),
                    None => first,
                });
            }
        }
    }
    best
}

/// The first `out.len()` lanes of `best` into `out` and `idx` (the
/// initial index where no element was taken).
#[inline(always)]
fn store<L: CopyLane>(
    best: Best<L>,
    initial: i64,
    out: Option<&mut [f32]>,
    idx: Option<&mut [i64]>,
) {
    let (Some(out), Some(idx)) = (out, idx) else {
        return;
    };
    store_narrow(best.max, out, 0, out.len());
    let mut bits = [0u32; 16];
    best.payload.store_bits(&mut bits);
    for (i, &b) in idx.iter_mut().zip(&bits) {
        *i = if b == NO_INDEX { initial } else { i64::from(b) };
    }
}
