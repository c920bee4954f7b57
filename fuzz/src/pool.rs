//! `max_pool`, `max_unpool` and `avg_unpool` against the reference.
//!
//! Bytes: twist, layout, op, rank, shape, kernel_size, stride, padding,
//! dilation and ceil_mode (max_pool), output_size (unpooling), index source
//! (max_unpool), then the data. max_pool (values and indices) and max_unpool
//! must agree bit for bit, avg_unpool (inputs in [-1, 1]) within atol 1e-5 +
//! rtol 1.3e-6.
//!
//! max_unpool's indices come either from a max_pool of a tensor of the
//! unpooled size (as in a network), or straight from the bytes (any index
//! in the plane, duplicates common: the later one must win; under a twist,
//! one out of range).
//!
//! Each op's backward runs on the same call: max_pool's with the reference's
//! indices (under a twist, one moved out of its plane), max_unpool's with
//! its indices, avg_unpool's; the output gradient is the remaining bytes
//! (special values included). Every one agrees bit for bit (any NaN matching
//! any NaN: a sum of two NaNs may keep either).

use upsample::{Layout, MaxPoolOptions, UnpoolOptions, reference};

use crate::{
    Bytes, Guarded, PUBLIC_SENTINEL, REFERENCE_SENTINEL, SMOOTH, Tolerance, Twist, assert_agree,
    assert_same_indices, check_backward, check_single, copy_values, fill, numel, same_outcome,
    smooth_values,
};

const MAX_ELEMENTS: usize = 16384;

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    twist: Twist,
    op: &'static str,
    shape: &'a [usize],
    layout: Layout,
    kernel_size: &'a [usize],
    stride: &'a [usize],
    padding: &'a [usize],
    dilation: &'a [usize],
    ceil_mode: bool,
    output_size: Option<&'a [usize]>,
    indices_len: Option<usize>,
    input_len: usize,
    output_len: usize,
}

/// `list[axis]`, or `list[0]` for a one-value list (what the op does).
fn per_axis(list: &[usize], axis: usize) -> usize {
    match list.len() {
        0 => 1,
        1 => list[0],
        n => list[axis.min(n - 1)],
    }
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let twist = b.twist();
    let layout = b.layout();
    let op = b.below(3);
    let rank = b.range(1, 3);
    let max_spatial = [0, 40, 16, 8][rank];
    let shape = b.shape(twist, rank, 18, max_spatial);
    let bad = |b: &mut Bytes<'_>| twist == Twist::Parameter && b.below(4) == 0;
    let kernel_size = b.list(twist, rank, |b| if bad(b) { 0 } else { b.range(1, 4) });
    let stride = if b.flag() {
        Vec::new() // stride = kernel_size
    } else {
        b.list(twist, rank, |b| if bad(b) { 0 } else { b.range(1, 4) })
    };
    let mut axis = 0;
    let padding = b.list(twist, rank, |b| {
        let half = per_axis(&kernel_size, axis) / 2;
        axis += 1;
        if bad(b) { half + 1 } else { b.range(0, half) }
    });
    match op {
        0 => {
            let dilation = b.list(twist, rank, |b| if bad(b) { 0 } else { b.range(1, 3) });
            let ceil_mode = b.flag();
            let options = MaxPoolOptions::new(&kernel_size)
                .with_stride(&stride)
                .with_padding(&padding)
                .with_dilation(&dilation)
                .with_ceil_mode(ceil_mode);
            max_pool(&mut b, twist, &shape, layout, &options);
        }
        _ => {
            let mut options = UnpoolOptions::new(&kernel_size)
                .with_stride(&stride)
                .with_padding(&padding);
            let from_pool = op == 1 && b.flag();
            let mut output_size = Vec::new();
            if from_pool {
                // Indices from pooling a tensor of the requested output size:
                // pool `shape`, unpool back to it.
                let pool_options = MaxPoolOptions::new(&kernel_size)
                    .with_stride(&stride)
                    .with_padding(&padding);
                let Ok(pooled) = upsample::max_pool_output_shape(&shape, &pool_options) else {
                    return;
                };
                let (Some(n_in), n_out) = (numel(&shape), pooled.numel()) else {
                    return;
                };
                if n_in > MAX_ELEMENTS {
                    return;
                }
                let x = copy_values(b.rest(), n_in);
                let (mut values, mut indices) = (vec![0.0; n_out], vec![0i64; n_out]);
                if reference::max_pool(&x, &shape, layout, &pool_options, &mut values, &mut indices)
                    .is_err()
                {
                    return;
                }
                output_size = shape[2..].to_vec();
                options = options.with_output_size(&output_size);
                let pooled = pooled.to_vec();
                max_unpool(&mut b, twist, &pooled, layout, &options, values, indices);
                return;
            }
            if b.flag() {
                // An explicit output_size within `stride` of the default
                // (outside it under a twist), spatial or full (N, C, ...).
                let default = upsample::unpool_output_shape(&shape, &options);
                if let Ok(default) = default {
                    if b.flag() {
                        output_size.extend_from_slice(&shape[..2]);
                    }
                    for a in 0..default.len() - 2 {
                        let s = per_axis(
                            if stride.is_empty() {
                                &kernel_size
                            } else {
                                &stride
                            },
                            a,
                        );
                        let d = default[2 + a] as i64;
                        let delta = if bad(&mut b) {
                            if b.flag() { s as i64 } else { -(s as i64) }
                        } else {
                            b.range(0, 2 * (s - 1).min(100)) as i64 - (s - 1).min(100) as i64
                        };
                        output_size.push((d + delta).max(0) as usize);
                    }
                    options = options.with_output_size(&output_size);
                }
            }
            if op == 1 {
                let Some(n_in) = numel(&shape) else {
                    return;
                };
                if n_in > MAX_ELEMENTS {
                    return;
                }
                // Any index within the output plane; a twist puts one outside.
                let plane = upsample::unpool_output_shape(&shape, &options)
                    .map_or(1, |s| s[2..].iter().product::<usize>());
                let mut indices: Vec<i64> = fill::<u32>(b.rest(), n_in)
                    .into_iter()
                    .map(|i| i64::from(i) % plane.max(1) as i64)
                    .collect();
                if twist == Twist::Parameter && !indices.is_empty() {
                    let at = b.below(256) % indices.len();
                    indices[at] = if b.flag() { plane as i64 } else { -1 };
                }
                let values = copy_values(b.rest().get(1..).unwrap_or(&[]), n_in);
                max_unpool(&mut b, twist, &shape, layout, &options, values, indices);
            } else {
                avg_unpool(&mut b, twist, &shape, layout, &options);
            }
        }
    }
}

fn max_pool(
    b: &mut Bytes<'_>,
    twist: Twist,
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
) {
    let Some(input_len) = numel(shape) else {
        return;
    };
    let output_len = match upsample::max_pool_output_shape(shape, options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    if input_len > MAX_ELEMENTS || output_len > MAX_ELEMENTS {
        return;
    }
    let input_len = twist.length(Twist::InputLength, input_len, b);
    let output_len = twist.length(Twist::OutputLength, output_len, b);
    // The indices slice is the one a twist makes wrong half of the time.
    let indices_len = if twist == Twist::OutputLength && b.flag() {
        output_len + 1
    } else {
        output_len
    };
    let input = copy_values(b.rest(), input_len);
    check_max_pool(
        &Case {
            twist,
            op: "max_pool",
            shape,
            layout,
            kernel_size: options.kernel_size,
            stride: options.stride,
            padding: options.padding,
            dilation: options.dilation,
            ceil_mode: options.ceil_mode,
            output_size: None,
            indices_len: Some(indices_len),
            input_len,
            output_len,
        },
        &input,
        shape,
        layout,
        options,
        output_len,
        indices_len,
    );
    // The backward, with the reference's indices of a well-formed call.
    let mut values = vec![0.0; output_len];
    let mut indices = vec![0i64; output_len];
    if reference::max_pool(&input, shape, layout, options, &mut values, &mut indices).is_err() {
        return;
    }
    if twist == Twist::Parameter && !indices.is_empty() {
        let at = b.below(256) % indices.len();
        indices[at] = if b.flag() { i64::MAX } else { -2 };
    }
    let grad_output = copy_values(b.rest().get(2..).unwrap_or(&[]), output_len);
    check_backward(
        "max_pool_backward",
        &(shape, layout, options, indices.len()),
        input_len,
        Tolerance::Exact,
        |out| upsample::max_pool_backward(&grad_output, &indices, shape, layout, options, out),
        |out| reference::max_pool_backward(&grad_output, &indices, shape, layout, options, out),
    );
}

/// Runs max_pool through the public entry point and the reference on
/// guarded value and index buffers and checks everything the crate docs list.
pub(crate) fn check_max_pool(
    case: &dyn core::fmt::Debug,
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    output_len: usize,
    indices_len: usize,
) {
    crate::print_case(case);
    let mut got = Guarded::new(output_len, PUBLIC_SENTINEL);
    let mut want = Guarded::new(output_len, REFERENCE_SENTINEL);
    let mut got_indices = Guarded::new(indices_len, i64::MIN);
    let mut want_indices = Guarded::new(indices_len, i64::MAX);
    let public = upsample::max_pool(
        input,
        shape,
        layout,
        options,
        got.body_mut(),
        got_indices.body_mut(),
    );
    let reference = reference::max_pool(
        input,
        shape,
        layout,
        options,
        want.body_mut(),
        want_indices.body_mut(),
    );
    got.assert_guards("max_pool values", case);
    want.assert_guards("max_pool values", case);
    got_indices.assert_guards("max_pool indices", case);
    want_indices.assert_guards("max_pool indices", case);
    match same_outcome("max_pool", public, reference, case) {
        Some(error) => {
            got.assert_untouched("max_pool values", &error, case);
            want.assert_untouched("max_pool values", &error, case);
            got_indices.assert_untouched("max_pool indices", &error, case);
            want_indices.assert_untouched("max_pool indices", &error, case);
        }
        None => {
            assert_agree(
                "max_pool values",
                got.body(),
                want.body(),
                Tolerance::Exact,
                case,
            );
            assert_same_indices("max_pool", got_indices.body(), want_indices.body(), case);
        }
    }
}

fn max_unpool(
    b: &mut Bytes<'_>,
    twist: Twist,
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    values: Vec<f32>,
    mut indices: Vec<i64>,
) {
    let output_len = match upsample::unpool_output_shape(shape, options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    if output_len > MAX_ELEMENTS {
        return;
    }
    let mut values = values;
    let input_len = twist.length(Twist::InputLength, values.len(), b);
    values.resize(input_len, 0.5);
    if twist == Twist::InputLength && b.flag() {
        // The indices slice instead.
        values.resize(indices.len(), 0.5);
        let len = if b.flag() {
            indices.len() + 1
        } else {
            indices.len().saturating_sub(1)
        };
        indices.resize(len, 0);
    }
    let output_len = twist.length(Twist::OutputLength, output_len, b);
    let case = Case {
        twist,
        op: "max_unpool",
        shape,
        layout,
        kernel_size: options.kernel_size,
        stride: options.stride,
        padding: options.padding,
        dilation: &[],
        ceil_mode: false,
        output_size: options.output_size,
        indices_len: Some(indices.len()),
        input_len,
        output_len,
    };
    check_single(
        "max_unpool",
        &case,
        output_len,
        Tolerance::Exact,
        |out| upsample::max_unpool(&values, &indices, shape, layout, options, out),
        |out| reference::max_unpool(&values, &indices, shape, layout, options, out),
    );
    let grad_output = copy_values(b.rest().get(3..).unwrap_or(&[]), output_len);
    check_backward(
        "max_unpool_backward",
        &case,
        input_len,
        Tolerance::Exact,
        |out| upsample::max_unpool_backward(&grad_output, &indices, shape, layout, options, out),
        |out| reference::max_unpool_backward(&grad_output, &indices, shape, layout, options, out),
    );
}

fn avg_unpool(
    b: &mut Bytes<'_>,
    twist: Twist,
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
) {
    let Some(input_len) = numel(shape) else {
        return;
    };
    let output_len = match upsample::unpool_output_shape(shape, options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    if input_len > MAX_ELEMENTS || output_len > MAX_ELEMENTS {
        return;
    }
    let input_len = twist.length(Twist::InputLength, input_len, b);
    let output_len = twist.length(Twist::OutputLength, output_len, b);
    let input = smooth_values(b.rest(), input_len, false);
    let case = Case {
        twist,
        op: "avg_unpool",
        shape,
        layout,
        kernel_size: options.kernel_size,
        stride: options.stride,
        padding: options.padding,
        dilation: &[],
        ceil_mode: false,
        output_size: options.output_size,
        indices_len: None,
        input_len,
        output_len,
    };
    check_single(
        "avg_unpool",
        &case,
        output_len,
        SMOOTH,
        |out| upsample::avg_unpool(&input, shape, layout, options, out),
        |out| reference::avg_unpool(&input, shape, layout, options, out),
    );
    let grad_output = copy_values(b.rest().get(3..).unwrap_or(&[]), output_len);
    check_backward(
        "avg_unpool_backward",
        &case,
        input_len,
        Tolerance::Exact,
        |out| upsample::avg_unpool_backward(&grad_output, shape, layout, options, out),
        |out| reference::avg_unpool_backward(&grad_output, shape, layout, options, out),
    );
}
