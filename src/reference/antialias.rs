//! Reference antialiased resampling for float32 on CPU: ATen's
//! `_upsample_bilinear2d_aa`, `_upsample_bicubic2d_aa` and
//! `_upsample_lanczos2d_aa` (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`:
//! `separable_upsample_generic_Nd_kernel_impl` with `HelperInterpLinear`,
//! `HelperInterpCubic` and `HelperInterpLanczos`; the scale helpers of
//! `aten/src/ATen/native/UpSample.h`).
//!
//! ATen resamples one axis at a time, PIL style: the width first into a
//! float temporary, then the height, and it skips an axis whose input and
//! output sizes are equal (even when a `scale_factor` would make that
//! axis's scale differ from 1). Along a resampled axis, output `i` is a
//! normalised weighted sum over the input range `[xmin, xmin + xsize)`,
//! with the filter widened by the scale when downsampling.
//!
//! With no heap, this file does not keep the temporary: every output
//! element is `sum_y wy * (sum_x wx * in[y, x])`, recomputing each
//! horizontal value exactly as ATen's first pass stores it (same float
//! operations in the same order), so the result has the same bits as ATen's
//! scalar (`DEFAULT` CPU capability) build. Nor are weight tables stored:
//! an output's weights come from the filter after a first pass over its taps
//! that sums them for the normalisation; the first 32 of its column's are
//! kept for the element (they serve every row), later ones recomputed when
//! used, so any downscale factor works with constant stack use.
//!
//! Every formula keeps ATen's `float` / `double` types, noted per line; the
//! AVX2 / AVX-512 builds of PyTorch contract some of them into FMAs, which
//! moves their results by an ulp or so.

use super::interpolate::At;
use crate::geometry::antialias::{
    AntialiasAxis, AntialiasTaps, Filter, vertical_pass_repeats_first_row,
};
use crate::geometry::interpolate::InterpolateGeometry;

/// `interpolate_aa_single_dim` / `interpolate_aa_single_dim_zero_strides`:
/// `output = src[xmin] * w[0]; output += src[xmin + j] * w[j]` in float.
/// ATen never produces an empty range; if it did, its (zero) weights
/// would give 0, which is returned without reading.
fn apply(taps: &AntialiasTaps, weight: impl Fn(usize) -> f32, src: impl Fn(usize) -> f32) -> f32 {
    if taps.xsize == 0 {
        return 0.0;
    }
    let mut output = src(taps.xmin) * weight(0);
    for j in 1..taps.xsize {
        output += src(taps.xmin + j) * weight(j);
    }
    output
}

/// How many of a column's weights [`Pass::for_lines`] keeps (64 bytes of
/// stack, which the fast paths' exact fix-up adds to theirs); later ones
/// are recomputed when used, as the vertical taps' are.
const KEPT_WEIGHTS: usize = 16;

/// The first weights of a line's taps, computed once: a column's weights
/// serve every row the vertical pass reads. Each is the value
/// [`AntialiasTaps::weight`] gives, so keeping it changes no result.
#[derive(Clone, Copy, Debug)]
struct Kept {
    taps: AntialiasTaps,
    weights: [f32; KEPT_WEIGHTS],
}

impl Kept {
    fn new(taps: AntialiasTaps) -> Kept {
        let mut weights = [0.0; KEPT_WEIGHTS];
        for (j, w) in weights.iter_mut().enumerate().take(taps.xsize) {
            *w = taps.weight(j);
        }
        Kept { taps, weights }
    }

    fn weight(&self, j: usize) -> f32 {
        match self.weights.get(j) {
            Some(&w) => w,
            None => self.taps.weight(j),
        }
    }
}

/// One axis of the separable resampling: left as is when its size does not
/// change (`separable_upsample_generic_Nd_kernel_impl` tests
/// `output_shape[interp_dim] != input_shape[interp_dim]`), else resampled.
#[derive(Clone, Copy, Debug)]
enum Pass {
    Skip,
    Resample(AntialiasAxis),
}

impl Pass {
    fn new(
        filter: Filter,
        input_size: usize,
        output_size: usize,
        align_corners: bool,
        scale: Option<f64>,
    ) -> Pass {
        if input_size == output_size {
            Pass::Skip
        } else {
            Pass::Resample(AntialiasAxis::new(
                filter,
                input_size,
                output_size,
                align_corners,
                scale,
            ))
        }
    }

    /// Output `i` of this pass over the line `src`.
    fn apply(&self, i: usize, src: impl Fn(usize) -> f32) -> f32 {
        match self {
            Pass::Skip => src(i),
            Pass::Resample(axis) => {
                let taps = axis.taps(i);
                apply(&taps, |j| taps.weight(j), src)
            }
        }
    }

    /// Output `i` of this pass as a function of the line, for a pass that
    /// runs over many lines: its weights computed once (the first
    /// [`KEPT_WEIGHTS`] of them).
    fn for_lines(&self, i: usize) -> impl Fn(&dyn Fn(usize) -> f32) -> f32 {
        let kept = match self {
            Pass::Skip => None,
            Pass::Resample(axis) => Some(Kept::new(axis.taps(i))),
        };
        move |src| match &kept {
            None => src(i),
            Some(kept) => apply(&kept.taps, |j| kept.weight(j), src),
        }
    }
}

/// Output `at` (spatial `[0, y, x]`) of PyTorch's
/// `_upsample_{bilinear,bicubic,lanczos}2d_aa` for float32 on CPU
/// (`upsample_{bilinear,bicubic,lanczos}2d_aa_kernel_impl` ->
/// `separable_upsample_generic_Nd_kernel_impl<2, ...>`): a 2-d input
/// `(N, C, H, W)` in either layout, geometry and buffer lengths already
/// checked by the caller.
pub(crate) fn value_at(g: &InterpolateGeometry, input: &[f32], at: At) -> f32 {
    let At { n, c, spatial: op } = at;
    let Some(filter) = Filter::for_mode(g.mode) else {
        debug_assert!(
            false,
            "antialias is only validated for bilinear, bicubic and lanczos"
        );
        return 0.0;
    };
    let (src, dst) = (&g.input, &g.output);
    let [_, in_h, in_w] = src.spatial;
    let [_, out_h, out_w] = dst.spatial;
    // Scales are per padded [D, H, W] axis; a 2-d input uses H and W.
    let vertical = Pass::new(filter, in_h, out_h, g.align_corners, g.scales[1]);
    let horizontal = Pass::new(filter, in_w, out_w, g.align_corners, g.scales[2]);
    let row = if vertical_pass_repeats_first_row(g) {
        0
    } else {
        op[1]
    };
    // Horizontal pass (into ATen's temporary) then vertical; the taps of
    // this output's column serve every row the vertical pass reads.
    let across = horizontal.for_lines(op[2]);
    vertical.apply(row, |y| across(&|x| input[src.offset(n, c, [0, y, x])]))
}
