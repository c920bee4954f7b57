//! Checks shared by the ops' per-axis parameters.

use crate::error::Error;
use crate::layout::{MAX_SPATIAL, axis_name};

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
                axis: axis_name(a, rank),
                value: 0,
                reason: "must be greater than zero",
            });
        }
    }
    Ok(values)
}
