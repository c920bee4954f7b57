//! `interpolate_backward`: the gradient of [`crate::interpolate`] with
//! respect to its input, every mode and option.
//!
//! The backward is the transpose of the forward's per-axis tap tables.
//! ATen scatters each `grad_output` element into its window (`+=`, in
//! output order); this gathers instead, so that each `grad_input` element
//! is written once, with no atomics and no heap:
//!
//! 1. per axis, the taps of each output ([`axis::Axis`]: zero weights and
//!    repeated border indices kept as separate taps, as ATen multiplies
//!    them, so NaN and infinities land where PyTorch's do) and their
//!    transpose, the outputs reaching each input ([`table`]);
//! 2. channels-first ([`channels_first`]): per input row, its output rows
//!    combined into a row buffer by vector multiply-adds, then the W pass:
//!    16 input columns at a time as a dense block of weights times
//!    broadcast buffer elements ([`blocks`], repeating blocks stored once),
//!    nearest x2 as an unzip and an add ([`pairs`]), and a row holding NaN
//!    or an infinity through the exact per-tap gather (the blocks' zero
//!    weights would spread it); 1-d calls of at most 16 rows through
//!    ATen's scatter ([`scatter`]), whose per-tap adds cost less than
//!    tables so few rows share;
//! 3. channels-last ([`channels_last`]): each input pixel's channel vectors
//!    gathered from the output pixels reaching it; for pixels of many
//!    channels (1-d and area calls of 16 or more, any call of 256 or more)
//!    the scatter instead, each output pixel's vectors added into the
//!    input pixels it read.
//!
//! Rows wider than the tables are taken in runs of columns. Where a
//! gather's input takes more contributions than its tables hold (upscales
//! past about 16x along D or H, antialiased or area windows past the
//! column table), the call runs [`reference::interpolate_backward`](crate::reference::interpolate_backward);
//! the scatter has no such limit (up to 16 W taps per output).
//!
//! The gathers' sums run in another order than PyTorch's (per input, over
//! the outer axes first, with the weights of the axes multiplied in
//! another order), and the scatter regroups elements at the edges of its
//! column runs, so the results agree with the reference within a
//! tolerance: each element within `1e-5` of the sum of the absolute
//! values of its terms (`sum |w * g|`), the test suite's bound. The result
//! does not depend on the lane width: every element takes the same
//! operations in the same order (vector tails go through padded vectors or
//! the same scalar operations), and the kernel is chosen by the call, not
//! the lanes.

mod axis;
mod blocks;
mod channels_first;
mod channels_last;
mod pairs;
mod scatter;
mod table;
mod with_scratch;

use crate::geometry::interpolate::{InterpolateGeometry, interpolate_backward_entry_point};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::{CopyLane, Native};
use axis::Axis;
use table::{MAX_CONTRIBUTIONS, TABLE_ENTRIES};
pub use with_scratch::{interpolate_backward_scratch_len, interpolate_backward_with_scratch};

interpolate_backward_entry_point! {
/// The gradient of [`interpolate`](crate::interpolate) with respect to its
/// input: `grad_input = d(sum(grad_output * interpolate(input)))/d(input)`,
/// as PyTorch's autograd computes it (`upsample_*_backward`,
/// `_upsample_*_aa_backward`, `adaptive_avg_pool*_backward`).
///
/// `shape` is the FORWARD's input shape `(N, C, spatial...)` (logical
/// order) and `options` the forward's options. `grad_output` holds
/// [`interpolate_output_shape`](crate::interpolate_output_shape)`(shape,
/// options)` elements and `grad_input` receives `shape`'s, both in
/// `layout`. Every element of `grad_input` is written (no accumulation
/// into what it held).
///
/// The result agrees with [`reference::interpolate_backward`](crate::reference::interpolate_backward)
/// (PyTorch's kernels, scattered in PyTorch's order) within `1e-5` of the
/// sum of the absolute values of each element's terms. NaN and infinities land where PyTorch's do (a zero-weight
/// tap times an infinity is NaN, as there). It is deterministic and does
/// not depend on the lane width.
///
/// ```
/// use upsample::{interpolate_backward, InterpolateMode, InterpolateOptions, Layout};
/// // Nearest x2 on (1, 1, 2): each input fed two outputs.
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, 2.0);
/// let mut grad_input = [0.0; 2];
/// interpolate_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut grad_input)?;
/// assert_eq!(grad_input, [3.0, 7.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// Every error [`interpolate`](crate::interpolate) returns for `shape` and
/// `options`; [`Error::BufferLength`](crate::Error::BufferLength) with
/// [`Buffer::Input`](crate::Buffer::Input) when `grad_input` does not hold
/// `shape`'s element count, with [`Buffer::Output`](crate::Buffer::Output)
/// when `grad_output` does not hold the output's. Nothing is written on
/// `Err`.
pub fn interpolate_backward = backward::<Native>
}

/// A checked backward with its axes: what the kernels take.
pub(crate) struct Plan<'a> {
    pub i: &'a Dims,
    pub o: &'a Dims,
    pub axes: [Axis; MAX_SPATIAL],
}

impl<'a> Plan<'a> {
    /// The plan of `g`, or `None` when it takes a gather and an input
    /// takes more contributions than the gather's tables hold.
    fn new(g: &'a InterpolateGeometry) -> Option<Plan<'a>> {
        let plan = Plan {
            i: &g.input,
            o: &g.output,
            axes: Axis::all(g),
        };
        (scatter::takes(&plan) || plan.gather_fits()).then_some(plan)
    }

    /// Whether the gathers' transposed tables hold every input's
    /// contributions (a pass over every axis's inputs, which the scatter
    /// does not need).
    fn gather_fits(&self) -> bool {
        self.axes.iter().enumerate().all(|(a, axis)| {
            let (count, span) = table::widest(axis);
            if a + 1 < MAX_SPATIAL {
                count <= MAX_CONTRIBUTIONS
            } else {
                count <= TABLE_ENTRIES
                    && (self.i.layout == Layout::ChannelsLast || span <= channels_first::ROW)
            }
        })
    }
}

/// [`interpolate_backward`] on a checked geometry and buffers, with lanes `L`.
pub(crate) fn backward<L: CopyLane>(
    g: &InterpolateGeometry,
    grad_output: &[f32],
    grad_input: &mut [f32],
) {
    let Some(plan) = Plan::new(g) else {
        return crate::reference::interpolate_backward::scatter(g, grad_output, grad_input);
    };
    let units = Units::all(&plan);
    run::<L>(&plan, grad_output, units, grad_input);
}

/// The plan's units `units` into `grad_input`, their piece, on the
/// kernel for the plan's layout and channels.
fn run<L: CopyLane>(plan: &Plan<'_>, grad_output: &[f32], units: Units, grad_input: &mut [f32]) {
    match plan.i.layout {
        _ if scatter::takes(plan) => scatter::run::<L>(plan, grad_output, units, grad_input),
        Layout::ChannelsFirst if plan.axes[2].is_pairs() => {
            pairs::run::<L>(plan, grad_output, units, grad_input)
        }
        Layout::ChannelsFirst => channels_first::run::<L>(plan, grad_output, units, grad_input),
        Layout::ChannelsLast => channels_last::run::<L>(plan, grad_output, units, grad_input),
    }
}

/// The rows of grad_input a kernel writes: units `range` of `per_plane`
/// each per plane (channels-first) or batch item (channels-last), a unit
/// being an input row along the outermost spatial axis of a 2- or 3-d call
/// (H, or D) and a whole plane in 1-d; the kernel's `grad_input` is the
/// piece that starts at unit `range.start`.
#[derive(Clone, Debug)]
pub(crate) struct Units {
    pub range: core::ops::Range<usize>,
    pub per_plane: usize,
    /// grad_input elements per unit.
    pub len: usize,
}

impl Units {
    /// Every unit of the plan's call.
    fn all(p: &Plan<'_>) -> Units {
        let per_plane = Self::per_plane(p.i);
        let planes = p.i.memory_planes();
        Units {
            range: 0..planes * per_plane,
            per_plane,
            len: p.i.numel() / (planes * per_plane).max(1),
        }
    }

    /// The units of one plane (or item) of input dims `i`.
    pub(crate) fn per_plane(i: &Dims) -> usize {
        match i.rank {
            3 => i.spatial[0],
            2 => i.spatial[1],
            _ => 1,
        }
    }

    /// Where input row `(id, ih)` of plane (or item) `plane` starts in the
    /// piece, or `None` outside the range.
    #[inline(always)]
    pub(crate) fn offset(&self, plane: usize, id: usize, ih: usize, i: &Dims) -> Option<usize> {
        let row = match i.rank {
            3 => id,
            2 => ih,
            _ => 0,
        };
        let unit = plane * self.per_plane + row;
        if !self.range.contains(&unit) {
            return None;
        }
        // Elements from the unit's start to the row (3-d: `ih` rows into
        // the unit's D slice; one pixel is `pixel()` elements).
        let within = if i.rank == 3 {
            ih * i.spatial[2] * i.pixel()
        } else {
            0
        };
        Some((unit - self.range.start) * self.len + within)
    }
}

/// Units `units` of [`interpolate_backward`]'s grad_input (see [`Units`])
/// into `grad_input`, their piece; `false` where the call takes the
/// reference, which computes whole calls only.
pub(crate) fn backward_units<L: CopyLane>(
    g: &InterpolateGeometry,
    grad_output: &[f32],
    units: core::ops::Range<usize>,
    grad_input: &mut [f32],
) -> bool {
    let Some(plan) = Plan::new(g) else {
        return false;
    };
    let units = Units {
        range: units,
        ..Units::all(&plan)
    };
    run::<L>(&plan, grad_output, units, grad_input);
    true
}

/// Whether [`backward_units`] takes `g` (else its parts are whole planes or
/// batch items, through the reference).
pub(crate) fn splits_rows(g: &InterpolateGeometry) -> bool {
    Plan::new(g).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::interpolate::InterpolateMode as M;
    use crate::{InterpolateOptions, Layout};

    /// The same bits at 4, 8 and 16 lanes, as the docs say: every mode,
    /// both layouts, rows and channel counts across the vector tails and
    /// the 16-column blocks, a NaN and an infinity in the gradient.
    #[test]
    fn the_result_does_not_depend_on_the_lane_width() {
        let cases: &[(M, &[usize], &[usize], bool)] = &[
            (M::Nearest, &[1, 3, 5, 37], &[10, 74], false),
            (M::NearestExact, &[2, 5, 4, 9], &[7, 5], false),
            (M::Linear, &[1, 2, 41], &[97], false),
            (M::Bilinear, &[1, 19, 5, 33], &[9, 66], false),
            (M::Bicubic, &[1, 3, 6, 35], &[12, 51], false),
            (M::Trilinear, &[1, 17, 3, 4, 19], &[4, 5, 38], false),
            (M::Area, &[1, 5, 9, 40], &[4, 17], false),
            // Channels-last, the scatter's share: area and 1-d calls of 16
            // channels or more.
            (M::Area, &[1, 17, 9, 40], &[4, 17], false),
            (M::Linear, &[1, 18, 41], &[97], false),
            // Channels-first 1-d: past the scatter's 16 rows, the gather.
            (M::Linear, &[1, 33, 41], &[97], false),
            (M::Bilinear, &[1, 3, 17, 40], &[8, 19], true),
            (M::Lanczos, &[1, 2, 9, 36], &[4, 20], true),
        ];
        for &(mode, shape, size, antialias) in cases {
            for layout in [Layout::ChannelsFirst, Layout::ChannelsLast] {
                let opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
                let g = InterpolateGeometry::new(shape, layout, &opts).unwrap();
                let grad: alloc_free::Grad = alloc_free::grad(g.output.numel());
                let n = g.input.numel();
                let mut want = [0.0f32; 8192];
                backward::<wide::f32x4>(&g, &grad[..g.output.numel()], &mut want[..n]);
                for lanes in [8, 16] {
                    let mut got = [0.0f32; 8192];
                    let got = &mut got[..n];
                    let grad = &grad[..g.output.numel()];
                    match lanes {
                        8 => backward::<wide::f32x8>(&g, grad, got),
                        _ => backward::<wide::f32x16>(&g, grad, got),
                    }
                    for (k, (a, b)) in got.iter().zip(&want[..n]).enumerate() {
                        assert!(
                            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                            "{mode:?} {layout:?} element {k}: {a} at {lanes} lanes, {b} at 4"
                        );
                    }
                }
            }
        }
    }

    /// A fixed gradient without the heap: distinct values in [-1, 1), a
    /// NaN and an infinity.
    mod alloc_free {
        pub type Grad = [f32; 16384];
        pub fn grad(n: usize) -> Grad {
            assert!(n <= 16384, "{n} gradient elements");
            let mut g = [0.0f32; 16384];
            for (i, v) in g.iter_mut().enumerate() {
                *v = ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 23) as f32 - 1.0;
            }
            g[n / 3] = f32::NAN;
            g[n / 2] = f32::INFINITY;
            g
        }
    }
}
