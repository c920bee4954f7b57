//! `interpolate_backward` against its definition and its reference:
//!
//! 1. the adjoint identity on the fast path, `<interpolate(x), g> ==
//!    <x, interpolate_backward(g)>` in f64, both sides computed by the fast
//!    paths, over random shapes, modes, options and layouts (where
//!    PyTorch's backward is the adjoint of its forward: see
//!    [`pytorch_is_adjoint`]);
//! 2. the fast path against `reference::interpolate_backward`, with
//!    guard bands and special values (NaN, infinities, values near 1e30,
//!    subnormals) in `grad_output`: NaN and infinities must land where the
//!    reference's do, and every finite element agree within
//!    [`close_enough`]'s tolerance;
//!    The same for `interpolate_backward_with_scratch` (its scratch exactly
//!    `interpolate_backward_scratch_len` long, between guard bands);
//! 3. errors: bad lengths and options return `Err` and write nothing.

mod common;

use common::{ALT_SENTINEL, Call, Guarded, MODES, Rng, check};
use quickcheck::TestResult;
use upsample::{
    Buffer, Error, InterpolateMode as M, InterpolateOptions, Layout, interpolate,
    interpolate_backward, interpolate_backward_scratch_len, interpolate_backward_with_scratch,
    interpolate_output_shape, reference,
};

const TESTS: u64 = 150;

/// `n` gradient values: plain, or with NaN, infinities, values near 1e30
/// (whose weighted sums stay far from overflow) and subnormals mixed in.
fn gradients(rng: &mut Rng, n: usize, special: bool) -> Vec<f32> {
    (0..n)
        .map(|_| match (special, rng.range(0, 99)) {
            (true, 0..=1) => f32::NAN,
            (true, 2..=3) => f32::INFINITY,
            (true, 4..=5) => f32::NEG_INFINITY,
            (true, 6..=7) => 1e30 * rng.signed_unit(),
            (true, 8) => 1e-40,
            (true, 9) => -1.4e-45,
            _ => rng.signed_unit(),
        })
        .collect()
}

fn abs(v: &[f32]) -> Vec<f32> {
    v.iter().map(|x| x.abs()).collect()
}

/// The fast path's tolerance against the reference: both sum the same
/// terms `w * g` in different orders (and multiply the weights of the axes
/// in different orders), so each differs from the exact sum by at most
/// (number of terms) * 2^-24 * sum |w * g|; with up to a few dozen terms
/// per element that is below `1e-5 * sum |w * g|`. `sum |w * g|` is taken
/// as the reference's result on `|g|` (equal for non-negative weights;
/// for cubic and lanczos, whose negative weights can cancel there, plus
/// the largest `|g|` times the most taps reaching one input), plus
/// `|want|`; the absolute `1e-37` covers subnormal terms.
fn close_enough(got: f32, want: f32, magnitude: f32) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return got == want;
    }
    let bound = 1e-5 * (f64::from(magnitude.abs()) + f64::from(want.abs())) + 1e-37;
    (f64::from(got) - f64::from(want)).abs() <= bound
}

/// `interpolate_backward_with_scratch` with a scratch of the length it
/// asks for (filled with the sentinel, not zeros), as the other two
/// backwards are called.
fn with_enough_scratch(
    g: &[f32],
    shape: &[usize],
    layout: Layout,
    opts: &InterpolateOptions,
    grad_input: &mut [f32],
) -> Result<(), Error> {
    let need = interpolate_backward_scratch_len(shape, layout, opts)?;
    let mut scratch = vec![common::SENTINEL; need];
    interpolate_backward_with_scratch(g, shape, layout, opts, grad_input, &mut scratch)
}

/// A random call of mode `mode` and its gradient, or `None` for options
/// PyTorch rejects.
fn random_case(rng: &mut Rng, special: bool) -> Option<(Call, InterpolateOptions, Vec<f32>)> {
    let mode = rng.pick(&MODES);
    let call = Call::random(rng, mode);
    let opts = call.options();
    let out = interpolate_output_shape(&call.shape, &opts).ok()?;
    let g = gradients(rng, out.numel(), special);
    Some((call, opts, g))
}

#[test]
fn fast_path_matches_the_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let special = rng.coin();
        let Some((call, opts, g)) = random_case(&mut rng, special) else {
            return TestResult::discard();
        };
        matches_the_reference(&mut rng, &call, &opts, &g);
        TestResult::passed()
    }
    check(prop, TESTS);
}

/// Channels-last calls of hundreds of channels (the scatter kernel's
/// share of every mode): the fast path against the reference as in
/// [`fast_path_matches_the_reference`], the spatial sides kept short.
#[test]
fn many_channels_match_the_reference() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let special = rng.coin();
        let mode = rng.pick(&MODES);
        let mut call = Call::random(&mut rng, mode);
        call.layout = Layout::ChannelsLast;
        call.shape[1] = rng.pick(&[256, 259]);
        let rank = call.shape.len() - 2;
        for side in &mut call.shape[2..] {
            *side = (*side).min(if rank == 1 { 40 } else { 6 });
        }
        let opts = call.options();
        let Ok(out) = interpolate_output_shape(&call.shape, &opts) else {
            return TestResult::discard();
        };
        if out.numel() > 1 << 20 {
            return TestResult::discard();
        }
        let g = gradients(&mut rng, out.numel(), special);
        matches_the_reference(&mut rng, &call, &opts, &g);
        TestResult::passed()
    }
    check(prop, TESTS / 3);
}

/// Both fast backwards of `call` on `g` against the reference: guard
/// bands intact, every element within [`close_enough`].
fn matches_the_reference(rng: &mut Rng, call: &Call, opts: &InterpolateOptions, g: &[f32]) {
    let n: usize = call.shape.iter().product();
    let lead = rng.range(0, 17);
    let mut got = Guarded::<f32>::new(n, lead, 19);
    let mut want = vec![ALT_SENTINEL; n];
    let mut magnitude = vec![ALT_SENTINEL; n];
    let layout = call.layout;
    interpolate_backward(g, &call.shape, layout, opts, got.inner_mut()).unwrap();
    let need = interpolate_backward_scratch_len(&call.shape, layout, opts).unwrap();
    let mut scratch = Guarded::<f32>::new(need, 5, 7);
    let mut got_scratch = Guarded::<f32>::new(n, lead, 19);
    let (gs, s) = (got_scratch.inner_mut(), scratch.inner_mut());
    interpolate_backward_with_scratch(g, &call.shape, layout, opts, gs, s).unwrap();
    reference::interpolate_backward(g, &call.shape, layout, opts, &mut want).unwrap();
    reference::interpolate_backward(&abs(g), &call.shape, layout, opts, &mut magnitude).unwrap();
    assert!(
        got.bands_intact() && got_scratch.bands_intact() && scratch.bands_intact(),
        "wrote outside grad_input or scratch: {opts:?} {:?}",
        call.shape
    );
    if matches!(call.mode, M::Bicubic | M::Lanczos) {
        // Negative weights: the reference on |g| can cancel below
        // sum |w * g|; add a bound of the latter from the largest |g|
        // and the most outputs reaching one input.
        let out = interpolate_output_shape(&call.shape, opts).unwrap();
        let amax = g
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(v.abs()));
        let reach: f32 = (2..call.shape.len())
            .map(|a| (out[a] as f32 / call.shape[a] as f32).ceil() + 4.0)
            .product();
        for m in &mut magnitude {
            *m = m.abs() + amax * reach;
        }
    }
    for (variant, got) in [("fast", &got), ("with_scratch", &got_scratch)] {
        for (k, ((&a, &b), &m)) in got.inner().iter().zip(&want).zip(&magnitude).enumerate() {
            assert!(
                close_enough(a, b, m),
                "element {k}: {variant} {a:e}, reference {b:e} (magnitude {m:e}); shape {:?} {layout:?} {opts:?}",
                call.shape
            );
        }
    }
}

/// Whether PyTorch's backward is the adjoint of its forward for this
/// call. It is not where the two kernels compute indices or windows
/// differently (`reference::interpolate_backward`'s docs):
/// - nearest's backward takes `nearest_idx`'s shortcuts (output = input or
///   twice it) even when a scale factor says otherwise, and nearest-exact's
///   index is a double product there (a float fused multiply-add in the
///   forward's generic kernel): kept to sizes in integer ratios;
/// - bicubic's backward copies when no size changes, whatever the scale;
/// - the antialiased backward resamples an axis whose size does not change
///   (the forward skips it), and lacks the forward's one-pixel-wide
///   collapse.
fn pytorch_is_adjoint(call: &Call, out: &[usize]) -> bool {
    let rank = call.shape.len() - 2;
    let input = &call.shape[2..];
    let output = &out[2..];
    let scale_given = call.scale_factor.is_some() && call.recompute != Some(true);
    let sf = |a: usize| {
        call.scale_factor
            .as_ref()
            .map_or(0.0, |s| if s.len() == 1 { s[0] } else { s[a] })
    };
    let same = |a: usize| input[a] == output[a];
    match call.mode {
        M::Nearest | M::NearestExact => (0..rank).all(|a| {
            let (i, o) = (input[a], output[a]);
            let shortcut_ok =
                !scale_given || (o != i || sf(a) == 1.0) && (o != 2 * i || sf(a) == 2.0);
            let ratio_ok = call.mode == M::Nearest || o % i == 0 || i % o == 0;
            shortcut_ok && ratio_ok
        }),
        M::Bicubic if !call.antialias => !(scale_given && (0..rank).all(same)),
        _ if call.antialias => {
            let collapse = !same(0)
                && output[1] == 1
                && (call.layout == Layout::ChannelsFirst || call.shape[1] == 1);
            !(collapse || scale_given && (0..rank).any(same))
        }
        _ => true,
    }
}

#[test]
fn fast_path_is_the_adjoint_of_the_fast_forward() {
    fn prop(seed: u64) -> TestResult {
        let mut rng = Rng(seed);
        let Some((mut call, opts, g)) = random_case(&mut rng, false) else {
            return TestResult::discard();
        };
        let out = interpolate_output_shape(&call.shape, &opts).unwrap();
        if !pytorch_is_adjoint(&call, &out) {
            return TestResult::discard();
        }
        call.input = rng.signed_units(call.input.len());
        let (x, layout, shape) = (&call.input, call.layout, &call.shape);
        let mut y = vec![0.0; out.numel()];
        let mut y_abs = vec![0.0; out.numel()];
        let mut gi = vec![0.0; x.len()];
        let mut gi_abs = vec![0.0; x.len()];
        interpolate(x, shape, layout, &opts, &mut y).unwrap();
        interpolate(&abs(x), shape, layout, &opts, &mut y_abs).unwrap();
        interpolate_backward(&g, shape, layout, &opts, &mut gi).unwrap();
        interpolate_backward(&abs(&g), shape, layout, &opts, &mut gi_abs).unwrap();
        let dot = |a: &[f32], b: &[f32]| -> f64 {
            a.iter()
                .zip(b)
                .map(|(&p, &q)| f64::from(p) * f64::from(q))
                .sum()
        };
        let (lhs, rhs) = (dot(&y, &g), dot(x, &gi));
        // Each y_k and gi_i is an f32 sum of at most a few dozen terms,
        // off the exact sum by at most (terms) * 2^-24 * sum |w * value|
        // < 1e-5 * sum |w * value|, and the f64 dots add nothing
        // comparable; summed over the dot, the bound is 1e-5 times
        // <interpolate(|x|), |g|> + <|x|, backward(|g|)> (the sums of |terms|
        // for non-negative weights, within a small factor for cubic ones).
        let bound = 1e-5 * (dot(&y_abs, &abs(&g)) + dot(&abs(x), &gi_abs)) + 1e-30;
        assert!(
            (lhs - rhs).abs() <= bound,
            "<forward(x), g> = {lhs}, <x, backward(g)> = {rhs}, bound {bound}; shape {shape:?} {layout:?} {opts:?}"
        );
        TestResult::passed()
    }
    check(prop, TESTS);
}

#[test]
fn bad_lengths_and_options_write_nothing() {
    let shape = [1, 3, 4, 5];
    let opts = InterpolateOptions::scale_factor(M::Bilinear, 2.0);
    let out = interpolate_output_shape(&shape, &opts).unwrap().numel();
    let n = 60;
    for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
        for (go, gi, buffer) in [
            (out, n - 1, Buffer::GradInput),
            (out, n + 1, Buffer::GradInput),
            (out - 1, n, Buffer::GradOutput),
            (out + 3, n, Buffer::GradOutput),
        ] {
            let g = vec![1.0; go];
            for backward in [
                interpolate_backward,
                with_enough_scratch,
                reference::interpolate_backward,
            ] {
                let mut grad_input = Guarded::<f32>::new(gi, 3, 3);
                let err = backward(&g, &shape, layout, &opts, grad_input.inner_mut());
                assert!(
                    matches!(err, Err(Error::BufferLength { buffer: b, .. }) if b == buffer),
                    "{err:?}"
                );
                assert!(grad_input.inner().iter().all(|&v| v == common::SENTINEL));
                assert!(grad_input.bands_intact());
            }
        }
        // A scratch one float short.
        let need = interpolate_backward_scratch_len(&shape, layout, &opts).unwrap();
        let (g, mut scratch) = (vec![1.0; out], vec![common::SENTINEL; need - 1]);
        let mut grad_input = vec![common::SENTINEL; n];
        let err = interpolate_backward_with_scratch(
            &g,
            &shape,
            layout,
            &opts,
            &mut grad_input,
            &mut scratch,
        );
        assert!(
            matches!(err, Err(Error::BufferLength { buffer: Buffer::Scratch, expected, actual }) if expected == need && actual == need - 1),
            "{err:?}"
        );
        assert!(
            grad_input
                .iter()
                .chain(&scratch)
                .all(|&v| v == common::SENTINEL)
        );
        // Options PyTorch rejects, as the forward rejects them.
        let bad = InterpolateOptions::size(M::Nearest, [8, 10]).with_align_corners(true);
        let g = vec![1.0; out];
        let mut grad_input = vec![common::SENTINEL; n];
        let want = interpolate_output_shape(&shape, &bad).unwrap_err();
        assert_eq!(
            interpolate_backward(&g, &shape, layout, &bad, &mut grad_input),
            Err(want)
        );
        assert!(grad_input.iter().all(|&v| v == common::SENTINEL));
    }
}

#[test]
fn a_zero_weight_tap_makes_an_infinite_gradient_nan_as_in_pytorch() {
    // Linear, same size: ATen's "simply copy" still adds 0 * g to the same
    // input, so +inf gives NaN (PyTorch: upsample_linear1d_backward of
    // [inf] at size 1 -> [nan]).
    let opts = InterpolateOptions::size(M::Linear, 3);
    for backward in [
        interpolate_backward,
        with_enough_scratch,
        reference::interpolate_backward,
    ] {
        let mut gi = [0.0; 3];
        backward(
            &[1.0, f32::INFINITY, 2.0],
            &[1, 1, 3],
            Layout::ChannelsFirst,
            &opts,
            &mut gi,
        )
        .unwrap();
        assert_eq!(gi[0], 1.0);
        assert!(gi[1].is_nan());
        assert_eq!(gi[2], 2.0);
    }
}

/// Channels-first 1-d nearest x2 (the scatter's sums of pairs, for any
/// number of rows): bit for bit ATen's `(0 + a) + b`, signed zeros, NaN
/// and infinities included, with the size or a scale factor (whose x2
/// ATen takes as a shortcut either way), on odd and wide rows.
#[test]
fn channels_first_1d_nearest_x2_is_exact() {
    let mut rng = Rng(0x9a1f5);
    for &(rows, width) in &[
        (1, 1),
        (1, 37),
        (3, 1000),
        (16, 5),
        (17, 33),
        (40, 9),
        (2, 4099),
    ] {
        for opts in [
            InterpolateOptions::size(M::Nearest, 2 * width),
            InterpolateOptions::scale_factor(M::Nearest, 2.0),
            // Twice the size by a scale factor that is not 2: the
            // shortcut still.
            InterpolateOptions::scale_factor(M::Nearest, 2.0 + 0.4 / width as f64),
        ] {
            let shape = [1, rows, width];
            let mut g = gradients(&mut rng, rows * 2 * width, true);
            for (k, v) in g.iter_mut().enumerate().step_by(7) {
                *v = if k % 2 == 0 { -0.0 } else { 0.0 };
            }
            let mut got = vec![ALT_SENTINEL; rows * width];
            let mut want = vec![ALT_SENTINEL; rows * width];
            interpolate_backward(&g, &shape, Layout::ChannelsFirst, &opts, &mut got).unwrap();
            reference::interpolate_backward(&g, &shape, Layout::ChannelsFirst, &opts, &mut want)
                .unwrap();
            for (k, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan(),
                    "{shape:?} {opts:?} element {k}: {a:e} against {b:e}"
                );
            }
        }
    }
}
