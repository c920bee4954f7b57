//! The buffers of `conv_transpose`'s backward and its checks: the
//! forward's geometry (`super::conv_transpose`), then every length.

use super::conv_transpose::{ConvTransposeGeometry, ConvTransposeOptions};
use crate::error::{Buffer, Error};
use crate::layout::{Layout, check_len};

/// Which gradients [`conv_transpose_backward`](crate::conv_transpose_backward) computes: each `Some`
/// buffer is written (its length checked first), `None` skipped.
///
/// ```
/// use upsample::ConvTransposeGradients;
/// let mut grad_bias = [0.0; 4];
/// let wanted = ConvTransposeGradients { bias: Some(&mut grad_bias), ..Default::default() };
/// assert!(wanted.input.is_none() && wanted.weight.is_none());
/// ```
#[derive(Debug, Default)]
pub struct ConvTransposeGradients<'a> {
    /// The gradient with respect to the input: the forward input's shape
    /// and layout.
    pub input: Option<&'a mut [f32]>,
    /// The gradient with respect to the weight: `weight_shape`
    /// `(C_in, C_out / groups, k...)` in PyTorch's order whatever the layout.
    pub weight: Option<&'a mut [f32]>,
    /// The gradient with respect to the bias: `C_out` elements.
    pub bias: Option<&'a mut [f32]>,
}

/// What a checked backward reads: the geometry of the forward, its input,
/// its weight and the gradient of its output (lengths checked).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BackwardOperands<'a> {
    pub g: &'a ConvTransposeGeometry,
    pub grad_output: &'a [f32],
    pub input: &'a [f32],
    pub weight: &'a [f32],
}

/// The checks of a backward call: the forward's geometry, then every
/// buffer's length (the scratch is the fast path's to check).
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    grad_output: &[f32],
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
    gradients: &ConvTransposeGradients<'_>,
) -> Result<ConvTransposeGeometry, Error> {
    let g = ConvTransposeGeometry::new(shape, layout, weight_shape, options)?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    g.input.check_len(Buffer::Input, input.len())?;
    check_len(Buffer::Weight, g.weight_len, weight.len())?;
    if let Some(b) = &gradients.input {
        g.input.check_len(Buffer::GradInput, b.len())?;
    }
    if let Some(b) = &gradients.weight {
        check_len(Buffer::GradWeight, g.weight_len, b.len())?;
    }
    if let Some(b) = &gradients.bias {
        check_len(Buffer::GradBias, g.output.c, b.len())?;
    }
    Ok(g)
}

/// Defines a `conv_transpose_backward` entry point (the op and its
/// reference twin), so their signatures and checks cannot drift apart:
/// [`check`], then `$run(operands, gradients, scratch)`.
macro_rules! conv_transpose_backward_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name(
            grad_output: &[f32],
            input: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            weight: &[f32],
            weight_shape: &[usize],
            options: &$crate::ConvTransposeOptions<'_>,
            gradients: $crate::ConvTransposeGradients<'_>,
            scratch: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::conv_transpose_backward::check(
                grad_output, input, shape, layout, weight, weight_shape, options, &gradients,
            )?;
            let operands = $crate::geometry::conv_transpose_backward::BackwardOperands {
                g: &g,
                grad_output,
                input,
                weight,
            };
            $run(operands, gradients, scratch)
        }
    };
}
pub(crate) use conv_transpose_backward_entry_point;
