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
    /// The gradient of the loss with respect to an op's output (a backward's input).
    GradOutput,
    /// The gradient with respect to an op's input (a backward's output).
    GradInput,
    /// The gradient with respect to a transposed convolution's weight.
    GradWeight,
    /// The gradient with respect to a transposed convolution's bias.
    GradBias,
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
            Buffer::GradOutput => "grad_output",
            Buffer::GradInput => "grad_input",
            Buffer::GradWeight => "grad_weight",
            Buffer::GradBias => "grad_bias",
        }
    }
}

/// Everything that can be wrong with a call. Every variant carries the
/// offending values; [`Display`](fmt::Display) says in words what to fix.
///
/// Every `axis` is a position in the logical shape the op was called with,
/// counted from 0 as `shape[axis]` (PyTorch's `dim`): for a tensor
/// `(N, C, spatial...)` axis 0 is N, 1 is C and 2 the first spatial axis;
/// for a `conv_transpose` weight `(C_in, C_out / groups, k...)`, 0 is C_in.
///
/// When a function returns `Err`, it has written nothing to its output.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Error {
    /// A slice's length does not match the shape it was passed with.
    BufferLength {
        /// Which slice.
        buffer: Buffer,
        /// The length the shape implies (for [`Buffer::Scratch`], the
        /// least length the call needs).
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
        /// The axis of that shape (0 is N, or C_in for the weight).
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
        /// The axis of the input shape the value applies to (2 is the first
        /// spatial axis); `None` for a scalar parameter (groups, factors).
        axis: Option<usize>,
        /// The value given.
        value: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A scale factor is NaN, infinite, zero or negative.
    InvalidScaleFactor {
        /// The axis of the input shape (2 is the first spatial axis).
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
        /// The axis of the input shape (2 is the first spatial axis).
        axis: usize,
        /// The size computed (may be negative).
        size: i64,
    },
    /// A requested `output_size` lies outside the range PyTorch allows.
    OutputSize {
        /// The axis of the input shape (2 is the first spatial axis).
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
        /// The axis of the input shape (2 is the first spatial axis).
        axis: usize,
        /// The padding given.
        padding: usize,
        /// The largest padding allowed.
        max: usize,
    },
    /// A `conv_transpose` weight's first dimension (C_in) differs from the
    /// input's channels.
    ChannelMismatch {
        /// The input channels the weight expects (`weight_shape[0]`).
        expected: usize,
        /// The input's channels (`shape[1]`).
        actual: usize,
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
        /// The axis of the input shape (2 is the first spatial axis).
        axis: usize,
        /// The output padding given.
        output_padding: usize,
        /// The stride of that axis.
        stride: usize,
        /// The dilation of that axis.
        dilation: usize,
    },
    /// A part's output ([`crate::part`]) is not a whole, non-zero number of
    /// units from unit `first` within the call's units.
    PartOutOfRange {
        /// The part's first unit.
        first: usize,
        /// The part's output length.
        len: usize,
        /// Output elements per unit.
        unit_len: usize,
        /// The call's unit count.
        units: usize,
    },
    /// An axis given by number (ONNX's `axes`) is not in `[-rank, rank)`.
    AxisOutOfRange {
        /// The value given.
        value: i64,
        /// The number of axes of the shape.
        rank: usize,
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

/// How messages name the axes of a tensor's shape.
const SHAPE: &str = "(N, C, spatial...)";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::BufferLength {
                buffer,
                expected,
                actual,
            } => match buffer {
                Buffer::Scratch => write!(
                    f,
                    "scratch has {actual} elements but this call needs at least {expected}"
                ),
                Buffer::Bias => write!(
                    f,
                    "bias has {actual} elements but needs {expected}, one per output channel"
                ),
                _ => write!(
                    f,
                    "{} has {actual} elements but its shape needs {expected}",
                    buffer.name()
                ),
            },
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
                let order = match buffer {
                    Buffer::Weight => "(C_in, C_out / groups, k...)",
                    _ => SHAPE,
                };
                write!(
                    f,
                    "{} shape has size 0 on axis {axis} of {order}: every size must be at least 1",
                    buffer.name()
                )
            }
            Error::PartOutOfRange {
                first,
                len,
                unit_len,
                units,
            } => write!(
                f,
                "a part of {len} output elements from unit {first} is not a whole number of units of {unit_len} within the call's {units} units"
            ),
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
            } => match axis {
                Some(axis) => write!(
                    f,
                    "{parameter} = {value} on axis {axis} of {SHAPE}: {reason}"
                ),
                None => write!(f, "{parameter} = {value}: {reason}"),
            },
            Error::InvalidScaleFactor { axis, value } => write!(
                f,
                "scale_factor {value} on axis {axis} of {SHAPE} must be finite and greater than zero"
            ),
            Error::Unsupported { reason } => f.write_str(reason),
            Error::EmptyOutput { axis, size } => write!(
                f,
                "output size {size} on axis {axis} of {SHAPE} is too small: it must be at least 1"
            ),
            Error::OutputSize {
                axis,
                requested,
                min,
                max,
            } => write!(
                f,
                "output_size {requested} on axis {axis} of {SHAPE} must be between {min} and {max}"
            ),
            Error::PaddingTooLarge { axis, padding, max } => write!(
                f,
                "padding {padding} on axis {axis} of {SHAPE} must be at most half the kernel size ({max})"
            ),
            Error::ChannelMismatch { expected, actual } => write!(
                f,
                "input has {actual} channels but the weight (C_in, C_out / groups, k...) expects C_in = {expected}"
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
                "output_padding {output_padding} on axis {axis} of {SHAPE} must be smaller than either stride ({stride}) or dilation ({dilation})"
            ),
            Error::AxisOutOfRange { value, rank } => write!(
                f,
                "axis {value} is outside a {rank}-d shape: axes are -{rank} to {}",
                rank.saturating_sub(1)
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
