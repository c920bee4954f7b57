#!/usr/bin/env bash
# What each op costs a program that calls only it: the README's size table.
#  - flash: examples/embedded's one_op firmware (thumbv7em-none-eabihf,
#    opt-level "s", fat LTO, panic = abort) calling that op alone with
#    opaque arguments (src/one_op.rs), less the same program calling none;
#    .text, and all of flash (vector table, .text, .rodata, .data);
#  - wasm: examples/web/one-op, a module exporting that op alone
#    (wasm32-unknown-unknown, simd128, opt-level "s", fat LTO, stripped),
#    and the same module calling none;
#  - stack: each op's peak in examples/embedded's run under QEMU, at the
#    example's opt-level "s" and at 3, and for interpolate, resize and
#    interpolate_backward their caller-scratch variants' (`*_with_scratch`).
# The last row is interpolate in the small build (`--no-default-features`).
# Prints a Markdown table. About 20 minutes on 2 cores (18 LTO links, 4 firmware runs).
set -euo pipefail
cd "$(dirname "$0")/.."
ops="interpolate conv_transpose pixel_shuffle pixel_unshuffle max_pool max_unpool avg_unpool resize depth_to_space space_to_depth
  interpolate_backward conv_transpose_backward pixel_shuffle_backward pixel_unshuffle_backward
  max_pool_backward max_unpool_backward avg_unpool_backward"
rustup target add thumbv7em-none-eabihf wasm32-unknown-unknown >/dev/null

# Section sizes of a 32-bit little-endian ELF file: "text flash".
elf_sizes() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<I", data, 0x20)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
headers = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
strtab = headers[shstrndx][4]
def name(h):
    start = strtab + h[0]
    return data[start:data.index(b"\0", start)].decode()
size = {name(h): h[5] for h in headers}
flash = sum(size.get(s, 0) for s in (".vector_table", ".text", ".rodata", ".data"))
print(size.get(".text", 0), flash)
PY
}

firmware() { # FEATURE [--no-default-features] -> "text flash"
  (cd examples/embedded &&
    cargo build --locked --quiet --profile sizes --bin one_op --features "$1" ${2:-} \
      --target-dir ../../target/embedded-sizes)
  elf_sizes target/embedded-sizes/thumbv7em-none-eabihf/sizes/one_op
}

wasm() { # FEATURES [--no-default-features] -> bytes
  (cd examples/web/one-op &&
    RUSTFLAGS="-C target-feature=+simd128" cargo build --locked --quiet --release \
      --target wasm32-unknown-unknown --features "$1" ${2:-} --target-dir ../../../target/web-one-op)
  wc -c < target/web-one-op/wasm32-unknown-unknown/release/upsample_one_op.wasm
}

echo "== the firmware's stack peaks (scripts/test-firmware.sh's run, at opt-level s and 3)" >&2
run_peaks() { # [cargo args...] -> lines "op peak" then "op+scratch peak"
  (cd examples/embedded && cargo run --locked --quiet --release "$@") |
    awk '/^peak stack per op/ { on = 1; next } /^the same through/ { on = 2; next }
         /passed/ { on = 0 } on == 1 && NF == 3 { print $1, $2 }
         on == 2 && NF == 3 { print $1 "+scratch", $2 }'
}
peaks_s=$(run_peaks --target-dir ../../target/embedded)
peaks_3=$(CARGO_PROFILE_RELEASE_OPT_LEVEL=3 run_peaks --target-dir ../../target/embedded-o3)
peak() { # OP -> "s / 3" bytes, or an empty string
  local s t
  s=$(awk -v op="$1" '$1 == op { print $2 }' <<<"$peaks_s")
  t=$(awk -v op="$1" '$1 == op { print $2 }' <<<"$peaks_3")
  [ -n "$s" ] && echo "$s / $t"
  return 0
}

read -r base_text base_flash < <(firmware one-op)
base_wasm=$(wasm "")
echo "baseline (no op): .text $base_text, flash $base_flash, wasm $base_wasm bytes" >&2
echo "| op | peak stack, opt-level s / 3 (bytes) | with scratch | flash: .text (all of flash) | wasm |"
echo "|---|---|---|---|---|"
for op in $ops; do
  echo "== $op" >&2
  read -r text flash < <(firmware "op-$op")
  bytes=$(wasm "op-$op")
  scratch=$(peak "$op+scratch")
  printf '| %s | %s | %s | %s KiB (%s KiB) | %s KiB |\n' "$op" "$(peak "$op")" "${scratch:--}" \
    "$(( (text - base_text + 512) / 1024 ))" "$(( (flash - base_flash + 512) / 1024 ))" \
    "$(( (bytes - base_wasm + 512) / 1024 ))"
done
echo "== interpolate in the small build (--no-default-features: the general kernel alone)" >&2
read -r text flash < <(firmware op-interpolate --no-default-features)
bytes=$(wasm op-interpolate --no-default-features)
peaks_s=$(run_peaks --no-default-features --target-dir ../../target/embedded-general)
peaks_3=$(CARGO_PROFILE_RELEASE_OPT_LEVEL=3 run_peaks --no-default-features \
  --target-dir ../../target/embedded-general-o3)
printf '| interpolate, small build | %s | %s | %s KiB (%s KiB) | %s KiB |\n' "$(peak interpolate)" \
  "$(peak interpolate+scratch)" \
  "$(( (text - base_text + 512) / 1024 ))" "$(( (flash - base_flash + 512) / 1024 ))" \
  "$(( (bytes - base_wasm + 512) / 1024 ))"
echo "(each less a program calling no op: .text $base_text bytes, flash $base_flash, wasm $base_wasm)"
