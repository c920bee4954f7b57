//! ONNX's `MaxPool` and `MaxUnpool` attributes, checked and converted to
//! the crate's own pooling geometries ([`MaxPoolGeometry`],
//! [`UnpoolGeometry`]), and the index conversions between ONNX's
//! whole-tensor indices and the kernels' per-plane ones.
//!
//! ```text
//! MaxPool  begin pad -> the geometry's padding; output size per axis:
//!   NOTSET      floor_or_ceil((in + pb + pe - ((k-1)*d + 1)) / s) + 1
//!               (ceil_mode: minus one if the last window starts past in + pb)
//!   VALID       ceil((in - ((k-1)*d + 1) + 1) / s)        (pads 0; no ceil_mode)
//!   SAME_*      ceil(in / s); total = max(0, (out-1)*s + (k-1)*d + 1 - in),
//!               begin = total/2 (UPPER) or total - total/2 (LOWER)
//! Indices  (n*C + c)*plane + in-plane index (storage_order 1: column-major)
//! MaxUnpool inferred = (in-1)*s - (pb+pe) + k; indices are flat in the
//!           inferred NC... tensor, placed at the same coordinates of an
//!           output_shape at least as large (the rest 0)
//! ```

use super::params::{positive, setters};
use super::pool::{MaxPoolGeometry, PoolParams};
use super::unpool::UnpoolGeometry;
use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, MAX_SPATIAL, Shape, shape_axis};

/// ONNX's `auto_pad` attribute of `MaxPool` (and `ConvTranspose`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutoPad {
    /// `NOTSET`: the explicit `pads` (ONNX's default).
    #[default]
    NotSet,
    /// `SAME_UPPER`: output `ceil(in / stride)`, the odd padding at the end.
    SameUpper,
    /// `SAME_LOWER`: output `ceil(in / stride)`, the odd padding at the
    /// beginning.
    SameLower,
    /// `VALID`: no padding.
    Valid,
}

/// ONNX's `storage_order` attribute of `MaxPool`: how the `Indices` output
/// numbers the elements of each `(n, c)` plane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum StorageOrder {
    /// `0`: row-major, `(d * H + h) * W + w` (ONNX's default).
    #[default]
    RowMajor,
    /// `1`: column-major, `d + D * (h + H * w)`.
    ColumnMajor,
}

/// ONNX `MaxPool`'s attributes. Lists have one value per spatial axis
/// (`pads` two: every begin, then every end); an empty `strides`,
/// `dilations` or `pads` takes ONNX's default (1, 1, 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaxPoolOptions<'a> {
    /// `kernel_shape`, one per spatial axis.
    pub kernel_shape: &'a [usize],
    /// `strides`; empty for 1.
    pub strides: &'a [usize],
    /// `pads` as `[x1_begin, x2_begin, .., x1_end, x2_end, ..]`; empty for 0.
    pub pads: &'a [usize],
    /// `dilations`; empty for 1.
    pub dilations: &'a [usize],
    /// `auto_pad`; anything but [`AutoPad::NotSet`] takes no `pads`.
    pub auto_pad: AutoPad,
    /// `ceil_mode` (with explicit pads).
    pub ceil_mode: bool,
    /// `storage_order` of the indices.
    pub storage_order: StorageOrder,
}

impl<'a> MaxPoolOptions<'a> {
    /// `kernel_shape` with ONNX's defaults: strides 1, no padding,
    /// dilations 1, floor mode, row-major indices.
    ///
    /// ```
    /// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
    /// assert_eq!(max_pool_output_shape(&[1, 1, 6, 7], &MaxPoolOptions::new(&[2, 2]))?.as_slice(), &[1, 1, 5, 6]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn new(kernel_shape: &'a [usize]) -> Self {
        MaxPoolOptions {
            kernel_shape,
            strides: &[],
            pads: &[],
            dilations: &[],
            auto_pad: AutoPad::NotSet,
            ceil_mode: false,
            storage_order: StorageOrder::RowMajor,
        }
    }
    setters! {
        /// Sets `strides`.
        ///
        /// ```
        /// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[3]).with_strides(&[2]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 7], &o)?.as_slice(), &[1, 1, 3]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_strides(strides: &'a [usize]);
        /// Sets `pads` (begins, then ends).
        ///
        /// ```
        /// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[3]).with_pads(&[0, 2]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 5]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_pads(pads: &'a [usize]);
        /// Sets `dilations`.
        ///
        /// ```
        /// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[2]).with_dilations(&[3]);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 2]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_dilations(dilations: &'a [usize]);
        /// Sets `auto_pad`.
        ///
        /// ```
        /// use upsample::onnx::{max_pool_output_shape, AutoPad, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[3]).with_strides(&[2]).with_auto_pad(AutoPad::SameUpper);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 3]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_auto_pad(auto_pad: AutoPad);
        /// Sets `ceil_mode`.
        ///
        /// ```
        /// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
        /// let o = MaxPoolOptions::new(&[2]).with_strides(&[2]).with_ceil_mode(true);
        /// assert_eq!(max_pool_output_shape(&[1, 1, 5], &o)?.as_slice(), &[1, 1, 3]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_ceil_mode(ceil_mode: bool);
        /// Sets `storage_order`.
        ///
        /// ```
        /// use upsample::onnx::{MaxPoolOptions, StorageOrder};
        /// let o = MaxPoolOptions::new(&[2, 2]).with_storage_order(StorageOrder::ColumnMajor);
        /// assert_eq!(o.storage_order, StorageOrder::ColumnMajor);
        /// ```
        fn with_storage_order(storage_order: StorageOrder);
    }
}

/// ONNX `MaxUnpool`'s attributes and its optional `output_shape` input.
/// Lists have one value per spatial axis (`pads` two); an empty `strides`
/// or `pads` takes ONNX's default (1, 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaxUnpoolOptions<'a> {
    /// `kernel_shape`, one per spatial axis.
    pub kernel_shape: &'a [usize],
    /// `strides`; empty for 1.
    pub strides: &'a [usize],
    /// `pads` as `[x1_begin, .., x1_end, ..]`; empty for 0.
    pub pads: &'a [usize],
    /// The `output_shape` input: the whole `(N, C, spatial...)` shape (or
    /// only the spatial sizes); `None` for the inferred shape.
    pub output_shape: Option<&'a [usize]>,
}

impl<'a> MaxUnpoolOptions<'a> {
    /// `kernel_shape` with ONNX's defaults: strides 1, no padding, the
    /// inferred output shape.
    ///
    /// ```
    /// use upsample::onnx::{max_unpool_output_shape, MaxUnpoolOptions};
    /// let o = MaxUnpoolOptions::new(&[2, 2]).with_strides(&[2, 2]);
    /// assert_eq!(max_unpool_output_shape(&[1, 1, 2, 3], &o)?.as_slice(), &[1, 1, 4, 6]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn new(kernel_shape: &'a [usize]) -> Self {
        MaxUnpoolOptions {
            kernel_shape,
            strides: &[],
            pads: &[],
            output_shape: None,
        }
    }
    setters! {
        /// Sets `strides`.
        ///
        /// ```
        /// use upsample::onnx::{max_unpool_output_shape, MaxUnpoolOptions};
        /// let o = MaxUnpoolOptions::new(&[3]).with_strides(&[2]);
        /// assert_eq!(max_unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 9]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_strides(strides: &'a [usize]);
        /// Sets `pads` (begins, then ends).
        ///
        /// ```
        /// use upsample::onnx::{max_unpool_output_shape, MaxUnpoolOptions};
        /// let o = MaxUnpoolOptions::new(&[3]).with_strides(&[2]).with_pads(&[1, 0]);
        /// assert_eq!(max_unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 8]);
        /// # Ok::<(), upsample::Error>(())
        /// ```
        fn with_pads(pads: &'a [usize]);
    }
    /// Sets `output_shape`.
    ///
    /// ```
    /// use upsample::onnx::{max_unpool_output_shape, MaxUnpoolOptions};
    /// let o = MaxUnpoolOptions::new(&[2]).with_strides(&[2]).with_output_shape(&[1, 1, 9]);
    /// assert_eq!(max_unpool_output_shape(&[1, 1, 4], &o)?.as_slice(), &[1, 1, 9]);
    /// # Ok::<(), upsample::Error>(())
    /// ```
    pub fn with_output_shape(mut self, output_shape: &'a [usize]) -> Self {
        self.output_shape = Some(output_shape);
        self
    }
}

/// One value per spatial axis (padded `[D, H, W]`), `default` for an
/// empty list.
fn exactly(
    parameter: &'static str,
    values: &[usize],
    rank: usize,
    default: Option<usize>,
) -> Result<[usize; MAX_SPATIAL], Error> {
    let mut out = [1usize; MAX_SPATIAL];
    match (values.len(), default) {
        (0, Some(d)) => out[MAX_SPATIAL - rank..].fill(d),
        (n, _) if n == rank => out[MAX_SPATIAL - rank..].copy_from_slice(values),
        (n, _) => {
            return Err(Error::ParameterCount {
                parameter,
                expected: rank,
                actual: n,
            });
        }
    }
    Ok(out)
}

/// `pads` as (begins, ends) per padded axis.
fn pads(values: &[usize], rank: usize) -> Result<[[usize; MAX_SPATIAL]; 2], Error> {
    let mut out = [[0usize; MAX_SPATIAL]; 2];
    match values.len() {
        0 => {}
        n if n == 2 * rank => {
            out[0][MAX_SPATIAL - rank..].copy_from_slice(&values[..rank]);
            out[1][MAX_SPATIAL - rank..].copy_from_slice(&values[rank..]);
        }
        n => {
            return Err(Error::ParameterCount {
                parameter: "pads",
                expected: 2 * rank,
                actual: n,
            });
        }
    }
    Ok(out)
}

/// `(k - 1) * d + 1` in `i128`, below 2^120 (else `Overflow`).
fn span(kernel: usize, dilation: usize) -> Result<i128, Error> {
    (kernel as i128 - 1)
        .checked_mul(dilation as i128)
        .filter(|&s| s < 1 << 120)
        .map(|s| s + 1)
        .ok_or(Error::Overflow {
            what: "the pooling window span",
        })
}

/// A checked ONNX `MaxPool`: the crate's geometry (ONNX's begin padding,
/// its output size) and the indices' storage order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OnnxMaxPool {
    pub geometry: MaxPoolGeometry,
    pub storage_order: StorageOrder,
}

impl OnnxMaxPool {
    /// Checks ONNX's attributes and converts them.
    pub fn new(shape: &[usize], layout: Layout, o: &MaxPoolOptions<'_>) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "MaxPool", 1, MAX_SPATIAL, Buffer::Input)?;
        let rank = input.rank;
        let kernel = positive(
            "kernel_shape",
            exactly("kernel_shape", o.kernel_shape, rank, None)?,
            rank,
        )?;
        let stride = positive(
            "strides",
            exactly("strides", o.strides, rank, Some(1))?,
            rank,
        )?;
        let dilation = positive(
            "dilations",
            exactly("dilations", o.dilations, rank, Some(1))?,
            rank,
        )?;
        let [begin, end] = pads(o.pads, rank)?;
        if o.auto_pad != AutoPad::NotSet && (begin.iter().chain(&end).any(|&p| p != 0)) {
            return Err(Error::Unsupported {
                reason: "pads cannot be used together with auto_pad",
            });
        }
        let mut padding = [0usize; MAX_SPATIAL];
        let mut out = [1usize; MAX_SPATIAL];
        for a in MAX_SPATIAL - rank..MAX_SPATIAL {
            let axis = shape_axis(a, rank);
            for p in [begin[a], end[a]] {
                // onnxruntime's "Pad should be smaller than kernel."
                if p >= kernel[a] {
                    return Err(Error::PaddingTooLarge {
                        axis,
                        padding: p,
                        max: kernel[a] - 1,
                    });
                }
            }
            let (i, k, s) = (
                input.spatial[a] as i128,
                span(kernel[a], dilation[a])?,
                stride[a] as i128,
            );
            let (size, pad) = match o.auto_pad {
                AutoPad::NotSet => {
                    let (pb, pe) = (begin[a] as i128, end[a] as i128);
                    let room = i + pb + pe - k;
                    let size = if o.ceil_mode {
                        let size = room.div_euclid(s) + i128::from(room.rem_euclid(s) != 0) + 1;
                        if (size - 1) * s >= i + pb {
                            size - 1
                        } else {
                            size
                        }
                    } else {
                        room.div_euclid(s) + 1
                    };
                    (size, pb)
                }
                AutoPad::Valid => ((i - k).div_euclid(s) + 1, 0),
                AutoPad::SameUpper | AutoPad::SameLower => {
                    let size = (i + s - 1) / s;
                    let total = ((size - 1) * s + k - i).max(0);
                    let pad = match o.auto_pad {
                        AutoPad::SameUpper => total / 2,
                        _ => total - total / 2,
                    };
                    (size, pad)
                }
            };
            if size < 1 {
                return Err(Error::EmptyOutput {
                    axis,
                    size: size.max(i64::MIN as i128) as i64,
                });
            }
            out[a] = usize::try_from(size).map_err(|_| Error::Overflow {
                what: "the pooling output size",
            })?;
            padding[a] = usize::try_from(pad).map_err(|_| Error::Overflow {
                what: "the pooling padding",
            })?;
        }
        // ONNX's indices address the whole input tensor in i64.
        if i64::try_from(input.numel()).is_err() {
            return Err(Error::Overflow {
                what: "the i64 index of an input element",
            });
        }
        let output = input.with_spatial(out)?;
        Ok(OnnxMaxPool {
            geometry: MaxPoolGeometry {
                input,
                output,
                params: PoolParams {
                    kernel,
                    stride,
                    padding,
                    dilation,
                },
                depth_quirk: false,
            },
            storage_order: o.storage_order,
        })
    }

    /// Turns the kernel's in-plane indices (row-major, in the output's
    /// layout) into ONNX's: `(n * C + c) * plane` plus the in-plane index
    /// in the storage order. A window that took no element (only possible
    /// far in the padding) gets -1.
    pub fn whole_indices(&self, indices: &mut [i64]) {
        let (i, o) = (self.geometry.input, self.geometry.output);
        let [d, h, w] = i.spatial;
        let (plane, out_plane, c) = (i.plane(), o.plane(), i.c);
        for (pos, index) in indices.iter_mut().enumerate() {
            let nc = match o.layout {
                Layout::ChannelsFirst => pos / out_plane,
                Layout::ChannelsLast => pos / (out_plane * c) * c + pos % c,
            };
            *index = match usize::try_from(*index).ok().filter(|&j| j < plane) {
                None => -1,
                Some(j) => {
                    let j = match self.storage_order {
                        StorageOrder::RowMajor => j,
                        StorageOrder::ColumnMajor => {
                            let (z, y, x) = (j / (h * w), j / w % h, j % w);
                            z + d * (y + h * x)
                        }
                    };
                    // Below the input's numel, which fits i64 (`new`).
                    (nc * plane + j) as i64
                }
            };
        }
    }
}

/// Output shape of ONNX `MaxPool` for an input of logical shape `shape`.
///
/// ```
/// use upsample::onnx::{max_pool_output_shape, MaxPoolOptions};
/// let o = MaxPoolOptions::new(&[3, 3]).with_strides(&[2, 2]).with_pads(&[1, 1, 0, 0]);
/// assert_eq!(max_pool_output_shape(&[1, 1, 6, 6], &o)?.as_slice(), &[1, 1, 3, 3]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`max_pool`](crate::onnx::max_pool), but for buffer lengths.
pub fn max_pool_output_shape(
    shape: &[usize],
    options: &MaxPoolOptions<'_>,
) -> Result<Shape, Error> {
    Ok(OnnxMaxPool::new(shape, Layout::ChannelsFirst, options)?
        .geometry
        .output
        .shape())
}

/// A checked ONNX `MaxUnpool`: the crate's geometry (whose output is
/// `output_shape`) and the inferred spatial size the indices address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OnnxMaxUnpool {
    pub geometry: UnpoolGeometry,
    pub inferred: [usize; MAX_SPATIAL],
}

impl OnnxMaxUnpool {
    /// Checks ONNX's attributes and `output_shape` and converts them.
    pub fn new(shape: &[usize], layout: Layout, o: &MaxUnpoolOptions<'_>) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "MaxUnpool", 1, MAX_SPATIAL, Buffer::Input)?;
        let rank = input.rank;
        let kernel = positive(
            "kernel_shape",
            exactly("kernel_shape", o.kernel_shape, rank, None)?,
            rank,
        )?;
        let stride = positive(
            "strides",
            exactly("strides", o.strides, rank, Some(1))?,
            rank,
        )?;
        let [begin, end] = pads(o.pads, rank)?;
        let requested = match o.output_shape {
            None => None,
            Some(s) if s.len() == rank => Some(exactly("output_shape", s, rank, None)?),
            Some(s) if s.len() == rank + 2 => {
                if s[0] != input.n || s[1] != input.c {
                    return Err(Error::Unsupported {
                        reason: "output_shape must keep the input's N and C",
                    });
                }
                Some(exactly("output_shape", &s[2..], rank, None)?)
            }
            Some(s) => {
                return Err(Error::ParameterCount {
                    parameter: "output_shape",
                    expected: rank + 2,
                    actual: s.len(),
                });
            }
        };
        let mut inferred = [1usize; MAX_SPATIAL];
        let mut out = [1usize; MAX_SPATIAL];
        for a in MAX_SPATIAL - rank..MAX_SPATIAL {
            let axis = shape_axis(a, rank);
            let size = (input.spatial[a] as i128 - 1)
                .checked_mul(stride[a] as i128)
                .filter(|&reach| reach < 1 << 120)
                .ok_or(Error::Overflow {
                    what: "the unpooling output size",
                })?
                - begin[a] as i128
                - end[a] as i128
                + kernel[a] as i128;
            if size < 1 {
                return Err(Error::EmptyOutput {
                    axis,
                    size: size.max(i64::MIN as i128) as i64,
                });
            }
            inferred[a] = usize::try_from(size).map_err(|_| Error::Overflow {
                what: "the unpooling output size",
            })?;
            out[a] = match requested {
                None => inferred[a],
                Some(r) if r[a] >= inferred[a] => r[a],
                Some(r) => {
                    return Err(Error::OutputSize {
                        axis,
                        requested: r[a],
                        min: inferred[a],
                        max: usize::MAX,
                    });
                }
            };
        }
        let output = input.with_spatial(out)?;
        let whole = input.with_spatial(inferred)?;
        if i64::try_from(output.numel()).is_err() || i64::try_from(whole.numel()).is_err() {
            return Err(Error::Overflow {
                what: "the i64 index of an output element",
            });
        }
        Ok(OnnxMaxUnpool {
            geometry: UnpoolGeometry {
                input,
                output,
                kernel,
                stride,
                padding: begin,
            },
            inferred,
        })
    }

    /// The kernels' per-plane indices (in the output plane) of ONNX's
    /// whole-tensor ones, into `scratch`: each must lie in its own `(n, c)`
    /// plane of the inferred tensor (else `IndexOutOfRange`, naming the
    /// whole-tensor index and the inferred plane's size).
    pub fn plane_indices(&self, indices: &[i64], scratch: &mut [i64]) -> Result<(), Error> {
        let (i, o) = (self.geometry.input, self.geometry.output);
        i.check_len(Buffer::Indices, indices.len())?;
        i.check_len(Buffer::Scratch, scratch.len())?;
        let [_, h, w] = self.inferred;
        let plane: usize = self.inferred.iter().product();
        let (in_plane, c) = (i.plane(), i.c);
        let [_, oh, ow] = o.spatial;
        let same = self.inferred == o.spatial;
        for (pos, (&index, slot)) in indices.iter().zip(scratch.iter_mut()).enumerate() {
            let nc = match i.layout {
                Layout::ChannelsFirst => pos / in_plane,
                Layout::ChannelsLast => pos / (in_plane * c) * c + pos % c,
            };
            // The planes fit i64 (`new`); a negative index fails here.
            let j = index.wrapping_sub((nc * plane) as i64);
            let j = usize::try_from(j)
                .ok()
                .filter(|&j| j < plane && index >= 0)
                .ok_or(Error::IndexOutOfRange {
                    position: pos,
                    index,
                    plane_size: plane,
                })?;
            let j = if same {
                j
            } else {
                let (z, y, x) = (j / (h * w), j / w % h, j % w);
                (z * oh + y) * ow + x
            };
            *slot = j as i64;
        }
        Ok(())
    }
}

/// Output shape of ONNX `MaxUnpool` for pooled input of logical shape
/// `shape`: `output_shape` when given, else the inferred shape.
///
/// ```
/// use upsample::onnx::{max_unpool_output_shape, MaxUnpoolOptions};
/// let o = MaxUnpoolOptions::new(&[3]).with_strides(&[2]).with_pads(&[1, 0]);
/// assert_eq!(max_unpool_output_shape(&[2, 3, 4], &o)?.as_slice(), &[2, 3, 8]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`max_unpool`](crate::onnx::max_unpool), but for buffer lengths and indices.
pub fn max_unpool_output_shape(
    shape: &[usize],
    options: &MaxUnpoolOptions<'_>,
) -> Result<Shape, Error> {
    Ok(OnnxMaxUnpool::new(shape, Layout::ChannelsFirst, options)?
        .geometry
        .output
        .shape())
}

/// Defines an ONNX `MaxPool` entry point (public op and reference twin):
/// checks the call, runs `$run(&geometry, input, output, indices)` (the
/// crate's max pool), then makes the indices ONNX's.
macro_rules! onnx_max_pool_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            input: &[f32],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::geometry::onnx::MaxPoolOptions<'_>,
            output: &mut [f32],
            indices: &mut [i64],
        ) -> Result<(), $crate::Error> {
            let p = $crate::geometry::onnx::OnnxMaxPool::new(shape, layout, options)?;
            p.geometry.check_buffers(input, output, indices)?;
            $run(&p.geometry, input, output, indices);
            p.whole_indices(indices);
            Ok(())
        }
    };
}
pub(crate) use onnx_max_pool_entry_point;

/// Defines an ONNX `MaxUnpool` entry point (public op and reference twin):
/// checks the call and converts every index into `scratch` before
/// anything is written, then returns `$run(&geometry, input, scratch,
/// output)` (the crate's max unpool).
macro_rules! onnx_max_unpool_entry_point {
    ($(#[$attr:meta])* $vis:vis fn $name:ident = $run:expr) => {
        $(#[$attr])*
        $vis fn $name(
            input: &[f32],
            indices: &[i64],
            shape: &[usize],
            layout: $crate::Layout,
            options: &$crate::geometry::onnx::MaxUnpoolOptions<'_>,
            scratch: &mut [i64],
            output: &mut [f32],
        ) -> Result<(), $crate::Error> {
            let u = $crate::geometry::onnx::OnnxMaxUnpool::new(shape, layout, options)?;
            let g = &u.geometry;
            g.input.check_input_output(&g.output, input, output)?;
            u.plane_indices(indices, scratch)?;
            $run(g, input, &*scratch, output)
        }
    };
}
pub(crate) use onnx_max_unpool_entry_point;
