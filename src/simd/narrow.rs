//! Pixels narrower than a vector (RGB in 4 lanes, 5 channels in 8): one
//! vector per pixel, its spare lanes reading into the next pixel and
//! stored over by it.

use super::Lane;

/// The `c` (fewer than `L::LANES`) values from `s[at..]` in the first
/// lanes: one load where `s` holds a whole vector from there (the lanes
/// past `c` read the next pixel and must never be stored), else through a
/// zero-padded copy (the last pixel).
#[inline(always)]
pub(crate) fn load_narrow<L: Lane>(s: &[f32], at: usize, c: usize) -> L {
    match s.get(at..at + L::LANES) {
        Some(v) => L::load(v),
        None => {
            let mut pad = [0.0f32; 16];
            let pixel = s.get(at..at + c).unwrap_or_default();
            for (d, s) in pad.iter_mut().zip(pixel) {
                *d = *s;
            }
            L::load(&pad)
        }
    }
}

/// Writes the first `c` lanes of `v` to `out[at..at + c]`: one store where
/// `out` has room for a vector (the lanes past `c` land on the next pixels,
/// which the caller writes after this one), else through a copy.
#[inline(always)]
pub(crate) fn store_narrow<L: Lane>(v: L, out: &mut [f32], at: usize, c: usize) {
    match out.get_mut(at..at + L::LANES) {
        Some(dst) => v.store(dst),
        None => {
            let mut pad = [0.0f32; 16];
            v.store(&mut pad);
            let dst = out.get_mut(at..at + c).unwrap_or_default();
            for (d, s) in dst.iter_mut().zip(pad) {
                *d = s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wide::f32x8;

    #[test]
    fn a_narrow_pixel_round_trips_and_leaves_the_rest() {
        // Three pixels of 5 channels; the last one has no whole vector.
        let src: [f32; 15] = core::array::from_fn(|i| i as f32 + 1.0);
        let mut out = [0.0f32; 15];
        for at in [0, 5, 10] {
            let v = load_narrow::<f32x8>(&src, at, 5);
            store_narrow(v, &mut out, at, 5);
        }
        assert_eq!(out, src);
        let mut lanes = [0.0f32; 8];
        load_narrow::<f32x8>(&src, 10, 5).store(&mut lanes);
        assert_eq!(lanes, [11.0, 12.0, 13.0, 14.0, 15.0, 0.0, 0.0, 0.0]);
    }
}
