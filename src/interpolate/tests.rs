//! Every interpolation kernel, at every lane width, against the reference
//! (through the plan, as the public path runs them), and the plan's choice
//! pinned for representative shapes.

use super::plan::{Kernel, Target};
use super::resample;
use super::windows::{Call, MAX_TAPS, axis_windows};
use crate::geometry::interpolate::{InterpolateGeometry, InterpolateMode as M, InterpolateOptions};
use crate::layout::Layout;
use crate::simd::Permute;
use crate::simd::testing::test_every_width;

/// The reference's output and [`resample`]'s for one problem, written to
/// the front of `outputs` (the caller's, reused from call to call rather
/// than two 128 KiB buffers made and moved per call).
fn both<'a, L: Permute>(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    opts: &InterpolateOptions,
    outputs: &'a mut [alloc_free::Buf; 2],
) -> (&'a [f32], &'a [f32]) {
    let g = InterpolateGeometry::new(shape, layout, opts).unwrap();
    let n = g.output.numel();
    let [want, got] = outputs;
    crate::reference::interpolate(input, shape, layout, opts, want.zeroed(n)).unwrap();
    resample::<L>(&g, input, got.zeroed(n));
    (want.get(), got.get())
}

/// Every width of the kernels against the reference: widths `0..=3 *
/// LANES + 1` around x2, x4, x0.5 and odd sizes, both layouts, with
/// `special` inputs (NaN, infinities and values near `f32::MAX` at
/// scattered positions) or ordinary ones. NaN where the reference has
/// NaN, the same infinity where it has one, the tolerance elsewhere.
fn against_reference<L: Permute>(special: bool) {
    let modes = [
        (M::Nearest, None, false),
        (M::NearestExact, None, false),
        (M::Bilinear, Some(false), false),
        (M::Bilinear, Some(true), false),
        (M::Bicubic, Some(false), false),
        (M::Bilinear, Some(false), true),
        (M::Bicubic, None, true),
        (M::Lanczos, None, true),
        (M::Area, None, false),
    ];
    let sizes = |w: usize| [2 * w, 4 * w, w.div_ceil(2), w + 3, 1];
    let mut input = alloc_free::Buf::new();
    let mut outputs = [alloc_free::Buf::new(), alloc_free::Buf::new()];
    for (mode, align_corners, antialias) in modes {
        for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
            for w in 1..=3 * L::LANES + 1 {
                for c in [1, 3, L::LANES + 1] {
                    for ow in sizes(w) {
                        let shape = [1, c, 3, w];
                        let size = [5, ow];
                        let mut opts =
                            InterpolateOptions::size(mode, size).with_antialias(antialias);
                        opts.align_corners = align_corners;
                        let g = InterpolateGeometry::new(&shape, layout, &opts).unwrap();
                        input.fill(g.input.numel(), |j| match (special, (j * 37 + w) % 23) {
                            (true, 0) => f32::NAN,
                            (true, 5) => f32::INFINITY,
                            (true, 11) => f32::NEG_INFINITY,
                            (true, 17) => f32::MAX,
                            _ => ((j * 7919) % 113) as f32 / 56.5 - 1.0,
                        });
                        let (want, got) =
                            both::<L>(input.get(), &shape, layout, &opts, &mut outputs);
                        let what = (mode, layout, &shape[..], &size[..]);
                        assert_matches(got, want, what);
                    }
                }
            }
        }
    }
}

/// `got` against the reference's `want` for a call `what` (mode, layout,
/// shape, size): the bits for the nearest modes; elsewhere NaN where the
/// reference has NaN, the same infinity where it has one, the tolerance
/// elsewhere.
fn assert_matches(got: &[f32], want: &[f32], what: (M, Layout, &[usize], &[usize])) {
    let (mode, layout, shape, size) = what;
    let exact = matches!(mode, M::Nearest | M::NearestExact);
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        let ok = if exact {
            a.to_bits() == b.to_bits()
        } else {
            a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-5 + 1.3e-6 * b.abs()
        };
        assert!(
            ok,
            "{mode:?} {layout:?} {shape:?} -> {size:?}: output {k} {a} vs {b}"
        );
    }
}

/// A wide-row case: mode, align_corners, layout, input shape, output size.
type WideCase = (M, Option<bool>, Layout, &'static [usize], &'static [usize]);

/// Rows hundreds to a thousand and more wide against the reference, with
/// NaN, infinities and values near `f32::MAX` scattered in them:
/// channels-last RGB and RGBA (the sliding kernel's 4-lane pixels, its
/// windows jumping on a downscale) and channels-first single planes (the
/// copies and linear tables past one column table).
fn wide_rows_against_reference<L: Permute>() {
    let cases: &[WideCase] = &[
        (
            M::Bilinear,
            Some(false),
            Layout::ChannelsLast,
            &[1, 3, 3, 1100],
            &[2, 550],
        ),
        (
            M::Bilinear,
            Some(false),
            Layout::ChannelsLast,
            &[1, 4, 2, 1200],
            &[3, 1800],
        ),
        (
            M::Bilinear,
            Some(true),
            Layout::ChannelsLast,
            &[1, 3, 2, 900],
            &[3, 1700],
        ),
        (
            M::Bicubic,
            Some(false),
            Layout::ChannelsLast,
            &[1, 4, 3, 700],
            &[4, 1050],
        ),
        (
            M::Bicubic,
            Some(false),
            Layout::ChannelsLast,
            &[1, 3, 4, 1300],
            &[2, 611],
        ),
        (
            M::Linear,
            Some(false),
            Layout::ChannelsFirst,
            &[1, 1, 9000],
            &[27000],
        ),
        (
            M::Nearest,
            None,
            Layout::ChannelsFirst,
            &[1, 2, 3, 2000],
            &[4, 3000],
        ),
        (
            M::NearestExact,
            None,
            Layout::ChannelsFirst,
            &[1, 1, 2, 1700],
            &[3, 1400],
        ),
    ];
    for &(mode, align_corners, layout, shape, size) in cases {
        let mut opts = InterpolateOptions::size(mode, size);
        opts.align_corners = align_corners;
        let n = shape.iter().product();
        let mut input = alloc_free::Buf::new();
        input.fill(n, |j| match (j * 37) % 211 {
            0 => f32::NAN,
            5 => f32::INFINITY,
            11 => f32::NEG_INFINITY,
            17 => f32::MAX,
            23 => -3e38,
            _ => ((j * 7919) % 113) as f32 / 56.5 - 1.0,
        });
        let mut outputs = [alloc_free::Buf::new(), alloc_free::Buf::new()];
        let (want, got) = both::<L>(input.get(), shape, layout, &opts, &mut outputs);
        assert_matches(got, want, (mode, layout, shape, size));
    }
}

/// Fixed-capacity buffers (the crate is `no_std` without `alloc`).
mod alloc_free {
    /// Up to 32768 floats, of which the first `len` are in use.
    pub struct Buf {
        data: [f32; 32768],
        len: usize,
    }
    impl Buf {
        pub fn new() -> Buf {
            Buf {
                data: [0.0; 32768],
                len: 0,
            }
        }
        /// The first `len` floats, zeroed.
        pub fn zeroed(&mut self, len: usize) -> &mut [f32] {
            self.len = len;
            let used = &mut self.data[..len];
            used.fill(0.0);
            used
        }
        /// The first `len` floats set to `f(index)`.
        pub fn fill(&mut self, len: usize, f: impl Fn(usize) -> f32) {
            for (j, v) in self.zeroed(len).iter_mut().enumerate() {
                *v = f(j);
            }
        }
        pub fn get(&self) -> &[f32] {
            &self.data[..self.len]
        }
    }
}

/// An infinity in a row reaches only the channels-first outputs whose
/// table window holds it: [`Edge`]'s span is wider than the windows it
/// serves, and its mask keeps the rest of the span out.
fn infinity_stays_in_its_windows<L: Permute>() {
    for (mode, size) in [(M::Lanczos, 32), (M::Bicubic, 32), (M::Lanczos, 21)] {
        let shape = [1, 1, 1, 64];
        let size = [1, size];
        let opts = InterpolateOptions::size(mode, size).with_antialias(true);
        let g = InterpolateGeometry::new(&shape, Layout::ChannelsFirst, &opts).unwrap();
        let axes = axis_windows(&g).unwrap();
        let mut weight = [0.0f32; MAX_TAPS];
        let mut input = alloc_free::Buf::new();
        let mut outputs = [alloc_free::Buf::new(), alloc_free::Buf::new()];
        for k in 0..64 {
            input.fill(64, |j| {
                if j == k {
                    f32::INFINITY
                } else {
                    ((j * 7919) % 113) as f32 / 56.5 - 1.0
                }
            });
            let (want, got) = both::<L>(
                input.get(),
                &shape,
                Layout::ChannelsFirst,
                &opts,
                &mut outputs,
            );
            let taps = axes[2].taps();
            for (x, (a, b)) in got.iter().zip(want).enumerate() {
                let start = axes[2].window(x, &mut weight[..taps]);
                if (start..start + taps).contains(&k) {
                    continue;
                }
                assert!(
                    (a - b).abs() <= 1e-5 + 1.3e-6 * b.abs(),
                    "{mode:?} 64 -> {size:?}, infinity at {k}: output {x} {a} vs {b}"
                );
            }
        }
    }
}

test_every_width! {
    /// [`infinity_stays_in_its_windows`] at 4, 8 and 16 lanes.
    mod infinities_stay_in_their_windows: |L| { infinity_stays_in_its_windows::<L>() }
}

test_every_width! {
    /// [`wide_rows_against_reference`] at 4, 8 and 16 lanes.
    mod wide_rows_match_reference: |L| { wide_rows_against_reference::<L>() }
}

test_every_width! {
    /// [`against_reference`] at 4, 8 and 16 lanes, on ordinary and special inputs.
    mod matches_reference: |L| {
        against_reference::<L>(false);
        against_reference::<L>(true);
    }
}

/// The kernel the plan chooses for `shape` in `layout` with `size` per
/// spatial axis, on each of the targets SSE2 (4 lanes, no permute), NEON
/// / SSSE3 / simd128 (4 lanes, permute), AVX2 (8) and AVX-512 (16).
fn chosen(
    mode: M,
    shape: &[usize],
    layout: Layout,
    size: &[usize],
    align_corners: Option<bool>,
    antialias: bool,
) -> [Kernel; 4] {
    let mut opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
    opts.align_corners = align_corners;
    let g = InterpolateGeometry::new(shape, layout, &opts).unwrap();
    let axes = axis_windows(&g);
    [(4, false), (4, true), (8, true), (16, true)].map(|(lanes, permute)| {
        let registers = true;
        Kernel::choose(
            Call::Interpolate(&g),
            axes.as_ref(),
            Target {
                lanes,
                permute,
                registers,
            },
        )
    })
}

/// A plan case: mode, input shape, layout, output size, align_corners,
/// antialias, and the kernel expected on each target of [`chosen`].
type PlanCase = (
    M,
    &'static [usize],
    Layout,
    &'static [usize],
    Option<bool>,
    bool,
    [Kernel; 4],
);

#[cfg(feature = "specialised-kernels")]
/// `fits` where one column table holds `outputs` columns (256 on hosts,
/// 16 in the small-stack set of `stack.rs`), else `wider`.
fn one_table(outputs: usize, fits: Kernel, wider: Kernel) -> Kernel {
    if outputs <= crate::interpolate::windows::table::W_CHUNK {
        fits
    } else {
        wider
    }
}

#[cfg(feature = "specialised-kernels")]
/// `host` with the host's tables, `small` with the small-stack set's
/// (`stack.rs`), where a choice depends on what one column table holds.
fn tables(host: Kernel, small: Kernel) -> Kernel {
    one_table(256, host, small)
}

#[cfg(feature = "specialised-kernels")]
#[test]
fn plan_chooses_by_shape_and_target() {
    use Kernel::*;
    use Layout::{ChannelsFirst as CF, ChannelsLast as CL};
    #[rustfmt::skip]
    let cases: &[PlanCase] = &[
        // Nearest whose columns double: copies, on every target.
        (M::Nearest, &[1, 64, 128, 128], CF, &[256, 256], None, false, [CopyX2; 4]),
        (M::Nearest, &[1, 3, 20, 30], CL, &[40, 60], None, false, [CopyX2; 4]),
        // Nearest x4 and halving, one element per pixel: copies too.
        (M::Nearest, &[1, 8, 10, 10], CF, &[40, 40], None, false, [CopyX4OrHalf; 4]),
        (M::Nearest, &[1, 8, 21, 21], CF, &[10, 10], None, false, [CopyX4OrHalf; 4]),
        (M::NearestExact, &[1, 1, 21, 20], CL, &[10, 10], None, false, [CopyX4OrHalf; 4]),
        // Channels-last nearest at other scales (RGB x4, x1.5): pixel copies.
        (M::Nearest, &[1, 3, 10, 10], CL, &[40, 40], None, false, [CopyPixels; 4]),
        (M::NearestExact, &[2, 8, 10, 10], CL, &[15, 15], None, false, [CopyPixels; 4]),
        // Nearest x3 (one tap, not doubled), channels-first too: copies.
        (M::Nearest, &[1, 8, 10, 10], CF, &[30, 30], None, false, [CopyPixels; 4]),
        (M::NearestExact, &[1, 3, 480, 640], CF, &[224, 224], None, false, [CopyPixels; 4]),
        // Bilinear x2 channels-first: the x2 blend, but with 16 lanes, where
        // the permuted rows take repeating windows, up to one column table
        // (256 outputs); past it the x2 blend again.
        (M::Bilinear, &[1, 64, 128, 128], CF, &[256, 256], Some(false), false,
            [BlendX2, BlendX2, BlendX2, one_table(256, PermutedRows, BlendX2)]),
        (M::Bilinear, &[1, 3, 256, 256], CF, &[512, 512], Some(false), false, [BlendX2; 4]),
        // Rows narrower than two vectors are not the x2 blend's, and
        // below 16 lanes the permuted rows take no repeating windows; an
        // input row narrower than a vector is no general pass's block
        // either (one output at a time): four planes.
        (M::Bilinear, &[1, 4, 4, 6], CF, &[8, 12], Some(false), false,
            [FourPlanesChannelsFirst, General, FourPlanesChannelsFirst,
             FourPlanesChannelsFirst]),
        // Bicubic x2 channels-last with whole vectors of channels.
        (M::Bicubic, &[1, 64, 32, 32], CL, &[64, 64], Some(false), false, [BlendX2; 4]),
        // RGB channels-last: a 4-lane vector per pixel, overlapping the
        // next; 5 channels are no whole vectors: the general pass.
        (M::Bicubic, &[1, 3, 32, 32], CL, &[64, 64], Some(false), false, [BlendX2; 4]),
        (M::Bilinear, &[1, 3, 30, 40], CL, &[51, 68], Some(false), false,
            [SlidingChannelsLast; 4]),
        (M::Bicubic, &[1, 5, 32, 32], CL, &[64, 64], Some(false), false, [General; 4]),
        // Bilinear x1.7: channels-last slides; channels-first takes four
        // planes without a permute, the permuted rows with one (each
        // vector of outputs reads within a vector of inputs).
        (M::Bilinear, &[1, 64, 128, 128], CL, &[217, 217], Some(false), false,
            [SlidingChannelsLast; 4]),
        // With the small-stack tables (16 outputs, about 10 inputs) a
        // 16-lane block of the general pass does not fit its table's
        // span: four planes there.
        (M::Bilinear, &[1, 64, 128, 128], CF, &[217, 217], Some(false), false,
            [FourPlanesChannelsFirst, one_table(217, PermutedRows, General),
             one_table(217, PermutedRows, General),
             one_table(217, PermutedRows, FourPlanesChannelsFirst)]),
        // align_corners x2 does not double the columns; 8 channels take
        // 8-lane vectors on a 16-lane build, RGBA 4-lane ones everywhere.
        (M::Bilinear, &[1, 16, 64, 64], CL, &[128, 128], Some(true), false,
            [SlidingChannelsLast; 4]),
        (M::Bilinear, &[1, 8, 64, 64], CL, &[128, 128], Some(true), false,
            [SlidingChannelsLast; 4]),
        (M::Bicubic, &[1, 4, 32, 32], CL, &[64, 64], Some(false), false, [BlendX2; 4]),
        (M::Bilinear, &[2, 4, 30, 40], CL, &[51, 68], Some(false), false,
            [SlidingChannelsLast; 4]),
        // Where the general pass would take the row one output at a time
        // (x0.875: no period, and a vector of outputs reads more than a
        // vector of inputs) or by periods of 4 phases on fewer than 16
        // lanes (x4), four planes on every target; not for fewer than four
        // planes, nor where the windows repeat by (1, 2) (x0.5).
        (M::Bilinear, &[1, 64, 64, 64], CF, &[56, 56], Some(false), false,
            [FourPlanesChannelsFirst; 4]),
        (M::Bilinear, &[1, 256, 17, 17], CF, &[68, 68], Some(false), false,
            [FourPlanesChannelsFirst, tables(FourPlanesChannelsFirst, General),
             FourPlanesChannelsFirst, tables(PermutedRows, FourPlanesChannelsFirst)]),
        (M::Bilinear, &[1, 3, 64, 64], CF, &[56, 56], Some(false), false,
            [FourPlanesChannelsFirst, General, General, General]),
        (M::Bilinear, &[1, 64, 64, 64], CF, &[32, 32], Some(false), false,
            [FourPlanesChannelsFirst, General, General, General]),
        // Images of one or two planes whose windows repeat by (1, 2)
        // (x0.5): the general pass's periodic run on every target; three
        // planes, four planes without a permute.
        (M::Bilinear, &[1, 1, 64, 64], CF, &[32, 32], Some(false), false, [General; 4]),
        (M::Area, &[2, 1, 8, 40, 40], CF, &[4, 20, 20], None, false, [General; 4]),
        (M::Bilinear, &[1, 3, 64, 64], CF, &[32, 32], Some(false), false,
            [FourPlanesChannelsFirst, General, General, General]),
        // A 1-d signal of fewer than four planes: the general pass on
        // every target (four planes would leave lanes idle); four planes
        // and more take four planes without a permute (and with one on 8
        // and 16 lanes with the small-stack tables, as at x0.875 above).
        (M::Linear, &[1, 1, 16000], CF, &[48000], Some(false), false, [General; 4]),
        (M::Linear, &[1, 4, 1000], CF, &[3000], Some(false), false,
            [FourPlanesChannelsFirst, General, tables(General, FourPlanesChannelsFirst),
             tables(General, FourPlanesChannelsFirst)]),
        // Wide windows: the general pass; wider than the tables: scalar.
        (M::Lanczos, &[1, 64, 128, 128], CF, &[64, 64], None, true, [General; 4]),
        (M::Area, &[1, 1, 1, 10000], CF, &[1, 10], None, false, [Scalar; 4]),
    ];
    for &(mode, shape, layout, size, align_corners, antialias, want) in cases {
        let got = chosen(mode, shape, layout, size, align_corners, antialias);
        assert_eq!(got, want, "{mode:?} {shape:?} {layout:?} -> {size:?}");
    }
}

/// Without the `specialised-kernels` feature the plan takes the copies of
/// nearest x2 and otherwise the general kernel wherever its tables hold
/// the windows, on every target, for the shapes the specialised kernels
/// take in a full build.
#[cfg(not(feature = "specialised-kernels"))]
#[test]
fn plan_without_specialised_kernels_is_general() {
    use Layout::{ChannelsFirst as CF, ChannelsLast as CL};
    #[rustfmt::skip]
    let cases: &[PlanCase] = &[
        (M::Nearest, &[1, 64, 128, 128], CF, &[256, 256], None, false, [Kernel::CopyX2; 4]),
        (M::Nearest, &[1, 8, 10, 10], CF, &[30, 30], None, false, [Kernel::General; 4]),
        (M::Bilinear, &[1, 64, 128, 128], CF, &[256, 256], Some(false), false, [Kernel::General; 4]),
        (M::Bicubic, &[1, 3, 32, 32], CL, &[64, 64], Some(false), false, [Kernel::General; 4]),
        (M::Bilinear, &[1, 3, 30, 40], CL, &[51, 68], Some(false), false, [Kernel::General; 4]),
        (M::Bilinear, &[1, 64, 64, 64], CF, &[56, 56], Some(false), false, [Kernel::General; 4]),
        (M::Area, &[1, 1, 1, 10000], CF, &[1, 10], None, false, [Kernel::Scalar; 4]),
    ];
    for &(mode, shape, layout, size, align_corners, antialias, want) in cases {
        let got = chosen(mode, shape, layout, size, align_corners, antialias);
        assert_eq!(got, want, "{mode:?} {shape:?} {layout:?} -> {size:?}");
    }
}

/// A plan case on one target: mode, input shape, layout, output size,
/// align_corners, and the kernel expected.
#[cfg(feature = "specialised-kernels")]
type ScalarCase = (
    M,
    &'static [usize],
    Layout,
    &'static [usize],
    Option<bool>,
    Kernel,
);

/// Without vector registers (Cortex-M: four lanes, no permute), the plan
/// keeps channels-first images with more than one output row on the
/// general pass, and the x2 blend for 1-d rows and channels-last.
#[cfg(feature = "specialised-kernels")]
#[test]
fn plan_without_vector_registers() {
    use Kernel::*;
    use Layout::{ChannelsFirst as CF, ChannelsLast as CL};
    #[rustfmt::skip]
    let cases: &[ScalarCase] = &[
        (M::Linear, &[2, 4, 256], CF, &[512], Some(false), BlendX2),
        (M::Bilinear, &[1, 3, 32, 32], CF, &[64, 64], Some(false), General),
        (M::Bilinear, &[1, 3, 32, 32], CL, &[64, 64], Some(false), BlendX2),
        (M::Bilinear, &[1, 4, 24, 24], CF, &[36, 36], Some(false), General),
        (M::Bilinear, &[1, 3, 32, 32], CL, &[48, 48], Some(false), SlidingChannelsLast),
        (M::Bicubic, &[1, 3, 24, 24], CF, &[48, 48], Some(false), General),
        (M::Trilinear, &[1, 2, 8, 8, 8], CF, &[16, 16, 16], Some(false), General),
        (M::Area, &[1, 3, 48, 48], CF, &[16, 16], None, General),
        (M::Nearest, &[1, 8, 24, 24], CF, &[48, 48], None, CopyX2),
    ];
    let target = Target {
        lanes: 4,
        permute: false,
        registers: false,
    };
    for &(mode, shape, layout, size, align_corners, want) in cases {
        let mut opts = InterpolateOptions::size(mode, size);
        opts.align_corners = align_corners;
        let g = InterpolateGeometry::new(shape, layout, &opts).unwrap();
        let got = Kernel::choose(Call::Interpolate(&g), axis_windows(&g).as_ref(), target);
        assert_eq!(got, want, "{mode:?} {shape:?} {layout:?} -> {size:?}");
    }
}

/// [`AxisWindows::window_in_line`] (the linear axes' windows written in
/// place) gives [`AxisWindows::window`]'s start and weights to the bit,
/// -0.0 against 0.0 included: up and down, sizes and scale factors (the
/// fused and the plain source index), align_corners, a copy, one input,
/// the clamped last windows, and a part's shifted axis.
///
/// [`AxisWindows::window_in_line`]: super::windows::AxisWindows::window_in_line
/// [`AxisWindows::window`]: super::windows::AxisWindows::window
#[test]
fn linear_windows_in_line_are_the_windows() {
    for (input, output) in [(16000, 48000), (7, 3), (1, 5), (5, 5), (33, 64), (64, 21)] {
        for ac in [false, true] {
            let scale = [output as f64 / input as f64 + 0.01];
            let by_size = InterpolateOptions::size(M::Linear, [output]);
            let by_scale = InterpolateOptions::scale_factor(M::Linear, scale);
            for opts in [by_size, by_scale] {
                let opts = opts.with_align_corners(ac);
                let shape = [1, 1, input];
                let g = InterpolateGeometry::new(&shape, Layout::ChannelsFirst, &opts).unwrap();
                let axis = axis_windows(&g).unwrap()[2];
                let ow = g.output.spatial[2];
                for axis in [axis, axis.shifted(ow / 3, 0)] {
                    let taps = axis.taps();
                    for o in 0..ow - axis.shift().0 {
                        let (mut want, mut got) = ([0.0f32; MAX_TAPS], [0.0f32; MAX_TAPS]);
                        let a = axis.window(o, &mut want[..taps]);
                        let b = axis.window_in_line(o, &mut got[..taps]);
                        assert_eq!(a, b, "{input} -> {output} ac {ac}: output {o}'s start");
                        assert_eq!(want.map(f32::to_bits), got.map(f32::to_bits), "output {o}");
                    }
                }
            }
        }
    }
}
