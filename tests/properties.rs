//! Properties that pin the semantics independently of the golden cases:
//! layout equivalence, round trips, identities between ops, and the adjoint
//! identity of transposed convolution. `QUICKCHECK_TESTS` sets the case count.

mod common;

use common::{
    MODES, Rng, SENTINEL, check, dot, logical_shape, physical_shape, same_bits, to_channels_first,
    to_channels_last,
};
use quickcheck::TestResult;
use upsample::{
    ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions, reference,
};

/// Cases per property (4 under miri; `QUICKCHECK_TESTS` overrides).
const TESTS: u64 = 300;

fn random_interpolate(rng: &mut Rng) -> (Vec<usize>, M, Vec<usize>, Option<bool>, bool) {
    let mode = rng.pick(&MODES);
    let rank = match mode {
        M::Linear => 1,
        M::Bilinear | M::Bicubic | M::Lanczos => 2,
        M::Trilinear => 3,
        _ => rng.range(1, 3),
    };
    let shape = rng.shape(rank, 7);
    let size = rng.ranges(rank, 1, 12);
    let align_corners = match mode {
        M::Nearest | M::NearestExact | M::Area => None,
        M::Lanczos => Some(false),
        _ => Some(rng.coin()),
    };
    let antialias = match mode {
        M::Lanczos => true,
        M::Bilinear | M::Bicubic => rng.coin(),
        _ => false,
    };
    (shape, mode, size, align_corners, antialias)
}

/// The layout converters the properties below rely on: by hand on a small
/// tensor, then channels-last and back is the identity, on data and shapes.
#[test]
fn layout_converters_round_trip() {
    // Channel 0 holds 0 1 2, channel 1 holds 3 4 5.
    let (shape, cf) = ([1, 2, 3], [0, 1, 2, 3, 4, 5]);
    assert_eq!(to_channels_last(&cf, &shape), [0, 3, 1, 4, 2, 5]);
    assert_eq!(physical_shape(&shape, Layout::ChannelsLast), [1, 3, 2]);
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let shape = rng.shape(rank, 5);
        let data: Vec<usize> = (0..shape.iter().product()).collect();
        let back = to_channels_first(&to_channels_last(&data, &shape), &shape);
        let shapes_ok = [Layout::ChannelsFirst, Layout::ChannelsLast]
            .into_iter()
            .all(|layout| logical_shape(&physical_shape(&shape, layout), layout) == shape);
        TestResult::from_bool(back == data && shapes_ok)
    }
    check(prop, TESTS);
}

/// Every op gives the same numbers in either layout (the reference is
/// bit-exact across layouts: per element it sums in the same order).
#[test]
fn interpolate_layouts_agree() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let (shape, mode, size, align_corners, antialias) = random_interpolate(&mut rng);
        if antialias && size[1] == 1 && size[0] != shape[2] {
            // PyTorch's antialiased kernels give every row of a one-pixel-wide
            // output row 0's value, except channels-last with C > 1: the
            // layouts differ there by design (see reference::antialias).
            return TestResult::discard();
        }
        let mut opts = InterpolateOptions::size(mode, &size).with_antialias(antialias);
        opts.align_corners = align_corners;
        let out_shape = upsample::interpolate_output_shape(&shape, &opts).unwrap();
        let input = rng.signed_units(shape.iter().product());
        let mut cf = vec![0.0; out_shape.numel()];
        let mut cl = vec![0.0; out_shape.numel()];
        reference::interpolate(&input, &shape, Layout::ChannelsFirst, &opts, &mut cf).unwrap();
        reference::interpolate(
            &to_channels_last(&input, &shape),
            &shape,
            Layout::ChannelsLast,
            &opts,
            &mut cl,
        )
        .unwrap();
        let ok = same_bits(&to_channels_last(&cf, &out_shape), &cl);
        if !ok {
            eprintln!(
                "layouts disagree: {mode:?} {shape:?} -> {size:?}, align_corners {align_corners:?}, antialias {antialias}"
            );
        }
        TestResult::from_bool(ok)
    }
    check(prop, TESTS);
}

#[test]
fn pool_and_unpool_layouts_agree() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let shape = rng.shape(rank, 7);
        let k = rng.range(1, 3);
        let (kernel, stride, padding, dilation) = (
            [k],
            [rng.range(1, 3)],
            [rng.range(0, k / 2)],
            [rng.range(1, 2)],
        );
        let opts = MaxPoolOptions::new(&kernel)
            .with_stride(&stride)
            .with_padding(&padding)
            .with_dilation(&dilation)
            .with_ceil_mode(rng.coin());
        let Ok(out_shape) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        // Small integers make ties common.
        let input: Vec<f32> = (0..shape.iter().product())
            .map(|_| rng.range(0, 3) as f32)
            .collect();
        let n = out_shape.numel();
        let (mut o1, mut i1, mut o2, mut i2) = (vec![0.0; n], vec![0; n], vec![0.0; n], vec![0; n]);
        reference::max_pool(
            &input,
            &shape,
            Layout::ChannelsFirst,
            &opts,
            &mut o1,
            &mut i1,
        )
        .unwrap();
        reference::max_pool(
            &to_channels_last(&input, &shape),
            &shape,
            Layout::ChannelsLast,
            &opts,
            &mut o2,
            &mut i2,
        )
        .unwrap();
        if !same_bits(&to_channels_last(&o1, &out_shape), &o2) {
            return TestResult::failed();
        }
        // Indices agree too, except where PyTorch's 3-d channels-last kernel
        // reports a window with no value above -inf without its depth offset.
        let quirk = |j: usize| rank == 3 && o2[j] == f32::NEG_INFINITY;
        let i1 = to_channels_last(&i1, &out_shape);
        if (0..n).any(|j| i1[j] != i2[j] && !quirk(j)) {
            return TestResult::failed();
        }
        // Unpooling the pooled values, in both layouts.
        let uopts = UnpoolOptions::new(&kernel)
            .with_stride(&stride)
            .with_padding(&padding);
        let Ok(ushape) = upsample::unpool_output_shape(&out_shape, &uopts) else {
            return TestResult::discard();
        };
        let m = ushape.numel();
        let (mut a, mut b) = (vec![0.0; m], vec![0.0; m]);
        reference::avg_unpool(&o1, &out_shape, Layout::ChannelsFirst, &uopts, &mut a).unwrap();
        reference::avg_unpool(&o2, &out_shape, Layout::ChannelsLast, &uopts, &mut b).unwrap();
        TestResult::from_bool(same_bits(&to_channels_last(&a, &ushape), &b))
    }
    check(prop, TESTS);
}

/// pixel_unshuffle(pixel_shuffle(x)) == x, bit for bit, in both layouts.
#[test]
fn pixel_shuffle_round_trip() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let r = rng.range(1, 4);
        let shape = vec![
            rng.range(1, 2),
            rng.range(1, 3) * r * r,
            rng.range(1, 5),
            rng.range(1, 5),
        ];
        let input = rng.signed_units(shape.iter().product());
        let layout = rng.layout();
        let out_shape = upsample::pixel_shuffle_output_shape(&shape, r).unwrap();
        let mut mid = vec![0.0; input.len()];
        let mut back = vec![0.0; input.len()];
        reference::pixel_shuffle(&input, &shape, layout, r, &mut mid).unwrap();
        reference::pixel_unshuffle(&mid, &out_shape, layout, r, &mut back).unwrap();
        let mut cl = vec![0.0; input.len()];
        reference::pixel_shuffle(
            &to_channels_last(&input, &shape),
            &shape,
            Layout::ChannelsLast,
            r,
            &mut cl,
        )
        .unwrap();
        let mut cf = vec![0.0; input.len()];
        reference::pixel_shuffle(&input, &shape, Layout::ChannelsFirst, r, &mut cf).unwrap();
        TestResult::from_bool(
            same_bits(&back, &input) && same_bits(&to_channels_last(&cf, &out_shape), &cl),
        )
    }
    check(prop, TESTS);
}

/// max_unpool(max_pool(x)) puts every maximum back at its index, and
/// everything it writes is either 0 or a maximum.
#[test]
fn max_unpool_restores_maxima() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let shape = rng.shape(rank, 8);
        let k = rng.range(1, 3);
        let kernel = [k];
        let opts = MaxPoolOptions::new(&kernel);
        let Ok(pooled) = upsample::max_pool_output_shape(&shape, &opts) else {
            return TestResult::discard();
        };
        let input = rng.signed_units(shape.iter().product());
        let n = pooled.numel();
        let (mut vals, mut idx) = (vec![0.0; n], vec![0i64; n]);
        reference::max_pool(
            &input,
            &shape,
            Layout::ChannelsFirst,
            &opts,
            &mut vals,
            &mut idx,
        )
        .unwrap();
        let spatial: Vec<usize> = shape[2..].to_vec();
        let uopts = UnpoolOptions::new(&kernel).with_output_size(&spatial);
        // An element left unwritten is neither 0 nor a maximum.
        let mut out = vec![SENTINEL; input.len()];
        reference::max_unpool(
            &vals,
            &idx,
            &pooled,
            Layout::ChannelsFirst,
            &uopts,
            &mut out,
        )
        .unwrap();
        let plane: usize = spatial.iter().product();
        let pooled_plane = n / (shape[0] * shape[1]);
        for (j, (&v, &i)) in vals.iter().zip(&idx).enumerate() {
            let at = (j / pooled_plane) * plane + i as usize;
            if out[at] != v || input[at] != v {
                return TestResult::failed();
            }
        }
        TestResult::from_bool(out.iter().zip(&input).all(|(&o, &x)| o == 0.0 || o == x))
    }
    check(prop, TESTS);
}

/// With kernel == stride and no padding, avg_unpool is nearest upsampling
/// by the kernel size.
#[test]
fn avg_unpool_is_nearest_when_kernel_equals_stride() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let shape = rng.shape(rank, 5);
        let k = rng.ranges(rank, 1, 4);
        let out: Vec<usize> = shape[2..].iter().zip(&k).map(|(s, k)| s * k).collect();
        let input = rng.signed_units(shape.iter().product());
        let layout = rng.layout();
        let m = shape[0] * shape[1] * out.iter().product::<usize>();
        let (mut a, mut b) = (vec![0.0; m], vec![0.0; m]);
        reference::avg_unpool(&input, &shape, layout, &UnpoolOptions::new(&k), &mut a).unwrap();
        reference::interpolate(
            &input,
            &shape,
            layout,
            &InterpolateOptions::size(M::Nearest, &out),
            &mut b,
        )
        .unwrap();
        TestResult::from_bool(same_bits(&a, &b))
    }
    check(prop, TESTS);
}

/// `<conv_transpose(x), y> == <x, conv(y)>`: pins the geometry (which input
/// meets which weight at which output), not only the values.
#[test]
fn conv_transpose_is_the_adjoint_of_conv() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let groups = rng.range(1, 3);
        let mut shape = rng.shape(rank, 5);
        shape[1] = groups * rng.range(1, 2);
        let mut wshape = vec![shape[1], rng.range(1, 3)];
        wshape.extend(rng.ranges(rank, 1, 3));
        let stride = rng.ranges(rank, 1, 3);
        let dilation = rng.ranges(rank, 1, 2);
        let padding = rng.ranges(rank, 0, 2);
        let output_padding = rng.output_padding(&stride, &dilation);
        let opts = ConvTransposeOptions::new()
            .with_stride(&stride)
            .with_padding(&padding)
            .with_dilation(&dilation)
            .with_output_padding(&output_padding)
            .with_groups(groups);
        let Ok(out_shape) = upsample::conv_transpose_output_shape(&shape, &wshape, &opts) else {
            return TestResult::discard();
        };
        let layout = rng.layout();
        let x = rng.signed_units(shape.iter().product());
        let w = rng.signed_units(wshape.iter().product());
        let y = rng.signed_units(out_shape.numel());
        let mut tx = vec![0.0; out_shape.numel()];
        reference::conv_transpose(
            &x,
            &shape,
            layout,
            &w,
            &wshape,
            None,
            &opts,
            &mut tx,
            &mut [],
        )
        .unwrap();
        let mut cy = vec![0.0; x.len()];
        reference::conv(&y, &shape, layout, &w, &wshape, &opts, &mut cy).unwrap();
        let (lhs, rhs) = (dot(&tx, &y), dot(&x, &cy));
        TestResult::from_bool((lhs - rhs).abs() <= 1e-4 * (1.0 + lhs.abs()))
    }
    check(prop, TESTS);
}

/// Bias adds once per output element.
#[test]
fn conv_transpose_bias_adds_once() {
    let x = [0.5f32, -1.0, 2.0];
    let w = [1.0f32, 2.0, 3.0, 4.0]; // (1, 2, 2)
    let opts = ConvTransposeOptions::new().with_stride(&[2]);
    let mut plain = [0.0; 12];
    let mut biased = [0.0; 12];
    reference::conv_transpose(
        &x,
        &[1, 1, 3],
        Layout::ChannelsFirst,
        &w,
        &[1, 2, 2],
        None,
        &opts,
        &mut plain,
        &mut [],
    )
    .unwrap();
    reference::conv_transpose(
        &x,
        &[1, 1, 3],
        Layout::ChannelsFirst,
        &w,
        &[1, 2, 2],
        Some(&[10.0, -10.0]),
        &opts,
        &mut biased,
        &mut [],
    )
    .unwrap();
    for (j, (p, b)) in plain.iter().zip(&biased).enumerate() {
        let want = p + if j < 6 { 10.0 } else { -10.0 };
        assert_eq!(*b, want, "element {j}");
    }
    // The plain result itself, by hand: out[2i + t] += x[i] * w[t].
    assert_eq!(plain[..6], [0.5, 1.0, -1.0, -2.0, 2.0, 4.0]);
}
