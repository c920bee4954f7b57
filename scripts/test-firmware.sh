#!/usr/bin/env bash
# examples/embedded run on an emulated Cortex-M4F (QEMU's mps2-an386): every
# op against the host reference's values, each op's peak stack against its
# bound (STACK_BOUNDS in examples/embedded/src/main.rs), in the full build
# and in the small one (no `specialised-kernels`). Fails on a
# mismatch, a peak over its bound, or an expected.rs that the reference no
# longer gives. Installs qemu-system-arm and the Rust target if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-system-arm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
fi
rustup target add thumbv7em-none-eabihf >/dev/null

echo "== examples/embedded/src/expected.rs is what upsample::reference gives on this host"
cargo run --locked --manifest-path examples/embedded/expected/Cargo.toml \
  --target-dir target/embedded-expected -- --check
cargo clippy --locked --manifest-path examples/embedded/expected/Cargo.toml \
  --target-dir target/embedded-expected -- -D warnings

echo "== the firmware: lint, build (opt-level s), run under $(qemu-system-arm --version | head -n 1)"
cd examples/embedded # its .cargo/config.toml: the target and the QEMU runner
cargo clippy --locked --release --target-dir ../../target/embedded -- -D warnings
for op in one-op op-interpolate op-conv_transpose op-pixel_shuffle op-pixel_unshuffle \
    op-max_pool op-max_unpool op-avg_unpool op-resize op-depth_to_space op-space_to_depth \
    op-interpolate_backward op-conv_transpose_backward op-pixel_shuffle_backward \
    op-pixel_unshuffle_backward op-max_pool_backward op-max_unpool_backward op-avg_unpool_backward; do
  # scripts/sizes.sh's one-op programs
  cargo clippy --locked --quiet --release --bin one_op --features "$op" \
    --target-dir ../../target/embedded -- -D warnings
done
cargo clippy --locked --release --no-default-features --target-dir ../../target/embedded-general \
  -- -D warnings
cargo build --locked --release --target-dir ../../target/embedded
# A fault would spin in cortex-m-rt's HardFault handler: the timeout fails it.
timeout 300 cargo run --locked --release --target-dir ../../target/embedded
echo "== the small build (--no-default-features: interpolate on its general kernel alone)"
timeout 300 cargo run --locked --release --no-default-features --target-dir ../../target/embedded-general
