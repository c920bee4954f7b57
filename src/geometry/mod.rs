//! The checked problem of every op: its options, the checks PyTorch makes
//! (in PyTorch's order, so the first error is PyTorch's), the output shape,
//! and the index and weight helpers of ATen both the fast paths and
//! [`reference`](crate::reference) compute from.
//!
//! A geometry is built once per call, before anything is written; the
//! kernels take it as the proof that every length and index they derive
//! from it fits. Nothing here depends on a kernel: the fast paths and the
//! reference both sit on top of this layer, and neither imports the other's
//! arithmetic.

pub(crate) mod adaptive;
pub(crate) mod antialias;
pub(crate) mod conv_transpose;
pub(crate) mod conv_transpose_backward;
pub(crate) mod interpolate;
pub(crate) mod onnx;
pub(crate) mod onnx_conv;
mod params;
pub(crate) mod per_axis;
pub(crate) mod pixel_shuffle;
pub(crate) mod pool;
pub(crate) mod resize;
pub(crate) mod resize_taps;
pub(crate) mod split;
pub(crate) mod unpool;
pub(crate) mod upsample;

/// Defines the entry point `fn $name(input, shape, layout, $params...,
/// output)` of an op that maps one input tensor to one output tensor under
/// its parameters (its options, or a factor and a mode): it checks the call
/// with `$geometry(shape, layout, $params...)` (a geometry with `input` and
/// `output` dims) and the buffer lengths against those dims (nothing is
/// written on `Err`), then runs `$run(&geometry, input, output)`. Each such
/// op's public function and its reference twin are written through this
/// (most through the op's own macro), so that their signatures and checks
/// cannot drift apart.
macro_rules! map_entry_point {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($param:ident: $ty:ty),+) = $geometry:expr => $run:expr
    ) => {
        $(#[$attr])*
        $vis fn $name(
            input: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            $($param: $ty,)+
            output: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $geometry(shape, layout, $($param),+)?;
            g.input.check_input_output(&g.output, input, output)?;
            $run(&g, input, output);
            Ok(())
        }
    };
}
pub(crate) use map_entry_point;

/// Defines the backward entry point `fn $name(grad_output, shape, layout,
/// $params..., grad_input)` of an op written with [`map_entry_point`]:
/// `shape` is the forward's input shape, checked as the forward checks it
/// (`$geometry(shape, layout, $params...)`); `grad_output` must hold the
/// forward output's element count and `grad_input` the input's (nothing is
/// written on `Err`); then it runs `$run(&geometry, grad_output,
/// grad_input)`.
macro_rules! map_backward_entry_point {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($param:ident: $ty:ty),+) = $geometry:expr => $run:expr
    ) => {
        $(#[$attr])*
        $vis fn $name(
            grad_output: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            $($param: $ty,)+
            grad_input: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $geometry(shape, layout, $($param),+)?;
            g.output.check_len($crate::Buffer::GradOutput, grad_output.len())?;
            g.input.check_len($crate::Buffer::GradInput, grad_input.len())?;
            $run(&g, grad_output, grad_input);
            Ok(())
        }
    };
}
pub(crate) use map_backward_entry_point;
