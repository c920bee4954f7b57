#![no_main]
//! See `upsample_fuzz::interpolate`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::interpolate::run(data));
