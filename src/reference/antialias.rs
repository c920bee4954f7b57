//! Reference antialiased resampling for float32 on CPU: ATen's
//! `_upsample_bilinear2d_aa`, `_upsample_bicubic2d_aa` and
//! `_upsample_lanczos2d_aa` (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`:
//! `separable_upsample_generic_Nd_kernel_impl` with `HelperInterpLinear`,
//! `HelperInterpCubic` and `HelperInterpLanczos`; the scale helpers of
//! `aten/src/ATen/native/UpSample.h`).
//!
//! ATen resamples one axis at a time, PIL style: the width first into a
//! float temporary, then the height, and it skips an axis whose input and
//! output sizes are equal (even when a `scale_factor` would make that
//! axis's scale differ from 1). Along a resampled axis, output `i` is a
//! normalised weighted sum over the input range `[xmin, xmin + xsize)`,
//! with the filter widened by the scale when downsampling.
//!
//! With no heap, this file does not keep the temporary: every output
//! element is `sum_y wy * (sum_x wx * in[y, x])`, recomputing each
//! horizontal value exactly as ATen's first pass stores it (same float
//! operations in the same order), so the result has the same bits as ATen's
//! scalar (`DEFAULT` CPU capability) build. Nor are weights stored: each is
//! recomputed from the filter when used, after a first pass over the taps
//! that sums them for the normalisation, so any downscale factor works with
//! constant stack use.
//!
//! Every formula keeps ATen's `float` / `double` types, noted per line; the
//! AVX2 / AVX-512 builds of PyTorch contract some of them into FMAs, which
//! moves their results by an ulp or so.

use crate::interpolate::{InterpolateGeometry, InterpolateMode};
use crate::layout::Layout;

/// The three antialiasing filters, with ATen's `interp_size` and `aa_filter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    /// `HelperInterpLinear`: triangle, `interp_size = 2`.
    Linear,
    /// `HelperInterpCubic` with `use_keys_cubic`: Keys cubic with
    /// `a = -0.5` (PIL's), `interp_size = 4`.
    Cubic,
    /// `HelperInterpLanczos`: Lanczos-3, `interp_size = 6`.
    Lanczos,
}

impl Filter {
    fn for_mode(mode: InterpolateMode) -> Option<Filter> {
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
/// `bicubic_filter`), `constexpr float a = -0.5`.
fn cubic_filter(x: f32) -> f32 {
    const A: f32 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        cubic_convolution1(x, A)
    } else if x < 2.0 {
        cubic_convolution2(x, A)
    } else {
        0.0
    }
}

/// `cubic_convolution1<float>` (UpSample.h): `((A + 2) * x - (A + 3)) * x * x + 1`.
fn cubic_convolution1(x: f32, a: f32) -> f32 {
    ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
}

/// `cubic_convolution2<float>` (UpSample.h): `((A * x - 5A) * x + 8A) * x - 4A`.
fn cubic_convolution2(x: f32, a: f32) -> f32 {
    ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
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

/// `area_pixel_compute_scale<float>` (UpSample.h), with
/// `compute_scales_value<float>`: `(in - 1) / (out - 1)` (0 for one output)
/// with `align_corners`, else the user's scale factor inverted in double and
/// cast to float, else `(float)in / out`.
fn area_pixel_compute_scale(
    input_size: usize,
    output_size: usize,
    align_corners: bool,
    scale: Option<f64>,
) -> f32 {
    if align_corners {
        if output_size > 1 {
            (input_size - 1) as f32 / (output_size - 1) as f32
        } else {
            0.0
        }
    } else {
        match scale {
            // ATen's "magic > 0": a non-positive scale means "not given".
            Some(s) if s > 0.0 => (1.0 / s) as f32,
            _ => input_size as f32 / output_size as f32,
        }
    }
}

/// The per-axis constants of `HelperInterpBase::_compute_index_ranges_weights`
/// (antialias branch), all `float` as for float32 input.
#[derive(Clone, Copy, Debug)]
struct Axis {
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

impl Axis {
    fn new(
        filter: Filter,
        input_size: usize,
        output_size: usize,
        align_corners: bool,
        scale: Option<f64>,
    ) -> Axis {
        // `F::compute_index_ranges_weights`.
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
        Axis {
            filter,
            input_size,
            scale,
            support,
            invscale,
            max_interp_size,
        }
    }

    /// `HelperInterpBase::_compute_indices_min_size_weights_aa` for output
    /// index `i`: the input range and the normalisation, with the weights
    /// themselves left to [`Taps::weight`].
    fn taps(&self, i: usize) -> Taps {
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
        let mut taps = Taps {
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

/// The taps of one output index along one axis.
#[derive(Clone, Copy, Debug)]
struct Taps {
    axis: Axis,
    /// First input index read.
    xmin: usize,
    /// Number of input indices read.
    xsize: usize,
    center: f32,
    /// Sum of the raw weights.
    total_w: f32,
}

impl Taps {
    /// `w = filter_fn((j + xmin - center + 0.5) * invscale)`: `j + xmin` is an
    /// int64 converted to float for the float subtraction; the `+ 0.5` and the
    /// product are double; the filter takes the float.
    fn raw_weight(&self, j: usize) -> f32 {
        let offset = (j + self.xmin) as f32 - self.center;
        let x = (f64::from(offset) + 0.5) * f64::from(self.axis.invscale);
        self.axis.filter.eval(x as f32)
    }

    /// `wt_ptr[j] /= total_w` (float), skipped when the weights sum to 0.
    fn weight(&self, j: usize) -> f32 {
        let w = self.raw_weight(j);
        if self.total_w != 0.0 {
            w / self.total_w
        } else {
            w
        }
    }

    /// `interpolate_aa_single_dim` / `interpolate_aa_single_dim_zero_strides`:
    /// `output = src[xmin] * w[0]; output += src[xmin + j] * w[j]` in float.
    /// ATen never produces an empty range; if it did, its (zero) weights
    /// would give 0, which is returned without reading.
    fn apply(&self, src: impl Fn(usize) -> f32) -> f32 {
        if self.xsize == 0 {
            return 0.0;
        }
        let mut output = src(self.xmin) * self.weight(0);
        for j in 1..self.xsize {
            output += src(self.xmin + j) * self.weight(j);
        }
        output
    }
}

/// One axis of the separable resampling: left as is when its size does not
/// change (`separable_upsample_generic_Nd_kernel_impl` tests
/// `output_shape[interp_dim] != input_shape[interp_dim]`), else resampled.
#[derive(Clone, Copy, Debug)]
enum Pass {
    Skip,
    Resample(Axis),
}

impl Pass {
    fn new(
        filter: Filter,
        input_size: usize,
        output_size: usize,
        align_corners: bool,
        scale: Option<f64>,
    ) -> Pass {
        if input_size == output_size {
            Pass::Skip
        } else {
            Pass::Resample(Axis::new(
                filter,
                input_size,
                output_size,
                align_corners,
                scale,
            ))
        }
    }

    /// Output `i` of this pass over the line `src`.
    fn apply(&self, i: usize, src: impl Fn(usize) -> f32) -> f32 {
        match self {
            Pass::Skip => src(i),
            Pass::Resample(axis) => axis.taps(i).apply(src),
        }
    }
}

/// PyTorch's `_upsample_{bilinear,bicubic,lanczos}2d_aa` for float32 on CPU
/// (`upsample_{bilinear,bicubic,lanczos}2d_aa_kernel_impl` ->
/// `separable_upsample_generic_Nd_kernel_impl<2, ...>`): a 2-d input
/// `(N, C, H, W)` in either layout, geometry and buffer lengths already
/// checked by the caller.
pub(crate) fn interpolate_aa(input: &[f32], g: &InterpolateGeometry, output: &mut [f32]) {
    let Some(filter) = Filter::for_mode(g.mode) else {
        debug_assert!(
            false,
            "antialias is only validated for bilinear, bicubic and lanczos"
        );
        return;
    };
    let (src, dst) = (&g.input, &g.output);
    let [_, in_h, in_w] = src.spatial;
    let [_, out_h, out_w] = dst.spatial;
    // Scales are per padded [D, H, W] axis; a 2-d input uses H and W.
    let vertical = Pass::new(filter, in_h, out_h, g.align_corners, g.scales[1]);
    let horizontal = Pass::new(filter, in_w, out_w, g.align_corners, g.scales[2]);
    let collapse = vertical_pass_repeats_first_row(g, &vertical);
    for n in 0..dst.n {
        for c in 0..dst.c {
            for oy in 0..out_h {
                let row = if collapse { 0 } else { oy };
                for ox in 0..out_w {
                    // Horizontal pass (into ATen's temporary) then vertical.
                    let value = vertical.apply(row, |y| {
                        horizontal.apply(ox, |x| input[src.offset(n, c, [0, y, x])])
                    });
                    output[dst.offset(n, c, [0, oy, ox])] = value;
                }
            }
        }
    }
}

/// A PyTorch bug this reference keeps, since PyTorch's answers are the spec:
/// when the height is resampled and the output is one pixel wide, every
/// output row gets the value of row 0, unless the tensor is channels-last
/// with C > 1.
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
fn vertical_pass_repeats_first_row(g: &InterpolateGeometry, vertical: &Pass) -> bool {
    let out = &g.output;
    matches!(vertical, Pass::Resample(_))
        && out.spatial[2] == 1
        && (out.layout == Layout::ChannelsFirst || out.c == 1)
}
