#![no_main]
//! See `upsample_fuzz::conv_transpose`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::conv_transpose::run(data));
