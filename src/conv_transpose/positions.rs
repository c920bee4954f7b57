//! Transposed convolution with few output channels per group (a
//! decoder's last layer to RGB, 16 -> 1, depthwise): lanes over
//! consecutive output positions of one W phase, read straight from the
//! input planes (channels-last: gathered, a pixel apart).
//!
//! ```text
//! for each output row (n, od, oh) and W phase rw, L phase positions q at a time:
//!     acc[co] = bias[co]                                  (co: the group's channels, at most 4)
//!     for each valid tap (a, b, c), for ci in the group:
//!         acc[co] += weight[ci, co, tap] * input[n, ci, z, y, q - first_offset - c * step ..][..L]
//!     output[n, co, od, oh, q * stride + rw - padding] = acc[co]   (lane by lane)
//! ```
//!
//! The dense driver puts the output channels in the lanes: with 3 of them
//! a 4-lane vector is three quarters used whatever the build, and a
//! channels-first call pays for transposing its input and output besides.
//! Here every lane is an output of its own, so the wider builds gain.
//! With stride 2 along W, the two phases' channels-first vectors at the
//! same positions are zipped into one run of outputs; other strides, and
//! channels-last, write lane by lane.
//!
//! The sums run in the dense driver's order (taps `a, b, c`, then `ci`,
//! one multiply-add each from the bias), so every element has the bits the
//! dense driver gives it. Positions whose W taps reach past the input (the
//! row's ends) take their valid taps one position at a time.

use super::driver::{AxisPhase, axis_phase, residues};
use crate::geometry::conv_transpose::{ConvTransposeGeometry, Operands};
use crate::layout::Layout;
use crate::simd::CopyLane;
use crate::stack::pick;

/// The most output channels per group this kernel takes (accumulators
/// per vector of positions).
pub(super) const MAX_OUT: usize = 4;

/// The most input channels of a channels-last call this kernel takes
/// (see [`fits`]).
const MAX_CHANNELS_LAST: usize = 3;

/// The most channels of a channels-first depthwise call this kernel takes
/// (see [`fits`]).
const MAX_DEPTHWISE: usize = 16;

/// The most taps of one W phase of one row a [`PhaseTaps`] lists (a 5x5
/// kernel of stride 1 has 25; a 4x4 of stride 2, 4); rows of more take
/// them from the geometry as they go ([`sums`]). Small-stack builds
/// ([`crate::stack`]) list fewer.
const MAX_PHASE_TAPS: usize = pick(32, 8);

/// Whether the kernel takes `g` with `lanes`-lane vectors: at most
/// [`MAX_OUT`] output channels per group, input rows of at least two
/// vectors (on shorter ones most positions would run one at a time), and
/// where it costs less than the other drivers:
/// - channels-last, input pixels of at most 3 channels: the other drivers
///   hold a pixel's channels in their lanes, a quarter of them idle or
///   more, while here the gathered positions fill them; with 4 or more
///   the gathers cost more than those lanes;
/// - channels-first depthwise, at most 16 channels: the depthwise driver
///   puts the channels in its lanes and reads each input once for all of
///   them, which with 64 channels is as fast on every build;
/// - channels-first otherwise, on 16 lanes always (the dense driver's
///   4-lane tiles use a quarter of each vector); on 4 or 8 lanes up to
///   `2 * lanes` input channels per group: with more, each vector of
///   positions here reads that many input rows a plane apart, while the
///   dense driver's tiles (full width there) read them transposed, in
///   order.
///
/// `docs/kernels.md` has the measured figures.
pub(super) fn fits(g: &ConvTransposeGeometry, lanes: usize) -> bool {
    let kc = g.input.c / g.groups;
    let depthwise = kc == 1 && g.out_per_group == 1;
    let cheaper = if g.input.layout == Layout::ChannelsLast {
        g.input.c <= MAX_CHANNELS_LAST
    } else if depthwise {
        g.input.c <= MAX_DEPTHWISE
    } else {
        lanes >= 16 || kc <= 2 * lanes
    };
    g.out_per_group <= MAX_OUT && g.input.spatial[2] >= 2 * lanes && cheaper
}

/// The `f32`s of weight panel [`run`] needs: every tap of one group's
/// input channels for [`MAX_OUT`] output channels.
pub(super) fn panel_len(g: &ConvTransposeGeometry) -> usize {
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    kvol.saturating_mul(g.input.c / g.groups)
        .saturating_mul(MAX_OUT)
}

/// Computes the output channels `channels` of `operands` into `output`
/// (channels-first: their planes, batch item by batch item;
/// channels-last: every channel, the whole output), a problem [`fits`]
/// holds for, with `panel` of at least [`panel_len`] `f32`s. Not inlined: its
/// tap tables would come on the other drivers' stack too.
#[inline(never)]
pub(super) fn run<L: CopyLane>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
    channels: core::ops::Range<usize>,
) {
    let g = operands.g;
    let m = g.out_per_group;
    let kc = g.input.c / g.groups;
    let (in_plane, out_plane) = (g.input.plane(), g.output.plane());
    let cl = g.input.layout == Layout::ChannelsLast;
    for n in 0..g.input.n {
        for group in 0..g.groups {
            let lo = channels.start.clamp(group * m, (group + 1) * m);
            let hi = channels.end.clamp(group * m, (group + 1) * m);
            if hi <= lo {
                // No channel of the group in the range.
                continue;
            }
            let at = if cl {
                Place {
                    channel: lo,
                    kc,
                    input: n * in_plane * g.input.c + group * kc,
                    in_pixel: g.input.c,
                    in_channel: 1,
                    output: n * out_plane * g.output.c + lo,
                    out_pixel: g.output.c,
                    out_channel: 1,
                }
            } else {
                Place {
                    channel: lo,
                    kc,
                    input: (n * g.input.c + group * kc) * in_plane,
                    in_pixel: 1,
                    in_channel: in_plane,
                    output: (n * channels.len() + lo - channels.start) * out_plane,
                    out_pixel: 1,
                    out_channel: out_plane,
                }
            };
            let (first, count) = ((group * kc * m + lo - group * m), hi - lo);
            match count {
                1 => group_planes::<L, 1>(
                    operands,
                    output,
                    pack::<1>(g, operands.weight, first, panel),
                    at,
                ),
                2 => group_planes::<L, 2>(
                    operands,
                    output,
                    pack::<2>(g, operands.weight, first, panel),
                    at,
                ),
                3 => group_planes::<L, 3>(
                    operands,
                    output,
                    pack::<3>(g, operands.weight, first, panel),
                    at,
                ),
                _ => group_planes::<L, MAX_OUT>(
                    operands,
                    output,
                    pack::<MAX_OUT>(g, operands.weight, first, panel),
                    at,
                ),
            }
        }
    }
}

/// Packs `M` output channels' weights, every tap of the group's input
/// channels, into `panel` as `[tap][ci][M]` (one run per tap and input
/// channel, read in order by the sums), from `first`, the weight's row of
/// (the group's first input channel, the first output channel).
fn pack<'a, const M: usize>(
    g: &ConvTransposeGeometry,
    weight: &[f32],
    first: usize,
    panel: &'a mut [f32],
) -> &'a [f32] {
    let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
    let (kc, m) = (g.input.c / g.groups, g.out_per_group);
    let len = kvol * kc * M;
    let panel = panel.get_mut(..len).unwrap_or_default();
    for (t, taps) in panel.chunks_exact_mut(kc * M).enumerate() {
        for (ci, w) in taps.chunks_exact_mut(M).enumerate() {
            for (k, w) in w.iter_mut().enumerate() {
                let from = (first + ci * m + k) * kvol + t;
                *w = weight.get(from).copied().unwrap_or(0.0);
            }
        }
    }
    panel
}

/// The first output channel (of the call) of one pass, and where its
/// input and output lie.
#[derive(Clone, Copy)]
struct Place {
    channel: usize,
    /// Input channels per group.
    kc: usize,
    /// Where the group's first input channel starts, and the input
    /// elements between positions and between channels.
    input: usize,
    in_pixel: usize,
    in_channel: usize,
    /// Where the pass's first output channel starts, and the output
    /// elements between positions and between channels.
    output: usize,
    out_pixel: usize,
    out_channel: usize,
}

/// One output row of one W phase: its taps along D and H (the valid
/// phase-tap ranges and the input position of phase-tap 0), the three
/// axes' phases (borrowed: a row is copied for each W phase, and three
/// phases by value tripled the copies on firmware's stack), and where the
/// row starts in an output plane.
#[derive(Clone, Copy)]
struct Row<'p> {
    range: [(usize, usize); 2],
    origin: [usize; 2],
    phases: [&'p AxisPhase; 3],
    first: usize,
}

/// The `M` output channels of one batch item and group from `at`, with
/// their weights packed in `panel`. Not inlined: [`run`]'s four `M` would
/// each bring their tap tables onto its frame.
#[inline(never)]
fn group_planes<L: CopyLane, const M: usize>(
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &[f32],
    at: Place,
) {
    let g = operands.g;
    let o = g.output;
    let mut bias = [0.0f32; M];
    if let Some(b) = operands.bias {
        for (k, v) in bias.iter_mut().enumerate() {
            *v = b.get(at.channel + k).copied().unwrap_or(0.0);
        }
    }
    let sums = Sums {
        operands,
        panel,
        at,
        bias,
    };
    // Stride 2 along W with both phases: their outputs alternate, so a
    // vector of each at the same positions is one zipped store.
    let paired = g.stride[2] == 2 && o.spatial[2] >= 2 && at.out_pixel == 1;
    let mut w_phases = [axis_phase(g, 2, 0); 2];
    if paired {
        w_phases[1] = axis_phase(g, 2, 1);
    }
    let mut taps = [PhaseTaps::new(), PhaseTaps::new()];
    for rd in residues(g, 0) {
        for rh in residues(g, 1) {
            let (pd, ph) = (axis_phase(g, 0, rd), axis_phase(g, 1, rh));
            for qd in pd.q_lo..pd.q_hi {
                for qh in ph.q_lo..ph.q_hi {
                    if paired {
                        // Not `map`: its array machinery took a
                        // frame of its own as large as two rows.
                        let rows = [
                            Row::new(g, [&pd, &ph, &w_phases[0]], qd, qh),
                            Row::new(g, [&pd, &ph, &w_phases[1]], qd, qh),
                        ];
                        for (t, r) in taps.iter_mut().zip(&rows) {
                            t.fill(g, &sums, r);
                        }
                        pair_rows::<L, M>(&sums, output, &rows, &taps);
                        continue;
                    }
                    for rw in residues(g, 2) {
                        let pw = axis_phase(g, 2, rw);
                        let row = Row::new(g, [&pd, &ph, &pw], qd, qh);
                        taps[0].fill(g, &sums, &row);
                        phase_row::<L, M>(&sums, output, (&row, &taps[0]), (0, 0));
                    }
                }
            }
        }
    }
}

impl<'p> Row<'p> {
    /// The row of phase outputs `qd`, `qh` of `phases` (D, H and W).
    fn new(g: &ConvTransposeGeometry, phases: [&'p AxisPhase; 3], qd: usize, qh: usize) -> Self {
        let [pd, ph, _] = phases;
        let (sp, o) = (g.input.spatial, g.output);
        let od = pd.output(qd, g.stride[0], g.padding[0]);
        let oh = ph.output(qh, g.stride[1], g.padding[1]);
        Row {
            range: [pd.valid(qd, sp[0]), ph.valid(qh, sp[1])],
            origin: [
                qd.saturating_sub(pd.first_offset),
                qh.saturating_sub(ph.first_offset),
            ],
            phases,
            first: (od * o.spatial[1] + oh) * o.spatial[2],
        }
    }
}

/// What the sums of one pass read: the call's operands, the packed
/// weights, where the pass lies, and its bias.
struct Sums<'a, const M: usize> {
    operands: Operands<'a>,
    panel: &'a [f32],
    at: Place,
    bias: [f32; M],
}

/// The positions of one W phase of one output row: vectors over the
/// interior, one position at a time at the ends. Positions `skip` (within
/// the interior: a range [`pair_rows`] wrote) are left alone.
fn phase_row<L: CopyLane, const M: usize>(
    s: &Sums<'_, M>,
    output: &mut [f32],
    (row, taps): (&Row, &PhaseTaps),
    skip: (usize, usize),
) {
    let g = s.operands.g;
    let w = *row.phases[2];
    let (lo, hi) = w.interior(g.input.spatial[2]);
    let single = |q: usize, output: &mut [f32]| {
        let acc = taps.single::<L, M>(s, row, q);
        store::<L, M>(s, output, row, q, acc, 1);
    };
    for q in (w.q_lo..lo).chain(hi..w.q_hi) {
        single(q, output);
    }
    let (a, b) = if skip.1 > skip.0 { skip } else { (hi, hi) };
    for (lo, hi) in [(lo, a.clamp(lo, hi)), (b.clamp(lo, hi), hi)] {
        if hi - lo < L::LANES {
            for q in lo..hi {
                single(q, output);
            }
            continue;
        }
        let mut q = lo;
        while q < hi {
            // The last vector overlaps the one before rather than running
            // short (the same sums, the same bits).
            let q0 = q.min(hi - L::LANES);
            let acc = taps.vector::<L, M>(s, row, q0);
            store::<L, M>(s, output, row, q0, acc, L::LANES);
            q = q0 + L::LANES;
        }
    }
}

/// The two W phases of stride 2 (`rows[r]` the phase of residue `r`,
/// whose position `q` is output `2q + r - padding`): over the positions
/// both have inside the input, a vector of each at the same `q`, zipped
/// into `2 * L` consecutive outputs; the rest as [`phase_row`] does. Not
/// inlined: its vectors would sit on [`group_planes`]'s frame under every
/// [`phase_row`] call.
#[inline(never)]
fn pair_rows<L: CopyLane, const M: usize>(
    s: &Sums<'_, M>,
    output: &mut [f32],
    rows: &[Row; 2],
    taps: &[PhaseTaps; 2],
) {
    let g = s.operands.g;
    let (iw, lanes) = (g.input.spatial[2], L::LANES);
    let [(lo0, hi0), (lo1, hi1)] = [0, 1].map(|r| rows[r].phases[2].interior(iw));
    // The zipped outputs start at `2q - padding`.
    let lo = lo0.max(lo1).max(g.padding[2].div_ceil(2));
    let hi = hi0.min(hi1);
    let both = if hi >= lo + lanes { (lo, hi) } else { (0, 0) };
    if both.1 > both.0 {
        let mut q = lo;
        while q < hi {
            let q0 = q.min(hi - lanes);
            let even = taps[0].vector::<L, M>(s, &rows[0], q0);
            let odd = taps[1].vector::<L, M>(s, &rows[1], q0);
            let first = rows[0].first + 2 * q0 - g.padding[2];
            for k in 0..M {
                let base = s.at.output + k * s.at.out_channel + first;
                if let Some(out) = output.get_mut(base..base + 2 * lanes) {
                    even[k].store_zip(odd[k], out);
                }
            }
            q = q0 + lanes;
        }
    }
    for (row, taps) in rows.iter().zip(taps) {
        phase_row::<L, M>(s, output, (row, taps), both);
    }
}

/// The taps of one W phase of one row, listed once per row: for each
/// valid `(a, b)` and every `c`, in the sums' order, the input index of
/// position 0 (wrapping: a position adds what it lacks), the panel index
/// of the tap's weights, and `c`. Working the indices out per vector of
/// positions instead took most of the time where a group has one input
/// channel.
struct PhaseTaps {
    taps: [(usize, usize, usize); MAX_PHASE_TAPS],
    /// Taps listed, or `None` where they pass [`MAX_PHASE_TAPS`].
    len: Option<usize>,
}

impl PhaseTaps {
    fn new() -> Self {
        PhaseTaps {
            taps: [(0, 0, 0); MAX_PHASE_TAPS],
            len: None,
        }
    }

    /// Lists the taps of `row` (in place: a table returned by value was
    /// copied by `memcpy` twice a row).
    fn fill<const M: usize>(&mut self, g: &ConvTransposeGeometry, s: &Sums<'_, M>, row: &Row) {
        let sp = g.input.spatial;
        let pw = *row.phases[2];
        let mut len = Some(0);
        each_row_tap(row, |z, y, [a, b]| {
            let input = s.at.input + (z * sp[1] + y) * sp[2] * s.at.in_pixel;
            for c in 0..pw.count {
                let back = (pw.first_offset + c * pw.offset_step) * s.at.in_pixel;
                let x0 = input.wrapping_sub(back);
                let w0 = kernel_index(g, row, [a, b, c]) * s.at.kc * M;
                len = len.and_then(|n| {
                    *self.taps.get_mut(n)? = (x0, w0, c);
                    Some(n + 1)
                });
            }
        });
        self.len = len;
    }

    /// The sums of the interior positions `q .. q + L` (lane `l`, position
    /// `q + l`), whose every W tap is inside the input.
    #[inline(always)]
    fn vector<L: CopyLane, const M: usize>(&self, s: &Sums<'_, M>, row: &Row, q: usize) -> [L; M] {
        let Some(len) = self.len else {
            return sums::<L, M>(s, row, q, (0, row.phases[2].count));
        };
        let mut acc = s.bias.map(L::splat);
        for &(x0, w0, _) in self.taps.get(..len).unwrap_or_default() {
            let x = x0.wrapping_add(q * s.at.in_pixel);
            let input = s.operands.input.get(x..).unwrap_or_default();
            let weights = s.panel.get(w0..).unwrap_or_default();
            for (ci, w) in weights.chunks_exact(M).take(s.at.kc).enumerate() {
                let v = load::<L>(input, ci * s.at.in_channel, s.at.in_pixel);
                add_products(&mut acc, w, v);
            }
        }
        acc
    }

    /// The sums of position `q` (lane 0) over its W taps inside the input.
    fn single<L: CopyLane, const M: usize>(&self, s: &Sums<'_, M>, row: &Row, q: usize) -> [L; M] {
        let (lo, hi) = row.phases[2].valid(q, s.operands.g.input.spatial[2]);
        let Some(len) = self.len else {
            return sums::<L, M>(s, row, q, (lo, hi));
        };
        let mut acc = s.bias.map(L::splat);
        let taps = self.taps.get(..len).unwrap_or_default();
        for &(x0, w0, _) in taps.iter().filter(|t| (lo..hi).contains(&t.2)) {
            let x = x0.wrapping_add(q * s.at.in_pixel);
            let weights = s.panel.get(w0..).unwrap_or_default();
            for (ci, w) in weights.chunks_exact(M).take(s.at.kc).enumerate() {
                let v = s.operands.input.get(x + ci * s.at.in_channel).copied();
                let v = L::splat(v.unwrap_or(0.0));
                add_products(&mut acc, w, v);
            }
        }
        acc
    }
}

/// Calls `tap(z, y, [a, b])` for each valid phase-tap `(a, b)` of `row`
/// along D and H, with its input depth `z` and row `y`.
#[inline(always)]
fn each_row_tap(row: &Row, mut tap: impl FnMut(usize, usize, [usize; 2])) {
    let [(a0, a1), (b0, b1)] = row.range;
    let [pd, ph, _] = row.phases;
    for a in a0..a1 {
        let Some(z) = row.origin[0].checked_sub(a * pd.offset_step) else {
            continue;
        };
        for b in b0..b1 {
            if let Some(y) = row.origin[1].checked_sub(b * ph.offset_step) {
                tap(z, y, [a, b]);
            }
        }
    }
}

/// The sums of positions `q .. q + L` over the W phase-taps `range`, which
/// every one of them has inside the input, for rows of more taps than a
/// [`PhaseTaps`] lists.
fn sums<L: CopyLane, const M: usize>(
    s: &Sums<'_, M>,
    row: &Row,
    q: usize,
    range: (usize, usize),
) -> [L; M] {
    let g = s.operands.g;
    let sp = g.input.spatial;
    let pw = *row.phases[2];
    let origin = q.saturating_sub(pw.first_offset);
    let mut acc = s.bias.map(L::splat);
    each_row_tap(row, |z, y, [a, b]| {
        for c in range.0..range.1 {
            let Some(x) = origin.checked_sub(c * pw.offset_step) else {
                continue;
            };
            let input = s.at.input + ((z * sp[1] + y) * sp[2] + x) * s.at.in_pixel;
            let w0 = kernel_index(g, row, [a, b, c]) * s.at.kc * M;
            let weights = s.panel.get(w0..).unwrap_or_default();
            for (ci, w) in weights.chunks_exact(M).take(s.at.kc).enumerate() {
                let input = s.operands.input.get(input + ci * s.at.in_channel..);
                let v = match input {
                    Some(v) if v.len() > (L::LANES - 1) * s.at.in_pixel => {
                        load::<L>(v, 0, s.at.in_pixel)
                    }
                    // A single position at the input's end.
                    Some(v) => L::splat(v.first().copied().unwrap_or(0.0)),
                    None => L::splat(0.0),
                };
                add_products(&mut acc, w, v);
            }
        }
    });
    acc
}

/// `acc[k] += w[k] * v` for each output channel `k`: one input channel
/// of one tap.
#[inline(always)]
fn add_products<L: CopyLane, const M: usize>(acc: &mut [L; M], w: &[f32], v: L) {
    for (acc, &w) in acc.iter_mut().zip(w) {
        *acc = L::splat(w).mul_add(v, *acc);
    }
}

/// The `L` values of `input` from `at`, `pixel` apart: one load where
/// they are consecutive (channels-first), gathered otherwise.
#[inline(always)]
fn load<L: CopyLane>(input: &[f32], at: usize, pixel: usize) -> L {
    if pixel == 1 {
        return L::load(input.get(at..).unwrap_or_default());
    }
    let mut lanes = L::Array::default();
    for (l, v) in lanes.as_mut().iter_mut().enumerate() {
        *v = input.get(at + l * pixel).copied().unwrap_or(0.0);
    }
    L::load(lanes.as_ref())
}

/// The kernel index (in `D, H, W` order) of phase-taps `tap`.
#[inline(always)]
fn kernel_index(g: &ConvTransposeGeometry, row: &Row, tap: [usize; 3]) -> usize {
    let k: [usize; 3] =
        core::array::from_fn(|x| row.phases[x].first_tap + tap[x] * row.phases[x].tap_step);
    (k[0] * g.kernel[1] + k[1]) * g.kernel[2] + k[2]
}

/// Writes the first `count` lanes of each `acc` (positions `q ..`) to
/// their output channel's plane.
#[inline(always)]
fn store<L: CopyLane, const M: usize>(
    s: &Sums<'_, M>,
    output: &mut [f32],
    row: &Row,
    q: usize,
    acc: [L; M],
    count: usize,
) {
    let g = s.operands.g;
    let w = *row.phases[2];
    let stride = g.stride[2];
    let first = s.at.output + (row.first + w.output(q, stride, g.padding[2])) * s.at.out_pixel;
    let lanes = acc.map(|acc| {
        let mut lanes = L::Array::default();
        acc.store(lanes.as_mut());
        lanes
    });
    if stride == 1 && s.at.out_pixel == 1 {
        for (k, lanes) in lanes.iter().enumerate() {
            let base = first + k * s.at.out_channel;
            if let Some(out) = output.get_mut(base..base + count) {
                out.copy_from_slice(lanes.as_ref().get(..count).unwrap_or_default());
            }
        }
        return;
    }
    // Lane by lane, each position's channels together.
    let step = stride * s.at.out_pixel;
    for l in 0..count {
        for (k, lanes) in lanes.iter().enumerate() {
            let out = output.get_mut(first + l * step + k * s.at.out_channel);
            if let (Some(out), Some(v)) = (out, lanes.as_ref().get(l)) {
                *out = *v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fits;
    use crate::geometry::conv_transpose::{ConvTransposeGeometry, ConvTransposeOptions};
    use crate::layout::Layout;

    /// Whether the kernel takes `c_in -> c_out` channels (`groups`) of a
    /// 2-d channels-first `width`-wide input on `lanes` lanes.
    fn takes(c_in: usize, c_out: usize, groups: usize, width: usize, lanes: usize) -> bool {
        takes_in(Layout::ChannelsFirst, c_in, c_out, groups, width, lanes)
    }

    fn takes_in(
        layout: Layout,
        c_in: usize,
        c_out: usize,
        groups: usize,
        width: usize,
        lanes: usize,
    ) -> bool {
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1])
            .with_groups(groups);
        let shape = [1, c_in, 8, width];
        let wshape = [c_in, c_out / groups, 4, 4];
        let g = ConvTransposeGeometry::new(&shape, layout, &wshape, &opts).unwrap();
        fits(&g, lanes)
    }

    #[test]
    fn takes_what_it_is_cheaper_for() {
        // Few input and output channels: every build.
        for lanes in [4, 8, 16] {
            assert!(takes(3, 3, 1, 256, lanes));
            assert!(takes(3, 3, 3, 256, lanes));
            assert!(takes(16, 16, 16, 128, lanes));
        }
        // 16 -> 1 and 64 -> 3: the dense driver's full tiles on 4 lanes
        // (and 8 for 64 input channels), these positions on 16.
        assert!(!takes(16, 1, 1, 128, 4));
        assert!(takes(16, 1, 1, 128, 8));
        assert!(!takes(64, 3, 1, 128, 8));
        assert!(takes(64, 3, 1, 128, 16));
        // Depthwise with many channels: the depthwise driver.
        assert!(!takes(64, 64, 64, 128, 4));
        assert!(!takes(64, 64, 64, 128, 8));
        assert!(!takes(64, 64, 64, 128, 16));
        // More than 4 output channels per group, or rows under two vectors.
        assert!(!takes(3, 5, 1, 256, 16));
        assert!(!takes(3, 3, 1, 31, 16));
        assert!(takes(3, 3, 1, 32, 16));
        // Channels-last: input pixels of up to 3 channels.
        let cl = Layout::ChannelsLast;
        for lanes in [4, 8, 16] {
            assert!(takes_in(cl, 3, 3, 1, 256, lanes));
            assert!(takes_in(cl, 3, 3, 3, 256, lanes));
            assert!(takes_in(cl, 1, 1, 1, 256, lanes));
            assert!(!takes_in(cl, 4, 4, 1, 256, lanes));
            assert!(!takes_in(cl, 16, 1, 1, 128, lanes));
            assert!(!takes_in(cl, 16, 16, 16, 128, lanes));
        }
    }
}
