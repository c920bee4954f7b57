//! One axis of the backward, seen from both sides: the taps of each output
//! (input index and weight, in ATen's order, zero weights and repeated
//! border indices kept as separate taps, as ATen's scatter multiplies
//! them), and their transpose, the outputs that reach each input.
//!
//! The taps come from the same helpers as the forward's and the
//! reference's ([`crate::geometry::upsample`], [`crate::geometry::adaptive`],
//! [`crate::geometry::antialias`]), with the backward's choices where ATen's
//! backward kernels make other ones: nearest always takes the
//! channels-last kernel's index helpers, linear leaves its source index
//! unfused, bicubic of unchanged sizes is a copy, and the antialiased
//! modes resample every axis (also one whose size does not change).
//!
//! Every mode's windows move monotonically with the output index (their
//! first and last input never decrease), so the outputs that reach input
//! `i` are one range, found by two binary searches.

use crate::geometry::adaptive::{end_index, start_index};
use crate::geometry::antialias::{AntialiasAxis, Filter};
use crate::geometry::interpolate::{InterpolateGeometry, InterpolateMode};
use crate::geometry::upsample::{
    area_pixel_compute_scale, backward_index_fused, cubic_taps, linear_taps, nearest_source_index,
};
use crate::layout::MAX_SPATIAL;

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Output `o` is input `o` with weight 1 (padded axes, bicubic's copy).
    Identity,
    Nearest {
        exact: bool,
        scale: Option<f64>,
    },
    Linear {
        scale: f32,
        align_corners: bool,
        /// The source index in one rounding ([`backward_index_fused`]).
        fused: bool,
    },
    Cubic {
        scale: f32,
        align_corners: bool,
    },
    Area,
    Antialias(AntialiasAxis),
}

/// The taps of one axis of a checked geometry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Axis {
    kind: Kind,
    pub input: usize,
    pub output: usize,
}

impl Axis {
    /// The padded `[D, H, W]` axes of `g`'s backward.
    pub fn all(g: &InterpolateGeometry) -> [Axis; MAX_SPATIAL] {
        use InterpolateMode as M;
        let (i, o) = (&g.input, &g.output);
        let first = MAX_SPATIAL - i.rank;
        let filter = Filter::for_mode(g.mode).filter(|_| g.antialias);
        core::array::from_fn(|a| {
            let (input, output) = (i.spatial[a], o.spatial[a]);
            let scale = || area_pixel_compute_scale(input, output, g.align_corners, g.scales[a]);
            let kind = match g.mode {
                _ if a < first => Kind::Identity,
                _ if filter.is_some() => match filter {
                    Some(f) => Kind::Antialias(AntialiasAxis::new(
                        f,
                        input,
                        output,
                        g.align_corners,
                        g.scales[a],
                    )),
                    None => Kind::Identity,
                },
                M::Nearest | M::NearestExact => Kind::Nearest {
                    exact: g.mode == M::NearestExact,
                    scale: g.scales[a],
                },
                M::Linear | M::Bilinear | M::Trilinear => Kind::Linear {
                    scale: scale(),
                    align_corners: g.align_corners,
                    fused: backward_index_fused(g.mode, i.rank, a),
                },
                M::Bicubic if i.spatial == o.spatial => Kind::Identity,
                M::Bicubic => Kind::Cubic {
                    scale: scale(),
                    align_corners: g.align_corners,
                },
                M::Area => Kind::Area,
                // The geometry only takes lanczos with antialias.
                M::Lanczos => Kind::Identity,
            };
            Axis {
                kind,
                input,
                output,
            }
        })
    }

    /// Calls `f(input index, weight)` for each tap of output `o`, in ATen's order.
    #[inline]
    pub fn for_each_tap(&self, o: usize, mut f: impl FnMut(usize, f32)) {
        self.for_each_tap_in(o..o + 1, |_, index, w| f(index, w));
    }

    /// Calls `f(output, input index, weight)` for each tap of each output
    /// of `outputs`, in output order and ATen's order within one: the
    /// mode's match taken once for the range, not per output.
    #[inline]
    pub fn for_each_tap_in(
        &self,
        outputs: core::ops::Range<usize>,
        mut f: impl FnMut(usize, usize, f32),
    ) {
        let (input, output) = (self.input, self.output);
        match self.kind {
            Kind::Identity => outputs.for_each(|o| f(o, o, 1.0)),
            Kind::Nearest { exact, scale } => outputs.for_each(|o| {
                let index = nearest_source_index(exact, true, o, input, output, scale);
                f(o, index, 1.0)
            }),
            Kind::Linear {
                scale,
                align_corners,
                fused,
            } => outputs.for_each(|o| {
                let t = linear_taps(o, input, output, scale, align_corners, fused);
                f(o, t.index[0], t.weight[0]);
                f(o, t.index[1], t.weight[1]);
            }),
            Kind::Cubic {
                scale,
                align_corners,
            } => outputs.for_each(|o| {
                let t = cubic_taps(o, input, scale, align_corners, false);
                for (&index, &w) in t.index.iter().zip(&t.weight) {
                    f(o, index, w);
                }
            }),
            Kind::Area => outputs.for_each(|o| {
                let (start, end) = (start_index(o, output, input), end_index(o, output, input));
                let w = 1.0 / (end - start) as f32;
                for index in start..end {
                    f(o, index, w);
                }
            }),
            Kind::Antialias(axis) => outputs.for_each(|o| {
                let t = axis.taps(o);
                for j in 0..t.xsize {
                    f(o, t.xmin + j, t.weight(j));
                }
            }),
        }
    }

    /// Whether output `o` is input `o / 2`'s alone, weight 1 (nearest
    /// x2: ATen's `nearest_idx` takes `o >> 1` whenever the output is
    /// twice the input, whatever the scale factor).
    pub fn is_pairs(&self) -> bool {
        matches!(self.kind, Kind::Nearest { exact: false, .. })
            && self.input.checked_mul(2) == Some(self.output)
    }

    /// Whether the axis averages adaptive windows (mode area).
    pub fn is_area(&self) -> bool {
        matches!(self.kind, Kind::Area)
    }

    /// A bound on the taps of one output, in constant time: the exact
    /// count for the fixed windows, the widest window for area and the
    /// antialiased modes; at least 1.
    pub fn most_taps(&self) -> usize {
        let taps = match self.kind {
            Kind::Identity | Kind::Nearest { .. } => 1,
            Kind::Linear { .. } => 2,
            Kind::Cubic { .. } => 4,
            // `end - start` of an adaptive window is at most
            // `ceil(input / output) + 1`, and never more than the input.
            Kind::Area => (self.input.div_ceil(self.output.max(1)) + 1).min(self.input),
            Kind::Antialias(axis) => axis.max_interp_size(),
        };
        taps.max(1)
    }

    /// The first and one past the last input index output `o` reads
    /// (`first == end` for none).
    fn reach(&self, o: usize) -> (usize, usize) {
        let (input, output) = (self.input, self.output);
        match self.kind {
            Kind::Antialias(axis) => {
                let t = axis.taps(o);
                (t.xmin, t.xmin + t.xsize)
            }
            Kind::Area => (start_index(o, output, input), end_index(o, output, input)),
            _ => {
                let (mut first, mut last) = (usize::MAX, 0);
                self.for_each_tap(o, |i, _| {
                    first = first.min(i);
                    last = last.max(i);
                });
                (first, last + 1)
            }
        }
    }

    /// The outputs `[first, end)` whose taps include input `i`: searched
    /// from where the scale puts them, so that a sweep over a row of
    /// thousands of inputs costs a few window computations per input.
    pub fn outputs_reaching(&self, i: usize) -> (usize, usize) {
        let input = self.input.max(1);
        // In `usize` where the product fits (a division instruction, not
        // `u128`'s library call).
        let guess = match i.checked_mul(self.output) {
            Some(p) => p / input,
            None => (i as u128 * self.output as u128 / input as u128) as usize,
        };
        let first = partition_point_near(self.output, guess, |o| self.reach(o).1 <= i);
        let width = self.output / self.input.max(1) + 1;
        let end = first
            + partition_point_near(self.output - first, width, |k| self.reach(first + k).0 <= i);
        (first, end)
    }

    /// Calls `f(output, weight)` for every tap of every output that reads
    /// input `i`, in output order (taps of one output in ATen's order).
    #[inline]
    pub fn for_each_contribution(&self, i: usize, f: impl FnMut(usize, f32)) {
        let (first, end) = self.outputs_reaching(i);
        self.for_each_contribution_of(i, first, end, f);
    }

    /// [`Self::for_each_contribution`] with the outputs reaching `i`
    /// already known (`[first, end)`, from [`Self::outputs_reaching`]).
    #[inline]
    pub fn for_each_contribution_of(
        &self,
        i: usize,
        first: usize,
        end: usize,
        mut f: impl FnMut(usize, f32),
    ) {
        self.for_each_tap_in(first..end, |o, index, w| {
            if index == i {
                f(o, w)
            }
        });
    }
}

/// The first `k` in `0..len` for which `pred(k)` is false (`pred` true
/// then false along the range), as `slice::partition_point`, found by
/// galloping out from `guess` and then bisecting: `O(log d)` calls of
/// `pred` for an answer `d` away from the guess.
fn partition_point_near(len: usize, guess: usize, pred: impl Fn(usize) -> bool) -> usize {
    // The answer lies in [lo, hi]: pred is true below lo, false from hi.
    let (mut lo, mut hi) = (0, len);
    let mut probe = guess.min(len);
    let mut step = 1;
    if probe < len && pred(probe) {
        lo = probe + 1;
        while let Some(next) = probe.checked_add(step).filter(|&n| n < hi) {
            if !pred(next) {
                hi = next;
                break;
            }
            (lo, probe, step) = (next + 1, next, step * 2);
        }
    } else {
        hi = probe;
        while let Some(next) = probe.checked_sub(step).filter(|&n| n >= lo) {
            if pred(next) {
                lo = next + 1;
                break;
            }
            (hi, probe, step) = (next, next, step * 2);
        }
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::partition_point_near;

    /// The answer of a plain bisection, whatever the guess: before,
    /// at and past the answer, at both ends, on empty ranges.
    #[test]
    fn partition_point_near_finds_what_bisection_finds() {
        for len in 0..40 {
            for answer in 0..=len {
                for guess in 0..len + 3 {
                    let got = partition_point_near(len, guess, |k| k < answer);
                    assert_eq!(got, answer, "len {len} guess {guess}");
                }
            }
        }
    }
}
