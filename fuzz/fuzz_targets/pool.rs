#![no_main]
//! See `upsample_fuzz::pool`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::pool::run(data));
