//! `F.interpolate`'s arguments and the checks it makes, in its order: the
//! mode, `size` or `scale_factor`, and the output size and per-axis scale
//! they give.
//!
//! How PyTorch turns `size` / `scale_factor` into an output size and into the
//! scale each kernel uses (followed here exactly):
//!
//! ```text
//! if size given:           out[i] = size[i];                 kernel scale[i] = None
//! elif recompute or area:  out[i] = trunc(in[i] * sf[i]);    kernel scale[i] = None
//! else:                    out[i] = trunc(in[i] * sf[i]);    kernel scale[i] = sf[i]
//! kernel: src_per_dst = align_corners ? (in-1)/(out-1) : (scale ? 1/scale : in/out)
//! ```

use super::per_axis::PerAxis;
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, shape_axis};

/// The interpolation algorithm, named as PyTorch's `mode` string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InterpolateMode {
    /// `"nearest"`: `src = floor(dst * scale)` (OpenCV's `INTER_NEAREST`). 1-3 d.
    Nearest,
    /// `"nearest-exact"`: `src = floor((dst + 0.5) * scale)` (PIL, scikit-image). 1-3 d.
    NearestExact,
    /// `"linear"`: 1-d linear.
    Linear,
    /// `"bilinear"`: 2-d linear; with `antialias`, a triangle filter widened
    /// when downsampling.
    Bilinear,
    /// `"bicubic"`: 2-d cubic convolution, A = -0.75; with `antialias`,
    /// A = -0.5 as PIL, widened when downsampling.
    Bicubic,
    /// `"trilinear"`: 3-d linear.
    Trilinear,
    /// `"area"`: adaptive average pooling to the output size. 1-3 d.
    Area,
    /// `"lanczos"`: 2-d Lanczos-3 windowed sinc; needs `antialias` and no
    /// `align_corners` (PyTorch 2.15).
    Lanczos,
}

impl InterpolateMode {
    /// PyTorch's name for the mode.
    ///
    /// ```
    /// assert_eq!(upsample::InterpolateMode::NearestExact.name(), "nearest-exact");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            InterpolateMode::Nearest => "nearest",
            InterpolateMode::NearestExact => "nearest-exact",
            InterpolateMode::Linear => "linear",
            InterpolateMode::Bilinear => "bilinear",
            InterpolateMode::Bicubic => "bicubic",
            InterpolateMode::Trilinear => "trilinear",
            InterpolateMode::Area => "area",
            InterpolateMode::Lanczos => "lanczos",
        }
    }

    /// The mode with PyTorch's name `name`, if there is one.
    ///
    /// ```
    /// use upsample::InterpolateMode;
    /// assert_eq!(InterpolateMode::from_name("bicubic"), Some(InterpolateMode::Bicubic));
    /// assert_eq!(InterpolateMode::from_name("cubic"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<InterpolateMode> {
        Some(match name {
            "nearest" => InterpolateMode::Nearest,
            "nearest-exact" => InterpolateMode::NearestExact,
            "linear" => InterpolateMode::Linear,
            "bilinear" => InterpolateMode::Bilinear,
            "bicubic" => InterpolateMode::Bicubic,
            "trilinear" => InterpolateMode::Trilinear,
            "area" => InterpolateMode::Area,
            "lanczos" => InterpolateMode::Lanczos,
            _ => return None,
        })
    }
}

/// The keyword arguments of `F.interpolate`, one field each.
///
/// `size` and `scale_factor` take one value (applied to every spatial
/// dimension, like a Python scalar) or one per spatial dimension, held by
/// value ([`PerAxis`]), so options can be built from runtime values and kept.
/// Build with [`InterpolateOptions::size`] or
/// [`InterpolateOptions::scale_factor`] and the setters:
///
/// ```
/// use upsample::{interpolate_output_shape, InterpolateMode, InterpolateOptions};
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, 2.0)
///     .with_align_corners(true);
/// assert_eq!(opts.align_corners, Some(true));
///
/// // A scale known only at run time, passed inline.
/// fn zoom(percent: u32) -> f64 {
///     f64::from(percent) / 100.0
/// }
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Bilinear, [zoom(150), zoom(200)]);
/// assert_eq!(interpolate_output_shape(&[1, 3, 4, 4], &opts)?.as_slice(), &[1, 3, 6, 8]);
/// # Ok::<(), upsample::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct InterpolateOptions {
    /// The algorithm.
    pub mode: InterpolateMode,
    /// Output spatial size. Exactly one of `size` and `scale_factor` is set.
    pub size: Option<PerAxis<usize>>,
    /// Multiplier of each spatial size.
    pub scale_factor: Option<PerAxis<f64>>,
    /// `None` is PyTorch's default (false for the interpolating modes); setting
    /// it at all for nearest, nearest-exact or area is an error, as in PyTorch.
    pub align_corners: Option<bool>,
    /// `None` is PyTorch's default; `Some(true)` computes the output size and
    /// then forgets the scale factor, so the kernel uses `in / out`.
    pub recompute_scale_factor: Option<bool>,
    /// Filter to avoid aliasing when downsampling (bilinear, bicubic; lanczos
    /// requires it).
    pub antialias: bool,
}

impl InterpolateOptions {
    /// Options for `F.interpolate(x, size=size, mode=mode)`; `size` is one
    /// value, an array or a slice ([`PerAxis`]).
    ///
    /// ```
    /// use upsample::{interpolate_output_shape, InterpolateMode, InterpolateOptions};
    /// let opts = InterpolateOptions::size(InterpolateMode::Area, [3, 5]);
    /// assert_eq!(interpolate_output_shape(&[1, 2, 7, 11], &opts)?.as_slice(), &[1, 2, 3, 5]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn size(mode: InterpolateMode, size: impl Into<PerAxis<usize>>) -> Self {
        InterpolateOptions {
            mode,
            size: Some(size.into()),
            scale_factor: None,
            align_corners: None,
            recompute_scale_factor: None,
            antialias: false,
        }
    }

    /// Options for `F.interpolate(x, scale_factor=scale_factor, mode=mode)`;
    /// `scale_factor` is one value, an array or a slice ([`PerAxis`]).
    ///
    /// ```
    /// use upsample::{interpolate_output_shape, InterpolateMode, InterpolateOptions};
    /// // One factor for every spatial dimension, like a Python float.
    /// let opts = InterpolateOptions::scale_factor(InterpolateMode::Trilinear, 1.5);
    /// assert_eq!(interpolate_output_shape(&[1, 1, 2, 3, 4], &opts)?.as_slice(), &[1, 1, 3, 4, 6]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn scale_factor(mode: InterpolateMode, scale_factor: impl Into<PerAxis<f64>>) -> Self {
        InterpolateOptions {
            mode,
            size: None,
            scale_factor: Some(scale_factor.into()),
            align_corners: None,
            recompute_scale_factor: None,
            antialias: false,
        }
    }

    /// Options with neither size nor scale factor: set them through the
    /// public fields. (A call with neither is an error, as in PyTorch.)
    ///
    /// ```
    /// use upsample::{interpolate_output_shape, InterpolateMode, InterpolateOptions};
    /// let mut opts = InterpolateOptions::new(InterpolateMode::Nearest);
    /// assert!(interpolate_output_shape(&[1, 1, 4], &opts).is_err());
    /// opts.size = Some(8.into());
    /// assert_eq!(interpolate_output_shape(&[1, 1, 4], &opts)?.as_slice(), &[1, 1, 8]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn new(mode: InterpolateMode) -> Self {
        InterpolateOptions {
            mode,
            size: None,
            scale_factor: None,
            align_corners: None,
            recompute_scale_factor: None,
            antialias: false,
        }
    }

    /// Sets `align_corners`.
    ///
    /// ```
    /// use upsample::{interpolate, InterpolateMode, InterpolateOptions, Layout};
    /// let opts = InterpolateOptions::size(InterpolateMode::Linear, &[3]).with_align_corners(true);
    /// let mut out = [0.0; 3];
    /// interpolate(&[0.0, 1.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out)?;
    /// assert_eq!(out, [0.0, 0.5, 1.0]); // the corners stay put
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn with_align_corners(mut self, align_corners: bool) -> Self {
        self.align_corners = Some(align_corners);
        self
    }

    /// Sets `recompute_scale_factor`.
    ///
    /// ```
    /// use upsample::{interpolate, InterpolateMode, InterpolateOptions, Layout};
    /// // 5 * 1.3 = 6.5 -> 6 outputs; the kernel then uses 1/1.3, or 5/6 when recomputed.
    /// let x = [0.0, 1.0, 2.0, 3.0, 4.0];
    /// let (mut a, mut b) = ([0.0; 6], [0.0; 6]);
    /// let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, &[1.3]);
    /// interpolate(&x, &[1, 1, 5], Layout::ChannelsFirst, &opts, &mut a)?;
    /// interpolate(&x, &[1, 1, 5], Layout::ChannelsFirst, &opts.with_recompute_scale_factor(true), &mut b)?;
    /// assert_eq!(a, [0.0, 0.0, 1.0, 2.0, 3.0, 3.0]);
    /// assert_eq!(b, [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn with_recompute_scale_factor(mut self, recompute: bool) -> Self {
        self.recompute_scale_factor = Some(recompute);
        self
    }

    /// Sets `antialias`.
    ///
    /// ```
    /// use upsample::{interpolate, InterpolateMode, InterpolateOptions, Layout};
    /// // Halving [0, 1, 0, 1]: plain bilinear samples between pixels, antialias averages.
    /// let opts = InterpolateOptions::size(InterpolateMode::Bilinear, &[1, 2]).with_antialias(true);
    /// let mut out = [0.0; 2];
    /// interpolate(&[0.0, 1.0, 0.0, 1.0], &[1, 1, 1, 4], Layout::ChannelsFirst, &opts, &mut out)?;
    /// assert!(out.iter().all(|v| (v - 0.5).abs() < 0.2));
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn with_antialias(mut self, antialias: bool) -> Self {
        self.antialias = antialias;
        self
    }
}

/// A checked interpolation problem: what the kernels take as proof that
/// the call is valid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct InterpolateGeometry {
    pub input: Dims,
    pub output: Dims,
    pub mode: InterpolateMode,
    pub align_corners: bool,
    pub antialias: bool,
    /// The scale factor handed to PyTorch's kernel per padded `[D, H, W]`
    /// axis: `None` when the kernel recomputes it from the sizes.
    pub scales: [Option<f64>; MAX_SPATIAL],
}

fn unsupported(reason: &'static str) -> Error {
    Error::Unsupported { reason }
}

impl InterpolateGeometry {
    /// Follows `torch.nn.functional.interpolate`'s checks in its order.
    pub fn new(
        shape: &[usize],
        layout: Layout,
        options: &InterpolateOptions,
    ) -> Result<Self, Error> {
        use InterpolateMode as M;
        let mode = options.mode;
        if matches!(mode, M::Nearest | M::Area | M::NearestExact) && options.align_corners.is_some()
        {
            return Err(unsupported(
                "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
            ));
        }
        let align_corners = options.align_corners.unwrap_or(false);
        let input = Dims::new(shape, layout, "interpolate", 1, MAX_SPATIAL, Buffer::Input)?;
        let rank = input.rank;

        let mut out = [1usize; MAX_SPATIAL];
        let mut scales = [None; MAX_SPATIAL];
        match (options.size, options.scale_factor) {
            (Some(_), Some(_)) => {
                return Err(unsupported(
                    "only one of size or scale_factor should be defined",
                ));
            }
            (None, None) => {
                return Err(unsupported("either size or scale_factor should be defined"));
            }
            (Some(size), None) => {
                out = size.expand("size", rank, 1)?;
                if options.recompute_scale_factor == Some(true) {
                    return Err(unsupported(
                        "recompute_scale_factor is not meaningful with an explicit size.",
                    ));
                }
            }
            (None, Some(scale_factor)) => {
                let sf = scale_factor.expand("scale_factor", rank, 1.0)?;
                let recompute = options.recompute_scale_factor == Some(true) || mode == M::Area;
                for a in MAX_SPATIAL - rank..MAX_SPATIAL {
                    let s = sf[a];
                    if !(s.is_finite() && s > 0.0) {
                        return Err(Error::InvalidScaleFactor {
                            axis: shape_axis(a, rank),
                            value: s,
                        });
                    }
                    // Python's `int(in * sf)` and C++'s `(int64_t)(in * sf)`:
                    // a double product, truncated.
                    let size = input.spatial[a] as f64 * s;
                    if size >= 9.0e15 || size >= usize::MAX as f64 {
                        return Err(Error::Overflow {
                            what: "the output size computed from scale_factor",
                        });
                    }
                    out[a] = size as usize;
                    if !recompute {
                        scales[a] = Some(s);
                    }
                }
            }
        }

        if options.antialias
            && !(matches!(mode, M::Bilinear | M::Bicubic | M::Lanczos) && rank == 2)
        {
            return Err(unsupported(
                "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D tensor as input",
            ));
        }
        let (min, max) = match mode {
            M::Nearest | M::NearestExact | M::Area => (1, 3),
            M::Linear => (1, 1),
            M::Bilinear | M::Bicubic | M::Lanczos => (2, 2),
            M::Trilinear => (3, 3),
        };
        if rank < min || rank > max {
            return Err(Error::Rank {
                op: match mode {
                    M::Linear => "interpolate(mode=\"linear\")",
                    M::Bilinear => "interpolate(mode=\"bilinear\")",
                    M::Bicubic => "interpolate(mode=\"bicubic\")",
                    M::Lanczos => "interpolate(mode=\"lanczos\")",
                    _ => "interpolate(mode=\"trilinear\")",
                },
                min: min + 2,
                max: max + 2,
                actual: rank + 2,
            });
        }
        if mode == M::Lanczos {
            if align_corners {
                return Err(unsupported(
                    "Lanczos mode does not support align_corners=True",
                ));
            }
            if !options.antialias {
                return Err(unsupported("Lanczos mode requires antialias=True"));
            }
        }
        if let Some(axis) = out[MAX_SPATIAL - rank..].iter().position(|&s| s == 0) {
            return Err(Error::EmptyOutput {
                axis: 2 + axis,
                size: 0,
            });
        }
        let output = input.with_spatial(out)?;
        Ok(InterpolateGeometry {
            input,
            output,
            mode,
            align_corners,
            antialias: options.antialias,
            scales,
        })
    }
}

/// The output shape of `F.interpolate(x, **options)` for `x` of logical
/// shape `shape` (`(N, C, spatial...)`), as PyTorch computes it.
///
/// ```
/// use upsample::{interpolate_output_shape, InterpolateMode, InterpolateOptions};
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, &[1.5, 2.0]);
/// let out = interpolate_output_shape(&[1, 3, 5, 4], &opts).unwrap();
/// assert_eq!(out.as_slice(), &[1, 3, 7, 8]);
/// ```
///
/// # Errors
/// Every error [`interpolate`](crate::interpolate) returns for a bad shape or bad options.
pub fn interpolate_output_shape(
    shape: &[usize],
    options: &InterpolateOptions,
) -> Result<Shape, Error> {
    Ok(
        InterpolateGeometry::new(shape, Layout::ChannelsFirst, options)?
            .output
            .shape(),
    )
}

/// Defines an `interpolate` entry point (see `geometry::map_entry_point`); it runs
/// `$run(&geometry, input, output)`.
macro_rules! interpolate_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $crate::geometry::map_entry_point! {
            $(#[$attr])*
            $vis fn $name(options: &$crate::InterpolateOptions)
                = $crate::geometry::interpolate::InterpolateGeometry::new => $run
        }
    };
}
pub(crate) use interpolate_entry_point;

/// Defines an `interpolate_backward` entry point `fn $name(grad_output,
/// shape, layout, options, grad_input)`: the forward's checks on `shape`
/// and `options`, then `grad_output` against the output's dims
/// ([`Buffer::GradOutput`]) and `grad_input` against the input's
/// ([`Buffer::GradInput`]), as every backward op checks them; it runs
/// `$run(&geometry, grad_output, grad_input)`. Nothing is written on `Err`.
macro_rules! interpolate_backward_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            grad_output: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::InterpolateOptions,
            grad_input: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::interpolate::InterpolateGeometry::new(shape, layout, options)?;
            g.output.check_len($crate::Buffer::GradOutput, grad_output.len())?;
            g.input.check_len($crate::Buffer::GradInput, grad_input.len())?;
            $run(&g, grad_output, grad_input);
            Ok(())
        }
    };
}
pub(crate) use interpolate_backward_entry_point;
