//! `F.pixel_shuffle` / `F.pixel_unshuffle`'s checks and output shapes.

use crate::error::{Buffer, Error};
use crate::layout::{Dims, Layout, Shape};
/// Where the `r*r` values of one block of the large tensor sit among the
/// small tensor's channels: ONNX's `mode` attribute of `DepthToSpace` and
/// `SpaceToDepth`. With `C` large-tensor channels and block position
/// `(i, j)`, `0 <= i, j < r`, small-tensor channel:
///
/// | mode | channel of large `(c, i, j)` | also |
/// |---|---|---|
/// | [`Dcr`](BlockMode::Dcr) | `(i*r + j)*C + c` (depth, column, row) | ONNX's default; TensorFlow's `depth_to_space` |
/// | [`Crd`](BlockMode::Crd) | `c*r*r + i*r + j` (column, row, depth) | PyTorch's `pixel_shuffle` / `pixel_unshuffle` |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockMode {
    /// Depth-column-row: each block position's `C` channels together.
    Dcr,
    /// Column-row-depth: each channel's `r*r` block positions together.
    Crd,
}

/// A checked pixel (un)shuffle: input and output geometry, the factor,
/// which way it goes and the small tensor's channel order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ShuffleGeometry {
    pub input: Dims,
    pub output: Dims,
    pub factor: usize,
    pub direction: Direction,
    pub mode: BlockMode,
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

/// The names the errors of an op from the small tensor to the large one
/// use: PyTorch's or ONNX's.
struct ToLargeNames {
    op: &'static str,
    factor: &'static str,
    /// The channels not divisible by the factor squared.
    channels: &'static str,
    /// The factor squared overflowing.
    squared: &'static str,
    /// The output size overflowing.
    output: &'static str,
}

/// The names the errors of an op from the large tensor to the small one
/// use.
struct ToSmallNames {
    op: &'static str,
    factor: &'static str,
    /// The height and width not divisible by the factor.
    height: &'static str,
    width: &'static str,
    /// The output channels overflowing.
    output: &'static str,
}

const PIXEL_SHUFFLE: ToLargeNames = ToLargeNames {
    op: "pixel_shuffle",
    factor: "upscale_factor",
    channels: "pixel_shuffle input channels by upscale_factor squared",
    squared: "upscale_factor squared",
    output: "the pixel_shuffle output size",
};

const DEPTH_TO_SPACE: ToLargeNames = ToLargeNames {
    op: "depth_to_space",
    factor: "blocksize",
    channels: "depth_to_space input channels by blocksize squared",
    squared: "blocksize squared",
    output: "the depth_to_space output size",
};

const PIXEL_UNSHUFFLE: ToSmallNames = ToSmallNames {
    op: "pixel_unshuffle",
    factor: "downscale_factor",
    height: "pixel_unshuffle height by downscale_factor",
    width: "pixel_unshuffle width by downscale_factor",
    output: "the pixel_unshuffle output channels",
};

const SPACE_TO_DEPTH: ToSmallNames = ToSmallNames {
    op: "space_to_depth",
    factor: "blocksize",
    height: "space_to_depth height by blocksize",
    width: "space_to_depth width by blocksize",
    output: "the space_to_depth output channels",
};

impl ShuffleGeometry {
    /// The same move the other way: the geometry of this op's backward,
    /// from the gradient of its output to the gradient of its input (a
    /// permutation's transpose is its inverse).
    pub fn inverse(&self) -> Self {
        ShuffleGeometry {
            input: self.output,
            output: self.input,
            direction: match self.direction {
                Direction::Shuffle => Direction::Unshuffle,
                Direction::Unshuffle => Direction::Shuffle,
            },
            ..*self
        }
    }

    /// PyTorch's `pixel_shuffle` checks: a 4-d shape, factor > 0, channels
    /// divisible by `factor²`.
    pub fn shuffle(shape: &[usize], layout: Layout, upscale_factor: usize) -> Result<Self, Error> {
        Self::to_large(
            shape,
            layout,
            upscale_factor,
            BlockMode::Crd,
            &PIXEL_SHUFFLE,
        )
    }

    /// PyTorch's `pixel_unshuffle` checks: a 4-d shape, factor > 0, height
    /// and width divisible by the factor.
    pub fn unshuffle(
        shape: &[usize],
        layout: Layout,
        downscale_factor: usize,
    ) -> Result<Self, Error> {
        Self::to_small(
            shape,
            layout,
            downscale_factor,
            BlockMode::Crd,
            &PIXEL_UNSHUFFLE,
        )
    }

    /// ONNX's `DepthToSpace` checks, as [`shuffle`](Self::shuffle)'s.
    pub fn depth_to_space(
        shape: &[usize],
        layout: Layout,
        blocksize: usize,
        mode: BlockMode,
    ) -> Result<Self, Error> {
        Self::to_large(shape, layout, blocksize, mode, &DEPTH_TO_SPACE)
    }

    /// ONNX's `SpaceToDepth` checks, as [`unshuffle`](Self::unshuffle)'s.
    pub fn space_to_depth(
        shape: &[usize],
        layout: Layout,
        blocksize: usize,
        mode: BlockMode,
    ) -> Result<Self, Error> {
        Self::to_small(shape, layout, blocksize, mode, &SPACE_TO_DEPTH)
    }

    /// From the small tensor to the large one.
    fn to_large(
        shape: &[usize],
        layout: Layout,
        factor: usize,
        mode: BlockMode,
        names: &ToLargeNames,
    ) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, names.op, 2, 2, Buffer::Input)?;
        let factor = check_factor(names.factor, factor)?;
        let f2 = factor.checked_mul(factor).ok_or(Error::Overflow {
            what: names.squared,
        })?;
        if input.c % f2 != 0 {
            return Err(Error::NotDivisible {
                what: names.channels,
                value: input.c,
                divisor: f2,
            });
        }
        let [d, h, w] = input.spatial;
        let overflow = Error::Overflow { what: names.output };
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
            mode,
        })
    }

    /// From the large tensor to the small one.
    fn to_small(
        shape: &[usize],
        layout: Layout,
        factor: usize,
        mode: BlockMode,
        names: &ToSmallNames,
    ) -> Result<Self, Error> {
        let input = Dims::new(shape, layout, names.op, 2, 2, Buffer::Input)?;
        let factor = check_factor(names.factor, factor)?;
        let [d, h, w] = input.spatial;
        if h % factor != 0 {
            return Err(Error::NotDivisible {
                what: names.height,
                value: h,
                divisor: factor,
            });
        }
        if w % factor != 0 {
            return Err(Error::NotDivisible {
                what: names.width,
                value: w,
                divisor: factor,
            });
        }
        let c = input
            .c
            .checked_mul(factor)
            .and_then(|c| c.checked_mul(factor))
            .ok_or(Error::Overflow { what: names.output })?;
        let output = input
            .with_spatial([d, h / factor, w / factor])?
            .with_channels(c)?;
        Ok(ShuffleGeometry {
            input,
            output,
            factor,
            direction: Direction::Unshuffle,
            mode,
        })
    }

    /// The small tensor's channel of large-tensor channel `c` at block
    /// position `k = i*r + j`, for `large_c` large-tensor channels.
    pub fn small_channel(&self, c: usize, k: usize, large_c: usize) -> usize {
        let rr = self.factor * self.factor;
        match self.mode {
            BlockMode::Crd => c * rr + k,
            BlockMode::Dcr => k * large_c + c,
        }
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
