//! Converting data and shapes between the two layouts. A logical shape is
//! `(N, C, spatial...)` in either layout; channels-first data is stored in
//! that order, channels-last data as `(N, spatial..., C)`.

use upsample::Layout;

/// Channels-first data of logical `shape` rewritten channels-last.
pub fn to_channels_last<T: Copy>(data: &[T], shape: &[usize]) -> Vec<T> {
    let (n, c, plane) = split(shape);
    let mut out = Vec::with_capacity(data.len());
    for b in 0..n {
        for p in 0..plane {
            for ch in 0..c {
                out.push(data[(b * c + ch) * plane + p]);
            }
        }
    }
    out
}

/// Channels-last data of logical `shape` rewritten channels-first.
pub fn to_channels_first<T: Copy>(data: &[T], shape: &[usize]) -> Vec<T> {
    let (n, c, plane) = split(shape);
    let mut out = Vec::with_capacity(data.len());
    for b in 0..n {
        for ch in 0..c {
            for p in 0..plane {
                out.push(data[(b * plane + p) * c + ch]);
            }
        }
    }
    out
}

/// (N, C, the product of the spatial sizes).
fn split(shape: &[usize]) -> (usize, usize, usize) {
    (shape[0], shape[1], shape[2..].iter().product())
}

/// The order in which a tensor of logical `shape` is stored in `layout`.
pub fn physical_shape(shape: &[usize], layout: Layout) -> Vec<usize> {
    match layout {
        Layout::ChannelsFirst => shape.to_vec(),
        Layout::ChannelsLast => {
            let mut physical = vec![shape[0]];
            physical.extend_from_slice(&shape[2..]);
            physical.push(shape[1]);
            physical
        }
    }
}

/// The logical shape of a tensor stored as `physical` in `layout`; `physical`
/// has at least 2 axes.
pub fn logical_shape(physical: &[usize], layout: Layout) -> Vec<usize> {
    match layout {
        Layout::ChannelsFirst => physical.to_vec(),
        Layout::ChannelsLast => {
            let last = physical.len() - 1;
            let mut shape = vec![physical[0], physical[last]];
            shape.extend_from_slice(&physical[1..last]);
            shape
        }
    }
}
