//! Every mode as one table per axis: output index `o` reads the input window
//! `[start, start + taps)` with `taps` weights (zeros where the mode reads
//! fewer). One window size per axis keeps the kernels free of per-output
//! branching; where a mode reads one input index twice (edge clamping), the
//! two weights are summed onto it.
//!
//! The index formulas are ATen's, from [`crate::geometry`]; the mode files
//! (`linear.rs`, `cubic.rs`, `antialias.rs`, `area.rs`) turn them into
//! windows, and nearest's one tap is its source index.

mod antialias;
mod area;
mod cubic;
mod linear;
mod resize;
pub(crate) mod table;

use crate::geometry::antialias::{AntialiasAxis, Filter, vertical_pass_repeats_first_row};
use crate::geometry::interpolate::{InterpolateGeometry, InterpolateMode};
use crate::geometry::resize::ResizeGeometry;
use crate::geometry::resize_taps::ResizeTaps;
use crate::geometry::upsample::{
    area_pixel_compute_scale, linear_index_fused, nearest_channels_last_kernel,
    nearest_source_index,
};
use crate::layout::{Dims, MAX_SPATIAL};
use crate::reference::interpolate::At;
use crate::simd::VECTOR_REGISTERS;

/// The semantics a resampling follows, with its checked geometry:
/// PyTorch's `interpolate` or ONNX's `Resize`. The kernels only read the
/// windows; the semantics matter where an output is computed alone (the
/// exact fix-up and the windows too wide for the tables).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Call<'a> {
    Interpolate(&'a InterpolateGeometry),
    Resize(&'a ResizeGeometry),
}

impl<'a> Call<'a> {
    /// The whole call's input dims.
    pub fn input(&self) -> &'a Dims {
        match self {
            Call::Interpolate(g) => &g.input,
            Call::Resize(g) => &g.input,
        }
    }

    /// The whole call's output dims.
    pub fn output(&self) -> &'a Dims {
        match self {
            Call::Interpolate(g) => &g.output,
            Call::Resize(g) => &g.output,
        }
    }

    /// Whether every output is a copy of an input (nothing to fix up).
    pub fn copies(&self) -> bool {
        match self {
            Call::Interpolate(g) => matches!(
                g.mode,
                InterpolateMode::Nearest | InterpolateMode::NearestExact
            ),
            Call::Resize(g) => g.copies(),
        }
    }

    /// The output at `at` computed alone, by the semantics' reference.
    pub fn value_at(&self, input: &[f32], at: At) -> f32 {
        match self {
            Call::Interpolate(g) => crate::reference::interpolate::value_at(g, input, at),
            Call::Resize(g) => crate::reference::resize_value_at(g, input, at),
        }
    }
}

/// A checked interpolation with its per-axis windows: what the plan and
/// every kernel take. A kernel reads and writes the planes of `i` and `o`:
/// the whole call `g`'s, or one part's ([`crate::part`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Problem<'a> {
    /// The whole call: its semantics (some of ATen's choices depend on the
    /// channel count) and the dims of `source`.
    pub g: Call<'a>,
    /// The input the kernel reads: `g.input`, or a part's planes.
    pub i: &'a Dims,
    /// The output the kernel writes: `g.output`, or a part's planes.
    pub o: &'a Dims,
    pub axes: &'a [AxisWindows; MAX_SPATIAL],
    /// The output columns a kernel pass writes: all of them, but for a
    /// kernel that takes its rows in chunks of columns (the range the
    /// exact fix-up looks at).
    #[cfg(feature = "specialised-kernels")]
    pub columns: (usize, usize),
    /// The whole call's input, which the exact fix-up reads.
    pub source: &'a [f32],
    /// The first plane of `i` within `g` (channels-first `n * C + c`,
    /// channels-last `n`): 0 but for a part.
    pub first: usize,
}

impl<'a> Problem<'a> {
    /// `part` with its windows `axes`.
    pub fn new(part: Part<'a>, axes: &'a [AxisWindows; MAX_SPATIAL]) -> Self {
        let Part {
            g,
            i,
            o,
            source,
            first,
            ..
        } = part;
        Problem {
            g,
            i,
            o,
            axes,
            #[cfg(feature = "specialised-kernels")]
            columns: (0, o.spatial[2]),
            source,
            first,
        }
    }
}

/// What one kernel run covers: the whole call `g`, or one part of it
/// ([`crate::part`]): the planes of `i` and `o`, from plane `first` of
/// `g` (channels-first `n * C + c`, channels-last `n`), and of those the
/// outputs from `offset` on (per `[D, H, W]` axis; a part of a
/// channels-last image's rows, whose windows are
/// [shifted](AxisWindows::shifted) to match).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Part<'a> {
    pub g: Call<'a>,
    pub i: &'a Dims,
    pub o: &'a Dims,
    /// The whole call's input.
    pub source: &'a [f32],
    pub first: usize,
    pub offset: [usize; MAX_SPATIAL],
}

impl<'a> Part<'a> {
    /// The whole call `g` on its input `source`.
    pub fn whole(g: Call<'a>, source: &'a [f32]) -> Self {
        Part {
            g,
            i: g.input(),
            o: g.output(),
            source,
            first: 0,
            offset: [0; MAX_SPATIAL],
        }
    }
}

/// The most taps per axis the fast path takes; wider windows (antialiased
/// downscales past ~10x, area past 60x) go to the reference.
pub(crate) const MAX_TAPS: usize = 64;

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Output `o` is input `o` (padded axes, unchanged antialias axes).
    Identity,
    Nearest {
        exact: bool,
        channels_last_kernel: bool,
        output_size: usize,
        scale: Option<f64>,
    },
    Linear {
        scale: f32,
        align_corners: bool,
        output_size: usize,
        /// Whether PyTorch's kernel for the call fuses the source index.
        fused: bool,
    },
    Cubic {
        scale: f32,
        align_corners: bool,
    },
    Antialias {
        axis: AntialiasAxis,
        /// Every output reads the taps of output 0 (see `reference::antialias`).
        collapse: bool,
    },
    Area {
        output_size: usize,
    },
    /// ONNX `Resize` (not an identity axis).
    Resize(ResizeTaps),
}

/// One axis of a resampling: its window size and how to fill a window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AxisWindows {
    kind: Kind,
    input_size: usize,
    taps: usize,
    /// Output `o` is the whole call's output `o + shift.0`, and its window
    /// starts `shift.1` inputs before the whole call's: a part's rows
    /// ([`AxisWindows::shifted`]).
    shift: (usize, usize),
}

impl AxisWindows {
    fn identity() -> AxisWindows {
        AxisWindows {
            kind: Kind::Identity,
            input_size: 1,
            taps: 1,
            shift: (0, 0),
        }
    }

    fn new(kind: Kind, input_size: usize, taps: usize) -> AxisWindows {
        AxisWindows {
            kind,
            input_size,
            taps: taps.clamp(1, input_size),
            shift: (0, 0),
        }
    }

    /// The windows of outputs `first..` of this axis over inputs `from..`:
    /// output `o` of the result is output `first + o` of `self`, its
    /// window's start `from` less (`from` at most every such start).
    pub fn shifted(self, first: usize, from: usize) -> AxisWindows {
        AxisWindows {
            shift: (self.shift.0 + first, self.shift.1 + from),
            ..self
        }
    }

    /// What [`shifted`](Self::shifted) added: the first output and input.
    pub fn shift(&self) -> (usize, usize) {
        self.shift
    }

    /// The window size: at least 1, at most the input size.
    pub fn taps(&self) -> usize {
        self.taps
    }

    /// Whether each output copies one input (nearest, nearest-exact, or
    /// an axis the data does not have).
    pub fn copies(&self) -> bool {
        match self.kind {
            Kind::Identity | Kind::Nearest { .. } => true,
            Kind::Resize(taps) => taps.copies(),
            _ => false,
        }
    }

    /// Fills `weight` (`taps()` long) for output `o` and returns the window's
    /// first input index; `start + taps() <= input_size`.
    pub fn window(&self, o: usize, weight: &mut [f32]) -> usize {
        let (first, from) = self.shift;
        self.whole_window(o + first, weight).saturating_sub(from)
    }

    /// [`window`](Self::window), in line for a linear axis's windows of
    /// two taps: a table of them is filled at the cost of their source
    /// indices, not of a call per window.
    #[inline(always)]
    pub fn window_in_line(&self, o: usize, weight: &mut [f32]) -> usize {
        if let [a, b] = weight
            && let Some(start) = self.linear_pair(o, [a, b])
        {
            return start;
        }
        self.window(o, weight)
    }

    /// [`window`](Self::window) of output `o` of a linear axis of two
    /// taps, or `None` where it is not that.
    #[inline(always)]
    fn linear_pair(&self, o: usize, [a, b]: [&mut f32; 2]) -> Option<usize> {
        let (sizes, scale, align_corners, fused) = self.linear_two_taps()?;
        let (first, from) = self.shift;
        let start = linear::pair(o + first, sizes, scale, align_corners, fused, [a, b])?;
        Some(start.saturating_sub(from))
    }

    /// A linear axis of two taps: its (input, output) sizes, scale,
    /// align_corners and whether PyTorch fuses its source index.
    #[inline(always)]
    fn linear_two_taps(&self) -> Option<((usize, usize), f32, bool, bool)> {
        match self.kind {
            Kind::Linear {
                scale,
                align_corners,
                output_size,
                fused,
            } if self.taps == 2 => {
                Some(((self.input_size, output_size), scale, align_corners, fused))
            }
            _ => None,
        }
    }

    /// The windows of outputs `o..o + PAIRS` of a linear axis of two taps
    /// (each as [`window`](Self::window) gives it), computed a vector at a
    /// time; `None` where [`linear::pairs`] declines them or where vectors
    /// are not registers.
    #[inline(always)]
    pub fn linear_pairs(&self, o: usize) -> Option<linear::Pairs> {
        if !VECTOR_REGISTERS {
            return None;
        }
        let (sizes, scale, align_corners, fused) = self.linear_two_taps()?;
        let (first, from) = self.shift;
        let mut pairs = linear::pairs(o.checked_add(first)?, sizes, scale, align_corners, fused)?;
        for start in &mut pairs.start {
            *start = start.saturating_sub(from);
        }
        Some(pairs)
    }

    /// [`window`](Self::window) of the whole call's output `o`.
    fn whole_window(&self, o: usize, weight: &mut [f32]) -> usize {
        zero(weight);
        let mut window = Window { start: 0, weight };
        let last = self.input_size - self.taps;
        match self.kind {
            Kind::Identity => window.copy(o, last),
            Kind::Nearest {
                exact,
                channels_last_kernel,
                output_size,
                scale,
            } => {
                let index = nearest_source_index(
                    exact,
                    channels_last_kernel,
                    o,
                    self.input_size,
                    output_size,
                    scale,
                );
                window.copy(index, last);
            }
            Kind::Linear {
                scale,
                align_corners,
                output_size,
                fused,
            } => linear::window(
                o,
                (self.input_size, output_size),
                scale,
                align_corners,
                fused,
                last,
                &mut window,
            ),
            Kind::Cubic {
                scale,
                align_corners,
            } => cubic::window(o, self.input_size, scale, align_corners, last, &mut window),
            Kind::Antialias { axis, collapse } => {
                antialias::window(&axis, if collapse { 0 } else { o }, last, &mut window)
            }
            Kind::Area { output_size } => {
                area::window(o, output_size, self.input_size, last, &mut window)
            }
            Kind::Resize(taps) => resize::window(&taps, o, last, &mut window),
        }
        window.start
    }
}

/// A window being filled: weights are added at input indices.
/// `weight.fill(0.0)`, by plain stores for windows of up to 4 taps: the
/// `memset` call a fill of unknown length compiles to wrote in a way the
/// loads of [`Window::add`] right after could not forward from, and that
/// stall was half of a window's time.
#[inline]
fn zero(weight: &mut [f32]) {
    match weight {
        [a] => *a = 0.0,
        [a, b] => [*a, *b] = [0.0; 2],
        [a, b, c] => [*a, *b, *c] = [0.0; 3],
        [a, b, c, d] => [*a, *b, *c, *d] = [0.0; 4],
        w => w.fill(0.0),
    }
}

pub(crate) struct Window<'a> {
    pub start: usize,
    weight: &'a mut [f32],
}

impl Window<'_> {
    /// The window of an output that copies input `index`: weight 1 there,
    /// the window starting at `index` (at most `last`).
    pub fn copy(&mut self, index: usize, last: usize) {
        self.start = index.min(last);
        self.add(index, 1.0);
    }

    /// Adds `w` to the weight of input `index` (inside the window by
    /// construction).
    pub fn add(&mut self, index: usize, w: f32) {
        match index
            .checked_sub(self.start)
            .and_then(|j| self.weight.get_mut(j))
        {
            Some(slot) => *slot += w,
            None => debug_assert!(false, "index {index} outside window at {}", self.start),
        }
    }
}

/// The per-axis tables of `g`, padded axes first, or `None` when a window
/// would be wider than [`MAX_TAPS`].
pub(crate) fn axis_windows(g: &InterpolateGeometry) -> Option<[AxisWindows; MAX_SPATIAL]> {
    use InterpolateMode as M;
    let (i, o) = (&g.input, &g.output);
    let first = MAX_SPATIAL - i.rank;
    let mut axes = [AxisWindows::identity(); MAX_SPATIAL];
    let aa = g.antialias || g.mode == M::Lanczos;
    let collapse = aa && vertical_pass_repeats_first_row(g);
    let nearest_cl_kernel = nearest_channels_last_kernel(i, o);
    let fused_linear_index = linear_index_fused(g);
    for (a, slot) in axes.iter_mut().enumerate().skip(first) {
        let (input_size, output_size) = (i.spatial[a], o.spatial[a]);
        let scale = g.scales[a];
        let pixel_scale =
            || area_pixel_compute_scale(input_size, output_size, g.align_corners, scale);
        *slot = if aa {
            if input_size == output_size {
                AxisWindows::new(Kind::Identity, input_size, 1)
            } else {
                let filter = Filter::for_mode(g.mode)?;
                let axis =
                    AntialiasAxis::new(filter, input_size, output_size, g.align_corners, scale);
                AxisWindows::new(
                    Kind::Antialias {
                        axis,
                        collapse: collapse && a == 1,
                    },
                    input_size,
                    axis.max_interp_size(),
                )
            }
        } else {
            match g.mode {
                M::Nearest | M::NearestExact => AxisWindows::new(
                    Kind::Nearest {
                        exact: g.mode == M::NearestExact,
                        channels_last_kernel: nearest_cl_kernel,
                        output_size,
                        scale,
                    },
                    input_size,
                    1,
                ),
                M::Linear | M::Bilinear | M::Trilinear if input_size == output_size => {
                    // "scale_factor = 1, simply copy", whatever the scale.
                    AxisWindows::new(Kind::Identity, input_size, 1)
                }
                M::Linear | M::Bilinear | M::Trilinear => AxisWindows::new(
                    Kind::Linear {
                        scale: pixel_scale(),
                        align_corners: g.align_corners,
                        output_size,
                        fused: fused_linear_index[a],
                    },
                    input_size,
                    2,
                ),
                M::Bicubic => AxisWindows::new(
                    Kind::Cubic {
                        scale: pixel_scale(),
                        align_corners: g.align_corners,
                    },
                    input_size,
                    4,
                ),
                M::Area => AxisWindows::new(
                    Kind::Area { output_size },
                    input_size,
                    area_taps(input_size, output_size),
                ),
                // Lanczos always has antialias (checked by the geometry).
                M::Lanczos => return None,
            }
        };
        if slot.taps > MAX_TAPS {
            return None;
        }
    }
    Some(axes)
}

/// The longest area window of `output_size` outputs over `input_size`
/// inputs: `input_size / output_size` where that divides (every window
/// is that long: 2x2 averages take 2 taps, not 3 with a padding tap of
/// weight zero), else at most one more than its ceiling.
fn area_taps(input_size: usize, output_size: usize) -> usize {
    if output_size > 0 && input_size.is_multiple_of(output_size) {
        input_size / output_size
    } else {
        input_size.div_ceil(output_size.max(1)) + 1
    }
}

/// The per-axis tables of an ONNX `Resize`, or `None` when a window would
/// be wider than [`MAX_TAPS`].
pub(crate) fn resize_windows(g: &ResizeGeometry) -> Option<[AxisWindows; MAX_SPATIAL]> {
    use crate::geometry::resize::CoordinateTransformationMode as Ctm;
    let tf_crop = g.coordinates == Ctm::TfCropAndResize;
    let mut axes = [AxisWindows::identity(); MAX_SPATIAL];
    let first = MAX_SPATIAL - g.input.rank;
    for (slot, axis) in axes.iter_mut().zip(&g.axes).skip(first) {
        *slot = if axis.is_identity(tf_crop) {
            AxisWindows::new(Kind::Identity, axis.input, 1)
        } else {
            let taps = ResizeTaps::new(g, axis);
            let width = if taps.copies() { 1 } else { taps.taps() };
            AxisWindows::new(Kind::Resize(taps), axis.input, width)
        };
        if slot.taps > MAX_TAPS {
            return None;
        }
    }
    Some(axes)
}
