//! `conv_transpose` 1/2/3-d against the reference, within 1e-4 absolute +
//! 1e-4 relative, inputs, weights and biases in [-1, 1].
//!
//! Each case also checks `conv_transpose_backward`'s three gradients (one
//! call each) against the reference, with a grad_output from the data,
//! within `4 (K + 1) 2^-24 M` absolute + 1e-4 relative: `K` products per
//! element, `M` the largest sum of their magnitudes (the reference on
//! absolute values), as derived in `tests/conv_transpose_backward.rs`.
//!
//! Bytes: twist, layout, rank, groups, channels, shape, kernel, stride,
//! padding, dilation, output_padding, bias or not, then the data.

use upsample::{ConvTransposeGradients, ConvTransposeOptions, Layout, reference};

use crate::{Bytes, CONV, Tolerance, Twist, check_single, numel, smooth_values};

const MAX_ELEMENTS: usize = 16384;
/// The most multiply-adds a case may take.
const MAX_WORK: usize = 1 << 20;

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    twist: Twist,
    shape: &'a [usize],
    layout: Layout,
    weight_shape: &'a [usize],
    bias: bool,
    options: ConvTransposeOptions<'a>,
    scratch_len: usize,
    output_len: usize,
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let twist = b.twist();
    let layout = b.layout();
    let rank = b.range(1, 3);
    let groups = b.range(1, 3);
    let in_per_group = b.range(1, 3);
    let out_per_group = b.extent(12);
    let max_spatial = [0, 32, 12, 6][rank];
    let max_kernel = [0, 5, 4, 3][rank];
    let mut shape = vec![b.range(1, 2), groups * in_per_group];
    for _ in 0..rank {
        shape.push(b.extent(max_spatial));
    }
    b.twist_shape(twist, &mut shape);
    let mut weight_shape = vec![groups * in_per_group, out_per_group];
    for _ in 0..rank {
        weight_shape.push(b.range(1, max_kernel));
    }
    let bad = |b: &mut Bytes<'_>| twist == Twist::Parameter && b.below(4) == 0;
    if twist == Twist::Parameter && b.flag() {
        // Weight channels that do not match the input's, or a zero axis.
        let axis = b.below(weight_shape.len());
        weight_shape[axis] = if b.flag() { 0 } else { weight_shape[axis] + 1 };
    }
    let stride = b.list(twist, rank, |b| if bad(b) { 0 } else { b.range(1, 3) });
    let padding = b.list(twist, rank, |b| b.range(0, 3));
    let dilation = b.list(twist, rank, |b| if bad(b) { 0 } else { b.range(1, 3) });
    // output_padding must be smaller than stride or dilation (of its axis).
    let mut axis = 0;
    let output_padding = b.list(twist, rank, |b| {
        let pick = |list: &[usize]| match list.len() {
            0 => 1,
            1 => list[0],
            n => list[axis.min(n - 1)],
        };
        let limit = pick(&stride).max(pick(&dilation));
        axis += 1;
        if bad(b) {
            limit
        } else {
            b.range(0, limit.saturating_sub(1))
        }
    });
    let groups = if twist == Twist::Parameter && b.below(4) == 0 {
        b.pick(&[0, groups + 1])
    } else {
        groups
    };
    let options = ConvTransposeOptions::new()
        .with_stride(&stride)
        .with_padding(&padding)
        .with_dilation(&dilation)
        .with_output_padding(&output_padding)
        .with_groups(groups);
    let with_bias = b.flag();

    let (Some(input_len), Some(weight_len)) = (numel(&shape), numel(&weight_shape)) else {
        return;
    };
    let output_len = match upsample::conv_transpose_output_shape(&shape, &weight_shape, &options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    let kernel_volume: usize = weight_shape.iter().skip(2).product();
    let work = input_len
        .saturating_mul(out_per_group)
        .saturating_mul(kernel_volume);
    if input_len > MAX_ELEMENTS || output_len > MAX_ELEMENTS || work > MAX_WORK {
        return;
    }
    // Always at least what conv_transpose_scratch_len asks for (the reference
    // needs none, so a short scratch is not a comparable error), sometimes more.
    let scratch_len = upsample::conv_transpose_scratch_len(&shape, layout, &weight_shape, &options)
        .unwrap_or(0)
        + b.below(3) * 7;
    let bias_len = weight_shape[1] * groups.max(1);
    let input_len = twist.length(Twist::InputLength, input_len, &mut b);
    let (weight_len, bias_len) = if twist == Twist::InputLength && b.flag() {
        (
            weight_len,
            twist.length(Twist::InputLength, bias_len, &mut b),
        )
    } else {
        (weight_len, bias_len)
    };
    let output_len = twist.length(Twist::OutputLength, output_len, &mut b);
    let data = smooth_values(
        b.rest(),
        input_len + weight_len + bias_len + output_len,
        false,
    );
    let (input, rest) = data.split_at(input_len);
    let (weight, rest) = rest.split_at(weight_len);
    let (bias, grad_output) = rest.split_at(bias_len);
    let bias = with_bias.then_some(bias);
    let case = Case {
        twist,
        shape: &shape,
        layout,
        weight_shape: &weight_shape,
        bias: with_bias,
        options,
        scratch_len,
        output_len,
    };
    let (mut scratch_a, mut scratch_b) = (vec![0.0; scratch_len], vec![0.0; scratch_len]);
    check_single(
        "conv_transpose",
        &case,
        output_len,
        CONV,
        |out| {
            upsample::conv_transpose(
                input,
                &shape,
                layout,
                weight,
                &weight_shape,
                bias,
                &options,
                out,
                &mut scratch_a,
            )
        },
        |out| {
            reference::conv_transpose(
                input,
                &shape,
                layout,
                weight,
                &weight_shape,
                bias,
                &options,
                out,
                &mut scratch_b,
            )
        },
    );
    backward(&case, input, weight, grad_output);
}

/// The backward of the case: each gradient alone, fast path against the
/// reference.
fn backward(case: &Case<'_>, input: &[f32], weight: &[f32], grad_output: &[f32]) {
    let (shape, layout, weight_shape, options) =
        (case.shape, case.layout, case.weight_shape, &case.options);
    let scratch_len =
        upsample::conv_transpose_backward_scratch_len(shape, layout, weight_shape, options)
            .unwrap_or(0)
            + case.scratch_len % 7;
    let batch = shape.first().copied().unwrap_or(1);
    let out_per_group = weight_shape.get(1).copied().unwrap_or(1);
    let lens = [
        input.len(),
        weight.len(),
        out_per_group * options.groups.max(1),
    ];
    let kernel_volume: usize = weight_shape.iter().skip(2).product();
    let input_plane: usize = shape.iter().skip(2).product();
    let output_plane = case.output_len / (lens[2] * batch).max(1);
    let terms = [
        out_per_group.saturating_mul(kernel_volume),
        batch.saturating_mul(input_plane),
        batch.saturating_mul(output_plane),
    ];
    fn pick(k: usize, out: &mut [f32]) -> ConvTransposeGradients<'_> {
        let mut g = ConvTransposeGradients::default();
        match k {
            0 => g.input = Some(out),
            1 => g.weight = Some(out),
            _ => g.bias = Some(out),
        }
        g
    }
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    let (input_abs, weight_abs, grad_abs) = (abs(input), abs(weight), abs(grad_output));
    for (k, (len, terms)) in lens.into_iter().zip(terms).enumerate() {
        let mut magnitude = vec![0.0f32; len];
        let largest = match reference::conv_transpose_backward(
            &grad_abs,
            &input_abs,
            shape,
            layout,
            &weight_abs,
            weight_shape,
            options,
            pick(k, &mut magnitude),
            &mut [],
        ) {
            Ok(()) => magnitude
                .iter()
                .filter(|m| m.is_finite())
                .fold(0.0f32, |a, &m| a.max(m)),
            Err(_) => 0.0,
        };
        let tolerance = Tolerance::Close {
            atol: 1e-4f64.max(4.0 * (terms + 1) as f64 * f64::from(largest) / (1u64 << 24) as f64),
            rtol: 1e-4,
        };
        let (mut scratch_a, mut scratch_b) = (vec![0.0; scratch_len], vec![0.0; scratch_len]);
        check_single(
            [
                "conv_transpose_backward input",
                "conv_transpose_backward weight",
                "conv_transpose_backward bias",
            ][k],
            case,
            len,
            tolerance,
            |out| {
                upsample::conv_transpose_backward(
                    grad_output,
                    input,
                    shape,
                    layout,
                    weight,
                    weight_shape,
                    options,
                    pick(k, out),
                    &mut scratch_a,
                )
            },
            |out| {
                reference::conv_transpose_backward(
                    grad_output,
                    input,
                    shape,
                    layout,
                    weight,
                    weight_shape,
                    options,
                    pick(k, out),
                    &mut scratch_b,
                )
            },
        );
    }
}
