#!/usr/bin/env bash
# A/B timing of two builds of the criterion benches: OLD_DIR and NEW_DIR
# each hold bench binaries (`interpolate`, `copying`, `conv_transpose`,
# as `cargo bench --manifest-path benches/Cargo.toml --no-run` builds them
# under benches/target/release/deps/), run
# alternately, ROUNDS rounds, so that both see the same host. Each run
# times the op and its memcpy; scripts/bench_ab_table.py then
# prints, per case, the median over rounds of each side's criterion
# median and of the ratio new / old of their ratios to memcpy.
#
#   scripts/bench-ab.sh OLD_DIR NEW_DIR OUT [ROUNDS] [BENCHES]
#
# BENCHES defaults to "interpolate copying conv_transpose". Keep the
# machine otherwise idle.
set -euo pipefail
old="${1:?usage: scripts/bench-ab.sh OLD_DIR NEW_DIR OUT [ROUNDS] [BENCHES]}"
new="${2:?}"
out="${3:?}"
rounds="${4:-3}"
benches="${5:-interpolate copying conv_transpose}"
python="${PYTHON:-python3}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# The op ("crate" in interpolate, "upsample" in copying), its memcpy, and
# every conv_transpose case (that bench has no memcpy).
args=(--bench --warm-up-time 0.3 --measurement-time 1 '/(crate|upsample|memcpy)$|^conv_transpose/')
for r in $(seq 1 "$rounds"); do
  for b in $benches; do
    for side in old new; do
      dir=$old
      [ "$side" = new ] && dir=$new
      echo "== round $r, $b, $side, $(date -u +%H:%M:%S)"
      # conv_transpose's own filter takes the first argument not starting
      # with '-' (a time, here): it runs every case with its own settings.
      run=("${args[@]}")
      [ "$b" = conv_transpose ] && run=(--bench)
      CRITERION_HOME="$out/$side-$r" "$dir/$b" "${run[@]}" >"$out/$side-$r-$b.log" 2>&1
    done
  done
done
"$python" "$(dirname "$0")/bench_ab_table.py" "$out"
