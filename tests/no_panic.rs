//! No input makes an op panic: shapes whose element count overflows `u32` or
//! `usize`, zero-sized axes, huge factors, kernels, strides, paddings,
//! dilations and groups, absurd output sizes and scale factors. Each call
//! returns the right `Err` (and writes nothing), or, for a valid problem that
//! is big in its parameters but cheap to run, `Ok` with the public op and
//! the reference agreeing.
//!
//! Each call runs through the public op and the reference (the shuffle, pool,
//! unpool and conv_transpose ones in both layouts),
//! inside a one-minute watchdog (work that grows with a parameter instead of
//! with the buffers fails instead of hanging the run).
//!
//! Buffers are sized as in the fuzzer's unconstrained mode: each slice gets
//! the exact length its shape needs when that is at most `MAX_ELEMENTS`, and
//! is empty otherwise, so every call reaches the shape checks (which come
//! before the buffer checks). The wasm32 run of this file (scripts/test-wasm.sh)
//! covers 32-bit `usize`.

mod common;

use common::{INDEX_SENTINEL, SENTINEL, same_or_close, untouched};
use upsample::{
    BlockMode, Buffer, ConvTransposeOptions, Error, InterpolateMode as M, InterpolateOptions,
    Layout, MaxPoolOptions, UnpoolOptions, reference,
};

const CF: Layout = Layout::ChannelsFirst;
const CL: Layout = Layout::ChannelsLast;
const MAX: usize = usize::MAX;
/// Squared, this overflows `usize` (2^32 on 64-bit targets, 2^16 on 32-bit).
const HALF: usize = 1 << (usize::BITS / 2);
/// The largest slice a test allocates.
const MAX_ELEMENTS: usize = 1 << 22;

macro_rules! assert_err {
    ($result:expr, $pattern:pat $(if $guard:expr)?) => {{
        let result = $result;
        assert!(
            matches!(result, Err($pattern) $(if $guard)?),
            "expected Err({}), got {result:?}",
            stringify!($pattern $(if $guard)?)
        );
    }};
}

fn numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// The exact length when small enough to allocate, else 0.
fn len(n: Option<usize>) -> usize {
    n.filter(|&n| n <= MAX_ELEMENTS).unwrap_or(0)
}

/// `[-1, 1)` values, distinct enough to show a misplaced element.
fn data(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * 37) % 101) as f32 / 50.5 - 1.0)
        .collect()
}

/// Runs `public` and `reference` on sentinel-filled outputs of `out_len`
/// elements: both must return the same result; on `Err` neither wrote
/// anything (but for `max_unpool`'s index outside its plane, after which
/// both outputs are all NaN), on `Ok` they agree within `tolerance`
/// absolute and relative (0: equal, NaN matching NaN).
fn both(
    what: &str,
    out_len: usize,
    tolerance: f64,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> Result<(), Error> {
    both_with(what, out_len, tolerance, true, public, reference)
}

/// [`both`] for a backward op: every error, an index out of range too,
/// leaves the gradient untouched; and the same error as its forward
/// `forward` (the same checks, in the same order).
fn both_backward(
    what: &str,
    forward: &Result<(), Error>,
    grad_len: usize,
    tolerance: f64,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) {
    let result = both_with(what, grad_len, tolerance, false, public, reference);
    assert_eq!(
        result.as_ref().err().map(core::mem::discriminant),
        forward.as_ref().err().map(core::mem::discriminant),
        "{what}: {result:?}, but the forward {forward:?}"
    );
}

/// [`both`]; `nan_on_index_error`: an index out of range fills the output
/// with NaN (`max_unpool`) instead of leaving it untouched.
fn both_with(
    what: &str,
    out_len: usize,
    tolerance: f64,
    nan_on_index_error: bool,
    public: impl FnOnce(&mut [f32]) -> Result<(), Error>,
    reference: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut got = vec![SENTINEL; out_len];
    let mut want = vec![SENTINEL; out_len];
    let result = public(&mut got);
    let expected = reference(&mut want);
    // Debug text, so that NaN values in errors compare equal.
    assert_eq!(
        format!("{result:?}"),
        format!("{expected:?}"),
        "{what}: public and reference disagree"
    );
    if let (true, Err(Error::IndexOutOfRange { .. })) = (nan_on_index_error, &result) {
        assert!(
            got.iter().all(|v| v.is_nan()),
            "{what}: not NaN on {result:?}"
        );
        assert!(
            want.iter().all(|v| v.is_nan()),
            "{what}: not NaN on {result:?}"
        );
    } else if result.is_err() {
        assert!(untouched(&got), "{what}: written on {result:?}");
        assert!(untouched(&want), "{what}: written on {result:?}");
    } else {
        for (k, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                same_or_close(g, w, tolerance, tolerance),
                "{what}: element {k}: public {g} vs reference {w}"
            );
        }
    }
    result
}

/// Runs `body` on a thread and fails the test if it takes more than a
/// minute: an op whose work grows with a parameter instead of with its
/// buffers would otherwise hang the whole test run. (wasm32-wasip1 has no
/// threads: there `body` runs inline.)
fn watchdog(body: impl FnOnce() + Send + 'static) {
    if cfg!(target_family = "wasm") {
        return body();
    }
    let (done, finished) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(()) => thread.join().unwrap(),
        // The body panicked: re-raise its panic here.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("still running after 60 s: the work grows with a parameter")
        }
    }
}

// ---------------------------------------------------------------------------
// interpolate
// ---------------------------------------------------------------------------

fn interpolate(shape: &[usize], layout: Layout, opts: &InterpolateOptions) -> Result<(), Error> {
    let helper = upsample::interpolate_output_shape(shape, opts);
    let input = data(len(numel(shape)));
    let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
    let tolerance = match opts.mode {
        M::Nearest | M::NearestExact => 0.0,
        _ => 1e-5,
    };
    let result = both(
        &format!("interpolate {shape:?} {layout:?} {opts:?}"),
        out_len,
        tolerance,
        |o| upsample::interpolate(&input, shape, layout, opts, o),
        |o| reference::interpolate(&input, shape, layout, opts, o),
    );
    // The caller-scratch variant: the same checks, the same result.
    let scratch_len = upsample::interpolate_scratch_len(shape, layout, opts);
    let mut scratch = vec![0.0; len(scratch_len.as_ref().ok().copied())];
    let scratched = both(
        &format!("interpolate_with_scratch {shape:?} {layout:?} {opts:?}"),
        out_len,
        tolerance,
        |o| upsample::interpolate_with_scratch(&input, shape, layout, opts, o, &mut scratch),
        |o| reference::interpolate(&input, shape, layout, opts, o),
    );
    // (Debug text: an error holding a NaN scale is not equal to itself.)
    let same = format!("{scratched:?}") == format!("{result:?}");
    assert!(
        same,
        "interpolate_with_scratch {shape:?} {opts:?}: {scratched:?}, {result:?}"
    );
    same_error_as_helper(
        &scratch_len.map(|_| ()),
        upsample::interpolate_output_shape(shape, opts),
    );
    // Its gradient: the same checks, so the same kind of error (sums in
    // another order: within 1e-4).
    let grad_output = data(out_len);
    both_backward(
        &format!("interpolate_backward {shape:?} {layout:?} {opts:?}"),
        &result,
        input.len(),
        1e-4,
        |o| upsample::interpolate_backward(&grad_output, shape, layout, opts, o),
        |o| reference::interpolate_backward(&grad_output, shape, layout, opts, o),
    );
    // And its caller-scratch variant.
    let scratch_len = upsample::interpolate_backward_scratch_len(shape, layout, opts);
    let mut scratch = vec![0.0; len(scratch_len.as_ref().ok().copied())];
    both_backward(
        &format!("interpolate_backward_with_scratch {shape:?} {layout:?} {opts:?}"),
        &result,
        input.len(),
        1e-4,
        |o| {
            upsample::interpolate_backward_with_scratch(
                &grad_output,
                shape,
                layout,
                opts,
                o,
                &mut scratch,
            )
        },
        |o| reference::interpolate_backward(&grad_output, shape, layout, opts, o),
    );
    same_error_as_helper(&scratch_len.map(|_| ()), helper);
    same_error_as_helper(&result, helper);
    result
}

#[test]
fn interpolate_element_counts_that_overflow() {
    watchdog(|| {
        let nearest = InterpolateOptions::size(M::Nearest, [2]);
        // usize overflow in the input, on every axis.
        for shape in [[MAX, 2, 1], [2, MAX, 1], [1, 2, MAX], [HALF, HALF, 1]] {
            assert_err!(interpolate(&shape, CF, &nearest), Error::Overflow { .. });
        }
        // 2^33 elements: a u32 overflow; on 64-bit targets a valid shape.
        let shape = [1 << 16, 1 << 16, 2];
        if usize::BITS == 64 {
            assert_err!(
                interpolate(&shape, CL, &nearest),
                Error::BufferLength {
                    buffer: Buffer::Input,
                    ..
                }
            );
        } else {
            assert_err!(interpolate(&shape, CL, &nearest), Error::Overflow { .. });
        }
        // usize overflow in the output only.
        for size in [&[MAX, 2][..], &[HALF, HALF]] {
            let opts = InterpolateOptions::size(M::Bilinear, size);
            assert_err!(
                interpolate(&[1, 1, 2, 2], CF, &opts),
                Error::Overflow { .. }
            );
        }
        let opts = InterpolateOptions::size(M::Nearest, [MAX]);
        assert_err!(interpolate(&[1, 3, 2], CF, &opts), Error::Overflow { .. });
        // One huge output axis that fits: a buffer that cannot be allocated.
        let opts = InterpolateOptions::size(M::Nearest, [MAX]);
        assert_err!(
            interpolate(&[1, 1, 2], CF, &opts),
            Error::BufferLength {
                buffer: Buffer::Output,
                ..
            }
        );
    });
}

#[test]
fn interpolate_absurd_scale_factors() {
    watchdog(|| {
        for sf in [1e300, f64::MAX, 1e19, 9.0e15, 4.3e9 * 4.3e9] {
            let sf = [sf];
            let opts = InterpolateOptions::scale_factor(M::Nearest, sf);
            assert_err!(interpolate(&[1, 1, 3], CF, &opts), Error::Overflow { .. });
        }
        for sf in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, -1.0] {
            let sf = [sf];
            let opts = InterpolateOptions::scale_factor(M::Bicubic, sf);
            assert_err!(
                interpolate(&[1, 1, 3, 3], CF, &opts),
                Error::InvalidScaleFactor { .. }
            );
        }
        for sf in [1e-300, f64::MIN_POSITIVE, 5e-324, 0.1] {
            let sf = [sf];
            let opts = InterpolateOptions::scale_factor(M::Area, sf);
            assert_err!(
                interpolate(&[1, 1, 3], CF, &opts),
                Error::EmptyOutput { size: 0, .. }
            );
        }
        // A big but cheap scale: one input element to 2^20 outputs.
        for mode in [M::Nearest, M::NearestExact, M::Linear, M::Area] {
            let opts = InterpolateOptions::scale_factor(mode, [(1 << 20) as f64]);
            assert_eq!(interpolate(&[1, 1, 1], CF, &opts), Ok(()), "{mode:?}");
        }
    });
}

#[test]
fn interpolate_zero_sized_axes() {
    watchdog(|| {
        let opts = InterpolateOptions::size(M::Trilinear, [2]);
        for axis in 0..5 {
            let mut shape = [2, 3, 4, 5, 6];
            shape[axis] = 0;
            assert_err!(
                interpolate(&shape, CL, &opts),
                Error::ZeroDimension {
                    buffer: Buffer::Input,
                    axis: a
                } if a == axis
            );
        }
        for size in [&[0, 4][..], &[4, 0], &[0]] {
            let opts = InterpolateOptions::size(M::Bilinear, size);
            assert_err!(
                interpolate(&[1, 1, 3, 3], CF, &opts),
                Error::EmptyOutput { size: 0, .. }
            );
        }
    });
}

/// Long axes (70 000 elements), cheap to run.
#[test]
fn interpolate_long_axes() {
    watchdog(|| {
        for mode in [M::Nearest, M::NearestExact, M::Linear] {
            let opts = InterpolateOptions::size(mode, [69_999]);
            assert_eq!(interpolate(&[1, 1, 70_000], CF, &opts), Ok(()), "{mode:?}");
        }
        let opts = InterpolateOptions::size(M::Bilinear, [3, 65_537]).with_antialias(true);
        assert_eq!(interpolate(&[1, 1, 2, 70_000], CF, &opts), Ok(()));
    });
}

/// `area` from 70 000 to 69 999 elements: its adaptive-pooling index
/// arithmetic multiplies two such sizes, which overflows a 32-bit `usize`.
#[test]
fn interpolate_area_long_axes() {
    watchdog(|| {
        let opts = InterpolateOptions::size(M::Area, [69_999]);
        assert_eq!(interpolate(&[1, 1, 70_000], CF, &opts), Ok(()));
        let opts = InterpolateOptions::size(M::Area, [3, 69_999]);
        assert_eq!(interpolate(&[1, 1, 2, 70_000], CL, &opts), Ok(()));
    });
}

/// When the op's output-shape helper fails, the op must fail the same way.
fn same_error_as_helper<T>(result: &Result<(), Error>, helper: Result<T, Error>) {
    if let Err(e) = helper {
        assert_eq!(
            format!("{result:?}"),
            format!("{:?}", Err::<(), _>(e)),
            "the op and its output-shape helper disagree"
        );
    }
}

/// `run` in both layouts, which must give the same result.
fn both_layouts(run: impl Fn(Layout) -> Result<(), Error>) -> Result<(), Error> {
    let first = run(CF);
    let last = run(CL);
    assert_eq!(
        format!("{first:?}"),
        format!("{last:?}"),
        "the layouts disagree"
    );
    first
}

// ---------------------------------------------------------------------------
// pixel_shuffle, pixel_unshuffle
// ---------------------------------------------------------------------------

/// [`shuffle_in`] in both layouts.
fn shuffle(shape: &[usize], r: usize, up: bool) -> Result<(), Error> {
    both_layouts(|layout| shuffle_in(layout, shape, r, up))
}

fn shuffle_in(layout: Layout, shape: &[usize], r: usize, up: bool) -> Result<(), Error> {
    let helper = if up {
        upsample::pixel_shuffle_output_shape(shape, r)
    } else {
        upsample::pixel_unshuffle_output_shape(shape, r)
    };
    let input = data(len(numel(shape)));
    let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
    let result = both(
        &format!("pixel_(un)shuffle {shape:?} {layout:?} r={r}"),
        out_len,
        0.0,
        |o| {
            if up {
                upsample::pixel_shuffle(&input, shape, layout, r, o)
            } else {
                upsample::pixel_unshuffle(&input, shape, layout, r, o)
            }
        },
        |o| {
            if up {
                reference::pixel_shuffle(&input, shape, layout, r, o)
            } else {
                reference::pixel_unshuffle(&input, shape, layout, r, o)
            }
        },
    );
    same_error_as_helper(&result, helper);
    // The backward: the other way, from a gradient of the output's length.
    let grad = data(out_len);
    both_backward(
        &format!("pixel_(un)shuffle_backward {shape:?} {layout:?} r={r}"),
        &result,
        input.len(),
        0.0,
        |o| match up {
            true => upsample::pixel_shuffle_backward(&grad, shape, layout, r, o),
            false => upsample::pixel_unshuffle_backward(&grad, shape, layout, r, o),
        },
        |o| match up {
            true => reference::pixel_shuffle_backward(&grad, shape, layout, r, o),
            false => reference::pixel_unshuffle_backward(&grad, shape, layout, r, o),
        },
    );
    // ONNX's ops, in DCR order, take the same checks.
    let onnx = both(
        &format!("depth_to_space / space_to_depth {shape:?} {layout:?} r={r}"),
        out_len,
        0.0,
        |o| {
            if up {
                upsample::depth_to_space(&input, shape, layout, r, BlockMode::Dcr, o)
            } else {
                upsample::space_to_depth(&input, shape, layout, r, BlockMode::Dcr, o)
            }
        },
        |o| {
            if up {
                reference::depth_to_space(&input, shape, layout, r, BlockMode::Dcr, o)
            } else {
                reference::space_to_depth(&input, shape, layout, r, BlockMode::Dcr, o)
            }
        },
    );
    assert_eq!(
        onnx.as_ref().err().map(core::mem::discriminant),
        result.as_ref().err().map(core::mem::discriminant),
        "{shape:?} r={r}: ONNX's op and PyTorch's disagree"
    );
    result
}

#[test]
fn pixel_shuffle_huge_factors_and_shapes() {
    watchdog(|| {
        for up in [true, false] {
            assert_err!(
                shuffle(&[1, 4, 2, 2], 0, up),
                Error::InvalidParameter { .. }
            );
            assert_err!(shuffle(&[MAX, 4, 2, 2], 2, up), Error::Overflow { .. });
            assert_err!(shuffle(&[HALF, HALF, 2, 2], 2, up), Error::Overflow { .. });
            for axis in 0..4 {
                let mut shape = [1, 4, 2, 2];
                shape[axis] = 0;
                assert_err!(
                    shuffle(&shape, 2, up),
                    Error::ZeroDimension { axis: a, .. } if a == axis
                );
            }
            assert_err!(shuffle(&[1, 4, 2], 2, up), Error::Rank { .. });
            assert_err!(shuffle(&[1, 4, 2, 2, 2], 2, up), Error::Rank { .. });
        }
        // factor² overflows.
        for r in [MAX, HALF, HALF + 1] {
            assert_err!(shuffle(&[1, 4, 1, 1], r, true), Error::Overflow { .. });
        }
        // C a multiple of r² but H * r overflows.
        assert_err!(
            shuffle(&[1, 4, MAX / 4, 2], 2, true),
            Error::Overflow { .. }
        );
        // Huge but divisible: valid, too big to allocate.
        assert_err!(
            shuffle(&[1, 1, HALF / 2, HALF / 2], HALF / 2, false),
            Error::BufferLength { .. }
        );
        // Not divisible.
        assert_err!(
            shuffle(&[1, 1, 1, 1], MAX, false),
            Error::NotDivisible { .. }
        );
        assert_err!(
            shuffle(&[1, MAX, 1, 1], 2, true),
            Error::NotDivisible { .. }
        );
        // Factor 1 on a big, cheap tensor.
        assert_eq!(shuffle(&[1, 1, 1, 1 << 20], 1, true), Ok(()));
        assert_eq!(shuffle(&[1, 1, 1 << 10, 1 << 10], 1 << 10, false), Ok(()));
    });
}

// ---------------------------------------------------------------------------
// max_pool
// ---------------------------------------------------------------------------

/// [`max_pool_in`] in both layouts.
fn max_pool(shape: &[usize], opts: &MaxPoolOptions<'_>) -> Result<(), Error> {
    both_layouts(|layout| max_pool_in(layout, shape, opts))
}

fn max_pool_in(layout: Layout, shape: &[usize], opts: &MaxPoolOptions<'_>) -> Result<(), Error> {
    let helper = upsample::max_pool_output_shape(shape, opts);
    let input = data(len(numel(shape)));
    let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
    let (mut got, mut want) = (vec![INDEX_SENTINEL; out_len], vec![INDEX_SENTINEL; out_len]);
    let result = both(
        &format!("max_pool {shape:?} {layout:?} {opts:?}"),
        out_len,
        0.0,
        |o| upsample::max_pool(&input, shape, layout, opts, o, &mut got),
        |o| reference::max_pool(&input, shape, layout, opts, o, &mut want),
    );
    assert_eq!(got, want, "max_pool indices {shape:?} {layout:?} {opts:?}");
    same_error_as_helper(&result, helper);
    // The backward, with the indices found (or, on an error, sentinels).
    // An all-padding window's index may lie outside the plane (PyTorch's
    // initial index): the backward refuses it.
    let grad = data(out_len);
    let plane: usize = shape[2..].iter().product();
    let outside = got.iter().any(|&i| i < -1 || i as u64 >= plane as u64);
    let expected = match &result {
        Ok(()) if outside => Err(Error::IndexOutOfRange {
            position: 0,
            index: 0,
            plane_size: plane,
        }),
        other => *other,
    };
    both_backward(
        &format!("max_pool_backward {shape:?} {layout:?} {opts:?}"),
        &expected,
        input.len(),
        0.0,
        |o| upsample::max_pool_backward(&grad, &got, shape, layout, opts, o),
        |o| reference::max_pool_backward(&grad, &want, shape, layout, opts, o),
    );
    result
}

#[test]
fn max_pool_huge_parameters() {
    watchdog(|| {
        let k2 = MaxPoolOptions::new(&[2]);
        for shape in [[MAX, 2, 2], [2, 2, MAX], [1, HALF, HALF]] {
            assert_err!(max_pool(&shape, &k2), Error::Overflow { .. });
        }
        for axis in 0..5 {
            let mut shape = [1, 2, 3, 4, 5];
            shape[axis] = 0;
            assert_err!(
                max_pool(&shape, &k2),
                Error::ZeroDimension { axis: a, .. } if a == axis
            );
        }
        // Zero kernel, stride, dilation.
        let zero = [0];
        for opts in [
            MaxPoolOptions::new(&zero),
            k2.with_stride(&zero),
            k2.with_dilation(&zero),
        ] {
            assert_err!(
                max_pool(&[1, 1, 4, 4], &opts),
                Error::InvalidParameter { .. }
            );
        }
        // A kernel or dilation larger than the input: nothing to pool.
        for opts in [
            MaxPoolOptions::new(&[MAX]),
            MaxPoolOptions::new(&[HALF]),
            k2.with_dilation(&[MAX]),
        ] {
            assert_err!(max_pool(&[1, 1, 4, 4], &opts), Error::EmptyOutput { .. });
        }
        // Padding above half the kernel.
        for padding in [2, MAX, HALF] {
            let padding = [padding];
            let opts = MaxPoolOptions::new(&[3]).with_padding(&padding);
            assert_err!(max_pool(&[1, 1, 4], &opts), Error::PaddingTooLarge { .. });
        }
        // Huge strides: one window per axis, valid and cheap.
        for stride in [MAX, MAX - 1, HALF, 1 << (usize::BITS - 1)] {
            for ceil_mode in [false, true] {
                let stride = [stride];
                let opts = k2.with_stride(&stride).with_ceil_mode(ceil_mode);
                assert_eq!(
                    max_pool(&[1, 2, 3, 5, 4], &opts),
                    Ok(()),
                    "stride {stride:?}"
                );
            }
        }
        // In ceil mode a kernel larger than the input still gives one window
        // (as in PyTorch).
        let opts = MaxPoolOptions::new(&[1 << (usize::BITS - 24)]).with_ceil_mode(true);
        assert_eq!(max_pool(&[1, 2, 3, 5], &opts), Ok(()));
        // A huge dilation with a kernel of 1 changes nothing.
        let opts = MaxPoolOptions::new(&[1]).with_dilation(&[HALF]);
        assert_eq!(max_pool(&[1, 2, 3, 5], &opts), Ok(()));
        // A plane too big for i64 indices (64-bit targets) or to allocate (32-bit).
        assert_err!(
            max_pool(&[1, 1, MAX / 2, 2], &k2),
            Error::BufferLength { .. } | Error::Overflow { .. }
        );
    });
}

/// A window that starts far inside the padding: valid (one output), but
/// the reference walks the start forward one dilation step at a time from
/// `-padding`, 2^39 steps here (and overflows `i64` for kernels >= 2^63).
#[test]
#[cfg(target_pointer_width = "64")]
fn max_pool_huge_kernel_and_padding() {
    watchdog(|| {
        let opts = MaxPoolOptions::new(&[1 << 40]).with_padding(&[1 << 39]);
        assert_eq!(max_pool(&[1, 1, 1], &opts), Ok(()));
        let opts = MaxPoolOptions::new(&[(1 << 63) + 1]).with_padding(&[1 << 62]);
        assert_eq!(max_pool(&[1, 1, 1], &opts), Ok(()));
    });
}

/// Kernels and dilations of 2^63 and more: valid (a kernel of 1 with any
/// dilation changes nothing; in ceil mode a kernel larger than the input
/// pools all of it, as in PyTorch), but the reference casts them to `i64`,
/// which wraps: an index out of bounds for the dilation, an empty window
/// (`-inf`) for the kernel.
#[test]
#[cfg(target_pointer_width = "64")]
fn max_pool_kernel_and_dilation_past_i64() {
    watchdog(|| {
        let opts = MaxPoolOptions::new(&[1]).with_dilation(&[MAX]);
        assert_eq!(max_pool(&[1, 2, 3, 5], &opts), Ok(()));
        let opts = MaxPoolOptions::new(&[MAX]).with_ceil_mode(true);
        let input = data(16);
        let (mut out, mut indices) = ([0.0], [0i64]);
        reference::max_pool(&input, &[1, 1, 4, 4], CF, &opts, &mut out, &mut indices).unwrap();
        let max = input.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        assert_eq!(out[0], max, "the window covers the whole input");
        assert_eq!(max_pool(&[1, 1, 4, 4], &opts), Ok(()));
    });
}

// ---------------------------------------------------------------------------
// max_unpool, avg_unpool
// ---------------------------------------------------------------------------

/// [`unpool_in`] in both layouts.
fn unpool(shape: &[usize], opts: &UnpoolOptions<'_>, indices: Option<&[i64]>) -> Result<(), Error> {
    both_layouts(|layout| unpool_in(layout, shape, opts, indices))
}

fn unpool_in(
    layout: Layout,
    shape: &[usize],
    opts: &UnpoolOptions<'_>,
    indices: Option<&[i64]>,
) -> Result<(), Error> {
    let helper = upsample::unpool_output_shape(shape, opts);
    let in_len = len(numel(shape));
    let input = data(in_len);
    let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
    let result = match indices {
        Some(given) => {
            let indices: Vec<i64> = (0..in_len).map(|i| given[i % given.len()]).collect();
            both(
                &format!("max_unpool {shape:?} {layout:?} {opts:?}"),
                out_len,
                0.0,
                |o| upsample::max_unpool(&input, &indices, shape, layout, opts, o),
                |o| reference::max_unpool(&input, &indices, shape, layout, opts, o),
            )
        }
        None => both(
            &format!("avg_unpool {shape:?} {layout:?} {opts:?}"),
            out_len,
            1e-5,
            |o| upsample::avg_unpool(&input, shape, layout, opts, o),
            |o| reference::avg_unpool(&input, shape, layout, opts, o),
        ),
    };
    same_error_as_helper(&result, helper);
    // The backward, from a gradient of the output's length.
    let grad = data(out_len);
    match indices {
        Some(given) => {
            let indices: Vec<i64> = (0..in_len).map(|i| given[i % given.len()]).collect();
            both_backward(
                &format!("max_unpool_backward {shape:?} {layout:?} {opts:?}"),
                &result,
                in_len,
                0.0,
                |o| upsample::max_unpool_backward(&grad, &indices, shape, layout, opts, o),
                |o| reference::max_unpool_backward(&grad, &indices, shape, layout, opts, o),
            );
        }
        None => both_backward(
            &format!("avg_unpool_backward {shape:?} {layout:?} {opts:?}"),
            &result,
            in_len,
            0.0,
            |o| upsample::avg_unpool_backward(&grad, shape, layout, opts, o),
            |o| reference::avg_unpool_backward(&grad, shape, layout, opts, o),
        ),
    }
    result
}

#[test]
fn unpool_huge_parameters() {
    watchdog(|| {
        let k2 = UnpoolOptions::new(&[2]);
        for indices in [Some(&[0i64][..]), None] {
            for shape in [[MAX, 2, 2], [1, 2, MAX], [HALF, HALF, 1]] {
                assert_err!(unpool(&shape, &k2, indices), Error::Overflow { .. });
            }
            for axis in 0..4 {
                let mut shape = [1, 2, 3, 4];
                shape[axis] = 0;
                assert_err!(
                    unpool(&shape, &k2, indices),
                    Error::ZeroDimension { axis: a, .. } if a == axis
                );
            }
            for opts in [UnpoolOptions::new(&[0]), k2.with_stride(&[0])] {
                assert_err!(
                    unpool(&[1, 1, 2], &opts, indices),
                    Error::InvalidParameter { .. }
                );
            }
            // The default output size overflows.
            for opts in [
                UnpoolOptions::new(&[MAX]),
                k2.with_stride(&[MAX]),
                UnpoolOptions::new(&[HALF]).with_stride(&[HALF]),
            ] {
                assert_err!(
                    unpool(&[1, 1, 3, 3], &opts, indices),
                    Error::Overflow { .. }
                );
            }
            // Padding eats the whole output.
            for padding in [1, MAX, MAX / 2, HALF] {
                let padding = [padding];
                let opts = k2.with_padding(&padding);
                assert_err!(
                    unpool(&[1, 1, 1], &opts, indices),
                    Error::EmptyOutput { .. }
                );
            }
            // output_size outside `stride` of the default, or of the wrong length.
            for size in [&[MAX][..], &[0], &[HALF], &[7]] {
                let opts = k2.with_output_size(size);
                assert_err!(unpool(&[1, 1, 2], &opts, indices), Error::OutputSize { .. });
            }
            let opts = k2.with_output_size(&[4, 4, 4, 4]);
            assert_err!(
                unpool(&[1, 1, 2], &opts, indices),
                Error::ParameterCount { .. }
            );
            // Huge strides with one input element: a small, valid output.
            // (avg_unpool's are in avg_unpool_huge_stride_small_output.)
            for stride in [MAX, HALF, 1 << (usize::BITS - 1)] {
                let stride = [stride];
                let opts = k2.with_stride(&stride);
                if indices.is_some() {
                    assert_eq!(
                        unpool(&[1, 3, 1, 1], &opts, indices),
                        Ok(()),
                        "stride {stride:?}"
                    );
                }
            }
            // A huge kernel and padding that cancel out: output 1.
            let opts = UnpoolOptions::new(&[MAX]).with_padding(&[MAX / 2]);
            assert_eq!(unpool(&[1, 2, 1], &opts, indices), Ok(()));
        }
        // Indices outside the plane.
        for index in [-1, i64::MIN, i64::MAX, 4, 1 << 40] {
            assert_err!(
                unpool(&[1, 2, 2], &k2, Some(&[0, index])),
                Error::IndexOutOfRange { .. }
            );
        }
    });
}

/// Huge stride, kernel and padding that leave a 4-element output with two
/// inputs: valid, but `avg_unpool`'s `o + padding` overflows `usize`.
#[test]
fn avg_unpool_huge_padding() {
    watchdog(|| {
        let opts = UnpoolOptions::new(&[MAX])
            .with_stride(&[MAX])
            .with_padding(&[MAX - 2]);
        assert_eq!(
            upsample::unpool_output_shape(&[1, 1, 2], &opts)
                .unwrap()
                .as_slice(),
            &[1, 1, 4]
        );
        assert_eq!(unpool(&[1, 1, 2], &opts, None), Ok(()));
        assert_eq!(unpool(&[1, 1, 2], &opts, Some(&[0, 3])), Ok(()));
    });
}

// ---------------------------------------------------------------------------
// conv_transpose
// ---------------------------------------------------------------------------

/// [`conv_transpose_in`] in both layouts.
fn conv_transpose(
    shape: &[usize],
    weight_shape: &[usize],
    opts: &ConvTransposeOptions<'_>,
) -> Result<(), Error> {
    both_layouts(|layout| conv_transpose_in(layout, shape, weight_shape, opts))
}

fn conv_transpose_in(
    layout: Layout,
    shape: &[usize],
    weight_shape: &[usize],
    opts: &ConvTransposeOptions<'_>,
) -> Result<(), Error> {
    let helper = upsample::conv_transpose_output_shape(shape, weight_shape, opts);
    let scratch = upsample::conv_transpose_scratch_len(shape, layout, weight_shape, opts);
    let input = data(len(numel(shape)));
    let weight = data(len(numel(weight_shape)));
    let bias = data(len(helper.as_ref().ok().map(|s| s[1])));
    let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
    let mut scratch = vec![0.0; len(scratch.ok())];
    let bias = (!bias.is_empty()).then_some(&bias[..]);
    let result = both(
        &format!("conv_transpose {shape:?} {weight_shape:?} {layout:?} {opts:?}"),
        out_len,
        1e-4,
        |o| {
            upsample::conv_transpose(
                &input,
                shape,
                layout,
                &weight,
                weight_shape,
                bias,
                opts,
                o,
                &mut scratch,
            )
        },
        |o| {
            reference::conv_transpose(
                &input,
                shape,
                layout,
                &weight,
                weight_shape,
                bias,
                opts,
                o,
                &mut [],
            )
        },
    );
    same_error_as_helper(&result, helper);
    result
}

#[test]
fn conv_transpose_huge_parameters() {
    watchdog(|| {
        let plain = ConvTransposeOptions::new();
        let w = [2, 3, 2, 2];
        for shape in [[MAX, 2, 2, 2], [1, 2, MAX, 2], [2, 2, HALF, HALF]] {
            assert_err!(conv_transpose(&shape, &w, &plain), Error::Overflow { .. });
        }
        for axis in 0..4 {
            let mut shape = [1, 2, 3, 4];
            shape[axis] = 0;
            assert_err!(
                conv_transpose(&shape, &w, &plain),
                Error::ZeroDimension {
                    buffer: Buffer::Input,
                    axis: a
                } if a == axis
            );
            let mut weight = w;
            weight[axis] = 0;
            assert_err!(
                conv_transpose(&[1, 2, 3, 4], &weight, &plain),
                Error::ZeroDimension {
                    buffer: Buffer::Weight,
                    ..
                }
            );
        }
        // The weight's element count, the output channels, the output size.
        assert_err!(
            conv_transpose(&[1, 2, 3], &[2, HALF, HALF], &plain),
            Error::Overflow { .. }
        );
        assert_err!(
            conv_transpose(&[1, 2, 3], &[2, MAX, 1], &plain.with_groups(2)),
            Error::Overflow { .. }
        );
        for opts in [plain.with_stride(&[MAX]), plain.with_dilation(&[MAX])] {
            assert_err!(
                conv_transpose(&[1, 2, 3], &[2, 3, 2], &opts),
                Error::Overflow { .. }
            );
        }
        let opts = plain.with_stride(&[HALF]);
        assert_err!(
            conv_transpose(&[1, 2, 3, 3], &[2, 3, 2, 2], &opts),
            Error::Overflow { .. }
        );
        // Zero stride, dilation, groups.
        for opts in [
            plain.with_stride(&[0]),
            plain.with_dilation(&[0]),
            plain.with_groups(0),
        ] {
            assert_err!(
                conv_transpose(&[1, 2, 3], &[2, 3, 2], &opts),
                Error::InvalidParameter { .. }
            );
        }
        // Groups that do not divide the channels; padding that eats the output;
        // output_padding not below stride or dilation.
        for groups in [MAX, HALF, 3] {
            assert_err!(
                conv_transpose(&[1, 2, 3], &[2, 3, 2], &plain.with_groups(groups)),
                Error::NotDivisible { .. }
            );
        }
        for padding in [3, MAX, MAX / 2] {
            assert_err!(
                conv_transpose(&[1, 2, 3], &[2, 3, 2], &plain.with_padding(&[padding])),
                Error::EmptyOutput { .. }
            );
        }
        for output_padding in [1, MAX] {
            assert_err!(
                conv_transpose(
                    &[1, 2, 3],
                    &[2, 3, 2],
                    &plain.with_output_padding(&[output_padding])
                ),
                Error::OutputPaddingTooLarge { .. }
            );
        }
        // A huge dilation with a kernel of 1 changes nothing (with a single
        // input element a huge stride does not matter either: see
        // conv_transpose_huge_stride_channels_last).
        let opts = plain.with_dilation(&[MAX]);
        assert_eq!(conv_transpose(&[1, 2, 3, 1], &[2, 3, 1, 1], &opts), Ok(()));
    });
}

/// Huge stride and padding that cancel out: input 3, stride 2^63 (2^31 on
/// 32-bit), padding just under it, output 3 elements. Valid and cheap, but
/// `input_index * stride` overflows `usize`.
#[test]
fn conv_transpose_huge_stride_and_padding() {
    watchdog(|| {
        let stride = [1 << (usize::BITS - 1)];
        let padding = [stride[0] - 1];
        let opts = ConvTransposeOptions::new()
            .with_stride(&stride)
            .with_padding(&padding);
        assert_eq!(
            upsample::conv_transpose_output_shape(&[1, 1, 3], &[1, 1, 1], &opts)
                .unwrap()
                .as_slice(),
            &[1, 1, 3]
        );
        assert_eq!(conv_transpose(&[1, 1, 3], &[1, 1, 1], &opts), Ok(()));
    });
}

/// A huge stride with a small output: the work must not grow with the
/// stride (fuzz/regressions/unconstrained/conv_transpose_stride_2pow51_hang).
#[test]
#[cfg(target_pointer_width = "64")]
fn conv_transpose_huge_stride_small_output() {
    watchdog(|| {
        let opts = ConvTransposeOptions::new()
            .with_stride(&[1 << 51])
            .with_padding(&[1])
            .with_output_padding(&[1]);
        assert_eq!(conv_transpose(&[1, 7, 1], &[7, 7, 7], &opts), Ok(()));
    });
}

// ---------------------------------------------------------------------------
// The unconstrained fuzzer's findings (reproducers in
// fuzz/regressions/unconstrained/), fixed.
// ---------------------------------------------------------------------------

/// The output-size formulas take `(size - 1) * stride` and
/// `dilation * (kernel - 1)` in `i128`, which two values near `usize::MAX`
/// overflow ((2^64)^2 > 2^127): that must be an `Err`, not a panic.
#[test]
#[cfg(target_pointer_width = "64")]
fn output_sizes_of_extreme_sizes_times_strides() {
    watchdog(|| {
        let opts = ConvTransposeOptions::new().with_stride(&[MAX]);
        assert_err!(
            conv_transpose(&[1, 1, MAX], &[1, 1, 1], &opts),
            Error::Overflow { .. }
        );
        let opts = ConvTransposeOptions::new().with_dilation(&[MAX]);
        assert_err!(
            conv_transpose(&[1, 1, 1], &[1, 1, MAX], &opts),
            Error::Overflow { .. }
        );
        let opts = UnpoolOptions::new(&[1]).with_stride(&[MAX]);
        assert_err!(unpool(&[1, 1, MAX], &opts, None), Error::Overflow { .. });
        let opts = MaxPoolOptions::new(&[MAX]).with_dilation(&[MAX]);
        assert_err!(
            max_pool(&[1, 1, 1], &opts),
            Error::EmptyOutput { .. } | Error::Overflow { .. }
        );
    });
}

/// conv_transpose's channels-last driver steps positions by
/// `stride * C_out`, which overflows for a huge stride even when the output
/// is small (stride 2^63 - 1, 3 output channels, a 7-element output).
#[test]
#[cfg(target_pointer_width = "64")]
fn conv_transpose_huge_stride_channels_last() {
    watchdog(|| {
        let opts = ConvTransposeOptions::new()
            .with_stride(&[(1 << 63) - 1])
            .with_padding(&[1])
            .with_output_padding(&[2]);
        assert_eq!(conv_transpose(&[1, 1, 1], &[1, 3, 7], &opts), Ok(()));
        let opts = ConvTransposeOptions::new()
            .with_dilation(&[MAX])
            .with_stride(&[MAX]);
        assert_eq!(conv_transpose(&[1, 2, 1, 1], &[2, 3, 1, 1], &opts), Ok(()));
        let opts = ConvTransposeOptions::new().with_stride(&[MAX]);
        assert_eq!(conv_transpose(&[1, 2, 1, 1], &[2, 3, 2, 2], &opts), Ok(()));
    });
}

/// avg_unpool's fast path with a huge stride and a tiny output: `w * stride`
/// and `stride * lanes` overflow, and with a padding the coverage walk takes
/// time proportional to the stride.
#[test]
#[cfg(target_pointer_width = "64")]
fn avg_unpool_huge_stride_small_output() {
    watchdog(|| {
        for stride in [MAX, HALF, 1 << (usize::BITS - 1), (1 << 63) - 1] {
            let stride = [stride];
            let opts = UnpoolOptions::new(&[2]).with_stride(&stride);
            assert_eq!(unpool(&[1, 3, 1, 1], &opts, None), Ok(()), "{stride:?}");
        }
        let opts = UnpoolOptions::new(&[1]).with_stride(&[(1 << 63) - 1]);
        assert_eq!(unpool(&[1, 1, 1], &opts, None), Ok(()));
        let opts = UnpoolOptions::new(&[2])
            .with_stride(&[0xaaaa_aaaa_aaaa_aaaa])
            .with_padding(&[0xaaaa_aaaa_aaaa_aaaa]);
        assert_eq!(unpool(&[7, 1, 3], &opts, None), Ok(()));
        let opts = UnpoolOptions::new(&[3])
            .with_stride(&[(1 << 63) + 1])
            .with_padding(&[1]);
        assert_eq!(unpool(&[1, 1, 1], &opts, None), Ok(()));
    });
}

/// max_pool's fast path: the window end `o * stride + (k - 1) * dilation + 1`
/// is formed before the padding is taken off, and the first index of an
/// empty window is computed in `i64` from a start far past the input; both
/// overflow with paddings, strides or dilations near 2^63 (the reference is
/// fine).
#[test]
#[cfg(target_pointer_width = "64")]
fn max_pool_fast_path_huge_windows() {
    watchdog(|| {
        let opts = MaxPoolOptions::new(&[MAX - 1])
            .with_stride(&[1])
            .with_padding(&[(1 << 63) - 1]);
        assert_eq!(max_pool(&[3, 1, 1, 4, 6], &opts), Ok(()));
        let opts = MaxPoolOptions::new(&[2])
            .with_stride(&[MAX - 65832])
            .with_padding(&[1])
            .with_dilation(&[(1 << 63) + 1])
            .with_ceil_mode(true);
        assert_eq!(max_pool(&[7, 2, 2, 3, 7], &opts), Ok(()));
    });
}

/// A padding near `usize::MAX` that a huge dilation cancels: a valid
/// 22-element output whose phase arithmetic (`output + padding`,
/// `tap * dilation`) overflows `usize`. And the same kind of geometry below
/// 2^61, which the fast path takes.
#[test]
#[cfg(target_pointer_width = "64")]
fn conv_transpose_padding_cancelled_by_dilation() {
    watchdog(|| {
        let opts = ConvTransposeOptions::new()
            .with_stride(&[4])
            .with_padding(&[MAX - 1])
            .with_output_padding(&[5])
            .with_dilation(&[(1 << 63) - 1]);
        assert_eq!(conv_transpose(&[5, 5, 5], &[5, 5, 5], &opts), Ok(()));
        let opts = ConvTransposeOptions::new()
            .with_padding(&[1 << 40])
            .with_dilation(&[1 << 39]);
        assert_eq!(conv_transpose(&[2, 3, 7], &[3, 2, 5], &opts), Ok(()));
        let opts = opts.with_stride(&[3]).with_output_padding(&[2]);
        assert_eq!(conv_transpose(&[2, 3, 7], &[3, 2, 5], &opts), Ok(()));
    });
}

// ---------------------------------------------------------------------------
// resize
// ---------------------------------------------------------------------------

/// ONNX `resize` on huge, tiny and overflowing shapes, scales and sizes:
/// an error or a result, the same from both paths, never a panic or a hang.
#[test]
fn resize_huge_and_tiny_calls() {
    use upsample::{ResizeMode as R, ResizeOptions};
    watchdog(|| {
        let run = |shape: &[usize], opts: &ResizeOptions<'_>| {
            let helper = upsample::resize_output_shape(shape, opts);
            let input = data(len(numel(shape)));
            let out_len = len(helper.as_ref().ok().and_then(|s| numel(s)));
            let result = both(
                &format!("resize {shape:?} {opts:?}"),
                out_len,
                1e-5,
                |o| upsample::resize(&input, shape, Layout::ChannelsLast, opts, o),
                |o| reference::resize(&input, shape, Layout::ChannelsLast, opts, o),
            );
            // The caller-scratch variant: the same checks, the same result.
            let scratch_len = upsample::resize_scratch_len(shape, Layout::ChannelsLast, opts);
            let mut scratch = vec![0.0; len(scratch_len.as_ref().ok().copied())];
            let layout = Layout::ChannelsLast;
            let scratched = both(
                &format!("resize_with_scratch {shape:?} {opts:?}"),
                out_len,
                1e-5,
                |o| upsample::resize_with_scratch(&input, shape, layout, opts, o, &mut scratch),
                |o| reference::resize(&input, shape, layout, opts, o),
            );
            let same = format!("{scratched:?}") == format!("{result:?}");
            assert!(
                same,
                "resize_with_scratch {shape:?} {opts:?}: {scratched:?}, {result:?}"
            );
            same_error_as_helper(&result, helper);
            result
        };
        for mode in [R::Nearest, R::Linear, R::Cubic] {
            let big = [1.0, 1.0, 1e30, 1e30];
            assert_err!(
                run(&[1, 1, 4, 4], &ResizeOptions::scales(mode, &big)),
                Error::Overflow { .. }
            );
            let tiny = [1.0, 1.0, 1e-30, 1.0];
            assert_err!(
                run(&[1, 1, 4, 4], &ResizeOptions::scales(mode, &tiny)),
                Error::EmptyOutput { .. }
            );
            let sizes = [1, 1, MAX, MAX];
            assert_err!(
                run(&[1, 1, 4, 4], &ResizeOptions::sizes(mode, &sizes)),
                Error::Overflow { .. }
            );
            assert_err!(
                run(
                    &[MAX, HALF, 2, 2],
                    &ResizeOptions::sizes(mode, &[4, 4]).with_axes(&[2, 3])
                ),
                Error::Overflow { .. }
            );
            // A large input to a small output: inputs too many to allocate.
            let sizes = [1, 1, 2, 2];
            assert_err!(
                run(
                    &[1, 1, HALF / 2, HALF / 2],
                    &ResizeOptions::sizes(mode, &sizes)
                ),
                Error::BufferLength { .. }
            );
            // One output from a long row: an antialiased window wider than
            // the tables takes the scalar path.
            let opts = ResizeOptions::sizes(mode, &[1, 1, 1, 3]);
            let opts = opts.with_antialias(mode != R::Nearest);
            assert!(run(&[1, 1, 1, 5000], &opts).is_ok());
        }
    });
}
