//! Every op with unconstrained shapes and options: dimensions, factors,
//! kernels, strides, paddings, dilations, output sizes and scale factors
//! drawn from edge values (0, 1, 2^31, 2^32, 2^63, `usize::MAX`, ±1 of
//! powers of two, NaN, infinities, ...) or raw bytes, parameter lists of any
//! length, shapes of any rank. No call may panic, and the public op and the
//! reference must still return the same variant (and, on success, agree).
//!
//! Buffers are sized so the call reaches validation: each slice gets the
//! exact length its shape needs when that is at most `MAX_ELEMENTS`, and a
//! few elements otherwise (then the op must fail, after validating the shape
//! and options: shapes are checked before buffer lengths). A valid case whose
//! expected work is above `MAX_WORK` gets an output one element short, so it
//! too stops at validation instead of running for long. The work estimate
//! counts only what the op must do (outputs times clipped window), so an
//! implementation that loops over a huge padding shows up as a libFuzzer
//! timeout.

use upsample::{
    ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions, reference,
};

use crate::{
    Bytes, CONV, SMOOTH, Tolerance, check_single, copy_values, fill, numel, smooth_values,
};

const MAX_ELEMENTS: usize = 1 << 14;
const MAX_WORK: u128 = 1 << 21;

/// Values at which size arithmetic overflows or wraps.
const EDGES: [u64; 32] = [
    0,
    1,
    2,
    3,
    4,
    7,
    255,
    65535,
    65536,
    65537,
    46341,         // ceil(sqrt(2^31))
    92682,         // ceil(sqrt(2^33))
    2_097_152,     // 2^21: cubed, 2^63
    3_037_000_500, // ceil(sqrt(2^63))
    (1 << 31) - 1,
    1 << 31,
    (1 << 32) - 1,
    1 << 32,
    (1 << 32) + 1,
    1 << 53,
    (1 << 53) + 1,
    1 << 62,
    (1 << 63) - 1,
    1 << 63,
    (1 << 63) + 1,
    u64::MAX / 3,
    u64::MAX / 2,
    u64::MAX - 1,
    u64::MAX,
    9_000_000_000_000_000,
    4_611_686_018_427_387_904, // 2^62
    6_148_914_691_236_517_205, // u64::MAX / 3
];

/// Scale factors at the edges of `f64` and of the output-size arithmetic.
const SCALE_EDGES: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    2.0,
    0.5,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -1.0,
    1e-300,
    1e300,
    f64::MIN_POSITIVE,
    5e-324,
    f64::MAX,
    9.0e15,
    8.999_999_999_999_999e15,
    9_007_199_254_740_992.0,      // 2^53
    18_446_744_073_709_551_616.0, // 2^64
    4_294_967_296.0,              // 2^32
    1e-10,
    1e10,
    65536.0,
    1.000_000_1,
    0.999_999_9,
];

fn wild(b: &mut Bytes<'_>) -> usize {
    let t = b.byte();
    let v = match t >> 6 {
        0 => u64::from(t & 0x3f) % 9,
        1 => EDGES[usize::from(t & 0x1f)],
        2 => b.u64(),
        _ => (1u64 << (t & 63))
            .wrapping_add(b.below(3) as u64)
            .wrapping_sub(1),
    };
    v as usize
}

/// A dimension: mostly small, sometimes wild.
fn dim(b: &mut Bytes<'_>) -> usize {
    let t = b.byte();
    if t < 128 {
        usize::from(t % 8) + 1
    } else {
        wild(b)
    }
}

fn shape(b: &mut Bytes<'_>) -> Vec<usize> {
    let len = [3, 4, 5, 3, 4, 5, 0, 1, 2, 6][b.below(10)];
    (0..len).map(|_| dim(b)).collect()
}

fn list(b: &mut Bytes<'_>, rank: usize) -> Vec<usize> {
    let len = match b.below(8) {
        0..=2 => 1,
        3..=5 => rank,
        6 => 0,
        _ => b.below(5),
    };
    (0..len).map(|_| dim(b)).collect()
}

fn scale(b: &mut Bytes<'_>) -> f64 {
    let t = b.byte();
    match t >> 6 {
        0 => f64::from(t & 0x3f) / 8.0,
        1 => SCALE_EDGES[usize::from(t & 0x3f) % SCALE_EDGES.len()],
        _ => f64::from_bits(b.u64()),
    }
}

/// `list[axis]` as the op expands it, or `default` when the list is empty.
fn axis_value(list: &[usize], axis: usize, default: usize) -> usize {
    match list.len() {
        0 => default,
        1 => list[0],
        n => list[axis.min(n - 1)],
    }
}

/// The length to give a slice that `exact` elements fit: `exact` when it is
/// known and small, else a few elements (the op must then fail).
fn buffer_len(b: &mut Bytes<'_>, exact: Option<usize>) -> usize {
    match exact {
        Some(n) if n <= MAX_ELEMENTS => n,
        _ => b.below(4),
    }
}

/// One short when the work is too much, so the op stops at validation.
fn budget(len: usize, work: u128) -> usize {
    match len {
        _ if work <= MAX_WORK => len,
        0 => 1,
        _ => len - 1,
    }
}

fn product(values: impl IntoIterator<Item = u128>) -> u128 {
    values
        .into_iter()
        .fold(1u128, |acc, v| acc.saturating_mul(v))
}

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    op: &'static str,
    shape: &'a [usize],
    layout: Layout,
    lists: [&'a [usize]; 5],
    scalars: [usize; 2],
    scale_factor: &'a [f64],
    lengths: [usize; 4],
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let op = b.below(7);
    let layout = b.layout();
    let shape = shape(&mut b);
    let rank = shape.len().saturating_sub(2).max(1);
    match op {
        0 => interpolate(&mut b, &shape, layout, rank),
        1 | 2 => pixel(&mut b, &shape, layout, op == 1),
        3 => max_pool(&mut b, &shape, layout, rank),
        4 | 5 => unpool(&mut b, &shape, layout, rank, op == 4),
        _ => conv_transpose(&mut b, &shape, layout, rank),
    }
}

fn interpolate(b: &mut Bytes<'_>, shape: &[usize], layout: Layout, rank: usize) {
    const MODES: [M; 8] = [
        M::Nearest,
        M::NearestExact,
        M::Linear,
        M::Bilinear,
        M::Bicubic,
        M::Trilinear,
        M::Area,
        M::Lanczos,
    ];
    let mode = b.pick(&MODES);
    let size = list(b, rank);
    let scale_count = list(b, rank).len();
    let scale_factor: Vec<f64> = (0..scale_count).map(|_| scale(b)).collect();
    let mut options = InterpolateOptions::new(mode);
    match b.below(4) {
        0 | 1 => options.size = Some((&size).into()),
        2 => options.scale_factor = Some((&scale_factor).into()),
        _ => {
            if b.flag() {
                options.size = Some((&size).into());
                options.scale_factor = Some((&scale_factor).into());
            }
        }
    }
    options.align_corners = b.pick(&[None, Some(false), Some(true)]);
    options.recompute_scale_factor = b.pick(&[None, Some(false), Some(true)]);
    options.antialias = b.flag();

    let helper = upsample::interpolate_output_shape(shape, &options);
    let input_len = buffer_len(b, numel(shape));
    let output_len = buffer_len(b, helper.as_ref().ok().map(|s| s.numel()));
    let work = match &helper {
        Ok(out) => {
            let taps = product((2..shape.len()).map(|a| {
                let (i, o) = (shape[a] as u128, out[a].max(1) as u128);
                (i.div_ceil(o) + 2) * 6
            }));
            (out.numel() as u128).saturating_mul(taps)
        }
        Err(_) => 0,
    };
    let output_len = budget(output_len, work);
    let (input, tolerance) = match mode {
        M::Nearest | M::NearestExact => (copy_values(b.rest(), input_len), Tolerance::Exact),
        _ => (smooth_values(b.rest(), input_len, true), SMOOTH),
    };
    let case = Case {
        op: "interpolate",
        shape,
        layout,
        lists: [&size, &[], &[], &[], &[]],
        scalars: [0, 0],
        scale_factor: &scale_factor,
        lengths: [input_len, output_len, 0, 0],
    };
    let mut ok = false;
    check_single(
        "interpolate",
        &case,
        output_len,
        tolerance,
        |out| {
            let r = upsample::interpolate(&input, shape, layout, &options, out);
            ok = r.is_ok();
            r
        },
        |out| reference::interpolate(&input, shape, layout, &options, out),
    );
    helper_agrees(&case, ok, helper.map(|s| s.numel()), output_len);
}

/// The output-shape helper fails whenever the op fails on the shape and
/// options, and gives the output length whenever the op succeeds.
fn helper_agrees(
    case: &dyn core::fmt::Debug,
    op_ok: bool,
    helper: Result<usize, upsample::Error>,
    output_len: usize,
) {
    if op_ok {
        assert_eq!(
            helper,
            Ok(output_len),
            "the op succeeded but its output-shape helper disagrees\n{case:#?}"
        );
    }
}

fn pixel(b: &mut Bytes<'_>, shape: &[usize], layout: Layout, shuffle: bool) {
    let factor = dim(b);
    let helper = if shuffle {
        upsample::pixel_shuffle_output_shape(shape, factor)
    } else {
        upsample::pixel_unshuffle_output_shape(shape, factor)
    };
    let input_len = buffer_len(b, numel(shape));
    let output_len = buffer_len(b, helper.as_ref().ok().map(|s| s.numel()));
    let input = copy_values(b.rest(), input_len);
    let what = if shuffle {
        "pixel_shuffle"
    } else {
        "pixel_unshuffle"
    };
    let case = Case {
        op: what,
        shape,
        layout,
        lists: [&[], &[], &[], &[], &[]],
        scalars: [factor, 0],
        scale_factor: &[],
        lengths: [input_len, output_len, 0, 0],
    };
    let mut ok = false;
    check_single(
        what,
        &case,
        output_len,
        Tolerance::Exact,
        |out| {
            let r = if shuffle {
                upsample::pixel_shuffle(&input, shape, layout, factor, out)
            } else {
                upsample::pixel_unshuffle(&input, shape, layout, factor, out)
            };
            ok = r.is_ok();
            r
        },
        |out| {
            if shuffle {
                reference::pixel_shuffle(&input, shape, layout, factor, out)
            } else {
                reference::pixel_unshuffle(&input, shape, layout, factor, out)
            }
        },
    );
    helper_agrees(&case, ok, helper.map(|s| s.numel()), output_len);
}

fn max_pool(b: &mut Bytes<'_>, shape: &[usize], layout: Layout, rank: usize) {
    let kernel_size = list(b, rank);
    let stride = list(b, rank);
    let padding = list(b, rank);
    let dilation = list(b, rank);
    let options = MaxPoolOptions::new(&kernel_size)
        .with_stride(&stride)
        .with_padding(&padding)
        .with_dilation(&dilation)
        .with_ceil_mode(b.flag());
    let helper = upsample::max_pool_output_shape(shape, &options);
    let input_len = buffer_len(b, numel(shape));
    let output_len = buffer_len(b, helper.as_ref().ok().map(|s| s.numel()));
    let work = match &helper {
        Ok(out) => {
            let window = product((2..shape.len()).map(|a| {
                let k = axis_value(&kernel_size, a - 2, 1);
                k.min(shape[a]) as u128
            }));
            (out.numel() as u128).saturating_mul(window)
        }
        Err(_) => 0,
    };
    let output_len = budget(output_len, work);
    let input = copy_values(b.rest(), input_len);
    let case = Case {
        op: "max_pool",
        shape,
        layout,
        lists: [&kernel_size, &stride, &padding, &dilation, &[]],
        scalars: [usize::from(options.ceil_mode), 0],
        scale_factor: &[],
        lengths: [input_len, output_len, output_len, 0],
    };
    crate::pool::check_max_pool(
        &case, &input, shape, layout, &options, output_len, output_len,
    );
}

fn unpool(b: &mut Bytes<'_>, shape: &[usize], layout: Layout, rank: usize, max: bool) {
    let kernel_size = list(b, rank);
    let stride = list(b, rank);
    let padding = list(b, rank);
    let output_size = list(b, rank);
    let mut options = UnpoolOptions::new(&kernel_size)
        .with_stride(&stride)
        .with_padding(&padding);
    if b.flag() {
        options = options.with_output_size(&output_size);
    }
    let helper = upsample::unpool_output_shape(shape, &options);
    let input_len = buffer_len(b, numel(shape));
    let output_len = buffer_len(b, helper.as_ref().ok().map(|s| s.numel()));
    let work = match &helper {
        Ok(out) if !max => {
            let window = product((2..shape.len()).map(|a| {
                let k = axis_value(&kernel_size, a - 2, 1) as u128;
                let s = axis_value(
                    if stride.is_empty() {
                        &kernel_size
                    } else {
                        &stride
                    },
                    a - 2,
                    1,
                )
                .max(1) as u128;
                (k / s + 1).min(shape[a] as u128)
            }));
            (out.numel() as u128).saturating_mul(window)
        }
        _ => 0,
    };
    let output_len = budget(output_len, work);
    let plane = helper.as_ref().map_or(1, |s| {
        s[2..].iter().fold(1usize, |a, &d| a.saturating_mul(d))
    });
    let indices: Vec<i64> = fill::<u64>(b.rest(), input_len)
        .into_iter()
        .map(|raw| match raw % 8 {
            // Mostly in range; sometimes negative, just out, or anything.
            0 => -((raw >> 3) as i64 & 0xff),
            1 => plane as i64,
            2 => raw as i64,
            _ => ((raw >> 3) % plane.max(1) as u64) as i64,
        })
        .collect();
    let what = if max { "max_unpool" } else { "avg_unpool" };
    let case = Case {
        op: what,
        shape,
        layout,
        lists: [
            &kernel_size,
            &stride,
            &padding,
            options.output_size.unwrap_or(&[]),
            &[],
        ],
        scalars: [usize::from(options.output_size.is_some()), 0],
        scale_factor: &[],
        lengths: [input_len, output_len, input_len, 0],
    };
    let mut ok = false;
    if max {
        let input = copy_values(b.rest().get(3..).unwrap_or(&[]), input_len);
        check_single(
            what,
            &case,
            output_len,
            Tolerance::Exact,
            |out| {
                let r = upsample::max_unpool(&input, &indices, shape, layout, &options, out);
                ok = r.is_ok();
                r
            },
            |out| reference::max_unpool(&input, &indices, shape, layout, &options, out),
        );
    } else {
        let input = smooth_values(b.rest(), input_len, false);
        check_single(
            what,
            &case,
            output_len,
            SMOOTH,
            |out| {
                let r = upsample::avg_unpool(&input, shape, layout, &options, out);
                ok = r.is_ok();
                r
            },
            |out| reference::avg_unpool(&input, shape, layout, &options, out),
        );
    }
    helper_agrees(&case, ok, helper.map(|s| s.numel()), output_len);
}

fn conv_transpose(b: &mut Bytes<'_>, shape: &[usize], layout: Layout, rank: usize) {
    let mut weight_shape = Vec::with_capacity(shape.len());
    match b.below(4) {
        // The weight's channels match the input's, usually.
        0..=2 if shape.len() >= 2 => {
            weight_shape.push(shape[1]);
            for _ in 1..shape.len() {
                weight_shape.push(dim(b));
            }
        }
        _ => weight_shape = self::shape(b),
    }
    let stride = list(b, rank);
    let padding = list(b, rank);
    let output_padding = list(b, rank);
    let dilation = list(b, rank);
    let groups = if b.flag() { 1 } else { dim(b) };
    let options = ConvTransposeOptions::new()
        .with_stride(&stride)
        .with_padding(&padding)
        .with_output_padding(&output_padding)
        .with_dilation(&dilation)
        .with_groups(groups);
    let with_bias = b.flag();
    let helper = upsample::conv_transpose_output_shape(shape, &weight_shape, &options);
    let scratch = upsample::conv_transpose_scratch_len(shape, layout, &weight_shape, &options);
    let input_len = buffer_len(b, numel(shape));
    let weight_len = buffer_len(b, numel(&weight_shape));
    let bias_len = buffer_len(b, helper.as_ref().ok().map(|s| s[1]));
    let output_len = buffer_len(b, helper.as_ref().ok().map(|s| s.numel()));
    // The reference takes no scratch, so the public op must get what it asks
    // for; when that is too much, the output is made one short instead.
    let (scratch_len, too_much_scratch) = match scratch {
        Ok(n) if n <= MAX_ELEMENTS => (n, false),
        Ok(_) => (0, true),
        Err(_) => (0, false),
    };
    let work = match &helper {
        Ok(out) => {
            let kernel_volume = product(weight_shape.iter().skip(2).map(|&k| k as u128));
            (input_len as u128)
                .saturating_mul(weight_shape.get(1).map_or(1, |&c| c as u128))
                .saturating_mul(kernel_volume)
                .saturating_add(out.numel() as u128)
        }
        Err(_) => 0,
    };
    let output_len = budget(output_len, if too_much_scratch { u128::MAX } else { work });
    let data = smooth_values(b.rest(), input_len + weight_len + bias_len, false);
    let (input, rest) = data.split_at(input_len);
    let (weight, bias) = rest.split_at(weight_len);
    let bias = with_bias.then_some(bias);
    let case = Case {
        op: "conv_transpose",
        shape,
        layout,
        lists: [&weight_shape, &stride, &padding, &output_padding, &dilation],
        scalars: [groups, usize::from(with_bias)],
        scale_factor: &[],
        lengths: [input_len, output_len, weight_len, bias_len],
    };
    let (mut scratch_a, mut scratch_b) = (vec![0.0; scratch_len], vec![0.0; scratch_len]);
    let mut ok = false;
    check_single(
        "conv_transpose",
        &case,
        output_len,
        CONV,
        |out| {
            let r = upsample::conv_transpose(
                input,
                shape,
                layout,
                weight,
                &weight_shape,
                bias,
                &options,
                out,
                &mut scratch_a,
            );
            ok = r.is_ok();
            r
        },
        |out| {
            reference::conv_transpose(
                input,
                shape,
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
    helper_agrees(&case, ok, helper.map(|s| s.numel()), output_len);
}
