//! Properties that pin the semantics independently of the golden cases:
//! layout equivalence, round trips, identities between ops, and the adjoint
//! identity of transposed convolution. `QUICKCHECK_TESTS` sets the case count.

use quickcheck::{QuickCheck, TestResult};
use upsample::{
    ConvTransposeOptions, InterpolateMode as M, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions, reference,
};

/// SplitMix64: a tiny deterministic generator driven by quickcheck's seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn f32(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }
    fn data(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.f32()).collect()
    }
    fn shape(&mut self, rank: usize, max: usize) -> Vec<usize> {
        let mut s = vec![self.range(1, 2), self.range(1, 3)];
        s.extend((0..rank).map(|_| self.range(1, max)));
        s
    }
}

fn check(prop: fn(u64) -> TestResult) {
    // QUICKCHECK_TESTS, when set, overrides the default count.
    let mut qc = QuickCheck::new();
    if std::env::var_os("QUICKCHECK_TESTS").is_none() {
        qc = qc.tests(if cfg!(miri) { 4 } else { 300 });
    }
    qc.quickcheck(prop);
}

/// Channels-first data of logical `shape` rewritten channels-last.
fn to_channels_last<T: Copy>(data: &[T], shape: &[usize]) -> Vec<T> {
    let (n, c) = (shape[0], shape[1]);
    let plane: usize = shape[2..].iter().product();
    let mut out = Vec::with_capacity(data.len());
    for b in 0..n {
        for p in 0..plane {
            for ch in 0..c {
                out.push(data[(b * c + ch) * plane + p]);
            }
        }
    }
    out
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn random_interpolate(rng: &mut Rng) -> (Vec<usize>, M, Vec<usize>, Option<bool>, bool) {
    let modes = [
        M::Nearest,
        M::NearestExact,
        M::Linear,
        M::Bilinear,
        M::Bicubic,
        M::Trilinear,
        M::Area,
        M::Lanczos,
    ];
    let mode = modes[rng.range(0, modes.len() - 1)];
    let rank = match mode {
        M::Linear => 1,
        M::Bilinear | M::Bicubic | M::Lanczos => 2,
        M::Trilinear => 3,
        _ => rng.range(1, 3),
    };
    let shape = rng.shape(rank, 7);
    let size: Vec<usize> = (0..rank).map(|_| rng.range(1, 12)).collect();
    let align_corners = match mode {
        M::Nearest | M::NearestExact | M::Area => None,
        M::Lanczos => Some(false),
        _ => Some(rng.range(0, 1) == 1),
    };
    let antialias = match mode {
        M::Lanczos => true,
        M::Bilinear | M::Bicubic => rng.range(0, 1) == 1,
        _ => false,
    };
    (shape, mode, size, align_corners, antialias)
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
        let input = rng.data(shape.iter().product());
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
    check(prop);
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
            .with_ceil_mode(rng.range(0, 1) == 1);
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
    check(prop);
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
        let input = rng.data(shape.iter().product());
        let layout = if rng.range(0, 1) == 1 {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        };
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
    check(prop);
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
        let input = rng.data(shape.iter().product());
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
        let mut out = vec![f32::NAN; input.len()];
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
    check(prop);
}

/// With kernel == stride and no padding, avg_unpool is nearest upsampling
/// by the kernel size.
#[test]
fn avg_unpool_is_nearest_when_kernel_equals_stride() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let rank = rng.range(1, 3);
        let shape = rng.shape(rank, 5);
        let k: Vec<usize> = (0..rank).map(|_| rng.range(1, 4)).collect();
        let out: Vec<usize> = shape[2..].iter().zip(&k).map(|(s, k)| s * k).collect();
        let input = rng.data(shape.iter().product());
        let layout = if rng.range(0, 1) == 1 {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        };
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
    check(prop);
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
        wshape.extend((0..rank).map(|_| rng.range(1, 3)));
        let stride: Vec<usize> = (0..rank).map(|_| rng.range(1, 3)).collect();
        let dilation: Vec<usize> = (0..rank).map(|_| rng.range(1, 2)).collect();
        let padding: Vec<usize> = (0..rank).map(|_| rng.range(0, 2)).collect();
        let output_padding: Vec<usize> = (0..rank)
            .map(|a| rng.range(0, stride[a].max(dilation[a]) - 1))
            .collect();
        let opts = ConvTransposeOptions::new()
            .with_stride(&stride)
            .with_padding(&padding)
            .with_dilation(&dilation)
            .with_output_padding(&output_padding)
            .with_groups(groups);
        let Ok(out_shape) = upsample::conv_transpose_output_shape(&shape, &wshape, &opts) else {
            return TestResult::discard();
        };
        let layout = if rng.range(0, 1) == 1 {
            Layout::ChannelsLast
        } else {
            Layout::ChannelsFirst
        };
        let x = rng.data(shape.iter().product());
        let w = rng.data(wshape.iter().product());
        let y = rng.data(out_shape.numel());
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
        let dot = |a: &[f32], b: &[f32]| {
            a.iter()
                .zip(b)
                .map(|(p, q)| f64::from(*p) * f64::from(*q))
                .sum::<f64>()
        };
        let (lhs, rhs) = (dot(&tx, &y), dot(&x, &cy));
        TestResult::from_bool((lhs - rhs).abs() <= 1e-4 * (1.0 + lhs.abs()))
    }
    check(prop);
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
