#!/usr/bin/env bash
# The full test suite on aarch64 (NEON) under qemu-user. Installs the
# cross linker, qemu and the Rust target when they are missing.
#
# Under qemu the suite runs about 13 to 45 times slower than on the host,
# so each quickcheck property runs all its fixed cases and a quarter of
# its random ones (UPSAMPLE_CASE_DIVISOR=4, tests/common/rng.rs; set it to
# 1 for all of them). The x86 runs take them all.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-aarch64 >/dev/null || ! command -v aarch64-linux-gnu-gcc >/dev/null \
    || [ ! -d /usr/aarch64-linux-gnu/lib ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross >/dev/null
fi
rustup target add aarch64-unknown-linux-gnu >/dev/null
echo "== aarch64-unknown-linux-gnu (NEON) under $(qemu-aarch64 --version | head -n 1)"
UPSAMPLE_CASE_DIVISOR=${UPSAMPLE_CASE_DIVISOR:-4} \
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
  cargo test --target aarch64-unknown-linux-gnu --tests "$@"
