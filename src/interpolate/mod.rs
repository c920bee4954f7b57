//! `torch.nn.functional.interpolate`: nearest, nearest-exact, linear,
//! bilinear, bicubic, trilinear, area and lanczos resampling.
//!
//! How PyTorch turns `size` / `scale_factor` into an output size and into the
//! scale each kernel uses (followed here exactly):
//!
//! ```text
//! if size given:           out[i] = size[i];                 kernel scale[i] = None
//! elif recompute or area:  out[i] = trunc(in[i] * sf[i]);    kernel scale[i] = None
//! else:                    out[i] = trunc(in[i] * sf[i]);    kernel scale[i] = sf[i]
//! kernel: src_per_dst = align_corners ? (in-1)/(out-1) : (scale ? 1/scale : in/out)
//! ```

#[cfg(feature = "specialised-kernels")]
#[macro_use]
mod rows;
pub(crate) mod backward;
mod blocks;
mod exact;
mod kernels;
mod plan;
mod resize;
mod split;
#[cfg(test)]
mod tests;
mod windows;
mod with_scratch;

use crate::geometry::interpolate::{InterpolateGeometry, interpolate_entry_point};
use crate::simd::{Native, Permute};
use plan::{Kernel, Target};
use windows::{Call, Part};

pub use backward::{
    interpolate_backward, interpolate_backward_scratch_len, interpolate_backward_with_scratch,
};
pub use resize::resize;
pub(crate) use resize::resize_units;
pub(crate) use split::resample_units;
pub use with_scratch::{
    interpolate_scratch_len, interpolate_with_scratch, resize_scratch_len, resize_with_scratch,
};

interpolate_entry_point! {
/// `torch.nn.functional.interpolate(input, **options)`.
///
/// `input` holds a tensor of logical shape `shape` = `(N, C, spatial...)`
/// (1 to 3 spatial dimensions, as the mode allows) in `layout`; `output`
/// receives the result, of shape [`interpolate_output_shape`](crate::interpolate_output_shape), in the same
/// layout.
///
/// ```
/// use upsample::{interpolate, InterpolateMode, InterpolateOptions, Layout};
/// let input = [1.0, 2.0, 3.0, 4.0]; // (1, 1, 2, 2)
/// let mut output = [0.0; 16]; // (1, 1, 4, 4)
/// let opts = InterpolateOptions::scale_factor(InterpolateMode::Nearest, &[2.0]);
/// interpolate(&input, &[1, 1, 2, 2], Layout::ChannelsFirst, &opts, &mut output).unwrap();
/// assert_eq!(output[..4], [1.0, 1.0, 2.0, 2.0]);
/// ```
///
/// # Errors
/// [`Error::Rank`](crate::Error::Rank) for a shape the mode does not take; [`Error::ZeroDimension`](crate::Error::ZeroDimension);
/// [`Error::Unsupported`](crate::Error::Unsupported) for option combinations PyTorch rejects;
/// [`Error::ParameterCount`](crate::Error::ParameterCount), [`Error::InvalidScaleFactor`](crate::Error::InvalidScaleFactor),
/// [`Error::EmptyOutput`](crate::Error::EmptyOutput), [`Error::Overflow`](crate::Error::Overflow) for bad sizes;
/// [`Error::BufferLength`](crate::Error::BufferLength) when a slice does not match its shape.
pub fn interpolate = resample::<Native>
}

/// Resamples `input` into `output` on a checked geometry and buffers with
/// lanes `L`: the per-axis windows found, the kernel chosen, and run.
fn resample<L: Permute>(g: &InterpolateGeometry, input: &[f32], output: &mut [f32]) {
    let axes = windows::axis_windows(g);
    let g = Call::Interpolate(g);
    let kernel = Kernel::choose(g, axes.as_ref(), Target::of::<L>());
    kernel.run::<L>(input, Part::whole(g, input), axes.as_ref(), output);
}
