//! A random `conv_transpose` problem, as the property tests draw it:
//! channel counts around every tile width, groups and depthwise, strides,
//! dilations, paddings and output paddings, both layouts, a quarter of the
//! inputs holding NaN, infinities and subnormals.

use super::Rng;
use upsample::{
    ConvTransposeOptions, Layout, conv_transpose_output_shape, conv_transpose_scratch_len,
};

/// A random problem: shapes, options, layout, data.
#[derive(Debug)]
pub struct Problem {
    pub shape: Vec<usize>,
    pub wshape: Vec<usize>,
    pub stride: Vec<usize>,
    pub padding: Vec<usize>,
    pub output_padding: Vec<usize>,
    pub dilation: Vec<usize>,
    pub groups: usize,
    pub layout: Layout,
    pub x: Vec<f32>,
    pub w: Vec<f32>,
    pub bias: Option<Vec<f32>>,
    pub out_len: usize,
    pub scratch_len: usize,
}

impl Problem {
    pub fn opts(&self) -> ConvTransposeOptions<'_> {
        ConvTransposeOptions::new()
            .with_stride(&self.stride)
            .with_padding(&self.padding)
            .with_output_padding(&self.output_padding)
            .with_dilation(&self.dilation)
            .with_groups(self.groups)
    }

    pub fn random(rng: &mut Rng) -> Option<Problem> {
        let rank = rng.range(1, 3);
        // Channel counts around every tile width: 1..=4, 5..=8, 9..=16, 17..=40.
        let groups = match rng.range(0, 3) {
            0 => 1,
            1 => rng.range(2, 4),
            _ => rng.range(1, 6), // with one in-channel per group below: depthwise
        };
        let depthwise = rng.range(0, 3) == 0;
        let in_per_group = if depthwise { 1 } else { rng.range(1, 7) };
        let out_per_group = match rng.range(0, 3) {
            0 => rng.range(1, 4),
            1 => rng.range(5, 9),
            2 => rng.range(10, 17),
            _ => rng.range(17, 40),
        };
        // Keep the work small on big channel counts and high rank.
        let max_side = match rank {
            1 => 40,
            2 => 17,
            _ => 6,
        };
        let mut shape = vec![rng.range(1, 2), groups * in_per_group];
        shape.extend((0..rank).map(|_| {
            if rng.range(0, 5) == 0 {
                1
            } else {
                rng.range(1, max_side)
            }
        }));
        let mut wshape = vec![shape[1], out_per_group];
        wshape.extend(rng.ranges(rank, 1, 5));
        let stride = rng.ranges(rank, 1, 4);
        let dilation = rng.ranges(rank, 1, 3);
        let padding = rng.ranges(rank, 0, 3);
        let output_padding = rng.output_padding(&stride, &dilation);
        let layout = rng.layout();
        // A quarter of the cases hold NaN, infinities and subnormals.
        let x = if rng.range(0, 3) == 0 {
            rng.special_values(shape.iter().product(), false)
        } else {
            rng.signed_units(shape.iter().product())
        };
        let mut p = Problem {
            x,
            w: rng.signed_units(wshape.iter().product()),
            bias: rng.coin().then(|| rng.signed_units(groups * out_per_group)),
            shape,
            wshape,
            stride,
            padding,
            output_padding,
            dilation,
            groups,
            layout,
            out_len: 0,
            scratch_len: 0,
        };
        let opts = p.opts();
        let out = conv_transpose_output_shape(&p.shape, &p.wshape, &opts).ok()?;
        let scratch = conv_transpose_scratch_len(&p.shape, p.layout, &p.wshape, &opts).ok()?;
        p.out_len = out.numel();
        p.scratch_len = scratch;
        Some(p)
    }
}
