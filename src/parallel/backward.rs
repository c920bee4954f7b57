//! The backward ops over the rayon pool (see the [module docs](crate::parallel)).

extern crate std;

use super::{MIN_PART, each_piece, given_or_own, item_units, units_per_part};
use crate::error::{Buffer, Error};
use crate::geometry::pool::MaxPoolGeometry;
use crate::geometry::unpool::UnpoolGeometry;
use crate::layout::{Layout, check_len};
use crate::part;
use crate::{
    ConvTransposeGradients, ConvTransposeOptions, InterpolateOptions, MaxPoolOptions, UnpoolOptions,
};
use std::vec::Vec;

/// Defines the split form of a backward op with one gradient in and one
/// out under one parameter.
macro_rules! map_parallel_backward {
    ($op:ident, $units:ident($($param:ident: $ty:ty),+)) => {
        #[doc = concat!("[`", stringify!($op), "`](crate::", stringify!($op), ") split over the current rayon pool (see the [module docs](crate::parallel)).")]
        ///
        /// # Errors
        #[doc = concat!("As [`", stringify!($op), "`](crate::", stringify!($op), ")'s.")]
        pub fn $op(
            grad_output: &[f32],
            shape: &[usize],
            layout: Layout,
            $($param: $ty,)+
            grad_input: &mut [f32],
        ) -> Result<(), Error> {
            let units = part::$units(shape, layout, $($param),+)?;
            check_len(Buffer::GradInput, units.count * units.len, grad_input.len())?;
            let work = grad_output.len() + grad_input.len();
            let per = units_per_part(units, work, item_units(shape, layout, units));
            if per == 0 {
                return crate::$op(grad_output, shape, layout, $($param,)+ grad_input);
            }
            each_piece(grad_input.chunks_mut(per * units.len), |k, piece| {
                part::$op(grad_output, shape, layout, $($param,)+ k * per, piece)
            })
        }
    };
}

map_parallel_backward!(interpolate_backward, interpolate_backward_units(options: &InterpolateOptions));
map_parallel_backward!(pixel_shuffle_backward, pixel_shuffle_backward_units(upscale_factor: usize));
map_parallel_backward!(pixel_unshuffle_backward, pixel_unshuffle_backward_units(downscale_factor: usize));
map_parallel_backward!(avg_unpool_backward, avg_unpool_backward_units(options: &UnpoolOptions<'_>));

/// [`max_pool_backward`](crate::max_pool_backward) split over the current
/// rayon pool (see the [module docs](crate::parallel)).
///
/// # Errors
/// As [`max_pool_backward`](crate::max_pool_backward)'s: the whole call's
/// indices are checked before anything is written.
pub fn max_pool_backward(
    grad_output: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    g.check_backward_buffers(grad_output, indices, grad_input)?;
    let units = part::max_pool_backward_units(shape, layout, options)?;
    let per = units_per_part(units, 3 * grad_output.len() + grad_input.len(), 1);
    if per == 0 {
        crate::pool::route(&g, grad_output, indices, grad_input);
        return Ok(());
    }
    each_piece(grad_input.chunks_mut(per * units.len), |k, piece| {
        part::max_pool_backward(grad_output, indices, shape, layout, options, k * per, piece)
    })
}

/// [`max_unpool_backward`](crate::max_unpool_backward) split over the
/// current rayon pool (see the [module docs](crate::parallel)).
///
/// # Errors
/// As [`max_unpool_backward`](crate::max_unpool_backward)'s: the whole
/// call's indices are checked before anything is written.
pub fn max_unpool_backward(
    grad_output: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let g = UnpoolGeometry::new(shape, layout, options, "max_unpool")?;
    g.output.check_len(Buffer::GradOutput, grad_output.len())?;
    g.input.check_len(Buffer::GradInput, grad_input.len())?;
    g.check_indices(indices)?;
    let units = part::max_unpool_backward_units(shape, layout, options)?;
    let per = units_per_part(units, grad_output.len() + 3 * grad_input.len(), 1);
    if per == 0 {
        crate::unpool::gather(&g, grad_output, indices, grad_input);
        return Ok(());
    }
    each_piece(grad_input.chunks_mut(per * units.len), |k, piece| {
        part::max_unpool_backward(grad_output, indices, shape, layout, options, k * per, piece)
    })
}

/// What a task of [`conv_transpose_backward`] computes: the weight and
/// bias gradients, or a part of the input gradient from a batch item on.
enum ConvTask<'a> {
    Parameters(Option<&'a mut [f32]>, Option<&'a mut [f32]>),
    Input(usize, &'a mut [f32]),
}

/// [`conv_transpose_backward`](crate::conv_transpose_backward) split over
/// the current rayon pool (see the [module docs](crate::parallel)): the input
/// gradient in parts of batch items, the weight and bias gradients as one
/// more task. `scratch` serves the first task; the others allocate their
/// own.
///
/// # Errors
/// As [`conv_transpose_backward`](crate::conv_transpose_backward)'s.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose_backward(
    grad_output: &[f32],
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    weight: &[f32],
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
    gradients: ConvTransposeGradients<'_>,
    scratch: &mut [f32],
) -> Result<(), Error> {
    let g = crate::geometry::conv_transpose_backward::check(
        grad_output,
        input,
        shape,
        layout,
        weight,
        weight_shape,
        options,
        &gradients,
    )?;
    let needed = crate::conv_transpose_backward_scratch_len(shape, layout, weight_shape, options)?;
    check_len(Buffer::Scratch, needed, scratch.len().min(needed))?;
    let units = part::conv_transpose_backward_input_units(shape, layout, weight_shape, options)?;
    // Multiply-adds of one gradient: every input element meets every
    // weight of its group's output channels once.
    let work = (input.len() / g.input.c.max(1)).saturating_mul(weight.len());
    let mut tasks: Vec<ConvTask<'_>> = Vec::new();
    if work >= 2 * MIN_PART {
        let ConvTransposeGradients {
            input: grad_input,
            weight: grad_weight,
            bias: grad_bias,
        } = gradients;
        if grad_weight.is_some() || grad_bias.is_some() {
            tasks.push(ConvTask::Parameters(grad_weight, grad_bias));
        }
        if let Some(grad_input) = grad_input {
            let per = match units_per_part(units, work, 1) {
                0 => units.count,
                per => per,
            };
            let parts = grad_input.chunks_mut(per * units.len).enumerate();
            tasks.extend(parts.map(|(k, piece)| ConvTask::Input(k * per, piece)));
        }
    } else {
        return crate::conv_transpose_backward(
            grad_output,
            input,
            shape,
            layout,
            weight,
            weight_shape,
            options,
            gradients,
            scratch,
        );
    }
    // The first task takes the caller's scratch; the others their own.
    let mut scratch = Some(scratch);
    let tasks = tasks.into_iter().map(|task| (task, scratch.take()));
    each_piece(tasks, |_, (task, given)| {
        let mut own = Vec::new();
        let scratch = given_or_own(given, &mut own, needed);
        match task {
            ConvTask::Parameters(grad_weight, grad_bias) => {
                let gradients = ConvTransposeGradients {
                    input: None,
                    weight: grad_weight,
                    bias: grad_bias,
                };
                crate::conv_transpose_backward(
                    grad_output,
                    input,
                    shape,
                    layout,
                    weight,
                    weight_shape,
                    options,
                    gradients,
                    scratch,
                )
            }
            ConvTask::Input(first, piece) => part::conv_transpose_backward_input(
                grad_output,
                shape,
                layout,
                weight,
                weight_shape,
                options,
                first,
                piece,
                scratch,
            ),
        }
    })
}
