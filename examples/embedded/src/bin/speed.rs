//! interpolate on firmware-sized inputs, timed on the Cortex-M4F: what
//! `scripts/firmware-speed.sh` compares the full build with the small one
//! (`--no-default-features`, the general kernel alone) by.
//!
//! Each case runs once and is timed by SysTick, which counts the core's
//! clock. Under QEMU with `-icount shift=0` every instruction advances the
//! virtual clock by 1 ns, so a count is a deterministic measure of the
//! instructions the call ran (the mps2-an386 core clock is 25 MHz: one
//! tick per 40 instructions), not of a real core's cycles: loads and
//! stores cost a real Cortex-M4 2 cycles, most other instructions 1, and
//! division 14. Without `-icount` the counts follow the host's clock.
//!
//! It prints one line per case (`name ticks`) and exits through
//! semihosting with status 0, or 1 if a call fails.

#![no_std]
#![no_main]

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_semihosting as _;
use upsample::{InterpolateMode as M, InterpolateOptions, Layout};

/// The largest input and output of [`CASES`], in floats.
const INPUT_LEN: usize = 3 * 48 * 48;
const OUTPUT_LEN: usize = 8 * 48 * 48;

static mut INPUT: [f32; INPUT_LEN] = [0.0; INPUT_LEN];
static mut OUTPUT: [f32; OUTPUT_LEN] = [0.0; OUTPUT_LEN];

/// A timed case: name, mode, input shape, layout, output size, antialias.
type Case = (
    &'static str,
    M,
    &'static [usize],
    Layout,
    &'static [usize],
    bool,
);

const CF: Layout = Layout::ChannelsFirst;
const CL: Layout = Layout::ChannelsLast;

/// Sizes a microcontroller handles: a small camera frame, a feature map,
/// a sensor's 1-d signal, a small volume.
#[rustfmt::skip]
static CASES: &[Case] = &[
    ("nearest x2 CF 1x8x24x24", M::Nearest, &[1, 8, 24, 24], CF, &[48, 48], false),
    ("nearest x2 CL 1x3x32x32", M::Nearest, &[1, 3, 32, 32], CL, &[64, 64], false),
    ("nearest-exact x1.5 CF 1x3x32x32", M::NearestExact, &[1, 3, 32, 32], CF, &[48, 48], false),
    ("linear x2 CF 2x4x256", M::Linear, &[2, 4, 256], CF, &[512], false),
    ("bilinear x2 CF 1x3x32x32", M::Bilinear, &[1, 3, 32, 32], CF, &[64, 64], false),
    ("bilinear x2 CL 1x3x32x32", M::Bilinear, &[1, 3, 32, 32], CL, &[64, 64], false),
    ("bilinear x2 CF 1x16x16x16", M::Bilinear, &[1, 16, 16, 16], CF, &[32, 32], false),
    ("bilinear x1.5 CF 1x4x24x24", M::Bilinear, &[1, 4, 24, 24], CF, &[36, 36], false),
    ("bilinear x1.5 CL 1x3x32x32", M::Bilinear, &[1, 3, 32, 32], CL, &[48, 48], false),
    ("bicubic x2 CF 1x3x24x24", M::Bicubic, &[1, 3, 24, 24], CF, &[48, 48], false),
    ("bicubic x2 CL 1x3x24x24", M::Bicubic, &[1, 3, 24, 24], CL, &[48, 48], false),
    ("trilinear x2 CF 1x2x8x8x8", M::Trilinear, &[1, 2, 8, 8, 8], CF, &[16, 16, 16], false),
    ("area /3 CF 1x3x48x48", M::Area, &[1, 3, 48, 48], CF, &[16, 16], false),
    ("bilinear antialias /2 CF 1x3x48x48", M::Bilinear, &[1, 3, 48, 48], CF, &[24, 24], true),
    ("lanczos /2 CL 1x3x48x48", M::Lanczos, &[1, 3, 48, 48], CL, &[24, 24], true),
];

#[entry]
fn main() -> ! {
    // SAFETY: `main` runs once, on the only core, and no interrupt handler
    // touches the buffers: these are the only references to them.
    let (input, output) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(INPUT),
            &mut *core::ptr::addr_of_mut!(OUTPUT),
        )
    };
    for (j, x) in input.iter_mut().enumerate() {
        *x = ((j * 37) % 101) as f32 / 50.0 - 1.0;
    }
    let Some(mut syst) = cortex_m::Peripherals::take().map(|p| p.SYST) else {
        panic!("the core peripherals were taken before main");
    };
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00FF_FFFF);
    syst.clear_current();
    syst.enable_counter();
    let mut failed = false;
    hprintln!("{:<40} {:>9}", "case", "ticks");
    for &(name, mode, shape, layout, size, antialias) in CASES {
        let opts = InterpolateOptions::size(mode, size).with_antialias(antialias);
        let (n, m) = (
            shape.iter().product::<usize>(),
            size.iter().product::<usize>(),
        );
        let out = &mut output[..m * shape[0] * shape[1]];
        let start = SYST::get_current();
        let result = upsample::interpolate(&input[..n], shape, layout, &opts, out);
        // SysTick counts down, and wraps at 2^24 (far above any case).
        let ticks = start.wrapping_sub(SYST::get_current()) & 0x00FF_FFFF;
        match result {
            Ok(()) => hprintln!("{:<40} {:>9}", name, ticks),
            Err(e) => {
                hprintln!("{:<40} FAIL: {}", name, e);
                failed = true;
            }
        }
    }
    syst.disable_counter();
    debug::exit(if failed {
        debug::EXIT_FAILURE
    } else {
        debug::EXIT_SUCCESS
    });
    #[allow(clippy::empty_loop)] // exit does not return under QEMU
    loop {}
}
