//! `upsample::part`: a call cut into parts at random unit boundaries (one
//! part up to one part per unit), the parts run in a random order or on
//! real threads, each into its own guard-banded piece, equals one whole
//! call bit for bit, for every op over the property tests' random calls
//! (both layouts, every mode and rank, NaN and infinities in the inputs).
//! Also: a part that is not whole units is an error that writes nothing,
//! and a bad `max_unpool` index spoils only its own part.
//! `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::parts::{GUARD, equal, joined_equals, piece, split};
use common::{Call, Guarded, Problem, Rng, check, random_pool, random_unpool};
use quickcheck::TestResult;
use upsample::part::{self, Units};
use upsample::{BlockMode, Error, InterpolateMode as M, Layout, UnpoolOptions};

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 300;

#[test]
fn interpolate_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let modes = [M::Nearest, M::Bilinear, M::Bicubic, M::Area, M::Trilinear];
        let mode = rng.pick(&modes);
        let mode = if rng.coin() {
            mode
        } else {
            rng.pick(&common::MODES)
        };
        let call = Call::random(&mut rng, mode);
        let opts = call.options();
        let Ok(out) = upsample::interpolate_output_shape(&call.shape, &opts) else {
            return TestResult::discard();
        };
        let mut whole = vec![0.0; out.numel()];
        let (shape, layout) = (&call.shape[..], call.layout);
        upsample::interpolate(&call.input, shape, layout, &opts, &mut whole).unwrap();
        let units = part::interpolate_units(shape, layout, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, n| {
            piece(n * units.len, |o| {
                part::interpolate(&call.input, shape, layout, &opts, first, o)
            })
        });
        let result = joined_equals(pieces, &whole);
        if result.is_failure() || result.is_error() {
            eprintln!(
                "{:?} {:?} {:?} size {:?} sf {:?} rc {:?} ac {:?} aa {}",
                call.mode,
                call.shape,
                layout,
                call.size,
                call.scale_factor,
                call.recompute,
                call.align_corners,
                call.antialias
            );
        }
        result
    }
    check(prop, TESTS);
}

#[test]
fn resize_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let call = common::ResizeCall::random(&mut rng);
        let opts = call.options();
        let Ok(out) = upsample::resize_output_shape(&call.shape, &opts) else {
            return TestResult::discard();
        };
        if out.numel() > 1_000_000 {
            return TestResult::discard();
        }
        let mut whole = vec![0.0; out.numel()];
        let (shape, layout) = (&call.shape[..], call.layout);
        upsample::resize(&call.input, shape, layout, &opts, &mut whole).unwrap();
        let units = part::resize_units(shape, layout, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, n| {
            piece(n * units.len, |o| {
                part::resize(&call.input, shape, layout, &opts, first, o)
            })
        });
        let result = joined_equals(pieces, &whole);
        if result.is_failure() || result.is_error() {
            eprintln!("{shape:?} {layout:?} {opts:?}");
        }
        result
    }
    check(prop, TESTS);
}

#[test]
fn pixel_shuffle_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = rng.range(1, 4);
        let layout = rng.layout();
        let shuffle = rng.coin();
        let (n, c, h, w) = (rng.range(1, 3), rng.range(1, 5), rng.size(20), rng.size(20));
        let shape = if shuffle {
            [n, c * r * r, h, w]
        } else {
            [n, c, h * r, w * r]
        };
        // PyTorch's op, or ONNX's in either block order.
        let mode = [None, Some(BlockMode::Dcr), Some(BlockMode::Crd)][rng.range(0, 2)];
        let input = rng.special_values(shape.iter().product(), true);
        let mut whole = vec![0.0; input.len()];
        let units = match (shuffle, mode) {
            (true, None) => {
                upsample::pixel_shuffle(&input, &shape, layout, r, &mut whole).unwrap();
                part::pixel_shuffle_units(&shape, layout, r).unwrap()
            }
            (false, None) => {
                upsample::pixel_unshuffle(&input, &shape, layout, r, &mut whole).unwrap();
                part::pixel_unshuffle_units(&shape, layout, r).unwrap()
            }
            (true, Some(m)) => {
                upsample::depth_to_space(&input, &shape, layout, r, m, &mut whole).unwrap();
                part::depth_to_space_units(&shape, layout, r, m).unwrap()
            }
            (false, Some(m)) => {
                upsample::space_to_depth(&input, &shape, layout, r, m, &mut whole).unwrap();
                part::space_to_depth_units(&shape, layout, r, m).unwrap()
            }
        };
        let pieces = split(&mut rng, units, |first, k| {
            piece(k * units.len, |o| match (shuffle, mode) {
                (true, None) => part::pixel_shuffle(&input, &shape, layout, r, first, o),
                (false, None) => part::pixel_unshuffle(&input, &shape, layout, r, first, o),
                (true, Some(m)) => part::depth_to_space(&input, &shape, layout, r, m, first, o),
                (false, Some(m)) => part::space_to_depth(&input, &shape, layout, r, m, first, o),
            })
        });
        joined_equals(pieces, &whole)
    }
    check(prop, TESTS);
}

#[test]
fn max_pool_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, layout, geo, ceil_mode) = random_pool(&mut rng);
        let opts = geo.max_pool_options(ceil_mode);
        let Ok(out) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let input = rng.pool_data(shape.iter().product());
        let (mut whole, mut whole_idx) = (vec![0.0; out.numel()], vec![0i64; out.numel()]);
        upsample::max_pool(&input, &shape, layout, &opts, &mut whole, &mut whole_idx).unwrap();
        let units = part::max_pool_units(&shape, layout, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, n| {
            let mut idx = Guarded::new(n * units.len, GUARD, GUARD);
            let values = piece(n * units.len, |o| {
                part::max_pool(&input, &shape, layout, &opts, first, o, idx.inner_mut())
            })?;
            if !idx.bands_intact() {
                return Err("a part wrote indices outside its piece".into());
            }
            Ok((values, idx.inner().to_vec()))
        });
        match pieces {
            Ok(p) => {
                let (values, idx): (Vec<_>, Vec<_>) = p.into_iter().unzip();
                let (values, idx) = (values.concat(), idx.concat());
                let bad = idx.iter().zip(&whole_idx).position(|(a, b)| a != b);
                let ok = equal(&values, &whole) && bad.is_none();
                if !ok {
                    eprintln!(
                        "max_pool {shape:?} {layout:?} k {:?} s {:?} p {:?} d {:?} ceil {ceil_mode}: \
                         values {:?}, index {:?}",
                        geo.kernel,
                        geo.stride,
                        geo.padding,
                        geo.dilation,
                        common::first_difference(&values, &whole),
                        bad.map(|k| (k, idx[k], whole_idx[k]))
                    );
                }
                TestResult::from_bool(ok)
            }
            Err(e) => TestResult::error(e),
        }
    }
    check(prop, TESTS);
}

#[test]
fn unpool_parts_equal_the_whole_call() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, size, layout) = random_unpool(&mut rng);
        let opts = geo.unpool_options(&size);
        let Ok(out) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let n: usize = shape.iter().product();
        let plane = out[2..].iter().product::<usize>();
        let input = rng.special_values(n, true);
        let indices: Vec<i64> = (0..n).map(|_| rng.range(0, plane - 1) as i64).collect();
        let mut whole = vec![0.0; out.numel()];
        if rng.coin() {
            upsample::max_unpool(&input, &indices, &shape, layout, &opts, &mut whole).unwrap();
            let units = part::max_unpool_units(&shape, layout, &opts).unwrap();
            joined_equals(
                split(&mut rng, units, |first, k| {
                    piece(k * units.len, |o| {
                        part::max_unpool(&input, &indices, &shape, layout, &opts, first, o)
                    })
                }),
                &whole,
            )
        } else {
            upsample::avg_unpool(&input, &shape, layout, &opts, &mut whole).unwrap();
            let units = part::avg_unpool_units(&shape, layout, &opts).unwrap();
            joined_equals(
                split(&mut rng, units, |first, k| {
                    piece(k * units.len, |o| {
                        part::avg_unpool(&input, &shape, layout, &opts, first, o)
                    })
                }),
                &whole,
            )
        }
    }
    check(prop, TESTS);
}

#[test]
fn conv_transpose_parts_equal_the_whole_call() {
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
            p.bias = p.bias.is_some().then(|| rng.signed_units(c));
        }
        let opts = p.opts();
        let Ok(out) = upsample::conv_transpose_output_shape(&p.shape, &p.wshape, &opts) else {
            return TestResult::discard();
        };
        let scratch_len =
            upsample::conv_transpose_scratch_len(&p.shape, p.layout, &p.wshape, &opts).unwrap();
        let mut whole = vec![0.0; out.numel()];
        let mut scratch = vec![0.0; scratch_len];
        let bias = p.bias.as_deref();
        upsample::conv_transpose(
            &p.x,
            &p.shape,
            p.layout,
            &p.w,
            &p.wshape,
            bias,
            &opts,
            &mut whole,
            &mut scratch,
        )
        .unwrap();
        let units = part::conv_transpose_units(&p.shape, p.layout, &p.wshape, &opts).unwrap();
        let pieces = split(&mut rng, units, |first, n| {
            let mut scratch = vec![0.0; scratch_len];
            piece(n * units.len, |o| {
                part::conv_transpose(
                    &p.x,
                    &p.shape,
                    p.layout,
                    &p.w,
                    &p.wshape,
                    bias,
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

/// Pieces that are not whole units within the call: `PartOutOfRange`,
/// nothing written.
#[test]
fn a_part_of_partial_units_is_an_error_that_writes_nothing() {
    let opts = upsample::InterpolateOptions::scale_factor(M::Bilinear, 2.0);
    let (shape, input) = ([2, 3, 4, 5], vec![1.0; 120]);
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        let units = part::interpolate_units(&shape, layout, &opts).unwrap();
        // One output row of a plane: 6 planes (2 images) of 8 rows.
        let expect = match layout {
            Layout::ChannelsFirst => Units { count: 48, len: 10 },
            Layout::ChannelsLast => Units { count: 16, len: 30 },
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
            let err =
                part::interpolate(&input, &shape, layout, &opts, first, &mut out).unwrap_err();
            assert!(
                matches!(err, Error::PartOutOfRange { unit_len, units: u, .. } if unit_len == units.len && u == units.count),
                "{first} {len}: {err:?}"
            );
            assert!(out.iter().all(|&v| v == 7.0), "{first} {len} wrote");
        }
        // The whole call's input length is checked, not the part's.
        let mut out = vec![7.0; units.len];
        let err = part::interpolate(&input[..60], &shape, layout, &opts, 0, &mut out).unwrap_err();
        assert!(
            matches!(
                err,
                Error::BufferLength {
                    expected: 120,
                    actual: 60,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

/// A bad index spoils its own part (NaN, and the error's position in the
/// whole `indices`); the other parts are the whole call's planes.
#[test]
fn a_bad_max_unpool_index_spoils_only_its_part() {
    let opts = UnpoolOptions::new(&[2]);
    let shape = [1, 3, 4];
    let input: Vec<f32> = (1..=12).map(|v| v as f32).collect();
    let mut indices: Vec<i64> = (0..12).map(|k| 2 * (k % 4) as i64).collect();
    indices[9] = 8;
    let units = part::max_unpool_units(&shape, Layout::ChannelsFirst, &opts).unwrap();
    assert_eq!(units, Units { count: 3, len: 8 });
    let mut out = [0.0f32; 24];
    let (a, rest) = out.split_at_mut(8);
    let (b, c) = rest.split_at_mut(8);
    for (first, piece) in [(0, a), (1, b)] {
        part::max_unpool(
            &input,
            &indices,
            &shape,
            Layout::ChannelsFirst,
            &opts,
            first,
            piece,
        )
        .unwrap();
    }
    let err =
        part::max_unpool(&input, &indices, &shape, Layout::ChannelsFirst, &opts, 2, c).unwrap_err();
    assert_eq!(
        err,
        Error::IndexOutOfRange {
            position: 9,
            index: 8,
            plane_size: 8
        }
    );
    assert_eq!(out[..8], [1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 4.0, 0.0]);
    assert_eq!(out[8..16], [5.0, 0.0, 6.0, 0.0, 7.0, 0.0, 8.0, 0.0]);
    assert!(out[16..].iter().all(|v| v.is_nan()));
}
