//! A wasm module that exports one op (picked by a cargo feature), over
//! linear memory, and nothing else: what `scripts/sizes.sh` measures the
//! op's `.wasm` size with. `no_std`: no allocator, no formatting.

#![no_std]

#[path = "../../../embedded/src/one_op.rs"]
mod one_op;

use upsample::Layout;

/// Runs the op on buffers the caller placed in linear memory; 0 on
/// success, 1 on an error.
///
/// # Safety
/// Each pointer must be valid for its length, and the mutable buffers must
/// not overlap anything.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn upsample_one_op(
    input: *const f32,
    input_len: usize,
    shape: *const usize,
    rank: usize,
    channels_last: bool,
    sizes: *const usize,
    sizes_len: usize,
    weight: *const f32,
    weight_len: usize,
    weight_shape: *const usize,
    output: *mut f32,
    output_len: usize,
    scratch: *mut f32,
    scratch_len: usize,
    indices: *mut i64,
    indices_len: usize,
) -> i32 {
    use core::slice::{from_raw_parts, from_raw_parts_mut};
    // SAFETY: the caller vouches for every pointer and length.
    let args = unsafe {
        one_op::Args {
            input: from_raw_parts(input, input_len),
            shape: from_raw_parts(shape, rank),
            layout: if channels_last {
                Layout::ChannelsLast
            } else {
                Layout::ChannelsFirst
            },
            sizes: from_raw_parts(sizes, sizes_len),
            weight: from_raw_parts(weight, weight_len),
            weight_shape: from_raw_parts(weight_shape, rank),
            output: from_raw_parts_mut(output, output_len),
            scratch: from_raw_parts_mut(scratch, scratch_len),
            indices: from_raw_parts_mut(indices, indices_len),
        }
    };
    one_op::call(args).is_err() as i32
}

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
