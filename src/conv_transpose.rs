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
    pub fn with_stride(mut self, stride: &'a [usize]) -> Self {
        self.stride = stride;
        self
    }
    /// Sets `padding`.
    pub fn with_padding(mut self, padding: &'a [usize]) -> Self {
        self.padding = padding;
        self
    }
    /// Sets `output_padding`.
    pub fn with_output_padding(mut self, output_padding: &'a [usize]) -> Self {
        self.output_padding = output_padding;
        self
    }
    /// Sets `groups`.
    pub fn with_groups(mut self, groups: usize) -> Self {
        self.groups = groups;
        self
    }
    /// Sets `dilation`.
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
            let size = (input.spatial[a] as i128 - 1) * stride[a] as i128 - 2 * padding[a] as i128
                + dilation[a] as i128 * (kernel[a] as i128 - 1)
                + output_padding[a] as i128
                + 1;
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

/// The scratch length (in `f32`s) [`conv_transpose`] needs for this problem.
/// Zero for every problem today; pass at least this many elements.
///
/// # Errors
/// As [`conv_transpose_output_shape`].
pub fn conv_transpose_scratch_len(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    Ok(0)
}

/// `torch.nn.functional.conv_transpose{1,2,3}d(input, weight, bias, **options)`.
///
/// `input` has logical shape `shape` = `(N, C_in, spatial...)` in `layout`;
/// `weight` is PyTorch's `(C_in, C_out / groups, k...)` (`weight_shape`) in
/// that order whatever the layout; `bias`, if given, has `C_out` elements;
/// `output` gets [`conv_transpose_output_shape`] in `layout`. `scratch` must
/// hold at least [`conv_transpose_scratch_len`] elements. Within 1e-4
/// (absolute and relative) of PyTorch for inputs in [-1, 1].
///
/// ```
/// use upsample::{conv_transpose, ConvTransposeOptions, Layout};
/// let mut output = [0.0; 4]; // (1, 1, 4)
/// let opts = ConvTransposeOptions::new().with_stride(&[2]);
/// conv_transpose(&[1.0, 2.0], &[1, 1, 2], Layout::ChannelsFirst, &[1.0, 0.5], &[1, 1, 2], None, &opts, &mut output, &mut []).unwrap();
/// assert_eq!(output, [1.0, 0.5, 2.0, 1.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`] (input, or weight of another rank); [`Error::ZeroDimension`];
/// [`Error::InvalidParameter`] (zero groups, stride or dilation);
/// [`Error::NotDivisible`] (channels vs weight or groups);
/// [`Error::OutputPaddingTooLarge`]; [`Error::EmptyOutput`];
/// [`Error::ParameterCount`]; [`Error::Overflow`]; [`Error::BufferLength`].
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
    crate::reference::conv_transpose(
        input,
        shape,
        layout,
        weight,
        weight_shape,
        bias,
        options,
        output,
        scratch,
    )
}
