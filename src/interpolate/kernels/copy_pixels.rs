//! Nearest and nearest-exact at any scale, both layouts (`copy_x2.rs` and
//! `copy_x4_or_half.rs` take the doubling, x4 and halving ones first):
//! each output pixel (channels-first: element) is a copy of the input
//! pixel its window reads (the bits, as PyTorch copies them), from the
//! source row the row driver ([`each_row`]) gives. The W windows' starts
//! are found once per chunk of [`COLUMNS`] output columns for every row
//! and plane.

use crate::interpolate::rows::{Check, each_row};
use crate::interpolate::windows::{AxisWindows, Problem};
use crate::stack::pick;

/// Output columns whose window starts are found at once.
const COLUMNS: usize = pick(256, 32);

/// Whether the kernel takes `p`: a call that copies (nearest, or ONNX's
/// nearest `Resize`), every axis copying.
pub(crate) fn fits(p: &Problem<'_>) -> bool {
    p.g.copies() && p.axes.iter().all(AxisWindows::copies)
}

/// Resamples `input` into `output`, a problem [`fits`] holds for.
#[inline(never)]
pub(crate) fn run(input: &[f32], p: &Problem<'_>, output: &mut [f32]) {
    let c = p.i.pixel();
    let ow = p.o.spatial[2];
    let mut starts = [0usize; COLUMNS];
    let mut w = [0.0f32; 1];
    for x0 in (0..ow).step_by(COLUMNS) {
        let n = COLUMNS.min(ow - x0);
        for (k, start) in starts.iter_mut().take(n).enumerate() {
            *start = p.axes[2].window(x0 + k, &mut w) * c;
        }
        let starts = starts.get(..n).unwrap_or_default();
        let outputs = x0 * c..(x0 + n) * c;
        // Each row's outputs of this chunk by `copy(row, starts, out)`.
        macro_rules! rows {
            ($copy:expr) => {
                each_row::<1>(input, p, output, Check::Flags, |[row], _, out| {
                    if let Some(out) = out.get_mut(outputs.clone()) {
                        $copy(row, starts, out);
                    }
                    false
                })
            };
        }
        // `c` a constant in the common cases, where a pixel's copy is a
        // few moves rather than a `memcpy` call.
        match c {
            1 => rows!(copy_elements),
            2 => rows!(|r, s, o| copy_pixels(r, s, o, 2)),
            3 => rows!(|r, s, o| copy_pixels(r, s, o, 3)),
            4 => rows!(|r, s, o| copy_pixels(r, s, o, 4)),
            8 => rows!(|r, s, o| copy_pixels(r, s, o, 8)),
            _ => rows!(|r, s, o| copy_pixels(r, s, o, c)),
        }
    }
}

/// `out`'s pixels of `c` channels, pixel `k` a copy of `row`'s pixel at
/// `starts[k]`.
#[inline(always)]
fn copy_pixels(row: &[f32], starts: &[usize], out: &mut [f32], c: usize) {
    for (&start, to) in starts.iter().zip(out.chunks_exact_mut(c)) {
        if let Some(from) = row.get(start..start + c) {
            to.copy_from_slice(from);
        }
    }
}

/// [`copy_pixels`] of one element: `out[k] = row[starts[k]]`. A start
/// past the row ends the copy (none is: [`fits`]); a skip instead let
/// LLVM make the loop masked gathers on AVX2 and AVX-512, slower than
/// these scalar moves (and than the general pass).
#[inline(always)]
fn copy_elements(row: &[f32], starts: &[usize], out: &mut [f32]) {
    for (&start, to) in starts.iter().zip(out) {
        let Some(&from) = row.get(start) else {
            return;
        };
        *to = from;
    }
}
