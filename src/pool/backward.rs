//! `max_pool_backward`: each output's gradient routed to the element its
//! index names, summed where windows chose the same element.
//!
//! A scatter-add has nothing for vector lanes to share (each index is its
//! own address), so the fast path is the reference's loop reorganised for
//! memory: one `(n, c)` plane (channels-first) or one image (channels-last)
//! at a time, zeroed just ahead of the adds ([`Zeroed`]) so that each cache
//! line is zeroed and summed into while hot, instead of a pass zeroing the
//! whole gradient first. Sums are taken in output order, as ATen's, so the
//! result is the reference's bit for bit (but for which NaN a sum of two
//! NaNs keeps).

use crate::geometry::pool::MaxPoolGeometry;
use crate::zeroed::Zeroed;

/// The body of [`max_pool_backward`](crate::max_pool_backward) on buffers and
/// indices checked against `g` (each within its plane, or -1).
pub(crate) fn route(
    g: &MaxPoolGeometry,
    grad_output: &[f32],
    indices: &[i64],
    grad_input: &mut [f32],
) {
    // Channels-first planes, or channels-last images (`pixel` channels
    // interleaved; one channel is the same memory as channels-first).
    let c = g.input.pixel();
    let (unit, out_unit) = (g.input.plane() * c, g.output.plane() * c);
    let outs = grad_output
        .chunks_exact(out_unit)
        .zip(indices.chunks_exact(out_unit));
    for ((grad_output, indices), grad_input) in outs.zip(grad_input.chunks_exact_mut(unit)) {
        let mut zeroed = Zeroed::default();
        if c == 1 {
            for (&g, &index) in grad_output.iter().zip(indices) {
                // -1 (skipped) becomes usize::MAX, past the plane.
                let at = index as usize;
                if at < unit {
                    zeroed.reach(grad_input, at);
                    if let Some(slot) = grad_input.get_mut(at) {
                        *slot += g;
                    }
                }
            }
        } else {
            let pixels = grad_output.chunks_exact(c).zip(indices.chunks_exact(c));
            for (grad_output, indices) in pixels {
                // One zeroing check per pixel, at a bound on its targets:
                // the OR of its indices (-1 counted as 0) is at least their
                // maximum, and vectorises.
                let top = indices.iter().fold(0, |m, &i| m | i.max(0) as usize);
                zeroed.reach(grad_input, (top * c + c - 1).min(unit - 1));
                for (ch, (&g, &index)) in grad_output.iter().zip(indices).enumerate() {
                    if index >= 0
                        && let Some(slot) = grad_input.get_mut(index as usize * c + ch)
                    {
                        *slot += g;
                    }
                }
            }
        }
        zeroed.finish(grad_input);
    }
}
