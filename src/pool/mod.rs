//! `torch.nn.functional.max_pool{1,2,3}d(..., return_indices=True)`.
//!
//! ```text
//! out = floor_or_ceil((in + 2*pad - dilation*(k-1) - 1) / stride) + 1
//!       (ceil_mode: minus one if the last window would start in the right padding)
//! each output takes the first maximum in window order; a NaN always wins
//! (so the last NaN in the window does); indices are flat within the (n, c) plane.
//! ```
//!
//! The fast path keeps, per lane, the running maximum and the index of the
//! element it came from (a `u32` payload carried in an `f32` lane, moved only
//! by bitwise selects; see [`Best`]), and takes each element of the window
//! in order:
//!
//! ```text
//! take  = v > max || v is NaN          (the reference's test, lane by lane)
//! max   = take ? v : max
//! index = take ? index(v) : index
//! ```
//!
//! - [`channels_last`] puts the channels in the lanes: one window walk
//!   serves `L` channels, every element a contiguous load.
//! - [`channels_first`] puts `L` neighbouring output columns in the lanes: a
//!   window element is a contiguous load (stride 1) or one half of an
//!   `unzip` (stride 2; for a 2-wide window both halves), and any other
//!   stride gathers.
//!
//! Both walk the reference's windows ([`Window`]) and take a window's
//! initial index from it
//! ([`initial_index`](crate::reference::pool::initial_index), which applies
//! PyTorch's depth-offset quirk of the 3-d channels-last kernel). The
//! windows that the border clips in x and the channels past the last whole
//! vector go through the reference's own loop ([`Window::max`]); a tensor
//! whose planes are too large for `u32` payloads goes through the reference
//! whole ([`max_pool_checked`]).

mod backward;
mod channels_first;
mod channels_last;
#[cfg(test)]
mod tests;

use crate::geometry::pool::{MaxPoolGeometry, max_pool_backward_entry_point, max_pool_entry_point};
use crate::layout::{Layout, MAX_SPATIAL};
use crate::reference::pool::{Window, max_pool_checked};
use crate::simd::{CopyLane, Pool};
pub(crate) use backward::route;
use channels_first::pool_plane;
use channels_last::pool_channels_last;

max_pool_entry_point! {
/// `torch.nn.functional.max_pool{1,2,3}d(input, **options, return_indices=True)`.
///
/// `input` has logical shape `shape` = `(N, C, spatial...)` in `layout`;
/// `output` and `indices` get the pooled shape ([`max_pool_output_shape`]) in
/// the same layout. Each index is the flat position of the maximum within its
/// `(n, c)` input plane (`(d * H + h) * W + w`), whatever the layout, as in
/// PyTorch. Ties go to the first element in window order; NaN propagates
/// (the last NaN of the window is chosen). Exact.
///
/// ```
/// use upsample::{max_pool, Layout, MaxPoolOptions};
/// let input = [1.0, 5.0, 2.0, 3.0]; // (1, 1, 4)
/// let (mut output, mut indices) = ([0.0; 2], [0i64; 2]);
/// max_pool(&input, &[1, 1, 4], Layout::ChannelsFirst, &MaxPoolOptions::new(&[2]), &mut output, &mut indices).unwrap();
/// assert_eq!((output, indices), ([5.0, 3.0], [1, 3]));
/// ```
///
/// # Errors
/// [`Error::Rank`](crate::Error::Rank), [`Error::ZeroDimension`](crate::Error::ZeroDimension), [`Error::ParameterCount`](crate::Error::ParameterCount),
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) (zero kernel, stride or dilation),
/// [`Error::PaddingTooLarge`](crate::Error::PaddingTooLarge), [`Error::EmptyOutput`](crate::Error::EmptyOutput), [`Error::Overflow`](crate::Error::Overflow),
/// [`Error::BufferLength`](crate::Error::BufferLength).
///
/// [`max_pool_output_shape`]: crate::max_pool_output_shape
pub fn max_pool = pool
}

max_pool_backward_entry_point! {
/// The gradient of [`max_pool`] with respect to its input, from the
/// gradient of its output and the indices it returned: each output's
/// gradient is added to the input element its index names (ATen's
/// `max_pool{2,3}d_with_indices_backward`). Where overlapping windows chose
/// the same element, its gradient is their sum, taken in output order as
/// ATen's; every other element gets 0. Bit-exact with PyTorch, and
/// independent of the lane width.
///
/// `shape` is the forward's input shape; `grad_output` and `indices` have
/// its output shape ([`max_pool_output_shape`]), `grad_input` `shape`, all in
/// `layout`. Indices are flat within each `(n, c)` plane, as [`max_pool`]
/// writes them; an index of -1 is skipped, as ATen skips it.
///
/// ```
/// use upsample::{max_pool, max_pool_backward, Layout, MaxPoolOptions};
/// let opts = MaxPoolOptions::new(&[2]);
/// let (mut output, mut indices) = ([0.0; 2], [0i64; 2]);
/// max_pool(&[1.0, 5.0, 3.0, 2.0], &[1, 1, 4], Layout::ChannelsFirst, &opts, &mut output, &mut indices)?;
/// let mut grad_input = [0.0; 4];
/// max_pool_backward(&[10.0, 20.0], &indices, &[1, 1, 4], Layout::ChannelsFirst, &opts, &mut grad_input)?;
/// assert_eq!(grad_input, [0.0, 10.0, 20.0, 0.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`max_pool`]'s (with [`Buffer::GradOutput`](crate::Buffer::GradOutput),
/// [`Buffer::Indices`](crate::Buffer::Indices) and [`Buffer::GradInput`](crate::Buffer::GradInput) in
/// [`Error::BufferLength`](crate::Error::BufferLength)), and [`Error::IndexOutOfRange`](crate::Error::IndexOutOfRange) for an index
/// neither -1 nor within its input plane (found before anything is written).
///
/// [`max_pool_output_shape`]: crate::max_pool_output_shape
pub fn max_pool_backward = backward::route
}

/// [`max_pool`] on a checked geometry and buffers.
pub(crate) fn pool(g: &MaxPoolGeometry, input: &[f32], output: &mut [f32], indices: &mut [i64]) {
    let i = g.input;
    let plane = i.plane();
    // u32 payloads need every in-plane index below u32::MAX (the marker).
    if !u32::try_from(plane).is_ok_and(|p| p < NO_INDEX) {
        max_pool_checked(g, input, output, indices);
        return;
    }
    match g.input.layout {
        Layout::ChannelsLast if i.c > 1 => {
            let batch = plane * i.c;
            let out_batch = g.output.plane() * i.c;
            let outs = output
                .chunks_exact_mut(out_batch)
                .zip(indices.chunks_exact_mut(out_batch));
            for (input, (output, indices)) in input.chunks_exact(batch).zip(outs) {
                pool_channels_last::<Pool>(g, input, output, indices);
            }
        }
        _ => {
            // Channels-first, or channels-last with one channel (the same
            // memory, whose 3-d kernel keeps PyTorch's depth-offset quirk).
            let out_plane = g.output.plane();
            let outs = output
                .chunks_exact_mut(out_plane)
                .zip(indices.chunks_exact_mut(out_plane));
            for (input, (output, indices)) in input.chunks_exact(plane).zip(outs) {
                pool_plane::<Pool>(g, input, output, indices);
            }
        }
    }
}

/// The payload of a lane that has taken no element yet: its index is the
/// window's initial one (which may lie outside the window, as PyTorch's does).
const NO_INDEX: u32 = u32::MAX;

/// A running maximum per lane and the payload (index) it came from.
#[derive(Clone, Copy)]
struct Best<L> {
    /// The maximum so far.
    max: L,
    /// The in-plane index of the maximum, as `u32` bits ([`NO_INDEX`]
    /// before any element is taken).
    payload: L,
}

impl<L: CopyLane> Best<L> {
    /// Nothing taken yet: `-inf` and the marker of the initial index.
    #[inline(always)]
    fn new() -> Self {
        Best {
            max: L::splat(f32::NEG_INFINITY),
            payload: L::splat_bits(NO_INDEX),
        }
    }

    /// `v` with the payload `index` in every lane.
    #[inline(always)]
    fn at(v: L, index: usize) -> Self {
        Best {
            max: v,
            payload: L::splat_bits(index as u32),
        }
    }

    /// The reference's step: `later` wins where it is greater or NaN. The
    /// step is associative (the result is the last NaN, else the first
    /// maximum), so elements may be paired up before they meet the running
    /// maximum, which shortens the dependency chain.
    #[inline(always)]
    fn then(self, later: Self) -> Self {
        let take = later.max.greater(self.max).or(later.max.nan());
        Best {
            max: L::select(take, later.max, self.max),
            payload: L::select(take, later.payload, self.payload),
        }
    }
}

/// The reference's maximum of one window of one channel: point `[z, y, x]`
/// reads `input[((z * H + y) * W + x) * c + ch]` (`c = 1`, `ch = 0` for a
/// channels-first plane); a read past the input (which no valid geometry
/// makes) is NaN.
#[inline]
fn scalar_window(
    g: &MaxPoolGeometry,
    window: &Window,
    input: &[f32],
    c: usize,
    ch: usize,
) -> (f32, i64) {
    let [_, h, w] = g.input.spatial;
    window.max(g, |[z, y, x]: [usize; MAX_SPATIAL]| {
        let at = ((z * h + y) * w + x) * c + ch;
        input.get(at).copied().unwrap_or(f32::NAN)
    })
}
