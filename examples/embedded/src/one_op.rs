//! One op, picked by a cargo feature (`op-interpolate`, `op-conv_transpose`,
//! ..., `op-interpolate_backward`, ...), called with every argument but the op (and interpolate's mode,
//! bilinear; resize's, linear) hidden from the optimiser, so that a binary calling only this
//! links what any call of the op can need. Shared by `bin/one_op.rs` (the
//! firmware) and `examples/web/one-op` (a wasm module); `scripts/sizes.sh`
//! builds each op with LTO and reports its size.

use core::hint::black_box;
#[allow(unused_imports)] // each feature uses some
use upsample::{
    ConvTransposeOptions, Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions,
};

/// The arguments, all opaque; each op reads those it takes.
#[allow(dead_code)] // each op reads some
pub struct Args<'a> {
    pub input: &'a [f32],
    pub shape: &'a [usize],
    pub layout: Layout,
    /// interpolate's size; the window of pooling and unpooling; the
    /// stride of conv_transpose; the shuffle factor (first value).
    pub sizes: &'a [usize],
    pub weight: &'a [f32],
    pub weight_shape: &'a [usize],
    pub output: &'a mut [f32],
    pub scratch: &'a mut [f32],
    pub indices: &'a mut [i64],
}

#[allow(unused_variables, unreachable_code)]
pub fn call(a: Args<'_>) -> Result<(), Error> {
    let a = black_box(a);
    #[cfg(feature = "op-interpolate")]
    return upsample::interpolate(
        a.input,
        a.shape,
        a.layout,
        &InterpolateOptions::size(InterpolateMode::Bilinear, a.sizes),
        a.output,
    );
    #[cfg(feature = "op-conv_transpose")]
    return upsample::conv_transpose(
        a.input,
        a.shape,
        a.layout,
        a.weight,
        a.weight_shape,
        None,
        &ConvTransposeOptions::new().with_stride(a.sizes),
        a.output,
        a.scratch,
    );
    #[cfg(feature = "op-pixel_shuffle")]
    return upsample::pixel_shuffle(a.input, a.shape, a.layout, a.sizes[0], a.output);
    #[cfg(feature = "op-pixel_unshuffle")]
    return upsample::pixel_unshuffle(a.input, a.shape, a.layout, a.sizes[0], a.output);
    #[cfg(feature = "op-max_pool")]
    return upsample::max_pool(
        a.input,
        a.shape,
        a.layout,
        &MaxPoolOptions::new(a.sizes),
        a.output,
        a.indices,
    );
    #[cfg(feature = "op-max_unpool")]
    return upsample::max_unpool(
        a.input,
        a.indices,
        a.shape,
        a.layout,
        &UnpoolOptions::new(a.sizes),
        a.output,
    );
    #[cfg(feature = "op-avg_unpool")]
    return upsample::avg_unpool(
        a.input,
        a.shape,
        a.layout,
        &UnpoolOptions::new(a.sizes),
        a.output,
    );
    #[cfg(feature = "op-resize")]
    return upsample::resize(
        a.input,
        a.shape,
        a.layout,
        &upsample::ResizeOptions::sizes(upsample::ResizeMode::Linear, a.sizes),
        a.output,
    );
    #[cfg(feature = "op-depth_to_space")]
    return upsample::depth_to_space(
        a.input,
        a.shape,
        a.layout,
        a.sizes[0],
        black_box(upsample::BlockMode::Dcr),
        a.output,
    );
    #[cfg(feature = "op-space_to_depth")]
    return upsample::space_to_depth(
        a.input,
        a.shape,
        a.layout,
        a.sizes[0],
        black_box(upsample::BlockMode::Dcr),
        a.output,
    );
    #[cfg(feature = "op-interpolate_backward")]
    return upsample::interpolate_backward(
        a.input,
        a.shape,
        a.layout,
        &InterpolateOptions::size(InterpolateMode::Bilinear, a.sizes),
        a.output,
    );
    #[cfg(feature = "op-conv_transpose_backward")]
    return {
        // Every gradient asked for, so that all three are linked.
        let (grad_input, rest) = a.output.split_at_mut(a.output.len() / 3);
        let (grad_weight, grad_bias) = rest.split_at_mut(rest.len() / 2);
        upsample::conv_transpose_backward(
            a.input,
            a.input,
            a.shape,
            a.layout,
            a.weight,
            a.weight_shape,
            &ConvTransposeOptions::new().with_stride(a.sizes),
            upsample::ConvTransposeGradients {
                input: Some(grad_input),
                weight: Some(grad_weight),
                bias: Some(grad_bias),
            },
            a.scratch,
        )
    };
    #[cfg(feature = "op-pixel_shuffle_backward")]
    return upsample::pixel_shuffle_backward(a.input, a.shape, a.layout, a.sizes[0], a.output);
    #[cfg(feature = "op-pixel_unshuffle_backward")]
    return upsample::pixel_unshuffle_backward(a.input, a.shape, a.layout, a.sizes[0], a.output);
    #[cfg(feature = "op-max_pool_backward")]
    return upsample::max_pool_backward(
        a.input,
        a.indices,
        a.shape,
        a.layout,
        &MaxPoolOptions::new(a.sizes),
        a.output,
    );
    #[cfg(feature = "op-max_unpool_backward")]
    return upsample::max_unpool_backward(
        a.input,
        a.indices,
        a.shape,
        a.layout,
        &UnpoolOptions::new(a.sizes),
        a.output,
    );
    #[cfg(feature = "op-avg_unpool_backward")]
    return upsample::avg_unpool_backward(
        a.input,
        a.shape,
        a.layout,
        &UnpoolOptions::new(a.sizes),
        a.output,
    );
    Ok(()) // no op feature: the baseline, the program without the crate
}
