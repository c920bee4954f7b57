//! ONNX's `MaxPool`, `MaxUnpool` and `ConvTranspose` with their ONNX
//! attributes, as thin entry points over the crate's own kernels
//! ([`crate::max_pool`], [`crate::max_unpool`], [`crate::conv_transpose`]):
//! the attributes are checked and converted to the
//! crate's geometry (a begin padding and an explicit output size), and the
//! indices between ONNX's whole-tensor numbering and the kernels' per-plane
//! one. ONNX's `Resize`, `DepthToSpace` and `SpaceToDepth` are
//! [`crate::resize`], [`crate::depth_to_space`] and
//! [`crate::space_to_depth`]. `docs/onnx.md` has the mapping and the
//! deliberate differences.

use crate::error::Error;
pub use crate::geometry::onnx::{
    AutoPad, MaxPoolOptions, MaxUnpoolOptions, StorageOrder, max_pool_output_shape,
    max_unpool_output_shape,
};
use crate::geometry::onnx::{onnx_max_pool_entry_point, onnx_max_unpool_entry_point};
pub use crate::geometry::onnx_conv::{ConvTransposeOptions, conv_transpose_output_shape};
use crate::geometry::onnx_conv::{onnx_conv_transpose, onnx_conv_transpose_entry_point};
use crate::layout::Layout;

onnx_max_pool_entry_point! {
/// ONNX `MaxPool` with both outputs, `Y` and `Indices`.
///
/// `input` has logical shape `shape` = `(N, C, spatial...)` (1 to 3
/// spatial axes) in `layout`; `output` and `indices` get the pooled shape
/// ([`max_pool_output_shape`]) in the same layout. Each index is ONNX's:
/// flat over the whole logical `(N, C, spatial...)` input tensor,
/// `(n * C + c) * plane + in-plane index`, the in-plane index row-major or
/// column-major as `storage_order` says, whatever the buffer layout.
/// Padding is skipped (never the maximum). Ties go to the first element in
/// window order; a NaN in the window always wins (the crate's PyTorch rule;
/// onnxruntime and ONNX's reference take a NaN only as the window's first
/// element). Exact.
///
/// ```
/// use upsample::onnx::{max_pool, MaxPoolOptions};
/// use upsample::Layout;
/// // (1, 2, 3): two channels, kernel 2, stride 1, pads [0, 1]
/// let input = [1.0, 5.0, 2.0, 7.0, 3.0, 4.0];
/// let opts = MaxPoolOptions::new(&[2]).with_pads(&[0, 1]);
/// let (mut y, mut indices) = ([0.0; 6], [0i64; 6]);
/// max_pool(&input, &[1, 2, 3], Layout::ChannelsFirst, &opts, &mut y, &mut indices)?;
/// assert_eq!(y, [5.0, 5.0, 2.0, 7.0, 4.0, 4.0]);
/// assert_eq!(indices, [1, 1, 2, 3, 5, 5]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rank`], [`Error::ZeroDimension`],
/// [`Error::ParameterCount`] (a list of another length than the
/// spatial axes, `pads` twice that), [`Error::InvalidParameter`]
/// (a zero kernel, stride or dilation), [`Error::Unsupported`] (`pads`
/// with `auto_pad`), [`Error::PaddingTooLarge`] (a pad not smaller
/// than the kernel, as onnxruntime), [`Error::EmptyOutput`],
/// [`Error::Overflow`], [`Error::BufferLength`].
/// Nothing is written on `Err`.
pub fn max_pool = crate::pool::pool
}

onnx_max_unpool_entry_point! {
/// ONNX `MaxUnpool`: each input value written where its index says, zeros
/// elsewhere; later writes win.
///
/// `input` and `indices` have logical shape `shape` in `layout`; `output`
/// gets [`max_unpool_output_shape`] in the same layout. Each index is
/// ONNX's: flat over the whole logical `(N, C, spatial...)` tensor of the
/// inferred shape (`(in - 1) * stride - pad_begin - pad_end + kernel` per
/// axis), and must lie in the value's own `(n, c)` plane. A larger
/// `output_shape` keeps each value at the same coordinates, as ONNX's
/// reference and node tests do (the extra rows and columns are 0).
/// `scratch` (as long as `input`) holds the converted indices. Exact.
///
/// ```
/// use upsample::onnx::{max_unpool, MaxUnpoolOptions};
/// use upsample::Layout;
/// // (1, 2, 2) pooled with kernel 2, stride 2 from (1, 2, 4)
/// let (input, indices) = ([5.0, 6.0, 7.0, 8.0], [1, 2, 4, 7]);
/// let opts = MaxUnpoolOptions::new(&[2]).with_strides(&[2]);
/// let (mut scratch, mut y) = ([0i64; 4], [9.0; 8]);
/// max_unpool(&input, &indices, &[1, 2, 2], Layout::ChannelsFirst, &opts, &mut scratch, &mut y)?;
/// assert_eq!(y, [0.0, 5.0, 6.0, 0.0, 7.0, 0.0, 0.0, 8.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`max_pool`]'s for the attributes (no `PaddingTooLarge`),
/// [`Error::OutputSize`] for an `output_shape` smaller than the inferred
/// one, [`Error::Unsupported`] for one with another N or C,
/// [`Error::BufferLength`] (with [`Buffer::Scratch`](crate::Buffer::Scratch)), and
/// [`Error::IndexOutOfRange`] for an index outside its own plane
/// (its `position` in `indices`, the whole-tensor `index`, the inferred
/// plane's size). Every index is checked before anything is written;
/// nothing is written on `Err`.
pub fn max_unpool = crate::unpool::unpool_max
}

onnx_conv_transpose_entry_point! {
/// ONNX `ConvTranspose`: `Y` from `X`, `W` (`(C_in, C_out / group, k...)`,
/// ONNX's and PyTorch's layout whatever the buffer layout) and the optional
/// bias `B`.
///
/// `input` has logical shape `shape` in `layout`; `output` gets
/// [`conv_transpose_output_shape`] in the same layout. ONNX's pads (or
/// those `auto_pad` or `output_shape` imply) become the kernel's begin
/// padding and an explicit output size; `output_padding` only lengthens
/// the output. `scratch` as [`conv_transpose_scratch_len`] says. Within
/// the crate's `conv_transpose` tolerance (the same kernel).
///
/// ```
/// use upsample::onnx::{conv_transpose, conv_transpose_scratch_len, ConvTransposeOptions};
/// use upsample::Layout;
/// let o = ConvTransposeOptions::new().with_strides(&[2]).with_pads(&[1, 0]);
/// let mut scratch = vec![0.0; conv_transpose_scratch_len(&[1, 1, 2], Layout::ChannelsFirst, &[1, 1, 2], &o)?];
/// let mut y = [0.0; 3];
/// conv_transpose(&[1.0, 2.0], &[1, 1, 2], Layout::ChannelsFirst, &[1.0, 10.0], &[1, 1, 2], None, &o, &mut y, &mut scratch)?;
/// assert_eq!(y, [10.0, 2.0, 20.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::conv_transpose`]'s for the weight, groups and buffers
/// (no `OutputPaddingTooLarge`: ONNX's output_padding is any size);
/// [`Error::ParameterCount`],
/// [`Error::Unsupported`] (`pads` with `auto_pad` or `output_shape`, a
/// `kernel_shape` other than the weight's, an `output_shape` so large the
/// begin pad would be negative), [`Error::EmptyOutput`]. Nothing is
/// written on `Err`.
pub fn conv_transpose = crate::conv_transpose::transpose
}

/// The scratch length (in `f32`s) [`conv_transpose`] needs, as
/// [`crate::conv_transpose_scratch_len`] for the converted problem.
///
/// ```
/// use upsample::onnx::{conv_transpose_scratch_len, ConvTransposeOptions};
/// use upsample::Layout;
/// let n = conv_transpose_scratch_len(&[1, 8, 4, 4], Layout::ChannelsLast, &[8, 8, 3, 3], &ConvTransposeOptions::new())?;
/// assert!(n < 1 << 20);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`conv_transpose_output_shape`].
pub fn conv_transpose_scratch_len(
    shape: &[usize],
    layout: Layout,
    weight_shape: &[usize],
    options: &ConvTransposeOptions<'_>,
) -> Result<usize, Error> {
    crate::conv_transpose::scratch_len(&onnx_conv_transpose(shape, layout, weight_shape, options)?)
}
