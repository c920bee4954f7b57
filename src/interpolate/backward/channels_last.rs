//! Channels-last backward: each input pixel's channels gathered at once
//! from every output pixel that reaches it, whole vectors of channels
//! (four at a time, then one, then a scalar tail), no buffer.
//!
//! ```text
//! for each run of input columns (one ColumnTable), input row (id, ih), batch n:
//!   for each input column iw of the run:
//!     grad_input[n, id, ih, iw, :] = sum over (od, wd) in cd, (oh, wh) in ch,
//!         (ow, ww) in table[iw] of (wd * wh * ww) * grad_output[n, od, oh, ow, :]
//! ```

use super::table::{ColumnTable, Contributions};
use super::{Plan, Units};
use crate::simd::{Lane, load_narrow};
use crate::slices::{sub, sub_mut};

/// The taps of one input pixel: output pixel offsets (in pixels) and weights.
struct Pixel<'a> {
    cd: &'a Contributions,
    ch: &'a Contributions,
    offset: &'a [u32],
    weight: &'a [f32],
    /// Output pixel index of `(n, 0, 0, lo)`.
    base: usize,
    out_h: usize,
    out_w: usize,
}

impl Pixel<'_> {
    /// Calls `f(output pixel, weight)` for every tap.
    #[inline(always)]
    fn for_each(&self, mut f: impl FnMut(usize, f32)) {
        for (od, wd) in self.cd.iter() {
            for (oh, wh) in self.ch.iter() {
                let wdh = wd * wh;
                let row = self.base + (od * self.out_h + oh) * self.out_w;
                for (&ow, &ww) in self.offset.iter().zip(self.weight) {
                    f(row + ow as usize, wdh * ww);
                }
            }
        }
    }
}

/// Channels `[c0, c0 + K * LANES)` of one input pixel.
#[inline(always)]
fn block<L: Lane, const K: usize>(px: &Pixel<'_>, g: &[f32], c: usize, c0: usize, dst: &mut [f32]) {
    let mut acc = [L::splat(0.0); K];
    px.for_each(|p, w| {
        let src = sub(g, p * c + c0, K * L::LANES);
        let wv = L::splat(w);
        for (k, a) in acc.iter_mut().enumerate() {
            *a = wv.mul_add(L::load(sub(src, k * L::LANES, L::LANES)), *a);
        }
    });
    for (k, a) in acc.iter().enumerate() {
        a.store(sub_mut(dst, c0 + k * L::LANES, L::LANES));
    }
}

/// Channels `[c0, c)` (fewer than a vector) of one input pixel, through a
/// padded vector: the same operations as [`block`]'s lanes.
#[inline(always)]
fn tail<L: Lane>(px: &Pixel<'_>, g: &[f32], c: usize, c0: usize, dst: &mut [f32]) {
    let mut acc = L::splat(0.0);
    px.for_each(|p, w| acc = L::splat(w).mul_add(load_narrow::<L>(g, p * c + c0, c - c0), acc));
    let mut pad = [0.0f32; 16];
    acc.store(&mut pad);
    for (d, &v) in dst.iter_mut().skip(c0).zip(&pad) {
        *d = v;
    }
}

/// Runs the plan's problem, channels-last (out of line: its tables are
/// not on the stack of calls that take another kernel).
#[inline(never)]
pub(crate) fn run<L: Lane>(
    p: &Plan<'_>,
    grad_output: &[f32],
    units: Units,
    grad_input: &mut [f32],
) {
    let (i, o) = (p.i, p.o);
    let c = i.c;
    let [in_d, in_h, in_w] = i.spatial;
    let [_, out_h, out_w] = o.spatial;
    let out_pixels = o.plane();
    let mut table = ColumnTable::new();
    let mut column = 0;
    while column < in_w {
        let end = table.fill(&p.axes[2], column, usize::MAX, usize::MAX);
        for id in 0..in_d {
            let cd = Contributions::of(&p.axes[0], id);
            for ih in 0..in_h {
                let ch = Contributions::of(&p.axes[1], ih);
                for n in 0..i.n {
                    let Some(at) = units.offset(n, id, ih, i) else {
                        continue;
                    };
                    for iw in column..end {
                        let (offset, weight) = table.column(iw - column);
                        let px = Pixel {
                            cd: &cd,
                            ch: &ch,
                            offset,
                            weight,
                            base: n * out_pixels + table.lo,
                            out_h,
                            out_w,
                        };
                        let dst = sub_mut(grad_input, at + iw * c, c);
                        let mut c0 = 0;
                        while c0 + 4 * L::LANES <= c {
                            block::<L, 4>(&px, grad_output, c, c0, dst);
                            c0 += 4 * L::LANES;
                        }
                        while c0 + L::LANES <= c {
                            block::<L, 1>(&px, grad_output, c, c0, dst);
                            c0 += L::LANES;
                        }
                        if c0 < c {
                            tail::<L>(&px, grad_output, c, c0, dst);
                        }
                    }
                }
            }
        }
        column = end;
    }
}
