//! Checks shared by the ops' per-axis parameters.

use crate::error::Error;
use crate::layout::{MAX_SPATIAL, per_axis, shape_axis};

/// `values` (per padded `[D, H, W]` axis) when none is zero, as PyTorch
/// requires of kernel sizes, strides and dilations.
pub(crate) fn positive(
    parameter: &'static str,
    values: [usize; MAX_SPATIAL],
    rank: usize,
) -> Result<[usize; MAX_SPATIAL], Error> {
    for (a, &v) in values.iter().enumerate() {
        if v == 0 {
            return Err(Error::InvalidParameter {
                parameter,
                axis: Some(shape_axis(a, rank)),
                value: 0,
                reason: "must be greater than zero",
            });
        }
    }
    Ok(values)
}

/// The window of a pooling (or of the pooling an unpooling undoes), per
/// padded `[D, H, W]` axis: `kernel_size` and `stride` positive (an empty
/// `stride` is `kernel_size`, as in PyTorch), and `padding`.
pub(crate) type PoolingWindow = [[usize; MAX_SPATIAL]; 3];

/// [`PoolingWindow`] from the options' lists, for `rank` spatial axes.
pub(crate) fn pooling_window(
    kernel_size: &[usize],
    stride: &[usize],
    padding: &[usize],
    rank: usize,
) -> Result<PoolingWindow, Error> {
    let kernel = positive(
        "kernel_size",
        per_axis("kernel_size", kernel_size, rank, 1)?,
        rank,
    )?;
    let stride = if stride.is_empty() {
        kernel
    } else {
        positive("stride", per_axis("stride", stride, rank, 1)?, rank)?
    };
    Ok([kernel, stride, per_axis("padding", padding, rank, 0)?])
}

/// `with_<field>` setters of an options struct, each `$(#[doc])* fn
/// name(field: type);`: sets the field and returns the options.
macro_rules! setters {
    ($($(#[$doc:meta])* fn $name:ident($field:ident: $ty:ty);)*) => {$(
        $(#[$doc])*
        pub const fn $name(mut self, $field: $ty) -> Self {
            self.$field = $field;
            self
        }
    )*};
}
pub(crate) use setters;
