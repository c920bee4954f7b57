//! Linear, bilinear and trilinear windows (`HelperInterpLinear`), and the
//! scale helpers of ATen's `UpSample.h` the other modes share.
//!
//! The source index is computed unfused here; the reference follows which
//! of ATen's kernels fuses it. The two differ by an ulp of the index, which
//! moves a result by far less than the tolerance (the interpolant is
//! continuous in it).

use super::taps::{AxisTaps, Window};
use crate::layout::{Dims, Layout, MAX_SPATIAL};
use crate::simd::CopyLane;

/// Channels-first linear and bilinear whose W axis doubles with
/// `align_corners=False` (output columns `2k` and `2k + 1` blend input
/// columns `k - 1, k` and `k, k + 1` with the same two weights, checked
/// for every column): each output row blends its (at most two) source rows
/// at three shifts and writes both columns of every input column from them,
/// interleaved with [`CopyLane::zip`]. The
/// general separable pass ran at 1.2-1.3x memcpy on the 1x64x128x128 x2
/// case. `false` when the problem is not of that kind (nothing written).
pub(crate) fn doubled_columns<L: CopyLane>(
    input: &[f32],
    i: &Dims,
    o: &Dims,
    axes: &[AxisTaps; MAX_SPATIAL],
    output: &mut [f32],
) -> bool {
    let [id, ih, iw] = i.spatial;
    let [od, oh, ow] = o.spatial;
    let channels_first = i.layout == Layout::ChannelsFirst || i.c == 1;
    let [ad, ah, aw] = axes;
    if !channels_first
        || ow != 2 * iw
        || iw < 4
        || ad.taps() != 1
        || !ad.copies()
        || ah.taps() > 2
        || !(ah.linear() || ah.copies())
        || !aw.linear()
        || aw.taps() != 2
    {
        return false;
    }
    let mut w = [0.0f32; 2];
    let first = aw.window(2, &mut w);
    let (a, b) = (w[0], w[1]);
    let regular = first == 0
        && (2..ow - 2).all(|x| {
            let start = aw.window(x, &mut w);
            let k = x / 2;
            if x % 2 == 0 {
                start + 1 == k && w == [a, b]
            } else {
                start == k && w == [b, a]
            }
        });
    if !regular {
        return false;
    }
    let (va, vb) = (L::splat(a), L::splat(b));
    // Edge columns (clamped windows) keep their own weights.
    let edges = [0, 1, ow - 2, ow - 1].map(|x| {
        let s = aw.window(x, &mut w);
        (x, s, w)
    });
    // Source rows and weights of a chunk of output rows, found once for
    // every plane (a window per row and plane costs more than the row).
    const CHUNK: usize = 128;
    let mut sources = [(0usize, 0usize, [0.0f32; 2]); CHUNK];
    let (in_plane, out_plane) = (id * ih * iw, od * oh * ow);
    for first in (0..od * oh).step_by(CHUNK) {
        let count = CHUNK.min(od * oh - first);
        for (k, s) in sources.iter_mut().enumerate().take(count) {
            let (z, y) = ((first + k) / oh, (first + k) % oh);
            let mut hw = [0.0f32; 2];
            let sy = ah.window(y, &mut hw[..ah.taps()]);
            let top = (ad.window(z, &mut w) * ih + sy) * iw;
            let bottom = if ah.taps() == 2 { top + iw } else { top };
            *s = (top, bottom, hw);
        }
        let planes = input
            .chunks_exact(in_plane)
            .zip(output.chunks_exact_mut(out_plane));
        for (src, dst) in planes {
            let Some(dst) = dst.get_mut(first * ow..(first + count) * ow) else {
                return true;
            };
            for (&(top, bottom, hw), out) in sources.iter().zip(dst.chunks_exact_mut(ow)) {
                let (Some(r0), Some(r1)) = (src.get(top..top + iw), src.get(bottom..bottom + iw))
                else {
                    return true;
                };
                // The vertical blend of input column `k`, as a scalar and as
                // the vector from `k` (recomputed for each of the three
                // shifts: stored to a row and read back unaligned, its
                // values waited on store forwarding).
                let (h0, h1) = (hw[0], hw[1]);
                let (v0, v1) = (L::splat(h0), L::splat(h1));
                let at = |k: usize| match (r0.get(k), r1.get(k)) {
                    (Some(a), Some(b)) => a * h0 + b * h1,
                    _ => 0.0,
                };
                let blend = |k: usize| {
                    let a = L::load(r0.get(k..).unwrap_or(&[]));
                    let b = L::load(r1.get(k..).unwrap_or(&[]));
                    b.mul_add(v1, a * v0)
                };
                for &(x, s, w) in &edges {
                    if let Some(o) = out.get_mut(x) {
                        *o = at(s) * w[0] + at(s + 1) * w[1];
                    }
                }
                // Columns 2k, 2k + 1 for k in 1..iw - 1 (the vector at k
                // covers k..k + L); the last vector ends at iw - 1,
                // overlapping the one before (the same values again).
                let mut vector = |k: usize| {
                    let Some(o) = out.get_mut(2 * k..2 * k + 2 * L::LANES) else {
                        return;
                    };
                    let (l, c, r) = (blend(k - 1), blend(k), blend(k + 1));
                    let even = l.mul_add(va, c * vb);
                    let odd = r.mul_add(va, c * vb);
                    even.store_zip(odd, o);
                };
                let mut k = 1;
                while k + L::LANES < iw {
                    vector(k);
                    k += L::LANES;
                }
                if k > 1 && k < iw - 1 {
                    vector(iw - 1 - L::LANES);
                    k = iw - 1;
                }
                for k in k..iw - 1 {
                    if let Some(o) = out.get_mut(2 * k..2 * k + 2) {
                        let (l, c, r) = (at(k - 1), at(k), at(k + 1));
                        o[0] = l * a + c * b;
                        o[1] = r * a + c * b;
                    }
                }
            }
        }
    }
    true
}

/// `compute_scales_value<float>`.
pub(crate) fn compute_scales_value(
    scale: Option<f64>,
    input_size: usize,
    output_size: usize,
) -> f32 {
    match scale {
        Some(s) if s > 0.0 => (1.0 / s) as f32,
        _ => input_size as f32 / output_size as f32,
    }
}

/// `area_pixel_compute_scale<float>`.
pub(crate) fn area_pixel_compute_scale(
    input_size: usize,
    output_size: usize,
    align_corners: bool,
    scale: Option<f64>,
) -> f32 {
    if align_corners {
        if output_size > 1 {
            (input_size - 1) as f32 / (output_size - 1) as f32
        } else {
            0.0
        }
    } else {
        compute_scales_value(scale, input_size, output_size)
    }
}

/// `guard_index_and_lambda`.
pub(crate) fn guard_index_and_lambda(real: f32, input_size: usize) -> (i64, f32) {
    let index = (libm::floorf(real) as i64).min(input_size as i64 - 1);
    (index, (real - index as f32).clamp(0.0, 1.0))
}

/// Output `o`'s two taps; `last` is the last valid window start.
pub(crate) fn window(
    o: usize,
    input_size: usize,
    scale: f32,
    align_corners: bool,
    last: usize,
    window: &mut Window<'_>,
) {
    let real = if align_corners {
        scale * o as f32
    } else {
        let real = scale * (o as f32 + 0.5) - 0.5;
        if real < 0.0 { 0.0 } else { real }
    };
    let (index0, lambda1) = guard_index_and_lambda(real, input_size);
    let index0 = usize::try_from(index0).unwrap_or(0);
    let index1 = if index0 + 1 < input_size {
        index0 + 1
    } else {
        index0
    };
    window.start = index0.min(last);
    window.add(index0, 1.0 - lambda1);
    window.add(index1, lambda1);
}
