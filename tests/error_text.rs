//! The text each error prints, made by real calls: one message per error,
//! the parameter's own name, and every axis counted in the logical shape
//! (0 = N, 1 = C, 2 = the first spatial axis).

use upsample::{
    ConvTransposeOptions, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions, ResizeMode,
    ResizeOptions, UnpoolOptions, conv_transpose, conv_transpose_output_shape,
    interpolate_output_shape, max_pool_output_shape, pixel_shuffle_output_shape,
    pixel_unshuffle_output_shape, resize_output_shape, unpool_output_shape,
};

const CF: Layout = Layout::ChannelsFirst;

/// The message of a call that must fail.
fn text<T: core::fmt::Debug>(r: Result<T, upsample::Error>) -> String {
    r.expect_err("the call must fail").to_string()
}

/// The message of `conv_transpose_output_shape`'s error on these arguments.
fn conv_text(input: &[usize], weight: &[usize], opts: &ConvTransposeOptions<'_>) -> String {
    text(conv_transpose_output_shape(input, weight, opts))
}

#[test]
fn weight_channels_differ_from_input_channels() {
    let opts = ConvTransposeOptions::new();
    assert_eq!(
        conv_text(&[1, 64, 8, 8], &[32, 8, 3, 3], &opts),
        "input has 64 channels but the weight (C_in, C_out / groups, k...) expects C_in = 32"
    );
}

#[test]
fn scalar_parameters_are_named_without_an_axis() {
    let opts = ConvTransposeOptions::new().with_groups(0);
    assert_eq!(
        conv_text(&[1, 4, 3, 3], &[4, 2, 3, 3], &opts),
        "groups = 0: must be greater than zero"
    );
    assert_eq!(
        conv_text(
            &[1, 4, 3, 3],
            &[4, 2, 3, 3],
            &ConvTransposeOptions::new().with_groups(3)
        ),
        "input channels by groups: 4 is not divisible by 3"
    );
    assert_eq!(
        text(pixel_shuffle_output_shape(&[1, 4, 2, 2], 0)),
        "upscale_factor = 0: must be greater than zero"
    );
    assert_eq!(
        text(pixel_unshuffle_output_shape(&[1, 4, 2, 2], 0)),
        "downscale_factor = 0: must be greater than zero"
    );
    let opts = ResizeOptions::scales(ResizeMode::Linear, &[2.0]).with_axes(&[-5]);
    assert_eq!(
        text(resize_output_shape(&[1, 4, 2, 2], &opts)),
        "axis -5 is outside a 4-d shape: axes are -4 to 3"
    );
}

#[test]
fn per_axis_parameters_name_their_axis_of_the_shape() {
    // kernel_size [2, 0]: the second spatial axis, W, is axis 3.
    assert_eq!(
        text(max_pool_output_shape(
            &[1, 1, 4, 4],
            &MaxPoolOptions::new(&[2, 0])
        )),
        "kernel_size = 0 on axis 3 of (N, C, spatial...): must be greater than zero"
    );
    assert_eq!(
        text(max_pool_output_shape(
            &[1, 1, 4, 4],
            &MaxPoolOptions::new(&[3]).with_padding(&[2])
        )),
        "padding 2 on axis 2 of (N, C, spatial...) must be at most half the kernel size (1)"
    );
    assert_eq!(
        text(interpolate_output_shape(
            &[1, 1, 2, 2],
            &InterpolateOptions::scale_factor(InterpolateMode::Bilinear, [2.0, -1.0])
        )),
        "scale_factor -1 on axis 3 of (N, C, spatial...) must be finite and greater than zero"
    );
    assert_eq!(
        text(interpolate_output_shape(
            &[1, 1, 5],
            &InterpolateOptions::scale_factor(InterpolateMode::Nearest, [0.1])
        )),
        "output size 0 on axis 2 of (N, C, spatial...) is too small: it must be at least 1"
    );
    assert_eq!(
        text(unpool_output_shape(
            &[1, 1, 2, 2],
            &UnpoolOptions::new(&[2]).with_output_size(&[4, 6])
        )),
        "output_size 6 on axis 3 of (N, C, spatial...) must be between 3 and 5"
    );
    assert_eq!(
        conv_text(
            &[1, 4, 3, 3],
            &[4, 2, 3, 3],
            &ConvTransposeOptions::new()
                .with_stride(&[2])
                .with_output_padding(&[0, 2])
        ),
        "output_padding 2 on axis 3 of (N, C, spatial...) must be smaller than either stride (2) or dilation (1)"
    );
}

#[test]
fn zero_sizes_name_the_axis_of_their_own_shape() {
    assert_eq!(
        text(max_pool_output_shape(
            &[1, 1, 0, 4],
            &MaxPoolOptions::new(&[2])
        )),
        "input shape has size 0 on axis 2 of (N, C, spatial...): every size must be at least 1"
    );
    assert_eq!(
        conv_text(&[1, 4, 3, 3], &[4, 0, 3, 3], &ConvTransposeOptions::new()),
        "weight shape has size 0 on axis 1 of (C_in, C_out / groups, k...): every size must be at least 1"
    );
}

#[test]
fn buffer_lengths_say_exactly_or_at_least() {
    let (shape, wshape) = ([1, 16, 4, 4], [16, 16, 3, 3]);
    let opts = ConvTransposeOptions::new();
    let out_len = conv_transpose_output_shape(&shape, &wshape, &opts)
        .unwrap()
        .numel();
    let (x, w) = (vec![0.0; 16 * 16], vec![0.0; 16 * 16 * 9]);
    let mut out = vec![0.0; out_len];
    let mut scratch = [0.0; 3];
    assert_eq!(
        text(conv_transpose(
            &x,
            &shape,
            CF,
            &w,
            &wshape,
            None,
            &opts,
            &mut out,
            &mut scratch
        )),
        format!(
            "scratch has 3 elements but this call needs at least {}",
            upsample::conv_transpose_scratch_len(&shape, CF, &wshape, &opts).unwrap()
        )
    );
    assert_eq!(
        text(conv_transpose(
            &x,
            &shape,
            CF,
            &w,
            &wshape,
            Some(&[0.0; 3]),
            &opts,
            &mut out,
            &mut []
        )),
        "bias has 3 elements but needs 16, one per output channel"
    );
    assert_eq!(
        text(conv_transpose(
            &x[1..],
            &shape,
            CF,
            &w,
            &wshape,
            None,
            &opts,
            &mut out,
            &mut []
        )),
        "input has 255 elements but its shape needs 256"
    );
}

#[test]
fn gradient_buffers_are_named_as_the_backward_ops_name_them() {
    let mut grad_input = [0.0; 4];
    let e = upsample::pixel_shuffle_backward(&[0.0; 3], &[1, 4, 1, 1], CF, 2, &mut grad_input);
    assert_eq!(text(e), "grad_output has 3 elements but its shape needs 4");
    let e = upsample::pixel_shuffle_backward(&[0.0; 4], &[1, 4, 1, 1], CF, 2, &mut grad_input[..2]);
    assert_eq!(text(e), "grad_input has 2 elements but its shape needs 4");
}
