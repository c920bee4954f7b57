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

use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, axis_name, per_axis};
use crate::pool::positive;

/// The pooling geometry an unpooling undoes, as `F.max_unpool{1,2,3}d`
/// takes it. Lists take one value or one per spatial dimension; an empty
/// `stride` means `stride = kernel_size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnpoolOptions<'a> {
    /// Window size of the pooling.
    pub kernel_size: &'a [usize],
    /// Stride of the pooling; empty for `kernel_size`.
    pub stride: &'a [usize],
    /// Padding of the pooling.
    pub padding: &'a [usize],
    /// Spatial output size (without N and C); `None` for the default.
    pub output_size: Option<&'a [usize]>,
}

impl<'a> UnpoolOptions<'a> {
    /// `kernel_size` with PyTorch's defaults: stride = kernel_size, padding 0,
    /// default output size.
    pub fn new(kernel_size: &'a [usize]) -> Self {
        UnpoolOptions {
            kernel_size,
            stride: &[],
            padding: &[0],
            output_size: None,
        }
    }
    /// Sets `stride`.
    pub fn with_stride(mut self, stride: &'a [usize]) -> Self {
        self.stride = stride;
        self
    }
    /// Sets `padding`.
    pub fn with_padding(mut self, padding: &'a [usize]) -> Self {
        self.padding = padding;
        self
    }
    /// Sets `output_size` (spatial sizes only).
    pub fn with_output_size(mut self, output_size: &'a [usize]) -> Self {
        self.output_size = Some(output_size);
        self
    }
}

/// A checked unpooling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnpoolGeometry {
    pub input: Dims,
    pub output: Dims,
    pub kernel: [usize; MAX_SPATIAL],
    pub stride: [usize; MAX_SPATIAL],
    pub padding: [usize; MAX_SPATIAL],
}

impl UnpoolGeometry {
    /// `_unpool_output_size` of `torch.nn.functional`.
    pub fn new(
        shape: &[usize],
        layout: Layout,
        options: &UnpoolOptions<'_>,
        op: &'static str,
    ) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, op, 1, MAX_SPATIAL, Buffer::Input)?;
        let rank = input.rank;
        let kernel = positive(
            "kernel_size",
            per_axis("kernel_size", options.kernel_size, rank, 1)?,
            rank,
        )?;
        let stride = if options.stride.is_empty() {
            kernel
        } else {
            positive("stride", per_axis("stride", options.stride, rank, 1)?, rank)?
        };
        let padding = per_axis("padding", options.padding, rank, 0)?;
        let requested = match options.output_size {
            None => None,
            Some(sizes) if sizes.len() == rank => Some(per_axis("output_size", sizes, rank, 1)?),
            // PyTorch also takes the full (N, C, spatial...) size.
            Some(sizes) if sizes.len() == rank + 2 => {
                Some(per_axis("output_size", &sizes[2..], rank, 1)?)
            }
            Some(sizes) => {
                return Err(Error::ParameterCount {
                    parameter: "output_size",
                    expected: rank,
                    actual: sizes.len(),
                });
            }
        };
        let mut out = [1usize; MAX_SPATIAL];
        for a in MAX_SPATIAL - rank..MAX_SPATIAL {
            let axis = axis_name(a, rank);
            let default = (input.spatial[a] as i128 - 1) * stride[a] as i128
                - 2 * padding[a] as i128
                + kernel[a] as i128;
            let size = match requested {
                None => default,
                Some(req) => {
                    let (min, max) = (
                        default - stride[a] as i128 + 1,
                        default + stride[a] as i128 - 1,
                    );
                    let r = req[a] as i128;
                    if r < min || r > max {
                        return Err(Error::OutputSize {
                            axis,
                            requested: req[a],
                            min: min.max(0) as usize,
                            max: max.clamp(0, usize::MAX as i128) as usize,
                        });
                    }
                    r
                }
            };
            if size < 1 {
                return Err(Error::EmptyOutput {
                    axis,
                    size: size.clamp(i64::MIN as i128, 0) as i64,
                });
            }
            out[a] = usize::try_from(size).map_err(|_| Error::Overflow {
                what: "the unpooling output size",
            })?;
        }
        let output = input.with_spatial(out)?;
        if i64::try_from(output.plane()).is_err() {
            return Err(Error::Overflow {
                what: "the i64 index of an output plane",
            });
        }
        Ok(UnpoolGeometry {
            input,
            output,
            kernel,
            stride,
            padding,
        })
    }

    /// Checks the slices against the geometry.
    pub fn check_buffers(&self, input: &[f32], output: &[f32]) -> Result<(), Error> {
        self.input.check_len(Buffer::Input, input.len())?;
        self.output.check_len(Buffer::Output, output.len())
    }

    /// Checks every index lies within its output plane, so the scatter
    /// that follows cannot fail.
    pub fn check_indices(&self, indices: &[i64]) -> Result<(), Error> {
        self.input.check_len(Buffer::Indices, indices.len())?;
        let plane = self.output.plane();
        match indices
            .iter()
            .position(|&i| i < 0 || i as u64 >= plane as u64)
        {
            None => Ok(()),
            Some(position) => Err(Error::IndexOutOfRange {
                position,
                index: indices[position],
                plane_size: plane,
            }),
        }
    }
}

/// Output shape of `F.max_unpool{1,2,3}d` and of [`avg_unpool`] for pooled
/// input of logical shape `shape`, as PyTorch computes it.
///
/// ```
/// use upsample::{unpool_output_shape, UnpoolOptions};
/// let opts = UnpoolOptions::new(&[2]).with_output_size(&[5, 5]);
/// assert_eq!(unpool_output_shape(&[1, 1, 2, 2], &opts).unwrap().as_slice(), &[1, 1, 5, 5]);
/// ```
///
/// # Errors
/// As [`max_unpool`], but for buffer lengths and indices.
pub fn unpool_output_shape(shape: &[usize], options: &UnpoolOptions<'_>) -> Result<Shape, Error> {
    Ok(
        UnpoolGeometry::new(shape, Layout::ChannelsFirst, options, "max_unpool")?
            .output
            .shape(),
    )
}

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
/// [`Error::IndexOutOfRange`] for an index outside its output plane (then
/// nothing is written); [`Error::OutputSize`] for an `output_size` out of
/// range; [`Error::Rank`], [`Error::ZeroDimension`],
/// [`Error::ParameterCount`], [`Error::InvalidParameter`],
/// [`Error::EmptyOutput`], [`Error::Overflow`], [`Error::BufferLength`].
pub fn max_unpool(
    input: &[f32],
    indices: &[i64],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    crate::reference::max_unpool(input, indices, shape, layout, options, output)
}

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
pub fn avg_unpool(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &UnpoolOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    crate::reference::avg_unpool(input, shape, layout, options, output)
}
