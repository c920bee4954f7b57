//! Reference max pool with indices, after ATen's `cpu_max_pool`
//! (`aten/src/ATen/native/cpu/MaxPoolKernel.cpp`).

use crate::error::Error;
use crate::geometry::pool::{MaxPoolGeometry, MaxPoolOptions};
use crate::layout::{Layout, MAX_SPATIAL, for_each_point};

/// Reference twin of [`crate::max_pool`].
///
/// ```
/// use upsample::{reference, Layout, MaxPoolOptions};
/// let (mut out, mut idx) = ([0.0; 2], [0i64; 2]);
/// // Ties go to the first maximum; a NaN always wins.
/// reference::max_pool(&[2.0, 2.0, 1.0, f32::NAN], &[1, 1, 4], Layout::ChannelsFirst, &MaxPoolOptions::new(&[2]), &mut out, &mut idx)?;
/// assert_eq!((out[0], idx), (2.0, [0, 3]));
/// assert!(out[1].is_nan());
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::max_pool`].
pub fn max_pool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &MaxPoolOptions<'_>,
    output: &mut [f32],
    indices: &mut [i64],
) -> Result<(), Error> {
    let g = MaxPoolGeometry::new(shape, layout, options)?;
    g.check_buffers(input, output, indices)?;
    let (i, o, p) = (g.input, g.output, g.params);
    let [_, ih, iw] = i.spatial;
    for n in 0..i.n {
        for c in 0..i.c {
            for_each_point(o.spatial, |op| {
                // Window start and end per axis, as cpu_max_pool:
                //   i0 = o*stride - pad; i1 = min(i0 + (k-1)*dilation + 1, size)
                //   while i0 < 0: i0 += dilation
                // In i128 (kernel, dilation and padding may be near usize::MAX);
                // `while i0 < 0 { i0 += dilation }` is done in one step.
                let mut start = [0i64; MAX_SPATIAL];
                let mut end = [0i64; MAX_SPATIAL];
                for a in 0..MAX_SPATIAL {
                    let (s, k, d) = (
                        p.stride[a] as i128,
                        p.kernel[a] as i128,
                        p.dilation[a] as i128,
                    );
                    let mut i0 = op[a] as i128 * s - p.padding[a] as i128;
                    let i1 = (i0 + (k - 1) * d + 1).min(i.spatial[a] as i128);
                    if i0 < 0 {
                        i0 += (-i0 + d - 1) / d * d;
                    }
                    start[a] = i0.min(i64::MAX as i128) as i64;
                    end[a] = i1.max(0) as i64;
                }
                // Wrapping, as ATen's int64 arithmetic: only an empty window far in the
                // padding can leave the plane here.
                let flat = |z: i64, y: i64, x: i64| {
                    z.wrapping_mul(ih as i64)
                        .wrapping_add(y)
                        .wrapping_mul(iw as i64)
                        .wrapping_add(x)
                };
                // PyTorch's 3-d channels-last kernel (cpu_max_pool_channels_last)
                // starts the index without the depth offset: a window with no
                // value above -inf (or no element at all) reports it so.
                let first_depth = match (layout, i.rank) {
                    (Layout::ChannelsLast, 3) => 0,
                    _ => start[0],
                };
                let mut max_index = flat(first_depth, start[1], start[2]);
                let mut max_value = f32::NEG_INFINITY;
                let mut z = start[0];
                while z < end[0] {
                    let mut y = start[1];
                    while y < end[1] {
                        let mut x = start[2];
                        while x < end[2] {
                            let value = input[i.offset(n, c, [z as usize, y as usize, x as usize])];
                            if value > max_value || value.is_nan() {
                                max_value = value;
                                max_index = flat(z, y, x);
                            }
                            x = x.saturating_add(p.dilation[2].min(i64::MAX as usize) as i64);
                        }
                        y = y.saturating_add(p.dilation[1].min(i64::MAX as usize) as i64);
                    }
                    z = z.saturating_add(p.dilation[0].min(i64::MAX as usize) as i64);
                }
                let at = o.offset(n, c, op);
                output[at] = max_value;
                indices[at] = max_index;
            });
        }
    }
    Ok(())
}
