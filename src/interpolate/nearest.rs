//! Nearest and nearest-exact source indices, bit for bit as
//! `reference::interpolate` (ATen's `nearest_idx` / `nearest_exact_idx` in
//! the channels-last kernel, `HelperInterpNearest{,Exact}` in the generic
//! one). The copy itself is the separable kernel with one tap of weight 1,
//! which multiplies by 1.0: exact (a signalling NaN comes out quiet).

use super::linear::{area_pixel_compute_scale, compute_scales_value};
use crate::layout::{Dims, Layout};

/// Whether ATen takes `cpu_upsample_nearest_channels_last` (its index
/// helpers have shortcuts the generic kernel lacks).
pub(crate) fn channels_last_kernel(i: &Dims, o: &Dims) -> bool {
    let channels_last_contiguous = i.layout == Layout::ChannelsLast || i.c == 1 || i.plane() == 1;
    match i.rank {
        // _use_vectorized_kernel_cond_2d
        2 => (channels_last_contiguous && i.c > 3) || o.spatial[1] + o.spatial[2] <= 128,
        // _use_vectorized_kernel_cond_3d
        3 => channels_last_contiguous && i.c > 3,
        _ => false,
    }
}

/// The source index of output `o` along one axis.
pub(crate) fn source_index(
    exact: bool,
    channels_last_kernel: bool,
    o: usize,
    input_size: usize,
    output_size: usize,
    scale: Option<f64>,
) -> usize {
    let last = input_size - 1;
    if channels_last_kernel && !exact {
        if output_size == input_size {
            return o;
        }
        if output_size == 2 * input_size {
            return o >> 1;
        }
        let scale = compute_scales_value(scale, input_size, output_size);
        return (libm::floorf(o as f32 * scale) as usize).min(last);
    }
    if channels_last_kernel {
        let scale = compute_scales_value(scale, input_size, output_size);
        let product = (o as f64 + 0.5) * scale as f64;
        return (libm::floorf(product as f32) as usize).min(last);
    }
    let scale = area_pixel_compute_scale(input_size, output_size, false, scale);
    let index = if exact {
        let real = libm::fmaf(scale, o as f32 + 0.5, -0.5).max(0.0);
        // `src_idx < 0 ? 0 : src_idx` keeps a NaN, `max` would not: the
        // scale is finite and positive here, so there is none.
        libm::floorf(real + 0.5)
    } else {
        libm::floorf(scale * o as f32)
    };
    (index as usize).min(last)
}
