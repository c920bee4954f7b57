#!/usr/bin/env bash
# Undefined-behaviour check: the crate's ops under miri (nightly), on the
# small reference-vs-public comparisons of every op in tests/miri.rs.
#
# What runs, and what does not (and why):
#   --test miri        every op, both layouts, every vector tail up to 13,
#                      public against reference: the point of this script.
#   --test errors      every error path of every op (little arithmetic).
#   not golden.rs      796 PyTorch cases read from disk: hours under miri,
#                      and miri isolates the file system; tests/miri.rs
#                      covers the same ops on small shapes.
#   not the quickcheck suites (properties.rs, fast_*.rs), unit tests and
#   doctests: they sweep many random shapes (minutes each under miri) for
#   coverage that plain `cargo test` already gives on real hardware.
# Installs the nightly toolchain (only if missing), miri and rust-src.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
rustup component add miri rust-src --toolchain nightly >/dev/null
cargo +nightly miri setup >/dev/null
miri_test() {
  local dir="$1"
  shift
  cargo +nightly miri test --target-dir "$dir" --features libm/force-soft-floats "$@"
}
if [ $# -gt 0 ]; then
  echo "== miri (cargo +nightly miri test --test miri --test errors $*)"
  miri_test target/miri --test miri --test errors "$@"
  exit
fi
# The interpreter runs a test binary's threads on one host thread: two
# processes, one per core, each on half of tests/miri.rs (about 280 s of
# tests each on CI's machine, against about 570 s in one process), the
# second in a copy of the built target directory (cargo locks a target
# directory while its tests run). The first takes the tests named below,
# the second skips them: every test runs in exactly one.
echo "== miri (cargo +nightly miri test --test miri --test errors, in two processes)"
miri_test target/miri --test miri --test errors --no-run
rm -rf target/miri-2
cp -a target/miri target/miri-2
first=(pixel_shuffle_and_unshuffle interpolate_every interpolate_scale_factor resize_every_mode
  max_pool_values)
skip=()
for name in "${first[@]}"; do skip+=(--skip "$name"); done
miri_test target/miri --test miri -- "${first[@]}" >target/miri-1.log 2>&1 &
one=$!
miri_test target/miri-2 --test miri --test errors -- "${skip[@]}" >target/miri-2.log 2>&1 &
two=$!
status=0
wait "$one" || status=$?
wait "$two" || status=$?
cat target/miri-1.log target/miri-2.log
rm -rf target/miri-2 target/miri-1.log target/miri-2.log
exit "$status"
