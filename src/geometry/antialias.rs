//! The antialiased filters and per-axis windows of ATen's
//! `_upsample_{bilinear,bicubic,lanczos}2d_aa` for float32 on CPU
//! (`HelperInterpBase::_compute_index_ranges_weights`, antialias branch, in
//! `aten/src/ATen/native/cpu/UpSampleKernel.cpp`; PIL's filters): the filter
//! widened by the scale when downsampling, each output's weights normalised
//! to sum to one.
//!
//! Every formula keeps ATen's `float` / `double` types, noted per line; the
//! AVX2 / AVX-512 builds of PyTorch contract some of them into FMAs, which
//! moves their results by an ulp or so.

use super::interpolate::{InterpolateGeometry, InterpolateMode};
use super::upsample::area_pixel_compute_scale;
use crate::layout::Layout;

/// The three antialiasing filters, with ATen's `interp_size` and `aa_filter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// `HelperInterpLinear`: triangle, `interp_size = 2`.
    Linear,
    /// `HelperInterpCubic` with `use_keys_cubic`: Keys cubic with
    /// `a = -0.5` (PIL's), `interp_size = 4`.
    Cubic,
    /// `HelperInterpLanczos`: Lanczos-3, `interp_size = 6`.
    Lanczos,
}

impl Filter {
    /// The filter of an antialiased mode (bilinear, bicubic, lanczos).
    pub fn for_mode(mode: InterpolateMode) -> Option<Filter> {
        match mode {
            InterpolateMode::Bilinear => Some(Filter::Linear),
            InterpolateMode::Bicubic => Some(Filter::Cubic),
            InterpolateMode::Lanczos => Some(Filter::Lanczos),
            _ => None,
        }
    }

    /// `F::interp_size`: the filter's support at scale 1, in pixels.
    fn interp_size(self) -> u32 {
        match self {
            Filter::Linear => 2,
            Filter::Cubic => 4,
            Filter::Lanczos => 6,
        }
    }

    /// `F::aa_filter<float>`.
    fn eval(self, x: f32) -> f32 {
        match self {
            Filter::Linear => linear_filter(x),
            Filter::Cubic => cubic_filter(x),
            Filter::Lanczos => lanczos_filter(x),
        }
    }
}

/// `HelperInterpLinear::aa_filter<float>` (PIL's `bilinear_filter`):
/// `x = abs(x); return x < 1.0 ? 1.0 - x : 0.0`, the subtraction in double.
fn linear_filter(x: f32) -> f32 {
    let x = x.abs();
    if x < 1.0 {
        (1.0 - f64::from(x)) as f32
    } else {
        0.0
    }
}

/// `HelperInterpCubic::aa_filter<float, /*use_keys_cubic=*/true>` (PIL's
/// `bicubic_filter`), `constexpr float a = -0.5`, with UpSample.h's
/// `cubic_convolution1` / `cubic_convolution2` unfused.
fn cubic_filter(x: f32) -> f32 {
    const A: f32 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        ((A * x - 5.0 * A) * x + 8.0 * A) * x - 4.0 * A
    } else {
        0.0
    }
}

/// `HelperInterpLanczos::aa_filter<float>`: `sinc(x) * sinc(x / 3)` for
/// `|x| < 3` (PIL's `lanczos_filter`), where `sinc(t) = sin(pi t) / (pi t)`.
///
/// PyTorch 2.15's source is not at hand; this follows the machine code of
/// its `DEFAULT` build (`libtorch_cpu.so`), which gives weights identical to
/// the installed PyTorch's: the first factor is all `float` (`sinf`,
/// `(float)M_PI`), the second all `double` (`x / 3.0` promotes), and their
/// product is taken in double and rounded to float.
fn lanczos_filter(x: f32) -> f32 {
    const PI_F32: f32 = core::f32::consts::PI;
    let ax = x.abs();
    // NaN lands in the `else` too.
    if ax < 3.0 {
        // sinc<float>(|x|)
        let near = if ax == 0.0 {
            1.0
        } else {
            let t = ax * PI_F32;
            libm::sinf(t) / t
        };
        // sinc<double>(|x| / 3.0)
        let third = f64::from(ax) / 3.0;
        let far = if third == 0.0 {
            1.0
        } else {
            let t = third * core::f64::consts::PI;
            libm::sin(t) / t
        };
        (f64::from(near) * far) as f32
    } else {
        0.0
    }
}

/// The per-axis constants of `HelperInterpBase::_compute_index_ranges_weights`
/// (antialias branch) for one resampled axis (`input_size != output_size`),
/// all `float` as for float32 input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AntialiasAxis {
    filter: Filter,
    input_size: usize,
    /// Input pixels per output pixel.
    scale: f32,
    /// Half-width of the (widened) filter, in input pixels.
    support: f32,
    /// `1 / scale` when downsampling (the filter is stretched), else 1.
    invscale: f32,
    /// `(int)ceil(support) * 2 + 1`: the most taps one output may use.
    max_interp_size: usize,
}

impl AntialiasAxis {
    /// `F::compute_index_ranges_weights`'s constants.
    pub fn new(
        filter: Filter,
        input_size: usize,
        output_size: usize,
        align_corners: bool,
        scale: Option<f64>,
    ) -> AntialiasAxis {
        let scale = area_pixel_compute_scale(input_size, output_size, align_corners, scale);
        let interp_size = f64::from(filter.interp_size());
        // `support = (scale >= 1.0) ? (interp_size * 0.5) * scale : interp_size * 0.5;`
        // in double, stored as float.
        let support = if scale >= 1.0 {
            ((interp_size * 0.5) * f64::from(scale)) as f32
        } else {
            (interp_size * 0.5) as f32
        };
        // `max_interp_size = (int) std::ceil(support) * 2 + 1;` (saturating
        // here instead of overflowing `int` for absurd supports).
        let max_interp_size = (libm::ceilf(support) as usize)
            .saturating_mul(2)
            .saturating_add(1);
        // `_compute_indices_min_size_weights_aa`:
        // `invscale = (scale >= 1.0) ? 1.0 / scale : 1.0;` in double, stored as float.
        let invscale = if scale >= 1.0 {
            (1.0 / f64::from(scale)) as f32
        } else {
            1.0
        };
        AntialiasAxis {
            filter,
            input_size,
            scale,
            support,
            invscale,
            max_interp_size,
        }
    }

    /// The most taps one output may read.
    pub fn max_interp_size(&self) -> usize {
        self.max_interp_size
    }

    /// `HelperInterpBase::_compute_indices_min_size_weights_aa` for output
    /// index `i`: the input range and the normalisation; the weights
    /// themselves come from [`AntialiasTaps::weight`].
    pub fn taps(&self, i: usize) -> AntialiasTaps {
        // `scalar_t center = scale * (i + 0.5);`: double product, stored as float.
        let center = (f64::from(self.scale) * (i as f64 + 0.5)) as f32;
        // `xmin = max((int64_t)(center - support + 0.5), 0)`: float
        // difference, double sum, truncated.
        let xmin = ((f64::from(center - self.support) + 0.5) as i64).max(0);
        // `xsize = min((int64_t)(center + support + 0.5), input_size) - xmin`,
        // clamped to `[0, max_interp_size]`.
        let xmax = ((f64::from(center + self.support) + 0.5) as i64)
            .min(i64::try_from(self.input_size).unwrap_or(i64::MAX));
        let xsize = usize::try_from(xmax - xmin)
            .unwrap_or(0)
            .min(self.max_interp_size);
        let mut taps = AntialiasTaps {
            axis: *self,
            // `xmin < input_size` whenever `xsize > 0`.
            xmin: usize::try_from(xmin).unwrap_or(0),
            xsize,
            center,
            total_w: 0.0,
        };
        // `total_w += w;` in float, in tap order.
        let mut total_w = 0.0f32;
        for j in 0..xsize {
            total_w += taps.raw_weight(j);
        }
        taps.total_w = total_w;
        taps
    }
}

/// The taps of one output index along one antialiased axis.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AntialiasTaps {
    axis: AntialiasAxis,
    /// First input index read.
    pub xmin: usize,
    /// Number of input indices read.
    pub xsize: usize,
    center: f32,
    /// Sum of the raw weights.
    total_w: f32,
}

impl AntialiasTaps {
    /// `w = filter_fn((j + xmin - center + 0.5) * invscale)`: `j + xmin` is an
    /// int64 converted to float for the float subtraction; the `+ 0.5` and the
    /// product are double; the filter takes the float.
    fn raw_weight(&self, j: usize) -> f32 {
        let offset = (j + self.xmin) as f32 - self.center;
        let x = (f64::from(offset) + 0.5) * f64::from(self.axis.invscale);
        self.axis.filter.eval(x as f32)
    }

    /// `wt_ptr[j] /= total_w` (float), skipped when the weights sum to 0.
    pub fn weight(&self, j: usize) -> f32 {
        let w = self.raw_weight(j);
        if self.total_w != 0.0 {
            w / self.total_w
        } else {
            w
        }
    }
}

/// A PyTorch bug kept here, since PyTorch's answers are the spec: when the
/// height is resampled and the output is one pixel wide, every output row
/// gets the value of row 0, unless the tensor is channels-last with C > 1.
///
/// `basic_loop_aa_vertical` reads the vertical pass's index range and
/// weights from element 0 of its inner loop (`data[k][0]`, "zero strides"),
/// assuming the loop runs along W or C, where they are constant. With an
/// output width of 1, TensorIterator drops W, and unless channels-last
/// C > 1 puts C innermost, the inner loop runs along the output height, so
/// all rows reuse row 0's taps (and read the same input, whose H stride is
/// zeroed in that pass). Checked against PyTorch 2.15 with one thread; with
/// several threads and an output above TensorIterator's 32768-element grain,
/// each thread's chunk restarts at its own first row instead.
pub(crate) fn vertical_pass_repeats_first_row(g: &InterpolateGeometry) -> bool {
    let (i, o) = (&g.input, &g.output);
    i.spatial[1] != o.spatial[1]
        && o.spatial[2] == 1
        && (o.layout == Layout::ChannelsFirst || o.c == 1)
}
