//! `grad_weight`: for each tap, a product of the input (channels `ci` of a
//! group) and grad_output shifted by the tap (channels `co`), summed over
//! the batch and the input positions. Tiles of `NR` input channels by
//! `MR * L::LANES` output channels stay in registers over one input row:
//!
//! ```text
//! for each image n, input row (z, y), valid tap (td, th), tap tw, channel tile:
//!     acc = panel[t][ci0 .. +NR][co0 .. +MR*L]
//!     for x with o(x, tw) inside the output row:
//!         acc[j][m] += splat(input[x][ci0 + j]) * grad_output[o(x, t)][co0 + m*L .. +L]
//!     panel[t][ci0 .. +NR][co0 ..] = acc
//! ```
//!
//! Every element sums its products in the reference's order (image, then
//! input position), one lane each: the bits depend neither on the tile
//! nor on the lane width. The panel holds one group's gradient as
//! `[tap][ci][co]` (co rounded up to the tile), copied to PyTorch's
//! `(C_in, C_out / groups, k...)` order once the group is done.

use super::input::{Rows, reach, reached, valid_taps};
use crate::conv_transpose::driver::transpose;
use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::geometry::conv_transpose_backward::BackwardOperands;
use crate::layout::Layout;
use crate::simd::{Lane, load_narrow};

/// Computes `grad_weight` (`out`, the weight's shape). `panel` holds at
/// least `kernel volume * C_in/groups * round_up(C_out/groups, MR * L::LANES)`;
/// channels-first `staging` holds grad_output's channels of a group
/// transposed (when more than one) and then the input's (when more than one).
/// (Out of line: its frame is not on the stack of the input gradient's
/// kernels, which run before it.)
#[inline(never)]
pub(super) fn grad_weight<L: Lane, const MR: usize, const NR: usize>(
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
    let co_pad = m.div_ceil(mrl) * mrl;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let (iplane, oplane) = (i.plane(), o.plane());
    let gout_len = if !cl && m > 1 { m * oplane } else { 0 };
    let (gstage, xstage) = staging.split_at_mut(gout_len.min(staging.len()));
    let Some(panel) = panel.get_mut(..kvol * kc * co_pad) else {
        return;
    };
    for group in 0..g.groups {
        panel.fill(0.0);
        for n in 0..i.n {
            let (gsource, gfrom): (&[f32], Rows) = if cl {
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
            let (xsource, xfrom): (&[f32], Rows) = if cl {
                let base = n * iplane * i.c + group * kc;
                (operands.input, Rows { base, stride: i.c })
            } else if kc == 1 {
                let base = (n * i.c + group) * iplane;
                (operands.input, Rows { base, stride: 1 })
            } else {
                let at = (n * i.c + group * kc) * iplane;
                transpose(operands.input, at, kc, iplane, xstage);
                (
                    &*xstage,
                    Rows {
                        base: 0,
                        stride: kc,
                    },
                )
            };
            let image = Image {
                g,
                x: (xsource, xfrom),
                gout: (gsource, gfrom),
                co_pad,
            };
            image.add::<L, MR, NR>(panel);
        }
        // `[tap][ci][co]` to `(ci, co, tap)`.
        for ci in 0..kc {
            for co in 0..m {
                let at = ((group * kc + ci) * m + co) * kvol;
                let Some(taps) = out.get_mut(at..at + kvol) else {
                    return;
                };
                for (t, d) in taps.iter_mut().enumerate() {
                    *d = panel
                        .get((t * kc + ci) * co_pad + co)
                        .copied()
                        .unwrap_or(0.0);
                }
            }
        }
    }
}

/// One image and group: the input's `kc` channels and grad_output's `m`.
struct Image<'a> {
    g: &'a ConvTransposeGeometry,
    x: (&'a [f32], Rows),
    gout: (&'a [f32], Rows),
    co_pad: usize,
}

impl Image<'_> {
    /// Adds the image's products to `panel`.
    fn add<L: Lane, const MR: usize, const NR: usize>(&self, panel: &mut [f32]) {
        let g = self.g;
        let (i, o) = (g.input, g.output);
        let (kc, m) = (i.c / g.groups, g.out_per_group);
        let mrl = MR * L::LANES;
        for z in 0..i.spatial[0] {
            let tz = valid_taps(g, 0, z);
            for y in 0..i.spatial[1] {
                let ty = valid_taps(g, 1, y);
                let xrow = (z * i.spatial[1] + y) * i.spatial[2];
                for td in tz.0..tz.1 {
                    let od = reach(g, 0, z, td);
                    for th in ty.0..ty.1 {
                        let oh = reach(g, 1, y, th);
                        let orow = (od * o.spatial[1] + oh) * o.spatial[2];
                        for tw in 0..g.kernel[2] {
                            let (lo, hi) = reached(g, 2, tw);
                            if lo >= hi {
                                continue;
                            }
                            let t = (td * g.kernel[1] + th) * g.kernel[2] + tw;
                            let run = Run {
                                xs: lo..hi,
                                xrow,
                                orow,
                                tw,
                            };
                            let mut ci0 = 0;
                            while ci0 + NR <= kc {
                                for co0 in (0..m).step_by(mrl) {
                                    let at = (t * kc + ci0) * self.co_pad + co0;
                                    self.tile::<L, MR, NR>(panel, at, &run, ci0, co0);
                                }
                                ci0 += NR;
                            }
                            for ci in ci0..kc {
                                for co0 in (0..m).step_by(mrl) {
                                    let at = (t * kc + ci) * self.co_pad + co0;
                                    self.tile::<L, MR, 1>(panel, at, &run, ci, co0);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One tile over the run's positions: `NR` input channels from `ci0`
    /// by `MR * L::LANES` output channels from `co0`, its accumulators at
    /// `panel[at..]` (rows `co_pad` apart).
    #[inline(always)]
    fn tile<L: Lane, const MR: usize, const NR: usize>(
        &self,
        panel: &mut [f32],
        at: usize,
        run: &Run,
        ci0: usize,
        co0: usize,
    ) {
        let g = self.g;
        let m = g.out_per_group;
        let (xs, xr) = self.x;
        let (gs, gr) = self.gout;
        let mut acc = [[L::splat(0.0); MR]; NR];
        for (j, row) in acc.iter_mut().enumerate() {
            for (k, v) in row.iter_mut().enumerate() {
                let from = at + j * self.co_pad + k * L::LANES;
                *v = L::load(panel.get(from..from + L::LANES).unwrap_or(&[0.0; 16]));
            }
        }
        // Lanes past the group's channels read whatever follows (never
        // stored out); the buffer's end through a padded copy.
        let lanes: [usize; MR] =
            core::array::from_fn(|k| (m - co0).saturating_sub(k * L::LANES).min(L::LANES));
        for x in run.xs.clone() {
            let xat = xr.base + (run.xrow + x) * xr.stride + ci0;
            let Some(xv) = xs.get(xat..xat + NR) else {
                return;
            };
            let ow = reach(g, 2, x, run.tw);
            let gat = gr.base + (run.orow + ow) * gr.stride + co0;
            let gv: [L; MR] =
                core::array::from_fn(|k| load_narrow::<L>(gs, gat + k * L::LANES, lanes[k]));
            for (row, &xj) in acc.iter_mut().zip(xv) {
                let b = L::splat(xj);
                for (a, v) in row.iter_mut().zip(gv) {
                    *a = v.mul_add(b, *a);
                }
            }
        }
        for (j, row) in acc.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                let from = at + j * self.co_pad + k * L::LANES;
                if let Some(d) = panel.get_mut(from..from + L::LANES) {
                    v.store(d);
                }
            }
        }
    }
}

/// The input positions `xs` of one row (`xrow`, the row's first position)
/// that W tap `tw` takes into output row `orow`.
struct Run {
    xs: core::ops::Range<usize>,
    xrow: usize,
    orow: usize,
    tw: usize,
}
