//! `F.max_unpool{1,2,3}d`'s pooling geometry and `_unpool_output_size`,
//! shared by max and average unpooling, and the windows that cover an
//! output position.

use super::params::{pooling_window, setters};
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, per_axis, shape_axis};
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
    ///
    /// ```
    /// use upsample::{unpool_output_shape, UnpoolOptions};
    /// assert_eq!(unpool_output_shape(&[1, 1, 3, 3], &UnpoolOptions::new(&[2]))?.as_slice(), &[1, 1, 6, 6]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn new(kernel_size: &'a [usize]) -> Self {
        UnpoolOptions {
            kernel_size,
            stride: &[],
            padding: &[0],
            output_size: None,
        }
    }
    setters! {
        /// Sets `stride`.
        ///
        /// ```
        /// use upsample::{unpool_output_shape, UnpoolOptions};
        /// let o = UnpoolOptions::new(&[3]).with_stride(&[2]);
        /// assert_eq!(unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 9]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_stride(stride: &'a [usize]);
        /// Sets `padding`.
        ///
        /// ```
        /// use upsample::{unpool_output_shape, UnpoolOptions};
        /// let o = UnpoolOptions::new(&[3]).with_stride(&[2]).with_padding(&[1]);
        /// assert_eq!(unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 7]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_padding(padding: &'a [usize]);
    }
    /// Sets `output_size` (spatial sizes only).
    ///
    /// ```
    /// use upsample::{unpool_output_shape, UnpoolOptions};
    /// let o = UnpoolOptions::new(&[2]).with_output_size(&[9]);
    /// assert_eq!(unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 9]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
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
        let [kernel, stride, padding] =
            pooling_window(options.kernel_size, options.stride, options.padding, rank)?;
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
            let axis = shape_axis(a, rank);
            // Two sizes near usize::MAX multiply past i128, and the sums
            // below need headroom: a product past 2^120 leaves no output
            // that fits (every other term is below 2^66).
            let default = (input.spatial[a] as i128 - 1)
                .checked_mul(stride[a] as i128)
                .filter(|&reach| reach < 1 << 120)
                .ok_or(Error::Overflow {
                    what: "the unpooling output size",
                })?
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

    /// Checks every index lies within its output plane, so the scatter
    /// that follows cannot fail.
    pub fn check_indices(&self, indices: &[i64]) -> Result<(), Error> {
        self.input.check_len(Buffer::Indices, indices.len())?;
        self.check_index_block(indices, 0)
    }

    /// Checks the indices of `block`, which starts at `base` in the whole
    /// `indices` slice (an error names the position in the whole slice).
    pub fn check_index_block(&self, block: &[i64], base: usize) -> Result<(), Error> {
        let plane = self.output.plane();
        // `0 <= i <= last` exactly when neither `i` nor `last - i` is
        // negative, so OR-ing both over a chunk and testing the sign checks
        // all its indices at once: 64-bit subtractions and ORs, which
        // vectorise on every target (even SSE2, which has no 64-bit compare).
        // Only a failing chunk is searched for the culprit.
        const CHUNK: usize = 256;
        let last = plane as i64 - 1; // the plane fits i64 (checked in `new`)
        let bad = |i: &i64| *i < 0 || *i > last;
        let chunk = block.chunks(CHUNK).position(|c| {
            c.iter()
                .fold(0i64, |acc, &i| acc | i | last.wrapping_sub(i))
                < 0
        });
        let position = chunk.and_then(|k| {
            let c = block.chunks(CHUNK).nth(k)?;
            Some(k * CHUNK + c.iter().position(bad)?)
        });
        match position {
            None => Ok(()),
            Some(position) => Err(Error::IndexOutOfRange {
                position: base + position,
                index: block.get(position).copied().unwrap_or_default(),
                plane_size: plane,
            }),
        }
    }
}

/// Output shape of `F.max_unpool{1,2,3}d` and of [`avg_unpool`](crate::avg_unpool) for pooled
/// input of logical shape `shape`, as PyTorch computes it.
///
/// ```
/// use upsample::{unpool_output_shape, UnpoolOptions};
/// let opts = UnpoolOptions::new(&[2]).with_output_size(&[5, 5]);
/// assert_eq!(unpool_output_shape(&[1, 1, 2, 2], &opts).unwrap().as_slice(), &[1, 1, 5, 5]);
/// ```
///
/// # Errors
/// As [`max_unpool`](crate::max_unpool), but for buffer lengths and indices.
pub fn unpool_output_shape(shape: &[usize], options: &UnpoolOptions<'_>) -> Result<Shape, Error> {
    Ok(
        UnpoolGeometry::new(shape, Layout::ChannelsFirst, options, "max_unpool")?
            .output
            .shape(),
    )
}

/// The windows covering output position `o` along axis `a`: inputs
/// `first..last` with `i*stride <= o + padding < i*stride + kernel`.
#[inline]
pub(crate) fn covering(g: &UnpoolGeometry, a: usize, o: usize) -> (usize, usize) {
    let (s, k) = (g.stride[a], g.kernel[a]);
    let size = g.input.spatial[a];
    match o.checked_add(g.padding[a]) {
        Some(p) => {
            // Saturating `+ 1`s: `p` may be `usize::MAX`
            // (found by the `unconstrained` fuzz target).
            let first = if p >= k {
                (p - k).saturating_add(1).div_ceil(s)
            } else {
                0
            };
            let last = (p / s).saturating_add(1).min(size);
            (first.min(last), last)
        }
        // A padding near usize::MAX: the same in u128.
        None => {
            let (p, s, k) = (o as u128 + g.padding[a] as u128, s as u128, k as u128);
            let first = if p >= k { (p + 1 - k).div_ceil(s) } else { 0 };
            let last = (p / s + 1).min(size as u128);
            (first.min(last) as usize, last as usize)
        }
    }
}

/// Defines a `max_unpool` entry point: the public op and its reference
/// twin are both written through this, so that their signatures and
/// checks cannot drift apart. It checks the call (not the indices' values,
/// which the body checks), then returns
/// `$run(&geometry, input, indices, output)`, after filling the whole
/// output with NaN if that found an index out of range (so that no output
/// written before the bad index looks like a result).
macro_rules! max_unpool_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            input: &[f32],
            indices: &[i64],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::UnpoolOptions<'_>,
            output: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::unpool::UnpoolGeometry::new(
                shape,
                layout,
                options,
                "max_unpool",
            )?;
            g.input.check_input_output(&g.output, input, output)?;
            g.input.check_len($crate::Buffer::Indices, indices.len())?;
            let written = $run(&g, input, indices, output);
            if matches!(written, Err($crate::Error::IndexOutOfRange { .. })) {
                output.fill(f32::NAN);
            }
            written
        }
    };
}
pub(crate) use max_unpool_entry_point;

/// Defines an `avg_unpool` entry point (see `geometry::map_entry_point`); it runs
/// `$run(&geometry, input, output)`.
macro_rules! avg_unpool_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $crate::geometry::map_entry_point! {
            $(#[$attr])*
            $vis fn $name(options: &$crate::UnpoolOptions<'_>)
                = |shape, layout, options| {
                    $crate::geometry::unpool::UnpoolGeometry::new(shape, layout, options, "avg_unpool")
                } => $run
        }
    };
}
pub(crate) use avg_unpool_entry_point;

/// Defines a `max_unpool_backward` entry point: the public op and its
/// reference twin are both written through this. It checks the call and
/// every index (each within its output plane) before anything is written,
/// then runs `$run(&geometry, grad_output, indices, grad_input)`.
macro_rules! max_unpool_backward_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            grad_output: &[f32],
            indices: &[i64],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::UnpoolOptions<'_>,
            grad_input: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let g = $crate::geometry::unpool::UnpoolGeometry::new(
                shape,
                layout,
                options,
                "max_unpool",
            )?;
            g.output.check_len($crate::Buffer::GradOutput, grad_output.len())?;
            g.input.check_len($crate::Buffer::GradInput, grad_input.len())?;
            g.check_indices(indices)?;
            $run(&g, grad_output, indices, grad_input);
            Ok(())
        }
    };
}
pub(crate) use max_unpool_backward_entry_point;

/// Defines an `avg_unpool_backward` entry point (see
/// `geometry::map_backward_entry_point`); it runs `$run(&geometry,
/// grad_output, grad_input)`.
macro_rules! avg_unpool_backward_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $crate::geometry::map_backward_entry_point! {
            $(#[$attr])*
            $vis fn $name(options: &$crate::UnpoolOptions<'_>)
                = |shape, layout, options| {
                    $crate::geometry::unpool::UnpoolGeometry::new(shape, layout, options, "avg_unpool")
                } => $run
        }
    };
}
pub(crate) use avg_unpool_backward_entry_point;

/// The output positions along axis `a` that input window `i` covers:
/// `i*stride - padding ..` for `kernel` positions, within the output.
#[inline]
pub(crate) fn window_span(g: &UnpoolGeometry, a: usize, i: usize) -> (usize, usize) {
    let start = i as u128 * g.stride[a] as u128;
    let end = start + g.kernel[a] as u128;
    let p = g.padding[a] as u128;
    let size = g.output.spatial[a] as u128;
    let first = start.saturating_sub(p).min(size);
    let last = end.saturating_sub(p).min(size);
    (first as usize, last.max(first) as usize)
}
