#!/usr/bin/env bash
# interpolate on the Cortex-M4F in the full build and in the small build
# (`--no-default-features`: the general kernel alone), on firmware-sized
# inputs (examples/embedded/src/bin/speed.rs). Runs under QEMU with
# `-icount shift=0`, where SysTick's count is a deterministic measure of the
# instructions a call ran (one tick per 40), and prints a Markdown table:
# each case's ticks in both builds and the small build's ratio to the full.
# About a minute on 2 cores. Installs qemu-system-arm and the target if
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-system-arm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
fi
rustup target add thumbv7em-none-eabihf >/dev/null
export CARGO_TARGET_THUMBV7EM_NONE_EABIHF_RUNNER="qemu-system-arm -machine mps2-an386 -cpu cortex-m4 \
-nographic -monitor none -serial none -semihosting-config enable=on,target=native -icount shift=0 -kernel"
run() { # [--no-default-features] -> "name ticks" lines
  (cd examples/embedded &&
    cargo run --locked --quiet --release --bin speed ${1:-} --target-dir "../../target/embedded${1:+-general}")
}
full=$(run)
small=$(run --no-default-features)
python3 - "$full" "$small" <<'PY'
import sys
def table(text):
    rows = [line.rsplit(None, 1) for line in text.splitlines()[1:]]
    return {name.strip(): int(ticks) for name, ticks in rows}
full, small = table(sys.argv[1]), table(sys.argv[2])
print("| case | full build (ticks) | small build (ticks) | small / full |")
print("|---|---|---|---|")
ratios = []
for name, f in full.items():
    s = small[name]
    ratios.append(s / f)
    print(f"| {name} | {f} | {s} | {s / f:.2f} |")
print(f"(worst ratio {max(ratios):.2f}; one tick is 40 instructions under -icount shift=0)")
PY
