#!/usr/bin/env bash
# The full test suite on wasm32-wasip1 under Node's WASI, with and without
# simd128. Needs node (>= 20) on PATH; installs the Rust target itself.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip1 >/dev/null
runner="node --no-warnings $(pwd)/scripts/wasi-runner.mjs"
for features in "+simd128" "-simd128"; do
  echo "== wasm32-wasip1, target-feature=$features"
  CARGO_TARGET_WASM32_WASIP1_RUNNER="$runner" \
  RUSTFLAGS="-C target-feature=$features" \
    cargo test --target wasm32-wasip1 --target-dir target/wasm"${features:0:1}" --tests "$@"
done
