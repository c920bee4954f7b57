//! Linear, bilinear and trilinear windows (`HelperInterpLinear`, or the
//! channels-last kernel's): the source index computed as PyTorch's kernel
//! for the call computes it (fused or not), so that the weights are the
//! reference's to the bit however wide the row.

use super::Window;
use crate::geometry::upsample::linear_taps;
use wide::{f32x16, i32x16};

/// Output `o`'s two taps over `input_size` inputs for `output_size`
/// outputs; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    (input_size, output_size): (usize, usize),
    scale: f32,
    align_corners: bool,
    fused: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let taps = linear_taps(o, input_size, output_size, scale, align_corners, fused);
    window.start = taps.index[0].min(last);
    window.add(taps.index[0], taps.weight[0]);
    window.add(taps.index[1], taps.weight[1]);
}

/// [`window`] of two taps on two inputs in a row (every window but a
/// clamped last one, and a copy): the weights written as [`window`] leaves
/// them (`0.0 + w`, the sum onto a zeroed slot, which turns -0.0 into
/// 0.0), without a store and a reload of each slot. `None` for the other
/// windows, which [`window`] fills.
#[inline(always)]
pub(crate) fn pair(
    o: usize,
    (input_size, output_size): (usize, usize),
    scale: f32,
    align_corners: bool,
    fused: bool,
    [a, b]: [&mut f32; 2],
) -> Option<usize> {
    let taps = linear_taps(o, input_size, output_size, scale, align_corners, fused);
    let [i0, i1, ..] = taps.index;
    (i1 == i0 + 1).then(|| {
        (*a, *b) = (0.0 + taps.weight[0], 0.0 + taps.weight[1]);
        i0
    })
}

/// Windows of [`pair`] for outputs `o..o + PAIRS` at once.
pub(crate) const PAIRS: usize = 16;

/// The starts and the two weights of [`PAIRS`] consecutive windows.
pub(crate) struct Pairs {
    pub(crate) start: [usize; PAIRS],
    pub(crate) weight: [[f32; PAIRS]; 2],
}

/// [`pair`] of outputs `o..o + PAIRS`, a vector of them at a time: the
/// same operations in the same order on each lane (so the same bits).
/// `None` where any is not a window of two inputs in a row, where
/// PyTorch's kernel fuses the source index (a vector multiply-add is not
/// fused on every target), and where an index or a source position would
/// not be exact in `f32` (2^24 or more), which [`pair`] handles.
#[inline(always)]
pub(crate) fn pairs(
    o: usize,
    (input_size, output_size): (usize, usize),
    scale: f32,
    align_corners: bool,
    fused: bool,
) -> Option<Pairs> {
    const EXACT: usize = 1 << 24;
    if fused || output_size == input_size || !scale.is_finite() || input_size >= EXACT {
        return None;
    }
    if o.checked_add(PAIRS).is_none_or(|end| end >= EXACT) {
        return None;
    }
    let (zero, one) = (f32x16::splat(0.0), f32x16::splat(1.0));
    // `dst_index as f32`, exact below 2^24.
    let dst = i32x16::from(core::array::from_fn::<i32, PAIRS, _>(|k| (o + k) as i32)).round_float();
    let real = if align_corners {
        f32x16::splat(scale) * dst
    } else {
        // `src < 0 ? 0 : src`: the same as a max for every finite `src`
        // but -0.0, whose weights come out the same below.
        (f32x16::splat(scale) * (dst + f32x16::splat(0.5)) - f32x16::splat(0.5)).max(zero)
    };
    // Finite and in range in every lane (a NaN fails the test too), so the
    // truncating cast is `floorf`'s.
    if !real
        .to_array()
        .iter()
        .all(|&r| (0.0..EXACT as f32).contains(&r))
    {
        return None;
    }
    let last = input_size as i32 - 1;
    let index = real.trunc_int().min(i32x16::splat(last));
    let lambda = (real - index.round_float()).max(zero).min(one);
    let index = index.to_array();
    if index.iter().any(|&i| i >= last) {
        return None;
    }
    Some(Pairs {
        start: index.map(|i| i as usize),
        // `0.0 + w`, as `pair` writes them.
        weight: [
            ((one - lambda) + zero).to_array(),
            (lambda + zero).to_array(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::{PAIRS, pair, pairs};

    /// [`pairs`] gives [`pair`]'s start and weights, bit for bit, lane by
    /// lane, at many sizes, scales and both align_corners, and declines
    /// only where some window of its outputs is not a pair.
    #[test]
    fn pairs_are_pair_bit_for_bit() {
        let mut vectors = 0;
        for (input, output) in [
            (16000, 48000),
            (7, 100),
            (100, 37),
            (1023, 2046),
            (5, 5000),
            (300, 301),
            (4097, 65539),
        ] {
            for align_corners in [false, true] {
                let fitted = if align_corners {
                    (input - 1) as f32 / (output - 1) as f32
                } else {
                    input as f32 / output as f32
                };
                for scale in [fitted, 1.0 / 3.0, 0.49, 2.7] {
                    let step = (output / 300).max(1);
                    for o in (0..output - PAIRS).step_by(step) {
                        let sizes = (input, output);
                        let got = pairs(o, sizes, scale, align_corners, false);
                        let each = |k: usize| {
                            let (mut a, mut b) = (0.0f32, 0.0f32);
                            let start =
                                pair(o + k, sizes, scale, align_corners, false, [&mut a, &mut b]);
                            start.map(|s| (s, a.to_bits(), b.to_bits()))
                        };
                        let Some(got) = got else {
                            assert!(
                                (0..PAIRS).any(|k| each(k).is_none()),
                                "{input} -> {output} {scale} ac {align_corners}: declined at {o}"
                            );
                            continue;
                        };
                        vectors += 1;
                        for k in 0..PAIRS {
                            let want = each(k).expect("a pair where pairs gave one");
                            let lane = (
                                got.start[k],
                                got.weight[0][k].to_bits(),
                                got.weight[1][k].to_bits(),
                            );
                            assert_eq!(
                                lane,
                                want,
                                "{input} -> {output} {scale} ac {align_corners} at {}",
                                o + k
                            );
                        }
                    }
                }
            }
        }
        assert!(vectors > 1000, "only {vectors} vectors compared");
    }
}
