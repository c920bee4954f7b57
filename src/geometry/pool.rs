//! `F.max_pool{1,2,3}d`'s arguments, its checks (`pool{1,2,3}d_shape_check`)
//! and output size (`pooling_output_shape`).

use super::params::{pooling_window, positive, setters};
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, per_axis, shape_axis};
/// The keyword arguments of `F.max_pool{1,2,3}d`. Each list takes one value
/// (for every spatial dimension, like a Python scalar) or one per spatial
/// dimension; an empty `stride` means `stride = kernel_size`, as in PyTorch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaxPoolOptions<'a> {
    /// Window size.
    pub kernel_size: &'a [usize],
    /// Step between windows; empty for `kernel_size`.
    pub stride: &'a [usize],
    /// Implicit `-inf` padding on both sides; at most half the kernel size.
    pub padding: &'a [usize],
    /// Spacing between window elements.
    pub dilation: &'a [usize],
    /// Use ceil instead of floor for the output size.
    pub ceil_mode: bool,
}

impl<'a> MaxPoolOptions<'a> {
    /// `kernel_size` with PyTorch's defaults: stride = kernel_size,
    /// padding 0, dilation 1, floor mode.
    ///
    /// ```
    /// use upsample::{max_pool_output_shape, MaxPoolOptions};
    /// assert_eq!(max_pool_output_shape(&[1, 1, 6, 7], &MaxPoolOptions::new(&[2]))?.as_slice(), &[1, 1, 3, 3]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn new(kernel_size: &'a [usize]) -> Self {
        MaxPoolOptions {
            kernel_size,
            stride: &[],
            padding: &[0],
            dilation: &[1],
            ceil_mode: false,
        }
    }
    setters! {
        /// Sets `stride`.
        ///
        /// ```
        /// use upsample::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[3]).with_stride(&[1]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 3]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_stride(stride: &'a [usize]);
        /// Sets `padding`.
        ///
        /// ```
        /// use upsample::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[3]).with_stride(&[1]).with_padding(&[1]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 5]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_padding(padding: &'a [usize]);
        /// Sets `dilation`.
        ///
        /// ```
        /// use upsample::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[2]).with_stride(&[1]).with_dilation(&[3]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 2]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_dilation(dilation: &'a [usize]);
        /// Sets `ceil_mode`.
        ///
        /// ```
        /// use upsample::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[2]).with_ceil_mode(true);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 3]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_ceil_mode(ceil_mode: bool);
    }
}

/// Per-axis pooling parameters in padded `[D, H, W]` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PoolParams {
    pub kernel: [usize; MAX_SPATIAL],
    pub stride: [usize; MAX_SPATIAL],
    pub padding: [usize; MAX_SPATIAL],
    pub dilation: [usize; MAX_SPATIAL],
}

/// A checked max pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MaxPoolGeometry {
    pub input: Dims,
    pub output: Dims,
    pub params: PoolParams,
    /// Whether an empty or all-`-inf` window of a 3-d channels-last pool
    /// reports its initial index without the depth offset, as PyTorch's
    /// `cpu_max_pool_channels_last` does (ONNX's entry points turn it off).
    pub depth_quirk: bool,
}

impl MaxPoolGeometry {
    /// `pool{1,2,3}d_shape_check` and `pooling_output_shape` of ATen.
    pub fn new(
        shape: &[usize],
        layout: Layout,
        options: &MaxPoolOptions<'_>,
    ) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "max_pool", 1, MAX_SPATIAL, Buffer::Input)?;
        let rank = input.rank;
        let [kernel, stride, padding] =
            pooling_window(options.kernel_size, options.stride, options.padding, rank)?;
        let dilation = positive(
            "dilation",
            per_axis("dilation", options.dilation, rank, 1)?,
            rank,
        )?;
        let mut out = [1usize; MAX_SPATIAL];
        for a in MAX_SPATIAL - rank..MAX_SPATIAL {
            let axis = shape_axis(a, rank);
            if padding[a] > kernel[a] / 2 {
                return Err(Error::PaddingTooLarge {
                    axis,
                    padding: padding[a],
                    max: kernel[a] / 2,
                });
            }
            out[a] = pooling_output_size(
                input.spatial[a],
                kernel[a],
                padding[a],
                stride[a],
                dilation[a],
                options.ceil_mode,
            )
            .and_then(|size| {
                usize::try_from(size)
                    .ok()
                    .filter(|&s| s >= 1)
                    .ok_or(Error::EmptyOutput { axis, size })
            })?;
        }
        // Indices are i64 within a plane.
        if i64::try_from(input.plane()).is_err() {
            return Err(Error::Overflow {
                what: "the i64 index of an input plane",
            });
        }
        let output = input.with_spatial(out)?;
        Ok(MaxPoolGeometry {
            input,
            output,
            params: PoolParams {
                kernel,
                stride,
                padding,
                dilation,
            },
            depth_quirk: true,
        })
    }

    /// Checks the slices against the geometry.
    pub fn check_buffers(
        &self,
        input: &[f32],
        output: &[f32],
        indices: &[i64],
    ) -> Result<(), Error> {
        self.input.check_input_output(&self.output, input, output)?;
        self.output.check_len(Buffer::Indices, indices.len())
    }
}

impl MaxPoolGeometry {
    /// Checks the slices of a backward call against the geometry, and every
    /// index: each must lie within its `(n, c)` input plane, or be -1 (which
    /// ATen's `cpu_max_pool_backward` skips), so the scatter that follows
    /// cannot fail.
    pub fn check_backward_buffers(
        &self,
        grad_output: &[f32],
        indices: &[i64],
        grad_input: &[f32],
    ) -> Result<(), Error> {
        self.output
            .check_len(Buffer::GradOutput, grad_output.len())?;
        self.output.check_len(Buffer::Indices, indices.len())?;
        self.input.check_len(Buffer::GradInput, grad_input.len())?;
        let plane = self.input.plane();
        // `-1 <= i < plane` exactly when neither `j = i + 1` (wrapping: an
        // `i64::MAX` becomes negative) nor `plane - j` is negative, so OR-ing
        // both over a chunk and testing the sign checks the whole chunk with
        // 64-bit adds and ORs, which vectorise (as `UnpoolGeometry`'s check);
        // only a failing chunk is searched. The plane fits i64 (`new`).
        const CHUNK: usize = 256;
        let last = plane as i64;
        let chunk_ok = |c: &[i64]| {
            c.iter().fold(0i64, |acc, &i| {
                let j = i.wrapping_add(1);
                acc | j | last.wrapping_sub(j)
            }) >= 0
        };
        let bad = |&i: &i64| i < -1 || i >= last;
        let position = indices
            .chunks(CHUNK)
            .enumerate()
            .find(|(_, c)| !chunk_ok(c))
            .and_then(|(k, c)| Some(k * CHUNK + c.iter().position(bad)?));
        match position {
            None => Ok(()),
            Some(position) => Err(Error::IndexOutOfRange {
                position,
                index: indices[position],
                plane_size: plane,
            }),
        }
    }
}

/// Defines a `max_pool_backward` entry point: the public op and its
/// reference twin are both written through this. It checks the call and
/// every index, then runs `$run(&geometry, grad_output, indices,
/// grad_input)`.
macro_rules! max_pool_backward_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            grad_output: &[f32],
            indices: &[i64],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::MaxPoolOptions<'_>,
            grad_input: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::pool::MaxPoolGeometry::new(shape, layout, options)?;
            g.check_backward_buffers(grad_output, indices, grad_input)?;
            $run(&g, grad_output, indices, grad_input);
            Ok(())
        }
    };
}
pub(crate) use max_pool_backward_entry_point;

/// ATen's `pooling_output_shape`, in `i128` so no operand can overflow.
fn pooling_output_size(
    input: usize,
    kernel: usize,
    pad: usize,
    stride: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Result<i64, Error> {
    let (input, kernel, pad, stride, dilation) = (
        input as i128,
        kernel as i128,
        pad as i128,
        stride as i128,
        dilation as i128,
    );
    // Two sizes near usize::MAX multiply past i128, and the sums below need
    // headroom: a span past 2^120 leaves no output (the other terms are
    // below 2^66).
    let span = dilation
        .checked_mul(kernel - 1)
        .filter(|&span| span < 1 << 120)
        .ok_or(Error::Overflow {
            what: "the pooling window span",
        })?;
    let numerator = input + 2 * pad - span - 1 + if ceil_mode { stride - 1 } else { 0 };
    let mut out = numerator.div_euclid(stride) + 1;
    if ceil_mode && (out - 1) * stride >= input + pad {
        out -= 1;
    }
    i64::try_from(out).map_err(|_| Error::Overflow {
        what: "the pooling output size",
    })
}

/// Output shape of `F.max_pool{1,2,3}d(x, **options)` for `x` of logical
/// shape `shape`, as PyTorch computes it.
///
/// ```
/// use upsample::{max_pool_output_shape, MaxPoolOptions};
/// let opts = MaxPoolOptions::new(&[3]).with_stride(&[2]).with_ceil_mode(true);
/// assert_eq!(max_pool_output_shape(&[1, 1, 6, 6], &opts).unwrap().as_slice(), &[1, 1, 3, 3]);
/// ```
///
/// # Errors
/// As [`max_pool`](crate::max_pool), but for buffer lengths.
pub fn max_pool_output_shape(
    shape: &[usize],
    options: &MaxPoolOptions<'_>,
) -> Result<Shape, Error> {
    Ok(MaxPoolGeometry::new(shape, Layout::ChannelsFirst, options)?
        .output
        .shape())
}

/// Defines a `max_pool` entry point: the public op and its reference twin
/// are both written through this, so that their signatures and checks
/// cannot drift apart. It checks the call, then runs
/// `$run(&geometry, input, output, indices)`.
macro_rules! max_pool_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            input: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::MaxPoolOptions<'_>,
            output: &mut [f32],
            indices: &mut [i64],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::pool::MaxPoolGeometry::new(shape, layout, options)?;
            g.check_buffers(input, output, indices)?;
            $run(&g, input, output, indices);
            Ok(())
        }
    };
}
pub(crate) use max_pool_entry_point;
