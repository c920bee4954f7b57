//! Every `upsample` op, run on a Cortex-M4F: a `no_std`, allocation-free
//! firmware program for QEMU's `mps2-an386` board that calls each op's
//! public entry point, the forward ops and their gradients (`*_backward`),
//! on the small fixed inputs of `cases.rs`, compares each result with the
//! values the host computed through `upsample::reference` (`expected.rs`,
//! made by `expected/`), and measures each call's peak stack by painting
//! the stack before it and looking how far down the paint was scrubbed.
//! Interpolate's, resize's and interpolate_backward's cases run a second
//! time through their caller-scratch variants (`*_with_scratch`).
//!
//! It prints one line per case and a summary per op, then exits through
//! semihosting with status 0 only if every result is within its op's
//! tolerance and every op's peak stack is within [`STACK_BOUNDS`] (the
//! variants': [`SCRATCH_BOUNDS`]):
//!
//! ```sh
//! cargo run --release    # in examples/embedded/ (needs qemu-system-arm)
//! scripts/test-firmware.sh   # from the repository root: installs, checks, runs
//! ```
//!
//! It has no `#[global_allocator]`, so it fails to link if `upsample` (or
//! anything it depends on) ever needs `alloc`; and the target has no `std`.

#![no_std]
#![no_main]

mod cases;
#[rustfmt::skip]
mod expected;

use cases::{Buffers, CASES, FAST, Op, Ops, SCRATCH, Tolerance, fill_input};
use core::sync::atomic::{AtomicUsize, Ordering};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _; // a panic prints its message and exits with failure

/// Each op's stack bound in bytes, on `thumbv7em-none-eabihf` at the
/// example's `opt-level = "s"`: the program fails if any call of the op
/// uses more. The peak is the op's call alone (measured around it, in
/// [`measured`]), with inputs that send interpolate and resize through
/// their exact fix-up among the cases (and interpolate_backward through
/// its exact per-tap gather and its fallback to the reference, and
/// conv_transpose_backward through the caller's scratch, which firmware
/// builds always take). Each bound sits above the peak of
/// the full and the small build; no op may need more than 8 KiB (firmware
/// builds take interpolate's short tables, `src/stack.rs`).
const STACK_BOUNDS: [(Op, usize); 17] = [
    (Op::Interpolate, 8 * 1024),            // measured 6,356
    (Op::ConvTranspose, 2 * 1024),          // measured 2,048
    (Op::PixelShuffle, 2 * 1024),           // measured 1,404
    (Op::PixelUnshuffle, 2 * 1024),         // measured 1,248
    (Op::MaxPool, 2 * 1024),                // measured 1,244
    (Op::MaxUnpool, 2 * 1024),              // measured 1,500
    (Op::AvgUnpool, 2 * 1024),              // measured 1,760
    (Op::Resize, 8 * 1024),                 // measured 6,528
    (Op::DepthToSpace, 2 * 1024),           // measured 1,136
    (Op::SpaceToDepth, 2 * 1024),           // measured 1,240
    (Op::InterpolateBackward, 6 * 1024),    // measured 5,424
    (Op::ConvTransposeBackward, 2 * 1024),  // measured 1,728
    (Op::PixelShuffleBackward, 2 * 1024),   // measured 1,208
    (Op::PixelUnshuffleBackward, 2 * 1024), // measured 1,372
    (Op::MaxPoolBackward, 2 * 1024),        // measured 1,108
    (Op::MaxUnpoolBackward, 1024),          // measured 804
    (Op::AvgUnpoolBackward, 2 * 1024),      // measured 1,300
];

/// The bounds of `interpolate_with_scratch`, `resize_with_scratch` and
/// `interpolate_backward_with_scratch` (whose tables are in the caller's
/// scratch), as [`STACK_BOUNDS`]: the
/// crate promises them under 2 KiB.
const SCRATCH_BOUNDS: [(Op, usize); 3] = [
    (Op::Interpolate, 2 * 1024),         // measured 1,720
    (Op::Resize, 2 * 1024),              // measured 1,928
    (Op::InterpolateBackward, 2 * 1024), // measured 1,564
];

fn stack_bound(op: Op) -> usize {
    STACK_BOUNDS
        .iter()
        .find(|(o, _)| *o == op)
        .map_or(0, |&(_, bound)| bound)
}

static mut BUFFERS: Buffers = Buffers::new();

/// The most stack any op call of the running case used (`usize::MAX`: one
/// reached the end of the stack).
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// [`Ops::call`] on the target: the op's call, its peak stack noted in
/// [`PEAK`]. What is measured is the call alone: the case's own frames
/// (building the options, the output shape) are above it.
fn measured(op: &mut dyn FnMut() -> Result<(), upsample::Error>) -> Result<(), upsample::Error> {
    let (result, peak) = stack::measure(op);
    PEAK.fetch_max(peak.unwrap_or(usize::MAX), Ordering::Relaxed);
    result
}

/// The crate's entry points, measured.
const MEASURED: Ops = Ops {
    call: measured,
    ..FAST
};

/// Interpolate and resize through their caller-scratch variants, measured.
const MEASURED_SCRATCH: Ops = Ops {
    call: measured,
    ..SCRATCH
};

/// Stack painting.
mod stack {
    /// The word the free stack is painted with.
    const PAINT: u32 = 0xC0FF_EE55;

    unsafe extern "C" {
        /// cortex-m-rt's end (lowest address) of the stack: the end of
        /// `.bss`, 4-byte aligned.
        static mut _stack_end: u32;
    }

    /// Runs `f` and returns its result and its peak stack use in bytes:
    /// how far below this function's frame `f` wrote. `None` for the
    /// peak if `f` reached the end of the stack (an overflow into `.bss`
    /// is then likely, and the result worthless).
    #[inline(never)]
    pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Option<usize>) {
        let top = cortex_m::register::msp::read() as usize & !3;
        let end = &raw mut _stack_end as usize;
        // Paint every free word, from the end of the stack up to this
        // frame. The loop keeps to registers and this frame: no calls.
        let mut at = end;
        while at < top {
            // SAFETY: [end, top) is free stack, below every live frame
            // (`top` is the stack pointer now), 4-byte aligned, and no
            // interrupt is enabled that could be using it.
            unsafe { core::ptr::write_volatile(at as *mut u32, PAINT) };
            at += 4;
        }
        let result = core::hint::black_box(f());
        // The lowest word written is the peak.
        let mut at = end;
        // SAFETY: as above; `f` has returned, so [end, top) is free again.
        while at < top && unsafe { core::ptr::read_volatile(at as *const u32) } == PAINT {
            at += 4;
        }
        let peak = (at > end).then_some(top - at);
        (result, peak)
    }
}

/// How a result compares with the expected one.
enum Verdict {
    Pass { max_error: f32 },
    Mismatch { at: usize, got: f32, want: f32 },
    Length { got: usize, want: usize },
    Failed(upsample::Error),
}

fn compare(
    tolerance: Tolerance,
    result: Result<usize, upsample::Error>,
    got: &[f32],
    want: &[u32],
) -> Verdict {
    let n = match result {
        Ok(n) => n,
        Err(e) => return Verdict::Failed(e),
    };
    if n != want.len() {
        return Verdict::Length {
            got: n,
            want: want.len(),
        };
    }
    let mut max_error = 0.0f32;
    for (at, (&got, &want)) in got[..n].iter().zip(want).enumerate() {
        let want = f32::from_bits(want);
        if !tolerance.accepts(got, want) {
            return Verdict::Mismatch { at, got, want };
        }
        if got.is_finite() && want.is_finite() {
            max_error = max_error.max((got - want).abs());
        }
    }
    Verdict::Pass { max_error }
}

/// Runs case `i` through `ops`, prints its line, and returns whether its
/// result and its stack (against `bound`) pass, and its peak stack.
fn run_case(i: usize, ops: &Ops, variant: &str, bound: usize, b: &mut Buffers) -> (bool, usize) {
    let case = &CASES[i];
    let (name, want) = expected::EXPECTED[i];
    if name != case.name {
        hprintln!("expected.rs is out of date: case {} is {:?} there", i, name);
        debug::exit(debug::EXIT_FAILURE);
    }
    fill_input(i, &mut b.input);
    PEAK.store(0, Ordering::Relaxed);
    let result = (case.run)(ops, b);
    let peak = Some(PEAK.load(Ordering::Relaxed)).filter(|&p| p != usize::MAX);
    let verdict = compare(case.tolerance, result, &b.output, want);
    let stack_ok = peak.is_some_and(|p| p <= bound);
    let ok = stack_ok && matches!(verdict, Verdict::Pass { .. });
    let stack = peak.unwrap_or(usize::MAX);
    match verdict {
        Verdict::Pass { max_error } if stack_ok => {
            hprintln!(
                "{:<62} {:>7} {:>7}  ok (max |error| {:e})",
                case.name,
                stack,
                bound,
                max_error
            )
        }
        Verdict::Pass { .. } => {
            hprintln!(
                "{:<62} {:>7} {:>7}  FAIL: stack over its bound",
                case.name,
                stack,
                bound
            )
        }
        Verdict::Mismatch { at, got, want } => hprintln!(
            "{:<62} {:>7} {:>7}  FAIL: element {} is {:e} ({:#010x}), the reference's {:e} ({:#010x}), tolerance {:?}",
            case.name,
            stack,
            bound,
            at,
            got,
            got.to_bits(),
            want,
            want.to_bits(),
            case.tolerance
        ),
        Verdict::Length { got, want } => hprintln!(
            "{:<62} {:>7} {:>7}  FAIL: {} outputs, the reference {}",
            case.name,
            stack,
            bound,
            got,
            want
        ),
        Verdict::Failed(e) => {
            hprintln!("{:<62} {:>7} {:>7}  FAIL: {}", case.name, stack, bound, e)
        }
    }
    if !variant.is_empty() {
        hprintln!("  (through {})", variant);
    }
    (ok, stack)
}

#[entry]
fn main() -> ! {
    // SAFETY: `main` runs once, on the only core, and no interrupt handler
    // touches `BUFFERS`: this is the one reference to it ever made.
    let b = unsafe { &mut *core::ptr::addr_of_mut!(BUFFERS) };
    let mut peaks = [0usize; Op::ALL.len()];
    let mut scratch_peaks = [0usize; SCRATCH_BOUNDS.len()];
    let (mut passed, mut failed) = (0, 0);
    hprintln!("upsample on a Cortex-M4F (qemu mps2-an386): every op against the host's reference");
    hprintln!("{:<62} {:>7} {:>7}  result", "case", "stack", "bound");
    for (i, case) in CASES.iter().enumerate() {
        let (ok, peak) = run_case(i, &MEASURED, "", stack_bound(case.op), b);
        let slot = Op::ALL.iter().position(|&o| o == case.op).unwrap_or(0);
        peaks[slot] = peaks[slot].max(peak);
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    // Interpolate's, resize's and interpolate_backward's cases again,
    // through the variants that take their tables from the caller's scratch.
    for (i, case) in CASES.iter().enumerate() {
        let Some(slot) = SCRATCH_BOUNDS.iter().position(|&(o, _)| o == case.op) else {
            continue;
        };
        let (op, bound) = SCRATCH_BOUNDS[slot];
        let variant = match op {
            Op::Resize => "resize_with_scratch",
            Op::InterpolateBackward => "interpolate_backward_with_scratch",
            _ => "interpolate_with_scratch",
        };
        let (ok, peak) = run_case(i, &MEASURED_SCRATCH, variant, bound, b);
        scratch_peaks[slot] = scratch_peaks[slot].max(peak);
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    hprintln!("peak stack per op (bytes, in this build), and its bound in STACK_BOUNDS:");
    for (op, peak) in Op::ALL.iter().zip(peaks) {
        hprintln!("  {:<24} {:>7} {:>7}", op.name(), peak, stack_bound(*op));
    }
    hprintln!("the same through the caller-scratch variants, and their bounds in SCRATCH_BOUNDS:");
    for ((op, bound), peak) in SCRATCH_BOUNDS.iter().zip(scratch_peaks) {
        hprintln!("  {:<24} {:>7} {:>7}", op.name(), peak, bound);
    }
    hprintln!("{} passed, {} failed", passed, failed);
    debug::exit(if failed == 0 {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)] // exit does not return under QEMU; a probe would stop here
    loop {}
}
