#!/usr/bin/env bash
# The shape sweep (benches/sweep.rs) on three builds, the scalar reference
# and PyTorch, then the outlier report (scripts/sweep_report.py).
#
#   PYTHON=VENV/bin/python scripts/sweep.sh OUT [FILTER]
#
# Builds the sweep bench three times with `cargo bench --no-run`: SSE2 (the
# x86_64 default, benches/target/), AVX2 + FMA (target/sweep-avx2) and
# target-cpu=native (target/sweep-native; 16 lanes where the CPU has
# AVX-512F). Then runs, one after the other, never two at once: the SSE2
# binary with --reference, the AVX2 one, the native one and
# benches/pytorch_sweep.py, writing OUT/{sse2,avx2,native,reference,pytorch}.json
# (reference.json is the reference columns of the SSE2 run, timed beside it),
# each run's log OUT/*.log, the case list OUT/cases.txt and OUT/machine.txt.
# Then OUT/report.md and OUT/all.csv (scripts/sweep_report.py).
#
# FILTER keeps the case ids containing it (e.g. `bilinear`, `conv_transpose/`,
# `/cl/`). SWEEP_ARGS is passed to every timed run (the Rust bench and the
# PyTorch script), e.g. SWEEP_ARGS="--time 0.1" for a quicker, noisier run.
# Each stage prints its wall time. A whole run (310 cases) on the 2-core
# machine, estimated from filtered runs: the SSE2 run with the reference
# about 3 minutes, AVX2 and native 1.5 each, PyTorch 1.5-2; each build
# 40 s after a change to src/ (about 10 minutes in all), but 3-4 minutes
# for each target directory built for the first time (so the first run
# takes up to 20). Keep the machine otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: PYTHON=VENV/bin/python scripts/sweep.sh OUT [FILTER]}"
filter=()
if [ -n "${2:-}" ]; then
  filter=("$2")
fi
python="${PYTHON:-python3}"
read -r -a extra <<<"${SWEEP_ARGS:-}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

started=$SECONDS
times=()
stage() {
  local name="$1"
  shift
  echo "== $name ($(date -u +%H:%M:%S))"
  local start=$SECONDS
  "$@"
  local line
  line="$(printf '%5ds  %s' $((SECONDS - start)) "$name")"
  times+=("$line")
  echo "$line"
}

# `cargo bench --no-run` for one build; the binary's path goes to OUT/NAME.bin.
build() {
  local name="$1" flags="$2"
  shift 2
  env -u CARGO_ENCODED_RUSTFLAGS RUSTFLAGS="$flags" \
    cargo bench --manifest-path benches/Cargo.toml --bench sweep --no-run --message-format=json-render-diagnostics "$@" \
    >"$out/$name.build.json"
  "$python" -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "sweep" and m.get("executable"):
        print(m["executable"])
' "$out/$name.build.json" >"$out/$name.bin"
  rm "$out/$name.build.json"
  echo "   $(cat "$out/$name.bin")"
}

# One timed run of a built binary: NAME [ARGS...] -> OUT/NAME.json, OUT/NAME.log.
run() {
  local name="$1"
  shift
  "$(cat "$out/$name.bin")" "${filter[@]}" --json "$out/$name.json" "${extra[@]}" "$@" \
    >"$out/$name.log" 2>&1 || { tail -20 "$out/$name.log"; return 1; }
  tail -1 "$out/$name.log"
}

# Where and what: for the record, and for the report's header.
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches Cargo.toml || echo ' (with uncommitted changes)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  if grep -q -m1 -o avx512f /proc/cpuinfo; then
    echo "native: AVX-512F, 16 lanes"
  elif grep -q -m1 -o avx2 /proc/cpuinfo; then
    echo "native: AVX2, 8 lanes (no AVX-512)"
  else
    echo "native: no AVX2"
  fi
  echo "rustc: $(rustc --version)"
  echo "torch: $("$python" -c 'import torch; print(torch.__version__)')"
  echo "filter: ${filter[*]:-(none)}"
  echo "sweep args: ${extra[*]:-(defaults)}"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"

stage "build SSE2 (benches/target/)" build sse2 ""
stage "build AVX2+FMA (target/sweep-avx2)" build avx2 "-C target-feature=+avx2,+fma" --target-dir target/sweep-avx2
stage "build native (target/sweep-native)" build native "-C target-cpu=native" --target-dir target/sweep-native
"$(cat "$out/sse2.bin")" "${filter[@]}" --list >"$out/cases.txt"
echo "   $(wc -l <"$out/cases.txt") cases"

stage "run SSE2 with the reference" run sse2 --reference
# The reference columns of the SSE2 run, as a file of their own.
"$python" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
results = [{"id": r["id"], "family": r["family"], "ns": r["reference_ns"], "calls": r["reference_calls"],
            "in_bytes": r["in_bytes"], "out_bytes": r["out_bytes"]} for r in doc["results"]]
json.dump({"build": dict(doc["build"], reference=True), "reps": doc["reps"], "time_s": doc["time_s"] / 2,
           "results": results}, open(sys.argv[2], "w"), indent=1)
' "$out/sse2.json" "$out/reference.json"
stage "run AVX2+FMA" run avx2
stage "run native" run native
stage "run PyTorch" bash -c '"$0" benches/pytorch_sweep.py --cases "$1/cases.txt" --json "$1/pytorch.json" "${@:2}" >"$1/pytorch.log" 2>&1 || { tail -20 "$1/pytorch.log"; exit 1; }; tail -1 "$1/pytorch.log"' \
  "$python" "$out" "${extra[@]}"
rm -f "$out"/*.bin

echo "== stage times"
printf '%s\n' "${times[@]}"
printf '%5ds  total\n' $((SECONDS - started))
echo
"$python" scripts/sweep_report.py "$out"
