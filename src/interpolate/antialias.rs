//! Antialiased bilinear, bicubic and lanczos windows (ATen's
//! `HelperInterpBase::_compute_index_ranges_weights`, antialias branch, as
//! transcribed in `reference::antialias`): the filter widened by the scale
//! when downsampling, each output's weights normalised to sum to one.
//!
//! ATen resamples the width, then the height; the fast path sums the height
//! first (each output row's taps over a span of input rows, vectorised along
//! the row), then the width. Same taps, other rounding order.

use super::InterpolateMode;
use super::linear::area_pixel_compute_scale;
use super::taps::Window;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Filter {
    Linear,
    Cubic,
    Lanczos,
}

impl Filter {
    fn eval(self, x: f32) -> f32 {
        let x = x.abs();
        match self {
            Filter::Linear => {
                if x < 1.0 {
                    (1.0 - f64::from(x)) as f32
                } else {
                    0.0
                }
            }
            Filter::Cubic => {
                const A: f32 = -0.5;
                if x < 1.0 {
                    ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
                } else if x < 2.0 {
                    ((A * x - 5.0 * A) * x + 8.0 * A) * x - 4.0 * A
                } else {
                    0.0
                }
            }
            Filter::Lanczos => {
                if x < 3.0 {
                    let near = if x == 0.0 {
                        1.0
                    } else {
                        let t = x * core::f32::consts::PI;
                        libm::sinf(t) / t
                    };
                    let third = f64::from(x) / 3.0;
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
        }
    }
}

/// One antialiased axis (`input_size != output_size`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AntialiasAxis {
    filter: Filter,
    input_size: usize,
    scale: f32,
    support: f32,
    invscale: f32,
    max_interp_size: usize,
}

impl AntialiasAxis {
    pub fn new(
        mode: InterpolateMode,
        input_size: usize,
        output_size: usize,
        align_corners: bool,
        scale: Option<f64>,
    ) -> AntialiasAxis {
        let (filter, interp_size) = match mode {
            InterpolateMode::Bicubic => (Filter::Cubic, 4.0),
            InterpolateMode::Lanczos => (Filter::Lanczos, 6.0),
            _ => (Filter::Linear, 2.0),
        };
        let scale = area_pixel_compute_scale(input_size, output_size, align_corners, scale);
        let support = if scale >= 1.0 {
            ((interp_size * 0.5) * f64::from(scale)) as f32
        } else {
            (interp_size * 0.5) as f32
        };
        let max_interp_size = (libm::ceilf(support) as usize)
            .saturating_mul(2)
            .saturating_add(1);
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

    /// Output `o`'s normalised weights; `last` is the last valid window start.
    pub fn window(&self, o: usize, last: usize, window: &mut Window<'_>) {
        let center = (f64::from(self.scale) * (o as f64 + 0.5)) as f32;
        let xmin = ((f64::from(center - self.support) + 0.5) as i64).max(0);
        let xmax = ((f64::from(center + self.support) + 0.5) as i64)
            .min(i64::try_from(self.input_size).unwrap_or(i64::MAX));
        let xsize = usize::try_from(xmax - xmin)
            .unwrap_or(0)
            .min(self.max_interp_size)
            .min(crate::interpolate::taps::MAX_TAPS);
        let xmin = usize::try_from(xmin).unwrap_or(0);
        let raw = |j: usize| {
            let offset = (j + xmin) as f32 - center;
            let x = (f64::from(offset) + 0.5) * f64::from(self.invscale);
            self.filter.eval(x as f32)
        };
        let mut total = 0.0f32;
        let mut weights = [0.0f32; crate::interpolate::taps::MAX_TAPS];
        for (j, w) in weights.iter_mut().enumerate().take(xsize) {
            *w = raw(j);
            total += *w;
        }
        window.start = xmin.min(last);
        for (j, &w) in weights.iter().enumerate().take(xsize) {
            window.add(xmin + j, if total != 0.0 { w / total } else { w });
        }
    }
}
