//! `F.conv_transpose{1,2,3}d`'s arguments, the checks of ATen's
//! `_convolution` for `transposed=True`, and the output size.
//!
//! ```text
//! out_size = (in - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
//! ```
//! `weight` is PyTorch's `(C_in, C_out / groups, k...)` whatever the layout.

use super::params::{positive, setters};
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, check_len, per_axis, shape_axis};
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
    pub const fn new() -> Self {
        ConvTransposeOptions {
            stride: &[1],
            padding: &[0],
            output_padding: &[0],
            groups: 1,
            dilation: &[1],
        }
    }
    setters! {
        /// Sets `stride`.
        ///
        /// ```
        /// assert_eq!(upsample::ConvTransposeOptions::new().with_stride(&[2, 3]).stride, &[2, 3]);
        /// ```
        fn with_stride(stride: &'a [usize]);
        /// Sets `padding`.
        ///
        /// ```
        /// assert_eq!(upsample::ConvTransposeOptions::new().with_padding(&[1]).padding, &[1]);
        /// ```
        fn with_padding(padding: &'a [usize]);
        /// Sets `output_padding`.
        ///
        /// ```
        /// use upsample::ConvTransposeOptions;
        /// let o = ConvTransposeOptions::new().with_stride(&[2]).with_output_padding(&[1]);
        /// assert_eq!(upsample::conv_transpose_output_shape(&[1, 1, 3], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 8]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_output_padding(output_padding: &'a [usize]);
        /// Sets `groups`.
        ///
        /// ```
        /// // Depthwise: one group per input channel.
        /// assert_eq!(upsample::ConvTransposeOptions::new().with_groups(64).groups, 64);
        /// ```
        fn with_groups(groups: usize);
        /// Sets `dilation`.
        ///
        /// ```
        /// assert_eq!(upsample::ConvTransposeOptions::new().with_dilation(&[2]).dilation, &[2]);
        /// ```
        fn with_dilation(dilation: &'a [usize]);
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
                axis: None,
                value: 0,
                reason: "must be greater than zero",
            });
        }
        let groups = options.groups;
        if weight_shape[0] != input.c {
            return Err(Error::ChannelMismatch {
                expected: weight_shape[0],
                actual: input.c,
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
            let axis = shape_axis(a, rank);
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
    pub(crate) fn fast_path_fits(&self) -> bool {
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

/// What a checked transposed convolution reads: its geometry, input,
/// weight and bias (lengths checked against the geometry).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operands<'a> {
    pub g: &'a ConvTransposeGeometry,
    pub input: &'a [f32],
    pub weight: &'a [f32],
    pub bias: Option<&'a [f32]>,
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
/// As [`conv_transpose`](crate::conv_transpose), but for buffer lengths.
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

/// Defines a `conv_transpose` entry point: the public op and its reference
/// twin are both written through this, so that their signatures and
/// checks cannot drift apart. It checks the call (shapes, options, buffer
/// lengths), then returns `$run(operands, output, scratch)` with the
/// [`Operands`] of the call.
macro_rules! conv_transpose_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name(
            input: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            weight: &[f32],
            weight_shape: &[usize],
            bias: Option<&[f32]>,
            options: &$crate::ConvTransposeOptions<'_>,
            output: &mut [f32],
            scratch: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::conv_transpose::ConvTransposeGeometry::new(
                shape,
                layout,
                weight_shape,
                options,
            )?;
            g.check_buffers(input, weight, bias, output)?;
            let operands = $crate::geometry::conv_transpose::Operands {
                g: &g,
                input,
                weight,
                bias,
            };
            $run(operands, output, scratch)
        }
    };
}
pub(crate) use conv_transpose_entry_point;
