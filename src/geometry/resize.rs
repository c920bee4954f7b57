//! ONNX `Resize` (opset 19 and later)'s attributes and inputs, the checks
//! made on them, and the output shape and per-axis scale they give, as
//! `onnx/reference/ops/op_resize.py` computes them:
//!
//! ```text
//! sizes given:   out[i] = sizes[i]; scale[i] = out[i] / in[i]
//!                (keep_aspect_ratio_policy not_larger / not_smaller: one
//!                scale s = min / max of sizes[i] / in[i] over the axes,
//!                out[i] = floor(s * in[i] + 0.5))
//! scales given:  out[i] = floor(in[i] * scales[i]); scale[i] = scales[i]
//! ```
//!
//! Only the spatial axes resize: N and C must keep their size.

use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape};

/// ONNX `Resize`'s `mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResizeMode {
    /// `"nearest"`: the input pixel [`NearestMode`] picks.
    Nearest,
    /// `"linear"`: linear along each resized axis (bilinear, trilinear).
    Linear,
    /// `"cubic"`: cubic convolution along each resized axis, with
    /// `cubic_coeff_a`.
    Cubic,
}

/// ONNX `Resize`'s `coordinate_transformation_mode`: the input coordinate
/// `x` of output index `y`, with `scale` the axis's scale, `in` and `out`
/// its sizes and `out'` = `in * scale` (not rounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoordinateTransformationMode {
    /// `x = (y + 0.5) / scale - 0.5` (ONNX's default).
    HalfPixel,
    /// `half_pixel` with the center of the input mapped to the center of
    /// the output when `out` is rounded: `x = in/2 * (1 - out/out') + (y +
    /// 0.5) / scale - 0.5`.
    HalfPixelSymmetric,
    /// `half_pixel`, but `x = -0.5` when `out == 1` (PyTorch's
    /// `align_corners=False`).
    PytorchHalfPixel,
    /// `x = y * (in - 1) / (out - 1)`; 0 when `out == 1`.
    AlignCorners,
    /// `x = y / scale`.
    Asymmetric,
    /// `x = roi_start * (in - 1) + y * (roi_end - roi_start) * (in - 1) /
    /// (out - 1)` (the middle of the roi when `out == 1`); an output whose
    /// `x` falls outside `[0, in - 1]` is `extrapolation_value`.
    TfCropAndResize,
}

/// ONNX `Resize`'s `nearest_mode`: how `nearest` rounds `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NearestMode {
    /// Halves down (ONNX's default).
    RoundPreferFloor,
    /// Halves up.
    RoundPreferCeil,
    /// `floor(x)`.
    Floor,
    /// `ceil(x)`.
    Ceil,
}

/// ONNX `Resize`'s `keep_aspect_ratio_policy`, with `sizes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeepAspectRatioPolicy {
    /// Each axis to its size (ONNX's default).
    Stretch,
    /// One scale for every resized axis, the largest that fits inside the
    /// sizes.
    NotLarger,
    /// One scale for every resized axis, the smallest that covers the sizes.
    NotSmaller,
}

/// ONNX `Resize`'s inputs (`roi`, `scales`, `sizes`) and attributes, with
/// ONNX's defaults. `scales`, `sizes` and `roi` cover every axis of the
/// logical shape `(N, C, spatial...)`, or the axes of `axes` in its order.
///
/// ```
/// use upsample::{ResizeMode, ResizeOptions};
/// // Resize(x, scales=[1, 1, 2, 2], mode="linear"): half_pixel bilinear x2.
/// let opts = ResizeOptions::scales(ResizeMode::Linear, &[1.0, 1.0, 2.0, 2.0]);
/// assert_eq!(upsample::resize_output_shape(&[1, 3, 4, 5], &opts).unwrap().as_slice(), &[1, 3, 8, 10]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResizeOptions<'a> {
    /// `mode`.
    pub mode: ResizeMode,
    /// The `scales` input: positive and finite.
    pub scales: Option<&'a [f32]>,
    /// The `sizes` input: positive.
    pub sizes: Option<&'a [usize]>,
    /// The `roi` input, `[starts..., ends...]`, normalised to `[0, 1]` per
    /// axis: only with [`CoordinateTransformationMode::TfCropAndResize`].
    pub roi: Option<&'a [f32]>,
    /// `axes`: the axes `scales`, `sizes` and `roi` give, each once;
    /// negative values count from the end.
    pub axes: Option<&'a [i64]>,
    /// `coordinate_transformation_mode`.
    pub coordinate_transformation_mode: CoordinateTransformationMode,
    /// `nearest_mode`.
    pub nearest_mode: NearestMode,
    /// `cubic_coeff_a` (-0.75 by default; -0.5 is TensorFlow's and PIL's).
    pub cubic_coeff_a: f32,
    /// `exclude_outside`: a window's taps outside the input get weight 0
    /// and the others are renormalised (any mode, as ONNX's reference
    /// implementation; onnxruntime takes it for cubic and antialiased
    /// linear only).
    pub exclude_outside: bool,
    /// `extrapolation_value`, for [`CoordinateTransformationMode::TfCropAndResize`].
    pub extrapolation_value: f32,
    /// `antialias`: linear and cubic filters widened by `1 / scale` when
    /// downsampling.
    pub antialias: bool,
    /// `keep_aspect_ratio_policy`, with `sizes`.
    pub keep_aspect_ratio_policy: KeepAspectRatioPolicy,
}

impl<'a> ResizeOptions<'a> {
    fn new(mode: ResizeMode) -> Self {
        ResizeOptions {
            mode,
            scales: None,
            sizes: None,
            roi: None,
            axes: None,
            coordinate_transformation_mode: CoordinateTransformationMode::HalfPixel,
            nearest_mode: NearestMode::RoundPreferFloor,
            cubic_coeff_a: -0.75,
            exclude_outside: false,
            extrapolation_value: 0.0,
            antialias: false,
            keep_aspect_ratio_policy: KeepAspectRatioPolicy::Stretch,
        }
    }

    /// `Resize(x, scales=scales, mode=mode)` with ONNX's default attributes.
    pub fn scales(mode: ResizeMode, scales: &'a [f32]) -> Self {
        ResizeOptions {
            scales: Some(scales),
            ..Self::new(mode)
        }
    }

    /// `Resize(x, sizes=sizes, mode=mode)` with ONNX's default attributes.
    pub fn sizes(mode: ResizeMode, sizes: &'a [usize]) -> Self {
        ResizeOptions {
            sizes: Some(sizes),
            ..Self::new(mode)
        }
    }

    /// With `coordinate_transformation_mode`.
    pub fn with_coordinate_transformation_mode(self, m: CoordinateTransformationMode) -> Self {
        ResizeOptions {
            coordinate_transformation_mode: m,
            ..self
        }
    }

    /// With `nearest_mode`.
    pub fn with_nearest_mode(self, nearest_mode: NearestMode) -> Self {
        ResizeOptions {
            nearest_mode,
            ..self
        }
    }

    /// With `cubic_coeff_a`.
    pub fn with_cubic_coeff_a(self, cubic_coeff_a: f32) -> Self {
        ResizeOptions {
            cubic_coeff_a,
            ..self
        }
    }

    /// With `exclude_outside`.
    pub fn with_exclude_outside(self, exclude_outside: bool) -> Self {
        ResizeOptions {
            exclude_outside,
            ..self
        }
    }

    /// With `roi` and `extrapolation_value` (for `tf_crop_and_resize`).
    pub fn with_roi(self, roi: &'a [f32], extrapolation_value: f32) -> Self {
        ResizeOptions {
            roi: Some(roi),
            extrapolation_value,
            ..self
        }
    }

    /// With `axes`.
    pub fn with_axes(self, axes: &'a [i64]) -> Self {
        ResizeOptions {
            axes: Some(axes),
            ..self
        }
    }

    /// With `antialias`.
    pub fn with_antialias(self, antialias: bool) -> Self {
        ResizeOptions { antialias, ..self }
    }

    /// With `keep_aspect_ratio_policy`.
    pub fn with_keep_aspect_ratio_policy(self, policy: KeepAspectRatioPolicy) -> Self {
        ResizeOptions {
            keep_aspect_ratio_policy: policy,
            ..self
        }
    }
}

/// One spatial axis of a checked resize.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ResizeAxis {
    pub input: usize,
    pub output: usize,
    /// The scale the coordinates use (`scales[i]`, or `out / in`).
    pub scale: f64,
    /// `(start, end)` of the roi; `(0, 1)` without one.
    pub roi: (f64, f64),
}

impl ResizeAxis {
    /// Whether the axis is left as it is (ONNX's reference skips it:
    /// scale 1, the same size, the whole roi).
    pub fn is_identity(&self, tf_crop: bool) -> bool {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        close(self.scale, 1.0)
            && self.output == self.input
            && (!tf_crop || (close(self.roi.0, 0.0) && close(self.roi.1, 1.0)))
    }
}

/// A checked resize: the dims, the options, and each spatial axis
/// (right-aligned in `[D, H, W]` as [`Dims`]; unused axes are identities).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ResizeGeometry {
    pub input: Dims,
    pub output: Dims,
    pub axes: [ResizeAxis; MAX_SPATIAL],
    pub mode: ResizeMode,
    pub coordinates: CoordinateTransformationMode,
    pub nearest_mode: NearestMode,
    pub cubic_coeff_a: f64,
    pub exclude_outside: bool,
    pub extrapolation_value: f32,
    pub antialias: bool,
}

/// The most axes a logical shape has.
const MAX_DIMS: usize = 2 + MAX_SPATIAL;

fn unsupported(reason: &'static str) -> Error {
    Error::Unsupported { reason }
}

/// Axis `axis`'s output size from its floored value: at least 1, and
/// within `usize`.
fn output_size(axis: usize, size: f64) -> Result<usize, Error> {
    if size < 1.0 {
        return Err(Error::EmptyOutput {
            axis,
            size: size as i64,
        });
    }
    if size >= usize::MAX as f64 {
        return Err(Error::Overflow {
            what: "the resize output size",
        });
    }
    Ok(size as usize)
}

impl ResizeGeometry {
    /// Whether each output copies the input its windows pick: nearest,
    /// but for `exclude_outside` (which can weigh the picked input 0: the
    /// weights then multiply, as in ONNX's reference implementation).
    pub fn copies(&self) -> bool {
        self.mode == ResizeMode::Nearest && !self.exclude_outside
    }

    /// ONNX's checks, then the output size and scale per axis.
    pub fn new(shape: &[usize], layout: Layout, o: &ResizeOptions<'_>) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "resize", 1, MAX_SPATIAL, Buffer::Input)?;
        let r = shape.len();
        use CoordinateTransformationMode as Ctm;
        let tf_crop = o.coordinate_transformation_mode == Ctm::TfCropAndResize;
        if o.antialias && o.mode == ResizeMode::Nearest {
            return Err(unsupported(
                "antialias applies to linear and cubic modes only",
            ));
        }
        if !o.cubic_coeff_a.is_finite() {
            return Err(unsupported("cubic_coeff_a must be finite"));
        }
        if o.roi.is_some() && !tf_crop {
            return Err(unsupported(
                "roi is used by coordinate_transformation_mode tf_crop_and_resize only",
            ));
        }
        if o.roi.is_none() && tf_crop {
            return Err(unsupported("tf_crop_and_resize needs a roi"));
        }
        // Which axis of the shape each given value is for.
        let mut which = [0usize; MAX_DIMS];
        let given = match o.axes {
            None => {
                for (a, slot) in which.iter_mut().enumerate().take(r) {
                    *slot = a;
                }
                r
            }
            Some(axes) => {
                if axes.is_empty() || axes.len() > r {
                    return Err(Error::ParameterCount {
                        parameter: "axes",
                        expected: r,
                        actual: axes.len(),
                    });
                }
                for (k, &a) in axes.iter().enumerate() {
                    let rank = r as i64;
                    if a < -rank || a >= rank {
                        return Err(Error::AxisOutOfRange { value: a, rank: r });
                    }
                    let a = if a < 0 { a + rank } else { a } as usize;
                    if which[..k].contains(&a) {
                        return Err(Error::InvalidParameter {
                            parameter: "axes",
                            axis: Some(a),
                            value: a,
                            reason: "names an axis twice",
                        });
                    }
                    which[k] = a;
                }
                axes.len()
            }
        };
        let count = |parameter: &'static str, len: usize, per: usize| {
            if len == given * per {
                Ok(())
            } else {
                Err(Error::ParameterCount {
                    parameter,
                    expected: given * per,
                    actual: len,
                })
            }
        };
        // Every axis's output size and scale, N and C included.
        let mut out = [0usize; MAX_DIMS];
        let mut scale = [1.0f64; MAX_DIMS];
        out[..r].copy_from_slice(shape);
        match (o.scales, o.sizes) {
            (Some(_), Some(_)) => return Err(unsupported("give scales or sizes, not both")),
            (None, None) => return Err(unsupported("give scales or sizes")),
            (Some(scales), None) => {
                count("scales", scales.len(), 1)?;
                if o.keep_aspect_ratio_policy != KeepAspectRatioPolicy::Stretch {
                    return Err(unsupported(
                        "keep_aspect_ratio_policy applies to sizes only",
                    ));
                }
                for (&a, &s) in which.iter().zip(scales) {
                    if !(s.is_finite() && s > 0.0) {
                        return Err(Error::InvalidScaleFactor {
                            axis: a,
                            value: f64::from(s),
                        });
                    }
                    scale[a] = f64::from(s);
                    // floor(in * scale), as the reference's `astype(int)`.
                    out[a] = output_size(a, libm::floor(shape[a] as f64 * scale[a]))?;
                }
            }
            (None, Some(sizes)) => {
                count("sizes", sizes.len(), 1)?;
                for (&a, &s) in which.iter().zip(sizes) {
                    if s == 0 {
                        return Err(Error::EmptyOutput { axis: a, size: 0 });
                    }
                    out[a] = s;
                    scale[a] = s as f64 / shape[a] as f64;
                }
                let pick = match o.keep_aspect_ratio_policy {
                    KeepAspectRatioPolicy::Stretch => None,
                    KeepAspectRatioPolicy::NotLarger => Some(f64::min as fn(f64, f64) -> f64),
                    KeepAspectRatioPolicy::NotSmaller => Some(f64::max as fn(f64, f64) -> f64),
                };
                if let Some(pick) = pick {
                    let axes = &which[..given];
                    let s = axes.iter().map(|&a| scale[a]).reduce(pick).unwrap_or(1.0);
                    for &a in axes {
                        scale[a] = s;
                        // round half up, as the reference's `int(x + 0.5)`.
                        out[a] = output_size(a, libm::floor(s * shape[a] as f64 + 0.5))?;
                    }
                }
            }
        }
        if out[0] != shape[0] || out[1] != shape[1] || scale[0] != 1.0 || scale[1] != 1.0 {
            return Err(unsupported(
                "resize scales the spatial axes only: N and C keep their size and scale 1",
            ));
        }
        let mut roi = [(0.0f64, 1.0f64); MAX_DIMS];
        if let Some(values) = o.roi {
            count("roi", values.len(), 2)?;
            for (k, &a) in which.iter().take(given).enumerate() {
                roi[a] = (f64::from(values[k]), f64::from(values[given + k]));
            }
        }
        let first = MAX_SPATIAL - (r - 2);
        let mut spatial = [1usize; MAX_SPATIAL];
        let identity = ResizeAxis {
            input: 1,
            output: 1,
            scale: 1.0,
            roi: (0.0, 1.0),
        };
        let mut axes = [identity; MAX_SPATIAL];
        for a in 2..r {
            spatial[first + a - 2] = out[a];
            axes[first + a - 2] = ResizeAxis {
                input: shape[a],
                output: out[a],
                scale: scale[a],
                roi: roi[a],
            };
        }
        let output = input.with_spatial(spatial)?;
        Ok(ResizeGeometry {
            input,
            output,
            axes,
            mode: o.mode,
            coordinates: o.coordinate_transformation_mode,
            nearest_mode: o.nearest_mode,
            cubic_coeff_a: f64::from(o.cubic_coeff_a),
            exclude_outside: o.exclude_outside,
            extrapolation_value: o.extrapolation_value,
            antialias: o.antialias,
        })
    }
}

/// Output shape of ONNX `Resize` on a tensor of logical shape `shape`
/// (`(N, C, spatial...)`, 1 to 3 spatial axes) with `options`.
///
/// # Errors
/// [`Error::Rank`], [`Error::ZeroDimension`]; [`Error::Unsupported`] for
/// an attribute combination ONNX rejects (scales and sizes both or
/// neither, roi without `tf_crop_and_resize` or the reverse,
/// `keep_aspect_ratio_policy` with scales, antialias with nearest) or a
/// resize of N or C; [`Error::ParameterCount`] for lists of the wrong
/// length; [`Error::AxisOutOfRange`] and [`Error::InvalidParameter`] for
/// bad `axes`; [`Error::InvalidScaleFactor`]; [`Error::EmptyOutput`];
/// [`Error::Overflow`].
pub fn resize_output_shape(shape: &[usize], options: &ResizeOptions<'_>) -> Result<Shape, Error> {
    Ok(ResizeGeometry::new(shape, Layout::ChannelsFirst, options)?
        .output
        .shape())
}
