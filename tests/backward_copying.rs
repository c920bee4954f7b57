//! The backward ops of pixel (un)shuffle, max pool, max unpool and average
//! unpool: the fast paths against `upsample::reference` bit for bit (every
//! one of them sums in the reference's order; of a sum of two NaNs only the
//! NaN-ness is compared: which operand's payload and sign it keeps is the
//! compiler's choice, as `a + b` and `b + a` are one operation to it) with special values in the
//! gradient, guard bands around every written buffer, the adjoint identity
//! `<forward(x), g> == <x, backward(g)>`, and bad calls that must leave the
//! gradient untouched. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{
    Guarded, PoolGeometry, Rng, check, dot, first_difference, first_mismatch, random_unpool, same,
    same_bits, untouched,
};
use quickcheck::TestResult;
use upsample::{Buffer, Error, Layout, MaxPoolOptions, UnpoolOptions, reference};

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 300;

/// Sentinels after each gradient (before it: as many as its offset).
const TAIL: usize = 40;

/// `|lhs - rhs|` of an adjoint identity within `bound`.
fn adjoint_holds(lhs: f64, rhs: f64, bound: f64) -> bool {
    (lhs - rhs).abs() <= bound
}

/// The bound of the adjoint identity of a linear map with non-negative
/// weights `f` and its transpose `b`, both computed in f32: each output of
/// either sums at most `terms` products, so its rounding error is at most
/// `terms * 2^-24` of the sum of their magnitudes, which `f(|x|)` and
/// `b(|g|)` are; the f64 dot products add nothing comparable. `4 *` leaves
/// room for the division by the count; a wrong or missing term moves a side
/// by `|x_j g_k|`, far above it.
fn linear_bound(terms: usize, abs_forward_dot: f64, abs_backward_dot: f64) -> f64 {
    4.0 * terms as f64 * f64::from(f32::EPSILON) * (abs_forward_dot + abs_backward_dot) + 1e-30
}

/// Equal lengths, and every element the same bits or both NaN (sums).
fn same_sums(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && first_mismatch(a, b, same).is_none()
}

fn abs(v: &[f32]) -> Vec<f32> {
    v.iter().map(|x| x.abs()).collect()
}

#[test]
fn pixel_shuffle_backward_is_the_inverse_and_its_adjoint() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = rng.range(1, 4);
        let layout = rng.layout();
        let shuffle = rng.coin();
        let c = rng.size(if r > 2 { 4 } else { 12 });
        let (h, w) = (rng.size(6), rng.size(if r > 2 { 9 } else { 30 }));
        let shape = if shuffle {
            vec![rng.range(1, 2), c * r * r, h, w]
        } else {
            vec![rng.range(1, 2), c, h * r, w * r]
        };
        let out_shape = if shuffle {
            upsample::pixel_shuffle_output_shape(&shape, r)
        } else {
            upsample::pixel_unshuffle_output_shape(&shape, r)
        }
        .unwrap();
        let len: usize = shape.iter().product();
        let grad_output = rng.special_values(len, true);
        let mut want = vec![0.0; len];
        let mut inverse = vec![0.0; len];
        let mut got = Guarded::new(len, rng.range(0, 16), TAIL);
        if shuffle {
            reference::pixel_shuffle_backward(&grad_output, &shape, layout, r, &mut want).unwrap();
            upsample::pixel_shuffle_backward(&grad_output, &shape, layout, r, got.inner_mut())
                .unwrap();
            upsample::pixel_unshuffle(&grad_output, &out_shape, layout, r, &mut inverse).unwrap();
        } else {
            reference::pixel_unshuffle_backward(&grad_output, &shape, layout, r, &mut want)
                .unwrap();
            upsample::pixel_unshuffle_backward(&grad_output, &shape, layout, r, got.inner_mut())
                .unwrap();
            upsample::pixel_shuffle(&grad_output, &out_shape, layout, r, &mut inverse).unwrap();
        }
        // The adjoint identity on finite data: a permutation, so exact up
        // to the f64 sums' own rounding.
        let x = rng.signed_units(len);
        let g = rng.signed_units(len);
        let mut y = vec![0.0; len];
        let mut back = vec![0.0; len];
        if shuffle {
            upsample::pixel_shuffle(&x, &shape, layout, r, &mut y).unwrap();
            upsample::pixel_shuffle_backward(&g, &shape, layout, r, &mut back).unwrap();
        } else {
            upsample::pixel_unshuffle(&x, &shape, layout, r, &mut y).unwrap();
            upsample::pixel_unshuffle_backward(&g, &shape, layout, r, &mut back).unwrap();
        }
        let (lhs, rhs) = (dot(&y, &g), dot(&x, &back));
        let ok = same_bits(got.inner(), &want)
            && same_bits(&inverse, &want)
            && got.bands_intact()
            && adjoint_holds(lhs, rhs, 1e-9 * len as f64);
        if !ok {
            eprintln!(
                "shuffle {shuffle} {shape:?} r {r} {layout:?}: first difference {:?}, \
                 inverse {}, bands {}, adjoint {lhs} vs {rhs}",
                first_difference(got.inner(), &want),
                same_bits(&inverse, &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

#[test]
fn max_pool_backward_matches_reference_and_adjoint() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let layout = rng.layout();
        let c = match rng.range(0, 2) {
            0 => 1,
            1 => rng.range(3, 4),
            _ => rng.size(20),
        };
        let mut shape = vec![rng.range(1, 2), c];
        shape.extend((0..rank).map(|_| rng.size([60, 14, 6][rank - 1])));
        let geo = PoolGeometry::random(&mut rng, rank);
        let opts = MaxPoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding)
            .with_dilation(&geo.dilation)
            .with_ceil_mode(rng.coin());
        let Ok(out_shape) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let (len, out_len) = (shape.iter().product::<usize>(), out_shape.numel());
        // Indices of a real pooling of finite data, so that the output is
        // the input at the indices and the adjoint identity holds.
        let x = rng.signed_units(len);
        let (mut y, mut indices) = (vec![0.0; out_len], vec![0i64; out_len]);
        upsample::max_pool(&x, &shape, layout, &opts, &mut y, &mut indices).unwrap();
        let plane: usize = shape[2..].iter().product();
        if indices.iter().any(|&i| i < 0 || i as usize >= plane) {
            // An all-padding window's index (see `max_pool_backward`'s errors).
            return TestResult::discard();
        }
        let grad_output = if rng.coin() {
            rng.special_values(out_len, true)
        } else {
            rng.signed_units(out_len)
        };
        let mut want = vec![0.0; len];
        reference::max_pool_backward(&grad_output, &indices, &shape, layout, &opts, &mut want)
            .unwrap();
        let mut got = Guarded::new(len, rng.range(0, 16), TAIL);
        upsample::max_pool_backward(
            &grad_output,
            &indices,
            &shape,
            layout,
            &opts,
            got.inner_mut(),
        )
        .unwrap();
        let mut adjoint = true;
        // (An all-padding window pools to -inf.)
        if grad_output.iter().chain(&y).all(|v| v.is_finite()) {
            // Each output of the forward is one input (no rounding); the
            // backward sums at most one term per window covering an input.
            let (lhs, rhs) = (dot(&y, &grad_output), dot(&x, got.inner()));
            let bound = linear_bound(
                out_len,
                dot(&abs(&y), &abs(&grad_output)),
                dot(&abs(&x), &abs(got.inner())),
            );
            adjoint = adjoint_holds(lhs, rhs, bound);
        }
        let ok = same_sums(got.inner(), &want) && got.bands_intact() && adjoint;
        if !ok {
            eprintln!(
                "max_pool_backward {shape:?} {layout:?} k {:?} s {:?} p {:?} d {:?}: \
                 first difference {:?}, bands {}, adjoint {adjoint}",
                geo.kernel,
                geo.stride,
                geo.padding,
                geo.dilation,
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

/// An unpooling call drawn by `random_unpool`, with its output shape.
struct Unpool {
    shape: Vec<usize>,
    geo: PoolGeometry,
    output_size: Option<Vec<usize>>,
    layout: Layout,
    out_shape: Vec<usize>,
}

impl Unpool {
    fn random(rng: &mut Rng) -> Option<Unpool> {
        let (shape, geo, output_size, layout) = random_unpool(rng);
        let mut call = Unpool {
            shape,
            geo,
            output_size,
            layout,
            out_shape: vec![],
        };
        call.out_shape = upsample::unpool_output_shape(&call.shape, &call.opts())
            .ok()?
            .as_slice()
            .to_vec();
        Some(call)
    }

    fn opts(&self) -> UnpoolOptions<'_> {
        let opts = UnpoolOptions::new(&self.geo.kernel)
            .with_stride(&self.geo.stride)
            .with_padding(&self.geo.padding);
        match &self.output_size {
            Some(size) => opts.with_output_size(size),
            None => opts,
        }
    }

    fn len(&self) -> usize {
        self.shape.iter().product()
    }

    fn out_len(&self) -> usize {
        self.out_shape.iter().product()
    }
}

#[test]
fn max_unpool_backward_matches_reference_and_adjoint() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(call) = Unpool::random(&mut rng) else {
            return TestResult::discard();
        };
        let (len, out_len) = (call.len(), call.out_len());
        let (plane, out_plane) = (
            call.shape[2..].iter().product::<usize>(),
            call.out_shape[2..].iter().product::<usize>(),
        );
        // Distinct indices within each plane where the output plane has room
        // (then max_unpool is linear and the adjoint identity holds), else
        // any, with duplicates.
        let distinct = out_plane >= plane && rng.coin();
        let mut indices = vec![0i64; len];
        let (n, c) = (call.shape[0], call.shape[1]);
        for b in 0..n {
            for ch in 0..c {
                let mut free: Vec<usize> = (0..out_plane).collect();
                for p in 0..plane {
                    let pick = if distinct {
                        free.swap_remove(rng.range(0, free.len() - 1))
                    } else {
                        rng.range(0, out_plane - 1)
                    };
                    let at = match call.layout {
                        Layout::ChannelsFirst => (b * c + ch) * plane + p,
                        Layout::ChannelsLast => (b * plane + p) * c + ch,
                    };
                    indices[at] = pick as i64;
                }
            }
        }
        let grad_output = rng.special_values(out_len, true);
        let opts = call.opts();
        let (shape, layout) = (&call.shape, call.layout);
        let mut want = vec![0.0; len];
        reference::max_unpool_backward(&grad_output, &indices, shape, layout, &opts, &mut want)
            .unwrap();
        let mut got = Guarded::new(len, rng.range(0, 16), TAIL);
        upsample::max_unpool_backward(
            &grad_output,
            &indices,
            shape,
            layout,
            &opts,
            got.inner_mut(),
        )
        .unwrap();
        let mut adjoint = true;
        if distinct {
            let x = rng.signed_units(len);
            let g = rng.signed_units(out_len);
            let (mut y, mut back) = (vec![0.0; out_len], vec![0.0; len]);
            upsample::max_unpool(&x, &indices, shape, layout, &opts, &mut y).unwrap();
            upsample::max_unpool_backward(&g, &indices, shape, layout, &opts, &mut back).unwrap();
            adjoint = adjoint_holds(dot(&y, &g), dot(&x, &back), 1e-9 * len as f64);
        }
        let ok = same_bits(got.inner(), &want) && got.bands_intact() && adjoint;
        if !ok {
            eprintln!(
                "max_unpool_backward {shape:?} {layout:?} k {:?} s {:?} p {:?} size {:?}: \
                 first difference {:?}, bands {}, adjoint {adjoint}",
                call.geo.kernel,
                call.geo.stride,
                call.geo.padding,
                call.output_size,
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

#[test]
fn avg_unpool_backward_matches_reference_and_adjoint() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some(call) = Unpool::random(&mut rng) else {
            return TestResult::discard();
        };
        let (len, out_len) = (call.len(), call.out_len());
        let opts = call.opts();
        let (shape, layout) = (&call.shape, call.layout);
        let grad_output = if rng.coin() {
            rng.special_values(out_len, true)
        } else {
            rng.signed_units(out_len)
        };
        let mut want = vec![0.0; len];
        reference::avg_unpool_backward(&grad_output, shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(len, rng.range(0, 16), TAIL);
        upsample::avg_unpool_backward(&grad_output, shape, layout, &opts, got.inner_mut()).unwrap();
        // The adjoint identity on finite data.
        let x = rng.signed_units(len);
        let g = rng.signed_units(out_len);
        let (mut y, mut back) = (vec![0.0; out_len], vec![0.0; len]);
        upsample::avg_unpool(&x, shape, layout, &opts, &mut y).unwrap();
        upsample::avg_unpool_backward(&g, shape, layout, &opts, &mut back).unwrap();
        let (mut y_abs, mut back_abs) = (vec![0.0; out_len], vec![0.0; len]);
        upsample::avg_unpool(&abs(&x), shape, layout, &opts, &mut y_abs).unwrap();
        upsample::avg_unpool_backward(&abs(&g), shape, layout, &opts, &mut back_abs).unwrap();
        let window: usize =
            call.geo
                .kernel
                .iter()
                .product::<usize>()
                .pow(if call.geo.kernel.len() == 1 {
                    (call.shape.len() - 2) as u32
                } else {
                    1
                });
        let (lhs, rhs) = (dot(&y, &g), dot(&x, &back));
        let bound = linear_bound(
            window.max(2),
            dot(&y_abs, &abs(&g)),
            dot(&abs(&x), &back_abs),
        );
        let adjoint = adjoint_holds(lhs, rhs, bound);
        let ok = same_sums(got.inner(), &want) && got.bands_intact() && adjoint;
        if !ok {
            eprintln!(
                "avg_unpool_backward {shape:?} {layout:?} k {:?} s {:?} p {:?} size {:?}: \
                 first difference {:?}, bands {}, adjoint {lhs} vs {rhs} (bound {bound})",
                call.geo.kernel,
                call.geo.stride,
                call.geo.padding,
                call.output_size,
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

/// Wrong lengths and bad indices: an error naming the buffer, and the
/// gradient untouched.
#[test]
fn bad_calls_write_nothing() {
    let layout = Layout::ChannelsFirst;
    let sentinel = || vec![common::SENTINEL; 16];
    let length = |buffer, expected, actual| Error::BufferLength {
        buffer,
        expected,
        actual,
    };
    // pixel_shuffle: (1, 4, 2, 2) -> (1, 1, 4, 4).
    let shape = [1, 4, 2, 2];
    let mut gi = sentinel();
    let e = upsample::pixel_shuffle_backward(&[0.0; 15], &shape, layout, 2, &mut gi);
    assert_eq!(e, Err(length(Buffer::GradOutput, 16, 15)));
    let e = reference::pixel_shuffle_backward(&[0.0; 16], &shape, layout, 2, &mut gi[..15]);
    assert_eq!(e, Err(length(Buffer::GradInput, 16, 15)));
    let e = upsample::pixel_unshuffle_backward(&[0.0; 16], &[1, 1, 4, 3], layout, 2, &mut gi);
    assert!(matches!(e, Err(Error::NotDivisible { .. })), "{e:?}");
    assert!(untouched(&gi));

    // max_pool: (1, 1, 16) with kernel 2 -> 8 outputs.
    let opts = MaxPoolOptions::new(&[2]);
    let shape = [1, 1, 16];
    let ok_indices: Vec<i64> = (0..8).map(|i| 2 * i).collect();
    let mut gi = sentinel();
    let e = upsample::max_pool_backward(&[0.0; 7], &ok_indices, &shape, layout, &opts, &mut gi);
    assert_eq!(e, Err(length(Buffer::GradOutput, 8, 7)));
    let e =
        upsample::max_pool_backward(&[0.0; 8], &ok_indices[..7], &shape, layout, &opts, &mut gi);
    assert_eq!(e, Err(length(Buffer::Indices, 8, 7)));
    for bad in [-2, 16, i64::MAX, i64::MIN] {
        let mut indices = ok_indices.clone();
        indices[5] = bad;
        let want = Err(Error::IndexOutOfRange {
            position: 5,
            index: bad,
            plane_size: 16,
        });
        let e = upsample::max_pool_backward(&[1.0; 8], &indices, &shape, layout, &opts, &mut gi);
        assert_eq!(e, want);
        let e = reference::max_pool_backward(&[1.0; 8], &indices, &shape, layout, &opts, &mut gi);
        assert_eq!(e, want);
    }
    assert!(untouched(&gi));
    // -1 is skipped, as ATen skips it.
    let mut indices = ok_indices.clone();
    indices[3] = -1;
    upsample::max_pool_backward(&[1.0; 8], &indices, &shape, layout, &opts, &mut gi).unwrap();
    assert_eq!(gi.iter().sum::<f32>(), 7.0);
    assert_eq!(gi[6], 0.0);

    // max_unpool: (1, 1, 8) with kernel 2 -> 16 outputs.
    let opts = UnpoolOptions::new(&[2]);
    let shape = [1, 1, 8];
    let mut gi = vec![common::SENTINEL; 8];
    let e = upsample::max_unpool_backward(&[0.0; 15], &ok_indices, &shape, layout, &opts, &mut gi);
    assert_eq!(e, Err(length(Buffer::GradOutput, 16, 15)));
    let e =
        upsample::max_unpool_backward(&[0.0; 16], &ok_indices, &shape, layout, &opts, &mut gi[..7]);
    assert_eq!(e, Err(length(Buffer::GradInput, 8, 7)));
    let mut indices = ok_indices.clone();
    indices[7] = 16;
    let e = upsample::max_unpool_backward(&[0.0; 16], &indices, &shape, layout, &opts, &mut gi);
    assert_eq!(
        e,
        Err(Error::IndexOutOfRange {
            position: 7,
            index: 16,
            plane_size: 16
        })
    );
    // avg_unpool.
    let e = upsample::avg_unpool_backward(&[0.0; 17], &shape, layout, &opts, &mut gi);
    assert_eq!(e, Err(length(Buffer::GradOutput, 16, 17)));
    let e = reference::avg_unpool_backward(&[0.0; 16], &shape, layout, &opts, &mut gi[..7]);
    assert_eq!(e, Err(length(Buffer::GradInput, 8, 7)));
    assert!(untouched(&gi));
}

/// Windows wider than the fast path's count table (256 output columns) take
/// its per-position path: the same sums.
#[test]
fn avg_unpool_backward_with_wide_windows_matches_reference() {
    let mut rng = Rng(7);
    for (kernel, stride, layout) in [
        (300, 1, Layout::ChannelsFirst),
        (257, 2, Layout::ChannelsLast),
        (260, 259, Layout::ChannelsFirst),
    ] {
        let shape = [1, 3, 2, 5];
        let (k, s) = ([kernel], [stride]);
        let opts = UnpoolOptions::new(&k).with_stride(&s);
        let out_len = upsample::unpool_output_shape(&shape, &opts)
            .unwrap()
            .numel();
        let grad_output = rng.special_values(out_len, false);
        let (mut want, mut got) = (vec![0.0; 30], vec![0.0; 30]);
        reference::avg_unpool_backward(&grad_output, &shape, layout, &opts, &mut want).unwrap();
        upsample::avg_unpool_backward(&grad_output, &shape, layout, &opts, &mut got).unwrap();
        assert!(
            same_sums(&got, &want),
            "k {kernel} s {stride} {layout:?}: {:?}",
            first_mismatch(&got, &want, same)
        );
    }
}

/// What users bring: rows 700 to 2049 wide, 1, 3 and 4 channels
/// channels-last (RGB, RGBA) and channels-first, special values in the
/// gradient, through every copying backward op against the reference.
#[test]
fn wide_rows_and_image_channels_match_reference() {
    let mut rng = Rng(26);
    for width in [700, 1001, 2049] {
        for (c, layout) in [
            (1, Layout::ChannelsFirst),
            (3, Layout::ChannelsLast),
            (4, Layout::ChannelsLast),
            (3, Layout::ChannelsFirst),
        ] {
            let what = format!("width {width} c {c} {layout:?}");
            // max_pool 2x2 and 3x3 stride 2 (overlapping), its indices.
            for (k, s, p) in [(2, 2, 0), (3, 2, 1)] {
                let shape = [1, c, 4, width];
                let (kernel, stride, padding) = ([k], [s], [p]);
                let opts = MaxPoolOptions::new(&kernel)
                    .with_stride(&stride)
                    .with_padding(&padding);
                let out = upsample::max_pool_output_shape(&shape, &opts)
                    .unwrap()
                    .numel();
                let x = rng.signed_units(4 * c * width);
                let (mut y, mut idx) = (vec![0.0; out], vec![0i64; out]);
                upsample::max_pool(&x, &shape, layout, &opts, &mut y, &mut idx).unwrap();
                let g = rng.special_values(out, true);
                let (mut want, mut got) = (vec![0.0; x.len()], vec![0.0; x.len()]);
                reference::max_pool_backward(&g, &idx, &shape, layout, &opts, &mut want).unwrap();
                upsample::max_pool_backward(&g, &idx, &shape, layout, &opts, &mut got).unwrap();
                assert!(same_sums(&got, &want), "max_pool_backward k{k} {what}");
                // Unpooling back over the same windows.
                let pooled = upsample::max_pool_output_shape(&shape, &opts).unwrap();
                let unpool = UnpoolOptions::new(&kernel)
                    .with_stride(&stride)
                    .with_padding(&padding)
                    .with_output_size(&shape[2..]);
                let g = rng.special_values(x.len(), true);
                let (mut want, mut got) = (vec![0.0; out], vec![0.0; out]);
                let p = pooled.as_slice();
                reference::max_unpool_backward(&g, &idx, p, layout, &unpool, &mut want).unwrap();
                upsample::max_unpool_backward(&g, &idx, p, layout, &unpool, &mut got).unwrap();
                assert!(same_bits(&got, &want), "max_unpool_backward k{k} {what}");
                reference::avg_unpool_backward(&g, p, layout, &unpool, &mut want).unwrap();
                upsample::avg_unpool_backward(&g, p, layout, &unpool, &mut got).unwrap();
                assert!(same_sums(&got, &want), "avg_unpool_backward k{k} {what}");
            }
            // pixel_shuffle of (1, 4c, 2, width).
            let shape = [1, 4 * c, 2, width];
            let g = rng.special_values(8 * c * width, true);
            let (mut want, mut got) = (vec![0.0; g.len()], vec![0.0; g.len()]);
            reference::pixel_shuffle_backward(&g, &shape, layout, 2, &mut want).unwrap();
            upsample::pixel_shuffle_backward(&g, &shape, layout, 2, &mut got).unwrap();
            assert!(same_bits(&got, &want), "pixel_shuffle_backward {what}");
        }
    }
}
