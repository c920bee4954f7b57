//! `max_unpool_backward`: each input's gradient read from the output
//! gradient at its index (a gather), one channels-first plane or
//! channels-last image at a time. Exact: a copy. (The geometry's check
//! keeps every index inside its plane; one outside would read NaN.)

use crate::geometry::unpool::UnpoolGeometry;

/// The body of [`max_unpool_backward`](crate::max_unpool_backward) on
/// buffers and indices checked against `g`.
pub(crate) fn gather(
    g: &UnpoolGeometry,
    grad_output: &[f32],
    indices: &[i64],
    grad_input: &mut [f32],
) {
    // Channels-first planes, or channels-last images (one channel is the
    // same memory as channels-first).
    let c = g.input.pixel();
    let (unit, out_unit) = (g.input.plane() * c, g.output.plane() * c);
    let units = grad_input
        .chunks_exact_mut(unit)
        .zip(indices.chunks_exact(unit));
    for ((grad_input, indices), grad_output) in units.zip(grad_output.chunks_exact(out_unit)) {
        if c == 1 {
            for (slot, &index) in grad_input.iter_mut().zip(indices) {
                *slot = grad_output.get(index as usize).copied().unwrap_or(f32::NAN);
            }
        } else {
            let pixels = grad_input.chunks_exact_mut(c).zip(indices.chunks_exact(c));
            for (slots, indices) in pixels {
                for (ch, (slot, &index)) in slots.iter_mut().zip(indices).enumerate() {
                    let at = (index as usize).wrapping_mul(c).wrapping_add(ch);
                    *slot = grad_output.get(at).copied().unwrap_or(f32::NAN);
                }
            }
        }
    }
}
