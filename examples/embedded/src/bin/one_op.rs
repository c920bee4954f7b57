//! A firmware that calls one op (picked by a cargo feature, see
//! `../one_op.rs`) and nothing else: what `scripts/sizes.sh` measures the
//! op's flash with. It runs, but only to be linked: its buffers are empty.

#![no_std]
#![no_main]

#[path = "../one_op.rs"]
mod one_op;

use core::hint::black_box;
use cortex_m_rt::entry;
use upsample::Layout;

#[entry]
fn main() -> ! {
    let (mut output, mut scratch, mut indices) = ([0.0f32; 16], [0.0f32; 16], [0i64; 16]);
    let result = one_op::call(one_op::Args {
        input: black_box(&[0.0; 16]),
        shape: black_box(&[1, 1, 4, 4]),
        layout: black_box(Layout::ChannelsFirst),
        sizes: black_box(&[2]),
        weight: black_box(&[0.0; 4]),
        weight_shape: black_box(&[1, 1, 2, 2]),
        output: &mut output,
        scratch: &mut scratch,
        indices: &mut indices,
    });
    black_box(result.is_ok());
    loop {
        core::hint::spin_loop();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
