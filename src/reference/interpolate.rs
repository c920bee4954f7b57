//! Reference `interpolate` (to be written).

use crate::error::Error;
use crate::interpolate::{InterpolateGeometry, InterpolateOptions};
use crate::layout::Layout;

/// Reference twin of [`crate::interpolate`].
///
/// # Errors
/// As [`crate::interpolate`].
pub fn interpolate(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.check_buffers(input, output)?;
    let _ = super::antialias::DUMMY;
    Err(Error::Unsupported {
        reason: "not yet written",
    })
}
