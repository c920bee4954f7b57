#!/usr/bin/env bash
# The full test suite on x86_64 at each SIMD level wide can compile for:
# sse2 (the default: plain `cargo test`), avx2 (+avx2,+fma), avx512
# (x86-64-v4: AVX-512 F, BW, DQ, VL; wide's 16-lane f32x16 paths) and
# native (-C target-cpu=native); and small (SSE2 with
# --cfg upsample_small_stack: the short tables firmware builds take,
# src/stack.rs); and small-build (small, without the default
# `specialised-kernels` feature: the firmware's small build).
# Usage:
#
#   scripts/test-x86.sh [cargo test args...]
#   X86_LEVELS="avx2 native" scripts/test-x86.sh   # some levels only
#
# Each level other than sse2 builds into its own target dir, since the
# flags change every crate's code. A level this CPU cannot run (avx512 on
# a machine without AVX-512, as CI's AMD EPYC since 2026-12-03) is built,
# tests and all, so that its code still compiles, and said to be not run.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add x86_64-unknown-linux-gnu >/dev/null 2>&1 || true
has() { grep -qw "$1" /proc/cpuinfo; }
for level in ${X86_LEVELS:-sse2 avx2 avx512 native}; do
  need="" features=""
  case "$level" in
    sse2) flags="" dir="target" ;;
    avx2) flags="-C target-feature=+avx2,+fma" dir="target/x86-avx2" need="avx2" ;;
    avx512) flags="-C target-cpu=x86-64-v4" dir="target/x86-avx512" need="avx512bw" ;;
    native) flags="-C target-cpu=native" dir="target/x86-native" ;;
    small) flags="--cfg upsample_small_stack" dir="target/x86-small" ;;
    # The firmware's small build: short tables, no specialised kernels.
    small-build) flags="--cfg upsample_small_stack" dir="target/x86-small-build" features="--no-default-features" ;;
    *) echo "unknown level $level (sse2, avx2, avx512, native, small, small-build)" >&2; exit 2 ;;
  esac
  if [ -n "$need" ] && ! has "$need"; then
    echo "== x86_64 $level, RUSTFLAGS='$flags': this CPU has no $need; building the tests only (NOT RUN)"
    # --target keeps the flags off build scripts, which run on this CPU.
    # Tests that do not run need no optimiser: opt-level 0 still compiles
    # and links every SIMD path, in a third of the test profile's time.
    CARGO_PROFILE_TEST_OPT_LEVEL=0 RUSTFLAGS="$flags" \
      cargo test --target x86_64-unknown-linux-gnu --target-dir "$dir" $features --no-run "$@"
    continue
  fi
  echo "== x86_64 $level, RUSTFLAGS='$flags' $features"
  RUSTFLAGS="$flags" cargo test --target-dir "$dir" $features "$@"
done
