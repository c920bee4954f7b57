#!/usr/bin/env bash
# upsample against fast_image_resize (benches/fast_image_resize/) on three
# builds of upsample, one table each.
#
#   scripts/bench-fir.sh [--time SECONDS] [--rounds N] [FILTER...]
#
# Builds the comparison with `cargo build --release` three times, each in
# its own target directory: SSE2 (the x86_64 default, target/fir-sse2),
# x86-64-v3 (AVX2 + FMA, target/fir-v3) and target-cpu=native
# (target/fir-native). RUSTFLAGS reach fast_image_resize too, but it picks
# its SIMD path at run time (AVX2 wherever the CPU has it) in all three, so
# each table is upsample's build against fast_image_resize at its best.
# Then runs the three one after the other, never two at once, and prints
# their tables (each run's progress goes to stderr). The arguments go to
# every run: FILTER keeps the case ids containing it (`rgb`, `lanczos3`,
# `4928x3279`); --time is the budget a case (default 1 s), --rounds the
# least number of rounds (default 11). Exits with status 1 if any run finds
# the two crates' outputs apart beyond the bound (benches/fast_image_resize/src/lib.rs).
#
# The whole run (24 cases) takes about 35 s a build, plus 3-4 minutes for
# each target directory built for the first time on a 2-core machine. The
# figures mean something only on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=benches/fast_image_resize/Cargo.toml

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches Cargo.toml || echo ' (with uncommitted changes)')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
echo "rustc: $(rustc --version)"
echo "fast_image_resize: $(grep -A1 '^name = "fast_image_resize"' benches/fast_image_resize/Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"

builds=(
  "SSE2 (the default)|sse2|"
  "x86-64-v3 (AVX2 + FMA)|v3|-C target-cpu=x86-64-v3"
  "native|native|-C target-cpu=native"
)

for b in "${builds[@]}"; do
  IFS='|' read -r title dir flags <<<"$b"
  echo "== build $title: target/fir-$dir" >&2
  env -u CARGO_ENCODED_RUSTFLAGS RUSTFLAGS="$flags" \
    cargo build --release --quiet --manifest-path "$manifest" --target-dir "target/fir-$dir"
done

status=0
for b in "${builds[@]}"; do
  IFS='|' read -r title dir flags <<<"$b"
  echo
  echo "## upsample $title${flags:+: RUSTFLAGS=\"$flags\"}"
  echo
  echo "== run $title" >&2
  "target/fir-$dir/release/upsample-fir-bench" "$@" || status=1
done
exit "$status"
