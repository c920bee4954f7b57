//! `interpolate`, every mode, against `reference::interpolate`.
//!
//! Bytes: twist, layout, mode, shape, `size` or `scale_factor`,
//! `align_corners`, `recompute_scale_factor`, `antialias`, then the input.
//! Nearest and nearest-exact copy, so they get raw bit patterns and must
//! agree bit for bit; the other modes get inputs in [-1, 1] (with NaN,
//! infinities, subnormals and values near `f32::MAX` in half the cases)
//! and must agree within atol 1e-5 + rtol 1.3e-6, NaN and infinities as
//! the reference places them.
//!
//! Each case also runs `interpolate_backward` against
//! `reference::interpolate_backward` on a gradient of the output's length
//! (in [-1, 1], NaN, infinities and subnormals mixed in), within a
//! tolerance that grows with the outputs reaching each input, and
//! `interpolate_backward_with_scratch` against the same reference.

use upsample::{InterpolateMode as M, InterpolateOptions, interpolate_output_shape, reference};

use crate::{Bytes, SMOOTH, Tolerance, Twist, check_single, copy_values, numel, smooth_values};

/// The most elements of input or output a case may have (keeps each run fast).
const MAX_ELEMENTS: usize = 8192;

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

/// Scale factors worth hitting exactly: integers, halves, thirds, and the
/// float-rounding cases of the golden suite.
const SCALE_FACTORS: [f64; 16] = [
    2.0,
    0.5,
    1.0,
    1.5,
    3.0,
    0.25,
    1.0 / 3.0,
    0.7,
    1.7,
    2.5,
    4.0,
    0.3,
    1.6,
    0.75,
    0.45,
    1.25,
];

/// Scale factors `interpolate` must reject or that give an empty output.
const BAD_SCALE_FACTORS: [f64; 6] = [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-30, -0.0];

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    twist: Twist,
    shape: &'a [usize],
    layout: upsample::Layout,
    options: InterpolateOptions,
    input_len: usize,
    output_len: usize,
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let twist = b.twist();
    let layout = b.layout();
    let mode = b.pick(&MODES);
    let rank = match mode {
        M::Linear => 1,
        M::Bilinear | M::Bicubic | M::Lanczos => 2,
        M::Trilinear => 3,
        M::Nearest | M::NearestExact | M::Area => b.range(1, 3),
    };
    let max_spatial = [0, 64, 40, 12][rank];
    let shape = b.shape(twist, rank, 18, max_spatial);

    let by_size = b.below(8) < 4;
    let size = b.list(twist, rank, |b| {
        if twist == Twist::Parameter && b.flag() {
            0
        } else {
            b.extent(max_spatial)
        }
    });
    let scale_factor = b.list(twist, rank, |b| {
        let v = b.byte();
        if twist == Twist::Parameter && v & 1 == 1 {
            BAD_SCALE_FACTORS[usize::from(v >> 1) % BAD_SCALE_FACTORS.len()]
        } else if v < 128 {
            SCALE_FACTORS[usize::from(v) % SCALE_FACTORS.len()]
        } else {
            f64::from(v - 127) / 16.0
        }
    });
    let mut options = InterpolateOptions::new(mode);
    if by_size {
        options.size = Some((&size).into());
    } else {
        options.scale_factor = Some((&scale_factor).into());
    }
    options.align_corners = match mode {
        M::Linear | M::Bilinear | M::Bicubic | M::Trilinear => {
            b.pick(&[None, Some(false), Some(true)])
        }
        M::Lanczos => b.pick(&[None, Some(false)]),
        M::Nearest | M::NearestExact | M::Area => None,
    };
    options.recompute_scale_factor = if by_size {
        b.pick(&[None, Some(false)])
    } else {
        b.pick(&[None, Some(false), Some(true)])
    };
    options.antialias = match mode {
        M::Bilinear | M::Bicubic => b.flag(),
        M::Lanczos => true,
        _ => false,
    };
    if twist == Twist::Options {
        match b.below(5) {
            0 => options.align_corners = Some(b.flag()),
            1 => {
                options.size = Some((&size).into());
                options.scale_factor = Some((&scale_factor).into());
            }
            2 => {
                options.size = None;
                options.scale_factor = None;
            }
            3 => {
                options.size = Some((&size).into());
                options.scale_factor = None;
                options.recompute_scale_factor = Some(true);
            }
            _ => options.antialias = !options.antialias,
        }
    }

    let Some(input_len) = numel(&shape) else {
        return;
    };
    let output_len = match interpolate_output_shape(&shape, &options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    if input_len > MAX_ELEMENTS || output_len > MAX_ELEMENTS {
        return;
    }
    // The backward sums up to (outputs per input) x (taps) terms per
    // element, in another order than the reference: atol grows with them.
    let backward_tolerance = Tolerance::Close {
        atol: 2e-5 * (output_len as f64 / input_len as f64 + 16.0),
        rtol: 1e-5,
    };
    let input_len = twist.length(Twist::InputLength, input_len, &mut b);
    let output_len = twist.length(Twist::OutputLength, output_len, &mut b);
    let (input, tolerance) = match mode {
        M::Nearest | M::NearestExact => (copy_values(b.rest(), input_len), Tolerance::Exact),
        _ => (smooth_values(b.rest(), input_len, true), SMOOTH),
    };
    let case = Case {
        twist,
        shape: &shape,
        layout,
        options,
        input_len,
        output_len,
    };
    check_single(
        "interpolate",
        &case,
        output_len,
        tolerance,
        |out| upsample::interpolate(&input, &shape, layout, &options, out),
        |out| reference::interpolate(&input, &shape, layout, &options, out),
    );
    // The gradient of the same call: `grad_output` in [-1, 1] with NaN,
    // infinities and subnormals (no values near f32::MAX, whose sums
    // overflow in an order-dependent way), `grad_input` of the input's length.
    let grad_output = smooth_values(b.rest(), output_len, false);
    check_single(
        "interpolate_backward",
        &case,
        input_len,
        backward_tolerance,
        |out| upsample::interpolate_backward(&grad_output, &shape, layout, &options, out),
        |out| reference::interpolate_backward(&grad_output, &shape, layout, &options, out),
    );
    // And its caller-scratch variant, with the scratch it asks for.
    let need = upsample::interpolate_backward_scratch_len(&shape, layout, &options).unwrap_or(0);
    if need > 4 * MAX_ELEMENTS {
        return;
    }
    let mut scratch = vec![f32::NAN; need];
    check_single(
        "interpolate_backward_with_scratch",
        &case,
        input_len,
        backward_tolerance,
        |out| {
            upsample::interpolate_backward_with_scratch(
                &grad_output,
                &shape,
                layout,
                &options,
                out,
                &mut scratch,
            )
        },
        |out| reference::interpolate_backward(&grad_output, &shape, layout, &options, out),
    );
}
