//! The same cases as a criterion group: for each case, a group named by
//! its id with `upsample` and `fast_image_resize` in it. Criterion times
//! one function after the other, not alternating, so on a shared machine
//! `cargo run --release` (src/main.rs) is the fairer comparison.
//!
//! ```text
//! cargo bench                         # every case
//! cargo bench -- 'rgb 512x512'        # criterion's filter
//! RUSTFLAGS="-C target-cpu=native" cargo bench --target-dir target/native
//! ```

use std::time::Duration;

use criterion::{Criterion, Throughput};
use upsample_fir_bench::{Bench, cases};

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for case in cases() {
        // Built on the first function criterion's filter keeps, so that a
        // filtered run makes no buffers for the cases it skips.
        let mut b: Option<Bench> = None;
        let mut group = c.benchmark_group(case.id());
        group.throughput(Throughput::Bytes((case.out_len() * 4) as u64));
        group.bench_function("upsample", |t| {
            let b = b.get_or_insert_with(|| Bench::new(case));
            t.iter(|| b.upsample())
        });
        group.bench_function("fast_image_resize", |t| {
            let b = b.get_or_insert_with(|| Bench::new(case));
            t.iter(|| b.fir())
        });
        group.finish();
    }
    c.final_summary();
}
