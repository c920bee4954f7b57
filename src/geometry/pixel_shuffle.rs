//! `F.pixel_shuffle` / `F.pixel_unshuffle`'s checks and output shapes.

use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, Shape};
/// A checked pixel (un)shuffle: input and output geometry, the factor and
/// which way it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShuffleGeometry {
    pub input: Dims,
    pub output: Dims,
    pub factor: usize,
    pub direction: Direction,
}

/// Which way a [`ShuffleGeometry`] moves values between the large tensor
/// `(N, C, H*r, W*r)` and the small one `(N, C*r*r, H, W)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// `pixel_shuffle`: from the small tensor (the input) to the large one.
    Shuffle,
    /// `pixel_unshuffle`: from the large tensor (the input) to the small one.
    Unshuffle,
}

impl ShuffleGeometry {
    /// PyTorch's `pixel_shuffle` checks: a 4-d shape, factor > 0, channels
    /// divisible by `factor²`.
    pub fn shuffle(shape: &[usize], layout: Layout, upscale_factor: usize) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "pixel_shuffle", 2, 2, Buffer::Input)?;
        let factor = check_factor("upscale_factor", upscale_factor)?;
        let f2 = factor.checked_mul(factor).ok_or(Error::Overflow {
            what: "upscale_factor squared",
        })?;
        if input.c % f2 != 0 {
            return Err(Error::NotDivisible {
                what: "pixel_shuffle input channels by upscale_factor squared",
                value: input.c,
                divisor: f2,
            });
        }
        let [d, h, w] = input.spatial;
        let overflow = Error::Overflow {
            what: "the pixel_shuffle output size",
        };
        let spatial = [
            d,
            h.checked_mul(factor).ok_or(overflow)?,
            w.checked_mul(factor).ok_or(overflow)?,
        ];
        let output = input.with_channels(input.c / f2)?.with_spatial(spatial)?;
        Ok(ShuffleGeometry {
            input,
            output,
            factor,
            direction: Direction::Shuffle,
        })
    }

    /// PyTorch's `pixel_unshuffle` checks: a 4-d shape, factor > 0, height
    /// and width divisible by the factor.
    pub fn unshuffle(
        shape: &[usize],
        layout: Layout,
        downscale_factor: usize,
    ) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, "pixel_unshuffle", 2, 2, Buffer::Input)?;
        let factor = check_factor("downscale_factor", downscale_factor)?;
        let [d, h, w] = input.spatial;
        if h % factor != 0 {
            return Err(Error::NotDivisible {
                what: "pixel_unshuffle height by downscale_factor",
                value: h,
                divisor: factor,
            });
        }
        if w % factor != 0 {
            return Err(Error::NotDivisible {
                what: "pixel_unshuffle width by downscale_factor",
                value: w,
                divisor: factor,
            });
        }
        let c = input
            .c
            .checked_mul(factor)
            .and_then(|c| c.checked_mul(factor))
            .ok_or(Error::Overflow {
                what: "the pixel_unshuffle output channels",
            })?;
        let output = input
            .with_spatial([d, h / factor, w / factor])?
            .with_channels(c)?;
        Ok(ShuffleGeometry {
            input,
            output,
            factor,
            direction: Direction::Unshuffle,
        })
    }
}

fn check_factor(parameter: &'static str, factor: usize) -> Result<usize, Error> {
    if factor == 0 {
        return Err(Error::InvalidParameter {
            parameter,
            axis: None,
            value: 0,
            reason: "must be greater than zero",
        });
    }
    Ok(factor)
}

/// Output shape of `F.pixel_shuffle(x, upscale_factor)` for `x` of logical
/// shape `(N, C*r*r, H, W)`: `(N, C, H*r, W*r)`.
///
/// ```
/// assert_eq!(upsample::pixel_shuffle_output_shape(&[1, 8, 3, 5], 2).unwrap().as_slice(), &[1, 2, 6, 10]);
/// ```
///
/// # Errors
/// As [`pixel_shuffle`](crate::pixel_shuffle), but for buffer lengths.
pub fn pixel_shuffle_output_shape(shape: &[usize], upscale_factor: usize) -> Result<Shape, Error> {
    Ok(
        ShuffleGeometry::shuffle(shape, Layout::ChannelsFirst, upscale_factor)?
            .output
            .shape(),
    )
}

/// Output shape of `F.pixel_unshuffle(x, downscale_factor)` for `x` of
/// logical shape `(N, C, H*r, W*r)`: `(N, C*r*r, H, W)`.
///
/// ```
/// assert_eq!(upsample::pixel_unshuffle_output_shape(&[1, 2, 6, 10], 2).unwrap().as_slice(), &[1, 8, 3, 5]);
/// ```
///
/// # Errors
/// As [`pixel_unshuffle`](crate::pixel_unshuffle), but for buffer lengths.
pub fn pixel_unshuffle_output_shape(
    shape: &[usize],
    downscale_factor: usize,
) -> Result<Shape, Error> {
    Ok(
        ShuffleGeometry::unshuffle(shape, Layout::ChannelsFirst, downscale_factor)?
            .output
            .shape(),
    )
}
