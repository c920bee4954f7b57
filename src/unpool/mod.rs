//! `torch.nn.functional.max_unpool{1,2,3}d`, and average unpooling.
//!
//! Both take the geometry of the pooling they undo. The default output size
//! per axis is `(in - 1) * stride - 2 * padding + kernel_size`; an explicit
//! `output_size` must lie strictly within `stride` of it (PyTorch's
//! `_unpool_output_size`).
//!
//! ```text
//! max_unpool: out = 0; out[plane][indices[i]] = in[i]   (later writes win)
//! avg_unpool: out[o] = mean{ in[i] : o + padding in [i*stride, i*stride + kernel) }, 0 if none
//! ```
//!
//! Fast paths:
//! - `max_unpool` checks each plane's (channels-last: image's) indices as it
//!   writes it, while they are in cache, and fills the whole output with NaN
//!   if one is out of range. Above the in-cache size, where the stride
//!   cells tile the output and every index lies in its own cell (as
//!   `max_pool` makes them), each output row is written once, in order
//!   (`max::cells`, which checks the indices for free). Otherwise the unit's
//!   indices are checked (a vectorised pass) and then scattered in memory
//!   order, which keeps "later index wins" within each plane as the
//!   reference's order does. Small channels-first planes are zeroed whole
//!   just before their scatter (they stay in cache); larger ones and
//!   channels-last images are zeroed just ahead of it, so that each cache
//!   line is zeroed and written while hot: before a value lands past the
//!   zeroed prefix, the prefix grows to cover it.
//! - `avg_unpool` with `kernel_size == stride` covers each output with at
//!   most one window: a block replication (`0.0 + v`, the reference's sum
//!   of one term) where each output row is either computed once from its
//!   input row, a copy of the row above, or zeros; 2- and 4-wide blocks
//!   zip a vector with itself.
//! - Overlapping windows: channels-last sums whole channel vectors per
//!   covering window; channels-first splits a row's outputs by position
//!   modulo the stride, so that each class sums contiguous loads, then zips
//!   (stride 2) or scatters the classes back. The sums run in the
//!   reference's order, so every path is bit-exact with it.
//!
//! [`max`] holds `max_unpool`'s kernels, [`average`] `avg_unpool`'s.

mod average;
mod max;

// Only named by the documentation.
#[cfg(doc)]
use crate::error::Error;
use crate::geometry::unpool::{
    UnpoolGeometry, avg_unpool_backward_entry_point, avg_unpool_entry_point,
    max_unpool_backward_entry_point, max_unpool_entry_point,
};
use crate::layout::Layout;
pub(crate) use average::spread_back;
pub(crate) use max::{gather, unpool_max};

max_unpool_entry_point! {
/// `torch.nn.functional.max_unpool{1,2,3}d(input, indices, **options)`.
///
/// `input` and `indices` have logical shape `shape` = `(N, C, spatial...)`
/// in `layout` (as [`max_pool`](crate::max_pool) writes them); `output` gets
/// [`unpool_output_shape`] in the same layout: zeros, with each input value
/// at its index within its `(n, c)` plane. When two indices coincide the
/// later one wins. Exact.
///
/// ```
/// use upsample::{max_unpool, Layout, UnpoolOptions};
/// let mut output = [9.0; 4];
/// max_unpool(&[5.0, 3.0], &[1, 3], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut output).unwrap();
/// assert_eq!(output, [0.0, 5.0, 0.0, 3.0]);
/// ```
///
/// # Errors
/// [`Error::IndexOutOfRange`] for an index outside its output plane, the
/// first in memory order: then the whole output is NaN (the indices are
/// checked as the output is written, so planes before the bad index would
/// otherwise hold results; this is the only error that writes);
/// [`Error::OutputSize`] for an `output_size` out of
/// range; [`Error::Rank`], [`Error::ZeroDimension`],
/// [`Error::ParameterCount`], [`Error::InvalidParameter`],
/// [`Error::EmptyOutput`], [`Error::Overflow`], [`Error::BufferLength`].
///
/// [`unpool_output_shape`]: crate::unpool_output_shape
pub fn max_unpool = unpool_max
}

avg_unpool_entry_point! {
/// Average unpooling: spreads each pooled mean back over its window.
///
/// `input` has logical shape `shape` = `(N, C, spatial...)` in `layout`;
/// `output` gets [`unpool_output_shape`] in the same layout. Each output
/// position takes the mean of the input values whose pooling windows
/// (`kernel_size`, `stride`, `padding`) cover it, and 0 where none does. With
/// `kernel_size == stride` and no padding this is nearest upsampling by the
/// kernel size. PyTorch has no such op; the golden cases build it from
/// `conv_transpose` with a ones kernel (sum over count). Within tolerance.
///
/// ```
/// use upsample::{avg_unpool, Layout, UnpoolOptions};
/// let mut output = [0.0; 4];
/// avg_unpool(&[1.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut output).unwrap();
/// assert_eq!(output, [1.0, 1.0, 3.0, 3.0]);
/// ```
///
/// # Errors
/// As [`max_unpool`], but for indices.
///
/// [`unpool_output_shape`]: crate::unpool_output_shape
pub fn avg_unpool = unpool_average
}

max_unpool_backward_entry_point! {
/// The gradient of [`max_unpool`] with respect to its input: each input's
/// gradient is the output gradient at its index, within its `(n, c)` plane
/// (PyTorch's derivative of `max_unpool{1,2,3}d`, a gather). Where two
/// indices coincide both read the same gradient, as in PyTorch (though the
/// forward kept only the later value). Exact (a copy).
///
/// `shape` is the forward's input shape; `indices` and `grad_input` have it,
/// `grad_output` the forward's output shape ([`unpool_output_shape`]), all
/// in `layout`.
///
/// ```
/// use upsample::{max_unpool_backward, Layout, UnpoolOptions};
/// let mut grad_input = [0.0; 2];
/// max_unpool_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 3], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut grad_input)?;
/// assert_eq!(grad_input, [2.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`max_unpool`]'s (with [`Buffer::GradOutput`](crate::Buffer::GradOutput) and
/// [`Buffer::GradInput`](crate::Buffer::GradInput) in [`Error::BufferLength`]), but an
/// [`Error::IndexOutOfRange`] is found before anything is written.
///
/// [`unpool_output_shape`]: crate::unpool_output_shape
pub fn max_unpool_backward = max::gather
}

avg_unpool_backward_entry_point! {
/// The gradient of [`avg_unpool`] with respect to its input: each input's
/// gradient is the sum, over the output positions of its window, of the
/// output gradient divided by how many windows cover that position (the
/// transpose of the mean). Within tolerance of PyTorch's autograd through
/// the `conv_transpose` construction; the fast path is bit-exact with
/// [`reference::avg_unpool_backward`](crate::reference::avg_unpool_backward)
/// (the same sums in the same order, whatever the lane width; of two NaNs
/// summed, either may be kept).
///
/// `shape` is the forward's input shape; `grad_input` has it, `grad_output`
/// the forward's output shape ([`unpool_output_shape`]), both in `layout`.
///
/// ```
/// use upsample::{avg_unpool_backward, Layout, UnpoolOptions};
/// let mut grad_input = [0.0; 2];
/// avg_unpool_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut grad_input)?;
/// assert_eq!(grad_input, [3.0, 7.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`avg_unpool`]'s, with [`Buffer::GradOutput`](crate::Buffer::GradOutput) and
/// [`Buffer::GradInput`](crate::Buffer::GradInput) in [`Error::BufferLength`].
///
/// [`unpool_output_shape`]: crate::unpool_output_shape
pub fn avg_unpool_backward = average::spread_back
}

/// [`avg_unpool`] on a checked geometry and buffers.
pub(crate) fn unpool_average(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    match g.input.layout {
        Layout::ChannelsLast if i.c > 1 => {
            let (batch, out_batch) = (i.plane() * i.c, o.plane() * i.c);
            for (input, output) in input
                .chunks_exact(batch)
                .zip(output.chunks_exact_mut(out_batch))
            {
                average::channels_last(g, input, output);
            }
        }
        _ => {
            // Channels-first, or one channel (the same memory).
            for (input, output) in input
                .chunks_exact(i.plane())
                .zip(output.chunks_exact_mut(o.plane()))
            {
                average::plane(g, input, output);
            }
        }
    }
}
