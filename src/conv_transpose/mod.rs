//! `torch.nn.functional.conv_transpose{1,2,3}d`.
//!
//! ```text
//! out_size = (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
//! out[n, g*Cog + co, o] = bias[g*Cog + co]
//!     + sum over ci in group g, i, t with i*stride + t*dilation - padding == o:
//!           in[n, ci, i] * weight[ci, co, t]
//! ```
//! `weight` is PyTorch's `(C_in, C_out / groups, k...)` whatever the layout.

use crate::error::{Buffer, Error};
use crate::geometry::conv_transpose::{
    ConvTransposeGeometry, ConvTransposeOptions, Operands, conv_transpose_entry_point,
};
use crate::layout::Layout;
use crate::simd::{Lane, Native};
use crate::stack::pick;
use wide::{f32x4, f32x8, f32x16};

pub(crate) mod backward;
mod driver;
mod kernel;
mod positions;

/// Scratch (weight panel and any channels-first staging) up to this many
/// `f32`s lives on the stack (2 KiB), so small problems need no scratch;
/// none in small-stack builds (firmware, [`crate::stack`]), whose calls
/// take it all from the caller's scratch.
const STACK_PANEL: usize = pick(512, 0);

/// Accumulator tile widths (output positions) for one and two lane vectors
/// of output channels. A tile reads one row of channels per position (a
/// pointer each), so it stays narrower than the register file would allow
/// to keep those pointers in registers too.
#[cfg(any(target_feature = "avx512f", target_arch = "aarch64"))]
const NR_ONE: usize = 8;
#[cfg(any(target_feature = "avx512f", target_arch = "aarch64"))]
const NR_TWO: usize = 8;
#[cfg(not(any(target_feature = "avx512f", target_arch = "aarch64")))]
const NR_ONE: usize = 5;
#[cfg(not(any(target_feature = "avx512f", target_arch = "aarch64")))]
const NR_TWO: usize = 5;

/// The forward's one-vector tile width: [`NR_ONE`], or on small-stack
/// builds ([`crate::stack`]) the width of the narrow tiles that finish a
/// row, so that one tile serves the whole row and its accumulators take
/// one place on the stack.
const NR_FORWARD: usize = pick(NR_ONE, 4);

/// The tile width of [`MAX_VECTORS`] vectors.
const NR_LAST: usize = if MAX_VECTORS == 2 { NR_TWO } else { NR_FORWARD };

/// The tile shape chosen for a problem and the weight panel it packs.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// `f32` lanes per vector.
    lanes: usize,
    /// Lane vectors of output channels per tile.
    vectors: usize,
    /// `f32`s in the largest packed weight panel.
    panel_len: usize,
    /// `f32`s of channels-first staging: one `(n, group)` of the input
    /// transposed to `[position][channel]` (none with one channel per
    /// group) and the output it makes; depthwise, one image's input and
    /// output. 0 for channels-last.
    packed_len: usize,
    /// Depthwise (`C_in == groups == C_out`): lanes over channels instead.
    depthwise: bool,
}

/// The widest lane count of any build (AVX-512F): the tiles, and so the
/// scratch, of every build are at most this wide.
const WIDEST_LANES: usize = 16;

/// `(lanes, vectors)` of the tile for `m` channels (per group, or all of
/// them when depthwise) on a build with `native` lanes, at most
/// `max_vectors` (1 or 2) vectors.
const fn tile(m: usize, native: usize, max_vectors: usize) -> (usize, usize) {
    if m <= 4 {
        (4, 1)
    } else if m <= 8 && native >= 8 {
        (8, 1)
    } else if m <= native || max_vectors < 2 {
        (native, 1)
    } else {
        (native, 2)
    }
}

/// The most lane vectors of output channels per tile on this build:
/// small-stack builds ([`crate::stack`]) take one, since two double the
/// accumulators, which without vector registers spill to the stack.
const MAX_VECTORS: usize = pick(2, 1);

impl Plan {
    fn new(g: &ConvTransposeGeometry) -> Result<Plan, Error> {
        Plan::for_lanes(g, Native::LANES)
    }

    /// The plan of a build with `native` lanes (4, 8 or 16).
    fn for_lanes(g: &ConvTransposeGeometry, native: usize) -> Result<Plan, Error> {
        let m = g.out_per_group;
        let depthwise = g.input.c == g.groups && m == 1;
        // Depthwise vectorises over all the channels.
        let m = if depthwise { g.input.c } else { m };
        let (lanes, vectors) = tile(m, native, MAX_VECTORS);
        let overflow = Error::Overflow {
            what: "the conv_transpose scratch length",
        };
        let width = if depthwise {
            m.div_ceil(lanes).checked_mul(lanes)
        } else {
            (g.input.c / g.groups).checked_mul(lanes * vectors)
        };
        // Every tap of the kernel is packed at once.
        let taps = g
            .kernel
            .iter()
            .try_fold(1usize, |acc, &k| acc.checked_mul(k));
        let panel_len = taps
            .zip(width)
            .and_then(|(t, w)| t.checked_mul(w))
            .ok_or(overflow)?;
        let vectors = if depthwise { 1 } else { vectors };
        let kc = g.input.c / g.groups;
        let packed_len = if g.input.layout == Layout::ChannelsFirst && depthwise {
            let planes = g.input.plane().checked_add(g.output.plane());
            planes
                .and_then(|p| p.checked_mul(g.input.c))
                .ok_or(overflow)?
        } else if g.input.layout == Layout::ChannelsFirst {
            let input = if kc > 1 {
                kc.checked_mul(g.input.plane())
            } else {
                Some(0)
            };
            let output = g.out_per_group.checked_mul(g.output.plane());
            input
                .zip(output)
                .and_then(|(a, b)| a.checked_add(b))
                .ok_or(overflow)?
        } else {
            0
        };
        panel_len.checked_add(packed_len).ok_or(overflow)?;
        Ok(Plan {
            lanes,
            vectors,
            panel_len,
            packed_len,
            depthwise,
        })
    }

    /// The scratch the caller must pass.
    fn scratch_len(&self) -> usize {
        // Cannot overflow: `new` checked the sum.
        let len = self.panel_len + self.packed_len;
        if len > STACK_PANEL { len } else { 0 }
    }
}

/// The scratch length (in `f32`s) [`conv_transpose`] needs for this problem
/// on this build; pass at least this many elements. It depends on the SIMD
/// width the crate was built with (`L` below); to size a buffer at compile
/// time for any build, use [`conv_transpose_scratch_bound`].
///
/// The scratch holds the weights of one group and one block of output
/// channels, every tap, packed for the micro-kernel:
///
/// ```text
/// panel = B * (C_in / groups) * prod over axes of k
/// B = 4 if C_out/groups <= 4, 8 if <= 8 (with AVX), the lane count L if <= L, else 2 L
///     (else L on firmware, `target_os = "none"`, which keeps its tiles small)
/// L = 16 with AVX-512F, 8 with AVX, 4 otherwise
/// depthwise (groups == C_in, C_out == C_in):
/// panel = round_up(C_in, B) * prod over axes of k
/// ```
///
/// with `B` as above for `C_in` channels.
///
/// Channels-first problems add room to run the channels-last kernel on one
/// image and group at a time: that slice of the input transposed to
/// `[position][channel]` and the output it makes, transposed back at the end
/// (read in place, the channels of a plane lie a whole plane apart, which
/// halved the speed):
///
/// ```text
/// channels-last:                   scratch = panel
/// channels-first:                  scratch = panel + (C_in/groups if > 1, else 0) * input plane
///                                                  + C_out/groups * output plane
/// channels-first depthwise:        scratch = panel + C_in * (input plane + output plane)
/// ```
///
/// (a plane is the product of the spatial sizes). So the channels-last
/// scratch grows with the weight (`B / (C_out/groups)` of one group's
/// weight), never with the batch or the image size, and is 0 when the panel
/// fits in 512 `f32`s, which then live on the stack (not on firmware,
/// `target_os = "none"`, where the stack is kept small); the channels-first
/// scratch also grows with one image of one group. For example
/// `C_in = 64`, `C_out = 32`, `k = 4`, `stride = 2` in 2-d with AVX-512
/// packs a panel of `32 * 64 * 16 = 32768` (128 KiB); on a 128x128
/// channels-first input it adds `64 * 128 * 128 + 32 * 256 * 256` (6 MiB).
///
/// ```
/// use upsample::{conv_transpose, conv_transpose_output_shape, conv_transpose_scratch_len, ConvTransposeOptions, Layout};
/// let (shape, wshape) = ([1, 64, 8, 8], [64, 32, 4, 4]);
/// let opts = ConvTransposeOptions::new().with_stride(&[2]).with_padding(&[1]);
/// let mut scratch = vec![0.0; conv_transpose_scratch_len(&shape, Layout::ChannelsFirst, &wshape, &opts)?];
/// let mut out = vec![0.0; conv_transpose_output_shape(&shape, &wshape, &opts)?.numel()];
/// let (x, w) = (vec![0.5; 64 * 64], vec![0.25; 64 * 32 * 16]);
/// conv_transpose(&x, &shape, Layout::ChannelsFirst, &w, &wshape, None, &opts, &mut out, &mut scratch)?;
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`conv_transpose_output_shape`](crate::conv_transpose_output_shape).
pub fn conv_transpose_scratch_len(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    scratch_len(&g)
}

/// [`conv_transpose_scratch_len`] of a checked geometry.
pub(crate) fn scratch_len(g: &ConvTransposeGeometry) -> Result<usize, Error> {
    Ok(Plan::new(g)?.scratch_len())
}

/// A scratch length that suffices for this problem on every build, whatever
/// its SIMD width: a `const fn`, so a static buffer can be sized at compile
/// time. It takes [`conv_transpose_scratch_len`]'s arguments and returns
/// the widest build's (AVX-512F) panel and staging, which no narrower build
/// exceeds, counted whole even where that build would keep a small panel on
/// the stack (firmware keeps none); it is the same on every target.
///
/// [`conv_transpose_scratch_len`] is the exact need of the build at hand:
/// for `(1, 64, 8, 8)` channels-first with a `(64, 32, 4, 4)` weight,
/// stride 2 and padding 1, it is 20480 with SSE2, 28672 with AVX2 and
/// 45056 with AVX-512F, and this bound 45056 on all of them. In the
/// formulas of [`conv_transpose_scratch_len`], the bound takes `L = 16`:
///
/// ```text
/// B = 4 if C_out/groups <= 4, 8 if <= 8, 16 if <= 16, else 32
/// depthwise: round_up(C_in, 4 if C_in <= 4, 8 if <= 8, else 16)
/// bound = panel + channels-first staging
/// ```
///
/// (never 0 as the build's need can be: firmware keeps no panel on the stack).
///
/// ```
/// use upsample::{conv_transpose, conv_transpose_scratch_bound, ConvTransposeOptions, Layout};
/// const SHAPE: [usize; 4] = [1, 64, 8, 8];
/// const WEIGHT: [usize; 4] = [64, 32, 4, 4];
/// const OPTS: ConvTransposeOptions<'static> = ConvTransposeOptions::new().with_stride(&[2]).with_padding(&[1]);
/// const SCRATCH: usize = conv_transpose_scratch_bound(&SHAPE, Layout::ChannelsFirst, &WEIGHT, &OPTS);
/// assert_eq!(SCRATCH, 45056);
/// static mut BUFFER: [f32; SCRATCH] = [0.0; SCRATCH]; // fits every build
/// ```
///
/// For a call that [`conv_transpose`] rejects (a bad shape or option), the
/// value is unspecified (sizes saturate at `usize::MAX`); it never panics.
pub const fn conv_transpose_scratch_bound(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> usize {
    let nd = shape.len();
    if nd < 3 || nd > 5 || weight_shape.len() != nd || options.groups == 0 {
        return 0;
    }
    let (c_in, groups, m) = (shape[1], options.groups, weight_shape[1]);
    let depthwise = c_in == groups && m == 1;
    // Two vectors, as on hosts: the bound is the same on every target.
    let (lanes, vectors) = tile(if depthwise { c_in } else { m }, WIDEST_LANES, 2);
    let kc = c_in / groups;
    let width = if depthwise {
        c_in.div_ceil(lanes).saturating_mul(lanes)
    } else {
        kc.saturating_mul(lanes * vectors)
    };
    let (mut taps, mut in_plane, mut out_plane) = (1usize, 1usize, 1usize);
    let mut axis = 0;
    while axis < nd - 2 {
        let k = weight_shape[2 + axis];
        let input = shape[2 + axis];
        // The output size of conv_transpose_output_shape.
        let reach = input
            .saturating_sub(1)
            .saturating_mul(value_on(options.stride, axis, 1))
            .saturating_add(value_on(options.dilation, axis, 1).saturating_mul(k.saturating_sub(1)))
            .saturating_add(value_on(options.output_padding, axis, 0))
            .saturating_add(1);
        let out = reach.saturating_sub(value_on(options.padding, axis, 0).saturating_mul(2));
        taps = taps.saturating_mul(k);
        in_plane = in_plane.saturating_mul(input);
        out_plane = out_plane.saturating_mul(out);
        axis += 1;
    }
    let panel = taps.saturating_mul(width);
    let packed = match layout {
        Layout::ChannelsLast => 0,
        Layout::ChannelsFirst if depthwise => {
            c_in.saturating_mul(in_plane.saturating_add(out_plane))
        }
        Layout::ChannelsFirst => {
            let input = if kc > 1 {
                kc.saturating_mul(in_plane)
            } else {
                0
            };
            input.saturating_add(m.saturating_mul(out_plane))
        }
    };
    // Not 0 for a panel that fits on the stack: firmware has none.
    panel.saturating_add(packed)
}

/// A per-dimension list's value on spatial axis `axis`: its only value, or
/// its value there (`default` for a list of another length, which the op
/// rejects anyway).
const fn value_on(list: &[usize], axis: usize, default: usize) -> usize {
    if list.len() == 1 {
        list[0]
    } else if axis < list.len() {
        list[axis]
    } else {
        default
    }
}

conv_transpose_entry_point! {
/// `torch.nn.functional.conv_transpose{1,2,3}d(input, weight, bias, **options)`.
///
/// `input` has logical shape `shape` = `(N, C_in, spatial...)` in `layout`;
/// `weight` is PyTorch's `(C_in, C_out / groups, k...)` (`weight_shape`) in
/// that order whatever the layout; `bias`, if given, has `C_out` elements;
/// `output` gets [`conv_transpose_output_shape`](crate::conv_transpose_output_shape) in `layout`. `scratch` must
/// hold at least [`conv_transpose_scratch_len`] elements
/// ([`conv_transpose_scratch_bound`] is enough on every build). Within 1e-4
/// (absolute and relative) of PyTorch for inputs in [-1, 1]; the same inputs
/// give the same bits on every call.
///
/// ```
/// use upsample::{conv_transpose, conv_transpose_scratch_len, ConvTransposeOptions, Layout};
/// let mut output = [0.0; 4]; // (1, 1, 4)
/// let opts = ConvTransposeOptions::new().with_stride(&[2]);
/// let layout = Layout::ChannelsFirst;
/// let mut scratch = vec![0.0; conv_transpose_scratch_len(&[1, 1, 2], layout, &[1, 1, 2], &opts).unwrap()];
/// conv_transpose(&[1.0, 2.0], &[1, 1, 2], layout, &[1.0, 0.5], &[1, 1, 2], None, &opts, &mut output, &mut scratch).unwrap();
/// assert_eq!(output, [1.0, 0.5, 2.0, 1.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`] (input, or weight of another rank); [`Error::ZeroDimension`];
/// [`Error::InvalidParameter`] (zero groups, stride or dilation);
/// [`Error::ChannelMismatch`] (weight vs input channels); [`Error::NotDivisible`] (channels vs groups);
/// [`Error::OutputPaddingTooLarge`]; [`Error::EmptyOutput`];
/// [`Error::ParameterCount`]; [`Error::Overflow`]; [`Error::BufferLength`]
/// (including a `scratch` shorter than [`conv_transpose_scratch_len`]).
pub fn conv_transpose = transpose
}

/// [`conv_transpose`] on a checked geometry and buffers: the scratch
/// checked, then the driver with the plan's tile shape.
pub(crate) fn transpose(
    operands: Operands<'_>,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    transpose_channels(
        operands,
        output,
        scratch,
        0..operands.g.output.c,
        operands.g,
    )
}

/// [`transpose`] of the output channels `channels` only (channels-first
/// dense calls, [`dense_channels_split`]; others take them all), planned
/// as the call `whole` it is a part of: `output` holds their planes.
pub(crate) fn transpose_channels(
    operands: Operands<'_>,
    output: &mut [f32],
    scratch: &mut [f32],
    channels: core::ops::Range<usize>,
    whole: &ConvTransposeGeometry,
) -> Result<(), Error> {
    let g = operands.g;
    let all = channels == (0..g.output.c);
    let mut plan = Plan::new(whole)?;
    if !all && !plan.depthwise {
        // A tile as wide as the range, not the group: a range below the
        // group's tile would otherwise pay for the whole tile.
        let (lanes, vectors) = tile(
            channels.len().min(g.out_per_group),
            Native::LANES,
            MAX_VECTORS,
        );
        let kvol = g.kernel[0] * g.kernel[1] * g.kernel[2];
        (plan.lanes, plan.vectors) = (lanes, vectors);
        plan.panel_len = kvol * (g.input.c / g.groups) * lanes * vectors;
    }
    let needed = plan.scratch_len();
    if scratch.len() < needed {
        return Err(Error::BufferLength {
            buffer: Buffer::Scratch,
            expected: needed,
            actual: scratch.len(),
        });
    }
    if !g.fast_path_fits() {
        // Paddings, strides or dilations past 2^61 (2^29 on 32-bit
        // targets): the scalar twin, which takes them in `i128`.
        crate::reference::conv_transpose::transpose(operands, output);
        return Ok(());
    }
    let mut stack = [0.0f32; STACK_PANEL];
    let scratch = if needed == 0 { &mut stack[..] } else { scratch };
    let (panel, packed) = scratch.split_at_mut(plan.panel_len.min(scratch.len()));
    if positions::fits(g, Native::LANES) && panel.len() >= positions::panel_len(g) {
        positions::run::<Native>(operands, output, panel, channels);
        return Ok(());
    }
    let all = channels == (0..g.output.c);
    debug_assert!(
        all || dense_channels_split(g),
        "a channel range it cannot take"
    );
    match g.input.layout {
        Layout::ChannelsLast => dispatch::<true>(plan, operands, output, (panel, packed), channels),
        Layout::ChannelsFirst => {
            dispatch::<false>(plan, operands, output, (panel, packed), channels)
        }
    }
    Ok(())
}

/// Whether [`transpose_channels`] takes a channel range of `g`: a
/// channels-first call on the dense driver (not depthwise, paddings and
/// strides the fast path takes).
fn dense_channels_split(g: &ConvTransposeGeometry) -> bool {
    crate::geometry::split::conv_transpose_channels_split(g)
}

/// Runs the driver with the tile shape of `plan`. Out of line on firmware:
/// inlined into [`transpose_channels`], the drivers' frames would sit
/// under [`positions::run`]'s too, which that function calls beside it.
#[cfg_attr(any(target_os = "none", upsample_small_stack), inline(never))]
fn dispatch<const CL: bool>(
    plan: Plan,
    operands: Operands<'_>,
    output: &mut [f32],
    (panel, packed): (&mut [f32], &mut [f32]),
    channels: core::ops::Range<usize>,
) {
    if plan.depthwise && CL {
        return match plan.lanes {
            4 => driver::run_depthwise_channels_last::<f32x4>(operands, output, panel),
            8 if Native::LANES >= 8 => {
                driver::run_depthwise_channels_last::<f32x8>(operands, output, panel)
            }
            _ => driver::run_depthwise_channels_last::<Native>(operands, output, panel),
        };
    }
    if plan.depthwise {
        return match plan.lanes {
            4 => driver::run_depthwise_channels_first::<f32x4>(operands, output, panel, packed),
            8 if Native::LANES >= 8 => {
                driver::run_depthwise_channels_first::<f32x8>(operands, output, panel, packed)
            }
            _ => driver::run_depthwise_channels_first::<Native>(operands, output, panel, packed),
        };
    }
    match (plan.lanes, plan.vectors) {
        (4, 1) => driver::run_channels::<f32x4, 1, NR_FORWARD, CL>(
            operands, output, panel, packed, channels,
        ),
        // Guarded by the build's width, which the plan never exceeds, so
        // that a 4-lane build (firmware counts its flash) links no wider
        // driver.
        (8, 1) if Native::LANES >= 8 => driver::run_channels::<f32x8, 1, NR_FORWARD, CL>(
            operands, output, panel, packed, channels,
        ),
        (16, 1) if Native::LANES >= 16 => driver::run_channels::<f32x16, 1, NR_FORWARD, CL>(
            operands, output, panel, packed, channels,
        ),
        // Two vectors; one on small-stack builds, whose plans have no other.
        _ => driver::run_channels::<Native, MAX_VECTORS, NR_LAST, CL>(
            operands, output, panel, packed, channels,
        ),
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec;
    use std::vec::Vec;

    fn data(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
            })
            .collect()
    }

    type Runner = fn(Operands<'_>, &mut [f32], &mut [f32], &mut [f32]);

    /// Every lane width and tile shape against the reference on geometries
    /// with odd channels, tails, dilation, groups and 1-3 spatial dims.
    fn against_reference(run: Runner, layout: Layout, depthwise_only: bool) {
        type Case<'a> = (&'a [usize], &'a [usize], usize, usize, usize, usize, usize);
        let cases: [Case; 7] = [
            // shape, weight, stride, padding, output_padding, dilation, groups
            (&[2, 3, 13], &[3, 37, 5], 3, 2, 1, 1, 1),
            (&[1, 4, 5, 27], &[4, 9, 3, 4], 2, 1, 1, 2, 2),
            (&[1, 6, 3, 4, 14], &[6, 17, 2, 3, 2], 2, 0, 0, 1, 3),
            (&[1, 5, 7, 29], &[5, 1, 4, 4], 2, 1, 0, 1, 5),
            (&[2, 19, 9], &[19, 1, 3], 3, 1, 2, 2, 19),
            (&[1, 2, 1, 1], &[2, 33, 1, 1], 1, 0, 0, 1, 1),
            // Depthwise with a stride past the 16 W phases kept per row.
            (&[1, 3, 2, 3], &[3, 1, 2, 20], 18, 1, 0, 1, 3),
        ];
        for (shape, wshape, s, p, op, d, groups) in cases {
            let (stride, padding, output_padding, dilation) = ([s], [p], [op], [d]);
            let opts = ConvTransposeOptions::new()
                .with_stride(&stride)
                .with_padding(&padding)
                .with_output_padding(&output_padding)
                .with_dilation(&dilation)
                .with_groups(groups);
            let g = ConvTransposeGeometry::new(shape, layout, wshape, &opts).unwrap();
            if depthwise_only && !(g.input.c == groups && g.out_per_group == 1) {
                continue;
            }
            let x = data(g.input.numel(), 1);
            let w = data(g.weight_len, 2);
            let b = data(g.output.c, 3);
            let mut want = vec![0.0; g.output.numel()];
            crate::reference::conv_transpose(
                &x,
                shape,
                layout,
                &w,
                wshape,
                Some(&b),
                &opts,
                &mut want,
                &mut [],
            )
            .unwrap();
            let mut got = vec![f32::NAN; want.len()];
            let mut panel = vec![0.0; 1 << 16];
            let mut packed = vec![0.0; 1 << 16];
            let operands = Operands {
                g: &g,
                input: &x,
                weight: &w,
                bias: Some(&b),
            };
            run(operands, &mut got, &mut panel, &mut packed);
            for (k, (a, e)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a - e).abs() <= 1e-4 + 1e-4 * e.abs(),
                    "{shape:?} {wshape:?} {layout:?} element {k}: {a} vs {e}"
                );
            }
        }
    }

    /// The bound is the widest build's need, and no build needs more, over
    /// a sweep of channels, groups, kernels, strides, ranks and layouts.
    #[test]
    fn the_scratch_bound_covers_every_build() {
        let mut checked = 0;
        let mut nonzero = 0;
        for rank in 1..=3 {
            for (c_in, groups, m) in [
                (1, 1, 1),
                (3, 1, 4),
                (4, 1, 5),
                (8, 2, 8),
                (9, 3, 9),
                (16, 1, 16),
                (17, 1, 17),
                (64, 1, 32),
                (6, 6, 1),
                (9, 9, 1),
                (33, 33, 1),
                (12, 4, 40),
            ] {
                for (k, stride, padding) in [(1, 1, 0), (3, 2, 1), (4, 2, 1), (5, 3, 2)] {
                    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                        let mut shape = vec![2, c_in];
                        let mut wshape = vec![c_in, m];
                        for a in 0..rank {
                            shape.push([7, 5, 3][a]);
                            wshape.push(k);
                        }
                        let (s, p) = ([stride], [padding]);
                        let opts = ConvTransposeOptions::new()
                            .with_stride(&s)
                            .with_padding(&p)
                            .with_groups(groups);
                        let Ok(g) = ConvTransposeGeometry::new(&shape, layout, &wshape, &opts)
                        else {
                            continue;
                        };
                        let bound = conv_transpose_scratch_bound(&shape, layout, &wshape, &opts);
                        for native in [4, 8, 16] {
                            let need = Plan::for_lanes(&g, native).unwrap().scratch_len();
                            assert!(need <= bound, "{shape:?} {wshape:?} {layout:?} {native}");
                        }
                        // The widest build's panel and staging, counted
                        // whole where that build keeps them on the stack.
                        let widest = Plan::for_lanes(&g, WIDEST_LANES).unwrap();
                        let whole = widest.panel_len + widest.packed_len;
                        if MAX_VECTORS == 2 {
                            assert_eq!(bound, whole, "{shape:?} {wshape:?} {layout:?}");
                        } else {
                            assert!(whole <= bound, "{shape:?} {wshape:?} {layout:?}");
                        }
                        checked += 1;
                        nonzero += usize::from(bound > 0);
                    }
                }
            }
        }
        assert!(checked > 250 && nonzero > 100, "{checked} {nonzero}");
        // The issue's example: 20480 / 28672 / 45056 by build, bound 45056.
        let (shape, wshape) = ([1, 64, 8, 8], [64, 32, 4, 4]);
        let opts = ConvTransposeOptions::new()
            .with_stride(&[2])
            .with_padding(&[1]);
        let g = ConvTransposeGeometry::new(&shape, Layout::ChannelsFirst, &wshape, &opts).unwrap();
        let needs = [4, 8, 16].map(|l| Plan::for_lanes(&g, l).unwrap().scratch_len());
        if MAX_VECTORS == 2 {
            assert_eq!(needs, [20480, 28672, 45056]);
        }
        // Small-stack builds' one-vector tiles need less.
        assert!(needs.iter().all(|&n| n <= 45056), "{needs:?}");
        assert_eq!(
            conv_transpose_scratch_bound(&shape, Layout::ChannelsFirst, &wshape, &opts),
            45056
        );
    }

    #[test]
    fn every_lane_width_and_tile_shape_matches_the_reference() {
        use Layout::{ChannelsFirst as Cf, ChannelsLast as Cl};
        against_reference(driver::run::<f32x4, 1, 5, false>, Cf, false);
        against_reference(driver::run::<f32x4, 2, 6, true>, Cl, false);
        against_reference(driver::run::<f32x8, 1, 8, true>, Cl, false);
        against_reference(driver::run::<f32x8, 2, 4, false>, Cf, false);
        against_reference(driver::run::<f32x16, 1, 12, false>, Cf, false);
        against_reference(driver::run::<f32x16, 2, 10, false>, Cf, false);
        against_reference(driver::run::<f32x16, 2, 8, true>, Cl, false);
        against_reference(driver::run::<f32x16, 4, 6, true>, Cl, false);
        let depthwise: [Runner; 3] = [
            |x, o, p, _| driver::run_depthwise_channels_last::<f32x4>(x, o, p),
            |x, o, p, _| driver::run_depthwise_channels_last::<f32x8>(x, o, p),
            |x, o, p, _| driver::run_depthwise_channels_last::<f32x16>(x, o, p),
        ];
        for run in depthwise {
            against_reference(run, Cl, true);
        }
        let depthwise: [Runner; 3] = [
            driver::run_depthwise_channels_first::<f32x4>,
            driver::run_depthwise_channels_first::<f32x8>,
            driver::run_depthwise_channels_first::<f32x16>,
        ];
        for run in depthwise {
            against_reference(run, Cf, true);
        }
    }
}
