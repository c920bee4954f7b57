//! Channels-last max pool (`C > 1`): the channels of each output pixel in
//! the lanes, one window walk per block of `L` channels; the channels past
//! the last whole block through the reference's window.

use super::{Best, NO_INDEX, scalar_window};
use crate::geometry::pool::MaxPoolGeometry;
use crate::reference::pool::{Span, Window, initial_index};
use crate::simd::CopyLane;
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
    let [_, h, w] = g.input.spatial;
    let [sz, sy, sx] = window.spans;
    let load = |at: usize, ch: usize| {
        let s = input.get(at * c + ch..).unwrap_or_default();
        Best::at(L::load(s.get(..n).unwrap_or_default()), at)
    };
    let mut ch = from;
    while ch + n <= c {
        let mut best = Best::<L>::new();
        for z in sz.positions() {
            for y in sy.positions() {
                let row = (z * h + y) * w;
                // Pairs first, then the running maximum (see `Best::then`).
                let mut xs = sx.positions();
                while let Some(x) = xs.next() {
                    let first = load(row + x, ch);
                    best = best.then(match xs.next() {
                        Some(x) => first.then(load(row + x, ch)),
                        None => first,
                    });
                }
            }
        }
        if let (Some(o), Some(i)) = (out.get_mut(ch..ch + n), idx.get_mut(ch..ch + n)) {
            best.max.store(o);
            let mut bits = [0u32; 16];
            best.payload.store_bits(&mut bits);
            for (i, &b) in i.iter_mut().zip(&bits) {
                *i = if b == NO_INDEX { initial } else { i64::from(b) };
            }
        }
        ch += n;
    }
    ch
}
