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
use wide::{f32x4, f32x8, f32x16};

mod driver;
mod kernel;

/// Scratch (weight panel and any channels-first staging) up to this many
/// `f32`s lives on the stack (2 KiB), so small problems need no scratch.
const STACK_PANEL: usize = 512;

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

impl Plan {
    fn new(g: &ConvTransposeGeometry) -> Result<Plan, Error> {
        let m = g.out_per_group;
        let native = Native::LANES;
        let depthwise = g.input.c == g.groups && m == 1;
        // Depthwise vectorises over all the channels.
        let m = if depthwise { g.input.c } else { m };
        let (lanes, vectors) = if m <= 4 {
            (4, 1)
        } else if m <= 8 && native >= 8 {
            (8, 1)
        } else if m <= native {
            (native, 1)
        } else {
            (native, 2)
        };
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
        if len <= STACK_PANEL { 0 } else { len }
    }
}

/// The scratch length (in `f32`s) [`conv_transpose`] needs for this problem;
/// pass at least this many elements.
///
/// The scratch holds the weights of one group and one block of output
/// channels, every tap, packed for the micro-kernel:
///
/// ```text
/// panel = B * (C_in / groups) * prod over axes of k
/// B = 4 if C_out/groups <= 4, 8 if <= 8 (with AVX), the lane count L if <= L, else 2 L
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
/// fits in 512 `f32`s, which then live on the stack; the channels-first
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
    Ok(Plan::new(&g)?.scratch_len())
}

conv_transpose_entry_point! {
/// `torch.nn.functional.conv_transpose{1,2,3}d(input, weight, bias, **options)`.
///
/// `input` has logical shape `shape` = `(N, C_in, spatial...)` in `layout`;
/// `weight` is PyTorch's `(C_in, C_out / groups, k...)` (`weight_shape`) in
/// that order whatever the layout; `bias`, if given, has `C_out` elements;
/// `output` gets [`conv_transpose_output_shape`](crate::conv_transpose_output_shape) in `layout`. `scratch` must
/// hold at least [`conv_transpose_scratch_len`] elements. Within 1e-4
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
fn transpose(operands: Operands<'_>, output: &mut [f32], scratch: &mut [f32]) -> Result<(), Error> {
    let g = operands.g;
    let plan = Plan::new(g)?;
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
    match g.input.layout {
        Layout::ChannelsLast => dispatch::<true>(plan, operands, output, panel, packed),
        Layout::ChannelsFirst => dispatch::<false>(plan, operands, output, panel, packed),
    }
    Ok(())
}

/// Runs the driver with the tile shape of `plan`.
fn dispatch<const CL: bool>(
    plan: Plan,
    operands: Operands<'_>,
    output: &mut [f32],
    panel: &mut [f32],
    packed: &mut [f32],
) {
    if plan.depthwise && CL {
        return match plan.lanes {
            4 => driver::run_depthwise_channels_last::<f32x4>(operands, output, panel),
            8 => driver::run_depthwise_channels_last::<f32x8>(operands, output, panel),
            _ => driver::run_depthwise_channels_last::<Native>(operands, output, panel),
        };
    }
    if plan.depthwise {
        return match plan.lanes {
            4 => driver::run_depthwise_channels_first::<f32x4>(operands, output, panel, packed),
            8 => driver::run_depthwise_channels_first::<f32x8>(operands, output, panel, packed),
            _ => driver::run_depthwise_channels_first::<Native>(operands, output, panel, packed),
        };
    }
    match (plan.lanes, plan.vectors) {
        (4, 1) => driver::run::<f32x4, 1, NR_ONE, CL>(operands, output, panel, packed),
        (8, 1) => driver::run::<f32x8, 1, NR_ONE, CL>(operands, output, panel, packed),
        (16, 1) => driver::run::<f32x16, 1, NR_ONE, CL>(operands, output, panel, packed),
        _ => driver::run::<Native, 2, NR_TWO, CL>(operands, output, panel, packed),
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
