//! The fast ONNX `resize`, and (one case in four) `resize_with_scratch`,
//! against their scalar twin `reference::resize`:
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

use common::{Guarded, ResizeCall as Call, Rng, check, same, same_or_close};
use quickcheck::TestResult;
use upsample::{ResizeMode, reference};

/// Sentinels after each output.
const GUARD: usize = 37;

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 1000;

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
        let mut fast = Guarded::new(len, 0, GUARD);
        upsample::resize(&call.input, shape, layout, &opts, fast.inner_mut()).unwrap();
        // The caller-scratch variant, its scratch exactly as long as it asks.
        // One case in four (a quarter of the cost under emulation).
        let checked = seed.is_multiple_of(4);
        let mut scratched = Guarded::new(len, 0, GUARD);
        let need = upsample::resize_scratch_len(shape, layout, &opts).unwrap();
        let mut scratch = Guarded::new(need, 0, GUARD);
        let (out, tmp) = (scratched.inner_mut(), scratch.inner_mut());
        if checked {
            upsample::resize_with_scratch(&call.input, shape, layout, &opts, out, tmp).unwrap();
        }
        if !scratch.bands_intact() {
            eprintln!("wrote past the scratch: {shape:?} {layout:?} {opts:?}");
            return TestResult::failed();
        }
        let exact = call.mode == ResizeMode::Nearest && !call.exclude_outside;
        let paths = [("resize", &fast), ("with_scratch", &scratched)];
        for (path, got) in paths.into_iter().take(if checked { 2 } else { 1 }) {
            if !got.bands_intact() {
                eprintln!("{path} wrote past the output: {shape:?} {layout:?} {opts:?}");
                return TestResult::failed();
            }
            for (j, (&g, &w)) in got.inner().iter().zip(&want).enumerate() {
                let ok = if exact {
                    same(g, w)
                } else {
                    same_or_close(g, w, 1e-5, 1.3e-6)
                };
                if !ok {
                    eprintln!(
                        "{path} element {j} of {len}: got {g:e}, want {w:e}: {shape:?} {layout:?} {opts:?}"
                    );
                    return TestResult::failed();
                }
            }
        }
        TestResult::passed()
    }
    check(prop, TESTS);
}
