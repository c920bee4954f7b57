//! The driver of the fast transposed convolution: phase decomposition,
//! weight packing and tiling around the micro-kernel of [`super::kernel`].

use super::kernel::{Taps, tile};
use crate::geometry::conv_transpose::{ConvTransposeGeometry, Operands};
use crate::simd::{Lane, VECTOR_REGISTERS, load_narrow, store_narrow};
use wide::f32x8;

/// Width of the tiles that finish a row the full tiles leave short.
const NARROW: usize = 4;

/// One phase (residue class of `o + padding` modulo the stride) along one axis.
#[derive(Clone, Copy, Debug)]
pub(super) struct AxisPhase {
    /// Residue `r`: the phase's outputs are `o = q * stride + r - padding`.
    pub(super) residue: usize,
    /// First kernel tap in the phase.
    pub(super) first_tap: usize,
    /// Kernel taps in the phase (`t = first_tap + j * tap_step`).
    pub(super) count: usize,
    /// `(first_tap * dilation) / stride`: phase output `q` meets input `q - first_offset` through the first tap.
    pub(super) first_offset: usize,
    /// Kernel index between the phase's taps.
    pub(super) tap_step: usize,
    /// Input positions between the phase's taps.
    pub(super) offset_step: usize,
    /// Phase outputs `q_lo..q_hi` inside the output.
    pub(super) q_lo: usize,
    pub(super) q_hi: usize,
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The residues of `o + padding` modulo the stride that some output `o` of
/// the axis has: `(padding + o) % stride` for the first `min(stride, out)`
/// outputs, each once. Other residues have no outputs, so a stride far
/// larger than the output costs nothing.
pub(super) fn residues(g: &ConvTransposeGeometry, axis: usize) -> impl Iterator<Item = usize> {
    let (s, p) = (g.stride[axis] as u128, g.padding[axis] as u128);
    (0..g.stride[axis].min(g.output.spatial[axis])).map(move |o| ((p % s + o as u128) % s) as usize)
}

pub(super) fn axis_phase(g: &ConvTransposeGeometry, axis: usize, residue: usize) -> AxisPhase {
    let (k, s, d, p) = (
        g.kernel[axis],
        g.stride[axis],
        g.dilation[axis],
        g.padding[axis],
    );
    let out = g.output.spatial[axis];
    let common = gcd(s, d).max(1);
    let tap_step = s / common;
    let offset_step = d / common;
    let first = (0..tap_step.min(k)).find(|&t| (t * d) % s == residue);
    let (first_tap, count, first_offset) = match first {
        Some(t) => (t, (k - t).div_ceil(tap_step), t * d / s),
        None => (0, 0, 0),
    };
    let q_lo = if p > residue {
        (p - residue).div_ceil(s)
    } else {
        0
    };
    let q_hi = if out + p > residue {
        (out + p - residue).div_ceil(s)
    } else {
        0
    };
    AxisPhase {
        residue,
        first_tap,
        count,
        first_offset,
        tap_step,
        offset_step,
        q_lo,
        q_hi,
    }
}

impl AxisPhase {
    /// Phase-tap indices whose input is inside `0..input` for phase output `q`.
    #[inline]
    pub(super) fn valid(&self, q: usize, input: usize) -> (usize, usize) {
        if self.count == 0 || q < self.first_offset {
            return (0, 0);
        }
        let rel = q - self.first_offset;
        let hi = (rel / self.offset_step + 1).min(self.count);
        let lo = if rel + 1 > input {
            (rel + 1 - input).div_ceil(self.offset_step)
        } else {
            0
        };
        (lo, hi.max(lo))
    }

    /// Phase outputs whose every tap is inside the input.
    pub(super) fn interior(&self, input: usize) -> (usize, usize) {
        if self.count == 0 {
            return (self.q_lo, self.q_hi);
        }
        let lo = self
            .q_lo
            .max(self.first_offset + (self.count - 1) * self.offset_step)
            .min(self.q_hi);
        let hi = self.q_hi.min(self.first_offset + input).max(lo);
        (lo, hi)
    }

    /// The output position of phase output `q` (`q >= q_lo`).
    #[inline]
    pub(super) fn output(&self, q: usize, stride: usize, padding: usize) -> usize {
        q * stride + self.residue - padding
    }
}

/// Where a tile's outputs go: element `(position j, lane l)` is at
/// `first + j * position_stride + l * lane_stride`.
#[derive(Clone, Copy)]
pub(super) struct Destination {
    pub first: usize,
    pub position_stride: usize,
    pub lane_stride: usize,
    pub lanes: usize,
}

#[inline(always)]
pub(super) fn store<L: Lane, const MR: usize, const NR: usize, const CL: bool>(
    acc: &[[L; NR]; MR],
    output: &mut [f32],
    d: Destination,
) {
    for j in 0..NR {
        let at = d.first + j * d.position_stride;
        if CL && d.lanes == MR * L::LANES {
            for (m, row) in acc.iter().enumerate() {
                if let Some(dst) = output.get_mut(at + m * L::LANES..) {
                    row[j].store(dst);
                }
            }
        } else {
            let mut tmp = [L::Array::default(); MR];
            for (row, chunk) in acc.iter().zip(&mut tmp) {
                row[j].store(chunk.as_mut());
            }
            let values = tmp.iter().flat_map(|chunk| chunk.as_ref());
            for (l, v) in values.take(d.lanes).enumerate() {
                if let Some(dst) = output.get_mut(at + l * d.lane_stride) {
                    *dst = *v;
                }
            }
        }
    }
}

/// Runs the whole convolution with `MR * L::LANES`-channel by `NR`-position
/// tiles. (Used by the tests; the op runs [`run_channels`].) `panel` holds at least `MR * L::LANES * C_in/groups * kernel
/// volume` (every tap, see [`pack`]). A channels-first problem runs one
/// `(n, group)` at a time through `packed`: its input (when a group has more
/// than one channel) transposed to `[position][channel]`, then its output
/// made as `[position][channel]` and transposed back, so the micro-kernel
/// reads contiguous rows of channels and stores whole vectors in both
/// layouts. Read in place, the channels of a channels-first plane lie a
/// plane apart (4 KiB for a 32x32 plane), all in one L1 set.
#[cfg(test)]
pub(super) fn run<L: Lane, const MR: usize, const NR: usize, const CL: bool>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
    packed: &mut [f32],
) {
    let all = 0..operands.g.output.c;
    run_channels::<L, MR, NR, CL>(operands, output, panel, packed, all);
}

/// [`run`] for the output channels `channels` only (channels-first; a
/// channels-last call takes them all): `output` holds their planes.
pub(super) fn run_channels<L: Lane, const MR: usize, const NR: usize, const CL: bool>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
    packed: &mut [f32],
    channels: core::ops::Range<usize>,
) {
    let g = operands.g;
    let (c0, c1) = if CL {
        (0, g.output.c)
    } else {
        (channels.start, channels.end)
    };
    let (i, o) = (g.input, g.output);
    let kc = i.c / g.groups;
    let m = g.out_per_group;
    let mrl = MR * L::LANES;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let (iplane, oplane) = (i.plane(), o.plane());
    let in_len = if CL || kc == 1 { 0 } else { iplane * kc };
    let (packed, staging) = packed.split_at_mut(in_len.min(packed.len()));
    for n in 0..i.n {
        for group in 0..g.groups {
            // The group's output channels in `c0..c1`, as `lo..hi` of its own.
            let lo = c0.clamp(group * m, (group + 1) * m) - group * m;
            let hi = c1.clamp(group * m, (group + 1) * m) - group * m;
            if lo >= hi {
                continue;
            }
            let (source, base, spatial_stride): (&[f32], usize, usize) = if CL {
                (operands.input, n * iplane * i.c + group * kc, i.c)
            } else if kc == 1 {
                (operands.input, (n * i.c + group) * iplane, 1)
            } else {
                transpose(
                    operands.input,
                    (n * i.c + group * kc) * iplane,
                    kc,
                    iplane,
                    packed,
                );
                (packed, 0, kc)
            };
            // Channels-first output is written channels-last into `staging`
            // and transposed once the group is done.
            let (target, target_base, channels): (&mut [f32], usize, usize) = if CL {
                (&mut *output, n * oplane * o.c + group * m, o.c)
            } else {
                (&mut *staging, 0, hi - lo)
            };
            // Where channel `co` of the group goes in a position of `target`.
            let slot = if CL { 0 } else { lo };
            // Channel blocks outside the phases: a block's weights (read
            // with a stride of the kernel volume) stay in L2 while every
            // phase packs its taps from them. Phases outside (the vocoder's
            // 8 MiB weight read once per phase) spent 40% of the time packing.
            for co0 in (lo..hi).step_by(mrl) {
                let lanes = mrl.min(hi - co0);
                let mut b = [L::Array::default(); MR];
                if let Some(bias) = operands.bias {
                    let first = group * m + co0;
                    let lanes_of_b = b.iter_mut().flat_map(|chunk| chunk.as_mut());
                    for (d, s) in lanes_of_b.zip(bias.iter().skip(first).take(lanes)) {
                        *d = *s;
                    }
                }
                let init = b.map(|chunk| L::load(chunk.as_ref()));
                let Some(panel) = panel.get_mut(..kvol * kc * mrl) else {
                    return;
                };
                pack(g, operands.weight, group, co0, lanes, panel);
                let panel: &[f32] = panel;
                for rd in residues(g, 0) {
                    for rh in residues(g, 1) {
                        for rw in residues(g, 2) {
                            let ph = [
                                axis_phase(g, 0, rd),
                                axis_phase(g, 1, rh),
                                axis_phase(g, 2, rw),
                            ];
                            if ph.iter().any(|a| a.q_lo >= a.q_hi) {
                                continue;
                            }
                            // Saturating: a tile of more than one
                            // position implies the product fits.
                            let position_stride = g.stride[2].saturating_mul(channels);
                            for qd in ph[0].q_lo..ph[0].q_hi {
                                let od = ph[0].output(qd, g.stride[0], g.padding[0]);
                                for qh in ph[1].q_lo..ph[1].q_hi {
                                    let oh = ph[1].output(qh, g.stride[1], g.padding[1]);
                                    let row = (od * o.spatial[1] + oh) * o.spatial[2];
                                    // One `Taps` for every tile of the row (a
                                    // copy per tile width weighed on
                                    // firmware's stack).
                                    let mut t = Taps {
                                        range: [
                                            ph[0].valid(qd, i.spatial[0]),
                                            ph[1].valid(qh, i.spatial[1]),
                                            (0, 0),
                                        ],
                                        first_tap: [
                                            ph[0].first_tap,
                                            ph[1].first_tap,
                                            ph[2].first_tap,
                                        ],
                                        tap_step: [ph[0].tap_step, ph[1].tap_step, ph[2].tap_step],
                                        kernel: g.kernel,
                                        origin: [
                                            qd.saturating_sub(ph[0].first_offset),
                                            qh.saturating_sub(ph[1].first_offset),
                                            0,
                                        ],
                                        step: [
                                            ph[0].offset_step,
                                            ph[1].offset_step,
                                            ph[2].offset_step,
                                        ],
                                        in_spatial: i.spatial,
                                        base,
                                        spatial_stride,
                                        kc,
                                    };
                                    let w = ph[2];
                                    let destination = |q: usize| {
                                        let position = row + w.output(q, g.stride[2], g.padding[2]);
                                        Destination {
                                            first: target_base + position * channels + co0 - slot,
                                            position_stride,
                                            lane_stride: 1,
                                            lanes,
                                        }
                                    };
                                    let single = |t: &mut Taps, q: usize, output: &mut [f32]| {
                                        t.range[2] = w.valid(q, i.spatial[2]);
                                        t.origin[2] = q.saturating_sub(w.first_offset);
                                        let acc = tile::<L, MR, 1>(init, panel, source, t);
                                        store::<L, MR, 1, true>(&acc, output, destination(q));
                                    };
                                    let (lo, hi) = w.interior(i.spatial[2]);
                                    for q in w.q_lo..lo {
                                        single(&mut t, q, target);
                                    }
                                    t.range[2] = (0, w.count);
                                    let mut q = lo;
                                    while hi - q >= NR {
                                        t.origin[2] = q.saturating_sub(w.first_offset);
                                        let acc = tile::<L, MR, NR>(init, panel, source, &t);
                                        store::<L, MR, NR, true>(&acc, target, destination(q));
                                        q += NR;
                                    }
                                    if hi - lo >= NARROW {
                                        // The last narrow tile overlaps the one before
                                        // rather than running short (same sums, same bits).
                                        while q < hi {
                                            let q0 = q.min(hi - NARROW);
                                            t.origin[2] = q0.saturating_sub(w.first_offset);
                                            let acc =
                                                tile::<L, MR, NARROW>(init, panel, source, &t);
                                            store::<L, MR, NARROW, true>(
                                                &acc,
                                                target,
                                                destination(q0),
                                            );
                                            q = q0 + NARROW;
                                        }
                                    }
                                    for q in (q..hi).chain(hi..w.q_hi) {
                                        single(&mut t, q, target);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if !CL {
                let first = (n * (c1 - c0) + group * m + lo - c0) * oplane;
                if let Some(out) = output.get_mut(first..first + (hi - lo) * oplane) {
                    transpose(staging, 0, oplane, hi - lo, out);
                }
            }
        }
    }
}

/// Writes the `rows x cols` matrix at `from` in `source` transposed into
/// `target` (`cols x rows`), in 8x8 blocks so every line read or written is
/// used whole: down each block column of the target, so eight target rows
/// fill at a time (sixteen or more streams at once, each a plane apart,
/// measured slower).
pub(super) fn transpose(source: &[f32], from: usize, rows: usize, cols: usize, target: &mut [f32]) {
    transpose_strided(source, from, cols, rows, cols, target, rows);
}

/// [`transpose`] of a sub-matrix: source rows `source_stride` apart
/// (`>= cols`), target rows `target_stride` apart (`>= rows`).
pub(super) fn transpose_strided(
    source: &[f32],
    from: usize,
    source_stride: usize,
    rows: usize,
    cols: usize,
    target: &mut [f32],
    target_stride: usize,
) {
    const B: usize = 8;
    // Source rows per sweep of the columns: the sweep's source lines stay
    // in cache for the next block column (one sweep over a 4 MiB staging
    // per block column ran at half the speed).
    const CHUNK: usize = 256;
    for chunk in (0..rows).step_by(CHUNK) {
        for c0 in (0..cols).step_by(B) {
            let cn = B.min(cols - c0);
            for r0 in (chunk..rows.min(chunk + CHUNK)).step_by(B) {
                let rn = B.min(rows - r0);
                // Without vector registers (firmware) the 8x8 block is
                // an array on the stack, no faster than element by element.
                if VECTOR_REGISTERS && cn == B && rn == B {
                    let block: [f32x8; B] = core::array::from_fn(|k| {
                        let at = from + (r0 + k) * source_stride + c0;
                        <f32x8 as Lane>::load(source.get(at..at + B).unwrap_or(&[0.0; B]))
                    });
                    for (k, v) in f32x8::transpose(block).into_iter().enumerate() {
                        let at = (c0 + k) * target_stride + r0;
                        if let Some(d) = target.get_mut(at..at + B) {
                            v.store(d);
                        }
                    }
                } else {
                    for r in r0..r0 + rn {
                        for c in c0..c0 + cn {
                            if let (Some(v), Some(d)) = (
                                source.get(from + r * source_stride + c),
                                target.get_mut(c * target_stride + r),
                            ) {
                                *d = *v;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Packs the weights of one group and block of `lanes` output channels,
/// every tap, as `[tap][ci][lane]` with `panel.len() / (kvol * kc)` lanes,
/// zero past `lanes`. Each input channel's `lanes x kvol` block of the
/// weight is contiguous, so it goes over in 8x8 transposes (gathering one
/// tap's lanes, a kernel volume apart, per phase took 40% of the vocoder
/// case), eight taps at a time: the eight panel rows written together lie
/// `kc * lanes` apart, often in one L1 set, and sixteen of them thrashed it.
fn pack(
    g: &ConvTransposeGeometry,
    weight: &[f32],
    group: usize,
    co0: usize,
    lanes: usize,
    panel: &mut [f32],
) {
    let kc = g.input.c / g.groups;
    let m = g.out_per_group;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let mrl = panel.len() / (kc * kvol).max(1);
    if lanes < mrl {
        panel.fill(0.0);
    }
    for t0 in (0..kvol).step_by(8) {
        let taps = 8.min(kvol - t0);
        for ci in 0..kc {
            let from = ((group * kc + ci) * m + co0) * kvol + t0;
            if let Some(target) = panel.get_mut((t0 * kc + ci) * mrl..) {
                transpose_strided(weight, from, kvol, lanes, taps, target, kc * mrl);
            }
        }
    }
}

/// Depthwise channels-last (`C_in / groups == 1`, `C_out / groups == 1`):
/// channels are contiguous in input and output alike, so lanes run over
/// channels and every output pixel is its bias plus one multiply-add per
/// valid tap over its row of channels. `panel` holds the weights of every
/// tap as `[tap][channel]` (channels rounded up to the lane count, zero past
/// the end). Each output row is written in one pass, left to right, its
/// pixels' phases taken in turn: four passes over the output, one per
/// phase, each writing every other pixel of every other row, ran at a
/// third of the speed.
pub(super) fn run_depthwise_channels_last<L: Lane>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
) {
    /// W phases kept per row (larger strides find theirs per pixel).
    const CACHED: usize = 16;
    let (g, input) = (operands.g, operands.input);
    let (i, o) = (g.input, g.output);
    let c = i.c;
    let width = c.div_ceil(L::LANES) * L::LANES;
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let (iplane, oplane) = (i.plane(), o.plane());
    let Some(panel) = panel.get_mut(..kvol * width) else {
        return;
    };
    if width > c {
        panel.fill(0.0);
    }
    transpose_strided(operands.weight, 0, kvol, c, kvol, panel, width);
    let panel: &[f32] = panel;
    let (sw, pw) = (g.stride[2], g.padding[2]);
    // Each W phase with the range of its outputs whose taps are all inside
    // (no divisions for those).
    let with_interior = |r: usize| {
        let phase = axis_phase(g, 2, r);
        (phase, phase.interior(i.spatial[2]))
    };
    let mut cache = [with_interior(0); CACHED];
    for (r, slot) in cache.iter_mut().enumerate().take(sw).skip(1) {
        *slot = with_interior(r);
    }
    let w_phase = |r: usize| match cache.get(r) {
        Some(cached) => *cached,
        None => with_interior(r),
    };
    let bias_row = |out: &mut [f32]| {
        let mut chunks = out.chunks_exact_mut(L::LANES);
        for (k, dst) in (&mut chunks).enumerate() {
            let from = k * L::LANES;
            match operands.bias.and_then(|b| b.get(from..from + L::LANES)) {
                Some(b) => dst.copy_from_slice(b),
                None => dst.fill(0.0),
            }
        }
        let tail = chunks.into_remainder();
        let from = c - tail.len();
        for (k, d) in tail.iter_mut().enumerate() {
            *d = operands
                .bias
                .and_then(|b| b.get(from + k))
                .copied()
                .unwrap_or(0.0);
        }
    };
    // The bias of one pixel as a vector (pixels of fewer channels than
    // a vector; zeros past `c`).
    let bias = {
        let mut pad = L::Array::default();
        bias_row(pad.as_mut().get_mut(..c.min(L::LANES)).unwrap_or_default());
        L::load(pad.as_ref())
    };
    for rd in residues(g, 0) {
        for rh in residues(g, 1) {
            let ph = [axis_phase(g, 0, rd), axis_phase(g, 1, rh)];
            if ph.iter().any(|a| a.q_lo >= a.q_hi) {
                continue;
            }
            for n in 0..i.n {
                for qd in ph[0].q_lo..ph[0].q_hi {
                    let od = ph[0].output(qd, g.stride[0], g.padding[0]);
                    let rd_range = ph[0].valid(qd, i.spatial[0]);
                    let zd = qd.saturating_sub(ph[0].first_offset);
                    for qh in ph[1].q_lo..ph[1].q_hi {
                        let oh = ph[1].output(qh, g.stride[1], g.padding[1]);
                        let rh_range = ph[1].valid(qh, i.spatial[1]);
                        let zh = qh.saturating_sub(ph[1].first_offset);
                        let at = (n * oplane + (od * o.spatial[1] + oh) * o.spatial[2]) * c;
                        let Some(row) = output.get_mut(at..at + o.spatial[2] * c) else {
                            return;
                        };
                        // Output pixel `ow` is phase output `q` of residue `r`.
                        let (mut r, mut q) = (pw % sw, pw / sw);
                        for ow in 0..o.spatial[2] {
                            let (phw, (lo, hi)) = w_phase(r);
                            let rw_range = if (lo..hi).contains(&q) {
                                (0, phw.count)
                            } else {
                                phw.valid(q, i.spatial[2])
                            };
                            let zw = q.saturating_sub(phw.first_offset);
                            // The pixel's taps in PyTorch's order: input
                            // offset and kernel tap of each.
                            let taps = || {
                                (rd_range.0..rd_range.1).flat_map(move |a| {
                                    let z = zd - a * ph[0].offset_step;
                                    let td = ph[0].first_tap + a * ph[0].tap_step;
                                    (rh_range.0..rh_range.1).flat_map(move |b| {
                                        let y = zh - b * ph[1].offset_step;
                                        let th = ph[1].first_tap + b * ph[1].tap_step;
                                        (rw_range.0..rw_range.1).map(move |cc| {
                                            let x = zw - cc * phw.offset_step;
                                            let tw = phw.first_tap + cc * phw.tap_step;
                                            let tap = (td * g.kernel[1] + th) * g.kernel[2] + tw;
                                            let from = (n * iplane
                                                + (z * i.spatial[1] + y) * i.spatial[2]
                                                + x)
                                                * c;
                                            (from, tap)
                                        })
                                    })
                                })
                            };
                            if c < L::LANES {
                                // One vector per pixel: summed in a register
                                // from the bias, as the lanes of the general
                                // case sum in memory (the same operations).
                                let mut acc = bias;
                                for (from, tap) in taps() {
                                    let w = panel.get(tap * width..).unwrap_or_default();
                                    acc = load_narrow::<L>(input, from, c).mul_add(L::load(w), acc);
                                }
                                store_narrow(acc, row, ow * c, c);
                            } else {
                                let Some(out) = row.get_mut(ow * c..(ow + 1) * c) else {
                                    return;
                                };
                                bias_row(out);
                                for (from, tap) in taps() {
                                    let (Some(xs), Some(ws)) = (
                                        input.get(from..from + c),
                                        panel.get(tap * width..(tap + 1) * width),
                                    ) else {
                                        continue;
                                    };
                                    multiply_add::<L>(out, xs, ws);
                                }
                            }
                            r += 1;
                            if r == sw {
                                (r, q) = (0, q + 1);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `out[k] = xs[k] * ws[k] + out[k]` in `L` lanes, the tail through
/// zero-padded copies so it rounds as the lanes do. `ws` is `out` rounded up
/// to the lane count.
#[inline(always)]
pub(super) fn multiply_add<L: Lane>(out: &mut [f32], xs: &[f32], ws: &[f32]) {
    let mut outs = out.chunks_exact_mut(L::LANES);
    let mut x_chunks = xs.chunks_exact(L::LANES);
    let mut w_chunks = ws.chunks_exact(L::LANES);
    for ((o, x), w) in (&mut outs).zip(&mut x_chunks).zip(&mut w_chunks) {
        L::load(x).mul_add(L::load(w), L::load(o)).store(o);
    }
    let tail = outs.into_remainder();
    if let Some(w) = w_chunks.next().filter(|_| !tail.is_empty()) {
        let (mut x, mut acc) = (L::Array::default(), L::Array::default());
        for (d, s) in x.as_mut().iter_mut().zip(x_chunks.remainder()) {
            *d = *s;
        }
        for (d, s) in acc.as_mut().iter_mut().zip(tail.iter()) {
            *d = *s;
        }
        L::load(x.as_ref())
            .mul_add(L::load(w), L::load(acc.as_ref()))
            .store(acc.as_mut());
        for (d, s) in tail.iter_mut().zip(acc.as_ref()) {
            *d = *s;
        }
    }
}

/// Depthwise channels-first: each image is transposed to channels-last in
/// `packed` (`C * (input plane + output plane)` elements), run through
/// [`run_depthwise_channels_last`] and transposed back, because lanes over
/// channels make every tap one full-width multiply-add where lanes over one
/// channel's positions would need a gather or a scatter per phase.
pub(super) fn run_depthwise_channels_first<L: Lane>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
    packed: &mut [f32],
) {
    let (g, input) = (operands.g, operands.input);
    let (c, iplane, oplane) = (g.input.c, g.input.plane(), g.output.plane());
    let (source, target) = packed.split_at_mut((c * iplane).min(packed.len()));
    let Some(target) = target.get_mut(..c * oplane) else {
        return;
    };
    let mut single = *g;
    single.input.n = 1;
    single.output.n = 1;
    for n in 0..g.input.n {
        transpose(input, n * c * iplane, c, iplane, source);
        let image = Operands {
            g: &single,
            input: source,
            ..operands
        };
        run_depthwise_channels_last::<L>(image, target, panel);
        let first = n * c * oplane;
        if let Some(out) = output.get_mut(first..first + c * oplane) {
            transpose(target, 0, oplane, c, out);
        }
    }
}
