#!/usr/bin/env bash
# The full test suite on x86_64 at each SIMD level wide can compile for:
# sse2 (the default: plain `cargo test`), avx2 (+avx2,+fma) and native
# (-C target-cpu=native: AVX-512 on CI's machine). Usage:
#
#   scripts/test-x86.sh [cargo test args...]
#   X86_LEVELS="avx2 native" scripts/test-x86.sh   # some levels only
#
# Each level other than sse2 builds into its own target dir, since the
# flags change every crate's code.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add x86_64-unknown-linux-gnu >/dev/null 2>&1 || true
for level in ${X86_LEVELS:-sse2 avx2 native}; do
  case "$level" in
    sse2) flags="" dir="target" ;;
    avx2) flags="-C target-feature=+avx2,+fma" dir="target/x86-avx2" ;;
    native) flags="-C target-cpu=native" dir="target/x86-native" ;;
    *) echo "unknown level $level (sse2, avx2, native)" >&2; exit 2 ;;
  esac
  echo "== x86_64 $level, RUSTFLAGS='$flags'"
  RUSTFLAGS="$flags" cargo test --target-dir "$dir" "$@"
done
