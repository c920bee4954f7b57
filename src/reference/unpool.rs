//! Reference max unpooling, after ATen's `cpu_max_unpool`
//! (`aten/src/ATen/native/cpu/MaxUnpoolKernel.cpp`), and average unpooling
//! (no ATen op: the mean of the pooled values whose windows cover a point).

use crate::error::Error;
use crate::geometry::unpool::{
    UnpoolGeometry, avg_unpool_backward_entry_point, avg_unpool_entry_point, covering,
    max_unpool_backward_entry_point, max_unpool_entry_point, window_span,
};
use crate::layout::{MAX_SPATIAL, for_each_point};

max_unpool_entry_point! {
/// Reference twin of [`crate::max_unpool`].
///
/// ```
/// use upsample::{reference, Layout, UnpoolOptions};
/// let mut out = [9.0; 5];
/// let opts = UnpoolOptions::new(&[2]).with_output_size(&[5]);
/// reference::max_unpool(&[7.0, 8.0], &[1, 4], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out)?;
/// assert_eq!(out, [0.0, 7.0, 0.0, 0.0, 8.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::max_unpool`].
pub fn max_unpool = scatter
}

/// [`max_unpool`] on a checked geometry and buffers.
pub(crate) fn scatter(
    g: &UnpoolGeometry,
    input: &[f32],
    indices: &[i64],
    output: &mut [f32],
) -> Result<(), Error> {
    // ATen reports "Found an invalid max index" after scattering. The
    // indices are checked first here (the public op checks as it writes);
    // the entry point turns the output to NaN on an error, for both.
    g.check_indices(indices)?;
    let (i, o) = (g.input, g.output);
    let [_, oh, ow] = o.spatial;
    output.fill(0.0);
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(i.spatial, |ip| {
                let at = i.offset(n, c, ip);
                let index = indices[at] as usize;
                let point = [index / (oh * ow), index / ow % oh, index % ow];
                output[o.offset(n, c, point)] = input[at];
            });
        }
    }
    Ok(())
}

avg_unpool_entry_point! {
/// Reference twin of [`crate::avg_unpool`].
///
/// ```
/// use upsample::{reference, Layout, UnpoolOptions};
/// // Overlapping windows (kernel 3, stride 2): the middle point is covered by both.
/// let mut out = [0.0; 5];
/// let opts = UnpoolOptions::new(&[3]).with_stride(&[2]);
/// reference::avg_unpool(&[1.0, 3.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut out)?;
/// assert_eq!(out, [1.0, 1.0, 2.0, 3.0, 3.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::avg_unpool`].
pub fn avg_unpool = average
}

/// [`avg_unpool`] on a checked geometry and buffers.
fn average(g: &UnpoolGeometry, input: &[f32], output: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
                // Windows i covering padded position p = o + pad satisfy
                // i*stride <= p < i*stride + kernel, with 0 <= i < in.
                let mut first = [0usize; MAX_SPATIAL];
                let mut last = [0usize; MAX_SPATIAL]; // exclusive
                for a in 0..MAX_SPATIAL {
                    (first[a], last[a]) = covering(g, a, op[a]);
                }
                let mut sum = 0.0f32;
                let mut count = 0usize;
                for z in first[0]..last[0].max(first[0]) {
                    for y in first[1]..last[1].max(first[1]) {
                        for x in first[2]..last[2].max(first[2]) {
                            sum += input[i.offset(n, c, [z, y, x])];
                            count += 1;
                        }
                    }
                }
                output[o.offset(n, c, op)] = if count == 0 { 0.0 } else { sum / count as f32 };
            });
        }
    }
}

max_unpool_backward_entry_point! {
/// Reference twin of [`crate::max_unpool_backward`].
///
/// ```
/// use upsample::{reference, Layout, UnpoolOptions};
/// let mut grad_input = [0.0; 2];
/// reference::max_unpool_backward(&[1.0, 2.0, 3.0, 4.0], &[1, 3], &[1, 1, 2], Layout::ChannelsFirst, &UnpoolOptions::new(&[2]), &mut grad_input)?;
/// assert_eq!(grad_input, [2.0, 4.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::max_unpool_backward`].
pub fn max_unpool_backward = gather
}

/// PyTorch's `max_unpool` derivative (`max_pool_double_backward`): each
/// input's gradient is the output gradient at its index, within its plane.
fn gather(g: &UnpoolGeometry, grad_output: &[f32], indices: &[i64], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    let [_, oh, ow] = o.spatial;
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(i.spatial, |ip| {
                let at = i.offset(n, c, ip);
                let index = indices[at] as usize;
                let point = [index / (oh * ow), index / ow % oh, index % ow];
                grad_input[at] = grad_output[o.offset(n, c, point)];
            });
        }
    }
}

avg_unpool_backward_entry_point! {
/// Reference twin of [`crate::avg_unpool_backward`].
///
/// ```
/// use upsample::{reference, Layout, UnpoolOptions};
/// // Kernel 3, stride 2: output 2 is covered by both windows, so it counts half in each.
/// let mut grad_input = [0.0; 2];
/// let opts = UnpoolOptions::new(&[3]).with_stride(&[2]);
/// reference::avg_unpool_backward(&[1.0, 1.0, 2.0, 1.0, 1.0], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut grad_input)?;
/// assert_eq!(grad_input, [3.0, 3.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::avg_unpool_backward`].
pub fn avg_unpool_backward = spread_back
}

/// The transpose of [`avg_unpool`]: each input's gradient is the sum over
/// the output positions of its window of `grad_output / count`, `count`
/// being how many windows cover that position (the derivative of `sum /
/// count`), summed outer axis outermost.
fn spread_back(g: &UnpoolGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let (i, o) = (g.input, g.output);
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(i.spatial, |ip| {
                let span: [(usize, usize); MAX_SPATIAL] =
                    core::array::from_fn(|a| window_span(g, a, ip[a]));
                let mut sum = 0.0f32;
                for z in span[0].0..span[0].1 {
                    for y in span[1].0..span[1].1 {
                        for x in span[2].0..span[2].1 {
                            let count: usize = [z, y, x]
                                .iter()
                                .enumerate()
                                .map(|(a, &p)| {
                                    let (first, last) = covering(g, a, p);
                                    last - first
                                })
                                .product();
                            sum += grad_output[o.offset(n, c, [z, y, x])] / count as f32;
                        }
                    }
                }
                grad_input[i.offset(n, c, ip)] = sum;
            });
        }
    }
}
