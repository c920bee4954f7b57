//! Reference backward of the antialiased modes: ATen's
//! `cpu_upsample_genNd_backward_aa` (`aten/src/ATen/native/cpu/UpSampleKernel.cpp`,
//! behind `_upsample_bilinear2d_aa_backward` and
//! `_upsample_bicubic2d_aa_backward`; lanczos through the same kernel with
//! its filter, as [`super::antialias`] does the forward).
//!
//! Unlike the forward, the backward is not separable in passes: per output
//! `(oh, ow)` it computes both axes' taps with
//! `_compute_indices_min_size_weights_aa` and adds
//! `wx[x] * wy[y] * grad_output_value` to every input of the window, `y`
//! outer. It resamples every axis, including one whose size does not
//! change (the forward skips it; with a `scale_factor` the two then
//! differ), and it has none of the forward's one-pixel-wide collapse
//! (`vertical_pass_repeats_first_row`): PyTorch's backward is then not
//! the exact adjoint of its forward, and this follows the backward.

use crate::geometry::antialias::{AntialiasAxis, Filter};
use crate::geometry::interpolate::InterpolateGeometry;
use crate::layout::for_each_point;

/// `cpu_upsample_genNd_backward_aa` (2-d) into a zeroed `grad_input`.
pub(crate) fn scatter(g: &InterpolateGeometry, grad_output: &[f32], grad_input: &mut [f32]) {
    let Some(filter) = Filter::for_mode(g.mode) else {
        debug_assert!(
            false,
            "antialias is only validated for bilinear, bicubic and lanczos"
        );
        return;
    };
    let (i, o) = (g.input, g.output);
    let axis = |a: usize| {
        AntialiasAxis::new(
            filter,
            i.spatial[a],
            o.spatial[a],
            g.align_corners,
            g.scales[a],
        )
    };
    let (height, width) = (axis(1), axis(2));
    for n in 0..o.n {
        for c in 0..o.c {
            for_each_point(o.spatial, |op| {
                let wy = height.taps(op[1]);
                let wx = width.taps(op[2]);
                let value = grad_output[o.offset(n, c, op)];
                for y in 0..wy.xsize {
                    for x in 0..wx.xsize {
                        let at = i.offset(n, c, [0, wy.xmin + y, wx.xmin + x]);
                        grad_input[at] += wx.weight(x) * wy.weight(y) * value;
                    }
                }
            });
        }
    }
}
