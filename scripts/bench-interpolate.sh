#!/usr/bin/env bash
# Times the README's interpolation table: ROUNDS rounds (default 3), each
# the crate's native criterion run, the PyTorch script and the crate's
# SSE2 criterion run back to back, so that every round sees the same host.
# Then prints the table (scripts/interpolate_table.py).
#
#   PYTHON=VENV/bin/python scripts/bench-interpolate.sh OUT_DIR [ROUNDS]
#
# OUT_DIR/{nat,sse}-R hold each round's criterion estimates
# (CRITERION_HOME), OUT_DIR/pt-R.log the PyTorch script's output. About 9
# minutes a round on the 2-core machine; keep the machine otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: scripts/bench-interpolate.sh OUT_DIR [ROUNDS]}"
rounds="${2:-3}"
python="${PYTHON:-python3}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
native=(env RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native)
# Build both first, so that no round includes a compile.
"${native[@]}" cargo bench --manifest-path benches/Cargo.toml --bench interpolate --no-run
cargo bench --manifest-path benches/Cargo.toml --bench interpolate --no-run
for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds, $(date -u +%H:%M)"
  "${native[@]}" CRITERION_HOME="$out/nat-$r" cargo bench --manifest-path benches/Cargo.toml --bench interpolate >"$out/nat-$r.log" 2>&1
  "$python" benches/pytorch_interpolate.py >"$out/pt-$r.log" 2>&1
  CRITERION_HOME="$out/sse-$r" cargo bench --manifest-path benches/Cargo.toml --bench interpolate >"$out/sse-$r.log" 2>&1
done
echo "== done, $(date -u +%H:%M)"
"$python" scripts/interpolate_table.py "$out"
