//! `grad_bias[co]`: the sum of `grad_output`'s channel `co` over the batch
//! and every output position.

use crate::geometry::conv_transpose::ConvTransposeGeometry;
use crate::layout::Layout;
use crate::simd::Lane;
use wide::f32x8;

/// Channels-last: each position's row of channels is added to `grad_bias`
/// in eight lanes, positions in order (the reference's order, so the same
/// bits). Channels-first: each channel's planes are summed in eight
/// running sums (a fixed `f32x8` whatever the build, so the bits do not
/// depend on the lane width), then those and the planes' tails.
pub(super) fn grad_bias(g: &ConvTransposeGeometry, grad_output: &[f32], grad_bias: &mut [f32]) {
    let o = g.output;
    let plane = o.plane();
    grad_bias.fill(0.0);
    match o.layout {
        Layout::ChannelsLast => {
            for row in grad_output.chunks_exact(o.c) {
                let mut sums = grad_bias.chunks_exact_mut(8);
                let mut values = row.chunks_exact(8);
                for (s, v) in (&mut sums).zip(&mut values) {
                    (<f32x8 as Lane>::load(s) + <f32x8 as Lane>::load(v)).store(s);
                }
                for (s, v) in sums.into_remainder().iter_mut().zip(values.remainder()) {
                    *s += *v;
                }
            }
        }
        Layout::ChannelsFirst => {
            for (co, b) in grad_bias.iter_mut().enumerate() {
                let mut acc = f32x8::splat(0.0);
                let mut tail = 0.0f32;
                for n in 0..o.n {
                    let from = (n * o.c + co) * plane;
                    let Some(p) = grad_output.get(from..from + plane) else {
                        return;
                    };
                    let mut chunks = p.chunks_exact(8);
                    for v in &mut chunks {
                        acc += <f32x8 as Lane>::load(v);
                    }
                    for v in chunks.remainder() {
                        tail += *v;
                    }
                }
                *b = acc.reduce_add() + tail;
            }
        }
    }
}
