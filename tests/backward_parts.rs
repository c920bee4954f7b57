//! `upsample::part`'s backward ops: a gradient cut into parts at random
//! unit boundaries, the parts run in a random order or on real threads,
//! each into its own guard-banded piece, equals one whole call bit for bit
//! (every interpolation mode, the copying ops, conv_transpose's input
//! gradient; both layouts; NaN, infinities and huge values in the output
//! gradient). Also: a part with a bad index is an error that names the
//! index's position in the whole call and writes nothing, and a part that
//! is not whole units is an error. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::parts::{joined_equals, piece, split};
use common::{Call, Problem, Rng, check, random_pool, random_unpool};
use quickcheck::TestResult;
use upsample::part::{self, Units};
use upsample::{ConvTransposeGradients, Error, Layout, MaxPoolOptions, UnpoolOptions};

/// Cases per property (`QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 300;

#[test]
fn interpolate_backward_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let mode = rng.pick(&common::MODES);
        let call = Call::random(&mut rng, mode);
        let opts = call.options();
        let Ok(out) = upsample::interpolate_output_shape(&call.shape, &opts) else {
            return TestResult::discard();
        };
        let grad = rng.special_values(out.numel(), true);
        let (shape, layout) = (&call.shape[..], call.layout);
        let mut whole = vec![0.0; call.input.len()];
        upsample::interpolate_backward(&grad, shape, layout, &opts, &mut whole).unwrap();
        let units = part::interpolate_backward_units(shape, layout, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, n| {
            piece(n * units.len, |o| {
                part::interpolate_backward(&grad, shape, layout, &opts, first, o)
            })
        });
        let result = joined_equals(pieces, &whole);
        if result.is_error() {
            eprintln!("{:?} {shape:?} {layout:?} {opts:?}", call.mode);
        }
        result
    }
    check(prop, TESTS);
}

#[test]
fn pixel_shuffle_backward_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = rng.range(1, 4);
        let (n, h, w) = (rng.range(1, 3), rng.range(1, 9), rng.range(1, 9));
        let c = rng.range(1, 5);
        let layout = rng.layout();
        let shuffle = rng.coin();
        // The forward input: (N, C*r*r, H, W) to shuffle, (N, C, H*r, W*r)
        // to unshuffle; the gradient has the other shape's elements.
        let shape = if shuffle {
            [n, c * r * r, h, w]
        } else {
            [n, c, h * r, w * r]
        };
        let grad = rng.special_values(shape.iter().product(), true);
        let mut whole = vec![0.0; grad.len()];
        let units = if shuffle {
            upsample::pixel_shuffle_backward(&grad, &shape, layout, r, &mut whole).unwrap();
            part::pixel_shuffle_backward_units(&shape, layout, r).unwrap()
        } else {
            upsample::pixel_unshuffle_backward(&grad, &shape, layout, r, &mut whole).unwrap();
            part::pixel_unshuffle_backward_units(&shape, layout, r).unwrap()
        };
        let pieces = split(&mut rng, units, |first, k| {
            piece(k * units.len, |o| {
                if shuffle {
                    part::pixel_shuffle_backward(&grad, &shape, layout, r, first, o)
                } else {
                    part::pixel_unshuffle_backward(&grad, &shape, layout, r, first, o)
                }
            })
        });
        joined_equals(pieces, &whole)
    }
    check(prop, TESTS);
}

#[test]
fn max_pool_backward_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, layout, geo, ceil_mode) = random_pool(&mut rng);
        let opts = geo.max_pool_options(ceil_mode);
        let Ok(out) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        // The indices of a real forward (windows that overlap choose an
        // element more than once), some of them -1 (skipped). A window
        // that holds no element (dilation past the padding) gives PyTorch's
        // index past the plane, which the backward rejects: skipped too.
        let plane: usize = shape[2..].iter().product();
        let input = rng.pool_data(shape.iter().product());
        let mut pooled = vec![0.0; out.numel()];
        let mut indices = vec![0i64; out.numel()];
        upsample::max_pool(&input, &shape, layout, &opts, &mut pooled, &mut indices).unwrap();
        for v in indices.iter_mut() {
            if rng.range(0, 9) == 0 || *v >= plane as i64 {
                *v = -1;
            }
        }
        let grad = rng.special_values(out.numel(), true);
        let mut whole = vec![0.0; input.len()];
        upsample::max_pool_backward(&grad, &indices, &shape, layout, &opts, &mut whole).unwrap();
        let units = part::max_pool_backward_units(&shape, layout, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, k| {
            piece(k * units.len, |o| {
                part::max_pool_backward(&grad, &indices, &shape, layout, &opts, first, o)
            })
        });
        joined_equals(pieces, &whole)
    }
    check(prop, TESTS);
}

#[test]
fn unpool_backward_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, size, layout) = random_unpool(&mut rng);
        let opts = geo.unpool_options(&size);
        let Ok(out) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let n: usize = shape.iter().product();
        let plane = out[2..].iter().product::<usize>();
        let grad = rng.special_values(out.numel(), true);
        let mut whole = vec![0.0; n];
        if rng.coin() {
            let indices: Vec<i64> = (0..n).map(|_| rng.range(0, plane - 1) as i64).collect();
            upsample::max_unpool_backward(&grad, &indices, &shape, layout, &opts, &mut whole)
                .unwrap();
            let units = part::max_unpool_backward_units(&shape, layout, &opts).unwrap();
            let pieces = split(&mut rng, units, |first, k| {
                piece(k * units.len, |o| {
                    part::max_unpool_backward(&grad, &indices, &shape, layout, &opts, first, o)
                })
            });
            joined_equals(pieces, &whole)
        } else {
            upsample::avg_unpool_backward(&grad, &shape, layout, &opts, &mut whole).unwrap();
            let units = part::avg_unpool_backward_units(&shape, layout, &opts).unwrap();
            let pieces = split(&mut rng, units, |first, k| {
                piece(k * units.len, |o| {
                    part::avg_unpool_backward(&grad, &shape, layout, &opts, first, o)
                })
            });
            joined_equals(pieces, &whole)
        }
    }
    check(prop, TESTS);
}

#[test]
fn conv_transpose_backward_input_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(mut p) = Problem::random(&mut rng) else {
            return TestResult::discard();
        };
        p.shape[0] = rng.range(1, 4);
        p.x = rng.special_values(p.shape.iter().product(), false);
        if rng.range(0, 2) == 0 {
            // Depthwise: a group per channel, one output channel each.
            let c = p.shape[1];
            (p.groups, p.wshape[0], p.wshape[1]) = (c, c, 1);
            p.w = rng.signed_units(p.wshape.iter().product());
        }
        let opts = p.opts();
        let Ok(out) = upsample::conv_transpose_output_shape(&p.shape, &p.wshape, &opts) else {
            return TestResult::discard();
        };
        let grad = rng.special_values(out.numel(), true);
        let scratch_len =
            upsample::conv_transpose_backward_scratch_len(&p.shape, p.layout, &p.wshape, &opts)
                .unwrap();
        // The whole call, with every gradient: the input gradient does not
        // depend on which others the call computes.
        let (mut whole, mut gw) = (vec![0.0; p.x.len()], vec![0.0; p.w.len()]);
        let mut gb = vec![0.0; out[1]];
        let gradients = ConvTransposeGradients {
            input: Some(&mut whole),
            weight: Some(&mut gw),
            bias: Some(&mut gb),
        };
        let mut scratch = vec![0.0; scratch_len];
        upsample::conv_transpose_backward(
            &grad,
            &p.x,
            &p.shape,
            p.layout,
            &p.w,
            &p.wshape,
            &opts,
            gradients,
            &mut scratch,
        )
        .unwrap();
        let units = part::conv_transpose_backward_input_units(&p.shape, p.layout, &p.wshape, &opts)
            .unwrap();
        assert_eq!(units.count, p.shape[0]);
        let pieces = split(&mut rng, units, |first, n| {
            let mut scratch = vec![0.0; scratch_len];
            piece(n * units.len, |o| {
                part::conv_transpose_backward_input(
                    &grad,
                    &p.shape,
                    p.layout,
                    &p.w,
                    &p.wshape,
                    &opts,
                    first,
                    o,
                    &mut scratch,
                )
            })
        });
        joined_equals(pieces, &whole)
    }
    check(prop, 200);
}

/// A bad index in a part: an error naming its position in the whole
/// `indices`, nothing written; the parts without it succeed.
#[test]
fn a_bad_index_fails_its_part_and_writes_nothing() {
    let shape = [1, 3, 4];
    let layout = Layout::ChannelsFirst;
    // max_unpool_backward: indices of the input's shape, into planes of 8.
    let opts = UnpoolOptions::new(&[2]);
    let grad: Vec<f32> = (1..=24).map(|v| v as f32).collect();
    let mut indices: Vec<i64> = (0..12).map(|k| 2 * (k % 4) as i64).collect();
    indices[9] = 8;
    let units = part::max_unpool_backward_units(&shape, layout, &opts).unwrap();
    assert_eq!(units, Units { count: 3, len: 4 });
    let mut out = [7.0f32; 4];
    part::max_unpool_backward(&grad, &indices, &shape, layout, &opts, 1, &mut out).unwrap();
    assert_eq!(out, [9.0, 11.0, 13.0, 15.0]);
    let mut out = [7.0f32; 4];
    let err =
        part::max_unpool_backward(&grad, &indices, &shape, layout, &opts, 2, &mut out).unwrap_err();
    let want = Error::IndexOutOfRange {
        position: 9,
        index: 8,
        plane_size: 8,
    };
    assert_eq!(err, want);
    assert_eq!(out, [7.0; 4]);
    // max_pool_backward: indices of the output's shape, into planes of 4.
    let opts = MaxPoolOptions::new(&[2]);
    let grad = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    let indices = [1i64, 2, 0, 3, 4, -1];
    let mut out = [7.0f32; 4];
    part::max_pool_backward(&grad, &indices, &shape, layout, &opts, 1, &mut out).unwrap();
    assert_eq!(out, [3.0, 0.0, 0.0, 4.0]);
    let mut out = [7.0f32; 8];
    let err =
        part::max_pool_backward(&grad, &indices, &shape, layout, &opts, 1, &mut out).unwrap_err();
    let want = Error::IndexOutOfRange {
        position: 4,
        index: 4,
        plane_size: 4,
    };
    assert_eq!(err, want);
    assert_eq!(out, [7.0; 8]);
}

/// Pieces that are not whole units within the call: `PartOutOfRange`,
/// nothing written.
#[test]
fn a_part_of_partial_units_is_an_error_that_writes_nothing() {
    let opts = UnpoolOptions::new(&[2]);
    let (shape, grad) = ([2, 3, 5], vec![1.0; 60]);
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        let units = part::avg_unpool_backward_units(&shape, layout, &opts).unwrap();
        let expect = match layout {
            Layout::ChannelsFirst => Units { count: 6, len: 5 },
            Layout::ChannelsLast => Units { count: 2, len: 15 },
        };
        assert_eq!(units, expect);
        let bad = [
            (0, 0),
            (0, units.len - 1),
            (0, units.len + 1),
            (units.count, units.len),
            (units.count - 1, 2 * units.len),
            (usize::MAX, units.len),
        ];
        for (first, len) in bad {
            let mut out = vec![7.0; len];
            let err = part::avg_unpool_backward(&grad, &shape, layout, &opts, first, &mut out)
                .unwrap_err();
            assert!(
                matches!(err, Error::PartOutOfRange { unit_len, units: u, .. } if unit_len == units.len && u == units.count),
                "{first} {len}: {err:?}"
            );
            assert!(out.iter().all(|&v| v == 7.0), "{first} {len} wrote");
        }
    }
}
