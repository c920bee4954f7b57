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
//!    weights would spread it);
//! 3. channels-last ([`channels_last`]): each input pixel's channel vectors
//!    gathered from the output pixels reaching it.
//!
//! Rows wider than the tables are taken in runs of columns. Where one
//! input takes more contributions than the tables hold (upscales past
//! about 16x along D or H, antialiased or area windows past the column
//! table), the call runs [`reference::interpolate_backward`](crate::reference::interpolate_backward).
//!
//! The sums run in another order than PyTorch's (per input, over the outer
//! axes first, with the weights of the axes multiplied in another order),
//! so the results agree with the reference within a tolerance: each
//! element within `1e-5` of the sum of the absolute values of its terms
//! (`sum |w * g|`), the test suite's bound. The result does not depend on
//! the lane width: every element takes the same operations in the same
//! order (vector tails go through padded vectors).

mod axis;
mod blocks;
mod channels_first;
mod channels_last;
mod pairs;
mod table;

use crate::geometry::interpolate::{InterpolateGeometry, interpolate_backward_entry_point};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::{CopyLane, Native};
use axis::Axis;
use table::{MAX_CONTRIBUTIONS, TABLE_ENTRIES};

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
    /// The plan of `g`, or `None` when an input takes more contributions
    /// than the tables hold.
    fn new(g: &'a InterpolateGeometry) -> Option<Plan<'a>> {
        let axes = Axis::all(g);
        for (a, axis) in axes.iter().enumerate() {
            let (count, span) = axis.widest();
            let fits = if a + 1 < MAX_SPATIAL {
                count <= MAX_CONTRIBUTIONS
            } else {
                count <= TABLE_ENTRIES
                    && (g.input.layout == Layout::ChannelsLast || span <= channels_first::ROW)
            };
            if !fits {
                return None;
            }
        }
        Some(Plan {
            i: &g.input,
            o: &g.output,
            axes,
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
    match g.input.layout {
        Layout::ChannelsFirst => channels_first::run::<L>(&plan, grad_output, grad_input),
        Layout::ChannelsLast => channels_last::run::<L>(&plan, grad_output, grad_input),
    }
}
