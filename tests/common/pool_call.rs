//! Random pooling and unpooling geometries, as the property tests draw
//! them.

use super::Rng;
use upsample::{Layout, MaxPoolOptions, UnpoolOptions};

/// Random pooling geometry for `rank` spatial dims: kernel, stride (or
/// empty, meaning the kernel), padding up to half the kernel, dilation.
pub struct PoolGeometry {
    pub kernel: Vec<usize>,
    pub stride: Vec<usize>,
    pub padding: Vec<usize>,
    pub dilation: Vec<usize>,
}

impl PoolGeometry {
    pub fn random(rng: &mut Rng, rank: usize) -> Self {
        // One value for every axis, or one per axis.
        let per_axis = rng.coin();
        let count = if per_axis { rank } else { 1 };
        let kernel = rng.ranges(count, 1, 4);
        let stride = match rng.range(0, 3) {
            0 => vec![],
            _ => rng.ranges(count, 1, 3),
        };
        let padding = kernel.iter().map(|&k| rng.range(0, k / 2)).collect();
        let dilation = (0..count)
            .map(|_| {
                if rng.range(0, 3) == 0 {
                    rng.range(2, 3)
                } else {
                    1
                }
            })
            .collect();
        PoolGeometry {
            kernel,
            stride,
            padding,
            dilation,
        }
    }
}

/// An unpooling geometry and the input shape it applies to.
pub fn random_unpool(rng: &mut Rng) -> (Vec<usize>, PoolGeometry, Option<Vec<usize>>, Layout) {
    let rank = rng.range(1, 3);
    let layout = rng.layout();
    let c = match rng.range(0, 3) {
        0 => 1,
        1 => rng.range(2, 5),
        _ => rng.size(40),
    };
    let max = [40, 14, 6][rank - 1];
    let mut shape = vec![rng.range(1, 2), c];
    shape.extend((0..rank).map(|_| rng.size(max)));
    let mut geo = PoolGeometry::random(rng, rank);
    // Unpooling has no dilation; kernel == stride (replication) half the time.
    geo.dilation = vec![1];
    if rng.coin() {
        geo.kernel = rng.ranges(rank, 1, 4);
        geo.stride = if rng.coin() {
            vec![]
        } else {
            geo.kernel.clone()
        };
        geo.padding = geo.kernel.iter().map(|&k| rng.range(0, k / 2)).collect();
    }
    let output_size = rng.coin().then(|| {
        // Anywhere within stride of the default (validated by the op).
        let stride = if geo.stride.is_empty() {
            &geo.kernel
        } else {
            &geo.stride
        };
        (0..rank)
            .map(|a| {
                let pick = |v: &Vec<usize>| v[if v.len() == 1 { 0 } else { a }];
                let default = (shape[2 + a] - 1) * pick(stride) + pick(&geo.kernel);
                let default = default.saturating_sub(2 * pick(&geo.padding));
                default + rng.range(0, pick(stride) - 1)
            })
            .collect()
    });
    (shape, geo, output_size, layout)
}

/// A random pool's shape, layout and options' parts.
pub fn random_pool(rng: &mut Rng) -> (Vec<usize>, Layout, PoolGeometry, bool) {
    let rank = rng.range(1, 3);
    let max = [40, 14, 6][rank - 1];
    let mut shape = vec![rng.range(1, 3), rng.range(1, 20)];
    shape.extend((0..rank).map(|_| rng.size(max)));
    let geo = PoolGeometry::random(rng, rank);
    (shape, rng.layout(), geo, rng.coin())
}

impl PoolGeometry {
    /// Max-pool options of this geometry.
    pub fn max_pool_options(&self, ceil_mode: bool) -> MaxPoolOptions<'_> {
        MaxPoolOptions::new(&self.kernel)
            .with_stride(&self.stride)
            .with_padding(&self.padding)
            .with_dilation(&self.dilation)
            .with_ceil_mode(ceil_mode)
    }

    /// Unpool options of this geometry and output size.
    pub fn unpool_options<'a>(&'a self, size: &'a Option<Vec<usize>>) -> UnpoolOptions<'a> {
        let opts = UnpoolOptions::new(&self.kernel)
            .with_stride(&self.stride)
            .with_padding(&self.padding);
        match size {
            Some(size) => opts.with_output_size(size),
            None => opts,
        }
    }
}
