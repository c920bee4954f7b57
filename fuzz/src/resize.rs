//! ONNX `resize`, every mode and attribute, against `reference::resize`.
//!
//! Bytes: twist, layout, mode, coordinate mode, nearest mode, flags
//! (exclude_outside, antialias), cubic_coeff_a, shape, `axes`, `scales` or
//! `sizes` (and keep_aspect_ratio_policy), `roi` and extrapolation_value,
//! then the input. Nearest copies, so it gets raw bit patterns and must
//! agree bit for bit (but for exclude_outside, whose weights multiply);
//! linear and cubic get inputs in [-1, 1] with NaN, infinities,
//! subnormals and values near `f32::MAX`, and must agree within atol 1e-5
//! + rtol 1.3e-6, NaN and infinities as the reference places them.

use upsample::{
    CoordinateTransformationMode as Ctm, KeepAspectRatioPolicy as Keep, NearestMode, ResizeMode,
    ResizeOptions, reference, resize_output_shape,
};

use crate::{Bytes, SMOOTH, Tolerance, Twist, check_single, copy_values, numel, smooth_values};

/// The most elements of input or output a case may have.
const MAX_ELEMENTS: usize = 8192;

const COORDINATES: [Ctm; 6] = [
    Ctm::HalfPixel,
    Ctm::HalfPixelSymmetric,
    Ctm::PytorchHalfPixel,
    Ctm::AlignCorners,
    Ctm::Asymmetric,
    Ctm::TfCropAndResize,
];

/// Scales worth hitting exactly, and some the op must reject.
const SCALES: [f32; 12] = [
    2.0, 0.5, 1.0, 1.5, 3.0, 0.25, 0.6, 0.75, 1.7, 4.0, 1.25, 0.3,
];
const BAD_SCALES: [f32; 5] = [0.0, -1.0, f32::NAN, f32::INFINITY, 1e-30];

#[derive(Debug)]
#[allow(dead_code)] // read through Debug in failure messages
struct Case<'a> {
    twist: Twist,
    shape: &'a [usize],
    layout: upsample::Layout,
    options: ResizeOptions<'a>,
    input_len: usize,
    output_len: usize,
}

pub fn run(data: &[u8]) {
    let mut b = Bytes::new(data);
    let twist = b.twist();
    let layout = b.layout();
    let mode = b.pick(&[ResizeMode::Nearest, ResizeMode::Linear, ResizeMode::Cubic]);
    let coordinates = b.pick(&COORDINATES);
    let nearest_mode = b.pick(&[
        NearestMode::RoundPreferFloor,
        NearestMode::RoundPreferCeil,
        NearestMode::Floor,
        NearestMode::Ceil,
    ]);
    let (exclude_outside, antialias) = (b.below(4) == 0, mode != ResizeMode::Nearest && b.flag());
    let cubic_coeff_a = -0.25 - f32::from(b.byte()) / 256.0;
    let rank = b.range(1, 3);
    let shape = b.shape(twist, rank, 6, [0, 64, 24, 10][rank]);
    let r = shape.len();
    // The axes the lists give: every axis, or some, some negative.
    let axes: Option<Vec<i64>> = b.flag().then(|| {
        let count = b.range(1, r.saturating_sub(2).max(1));
        (0..count)
            .map(|k| {
                let a = (2 + (k + b.below(r)) % r.saturating_sub(2).max(1)) as i64;
                if b.flag() { a - r as i64 } else { a }
            })
            .collect()
    });
    let which: Vec<usize> = match &axes {
        Some(axes) => axes
            .iter()
            .map(|&a| a.rem_euclid(r.max(1) as i64) as usize)
            .collect(),
        None => (0..r).collect(),
    };
    let by_sizes = b.flag();
    let scales: Vec<f32> = b.list(twist, which.len(), |b| {
        let v = b.byte();
        if twist == Twist::Parameter && v & 1 == 1 {
            BAD_SCALES[usize::from(v >> 1) % BAD_SCALES.len()]
        } else {
            SCALES[usize::from(v) % SCALES.len()]
        }
    });
    let scales: Vec<f32> = scales
        .iter()
        .zip(which.iter().chain(core::iter::repeat(&2)))
        .map(|(&s, &a)| {
            if a < 2 && twist != Twist::Parameter {
                1.0
            } else {
                s
            }
        })
        .collect();
    let sizes: Vec<usize> = which
        .iter()
        .map(|&a| match shape.get(a) {
            Some(&d) if a >= 2 => b.range(1, 2 * d + 2),
            Some(&d) => d,
            None => 1,
        })
        .collect();
    let keep = if by_sizes && axes.is_some() {
        b.pick(&[Keep::Stretch, Keep::NotLarger, Keep::NotSmaller])
    } else {
        Keep::Stretch
    };
    let roi: Vec<f32> = (0..2 * which.len())
        .map(|k| {
            let v = f32::from(b.byte()) / 255.0 * 0.6 - 0.2;
            if k < which.len() { v } else { v + 0.6 }
        })
        .collect();
    let extrapolation_value = b.pick(&[0.0, -1.5, f32::NAN]);
    let mut options = ResizeOptions {
        mode,
        scales: (!by_sizes).then_some(&scales[..]),
        sizes: by_sizes.then_some(&sizes[..]),
        roi: (coordinates == Ctm::TfCropAndResize).then_some(&roi[..]),
        axes: axes.as_deref(),
        coordinate_transformation_mode: coordinates,
        nearest_mode,
        cubic_coeff_a,
        exclude_outside,
        extrapolation_value,
        antialias,
        keep_aspect_ratio_policy: keep,
    };
    if twist == Twist::Options {
        match b.below(5) {
            0 => options.antialias = !options.antialias,
            1 => (options.scales, options.sizes) = (Some(&scales[..]), Some(&sizes[..])),
            2 => (options.scales, options.sizes) = (None, None),
            3 => options.roi = options.roi.xor(Some(&roi[..])),
            _ => options.keep_aspect_ratio_policy = Keep::NotSmaller,
        }
    }

    let Some(input_len) = numel(&shape) else {
        return;
    };
    let output_len = match resize_output_shape(&shape, &options) {
        Ok(out) => out.numel(),
        Err(_) => b.below(4),
    };
    if input_len > MAX_ELEMENTS || output_len > MAX_ELEMENTS {
        return;
    }
    let input_len = twist.length(Twist::InputLength, input_len, &mut b);
    let output_len = twist.length(Twist::OutputLength, output_len, &mut b);
    let copies = mode == ResizeMode::Nearest && !exclude_outside;
    let (input, tolerance) = if copies {
        (copy_values(b.rest(), input_len), Tolerance::Exact)
    } else {
        (smooth_values(b.rest(), input_len, true), SMOOTH)
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
        "resize",
        &case,
        output_len,
        tolerance,
        |out| upsample::resize(&input, &shape, layout, &options, out),
        |out| reference::resize(&input, &shape, layout, &options, out),
    );
}
