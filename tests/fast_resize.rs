//! The fast ONNX `resize` against its scalar twin `reference::resize`:
//! bit for bit for nearest (NaN of any payload), within atol 1e-5 + rtol
//! 1.3e-6 for linear and cubic (NaN where the reference has NaN, the same
//! infinity where it has one), over random shapes (1-3 spatial axes, rows
//! up to 600 wide, 1-sized axes), both layouts, every mode and attribute
//! (coordinate modes, nearest modes, cubic_coeff_a, exclude_outside,
//! antialias, axes with negative values, keep_aspect_ratio_policy, roi and
//! extrapolation_value), scales or sizes, and inputs holding NaN,
//! infinities, subnormals and values near `f32::MAX`. Each call writes
//! into the front of a larger sentinel-filled buffer, whose tail must stay
//! untouched. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{Guarded, Rng, check, same, same_or_close};
use quickcheck::TestResult;
use upsample::{
    CoordinateTransformationMode as Ctm, KeepAspectRatioPolicy as Keep, NearestMode, ResizeMode,
    ResizeOptions, reference,
};

/// Sentinels after each output.
const GUARD: usize = 37;

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 1000;

/// A random Resize call: shape, layout, and the option lists it borrows.
struct Call {
    shape: Vec<usize>,
    layout: upsample::Layout,
    mode: ResizeMode,
    scales: Option<Vec<f32>>,
    sizes: Option<Vec<usize>>,
    roi: Option<Vec<f32>>,
    axes: Option<Vec<i64>>,
    coordinates: Ctm,
    nearest_mode: NearestMode,
    cubic_coeff_a: f32,
    exclude_outside: bool,
    extrapolation_value: f32,
    antialias: bool,
    keep: Keep,
    input: Vec<f32>,
}

impl Call {
    fn random(rng: &mut Rng) -> Call {
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
        Call {
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

    fn options(&self) -> ResizeOptions<'_> {
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

#[test]
fn fast_resize_equals_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let call = Call::random(&mut rng);
        let opts = call.options();
        let Ok(out_shape) = upsample::resize_output_shape(&call.shape, &opts) else {
            return TestResult::discard();
        };
        let len = out_shape.numel();
        if len > 2_000_000 {
            return TestResult::discard();
        }
        let (shape, layout) = (&call.shape, call.layout);
        let mut want = vec![0.0; len];
        reference::resize(&call.input, shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(len, 0, GUARD);
        upsample::resize(&call.input, shape, layout, &opts, got.inner_mut()).unwrap();
        if !got.bands_intact() {
            eprintln!("wrote past the output: {shape:?} {layout:?} {opts:?}");
            return TestResult::failed();
        }
        let exact = call.mode == ResizeMode::Nearest && !call.exclude_outside;
        for (j, (&g, &w)) in got.inner().iter().zip(&want).enumerate() {
            let ok = if exact {
                same(g, w)
            } else {
                same_or_close(g, w, 1e-5, 1.3e-6)
            };
            if !ok {
                eprintln!(
                    "element {j} of {len}: got {g:e}, want {w:e}: {shape:?} {layout:?} {opts:?}"
                );
                return TestResult::failed();
            }
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}
