#!/usr/bin/env bash
# Differential fuzzing: every target in fuzz/ for SECONDS seconds each
# (default 30), one after the other, with cargo-fuzz (libFuzzer) on the
# nightly toolchain. Usage:
#
#   scripts/fuzz.sh [SECONDS]
#   FUZZ_TARGETS="interpolate pool" scripts/fuzz.sh 600   # some targets only
#
# Each target first replays its committed inputs (fuzz/corpus/<target>/, the
# seeds, and fuzz/regressions/<target>/, past findings), then fuzzes from
# them, writing what it finds to fuzz/target/corpus/<target>/ (ignored by git,
# so committed corpora stay small). A panic, a disagreement with the
# reference or a hang of more than 10 s stops the script with the reproducer
# in fuzz/artifacts/<target>/; replay it with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# (add UPSAMPLE_FUZZ_PRINT=1 to see the case it decodes to).
#
# Installs what it needs when missing: the nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
targets="${FUZZ_TARGETS:-interpolate resize pixel_shuffle pool conv_transpose unconstrained}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cd fuzz
echo "== fuzz: build ($(cargo +nightly fuzz --version 2>/dev/null || echo cargo-fuzz), $(rustc +nightly --version))"
cargo +nightly fuzz build
mkdir -p target/logs

for target in $targets; do
  corpus="target/corpus/$target"
  mkdir -p "$corpus" "corpus/$target"
  inputs=(corpus/"$target")
  if [ -d "regressions/$target" ]; then
    inputs+=(regressions/"$target")
  fi
  log="target/logs/$target.log"
  echo "== fuzz: $target for ${seconds}s (inputs: ${inputs[*]})"
  if ! cargo +nightly fuzz run "$target" "$corpus" "${inputs[@]}" -- \
      -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    echo "!! fuzz: $target failed; the end of its log ($log):"
    tail -n 60 "$log"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [0-9]+\/[0-9a-zA-Z]+).*/\1/' || true)
  echo "fuzz: $target: ${runs:-?} runs, ${rate:-?} exec/s, ${cov:-?}, no failure"
done
