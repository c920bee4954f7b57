#!/usr/bin/env bash
# The full test suite on x86_64 at each SIMD level wide can compile for:
# the default (SSE2), AVX2+FMA, and this machine's native set (AVX-512 here).
set -euo pipefail
cd "$(dirname "$0")/.."
for flags in "" "-C target-feature=+avx2,+fma" "-C target-cpu=native"; do
  echo "== x86_64, RUSTFLAGS='$flags'"
  dir="target/x86-$(echo "${flags:-sse2}" | tr -c 'a-z0-9' '-')"
  RUSTFLAGS="$flags" cargo test --target-dir "$dir" "$@"
done
