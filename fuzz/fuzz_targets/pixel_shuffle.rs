#![no_main]
//! See `upsample_fuzz::pixel_shuffle`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::pixel_shuffle::run(data));
