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

/// `$run::<L, T, R, V>(args)` for the channels-last register kernels'
/// shapes: `T` taps along W (2 or 4), `R` source rows (1, 2 or 4; 4 with
/// 4 taps), `V` vectors of channels per pass ([`pixel_group`] of `$c`,
/// groups of `$two` vectors with 2 taps); `false` for any other shape.
macro_rules! by_pixel_shape {
    ($run:ident, $lane:ty, $t:expr, $r:expr, $c:expr, $two:expr, ($($arg:expr),*)) => {
        match ($t, $r, super::pixel_group($t, $c, <$lane>::LANES, $two).unwrap_or(0)) {
            (2, 1, 1) => $run::<$lane, 2, 1, 1>($($arg),*),
            (2, 2, 1) => $run::<$lane, 2, 2, 1>($($arg),*),
            (2, 4, 1) => $run::<$lane, 2, 4, 1>($($arg),*),
            (4, 4, 1) => $run::<$lane, 4, 4, 1>($($arg),*),
            (2, 1, 2) => $run::<$lane, 2, 1, 2>($($arg),*),
            (2, 2, 2) => $run::<$lane, 2, 2, 2>($($arg),*),
            (2, 4, 2) => $run::<$lane, 2, 4, 2>($($arg),*),
            (4, 4, 2) => $run::<$lane, 4, 4, 2>($($arg),*),
            (2, 1, 4) => $run::<$lane, 2, 1, 4>($($arg),*),
            (2, 2, 4) => $run::<$lane, 2, 2, 4>($($arg),*),
            (2, 4, 4) => $run::<$lane, 2, 4, 4>($($arg),*),
            (4, 4, 4) => $run::<$lane, 4, 4, 4>($($arg),*),
            (2, 1, 8) => $run::<$lane, 2, 1, 8>($($arg),*),
            (2, 2, 8) => $run::<$lane, 2, 2, 8>($($arg),*),
            (2, 4, 8) => $run::<$lane, 2, 4, 8>($($arg),*),
            (4, 4, 8) => $run::<$lane, 4, 4, 8>($($arg),*),
            _ => false,
        }
    };
}

/// Vectors of channels the channels-last register kernels take per pass
/// of a pixel of `c` channels with `taps` taps along W: all of them when
/// they are 1, 2, 4 or 8 vectors; for more (64 channels in 4 lanes),
/// groups of `two` vectors with 2 taps and 8 with 4, the faster in SSE2
/// runs of the 64-channel cases: for the doubled kernel 4 with 2 taps
/// (bilinear x2 1.48 ms with 4 against 1.63 with 8) and 8 with 4 (bicubic
/// 2.16 against 2.48-2.53); for the rolling kernel 8 (see `rolling.rs`),
/// or 4 where the vectors are not whole groups of 8. `None` when `c` is
/// not whole vectors or not whole groups.
pub(super) const fn pixel_group(taps: usize, c: usize, lanes: usize, two: usize) -> Option<usize> {
    let v = c / lanes;
    if !c.is_multiple_of(lanes) || v == 0 {
        return None;
    }
    if matches!(v, 1 | 2 | 4 | 8) {
        return Some(v);
    }
    // With 2 taps, groups of 4 where `v` is not whole groups of `two`
    // (48 channels in 4 lanes), rather than no register kernel at all.
    let g = if taps > 2 {
        8
    } else if v.is_multiple_of(two) {
        two
    } else {
        4
    };
    if v.is_multiple_of(g) { Some(g) } else { None }
}

mod antialias;
mod area;
mod cubic;
mod doubled;
mod linear;
mod nearest;
mod quads;
mod rolling;
mod separable;
mod taps;

use crate::error::Error;
use crate::geometry::interpolate::{InterpolateGeometry, InterpolateOptions};
use crate::layout::Layout;
use crate::simd::{Native, Permute};
/// `torch.nn.functional.interpolate(input, **options)`.
///
/// `input` holds a tensor of logical shape `shape` = `(N, C, spatial...)`
/// (1 to 3 spatial dimensions, as the mode allows) in `layout`; `output`
/// receives the result, of shape [`interpolate_output_shape`], in the same
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
/// [`Error::Rank`] for a shape the mode does not take; [`Error::ZeroDimension`];
/// [`Error::Unsupported`] for option combinations PyTorch rejects;
/// [`Error::ParameterCount`], [`Error::InvalidScaleFactor`],
/// [`Error::EmptyOutput`], [`Error::Overflow`] for bad sizes;
/// [`Error::BufferLength`] when a slice does not match its shape.
pub fn interpolate(
    input: &[f32],
    shape: &[usize],
    layout: Layout,
    options: &InterpolateOptions<'_>,
    output: &mut [f32],
) -> Result<(), Error> {
    let g = InterpolateGeometry::new(shape, layout, options)?;
    g.check_buffers(input, output)?;
    if let Some(axes) = taps::axes(&g)
        && (nearest::doubled_columns::<Native>(input, &g.input, &g.output, &axes, output)
            || doubled::doubled_columns::<Native>(input, &g.input, &g.output, &axes, output)
            || rolling::channels_last::<Native>(input, &g.input, &g.output, &axes, output)
            || (!<Native as Permute>::PERMUTE
                && quads::channels_first(input, &g.input, &g.output, &axes, output))
            || separable::resample::<Native>(input, &g.input, &g.output, &axes, output))
    {
        return Ok(());
    }
    // Windows too wide for the stack tables: the scalar twin.
    crate::reference::interpolate::resample(input, &g, output);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pixel_group;

    #[test]
    fn pixel_groups() {
        // Whole pixels of 1, 2, 4 or 8 vectors, whatever the taps.
        assert_eq!(pixel_group(2, 32, 4, 8), Some(8));
        assert_eq!(pixel_group(4, 8, 4, 8), Some(2));
        // 64 channels in 4 lanes: the caller's group with 2 taps, 8 with 4.
        assert_eq!(pixel_group(2, 64, 4, 8), Some(8));
        assert_eq!(pixel_group(2, 64, 4, 4), Some(4));
        assert_eq!(pixel_group(4, 64, 4, 4), Some(8));
        // 48 channels (12 vectors): groups of 4 with 2 taps, none with 4.
        assert_eq!(pixel_group(2, 48, 4, 8), Some(4));
        assert_eq!(pixel_group(4, 48, 4, 8), None);
        // Not whole vectors, or not whole groups.
        assert_eq!(pixel_group(2, 6, 4, 8), None);
        assert_eq!(pixel_group(2, 40, 4, 8), None);
    }
}
