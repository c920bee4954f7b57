//! Firmware-style use of `upsample`: a fixed-size, allocation-free call
//! sequence over static buffers, as a task on a Cortex-M4F would run it.
//!
//! The task reads an 8x8 thermal sensor frame and, every frame:
//!
//! 1. `interpolate` (bilinear) makes a 32x32 image for a display;
//! 2. `max_pool` (4x4 windows, with indices) finds the hottest pixel of each
//!    window, and `max_unpool` puts just those back on a 32x32 "peak map";
//! 3. `avg_unpool` spreads the window maxima back over their windows: a
//!    blocky 32x32 preview;
//! 4. `pixel_unshuffle` turns the 32x32 image into 4 channels of 16x16 (the
//!    space-to-depth input of a small network), `pixel_shuffle` turns it back;
//! 5. `conv_transpose` (stride 2) decodes the 4x16x16 tensor to 32x32, as the
//!    last layer of such a network would.
//!
//! Every buffer is a fixed-size array in one `static`; the sizes are
//! constants, checked once at start-up against the crate's output-shape
//! helpers. Nothing allocates: this crate has no `#[global_allocator]`, so
//! the build fails to link if `upsample` (or anything it depends on) ever
//! needs `alloc`; and `thumbv7em-none-eabihf` has no `std`, so the build fails
//! if anything needs `std`. CI builds it with
//!
//! ```sh
//! cargo build --release --target thumbv7em-none-eabihf   # in examples/embedded/
//! ```
//!
//! Real firmware would take its entry point, memory layout and panic handler
//! from its board support crates (for example `cortex-m-rt`'s `#[entry]` and
//! `memory.x`); this example stays dependency-free with a bare `_start`.

#![no_std]
#![no_main]

use upsample::{
    ConvTransposeOptions, Error, InterpolateMode, InterpolateOptions, Layout, MaxPoolOptions,
    UnpoolOptions,
};

// ---------------------------------------------------------------------------
// Sizes, fixed at compile time
// ---------------------------------------------------------------------------

/// The sensor: one 8x8 frame, logical shape (N, C, H, W) = (1, 1, 8, 8).
const SENSOR: [usize; 4] = [1, 1, 8, 8];
/// The display image: (1, 1, 32, 32), 4x the sensor.
const DISPLAY: [usize; 4] = [1, 1, 32, 32];
/// One maximum per 4x4 window of the display: (1, 1, 8, 8).
const POOLED: [usize; 4] = [1, 1, 8, 8];
/// The display as 4 channels of 16x16 (pixel_unshuffle by 2).
const DEPTH: [usize; 4] = [1, 4, 16, 16];
/// The decoder's weight, PyTorch's (C_in, C_out / groups, kH, kW).
const WEIGHT: [usize; 4] = [4, 1, 4, 4];

const SENSOR_LEN: usize = 8 * 8;
const DISPLAY_LEN: usize = 32 * 32;
const POOLED_LEN: usize = 8 * 8;
const DEPTH_LEN: usize = 4 * 16 * 16;
/// Scratch for `conv_transpose`: a bound that holds on every build, however
/// wide its SIMD (start-up still checks it against this build's need).
const SCRATCH_LEN: usize = upsample::conv_transpose_scratch_bound(
    &DEPTH,
    Layout::ChannelsFirst,
    &WEIGHT,
    &DECODER_OPTIONS,
);

// Parameters, as PyTorch spells them (one value applies to both axes).
const SCALE_FACTOR: [f64; 1] = [4.0];
const WINDOW: [usize; 1] = [4];
const SHUFFLE_FACTOR: usize = 2;
const DECODER_STRIDE: [usize; 1] = [2];
const DECODER_PADDING: [usize; 1] = [1];
const DECODER_OPTIONS: ConvTransposeOptions<'static> = ConvTransposeOptions::new()
    .with_stride(&DECODER_STRIDE)
    .with_padding(&DECODER_PADDING);

/// The decoder's weights: a real model would load trained ones. These make
/// it a bilinear 2x upsampler averaging the four channels: the outer product
/// of [1/4, 3/4, 3/4, 1/4] with itself, divided by 4, per channel.
static DECODER_WEIGHT: [f32; 4 * 4 * 4] = {
    const TAPS: [f32; 4] = [0.25, 0.75, 0.75, 0.25];
    let mut w = [0.0; 4 * 4 * 4];
    let mut i = 0;
    while i < w.len() {
        w[i] = TAPS[(i / 4) % 4] * TAPS[i % 4] / 4.0;
        i += 1;
    }
    w
};
static DECODER_BIAS: [f32; 1] = [0.0];

// ---------------------------------------------------------------------------
// Static buffers
// ---------------------------------------------------------------------------

/// Every buffer the task uses, in one static (34 KiB of `.bss`).
struct Buffers {
    frame: [f32; SENSOR_LEN],
    display: [f32; DISPLAY_LEN],
    window_max: [f32; POOLED_LEN],
    window_argmax: [i64; POOLED_LEN],
    peaks: [f32; DISPLAY_LEN],
    blocky: [f32; DISPLAY_LEN],
    depth: [f32; DEPTH_LEN],
    round_trip: [f32; DISPLAY_LEN],
    decoded: [f32; DISPLAY_LEN],
    scratch: [f32; SCRATCH_LEN],
}

impl Buffers {
    const fn new() -> Self {
        Buffers {
            frame: [0.0; SENSOR_LEN],
            display: [0.0; DISPLAY_LEN],
            window_max: [0.0; POOLED_LEN],
            window_argmax: [0; POOLED_LEN],
            peaks: [0.0; DISPLAY_LEN],
            blocky: [0.0; DISPLAY_LEN],
            depth: [0.0; DEPTH_LEN],
            round_trip: [0.0; DISPLAY_LEN],
            decoded: [0.0; DISPLAY_LEN],
            scratch: [0.0; SCRATCH_LEN],
        }
    }
}

static mut BUFFERS: Buffers = Buffers::new();

// ---------------------------------------------------------------------------
// The task
// ---------------------------------------------------------------------------

/// Why the task stopped. Firmware would log it or blink it; every variant
/// carries the crate's error, which says what was wrong.
#[derive(Debug)]
#[allow(dead_code)] // the fields are for a debugger stopped in `halt`
enum Fault {
    /// A compile-time size does not match what the crate computes.
    Shape(&'static str),
    /// An op rejected its arguments.
    Op(&'static str, Error),
}

fn interpolate_options() -> InterpolateOptions {
    // F.interpolate(x, scale_factor=4, mode="bilinear", align_corners=False)
    InterpolateOptions::scale_factor(InterpolateMode::Bilinear, SCALE_FACTOR)
        .with_align_corners(false)
}

/// Checks once, at start-up, that the constant sizes are what the crate
/// computes for these parameters (a mismatch would make every call fail
/// with `BufferLength`).
fn check_shapes() -> Result<(), Fault> {
    let same = |got: Result<upsample::Shape, Error>, want: &[usize], what| match got {
        Ok(shape) if shape.as_slice() == want => Ok(()),
        Ok(_) => Err(Fault::Shape(what)),
        Err(e) => Err(Fault::Op(what, e)),
    };
    same(
        upsample::interpolate_output_shape(&SENSOR, &interpolate_options()),
        &DISPLAY,
        "interpolate",
    )?;
    same(
        upsample::max_pool_output_shape(&DISPLAY, &MaxPoolOptions::new(&WINDOW)),
        &POOLED,
        "max_pool",
    )?;
    same(
        upsample::unpool_output_shape(&POOLED, &UnpoolOptions::new(&WINDOW)),
        &DISPLAY,
        "unpool",
    )?;
    same(
        upsample::pixel_unshuffle_output_shape(&DISPLAY, SHUFFLE_FACTOR),
        &DEPTH,
        "pixel_unshuffle",
    )?;
    same(
        upsample::pixel_shuffle_output_shape(&DEPTH, SHUFFLE_FACTOR),
        &DISPLAY,
        "pixel_shuffle",
    )?;
    same(
        upsample::conv_transpose_output_shape(&DEPTH, &WEIGHT, &DECODER_OPTIONS),
        &DISPLAY,
        "conv_transpose",
    )?;
    match upsample::conv_transpose_scratch_len(
        &DEPTH,
        Layout::ChannelsFirst,
        &WEIGHT,
        &DECODER_OPTIONS,
    ) {
        Ok(needed) if needed <= SCRATCH_LEN => Ok(()),
        Ok(_) => Err(Fault::Shape("conv_transpose scratch")),
        Err(e) => Err(Fault::Op("conv_transpose scratch", e)),
    }
}

/// One frame through every op.
fn process_frame(b: &mut Buffers) -> Result<(), Fault> {
    let cf = Layout::ChannelsFirst; // with one channel, either layout is the same
    let op = |what| move |e| Fault::Op(what, e);

    // 1. 8x8 -> 32x32 for the display.
    upsample::interpolate(
        &b.frame,
        &SENSOR,
        cf,
        &interpolate_options(),
        &mut b.display,
    )
    .map_err(op("interpolate"))?;

    // 2. The hottest pixel of each 4x4 window, and where it is; then only
    //    those pixels back on a 32x32 peak map (zeros elsewhere).
    upsample::max_pool(
        &b.display,
        &DISPLAY,
        cf,
        &MaxPoolOptions::new(&WINDOW),
        &mut b.window_max,
        &mut b.window_argmax,
    )
    .map_err(op("max_pool"))?;
    upsample::max_unpool(
        &b.window_max,
        &b.window_argmax,
        &POOLED,
        cf,
        &UnpoolOptions::new(&WINDOW),
        &mut b.peaks,
    )
    .map_err(op("max_unpool"))?;

    // 3. Each window's maximum spread over its window: a blocky preview.
    upsample::avg_unpool(
        &b.window_max,
        &POOLED,
        cf,
        &UnpoolOptions::new(&WINDOW),
        &mut b.blocky,
    )
    .map_err(op("avg_unpool"))?;

    // 4. Space-to-depth for a network, and back (bit-exact round trip).
    upsample::pixel_unshuffle(&b.display, &DISPLAY, cf, SHUFFLE_FACTOR, &mut b.depth)
        .map_err(op("pixel_unshuffle"))?;
    upsample::pixel_shuffle(&b.depth, &DEPTH, cf, SHUFFLE_FACTOR, &mut b.round_trip)
        .map_err(op("pixel_shuffle"))?;

    // 5. The network's last layer: a stride-2 transposed convolution.
    upsample::conv_transpose(
        &b.depth,
        &DEPTH,
        cf,
        &DECODER_WEIGHT,
        &WEIGHT,
        Some(&DECODER_BIAS),
        &DECODER_OPTIONS,
        &mut b.decoded,
        &mut b.scratch,
    )
    .map_err(op("conv_transpose"))?;
    Ok(())
}

/// Stands in for the sensor driver: a warm spot drifting over a 20 °C scene.
fn read_sensor(frame_number: u32, frame: &mut [f32; SENSOR_LEN]) {
    let (spot_y, spot_x) = ((frame_number / 8 % 8) as usize, (frame_number % 8) as usize);
    for (i, t) in frame.iter_mut().enumerate() {
        let (y, x) = (i / 8, i % 8);
        let near = y.abs_diff(spot_y) + x.abs_diff(spot_x);
        *t = 20.0 + 16.0 / (1 + near * near) as f32;
    }
}

/// Stands in for sending results out (display, UART, radio).
fn publish(b: &Buffers) {
    core::hint::black_box((&b.display, &b.peaks, &b.blocky, &b.round_trip, &b.decoded));
}

/// The firmware's entry: check the sizes once, then process frames forever.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    // SAFETY: `_start` runs once, on the only core, and nothing else (no
    // interrupt handler) touches `BUFFERS`: this is the one reference to it
    // ever made.
    let buffers = unsafe { &mut *core::ptr::addr_of_mut!(BUFFERS) };
    let mut result = check_shapes();
    let mut frame_number = 0u32;
    while result.is_ok() {
        read_sensor(frame_number, &mut buffers.frame);
        result = process_frame(buffers);
        publish(buffers);
        frame_number = frame_number.wrapping_add(1);
    }
    halt(result)
}

/// Where a fault ends up: firmware would report it and reset.
fn halt(result: Result<(), Fault>) -> ! {
    core::hint::black_box(&result);
    loop {
        core::hint::spin_loop();
    }
}

/// Required by every `no_std` binary. `upsample` returns errors instead of
/// panicking, so this is reached only by a bug.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
