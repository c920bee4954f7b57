#![no_main]
//! See `upsample_fuzz::resize`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::resize::run(data));
