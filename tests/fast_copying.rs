//! The public fast paths of the copying ops (pixel shuffle and unshuffle,
//! max pool with indices, max and average unpooling) against
//! `upsample::reference`, bit for bit, over random shapes, factors and
//! geometries in both layouts. `QUICKCHECK_TESTS` sets the case count.
//!
//! Every fast call writes into the middle of a larger sentinel-filled buffer
//! at a random offset (so every alignment is met), and the guard bands on
//! both sides must come back untouched.

mod common;

use common::{
    Guarded, PoolGeometry, Rng, check, first_difference, random_unpool, same, same_bits, untouched,
};
use quickcheck::TestResult;
use upsample::{BlockMode, Error, Layout, MaxPoolOptions, UnpoolOptions, reference};

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 500;

/// Sentinels after each output (before it: as many as its offset).
const TAIL: usize = 40;

/// Against the reference: pixel_shuffle, pixel_unshuffle, depth_to_space
/// and space_to_depth in both block orders.
#[test]
fn pixel_shuffle_and_unshuffle_match_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = match rng.range(0, 9) {
            0 => 1,
            1..=3 => 2,
            4 | 5 => 3,
            6 | 7 => 4,
            _ => rng.range(5, 7),
        };
        let layout = rng.layout();
        let shuffle = rng.coin();
        let c = rng.size(if r > 3 { 3 } else { 20 });
        let (h, w) = (rng.size(6), rng.size(if r > 3 { 8 } else { 40 }));
        let shape = if shuffle {
            vec![rng.range(1, 2), c * r * r, h, w]
        } else {
            vec![rng.range(1, 2), c, h * r, w * r]
        };
        // PyTorch's op, or ONNX's in either block order.
        let mode = match rng.range(0, 2) {
            0 => None,
            1 => Some(BlockMode::Dcr),
            _ => Some(BlockMode::Crd),
        };
        let input = rng.special_values(shape.iter().product(), true);
        let mut want = vec![0.0; input.len()];
        let mut got = Guarded::new(input.len(), rng.range(0, 16), TAIL);
        let out = got.inner_mut();
        match (shuffle, mode) {
            (true, None) => {
                reference::pixel_shuffle(&input, &shape, layout, r, &mut want).unwrap();
                upsample::pixel_shuffle(&input, &shape, layout, r, out).unwrap();
            }
            (false, None) => {
                reference::pixel_unshuffle(&input, &shape, layout, r, &mut want).unwrap();
                upsample::pixel_unshuffle(&input, &shape, layout, r, out).unwrap();
            }
            (true, Some(m)) => {
                reference::depth_to_space(&input, &shape, layout, r, m, &mut want).unwrap();
                upsample::depth_to_space(&input, &shape, layout, r, m, out).unwrap();
            }
            (false, Some(m)) => {
                reference::space_to_depth(&input, &shape, layout, r, m, &mut want).unwrap();
                upsample::space_to_depth(&input, &shape, layout, r, m, out).unwrap();
            }
        }
        let ok = same_bits(got.inner(), &want) && got.bands_intact();
        if !ok {
            eprintln!(
                "{} {mode:?} {shape:?} r {r} {layout:?}: first difference {:?}, bands intact {}",
                if shuffle { "shuffle" } else { "unshuffle" },
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

/// Without the reference: `depth_to_space` in CRD order is
/// `pixel_shuffle` and `space_to_depth` in CRD order `pixel_unshuffle`, bit
/// for bit; in either order `space_to_depth` undoes `depth_to_space`; and
/// DCR differs from CRD only by the small tensor's channel order
/// (small channel `(i*r + j)*C + c` against `c*r*r + i*r + j`).
#[test]
fn depth_to_space_and_space_to_depth_by_their_definitions() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = rng.range(1, 5);
        let layout = rng.layout();
        let c = rng.size(6);
        let (n, h, w) = (rng.range(1, 2), rng.size(5), rng.size(9));
        let small = [n, c * r * r, h, w];
        let input = rng.special_values(small.iter().product(), true);
        let len = input.len();
        let (mut dcr, mut crd, mut shuffled) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
        upsample::depth_to_space(&input, &small, layout, r, BlockMode::Dcr, &mut dcr).unwrap();
        upsample::depth_to_space(&input, &small, layout, r, BlockMode::Crd, &mut crd).unwrap();
        upsample::pixel_shuffle(&input, &small, layout, r, &mut shuffled).unwrap();
        let large = [n, c, h * r, w * r];
        let (mut back, mut unshuffled) = (vec![0.0; len], vec![0.0; len]);
        upsample::pixel_unshuffle(&crd, &large, layout, r, &mut unshuffled).unwrap();
        let mut ok = same_bits(&crd, &shuffled);
        for (mode, out) in [(BlockMode::Dcr, &dcr), (BlockMode::Crd, &crd)] {
            upsample::space_to_depth(out, &large, layout, r, mode, &mut back).unwrap();
            ok &= same_bits(&back, &input);
        }
        upsample::space_to_depth(&crd, &large, layout, r, BlockMode::Crd, &mut back).unwrap();
        ok &= same_bits(&back, &unshuffled);
        // The DCR input with its channels reordered to CRD gives the same
        // large tensor.
        let at = |n: usize, ch: usize, y: usize, x: usize| match layout {
            Layout::ChannelsFirst => ((n * c * r * r + ch) * h + y) * w + x,
            Layout::ChannelsLast => ((n * h + y) * w + x) * c * r * r + ch,
        };
        let mut reordered = vec![0.0; len];
        for (b, ch, y, x) in every_index(n, c * r * r, h, w) {
            let (cc, k) = (ch / (r * r), ch % (r * r));
            reordered[at(b, ch, y, x)] = input[at(b, k * c + cc, y, x)];
        }
        upsample::depth_to_space(&reordered, &small, layout, r, BlockMode::Crd, &mut crd).unwrap();
        ok &= same_bits(&crd, &dcr);
        if !ok {
            eprintln!("depth_to_space / space_to_depth {small:?} r {r} {layout:?} disagree");
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

/// Every `(n, c, y, x)` below the bounds, in order.
fn every_index(
    n: usize,
    c: usize,
    h: usize,
    w: usize,
) -> impl Iterator<Item = (usize, usize, usize, usize)> {
    (0..n).flat_map(move |b| {
        (0..c).flat_map(move |ch| (0..h).flat_map(move |y| (0..w).map(move |x| (b, ch, y, x))))
    })
}

/// Channels-last pixel_shuffle with output channels a multiple of 16 (the
/// kernels that take 16 channels at a time), factors 2, 3 and 4, widths
/// around a vector, at every offset of the output buffer: bit for bit
/// against the reference, nothing written past the output. The random
/// property above meets these channel counts only about once in a hundred
/// cases.
#[test]
fn pixel_shuffle_channels_last_by_16_channels() {
    let mut rng = Rng(0x16C);
    for r in 2..=4 {
        for c in [16, 32, 48] {
            for (h, w) in [(1, 1), (2, 3), (3, 17)] {
                let shape = [1, c * r * r, h, w];
                let input = rng.wide_values(shape.iter().product());
                let mut want = vec![0.0; input.len()];
                reference::pixel_shuffle(&input, &shape, Layout::ChannelsLast, r, &mut want)
                    .unwrap();
                for offset in [0, 1, 3] {
                    let mut got = Guarded::new(input.len(), offset, TAIL);
                    upsample::pixel_shuffle(
                        &input,
                        &shape,
                        Layout::ChannelsLast,
                        r,
                        got.inner_mut(),
                    )
                    .unwrap();
                    assert!(
                        same_bits(got.inner(), &want),
                        "{shape:?} r {r} offset {offset}: first difference {:?}",
                        first_difference(got.inner(), &want)
                    );
                    assert!(got.bands_intact(), "{shape:?} r {r}: guard band written");
                }
            }
        }
    }
}

#[test]
fn max_pool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let layout = rng.layout();
        let c = match rng.range(0, 3) {
            0 => 1,
            1 => rng.range(2, 5),
            _ => rng.size(40),
        };
        let max = [60, 24, 10][rank - 1];
        let mut shape = vec![rng.range(1, 2), c];
        shape.extend((0..rank).map(|_| rng.size(max)));
        let geo = PoolGeometry::random(&mut rng, rank);
        let opts = MaxPoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding)
            .with_dilation(&geo.dilation)
            .with_ceil_mode(rng.coin());
        let Ok(out_shape) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let input = rng.pool_data(shape.iter().product());
        let n = out_shape.numel();
        let (mut want, mut want_idx) = (vec![0.0; n], vec![0i64; n]);
        reference::max_pool(&input, &shape, layout, &opts, &mut want, &mut want_idx).unwrap();
        let mut got = Guarded::new(n, rng.range(0, 16), TAIL);
        let mut idx = Guarded::new(n, rng.range(0, 8), TAIL);
        upsample::max_pool(
            &input,
            &shape,
            layout,
            &opts,
            got.inner_mut(),
            idx.inner_mut(),
        )
        .unwrap();
        let ok = same_bits(got.inner(), &want)
            && idx.inner() == want_idx.as_slice()
            && got.bands_intact()
            && idx.bands_intact();
        if !ok {
            let bad_index = idx.inner().iter().zip(&want_idx).position(|(a, b)| a != b);
            eprintln!(
                "max_pool {shape:?} {layout:?} k {:?} s {:?} p {:?} d {:?} ceil {}: \
                 values {:?}, index {:?}, bands {} {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                geo.dilation,
                opts.ceil_mode,
                first_difference(got.inner(), &want),
                bad_index.map(|i| (i, idx.inner()[i], want_idx[i])),
                got.bands_intact(),
                idx.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

#[test]
fn max_unpool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, output_size, layout) = random_unpool(&mut rng);
        let mut opts = UnpoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding);
        if let Some(size) = &output_size {
            opts = opts.with_output_size(size);
        }
        let Ok(out_shape) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let n: usize = shape.iter().product();
        let plane = out_shape[2..].iter().product::<usize>();
        let input = rng.wide_values(n);
        // Indices anywhere in the plane, with duplicates (later wins), and
        // sometimes one out of range (then the output must be all NaN).
        let mut indices: Vec<i64> = (0..n)
            .map(|_| match rng.range(0, 3) {
                0 => rng.range(0, 2.min(plane - 1)) as i64,
                _ => rng.range(0, plane - 1) as i64,
            })
            .collect();
        let invalid = rng.range(0, 9) == 0;
        if invalid {
            let at = rng.range(0, n - 1);
            indices[at] = if rng.coin() { -1 } else { plane as i64 };
        }
        let mut want = vec![0.0; out_shape.numel()];
        let want_result = reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want);
        let mut got = Guarded::new(want.len(), rng.range(0, 16), TAIL);
        let got_result =
            upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner_mut());
        let ok = got_result == want_result
            && got.bands_intact()
            && match want_result {
                Ok(()) => same_bits(got.inner(), &want),
                Err(Error::IndexOutOfRange { .. }) => got.inner().iter().all(|v| v.is_nan()),
                Err(_) => untouched(got.inner()),
            };
        if !ok {
            eprintln!(
                "max_unpool {shape:?} {layout:?} k {:?} s {:?} p {:?} size {output_size:?}: \
                 {got_result:?} vs {want_result:?}, first difference {:?}, bands {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

#[test]
fn avg_unpool_matches_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, geo, output_size, layout) = random_unpool(&mut rng);
        let mut opts = UnpoolOptions::new(&geo.kernel)
            .with_stride(&geo.stride)
            .with_padding(&geo.padding);
        if let Some(size) = &output_size {
            opts = opts.with_output_size(size);
        }
        let Ok(out_shape) = upsample::unpool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        // Signed zeros too: the reference's 0.0 + v turns -0.0 into 0.0;
        // and a third of the cases hold NaN, infinities and subnormals
        // (overlapping windows sum them).
        let n = shape.iter().product();
        let mut input = if rng.range(0, 2) == 0 {
            rng.special_values(n, false)
        } else {
            rng.wide_values(n)
        };
        for v in input.iter_mut() {
            if rng.range(0, 15) == 0 {
                *v = if rng.coin() { -0.0 } else { 0.0 };
            }
        }
        let mut want = vec![0.0; out_shape.numel()];
        reference::avg_unpool(&input, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), rng.range(0, 16), TAIL);
        upsample::avg_unpool(&input, &shape, layout, &opts, got.inner_mut()).unwrap();
        // Bit for bit, any NaN matching any NaN.
        let same_values = got.inner().len() == want.len()
            && got.inner().iter().zip(&want).all(|(&g, &w)| same(g, w));
        let ok = same_values && got.bands_intact();
        if !ok {
            eprintln!(
                "avg_unpool {shape:?} {layout:?} k {:?} s {:?} p {:?} size {output_size:?}: \
                 first difference {:?}, bands {}",
                geo.kernel,
                geo.stride,
                geo.padding,
                first_difference(got.inner(), &want),
                got.bands_intact()
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

/// Planes larger than the cache-sized ones `max_unpool` zeroes whole take
/// the zero-ahead path; random shapes stay small, so check it here, with
/// out-of-order and duplicate indices.
#[test]
fn max_unpool_large_planes_match_reference() {
    let mut rng = Rng(7);
    for (shape, layout) in [
        ([1, 2, 300, 450], Layout::ChannelsFirst),
        ([1, 1, 520, 520], Layout::ChannelsLast),
        ([1, 3, 200, 230], Layout::ChannelsLast),
    ] {
        let opts = UnpoolOptions::new(&[2]);
        let out_shape = upsample::unpool_output_shape(&shape, &opts).unwrap();
        let plane: usize = out_shape[2..].iter().product();
        let n: usize = shape.iter().product();
        let input = rng.wide_values(n);
        let indices: Vec<i64> = (0..n)
            .map(|j| match rng.range(0, 5) {
                0 => rng.range(0, plane - 1) as i64,
                1 => (plane - 1 - j % plane) as i64,
                _ => ((j % (plane / 4)) * 4 + rng.range(0, 3)) as i64,
            })
            .collect();
        let mut want = vec![0.0; out_shape.numel()];
        reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), 3, TAIL);
        upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner_mut()).unwrap();
        assert!(same_bits(got.inner(), &want), "{shape:?} {layout:?}");
        assert!(got.bands_intact());
    }
}

/// Above the in-cache size, `max_unpool` of what `max_pool` wrote (every
/// index in its own stride cell) writes each output row once instead of
/// scattering, in both layouts (channels-last with lanes along the
/// channels, 16 to 24 of them here with tails); it checks the indices as it
/// writes, so an index out of its plane in a late plane or pixel must still
/// be named, with the whole output turned to NaN.
#[test]
fn max_unpool_after_max_pool_large() {
    let mut rng = Rng(11);
    for (full, layout) in [
        ([2, 3, 300, 330], Layout::ChannelsFirst),
        ([1, 20, 160, 150], Layout::ChannelsLast),
        ([1, 17, 90, 300], Layout::ChannelsLast),
        ([1, 24, 128, 100], Layout::ChannelsLast),
    ] {
        let pool = MaxPoolOptions::new(&[2]);
        let shape = upsample::max_pool_output_shape(&full, &pool).unwrap();
        let source = rng.wide_values(full.iter().product());
        let (mut input, mut indices) = (vec![0.0; shape.numel()], vec![0i64; shape.numel()]);
        upsample::max_pool(&source, &full, layout, &pool, &mut input, &mut indices).unwrap();
        let opts = UnpoolOptions::new(&[2]);
        let mut want = vec![0.0; full.iter().product()];
        reference::max_unpool(&input, &indices, &shape, layout, &opts, &mut want).unwrap();
        let mut got = Guarded::new(want.len(), 5, TAIL);
        upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner_mut()).unwrap();
        assert!(same_bits(got.inner(), &want), "{full:?} {layout:?}");
        assert!(got.bands_intact());
        let plane = (full[2] * full[3]) as i64;
        for (at, bad) in [(indices.len() - 7, plane), (indices.len() / 2 + 3, -1)] {
            let mut indices = indices.clone();
            indices[at] = bad;
            let mut got = Guarded::new(want.len(), 5, TAIL);
            let result =
                upsample::max_unpool(&input, &indices, &shape, layout, &opts, got.inner_mut());
            let named = Error::IndexOutOfRange {
                position: at,
                index: bad,
                plane_size: plane as usize,
            };
            assert_eq!(result, Err(named), "{full:?} {layout:?}");
            assert!(
                got.inner().iter().all(|v| v.is_nan()),
                "{full:?} {layout:?}"
            );
            assert!(got.bands_intact());
        }
    }
}

/// Rows thousands wide, RGB and RGBA channels-last and channels-first,
/// every block order and direction, with NaN, infinities, subnormals and
/// huge values: the copying kernels' long loops against the reference.
#[test]
fn depth_to_space_and_pixel_shuffle_wide_rows() {
    let mut rng = Rng(7);
    for (w, r, c) in [(1023, 2, 3), (2049, 2, 4), (700, 3, 3), (1500, 4, 1)] {
        for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            for mode in [BlockMode::Dcr, BlockMode::Crd] {
                let small = [1, c * r * r, 2, w];
                let input = rng.special_values(small.iter().product(), true);
                let (mut want, mut got) = (vec![0.0; input.len()], vec![1.0; input.len()]);
                reference::depth_to_space(&input, &small, layout, r, mode, &mut want).unwrap();
                upsample::depth_to_space(&input, &small, layout, r, mode, &mut got).unwrap();
                assert!(
                    same_bits(&got, &want),
                    "depth_to_space {small:?} {layout:?} {mode:?}"
                );
                let large = [1, c, 2 * r, w * r];
                reference::space_to_depth(&input, &large, layout, r, mode, &mut want).unwrap();
                upsample::space_to_depth(&input, &large, layout, r, mode, &mut got).unwrap();
                assert!(
                    same_bits(&got, &want),
                    "space_to_depth {large:?} {layout:?} {mode:?}"
                );
            }
        }
    }
}

/// Nearest and nearest-exact copy each input's bits (signalling NaNs with
/// their payloads, -0.0, subnormals, infinities) to the outputs the
/// reference copies it to, at scales other than x2 in both layouts (the
/// README's exactness table; channels-last x2 multiplies by 1.0), on rows
/// wider than a column table and with 1, 3 and 4 channels.
#[cfg(feature = "specialised-kernels")]
#[test]
fn nearest_copies_bits_at_every_scale() {
    use upsample::{
        InterpolateMode as M, InterpolateOptions, interpolate, interpolate_output_shape,
    };
    let bits = |k: usize| match k % 5 {
        0 => 0x7f80_0001 + (k as u32 % 0x3f_ffff), // a signalling NaN
        1 => 0x8000_0000,                          // -0.0
        2 => 1 + k as u32 % 0x7f_ffff,             // a subnormal
        3 => 0xff80_0000,                          // -inf
        _ => (k as f32 * 0.37 - 5.0).to_bits(),
    };
    let cases: &[(&[usize], Layout, &[usize])] = &[
        (&[1, 4, 9, 311], Layout::ChannelsFirst, &[14, 466]),
        (&[2, 3, 7, 5], Layout::ChannelsFirst, &[21, 15]),
        (&[1, 1, 300], Layout::ChannelsFirst, &[263]),
        (&[1, 3, 9, 311], Layout::ChannelsLast, &[14, 466]),
        (&[1, 4, 6, 7], Layout::ChannelsLast, &[5, 3]),
        (&[1, 2, 3, 5, 7], Layout::ChannelsFirst, &[7, 11, 9]),
    ];
    for &(shape, layout, size) in cases {
        for mode in [M::Nearest, M::NearestExact] {
            let opts = InterpolateOptions::size(mode, size);
            let n: usize = shape.iter().product();
            let input: Vec<f32> = (0..n).map(|k| f32::from_bits(bits(k))).collect();
            let len = interpolate_output_shape(shape, &opts).unwrap().numel();
            let (mut got, mut want) = (vec![0.0f32; len], vec![0.0f32; len]);
            interpolate(&input, shape, layout, &opts, &mut got).unwrap();
            reference::interpolate(&input, shape, layout, &opts, &mut want).unwrap();
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "{mode:?} {shape:?} {layout:?} -> {size:?}: {k}"
                );
            }
            assert!(
                got.iter()
                    .any(|v| v.to_bits() & 0x7fc0_0000 == 0x7f80_0000 && v.is_nan())
            );
        }
    }
}
