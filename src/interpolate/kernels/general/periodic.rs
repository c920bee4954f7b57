//! Channels-first outputs whose windows repeat with a period (x2, x4, x0.5),
//! vectorised over periods with the phases interleaved.

use crate::interpolate::windows::table::Table;
use crate::simd::Permute;

/// Channels-first outputs where the windows repeat: `PHASES` outputs per
/// period, the window moving `STEP` inputs per period. Vectorised over
/// `blocks * LANES` periods from output `first`, phases interleaved;
/// `halves` is scratch for the deinterleaved row when `STEP` is 2.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn periodic<
    L: Permute,
    const PHASES: usize,
    const STEP: usize,
    const N: usize,
    const P: usize,
    const T: usize,
>(
    src: &[f32],
    wt: &Table<N, P, T>,
    lo: usize,
    first: usize,
    blocks: usize,
    last: usize,
    dst: &mut [f32],
    halves: &mut [f32],
) {
    // Every tap of step 2 reads every other input: the row is
    // deinterleaved once (two vector loads, two shuffles, two stores per 2
    // * LANES inputs) so that each tap is one plain load. A strided load
    // per tap compiled to an insert per lane: 60% of lanczos x0.5's time.
    let (even, odd) = halves.split_at_mut(halves.len() / 2);
    if STEP != 1 {
        unzip_into::<L>(src, even, odd);
    }
    let (even, odd) = (&*even, &*odd);
    // Input `at` is element `row_of(at).1` of the slice `row_of(at).0`
    // (the row, or the half holding it), and period `i`'s windows lie `STEP
    // * i` inputs on, so `i` elements on in that slice.
    let row_of = |at: usize| {
        if STEP == 1 {
            (src, at)
        } else {
            let half = if at.is_multiple_of(2) { even } else { odd };
            (half, at / 2)
        }
    };
    let zero = L::splat(0.0);
    // Blocks `per` at a time, each tap's slice, position and splatted
    // weight found once for them all and its multiply-adds in `per`
    // independent chains (one block at a time made each block a chain of
    // dependent multiply-adds with 17 instructions of setup per tap).
    // Block `blocks` is the overlapping tail; a group past it repeats the
    // tail, rewriting the same values.
    let per = (4 / PHASES).max(1);
    let mut g = 0;
    while g <= blocks {
        let starts: [usize; 4] = core::array::from_fn(|u| {
            if g + u < blocks {
                (g + u) * L::LANES
            } else {
                last
            }
        });
        let mut v = [[zero; PHASES]; 4];
        for p in 0..PHASES {
            let (start, w) = wt.get(first + p);
            for (j, &wj) in w.iter().enumerate() {
                let (row, a) = row_of(start - lo + j);
                let w = L::splat(wj);
                // One check for the group's loads (the starts ascend), not
                // a fallback to zero per load.
                let reach = starts[per - 1] + L::LANES;
                let row = row.get(a..a + reach).unwrap_or_default();
                for (vu, &i) in v.iter_mut().zip(&starts).take(per) {
                    let x = if row.len() == reach {
                        L::load(&row[i..])
                    } else {
                        zero
                    };
                    vu[p] = if j == 0 { w * x } else { w.mul_add(x, vu[p]) };
                }
            }
        }
        for (vu, &i) in v.iter().zip(&starts).take(per) {
            let out = &mut dst[first + PHASES * i..];
            match vu.as_slice() {
                [a] => a.store(out),
                [a, b] => {
                    let (lo, hi) = a.zip(*b);
                    lo.store(out);
                    hi.store(&mut out[L::LANES..]);
                }
                [a, b, c, d] => {
                    let (ac_lo, ac_hi) = a.zip(*c);
                    let (bd_lo, bd_hi) = b.zip(*d);
                    let (o0, o1) = ac_lo.zip(bd_lo);
                    let (o2, o3) = ac_hi.zip(bd_hi);
                    o0.store(out);
                    o1.store(&mut out[L::LANES..]);
                    o2.store(&mut out[2 * L::LANES..]);
                    o3.store(&mut out[3 * L::LANES..]);
                }
                _ => {}
            }
        }
        g += per;
    }
}

/// `even[j] = src[2j]`, `odd[j] = src[2j + 1]`.
#[inline]
fn unzip_into<L: Permute>(src: &[f32], even: &mut [f32], odd: &mut [f32]) {
    let mut pairs = src.chunks_exact(2 * L::LANES);
    let halves = even
        .chunks_exact_mut(L::LANES)
        .zip(odd.chunks_exact_mut(L::LANES));
    let mut done = 0;
    for (pair, (e, o)) in (&mut pairs).zip(halves) {
        let (a, b) = L::load(pair).unzip(L::load(&pair[L::LANES..]));
        a.store(e);
        b.store(o);
        done += L::LANES;
    }
    for (k, &v) in pairs.remainder().iter().enumerate() {
        let half = if k.is_multiple_of(2) {
            &mut *even
        } else {
            &mut *odd
        };
        if let Some(d) = half.get_mut(done + k / 2) {
            *d = v;
        }
    }
}
