//! The fast `interpolate`, and `interpolate_with_scratch` (every fixed case,
//! one random case in four), against their scalar twin `reference::interpolate`:
//! bit for bit for nearest / nearest-exact, within atol 1e-5 + rtol 1.3e-6
//! for the rest, over random shapes (1-sized axes, widths off the lane
//! count, up- and downsampling, odd per-axis scales), both layouts, every
//! mode and rank, `size` or `scale_factor` with every
//! `recompute_scale_factor`, rows up to 2100 wide, and inputs holding NaN,
//! infinities, subnormals and values near `f32::MAX` (NaN where the
//! reference has NaN, the same infinity where it has one, the tolerance
//! elsewhere). Each call writes into the front of a larger
//! sentinel-filled buffer, whose tail must stay untouched.
//! `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{Call, Guarded, MODES, Rng, check, identical, same_or_close};
use quickcheck::TestResult;
use upsample::{InterpolateMode as M, Layout, reference};

/// Sentinels after each output.
const GUARD: usize = 37;

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 1000;

/// Of the random cases, those whose seed is a multiple of this check
/// `interpolate_with_scratch` too (the fixed cases all do): enough cases of
/// the one scalar kernel, at a quarter of the cost under emulation.
const SCRATCH_EVERY: u64 = 4;

/// `call` through `interpolate` (and, with `scratch`, through
/// `interpolate_with_scratch`) against the reference.
fn compare(call: &Call) -> TestResult {
    compare_paths(call, true)
}

fn compare_paths(call: &Call, scratch: bool) -> TestResult {
    let opts = call.options();
    let Ok(out_shape) = upsample::interpolate_output_shape(&call.shape, &opts) else {
        return TestResult::discard();
    };
    let len = out_shape.numel();
    if len > 4_000_000 {
        return TestResult::discard();
    }
    let mut want = vec![0.0; len];
    reference::interpolate(&call.input, &call.shape, call.layout, &opts, &mut want).unwrap();
    let mut fast = Guarded::new(len, 0, GUARD);
    upsample::interpolate(
        &call.input,
        &call.shape,
        call.layout,
        &opts,
        fast.inner_mut(),
    )
    .unwrap();
    // The caller-scratch variant, its scratch exactly as long as it asks.
    let mut scratched = Guarded::new(len, 0, GUARD);
    let need = upsample::interpolate_scratch_len(&call.shape, call.layout, &opts).unwrap();
    let mut scratch_buffer = Guarded::new(need, 0, GUARD);
    if scratch {
        upsample::interpolate_with_scratch(
            &call.input,
            &call.shape,
            call.layout,
            &opts,
            scratched.inner_mut(),
            scratch_buffer.inner_mut(),
        )
        .unwrap();
    }
    let describe = || {
        format!(
            "{:?} {:?} {:?} size {:?} sf {:?} rc {:?} ac {:?} aa {}",
            call.mode,
            call.layout,
            call.shape,
            call.size,
            call.scale_factor,
            call.recompute,
            call.align_corners,
            call.antialias
        )
    };
    if !scratch_buffer.bands_intact() {
        eprintln!("wrote past the scratch: {}", describe());
        return TestResult::failed();
    }
    let paths = [("interpolate", &fast), ("with_scratch", &scratched)];
    for (path, got) in paths.into_iter().take(if scratch { 2 } else { 1 }) {
        if !got.bands_intact() {
            eprintln!("{path} wrote past the output: {}", describe());
            return TestResult::failed();
        }
        // NaN where the reference has NaN, the same infinity where it has
        // one, the tolerance elsewhere.
        let exact = matches!(call.mode, M::Nearest | M::NearestExact);
        for (j, (&g, &w)) in got.inner().iter().zip(&want).enumerate() {
            let ok = if exact {
                identical(g, w)
            } else {
                same_or_close(g, w, 1e-5, 1.3e-6)
            };
            if !ok {
                eprintln!(
                    "{path} element {j}: got {g:e}, want {w:e} (diff {:e}): {}",
                    g - w,
                    describe()
                );
                return TestResult::failed();
            }
        }
    }
    TestResult::passed()
}

#[test]
fn fast_equals_reference_any_mode() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let mode = rng.pick(&MODES);
        compare_paths(
            &Call::random(&mut rng, mode),
            seed.is_multiple_of(SCRATCH_EVERY),
        )
    }
    check(prop, TESTS);
}

macro_rules! per_mode {
    ($($name:ident => $mode:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            fn prop(seed: u64) -> TestResult {
                let mut rng = Rng(seed);
                compare_paths(&Call::random(&mut rng, $mode), seed.is_multiple_of(SCRATCH_EVERY))
            }
            check(prop, TESTS);
        }
    )*};
}

per_mode! {
    fast_nearest => M::Nearest,
    fast_nearest_exact => M::NearestExact,
    fast_linear => M::Linear,
    fast_bilinear => M::Bilinear,
    fast_bicubic => M::Bicubic,
    fast_trilinear => M::Trilinear,
    fast_area => M::Area,
    fast_lanczos => M::Lanczos,
}

/// Every mode has a property above (a coverage check: adding a mode
/// without adding it here fails).
#[test]
fn every_mode_is_covered() {
    for mode in MODES {
        assert_eq!(M::from_name(mode.name()), Some(mode));
    }
    // The list is exhaustive: a new variant makes this match fail to compile.
    for mode in MODES {
        match mode {
            M::Nearest
            | M::NearestExact
            | M::Linear
            | M::Bilinear
            | M::Bicubic
            | M::Trilinear
            | M::Area
            | M::Lanczos => {}
        }
    }
}

/// A source row that an output row weighs by zero, holding values near
/// `f32::MAX` in a pattern whose bicubic sum along W overflows: PyTorch
/// multiplies that infinite sum by the zero weight, NaN, where a blend of
/// rows first gives a finite number (the flags do not see it, so the row
/// drivers look for such rows). Bicubic with align_corners weighs the
/// neighbours of every whole source position by zero (6 -> 11 rows: every
/// other output row; x2: the first and last). Rows 40 and 1001 wide, 1 to
/// 4 channels, both layouts; the reference's NaN are checked to be there.
#[test]
fn zero_weight_rows_that_overflow() {
    let mut rng = Rng(11);
    let max = f32::MAX;
    let pattern = [-max, max, max, -max];
    for (spatial, size) in [
        (&[6usize, 40][..], &[11usize, 79][..]),
        (&[6, 1001], &[12, 2002]),
    ] {
        for c in [1, 3, 4] {
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                let shape: Vec<usize> = [&[2, c][..], spatial].concat();
                let (h, w) = (spatial[spatial.len() - 2], spatial[spatial.len() - 1]);
                let mut input = rng.signed_units(shape.iter().product());
                // Row 1 of every plane (and depth), in either layout.
                for (k, x) in input.iter_mut().enumerate() {
                    let (row, col) = match layout {
                        Layout::ChannelsFirst => ((k / w) % h, k % w),
                        Layout::ChannelsLast => ((k / (w * c)) % h, (k / c) % w),
                    };
                    if row == 1 {
                        *x = pattern[col % 4];
                    }
                }
                let call = Call {
                    shape,
                    mode: M::Bicubic,
                    size: Some(size.to_vec()),
                    scale_factor: None,
                    recompute: None,
                    align_corners: Some(true),
                    antialias: false,
                    layout,
                    input,
                };
                let describe = format!("{:?} {layout:?}", call.shape);
                let mut want = vec![0.0; 2 * c * size[0] * size[1]];
                let opts = call.options();
                reference::interpolate(&call.input, &call.shape, layout, &opts, &mut want).unwrap();
                assert!(want.iter().any(|x| x.is_nan()), "no NaN: {describe}");
                assert!(!compare(&call).is_failure(), "{describe}");
            }
        }
    }
}

/// The benchmark shapes, each once, in both layouts.
#[test]
fn benchmark_shapes() {
    let mut rng = Rng(7);
    type Case<'a> = (M, &'a [usize], &'a [usize], Option<bool>, bool);
    let cases: &[Case<'_>] = &[
        (M::Nearest, &[1, 8, 128, 128], &[256, 256], None, false),
        (M::NearestExact, &[1, 8, 128, 128], &[256, 256], None, false),
        (
            M::Bilinear,
            &[1, 8, 128, 128],
            &[256, 256],
            Some(false),
            false,
        ),
        (
            M::Bilinear,
            &[1, 8, 128, 128],
            &[256, 256],
            Some(true),
            false,
        ),
        (M::Bilinear, &[1, 8, 128, 128], &[217, 217], None, false),
        (M::Bicubic, &[1, 8, 128, 128], &[256, 256], None, false),
        (M::Bilinear, &[1, 8, 128, 128], &[64, 64], None, true),
        (M::Bicubic, &[1, 8, 128, 128], &[64, 64], None, true),
        (M::Lanczos, &[1, 8, 128, 128], &[64, 64], None, true),
        (
            M::Trilinear,
            &[1, 4, 32, 32, 32],
            &[64, 64, 64],
            None,
            false,
        ),
        (M::Nearest, &[1, 16, 32, 32], &[64, 64], None, false),
        (M::Area, &[1, 8, 128, 128], &[50, 64], None, false),
    ];
    for &(mode, shape, size, align_corners, antialias) in cases {
        for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            let n: usize = shape.iter().product();
            let call = Call {
                shape: shape.to_vec(),
                mode,
                size: Some(size.to_vec()),
                scale_factor: None,
                recompute: None,
                align_corners,
                antialias,
                layout,
                input: rng.signed_units(n),
            };
            assert!(!compare(&call).is_failure(), "{mode:?} {layout:?}");
        }
    }
}

/// The channels-first paths for columns that double (nearest and
/// nearest-exact copying each column twice, linear, bilinear, bicubic and
/// trilinear blending in one pass), and the same cases channels-last (nearest
/// copying each pixel twice; the blends in registers for 1, 2, 4 or 8
/// whole vectors of channels, the general path otherwise): widths across the lane counts and the clamped
/// edges, rows that repeat, shrink or blend (bicubic on inputs 2, 3 and 4+
/// rows high, so 2, 3 and 4 vertical taps), one to three spatial
/// dimensions, and scale factors that look like 2 but are not (the general
/// path then).
#[test]
fn doubled_columns() {
    let mut rng = Rng(11);
    type Case<'a> = (M, &'a [usize], Option<&'a [usize]>, Option<&'a [f64]>);
    let cases: &[Case<'_>] = &[
        (M::Nearest, &[1, 3, 5, 4], Some(&[15, 8]), None),
        (M::Nearest, &[2, 2, 3, 17], Some(&[2, 34]), None),
        (M::NearestExact, &[1, 2, 7, 33], Some(&[5, 66]), None),
        (M::Nearest, &[1, 1, 40], Some(&[80]), None),
        (M::Nearest, &[1, 2, 3, 4, 19], Some(&[6, 2, 38]), None),
        (M::Nearest, &[1, 2, 4, 21], None, Some(&[2.0, 2.0000001])),
        (M::Linear, &[2, 3, 4], Some(&[8]), None),
        (M::Linear, &[1, 2, 37], None, Some(&[2.0])),
        (M::Bilinear, &[1, 2, 6, 17], Some(&[12, 34]), None),
        (M::Bilinear, &[1, 3, 5, 33], Some(&[8, 66]), None),
        (M::Bilinear, &[2, 1, 4, 16], Some(&[2, 32]), None),
        (M::Bilinear, &[1, 2, 3, 18], None, Some(&[1.0, 2.0])),
        (M::Bilinear, &[1, 2, 3, 18], None, Some(&[2.0, 1.999])),
        (M::Bicubic, &[1, 2, 6, 17], Some(&[12, 34]), None),
        (M::Bicubic, &[1, 3, 5, 40], Some(&[10, 80]), None),
        (M::Bicubic, &[1, 2, 3, 8], Some(&[6, 16]), None),
        (M::Bicubic, &[1, 1, 4, 7], Some(&[8, 14]), None),
        (M::Bicubic, &[2, 1, 9, 33], Some(&[9, 66]), None),
        (M::Bicubic, &[1, 2, 5, 16], Some(&[3, 32]), None),
        (M::Bicubic, &[1, 2, 2, 18], Some(&[4, 36]), None),
        (M::Bicubic, &[1, 1, 3, 20], Some(&[6, 40]), None),
        (M::Bicubic, &[1, 2, 4, 21], None, Some(&[2.0, 2.0000001])),
        // More channels, for the channels-last runs.
        (M::Nearest, &[1, 16, 3, 5], Some(&[6, 10]), None),
        (M::NearestExact, &[2, 37, 2, 7], Some(&[3, 14]), None),
        (M::Nearest, &[1, 20, 9], None, Some(&[2.0])),
        (M::Bilinear, &[1, 16, 5, 9], Some(&[10, 18]), None),
        (M::Bilinear, &[2, 21, 3, 4], Some(&[6, 8]), None),
        (M::Linear, &[1, 40, 11], Some(&[22]), None),
        (M::Bicubic, &[1, 16, 6, 8], Some(&[12, 16]), None),
        (M::Bicubic, &[1, 35, 3, 13], Some(&[6, 26]), None),
        (M::Bicubic, &[2, 17, 2, 9], Some(&[4, 18]), None),
        (M::Bicubic, &[1, 33, 4, 10], None, Some(&[2.0, 2.0000001])),
        // Channels-last kernel: 1, 2, 4 or 8 whole vectors of channels (or
        // groups of them: 64 and 128 channels in 4 lanes).
        (M::Bilinear, &[1, 32, 4, 12], Some(&[8, 24]), None),
        (M::Bilinear, &[2, 64, 3, 5], Some(&[3, 10]), None),
        (M::Linear, &[1, 128, 10], Some(&[20]), None),
        (M::Bicubic, &[1, 64, 5, 9], Some(&[10, 18]), None),
        (M::Bicubic, &[1, 32, 7, 8], Some(&[14, 16]), None),
        (M::Bicubic, &[1, 32, 2, 8], Some(&[4, 16]), None),
        // Trilinear: four source rows (two depths by two heights).
        (M::Trilinear, &[1, 2, 3, 4, 19], Some(&[6, 8, 38]), None),
        (M::Trilinear, &[1, 16, 4, 3, 8], Some(&[8, 6, 16]), None),
        (M::Trilinear, &[1, 32, 2, 5, 6], Some(&[2, 10, 12]), None),
        (M::Trilinear, &[2, 3, 5, 2, 20], None, Some(&[2.0])),
        (
            M::Trilinear,
            &[1, 64, 3, 3, 9],
            None,
            Some(&[1.5, 2.0, 2.0]),
        ),
    ];
    for &(mode, shape, size, scale_factor) in cases {
        for align_corners in match mode {
            M::Linear | M::Bilinear | M::Bicubic | M::Trilinear => &[Some(false), Some(true)][..],
            _ => &[None][..],
        } {
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                let n: usize = shape.iter().product();
                let call = Call {
                    shape: shape.to_vec(),
                    mode,
                    size: size.map(<[usize]>::to_vec),
                    scale_factor: scale_factor.map(<[f64]>::to_vec),
                    recompute: None,
                    align_corners: *align_corners,
                    antialias: false,
                    layout,
                    input: rng.signed_units(n),
                };
                assert!(
                    !compare(&call).is_failure(),
                    "{mode:?} {shape:?} {size:?} {scale_factor:?} {align_corners:?} {layout:?}"
                );
            }
        }
    }
}

/// The paths wide and halving inputs take, fed what users bring (NaN,
/// +-inf, subnormals, values near `f32::MAX`): channels-last RGB, RGBA
/// and 2-channel rows of 1330-2800 output pixels (chunks of up to 1024
/// columns), one- and two-plane channels-first halvings (the general
/// pass's periodic run, not four planes, on SSE2), and area halvings
/// (windows of exactly 2 taps), in both layouts.
#[test]
fn wide_rows_and_halvings_with_special_values() {
    let mut rng = Rng(29);
    type Case<'a> = (M, &'a [usize], Layout, &'a [f64]);
    let cases: &[Case<'_>] = &[
        (
            M::Bilinear,
            &[1, 3, 3, 700],
            Layout::ChannelsLast,
            &[1.5, 1.9],
        ),
        (
            M::Bicubic,
            &[2, 4, 2, 1400],
            Layout::ChannelsLast,
            &[2.0, 0.95],
        ),
        (
            M::Bilinear,
            &[1, 2, 2, 2300],
            Layout::ChannelsLast,
            &[1.0, 0.5],
        ),
        (
            M::Bilinear,
            &[1, 1, 40, 1030],
            Layout::ChannelsFirst,
            &[0.5, 0.5],
        ),
        (
            M::Bilinear,
            &[1, 2, 12, 600],
            Layout::ChannelsFirst,
            &[0.5, 0.5],
        ),
        (
            M::Trilinear,
            &[1, 1, 8, 16, 40],
            Layout::ChannelsFirst,
            &[0.5, 0.5, 0.5],
        ),
        (
            M::Area,
            &[1, 3, 16, 1200],
            Layout::ChannelsFirst,
            &[0.5, 0.5],
        ),
        (
            M::Area,
            &[1, 3, 16, 1200],
            Layout::ChannelsLast,
            &[0.5, 0.5],
        ),
        (
            M::Area,
            &[2, 4, 8, 12, 20],
            Layout::ChannelsLast,
            &[0.5, 0.5, 0.5],
        ),
    ];
    for &(mode, shape, layout, scale) in cases {
        for huge in [false, true] {
            let n: usize = shape.iter().product();
            let call = Call {
                shape: shape.to_vec(),
                mode,
                size: None,
                scale_factor: Some(scale.to_vec()),
                recompute: None,
                align_corners: (mode != M::Area).then_some(false),
                antialias: false,
                layout,
                input: rng.special_values(n, huge),
            };
            assert!(
                !compare(&call).is_failure(),
                "{mode:?} {shape:?} {layout:?} {scale:?} huge {huge}"
            );
        }
    }
}

/// Channels-last windows of 2 or 4 taps at any scale (the rolling-blend
/// kernel for 1, 2, 4 or 8 whole vectors of channels, or groups of them,
/// at the build's lane width, the general path otherwise): upsampling and downsampling by odd
/// factors (window starts that stay, step and jump), `align_corners`,
/// trilinear, antialiased bilinear and area, with 16 to 128 channels, and
/// RGB and RGBA rows of more than a thousand output pixels (the kernel's
/// chunks of columns are wider for pixels of few channels).
#[test]
fn channels_last_windows() {
    let mut rng = Rng(23);
    type Case<'a> = (M, &'a [usize], &'a [f64], bool);
    let cases: &[Case<'_>] = &[
        (M::Bilinear, &[1, 16, 7, 11], &[1.7, 1.7], false),
        (M::Bilinear, &[2, 32, 5, 13], &[0.6, 0.45], false),
        (M::Bilinear, &[1, 64, 4, 9], &[2.0, 2.0], false),
        (M::Bilinear, &[1, 128, 3, 8], &[1.3, 3.1], false),
        (M::Linear, &[1, 32, 21], &[0.3], false),
        (M::Bicubic, &[1, 16, 6, 10], &[1.7, 1.4], false),
        (M::Bicubic, &[1, 32, 9, 12], &[0.7, 0.6], false),
        (M::Trilinear, &[1, 16, 3, 4, 7], &[1.5, 1.7, 2.3], false),
        (M::Bilinear, &[1, 32, 8, 12], &[0.5, 0.5], true),
        (M::Area, &[1, 16, 8, 12], &[0.5, 0.5], false),
        (M::Bilinear, &[1, 48, 5, 6], &[1.7, 1.7], false),
        (M::Bilinear, &[1, 3, 3, 700], &[1.5, 1.9], false),
        (M::Bicubic, &[2, 4, 2, 1400], &[2.0, 0.95], false),
        (M::Bilinear, &[1, 2, 2, 2300], &[1.0, 0.5], false),
    ];
    for &(mode, shape, scale, antialias) in cases {
        let corners = match mode {
            M::Area => &[None][..],
            _ if antialias => &[Some(false)][..],
            _ => &[Some(false), Some(true)][..],
        };
        for align_corners in corners {
            let n: usize = shape.iter().product();
            let call = Call {
                shape: shape.to_vec(),
                mode,
                size: None,
                scale_factor: Some(scale.to_vec()),
                recompute: None,
                align_corners: *align_corners,
                antialias,
                layout: Layout::ChannelsLast,
                input: rng.signed_units(n),
            };
            assert!(
                !compare(&call).is_failure(),
                "{mode:?} {shape:?} {scale:?} {align_corners:?} antialias {antialias}"
            );
        }
    }
}
