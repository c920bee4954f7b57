//! A random `interpolate` call, as the property tests draw it: every mode
//! and rank, both layouts, `size` or `scale_factor` with every
//! `recompute_scale_factor`, rows up to 2100 wide, and inputs holding NaN,
//! infinities, subnormals and values near `f32::MAX`.

use super::Rng;
use upsample::{InterpolateMode as M, InterpolateOptions, Layout, PerAxis};

/// A random call: shape, options (owned parts), layout, input.
pub struct Call {
    pub shape: Vec<usize>,
    pub mode: M,
    pub size: Option<Vec<usize>>,
    pub scale_factor: Option<Vec<f64>>,
    pub recompute: Option<bool>,
    pub align_corners: Option<bool>,
    pub antialias: bool,
    pub layout: Layout,
    pub input: Vec<f32>,
}

impl Call {
    pub fn options(&self) -> InterpolateOptions {
        let mut opts = InterpolateOptions::new(self.mode).with_antialias(self.antialias);
        opts.size = self.size.as_deref().map(PerAxis::from);
        opts.scale_factor = self.scale_factor.as_deref().map(PerAxis::from);
        opts.recompute_scale_factor = self.recompute;
        opts.align_corners = self.align_corners;
        opts
    }

    pub fn random(rng: &mut Rng, mode: M) -> Call {
        let rank = match mode {
            M::Linear => 1,
            M::Bilinear | M::Bicubic | M::Lanczos => 2,
            M::Trilinear => 3,
            _ => rng.range(1, 3),
        };
        let antialias = match mode {
            M::Lanczos => true,
            M::Bilinear | M::Bicubic => rng.range(0, 1) == 1,
            _ => false,
        };
        // Large enough to cross lane counts and table chunks sometimes.
        let max_side = match rank {
            1 => 300,
            2 => 40,
            _ => 12,
        };
        let side = |rng: &mut Rng| match rng.range(0, 5) {
            0 => 1,
            1 => rng.range(1, 4),
            2 => rng.range(15, 18),
            _ => rng.range(1, max_side),
        };
        // Sometimes rows hundreds to thousands wide, the other axes short.
        let wide = rank > 1 && rng.range(0, 7) == 0;
        let channels = match rng.range(0, 3) {
            0 => 1,
            1 => rng.range(2, 5),
            2 => rng.range(6, 40),
            _ => rng.pick(&[16, 17, 33, 64]),
        };
        let mut shape = vec![rng.range(1, 2), channels];
        shape.extend((0..rank).map(|_| side(rng)));
        if wide {
            shape[1] = rng.range(1, 4);
            for d in &mut shape[2..1 + rank] {
                *d = rng.range(1, 3);
            }
            shape[1 + rank] = rng.range(129, 2100);
        }
        let (size, scale_factor, recompute) = if rng.range(0, 1) == 0 {
            let size = (0..rank)
                .map(|a| {
                    let i = shape[2 + a];
                    match rng.range(0, 4) {
                        0 => 2 * i,
                        1 => i,
                        2 => (i / 2).max(1),
                        _ => rng.range(1, max_side),
                    }
                })
                .collect();
            (Some(size), None, rng.pick(&[None, Some(false)]))
        } else {
            let sf: Vec<f64> = (0..rank)
                .map(|_| {
                    let odd = 0.25 + rng.unit() as f64 * 3.0;
                    rng.pick(&[2.0, 4.0, 0.5, 1.0, 1.7, 0.3, 3.0, 1.01, odd])
                })
                .collect();
            (None, Some(sf), rng.pick(&[None, Some(false), Some(true)]))
        };
        let align_corners = match mode {
            M::Nearest | M::NearestExact | M::Area => None,
            M::Lanczos => rng.pick(&[None, Some(false)]),
            _ => rng.pick(&[None, Some(false), Some(true)]),
        };
        let layout = rng.layout();
        let n: usize = shape.iter().product();
        let input = match rng.range(0, 3) {
            0 => (0..n).map(|_| rng.unit()).collect(),
            1 => rng.signed_units(n),
            // What users bring: NaN, infinities, subnormals, values near
            // f32::MAX.
            kind => rng.special_values(n, kind == 3),
        };
        Call {
            shape,
            mode,
            size,
            scale_factor,
            recompute,
            align_corners,
            antialias,
            layout,
            input,
        }
    }
}
