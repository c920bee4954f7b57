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
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, axis_name, check_len, per_axis};
use crate::pool::positive;
use crate::simd::{Lane, Native};
use wide::{f32x4, f32x8, f32x16};

mod driver;
mod kernel;

/// The keyword arguments of `F.conv_transpose{1,2,3}d` besides the tensors.
/// Lists take one value or one per spatial dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConvTransposeOptions<'a> {
    /// Stride of the (forward) convolution this transposes.
    pub stride: &'a [usize],
    /// `dilation * (k - 1) - padding` zero-padding of the input's sides.
    pub padding: &'a [usize],
    /// Extra size added to one side of the output.
    pub output_padding: &'a [usize],
    /// Blocked connections from input to output channels.
    pub groups: usize,
    /// Spacing between kernel elements.
    pub dilation: &'a [usize],
}

impl Default for ConvTransposeOptions<'_> {
    fn default() -> Self {
        ConvTransposeOptions::new()
    }
}

impl<'a> ConvTransposeOptions<'a> {
    /// PyTorch's defaults: stride 1, padding 0, output_padding 0, groups 1, dilation 1.
    ///
    /// ```
    /// let o = upsample::ConvTransposeOptions::new();
    /// assert_eq!((o.stride, o.padding, o.groups), (&[1][..], &[0][..], 1));
    /// ```
    pub fn new() -> Self {
        ConvTransposeOptions {
            stride: &[1],
            padding: &[0],
            output_padding: &[0],
            groups: 1,
            dilation: &[1],
        }
    }
    /// Sets `stride`.
    ///
    /// ```
    /// assert_eq!(upsample::ConvTransposeOptions::new().with_stride(&[2, 3]).stride, &[2, 3]);
    /// ```
    pub fn with_stride(mut self, stride: &'a [usize]) -> Self {
        self.stride = stride;
        self
    }
    /// Sets `padding`.
    ///
    /// ```
    /// assert_eq!(upsample::ConvTransposeOptions::new().with_padding(&[1]).padding, &[1]);
    /// ```
    pub fn with_padding(mut self, padding: &'a [usize]) -> Self {
        self.padding = padding;
        self
    }
    /// Sets `output_padding`.
    ///
    /// ```
    /// use upsample::ConvTransposeOptions;
    /// let o = ConvTransposeOptions::new().with_stride(&[2]).with_output_padding(&[1]);
    /// assert_eq!(upsample::conv_transpose_output_shape(&[1, 1, 3], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 8]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn with_output_padding(mut self, output_padding: &'a [usize]) -> Self {
        self.output_padding = output_padding;
        self
    }
    /// Sets `groups`.
    ///
    /// ```
    /// // Depthwise: one group per input channel.
    /// assert_eq!(upsample::ConvTransposeOptions::new().with_groups(64).groups, 64);
    /// ```
    pub fn with_groups(mut self, groups: usize) -> Self {
        self.groups = groups;
        self
    }
    /// Sets `dilation`.
    ///
    /// ```
    /// assert_eq!(upsample::ConvTransposeOptions::new().with_dilation(&[2]).dilation, &[2]);
    /// ```
    pub fn with_dilation(mut self, dilation: &'a [usize]) -> Self {
        self.dilation = dilation;
        self
    }
}

/// A checked transposed convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ConvTransposeGeometry {
    pub input: Dims,
    pub output: Dims,
    /// Kernel size in padded `[D, H, W]` order (1 on padded axes).
    pub kernel: [usize; MAX_SPATIAL],
    pub stride: [usize; MAX_SPATIAL],
    pub padding: [usize; MAX_SPATIAL],
    pub dilation: [usize; MAX_SPATIAL],
    pub groups: usize,
    /// `C_out / groups`.
    pub out_per_group: usize,
    /// Elements of the weight.
    pub weight_len: usize,
}

impl ConvTransposeGeometry {
    /// The checks of ATen's `_convolution` for `transposed=True`.
    pub fn new(
        shape: &[usize],
        layout: Layout,
        weight_shape: &[usize],
        options: &ConvTransposeOptions<'_>,
    ) -> Result<Self, Error> {
        let input = Dims::new(
            shape,
            layout,
            "conv_transpose",
            1,
            MAX_SPATIAL,
            Buffer::Input,
        )?;
        let rank = input.rank;
        if weight_shape.len() != shape.len() {
            return Err(Error::Rank {
                op: "conv_transpose weight (C_in, C_out / groups, k...)",
                min: shape.len(),
                max: shape.len(),
                actual: weight_shape.len(),
            });
        }
        if let Some(axis) = weight_shape.iter().position(|&d| d == 0) {
            return Err(Error::ZeroDimension {
                buffer: Buffer::Weight,
                axis,
            });
        }
        if options.groups == 0 {
            return Err(Error::InvalidParameter {
                parameter: "groups",
                axis: 0,
                value: 0,
                reason: "non-positive groups is not supported",
            });
        }
        let groups = options.groups;
        if weight_shape[0] != input.c {
            return Err(Error::NotDivisible {
                what: "weight dimension 0 must equal the input channels; input channels",
                value: input.c,
                divisor: weight_shape[0],
            });
        }
        if input.c % groups != 0 {
            return Err(Error::NotDivisible {
                what: "input channels by groups",
                value: input.c,
                divisor: groups,
            });
        }
        let out_per_group = weight_shape[1];
        let mut kernel = [1usize; MAX_SPATIAL];
        kernel[MAX_SPATIAL - rank..].copy_from_slice(&weight_shape[2..]);
        let stride = positive("stride", per_axis("stride", options.stride, rank, 1)?, rank)?;
        let padding = per_axis("padding", options.padding, rank, 0)?;
        let output_padding = per_axis("output_padding", options.output_padding, rank, 0)?;
        let dilation = positive(
            "dilation",
            per_axis("dilation", options.dilation, rank, 1)?,
            rank,
        )?;
        let mut out = [1usize; MAX_SPATIAL];
        for a in MAX_SPATIAL - rank..MAX_SPATIAL {
            let axis = axis_name(a, rank);
            if output_padding[a] >= stride[a] && output_padding[a] >= dilation[a] {
                return Err(Error::OutputPaddingTooLarge {
                    axis,
                    output_padding: output_padding[a],
                    stride: stride[a],
                    dilation: dilation[a],
                });
            }
            // `(size - 1) * stride` and `dilation * (kernel - 1)` of two
            // values near `usize::MAX` pass `i128::MAX`: no output fits then.
            let overflow = Error::Overflow {
                what: "the conv_transpose output size",
            };
            let reach = (input.spatial[a] as i128 - 1)
                .checked_mul(stride[a] as i128)
                .zip((dilation[a] as i128).checked_mul(kernel[a] as i128 - 1))
                .and_then(|(reach, span)| reach.checked_add(span))
                .and_then(|reach| reach.checked_add(output_padding[a] as i128 + 1))
                .ok_or(overflow)?;
            let size = reach - 2 * padding[a] as i128;
            if size < 1 {
                return Err(Error::EmptyOutput {
                    axis,
                    size: size.clamp(i64::MIN as i128, 0) as i64,
                });
            }
            out[a] = usize::try_from(size).map_err(|_| Error::Overflow {
                what: "the conv_transpose output size",
            })?;
        }
        let c_out = groups.checked_mul(out_per_group).ok_or(Error::Overflow {
            what: "the conv_transpose output channels",
        })?;
        let output = input.with_channels(c_out)?.with_spatial(out)?;
        let weight_len = weight_shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or(Error::Overflow {
                what: "the weight element count",
            })?;
        Ok(ConvTransposeGeometry {
            input,
            output,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            out_per_group,
            weight_len,
        })
    }

    /// Whether the fast driver's `usize` arithmetic has room: it adds up to
    /// four of the output size, padding, stride, input size and kernel span
    /// (`kernel * dilation`) of an axis, so each must stay below
    /// `usize::MAX / 8`.
    fn fast_path_fits(&self) -> bool {
        let limit = usize::MAX / 8;
        (0..MAX_SPATIAL).all(|a| {
            let span = self.kernel[a].checked_mul(self.dilation[a]);
            [
                self.output.spatial[a],
                self.input.spatial[a],
                self.padding[a],
                self.stride[a],
                span.unwrap_or(usize::MAX),
            ]
            .iter()
            .all(|&v| v <= limit)
        })
    }

    /// Checks every slice against the geometry.
    pub fn check_buffers(
        &self,
        input: &[f32],
        weight: &[f32],
        bias: Option<&[f32]>,
        output: &[f32],
    ) -> Result<(), Error> {
        self.input.check_len(Buffer::Input, input.len())?;
        check_len(Buffer::Weight, self.weight_len, weight.len())?;
        if let Some(bias) = bias {
            check_len(Buffer::Bias, self.output.c, bias.len())?;
        }
        self.output.check_len(Buffer::Output, output.len())
    }
}

/// Output shape of `F.conv_transpose{1,2,3}d(x, weight, **options)` for `x`
/// of logical shape `shape` and a weight of shape `weight_shape`
/// `(C_in, C_out / groups, k...)`.
///
/// ```
/// use upsample::{conv_transpose_output_shape, ConvTransposeOptions};
/// let opts = ConvTransposeOptions::new().with_stride(&[2]).with_padding(&[1]);
/// let out = conv_transpose_output_shape(&[1, 8, 16, 16], &[8, 4, 4, 4], &opts).unwrap();
/// assert_eq!(out.as_slice(), &[1, 4, 32, 32]);
/// ```
///
/// # Errors
/// As [`conv_transpose`], but for buffer lengths.
pub fn conv_transpose_output_shape(
    shape: &[usize],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<Shape, Error> {
    Ok(
        ConvTransposeGeometry::new(shape, Layout::ChannelsFirst, weight_shape, options)?
            .output
            .shape(),
    )
}

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
/// As [`conv_transpose_output_shape`].
pub fn conv_transpose_scratch_len(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    Ok(Plan::new(&g)?.scratch_len())
}

/// `torch.nn.functional.conv_transpose{1,2,3}d(input, weight, bias, **options)`.
///
/// `input` has logical shape `shape` = `(N, C_in, spatial...)` in `layout`;
/// `weight` is PyTorch's `(C_in, C_out / groups, k...)` (`weight_shape`) in
/// that order whatever the layout; `bias`, if given, has `C_out` elements;
/// `output` gets [`conv_transpose_output_shape`] in `layout`. `scratch` must
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
/// [`Error::NotDivisible`] (channels vs weight or groups);
/// [`Error::OutputPaddingTooLarge`]; [`Error::EmptyOutput`];
/// [`Error::ParameterCount`]; [`Error::Overflow`]; [`Error::BufferLength`]
/// (including a `scratch` shorter than [`conv_transpose_scratch_len`]).
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    bias: Option<&[f32]>,
    options: &ConvTransposeOptions<'_>,
    output: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    g.check_buffers(input, weight, bias, output)?;
    let plan = Plan::new(&g)?;
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
        return crate::reference::conv_transpose(
            input,
            shape,
            layout,
            weight,
            weight_shape,
            bias,
            options,
            output,
            scratch,
        );
    }
    let mut stack = [0.0f32; STACK_PANEL];
    let scratch = if needed == 0 { &mut stack[..] } else { scratch };
    let (panel, packed) = scratch.split_at_mut(plan.panel_len.min(scratch.len()));
    match layout {
        Layout::ChannelsLast => {
            dispatch::<true>(&g, plan, input, weight, bias, output, panel, packed)
        }
        Layout::ChannelsFirst => {
            dispatch::<false>(&g, plan, input, weight, bias, output, panel, packed)
        }
    }
    Ok(())
}

/// Runs the driver with the tile shape of `plan`.
#[allow(clippy::too_many_arguments)]
fn dispatch<const CL: bool>(
    g: &ConvTransposeGeometry,
    plan: Plan,
    input: &[f32],
    weight: &[f32],
    bias: Option<&[f32]>,
    output: &mut [f32],
    panel: &mut [f32],
    packed: &mut [f32],
) {
    let (a, b, c, d, e) = (g, input, weight, bias, output);
    if plan.depthwise && CL {
        return match plan.lanes {
            4 => driver::run_depthwise_channels_last::<f32x4>(a, b, c, d, e, panel),
            8 => driver::run_depthwise_channels_last::<f32x8>(a, b, c, d, e, panel),
            _ => driver::run_depthwise_channels_last::<Native>(a, b, c, d, e, panel),
        };
    }
    if plan.depthwise {
        let p = packed;
        return match plan.lanes {
            4 => driver::run_depthwise_channels_first::<f32x4>(a, b, c, d, e, panel, p),
            8 => driver::run_depthwise_channels_first::<f32x8>(a, b, c, d, e, panel, p),
            _ => driver::run_depthwise_channels_first::<Native>(a, b, c, d, e, panel, p),
        };
    }
    let p = packed;
    match (plan.lanes, plan.vectors) {
        (4, 1) => driver::run::<f32x4, 1, NR_ONE, CL>(a, b, c, d, e, panel, p),
        (8, 1) => driver::run::<f32x8, 1, NR_ONE, CL>(a, b, c, d, e, panel, p),
        (16, 1) => driver::run::<f32x16, 1, NR_ONE, CL>(a, b, c, d, e, panel, p),
        _ => driver::run::<Native, 2, NR_TWO, CL>(a, b, c, d, e, panel, p),
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

    type Runner = fn(
        &ConvTransposeGeometry,
        &[f32],
        &[f32],
        Option<&[f32]>,
        &mut [f32],
        &mut [f32],
        &mut [f32],
    );

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
            run(&g, &x, &w, Some(&b), &mut got, &mut panel, &mut packed);
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
            |g, x, w, b, o, p, _| driver::run_depthwise_channels_last::<f32x4>(g, x, w, b, o, p),
            |g, x, w, b, o, p, _| driver::run_depthwise_channels_last::<f32x8>(g, x, w, b, o, p),
            |g, x, w, b, o, p, _| driver::run_depthwise_channels_last::<f32x16>(g, x, w, b, o, p),
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
