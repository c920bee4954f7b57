//! ONNX `Resize`'s window along one axis, as
//! `onnx/reference/ops/op_resize.py` (`_interpolate_1d_along_axis`)
//! computes it, in `f64`:
//!
//! ```text
//! x     = the coordinate of output y (CoordinateTransformationMode)
//! ratio = x - floor(x), or 1 where x is an integer (the window leans left)
//! n     = 2 (nearest, linear), 4 (cubic); antialiased: 2 - 2 * start,
//!         start = floor(-1 / s) + 1 (linear), floor(-2 / s) + 1 (cubic),
//!         s = min(scale, 1)
//! taps  = the n inputs nearest x, smaller first on a tie; read clamped to
//!         [0, in - 1] (edge padding)
//! weights: nearest one 1 (nearest_mode), linear (1 - ratio, ratio), cubic
//!         by cubic_coeff_a; antialiased, the filter at (i - ratio) * s
//!         over its sum; exclude_outside: 0 for taps outside [0, in - 1],
//!         the others over their sum
//! tf_crop_and_resize: x outside [0, in - 1] is extrapolation_value
//! ```

use super::resize::{
    CoordinateTransformationMode as Ctm, NearestMode, ResizeAxis, ResizeGeometry, ResizeMode,
};

/// One axis's windows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResizeTaps {
    axis: ResizeAxis,
    mode: ResizeMode,
    coordinates: Ctm,
    nearest_mode: NearestMode,
    a: f64,
    exclude_outside: bool,
    /// Antialiased: `min(scale, 1)` and the first filter offset.
    antialias: Option<(f64, i64)>,
    /// The axis is left as it is (the reference implementation skips
    /// it): one tap, the output's own index.
    identity: bool,
    /// [`ResizeGeometry::copies`].
    copies: bool,
    taps: usize,
}

/// The window of one output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ResizeWindow {
    /// The first tap's input index (read clamped to the input).
    pub start: i64,
    /// The source coordinate's `ratio` (see the module docs).
    ratio: f64,
    /// What the weights are divided by (1 where they are not normalised).
    norm: f64,
    /// `tf_crop_and_resize`: the output is `extrapolation_value`.
    pub extrapolated: bool,
}

impl ResizeTaps {
    /// The windows of spatial axis `axis` of `g`. Out of line, as
    /// [`window`](Self::window) is: the reference's `value_at` takes one
    /// per axis, on the fast paths' exact fix-up, and in line their
    /// temporaries would add up in its frame (at opt-level 3).
    #[inline(never)]
    pub fn new(g: &ResizeGeometry, axis: &ResizeAxis) -> ResizeTaps {
        let s = axis.scale.min(1.0);
        let antialias = match (g.antialias, g.mode) {
            (true, ResizeMode::Linear) => Some((s, libm::floor(-1.0 / s) as i64 + 1)),
            (true, ResizeMode::Cubic) => Some((s, libm::floor(-2.0 / s) as i64 + 1)),
            _ => None,
        };
        let identity = axis.is_identity(g.coordinates == Ctm::TfCropAndResize);
        let taps = match (antialias, g.mode) {
            _ if identity => 1,
            (Some((_, start)), _) => (2 - 2 * start) as usize,
            (None, ResizeMode::Cubic) => 4,
            (None, _) => 2,
        };
        ResizeTaps {
            axis: *axis,
            mode: g.mode,
            coordinates: g.coordinates,
            nearest_mode: g.nearest_mode,
            a: g.cubic_coeff_a,
            exclude_outside: g.exclude_outside,
            antialias,
            identity,
            copies: g.copies(),
            taps,
        }
    }

    /// Taps per window.
    pub fn taps(&self) -> usize {
        self.taps
    }

    /// Whether each output copies the input its window picks: nearest,
    /// but for `exclude_outside` (which can weigh the picked tap 0: the
    /// weights then multiply, as in ONNX's reference implementation).
    pub fn copies(&self) -> bool {
        self.copies || self.identity
    }

    /// The tap of weight 1 of a nearest window.
    pub fn pick(&self, w: &ResizeWindow) -> Option<usize> {
        (0..self.taps).find(|&k| self.weight(w, k) == 1.0)
    }

    /// The coordinate of output `y`, and whether `tf_crop_and_resize`
    /// extrapolates it: the reference's `_compute_x_ori`, operation for
    /// operation.
    fn source(&self, y: usize) -> (f64, bool) {
        let ResizeAxis {
            input,
            output,
            scale,
            roi,
        } = self.axis;
        let (y, input_width) = (y as f64, input as f64);
        let output_width = scale * input_width;
        let x = match self.coordinates {
            Ctm::AlignCorners if output_width == 1.0 => 0.0,
            Ctm::AlignCorners => y * (input_width - 1.0) / (output_width - 1.0),
            Ctm::Asymmetric => y / scale,
            Ctm::TfCropAndResize => {
                let x = if output_width == 1.0 {
                    (roi.1 - roi.0) * (input_width - 1.0) / 2.0
                } else {
                    y * (roi.1 - roi.0) * (input_width - 1.0) / (output_width - 1.0)
                };
                let x = x + roi.0 * (input_width - 1.0);
                return (x, x < 0.0 || x > input_width - 1.0);
            }
            Ctm::PytorchHalfPixel if output_width == 1.0 => -0.5,
            Ctm::PytorchHalfPixel | Ctm::HalfPixel => (y + 0.5) / scale - 0.5,
            Ctm::HalfPixelSymmetric => {
                let adjustment = output as f64 / output_width;
                let center = input_width / 2.0;
                let offset = center * (1.0 - adjustment);
                offset + (y + 0.5) / scale - 0.5
            }
        };
        (x, false)
    }

    /// Output `y`'s window.
    #[inline(never)]
    pub fn window(&self, y: usize) -> ResizeWindow {
        if self.identity {
            return ResizeWindow {
                start: y as i64,
                ratio: 1.0,
                norm: 1.0,
                extrapolated: false,
            };
        }
        let (x, extrapolated) = self.source(y);
        let floor = libm::floor(x);
        let ratio = if x == floor { 1.0 } else { x - floor };
        // The n nearest indices in the edge-padded input, ties to the
        // smaller: n is even, so the window's center is a half-integer.
        let n = self.taps as i64;
        let pad = n / 2;
        let padded = x + pad as f64;
        let p = libm::floor(padded);
        let offset = if padded == p { -n / 2 } else { -n / 2 + 1 };
        let start = p as i64 + offset - pad;
        let mut w = ResizeWindow {
            start,
            ratio,
            norm: 1.0,
            extrapolated,
        };
        if self.antialias.is_some() {
            // The reference's `np.array(coeffs) / sum(coeffs)`.
            w.norm = (0..self.taps).map(|k| self.raw(&w, k)).sum();
        }
        if self.exclude_outside {
            let inside = |k: usize| (0..self.axis.input as i64).contains(&(start + k as i64));
            let sum: f64 = (0..self.taps)
                .filter(|&k| inside(k))
                .map(|k| self.raw(&w, k) / w.norm)
                .sum();
            // "Guard against rows where every coefficient is zero."
            w.norm *= if sum == 0.0 { 1.0 } else { sum };
        }
        w
    }

    /// Input index of tap `k` of `w`, clamped to the input (edge padding).
    pub fn index(&self, w: &ResizeWindow, k: usize) -> usize {
        (w.start + k as i64).clamp(0, self.axis.input as i64 - 1) as usize
    }

    /// The weight of tap `k` of `w`.
    pub fn weight(&self, w: &ResizeWindow, k: usize) -> f64 {
        let index = w.start + k as i64;
        if self.exclude_outside && !(0..self.axis.input as i64).contains(&index) {
            return 0.0;
        }
        self.raw(w, k) / w.norm
    }

    /// The filter's value at tap `k`, before any normalisation.
    fn raw(&self, w: &ResizeWindow, k: usize) -> f64 {
        if self.identity {
            return 1.0;
        }
        let (ratio, a) = (w.ratio, self.a);
        if let Some((s, first)) = self.antialias {
            let arg = ((first + k as i64) as f64 - ratio) * s;
            return match self.mode {
                ResizeMode::Linear => (1.0 - arg.abs()).clamp(0.0, 1.0),
                _ => cubic(arg, a),
            };
        }
        match self.mode {
            ResizeMode::Nearest => {
                let upper = match self.nearest_mode {
                    _ if ratio == 1.0 => true,
                    NearestMode::RoundPreferFloor => ratio > 0.5,
                    NearestMode::RoundPreferCeil => ratio >= 0.5,
                    NearestMode::Floor => false,
                    NearestMode::Ceil => true,
                };
                f64::from(u8::from((k == 1) == upper))
            }
            ResizeMode::Linear => [1.0 - ratio, ratio][k.min(1)],
            ResizeMode::Cubic => match k {
                0 => {
                    ((a * (ratio + 1.0) - 5.0 * a) * (ratio + 1.0) + 8.0 * a) * (ratio + 1.0)
                        - 4.0 * a
                }
                1 => ((a + 2.0) * ratio - (a + 3.0)) * ratio * ratio + 1.0,
                2 => ((a + 2.0) * (1.0 - ratio) - (a + 3.0)) * (1.0 - ratio) * (1.0 - ratio) + 1.0,
                _ => {
                    ((a * ((1.0 - ratio) + 1.0) - 5.0 * a) * ((1.0 - ratio) + 1.0) + 8.0 * a)
                        * ((1.0 - ratio) + 1.0)
                        - 4.0 * a
                }
            },
        }
    }
}

/// The antialiased cubic filter at `x` (the reference's `compute_coeff`).
fn cubic(x: f64, a: f64) -> f64 {
    let x = x.abs();
    let (x2, x3) = (x * x, x * x * x);
    if x <= 1.0 {
        (a + 2.0) * x3 - (a + 3.0) * x2 + 1.0
    } else if x < 2.0 {
        a * x3 - 5.0 * a * x2 + 8.0 * a * x - 4.0 * a
    } else {
        0.0
    }
}
