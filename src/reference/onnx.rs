//! Reference twins of [`crate::onnx`]'s ops: the same checks and index
//! conversions (in `geometry::onnx`) around the reference kernels.

use crate::geometry::onnx::{onnx_max_pool_entry_point, onnx_max_unpool_entry_point};
use crate::geometry::onnx_conv::onnx_conv_transpose_entry_point;

onnx_max_pool_entry_point! {
/// Reference twin of [`crate::onnx::max_pool`], over [`crate::reference::max_pool`]'s loop.
///
/// ```
/// use upsample::{reference, Layout};
/// use upsample::onnx::{MaxPoolOptions, StorageOrder};
/// let opts = MaxPoolOptions::new(&[2, 2]).with_storage_order(StorageOrder::ColumnMajor);
/// let (mut y, mut i) = ([0.0], [0i64]);
/// reference::onnx_max_pool(&[1.0, 2.0, 4.0, 3.0], &[1, 1, 2, 2], Layout::ChannelsFirst, &opts, &mut y, &mut i)?;
/// assert_eq!((y, i), ([4.0], [1]));
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::onnx::max_pool`].
pub fn onnx_max_pool = crate::reference::pool::max_pool_checked
}

onnx_max_unpool_entry_point! {
/// Reference twin of [`crate::onnx::max_unpool`], over [`crate::reference::max_unpool`]'s loop.
///
/// ```
/// use upsample::{reference, Layout};
/// use upsample::onnx::MaxUnpoolOptions;
/// let opts = MaxUnpoolOptions::new(&[2]).with_strides(&[2]).with_output_shape(&[1, 1, 5]);
/// let (mut scratch, mut y) = ([0i64; 2], [9.0; 5]);
/// reference::onnx_max_unpool(&[7.0, 8.0], &[1, 2], &[1, 1, 2], Layout::ChannelsFirst, &opts, &mut scratch, &mut y)?;
/// assert_eq!(y, [0.0, 7.0, 8.0, 0.0, 0.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::onnx::max_unpool`].
pub fn onnx_max_unpool = crate::reference::unpool::scatter
}

onnx_conv_transpose_entry_point! {
/// Reference twin of [`crate::onnx::conv_transpose`], over
/// [`crate::reference::conv_transpose`]'s loop (it needs no scratch).
///
/// ```
/// use upsample::{reference, Layout};
/// use upsample::onnx::ConvTransposeOptions;
/// let o = ConvTransposeOptions::new().with_strides(&[2]).with_output_shape(&[5]);
/// let mut y = [0.0; 5];
/// reference::onnx_conv_transpose(&[1.0, 2.0], &[1, 1, 2], Layout::ChannelsFirst, &[1.0, 10.0], &[1, 1, 2], None, &o, &mut y, &mut [])?;
/// assert_eq!(y, [1.0, 10.0, 2.0, 20.0, 0.0]);
/// # Ok::<(), upsample::Error>(())
/// ```
///
/// # Errors
/// As [`crate::onnx::conv_transpose`].
pub fn onnx_conv_transpose = |operands, output: &mut [f32], _scratch: &mut [f32]| {
    crate::reference::conv_transpose::transpose(operands, output);
    Ok(())
}
}
