//! The one error type of the crate.

use core::fmt;

/// Which slice an [`Error::BufferLength`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Buffer {
    /// The input tensor.
    Input,
    /// The output tensor.
    Output,
    /// The `i64` indices of a max pool (written by `max_pool`, read by `max_unpool`).
    Indices,
    /// The weight of a transposed convolution.
    Weight,
    /// The bias of a transposed convolution.
    Bias,
    /// Caller-provided scratch memory.
    Scratch,
}

impl Buffer {
    fn name(self) -> &'static str {
        match self {
            Buffer::Input => "input",
            Buffer::Output => "output",
            Buffer::Indices => "indices",
            Buffer::Weight => "weight",
            Buffer::Bias => "bias",
            Buffer::Scratch => "scratch",
        }
    }
}

/// Everything that can be wrong with a call. Every variant carries the
/// offending values; [`Display`](fmt::Display) says in words what to fix.
///
/// When a function returns `Err`, it has written nothing to its output.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Error {
    /// A slice's length does not match the shape it was passed with.
    BufferLength {
        /// Which slice.
        buffer: Buffer,
        /// The length the shape implies.
        expected: usize,
        /// The slice's length.
        actual: usize,
    },
    /// The shape has a number of dimensions this op (or mode) does not take.
    Rank {
        /// The op, and the mode where it matters, as PyTorch names it.
        op: &'static str,
        /// Fewest dimensions taken, counting N and C.
        min: usize,
        /// Most dimensions taken, counting N and C.
        max: usize,
        /// Dimensions given.
        actual: usize,
    },
    /// A dimension of a shape is zero. (PyTorch accepts some empty tensors;
    /// this crate rejects them all so that no call silently does nothing.)
    ZeroDimension {
        /// Which shape.
        buffer: Buffer,
        /// The axis (0 is N).
        axis: usize,
    },
    /// A size computed from the shape does not fit in `usize` (or in `i64`,
    /// for a plane that `i64` indices address).
    Overflow {
        /// What was being computed.
        what: &'static str,
    },
    /// A per-dimension parameter list has neither one value (which applies to
    /// every spatial dimension, like a Python scalar) nor one per spatial dimension.
    ParameterCount {
        /// The parameter, as PyTorch names it.
        parameter: &'static str,
        /// The number of spatial dimensions.
        expected: usize,
        /// The list's length.
        actual: usize,
    },
    /// A parameter has a value PyTorch rejects (zero kernel, stride,
    /// dilation, factor or groups).
    InvalidParameter {
        /// The parameter, as PyTorch names it.
        parameter: &'static str,
        /// The spatial axis (0 is the first spatial dimension), or 0 for scalars.
        axis: usize,
        /// The value given.
        value: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A scale factor is NaN, infinite, zero or negative.
    InvalidScaleFactor {
        /// The spatial axis.
        axis: usize,
        /// The value given.
        value: f64,
    },
    /// A combination of mode, rank and options that PyTorch rejects.
    Unsupported {
        /// PyTorch's reason, in its words where it has them.
        reason: &'static str,
    },
    /// The output size computed for an axis is less than 1.
    EmptyOutput {
        /// The spatial axis.
        axis: usize,
        /// The size computed (may be negative).
        size: i64,
    },
    /// A requested `output_size` lies outside the range PyTorch allows.
    OutputSize {
        /// The spatial axis.
        axis: usize,
        /// The size requested.
        requested: usize,
        /// Smallest size allowed.
        min: usize,
        /// Largest size allowed.
        max: usize,
    },
    /// Pooling padding larger than half the (effective) kernel.
    PaddingTooLarge {
        /// The spatial axis.
        axis: usize,
        /// The padding given.
        padding: usize,
        /// The largest padding allowed.
        max: usize,
    },
    /// A channel count is not divisible as the op needs.
    NotDivisible {
        /// Which count (for example "input channels by groups").
        what: &'static str,
        /// The count.
        value: usize,
        /// The divisor it must be a multiple of.
        divisor: usize,
    },
    /// `output_padding` of a transposed convolution is not smaller than
    /// either the stride or the dilation of its axis.
    OutputPaddingTooLarge {
        /// The spatial axis.
        axis: usize,
        /// The output padding given.
        output_padding: usize,
        /// The stride of that axis.
        stride: usize,
        /// The dilation of that axis.
        dilation: usize,
    },
    /// An unpooling index points outside its `(n, c)` output plane.
    IndexOutOfRange {
        /// Position of the bad index in the `indices` slice.
        position: usize,
        /// The index found there.
        index: i64,
        /// The number of elements in one output plane.
        plane_size: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::BufferLength {
                buffer,
                expected,
                actual,
            } => write!(
                f,
                "{} has {actual} elements but its shape needs {expected}",
                buffer.name()
            ),
            Error::Rank {
                op,
                min,
                max,
                actual,
            } => {
                if min == max {
                    write!(
                        f,
                        "{op} needs a {min}-d shape (N, C, spatial...), got {actual}-d"
                    )
                } else {
                    write!(
                        f,
                        "{op} needs a {min}-d to {max}-d shape (N, C, spatial...), got {actual}-d"
                    )
                }
            }
            Error::ZeroDimension { buffer, axis } => {
                write!(f, "{} shape has a zero-sized axis {axis}", buffer.name())
            }
            Error::Overflow { what } => write!(f, "{what} overflows the address space"),
            Error::ParameterCount {
                parameter,
                expected,
                actual,
            } => write!(
                f,
                "{parameter} has {actual} values; give 1 or one per spatial dimension ({expected})"
            ),
            Error::InvalidParameter {
                parameter,
                axis,
                value,
                reason,
            } => write!(f, "{parameter} = {value} on axis {axis}: {reason}"),
            Error::InvalidScaleFactor { axis, value } => write!(
                f,
                "scale_factor {value} on spatial axis {axis} must be finite and greater than zero"
            ),
            Error::Unsupported { reason } => f.write_str(reason),
            Error::EmptyOutput { axis, size } => write!(
                f,
                "output size {size} on spatial axis {axis} is too small: it must be at least 1"
            ),
            Error::OutputSize {
                axis,
                requested,
                min,
                max,
            } => write!(
                f,
                "output_size {requested} on spatial axis {axis} must be between {min} and {max}"
            ),
            Error::PaddingTooLarge { axis, padding, max } => write!(
                f,
                "padding {padding} on spatial axis {axis} must be at most half the kernel size ({max})"
            ),
            Error::NotDivisible {
                what,
                value,
                divisor,
            } => write!(f, "{what}: {value} is not divisible by {divisor}"),
            Error::OutputPaddingTooLarge {
                axis,
                output_padding,
                stride,
                dilation,
            } => write!(
                f,
                "output_padding {output_padding} on spatial axis {axis} must be smaller than either stride ({stride}) or dilation ({dilation})"
            ),
            Error::IndexOutOfRange {
                position,
                index,
                plane_size,
            } => write!(
                f,
                "invalid max index {index} at position {position}: an output plane has {plane_size} elements"
            ),
        }
    }
}

impl core::error::Error for Error {}
