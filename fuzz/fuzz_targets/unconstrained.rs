#![no_main]
//! See `upsample_fuzz::unconstrained`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| upsample_fuzz::unconstrained::run(data));
