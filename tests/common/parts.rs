//! Splitting a call into parts at random unit boundaries (one part up to
//! one part per unit), running them in a random order or on real threads,
//! each into its own guard-banded piece, and comparing the joined pieces
//! with one whole call bit for bit (tests/parts.rs, tests/backward_parts.rs).

use super::{Guarded, Rng, same_bits};
use quickcheck::TestResult;
use upsample::Error;
use upsample::part::Units;

/// Sentinels around every piece.
pub const GUARD: usize = 9;

/// Random cuts of `count` units: `(first, units)` runs covering them all.
pub fn cuts(rng: &mut Rng, count: usize) -> Vec<(usize, usize)> {
    let parts = match rng.range(0, 3) {
        0 => 1,
        1 => count,
        _ => rng.range(1, count),
    };
    // `parts - 1` distinct cut points in 1..count.
    let mut points: Vec<usize> = (1..count).collect();
    for k in (1..points.len()).rev() {
        points.swap(k, rng.range(0, k));
    }
    points.truncate(parts - 1);
    points.sort_unstable();
    let mut runs = Vec::new();
    let mut at = 0;
    for p in points.into_iter().chain([count]) {
        runs.push((at, p - at));
        at = p;
    }
    runs
}

/// Runs `part(first, units)` for every run of a random cut of `units`, in a
/// random order or each on its own thread; the results in unit order.
pub fn split<O: Send>(
    rng: &mut Rng,
    units: Units,
    part: impl Fn(usize, usize) -> Result<O, String> + Sync,
) -> Result<Vec<O>, String> {
    let runs = cuts(rng, units.count);
    let mut order: Vec<usize> = (0..runs.len()).collect();
    for k in (1..order.len()).rev() {
        order.swap(k, rng.range(0, k));
    }
    let mut done: Vec<Option<Result<O, String>>> = (0..runs.len()).map(|_| None).collect();
    // No threads under miri (slow) or on wasm32-wasip1 (none to spawn).
    if rng.coin() && !cfg!(miri) && !cfg!(target_family = "wasm") {
        std::thread::scope(|s| {
            let handles: Vec<_> = order
                .iter()
                .map(|&k| {
                    let (first, n) = runs[k];
                    let part = &part;
                    (k, s.spawn(move || part(first, n)))
                })
                .collect();
            for (k, h) in handles {
                done[k] = Some(h.join().unwrap_or_else(|_| Err("a part panicked".into())));
            }
        });
    } else {
        for &k in &order {
            let (first, n) = runs[k];
            done[k] = Some(part(first, n));
        }
    }
    done.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a part never ran".into())))
        .collect()
}

/// One `f32` piece of `len` elements between guard bands, written by
/// `write`; its contents if the bands held.
pub fn piece(
    len: usize,
    write: impl FnOnce(&mut [f32]) -> Result<(), Error>,
) -> Result<Vec<f32>, String> {
    let mut out = Guarded::new(len, GUARD, GUARD);
    write(out.inner_mut()).map_err(|e| format!("part failed: {e}"))?;
    if !out.bands_intact() {
        return Err("a part wrote outside its piece".into());
    }
    Ok(out.inner().to_vec())
}

/// Bit for bit; where the platform leaves a NaN's sign and payload open
/// (WebAssembly's arithmetic, miri), a NaN matches any NaN.
pub fn equal(a: &[f32], b: &[f32]) -> bool {
    if cfg!(miri) || cfg!(target_family = "wasm") {
        a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| super::same(x, y))
    } else {
        same_bits(a, b)
    }
}

/// The parts' pieces, joined, against the whole call's output.
pub fn joined_equals(pieces: Result<Vec<Vec<f32>>, String>, whole: &[f32]) -> TestResult {
    match pieces {
        Ok(p) if equal(&p.concat(), whole) => TestResult::passed(),
        Ok(p) => TestResult::error(format!(
            "the parts differ from the whole call: {:?} of {}",
            super::first_difference(&p.concat(), whole),
            whole.len()
        )),
        Err(e) => TestResult::error(e),
    }
}
