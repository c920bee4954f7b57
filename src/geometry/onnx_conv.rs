//! ONNX's `ConvTranspose` attributes, checked and converted to the crate's
//! [`ConvTransposeGeometry`]: the begin pad as its padding and ONNX's
//! output size as its output.
//!
//! ```text
//! span  = (k - 1) * dilation + 1
//! no output_shape:  out = stride * (in - 1) + output_padding + span - pad_begin - pad_end
//!                   (auto_pad SAME_*: output_shape = in * stride, below)
//! output_shape:     total = stride * (in - 1) + output_padding + span - out
//!                   SAME_UPPER: begin = floor(total / 2), else total - floor(total / 2)
//! ```

use super::conv_transpose::{ConvTransposeGeometry, ConvTransposeOptions as TorchOptions};
use super::onnx::AutoPad;
use super::params::setters;
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, shape_axis};

/// ONNX `ConvTranspose`'s attributes. Lists have one value per spatial axis
/// (`pads` two: every begin, then every end); an empty list takes ONNX's
/// default (`kernel_shape` from the weight, strides and dilations 1, pads
/// and output_padding 0, no output_shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConvTransposeOptions<'a> {
    /// `kernel_shape`; empty for the weight's.
    pub kernel_shape: &'a [usize],
    /// `strides`; empty for 1.
    pub strides: &'a [usize],
    /// `pads` as `[x1_begin, .., x1_end, ..]`; empty for 0.
    pub pads: &'a [usize],
    /// `dilations`; empty for 1.
    pub dilations: &'a [usize],
    /// `output_padding`; empty for 0.
    pub output_padding: &'a [usize],
    /// `output_shape` (spatial sizes, or the whole `(N, C, spatial...)`
    /// shape); empty for none. It replaces `pads`.
    pub output_shape: &'a [usize],
    /// `group`.
    pub group: usize,
    /// `auto_pad`.
    pub auto_pad: AutoPad,
}

impl Default for ConvTransposeOptions<'_> {
    fn default() -> Self {
        ConvTransposeOptions::new()
    }
}

impl<'a> ConvTransposeOptions<'a> {
    /// ONNX's defaults: the weight's kernel, strides 1, no padding,
    /// dilations 1, one group.
    ///
    /// ```
    /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
    /// let s = conv_transpose_output_shape(&[1, 2, 3, 3], &[2, 4, 3, 3], &ConvTransposeOptions::new())?;
    /// assert_eq!(s.as_slice(), &[1, 4, 5, 5]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub const fn new() -> Self {
        ConvTransposeOptions {
            kernel_shape: &[],
            strides: &[],
            pads: &[],
            dilations: &[],
            output_padding: &[],
            output_shape: &[],
            group: 1,
            auto_pad: AutoPad::NotSet,
        }
    }
    setters! {
        /// Sets `kernel_shape` (which must be the weight's).
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_kernel_shape(&[3]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 6]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_kernel_shape(kernel_shape: &'a [usize]);
        /// Sets `strides`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_strides(&[2]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 9]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_strides(strides: &'a [usize]);
        /// Sets `pads` (begins, then ends).
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_strides(&[2]).with_pads(&[1, 0]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 8]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_pads(pads: &'a [usize]);
        /// Sets `dilations`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_dilations(&[2]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 8]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_dilations(dilations: &'a [usize]);
        /// Sets `output_padding`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_strides(&[2]).with_output_padding(&[1]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 10]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_output_padding(output_padding: &'a [usize]);
        /// Sets `output_shape`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_strides(&[2]).with_output_shape(&[10]);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 10]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_output_shape(output_shape: &'a [usize]);
        /// Sets `group`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_group(2);
        /// assert_eq!(conv_transpose_output_shape(&[1, 2, 4], &[2, 3, 1], &o)?.as_slice(), &[1, 6, 4]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_group(group: usize);
        /// Sets `auto_pad`.
        ///
        /// ```
        /// use upsample::onnx::{conv_transpose_output_shape, AutoPad, ConvTransposeOptions};
        /// let o = ConvTransposeOptions::new().with_strides(&[2]).with_auto_pad(AutoPad::SameUpper);
        /// assert_eq!(conv_transpose_output_shape(&[1, 1, 4], &[1, 1, 3], &o)?.as_slice(), &[1, 1, 8]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_auto_pad(auto_pad: AutoPad);
    }
}

/// `values` (one per spatial axis, `default` for an empty list) per padded
/// axis.
fn list(
    parameter: &'static str,
    values: &[usize],
    rank: usize,
    default: usize,
) -> Result<[usize; MAX_SPATIAL], Error> {
    let mut out = [default; MAX_SPATIAL];
    match values.len() {
        0 => {}
        n if n == rank => out[MAX_SPATIAL - rank..].copy_from_slice(values),
        n => {
            return Err(Error::ParameterCount {
                parameter,
                expected: rank,
                actual: n,
            });
        }
    }
    Ok(out)
}

/// ONNX `ConvTranspose` as the crate's geometry.
pub(crate) fn onnx_conv_transpose(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    o: &ConvTransposeOptions<'_>,
) -> Result<ConvTransposeGeometry, Error> {
    let input = Dims::new(
        shape,
        layout,
        "ConvTranspose",
        1,
        MAX_SPATIAL,
        Buffer::Input,
    )?;
    let rank = input.rank;
    let stride = list("strides", o.strides, rank, 1)?;
    let dilation = list("dilations", o.dilations, rank, 1)?;
    let output_padding = list("output_padding", o.output_padding, rank, 0)?;
    // The weight, channel, group and positivity checks of PyTorch's
    // geometry, on the natural output (no padding).
    let strides = &stride[MAX_SPATIAL - rank..];
    let dilations = &dilation[MAX_SPATIAL - rank..];
    let torch = TorchOptions::new()
        .with_stride(strides)
        .with_dilation(dilations)
        .with_groups(o.group);
    let mut g = ConvTransposeGeometry::new(shape, layout, weight_shape, &torch)?;
    if !o.kernel_shape.is_empty() && o.kernel_shape != &weight_shape[2..] {
        return Err(Error::Unsupported {
            reason: "kernel_shape must be the weight's spatial shape",
        });
    }
    let mut begin = [0usize; MAX_SPATIAL];
    let mut end = [0usize; MAX_SPATIAL];
    match o.pads.len() {
        0 => {}
        n if n == 2 * rank => {
            begin[MAX_SPATIAL - rank..].copy_from_slice(&o.pads[..rank]);
            end[MAX_SPATIAL - rank..].copy_from_slice(&o.pads[rank..]);
        }
        n => {
            return Err(Error::ParameterCount {
                parameter: "pads",
                expected: 2 * rank,
                actual: n,
            });
        }
    }
    let padded = o.pads.iter().any(|&p| p != 0);
    let requested = match o.output_shape.len() {
        0 => None,
        n if n == rank => Some(list("output_shape", o.output_shape, rank, 1)?),
        n if n == rank + 2 => Some(list("output_shape", &o.output_shape[2..], rank, 1)?),
        n => {
            return Err(Error::ParameterCount {
                parameter: "output_shape",
                expected: rank,
                actual: n,
            });
        }
    };
    if padded && (o.auto_pad != AutoPad::NotSet || requested.is_some()) {
        return Err(Error::Unsupported {
            reason: "pads cannot be used together with auto_pad or output_shape",
        });
    }
    let mut out = [1usize; MAX_SPATIAL];
    for a in MAX_SPATIAL - rank..MAX_SPATIAL {
        let axis = shape_axis(a, rank);
        // The natural output (PyTorch's geometry with no padding) less 1 is
        // `stride * (in - 1) + (k - 1) * dilation`, which fits usize.
        let natural = g.output.spatial[a] as i128 + output_padding[a] as i128;
        let target = match (requested, o.auto_pad) {
            (Some(r), _) => Some(r[a] as i128),
            (None, AutoPad::SameUpper | AutoPad::SameLower) => {
                Some(input.spatial[a] as i128 * stride[a] as i128)
            }
            _ => None,
        };
        let (size, pad) = match target {
            None => {
                let (b, e) = match o.auto_pad {
                    AutoPad::Valid => (0, 0),
                    _ => (begin[a] as i128, end[a] as i128),
                };
                (natural - b - e, b)
            }
            Some(t) => {
                // Halves rounded down, as ONNX's reference implementation
                // (and its node test `convtranspose_output_shape`): a
                // negative total lengthens the end.
                let total = natural - t;
                let b = match o.auto_pad {
                    AutoPad::SameUpper => total.div_euclid(2),
                    _ => total - total.div_euclid(2),
                };
                (t, b)
            }
        };
        if pad < 0 {
            return Err(Error::Unsupported {
                reason: "output_shape larger than the input reaches (a negative begin pad)",
            });
        }
        if size < 1 {
            return Err(Error::EmptyOutput {
                axis,
                size: size.max(i64::MIN as i128) as i64,
            });
        }
        out[a] = usize::try_from(size).map_err(|_| Error::Overflow {
            what: "the conv_transpose output size",
        })?;
        g.padding[a] = usize::try_from(pad).map_err(|_| Error::Overflow {
            what: "the conv_transpose padding",
        })?;
    }
    g.output = g.output.with_spatial(out)?;
    Ok(g)
}

/// Output shape of ONNX `ConvTranspose` for input of logical shape `shape`
/// and a weight of shape `(C_in, C_out / group, k...)`.
///
/// ```
/// use upsample::onnx::{conv_transpose_output_shape, ConvTransposeOptions};
/// let o = ConvTransposeOptions::new().with_strides(&[3, 2]).with_pads(&[1, 2, 1, 2]);
/// assert_eq!(conv_transpose_output_shape(&[1, 1, 3, 3], &[1, 2, 3, 3], &o)?.as_slice(), &[1, 2, 7, 3]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`conv_transpose`](crate::onnx::conv_transpose), but for buffer lengths.
pub fn conv_transpose_output_shape(
    shape: &[usize],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<Shape, Error> {
    Ok(
        onnx_conv_transpose(shape, Layout::ChannelsFirst, weight_shape, options)?
            .output
            .shape(),
    )
}

/// Defines an ONNX `ConvTranspose` entry point (public op and reference
/// twin): checks the call and runs `$run(operands, output, scratch)`.
macro_rules! onnx_conv_transpose_entry_point {
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
            options: &$crate::geometry::onnx_conv::ConvTransposeOptions<'_>,
            output: &mut [f32],
            scratch: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::onnx_conv::onnx_conv_transpose(shape, layout, weight_shape, options)?;
            g.check_buffers(input, weight, bias, output)?;
            let operands = $crate::geometry::conv_transpose::Operands { g: &g, input, weight, bias };
            $run(operands, output, scratch)
        }
    };
}
pub(crate) use onnx_conv_transpose_entry_point;
