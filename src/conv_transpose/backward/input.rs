//! `grad_input`: a strided convolution of `grad_output` by the forward's
//! weight, register-blocked like the forward (its micro-kernel's
//! [`accumulate`]) with the roles of the channels swapped: lanes over a
//! block of input channels `ci`, `NR` consecutive input positions of a row
//! per tile, and the reduction over the group's output channels `co` and
//! the taps:
//!
//! ```text
//! for each valid tap t (d, h, w order), for co in 0..C_out/groups:
//!     acc[m][j] += panel[t][co][m*L .. +L] * splat(grad_output[o(i0 + j, t)][co])
//! o(i, t) = i * stride + t * dilation - padding   (tile positions lie stride apart in grad_output)
//! ```
//!
//! A row's positions whose every W tap is inside the output go in tiles of
//! `NR`, their remainder in tiles of 4, 2 and 1; the row's ends one at a
//! time with their own taps. Each element sums its taps in the same order either
//! way, one lane each, so the bits depend neither on the tile nor on the
//! lane width. Channels-first runs one image and group at a time through
//! `staging` in channels-last order, as the forward does.

use crate::conv_transpose::driver::{Destination, store, transpose};
use crate::conv_transpose::kernel::accumulate;
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::layout::Layout;
use crate::simd::Lane;

/// The taps `lo..hi` of an axis through which input coordinate `x` reaches
/// inside the output: `0 <= x*stride + t*dilation - padding < out`.
#[inline]
pub(super) fn valid_taps(g: &ConvTransposeGeometry, axis: usize, x: usize) -> (usize, usize) {
    let (s, d, p, k) = (
        g.stride[axis],
        g.dilation[axis],
        g.padding[axis],
        g.kernel[axis],
    );
    let out = g.output.spatial[axis];
    // Cannot overflow: `(in - 1) * stride <= out + 2 * padding` and
    // `fast_path_fits` keeps those below `usize::MAX / 8`.
    let pos = x * s;
    let lo = if p > pos { (p - pos).div_ceil(d) } else { 0 };
    let hi = if out + p > pos {
        (out + p - pos).div_ceil(d)
    } else {
        0
    };
    let lo = lo.min(k);
    (lo, hi.min(k).max(lo))
}

/// The input coordinates `lo..hi` of an axis whose every tap is inside
/// the output.
pub(super) fn interior(g: &ConvTransposeGeometry, axis: usize) -> (usize, usize) {
    let (s, d, p, k) = (
        g.stride[axis],
        g.dilation[axis],
        g.padding[axis],
        g.kernel[axis],
    );
    let (input, out) = (g.input.spatial[axis], g.output.spatial[axis]);
    let lo = p.div_ceil(s).min(input);
    let span = (k - 1) * d;
    let hi = if out + p > span {
        (out + p - span).div_ceil(s).min(input)
    } else {
        0
    };
    (lo, hi.max(lo))
}

/// The input coordinates `lo..hi` of an axis that tap `t` takes inside
/// the output: `0 <= x*stride + t*dilation - padding < out`.
pub(super) fn reached(g: &ConvTransposeGeometry, axis: usize, t: usize) -> (usize, usize) {
    let (s, d, p) = (g.stride[axis], g.dilation[axis], g.padding[axis]);
    let (input, out) = (g.input.spatial[axis], g.output.spatial[axis]);
    let shift = t * d;
    let lo = if p > shift {
        (p - shift).div_ceil(s)
    } else {
        0
    };
    let hi = if out + p > shift {
        (out + p - shift).div_ceil(s)
    } else {
        0
    };
    let lo = lo.min(input);
    (lo, hi.min(input).max(lo))
}

/// The output coordinate input coordinate `x` reaches through tap `t`
/// (`t` inside [`valid_taps`]).
#[inline]
pub(super) fn reach(g: &ConvTransposeGeometry, axis: usize, x: usize, t: usize) -> usize {
    x * g.stride[axis] + t * g.dilation[axis] - g.padding[axis]
}

/// Where a call's channels lie: `data[base + position * stride + channel]`.
#[derive(Clone, Copy)]
pub(super) struct Rows {
    pub base: usize,
    pub stride: usize,
}

/// Computes `grad_input` (`out`, the input's shape and layout) with tiles
/// of `MR * L::LANES` input channels by `NR` positions. `panel` holds at
/// least `kernel volume * C_out/groups * MR * L::LANES`; channels-first
/// `staging` holds grad_output's channels of a group transposed (when
/// more than one) and then grad_input's (when more than one).
pub(super) fn grad_input<L: Lane, const MR: usize, const NR: usize>(
    operands: BackwardOperands<'_>,
    out: &mut [f32],
    panel: &mut [f32],
    staging: &mut [f32],
) {
    let g = operands.g;
    let (i, o) = (g.input, g.output);
    let cl = i.layout == Layout::ChannelsLast;
    let (kc, m) = (i.c / g.groups, g.out_per_group);
    let mrl = MR * L::LANES;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let (iplane, oplane) = (i.plane(), o.plane());
    let gout_len = if !cl && m > 1 { m * oplane } else { 0 };
    let (gstage, xstage) = staging.split_at_mut(gout_len.min(staging.len()));
    let Some(panel) = panel.get_mut(..kvol * m * mrl) else {
        return;
    };
    for n in 0..i.n {
        for group in 0..g.groups {
            let (source, from): (&[f32], Rows) = if cl {
                let base = n * oplane * o.c + group * m;
                (operands.grad_output, Rows { base, stride: o.c })
            } else if m == 1 {
                let base = (n * o.c + group) * oplane;
                (operands.grad_output, Rows { base, stride: 1 })
            } else {
                let at = (n * o.c + group * m) * oplane;
                transpose(operands.grad_output, at, m, oplane, gstage);
                (&*gstage, Rows { base: 0, stride: m })
            };
            let (target, to): (&mut [f32], Rows) = if cl {
                let base = n * iplane * i.c + group * kc;
                (&mut *out, Rows { base, stride: i.c })
            } else if kc == 1 {
                let base = (n * i.c + group) * iplane;
                (&mut *out, Rows { base, stride: 1 })
            } else {
                (
                    &mut *xstage,
                    Rows {
                        base: 0,
                        stride: kc,
                    },
                )
            };
            for ci0 in (0..kc).step_by(mrl) {
                let lanes = mrl.min(kc - ci0);
                pack(g, operands.weight, group, ci0, lanes, panel);
                let block = Rows {
                    base: to.base + ci0,
                    ..to
                };
                rows::<L, MR, NR>(g, panel, source, from, target, block, lanes);
            }
            if !cl && kc > 1 {
                let first = (n * i.c + group * kc) * iplane;
                if let Some(dst) = out.get_mut(first..first + kc * iplane) {
                    transpose(xstage, 0, iplane, kc, dst);
                }
            }
        }
    }
}

/// Packs the weights of one group and block of `lanes` input channels as
/// `[tap][co][lane]` (`panel.len() / (kvol * m)` lanes, zero past `lanes`).
fn pack(
    g: &ConvTransposeGeometry,
    weight: &[f32],
    group: usize,
    ci0: usize,
    lanes: usize,
    panel: &mut [f32],
) {
    let (kc, m) = (g.input.c / g.groups, g.out_per_group);
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let mrl = panel.len() / (kvol * m).max(1);
    if lanes < mrl {
        panel.fill(0.0);
    }
    for l in 0..lanes {
        for co in 0..m {
            let from = ((group * kc + ci0 + l) * m + co) * kvol;
            let Some(taps) = weight.get(from..from + kvol) else {
                return;
            };
            for (t, w) in taps.iter().enumerate() {
                if let Some(d) = panel.get_mut((t * m + co) * mrl + l) {
                    *d = *w;
                }
            }
        }
    }
}

/// Every input position of one group and channel block: `source` holds
/// grad_output's channels of the group at `from`, `target` gets the block's
/// `lanes` channels at `to`.
fn rows<L: Lane, const MR: usize, const NR: usize>(
    g: &ConvTransposeGeometry,
    panel: &[f32],
    source: &[f32],
    from: Rows,
    target: &mut [f32],
    to: Rows,
    lanes: usize,
) {
    let (i, o) = (g.input, g.output);
    let (wlo, whi) = interior(g, 2);
    for z in 0..i.spatial[0] {
        let tz = valid_taps(g, 0, z);
        for y in 0..i.spatial[1] {
            let ty = valid_taps(g, 1, y);
            let row = (z * i.spatial[1] + y) * i.spatial[2];
            let site = Site {
                g,
                panel,
                source,
                from,
                tz: (tz, z),
                ty: (ty, y),
                out_w: o.spatial[2],
            };
            // `width` positions from `x` (NR, 4, 2 or 1) in one tile.
            let put = |x: usize, tw: (usize, usize), target: &mut [f32], width: usize| {
                let d = Destination {
                    first: to.base + (row + x) * to.stride,
                    position_stride: to.stride,
                    lane_stride: 1,
                    lanes,
                };
                match width {
                    w if w == NR => {
                        let acc = site.tile::<L, MR, NR>(x, tw);
                        store::<L, MR, NR, true>(&acc, target, d);
                    }
                    4 => {
                        let acc = site.tile::<L, MR, 4>(x, tw);
                        store::<L, MR, 4, true>(&acc, target, d);
                    }
                    2 => {
                        let acc = site.tile::<L, MR, 2>(x, tw);
                        store::<L, MR, 2, true>(&acc, target, d);
                    }
                    _ => {
                        let acc = site.tile::<L, MR, 1>(x, tw);
                        store::<L, MR, 1, true>(&acc, target, d);
                    }
                }
            };
            for x in 0..wlo {
                put(x, valid_taps(g, 2, x), target, 1);
            }
            // The interior in tiles of NR, the rest in 4, 2 and 1 (the
            // single-position tile is load-bound: a quarter of the speed).
            let mut x = wlo;
            for width in [NR, 4, 2, 1] {
                while width <= NR && x + width <= whi {
                    put(x, (0, g.kernel[2]), target, width);
                    x += width;
                }
            }
            for x in whi.max(wlo)..i.spatial[2] {
                put(x, valid_taps(g, 2, x), target, 1);
            }
        }
    }
}

/// One input row's taps along D and H and where grad_output lies.
struct Site<'a> {
    g: &'a ConvTransposeGeometry,
    panel: &'a [f32],
    source: &'a [f32],
    from: Rows,
    /// Valid D taps and the row's D coordinate.
    tz: ((usize, usize), usize),
    /// Valid H taps and the row's H coordinate.
    ty: ((usize, usize), usize),
    out_w: usize,
}

impl Site<'_> {
    /// The `NR` positions from `x` over W taps `tw` (valid for all of them).
    #[inline(always)]
    fn tile<L: Lane, const MR: usize, const NR: usize>(
        &self,
        x: usize,
        tw: (usize, usize),
    ) -> [[L; NR]; MR] {
        let g = self.g;
        let m = g.out_per_group;
        let tap_len = m * MR * L::LANES;
        let mut acc = [[L::splat(0.0); NR]; MR];
        let ((z_lo, z_hi), z) = self.tz;
        let ((y_lo, y_hi), y) = self.ty;
        for td in z_lo..z_hi {
            let od = reach(g, 0, z, td);
            for th in y_lo..y_hi {
                let oh = reach(g, 1, y, th);
                let row = (od * g.output.spatial[1] + oh) * self.out_w;
                for tw in tw.0..tw.1 {
                    let ow = reach(g, 2, x, tw);
                    let offset = self.from.base + (row + ow) * self.from.stride;
                    let t = (td * g.kernel[1] + th) * g.kernel[2] + tw;
                    let Some(w) = self.panel.get(t * tap_len..(t + 1) * tap_len) else {
                        continue;
                    };
                    let step = g.stride[2] * self.from.stride;
                    accumulate::<L, MR, NR>(&mut acc, w, self.source, offset, step, m);
                }
            }
        }
        acc
    }
}
