//! A random ONNX `resize` call (`tests/fast_resize.rs`, `tests/parts.rs`):
//! every mode and attribute, 1-3 spatial axes, rows up to 600 wide, both
//! layouts, inputs with special values.

use super::Rng;
use upsample::{
    CoordinateTransformationMode as Ctm, KeepAspectRatioPolicy as Keep, NearestMode, ResizeMode,
    ResizeOptions,
};

/// A random Resize call: shape, layout, and the option lists it borrows.
pub struct ResizeCall {
    pub shape: Vec<usize>,
    pub layout: upsample::Layout,
    pub mode: ResizeMode,
    pub scales: Option<Vec<f32>>,
    pub sizes: Option<Vec<usize>>,
    pub roi: Option<Vec<f32>>,
    pub axes: Option<Vec<i64>>,
    pub coordinates: Ctm,
    pub nearest_mode: NearestMode,
    pub cubic_coeff_a: f32,
    pub exclude_outside: bool,
    pub extrapolation_value: f32,
    pub antialias: bool,
    pub keep: Keep,
    pub input: Vec<f32>,
}

impl ResizeCall {
    pub fn random(rng: &mut Rng) -> ResizeCall {
        let rank = rng.range(1, 3);
        let max = [600, 40, 12][rank - 1];
        let mut shape = vec![rng.range(1, 2), rng.range(1, 5)];
        shape.extend((0..rank).map(|_| rng.size(max)));
        let r = shape.len();
        let mode = rng.pick(&[ResizeMode::Nearest, ResizeMode::Linear, ResizeMode::Cubic]);
        let coordinates = rng.pick(&[
            Ctm::HalfPixel,
            Ctm::HalfPixelSymmetric,
            Ctm::PytorchHalfPixel,
            Ctm::AlignCorners,
            Ctm::Asymmetric,
            Ctm::TfCropAndResize,
        ]);
        // Which axes the lists give: every axis, or some spatial ones.
        let axes: Option<Vec<i64>> = rng.coin().then(|| {
            let mut spatial: Vec<i64> = (2..r as i64).collect();
            for k in (1..spatial.len()).rev() {
                spatial.swap(k, rng.range(0, k));
            }
            spatial.truncate(rng.range(1, spatial.len()));
            spatial
                .into_iter()
                .map(|a| if rng.coin() { a - r as i64 } else { a })
                .collect()
        });
        let which: Vec<usize> = match &axes {
            Some(axes) => axes
                .iter()
                .map(|&a| a.rem_euclid(r as i64) as usize)
                .collect(),
            None => (0..r).collect(),
        };
        let (mut scales, mut sizes, mut keep) = (None, None, Keep::Stretch);
        if rng.coin() {
            let pick = [0.25f32, 0.5, 0.6, 0.75, 1.0, 1.3, 1.5, 2.0, 3.0, 4.0];
            scales = Some(
                which
                    .iter()
                    .map(|&a| if a >= 2 { rng.pick(&pick) } else { 1.0 })
                    .collect(),
            );
        } else {
            sizes = Some(
                which
                    .iter()
                    .map(|&a| {
                        if a >= 2 {
                            rng.range(1, 2 * shape[a] + 3)
                        } else {
                            shape[a]
                        }
                    })
                    .collect(),
            );
            if axes.is_some() {
                keep = rng.pick(&[Keep::Stretch, Keep::NotLarger, Keep::NotSmaller]);
            }
        }
        let roi = (coordinates == Ctm::TfCropAndResize).then(|| {
            let starts = which
                .iter()
                .map(|&a| if a >= 2 { rng.signed_unit() * 0.3 } else { 0.0 });
            let starts: Vec<f32> = starts.collect();
            let ends = which.iter().map(|&a| {
                if a >= 2 {
                    0.8 + rng.signed_unit() * 0.3
                } else {
                    1.0
                }
            });
            starts.into_iter().chain(ends).collect()
        });
        let smooth = mode != ResizeMode::Nearest;
        let input = rng.special_values(shape.iter().product(), true);
        ResizeCall {
            layout: rng.layout(),
            mode,
            scales,
            sizes,
            roi,
            axes,
            coordinates,
            nearest_mode: rng.pick(&[
                NearestMode::RoundPreferFloor,
                NearestMode::RoundPreferCeil,
                NearestMode::Floor,
                NearestMode::Ceil,
            ]),
            cubic_coeff_a: rng.pick(&[-0.75, -0.5, -0.6]),
            exclude_outside: rng.range(0, 3) == 0,
            extrapolation_value: rng.pick(&[0.0, -1.5, f32::NAN]),
            antialias: smooth && rng.coin(),
            keep,
            shape,
            input,
        }
    }

    pub fn options(&self) -> ResizeOptions<'_> {
        ResizeOptions {
            mode: self.mode,
            scales: self.scales.as_deref(),
            sizes: self.sizes.as_deref(),
            roi: self.roi.as_deref(),
            axes: self.axes.as_deref(),
            coordinate_transformation_mode: self.coordinates,
            nearest_mode: self.nearest_mode,
            cubic_coeff_a: self.cubic_coeff_a,
            exclude_outside: self.exclude_outside,
            extrapolation_value: self.extrapolation_value,
            antialias: self.antialias,
            keep_aspect_ratio_policy: self.keep,
        }
    }
}
