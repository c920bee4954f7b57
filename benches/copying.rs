//! Criterion benchmarks (to be filled by the fast-path work).
fn main() {}
