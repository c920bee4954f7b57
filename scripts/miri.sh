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
echo "== miri (cargo +nightly miri test --test miri --test errors)"
cargo +nightly miri test --target-dir target/miri --features libm/force-soft-floats \
  --test miri --test errors "$@"
