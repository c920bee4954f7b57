//! upsample against fast_image_resize, one markdown table.
//!
//! ```text
//! cargo run --release [-- [--time SECONDS] [--rounds N] [--list] [FILTER...]]
//! ```
//!
//! Each case is timed in rounds of one call of each crate, the order
//! swapped every round, on the same input buffer, until both the time
//! budget (`--time`, default 1 s a case) and the minimum number of rounds
//! (`--rounds`, default 11) are spent; a cell is the median of its crate's
//! calls, the ratio is upsample's median over fast_image_resize's (below 1:
//! upsample is faster). Then the outputs are compared (see
//! `Difference::MEAN_BOUND` in `src/lib.rs`); the program exits with
//! status 1 if any case is over the bound. FILTER keeps the case ids that
//! contain it (`rgb`, `lanczos3`, `4928x3279`). scripts/bench-fir.sh runs
//! it on upsample's SSE2, x86-64-v3 and native builds.

use std::time::{Duration, Instant};

use upsample_fir_bench::{Bench, Difference, cases};

struct Args {
    budget: Duration,
    rounds: usize,
    list: bool,
    filters: Vec<String>,
}

fn args() -> Args {
    let usage = "usage: upsample-fir-bench [--time SECONDS] [--rounds N] [--list] [FILTER...]";
    let mut a = Args {
        budget: Duration::from_secs(1),
        rounds: 11,
        list: false,
        filters: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .unwrap_or_else(|| panic!("{name} needs a value\n{usage}"))
        };
        match arg.as_str() {
            "--time" => {
                let s: f64 = value("--time").parse().expect("--time takes seconds");
                a.budget = Duration::from_secs_f64(s);
            }
            "--rounds" => a.rounds = value("--rounds").parse().expect("--rounds takes a count"),
            "--list" => a.list = true,
            "-h" | "--help" => {
                println!("{usage}");
                std::process::exit(0);
            }
            other if other.starts_with("--") => panic!("unknown option {other}\n{usage}"),
            _ => a.filters.push(arg),
        }
    }
    a
}

/// The SIMD upsample was compiled for (it is chosen at compile time).
fn upsample_build() -> String {
    let features: Vec<&str> = [
        ("sse2", cfg!(target_feature = "sse2")),
        ("avx2", cfg!(target_feature = "avx2")),
        ("fma", cfg!(target_feature = "fma")),
        ("avx512f", cfg!(target_feature = "avx512f")),
        ("neon", cfg!(target_feature = "neon")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    let lanes = if cfg!(target_feature = "avx512f") {
        16
    } else if cfg!(target_feature = "avx") {
        8
    } else {
        4
    };
    format!("{} ({lanes} lanes)", features.join("+"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Rounds of one call each, alternating which crate goes first; returns
/// the two medians in ms and the number of rounds.
fn time_pair(b: &mut Bench, budget: Duration, min_rounds: usize) -> (f64, f64, usize) {
    // Warm-up: faults the output pages in, and fast_image_resize allocates
    // its intermediate buffer on its first call.
    for _ in 0..2 {
        b.upsample();
        b.fir();
    }
    let (mut u, mut f) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while u.len() < min_rounds || start.elapsed() < budget {
        let first_upsample = u.len() % 2 == 0;
        for step in 0..2 {
            let t = Instant::now();
            if (step == 0) == first_upsample {
                b.upsample();
                u.push(t.elapsed().as_secs_f64() * 1e3);
            } else {
                b.fir();
                f.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    let rounds = u.len();
    (median(u), median(f), rounds)
}

fn main() {
    let args = args();
    let selected: Vec<_> = cases()
        .into_iter()
        .filter(|c| args.filters.is_empty() || args.filters.iter().any(|f| c.id().contains(f)))
        .collect();
    if args.list {
        for c in &selected {
            println!("{}", c.id());
        }
        return;
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mut rows = Vec::new();
    let mut fir_extensions = String::new();
    let started = Instant::now();
    for case in &selected {
        let mut b = Bench::new(*case);
        fir_extensions = b.fir_extensions();
        let (u, f, rounds) = time_pair(&mut b, args.budget, args.rounds);
        let d = b.difference();
        eprintln!(
            "{:<40} upsample {u:9.3} ms  fast_image_resize {f:9.3} ms  {:5.2}x  ({rounds} rounds)",
            case.id(),
            u / f
        );
        rows.push((case.id(), u, f, rounds, d));
    }

    println!(
        "upsample build: {}; fast_image_resize: {fir_extensions} (its run-time choice); \
         load average at start {}; {} cases in {:.0} s\n",
        upsample_build(),
        load.join(" "),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "| case | upsample ms | fast_image_resize ms | ratio | rounds | mean abs diff / range | max abs diff / range |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut slower = Vec::new();
    let mut failed = Vec::new();
    for (id, u, f, rounds, d) in &rows {
        let mark = if d.ok() { "" } else { " (over the bound)" };
        println!(
            "| {id} | {u:.3} | {f:.3} | {:.2} | {rounds} | {:.1e}{mark} | {:.1e} |",
            u / f,
            d.mean / d.range,
            d.max / d.range
        );
        if u > f {
            slower.push(id.as_str());
        }
        if !d.ok() {
            failed.push(id.as_str());
        }
    }
    println!(
        "\nratio: upsample's median over fast_image_resize's (below 1: upsample is faster). \
         Outputs agree when the mean abs diff is at most {:.0e} of the input's range.",
        Difference::MEAN_BOUND
    );
    // Name the shorter of the two lists.
    let faster: Vec<&str> = rows
        .iter()
        .map(|r| r.0.as_str())
        .filter(|id| !slower.contains(id))
        .collect();
    let (n, total) = (slower.len(), rows.len());
    if slower.is_empty() {
        println!("upsample is faster on every case.");
    } else if faster.is_empty() {
        println!("upsample is slower on every case.");
    } else if n <= faster.len() {
        println!(
            "upsample is slower on {n} of {total}: {}",
            slower.join(", ")
        );
    } else {
        println!(
            "upsample is slower on {n} of {total}; faster only on: {}",
            faster.join(", ")
        );
    }
    if !failed.is_empty() {
        println!("outputs differ beyond the bound: {}", failed.join(", "));
        std::process::exit(1);
    }
}
