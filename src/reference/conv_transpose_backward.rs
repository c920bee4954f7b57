//! Reference backward of the transposed convolution, after ATen's
//! `slow_conv_transpose2d_backward_out_cpu_template` and
//! `slow_conv_transpose2d_acc_grad_parameters_cpu`
//! (`aten/src/ATen/native/NaiveConvolutionTranspose2d.cpp`; the 3-d file
//! is the same with one more axis). Per batch element ATen unfolds
//! `grad_output` with `im2col` into `columns[(co, t), i]` (the output
//! position `o = i*stride + t*dilation - padding` that input position `i`
//! reaches through tap `t`, zero outside) and then
//!
//! ```text
//! grad_input[ci, i]      = sum over (co, t): weight[ci, (co, t)] * columns[(co, t), i]   (gemm)
//! grad_weight[ci, (co, t)] += sum over i:     input[ci, i] * columns[(co, t), i]        (gemm, per batch element)
//! grad_bias[co]          += sum over o:       grad_output[co, o]                        (gemv with ones)
//! ```
//!
//! Groups are ATen's `_convolution` calling that kernel once per group;
//! here a group's channels index the same sums. The loops below write those
//! sums directly, in ATen's order (batch element outermost; `co` then `t`),
//! without the `columns` buffer.

use super::conv_transpose::each_tap;
use crate::geometry::conv_transpose_backward::{
    BackwardOperands, ConvTransposeGradients, conv_transpose_backward_entry_point,
};
use crate::layout::for_each_point;

conv_transpose_backward_entry_point! {
/// Reference twin of [`crate::conv_transpose_backward`] (same signature;
/// `scratch` is not used).
///
/// ```
/// use upsample::{reference, ConvTransposeGradients, ConvTransposeOptions, Layout};
/// let mut grad_bias = [0.0; 2];
/// let grads = ConvTransposeGradients { bias: Some(&mut grad_bias), ..Default::default() };
/// // (1, 1, 1) input, (1, 2, 1) kernel: output (1, 2, 1).
/// reference::conv_transpose_backward(&[3.0, 4.0], &[1.0], &[1, 1, 1], Layout::ChannelsFirst,
///     &[1.0, 1.0], &[1, 2, 1], &ConvTransposeOptions::new(), grads, &mut [])?;
/// assert_eq!(grad_bias, [3.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::conv_transpose_backward`] but for the scratch.
pub fn conv_transpose_backward = |operands, gradients, _scratch: &mut [f32]| {
    backward(operands, gradients);
    Ok(())
}
}

/// [`conv_transpose_backward`] on a checked call (also the fast path's
/// fallback for strides, paddings or dilations past its `usize` arithmetic).
pub(crate) fn backward(operands: BackwardOperands<'_>, gradients: ConvTransposeGradients<'_>) {
    let g = operands.g;
    let (i, o) = (g.input, g.output);
    let grad_output = operands.grad_output;
    if let Some(grad_input) = gradients.input {
        // slow_conv_transpose2d_backward_out_cpu_template: per batch
        // element, weight^T times the unfolded grad_output.
        for n in 0..i.n {
            for ci in 0..i.c {
                for_each_point(i.spatial, |ip| {
                    let mut sum = 0.0f32;
                    each_tap(g, ci, ip, |co, op, w| {
                        sum += operands.weight[w] * grad_output[o.offset(n, co, op)];
                    });
                    grad_input[i.offset(n, ci, ip)] = sum;
                });
            }
        }
    }
    if let Some(grad_weight) = gradients.weight {
        // slow_conv_transpose2d_acc_grad_parameters_cpu: per batch element,
        // the input times the unfolded grad_output, added to grad_weight.
        grad_weight.fill(0.0);
        for n in 0..i.n {
            for ci in 0..i.c {
                for_each_point(i.spatial, |ip| {
                    let x = operands.input[i.offset(n, ci, ip)];
                    each_tap(g, ci, ip, |co, op, w| {
                        grad_weight[w] += x * grad_output[o.offset(n, co, op)];
                    });
                });
            }
        }
    }
    if let Some(grad_bias) = gradients.bias {
        // The same function's gemv of each batch element's grad_output
        // with a vector of ones.
        grad_bias.fill(0.0);
        for n in 0..o.n {
            for (co, b) in grad_bias.iter_mut().enumerate() {
                for_each_point(o.spatial, |op| *b += grad_output[o.offset(n, co, op)]);
            }
        }
    }
}
