//! `max_pool_backward`: each output's gradient routed to the element its
//! index names, summed where windows chose the same element.
//!
//! A scatter-add has nothing for vector lanes to share (each index is its
//! own address), so the fast path is the reference's loop reorganised for
//! memory: one `(n, c)` plane (channels-first) or one image (channels-last)
//! at a time is zeroed and then scattered into while it is in cache, instead
//! of a pass zeroing the whole gradient first. Sums are taken in output
//! order, as ATen's, so the result is the reference's bit for bit.

use crate::geometry::pool::MaxPoolGeometry;

/// The body of [`max_pool_backward`](crate::max_pool_backward) on buffers and
/// indices checked against `g`.
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
        grad_input.fill(0.0);
        if c == 1 {
            for (&g, &index) in grad_output.iter().zip(indices) {
                add_at(grad_input, index, 1, 0, g);
            }
        } else {
            let pixels = grad_output.chunks_exact(c).zip(indices.chunks_exact(c));
            for (grad_output, indices) in pixels {
                for (ch, (&g, &index)) in grad_output.iter().zip(indices).enumerate() {
                    add_at(grad_input, index, c, ch, g);
                }
            }
        }
    }
}

/// Adds `g` to channel `ch` of the element at in-plane `index` of a unit of
/// `c` interleaved channels; an index of -1 (or one the geometry's check
/// excluded) adds nothing.
#[inline(always)]
fn add_at(unit: &mut [f32], index: i64, c: usize, ch: usize, g: f32) {
    let at = usize::try_from(index)
        .ok()
        .and_then(|i| i.checked_mul(c)?.checked_add(ch));
    if let Some(slot) = at.and_then(|at| unit.get_mut(at)) {
        *slot += g;
    }
}
