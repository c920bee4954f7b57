#!/usr/bin/env bash
# The full test suite on wasm32-wasip1 (a 32-bit usize) under Node's WASI,
# with and without simd128. scripts/wasi-runner.mjs is the cargo runner; it
# preopens the package folder so tests/golden/ loads. Installs the Rust
# target, and Node.js from apt when it is missing.
#
# Node runs each test binary on one thread, twice (with and without
# simd128), so each quickcheck property runs all its fixed cases and a
# quarter of its random ones (UPSAMPLE_CASE_DIVISOR=4, tests/common/rng.rs;
# set it to 1 for all of them). The x86 runs take them all.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "Node.js >= 18 is needed for node:wasi (found $(node --version))" >&2
  exit 1
fi
rustup target add wasm32-wasip1 >/dev/null
runner="node --no-warnings $(pwd)/scripts/wasi-runner.mjs"
for features in "+simd128" "-simd128"; do
  echo "== wasm32-wasip1, target-feature=$features (node $(node --version))"
  UPSAMPLE_CASE_DIVISOR=${UPSAMPLE_CASE_DIVISOR:-4} \
  CARGO_TARGET_WASM32_WASIP1_RUNNER="$runner" \
  RUSTFLAGS="-C target-feature=$features" \
    cargo test --target wasm32-wasip1 --target-dir target/wasm"${features:0:1}" --tests "$@"
done
