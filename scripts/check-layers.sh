#!/usr/bin/env bash
# The crate's layering, checked from the `crate::` paths in src/ (use lines
# and paths in code; comments are skipped). Fails, naming each file and
# line, if:
#   - a file under src/reference/ (the oracle) reaches anything but the
#     geometry, layout and error modules: the reference never borrows a
#     fast path's arithmetic;
#   - src/geometry/ reaches anything but layout and error, or src/layout.rs
#     anything but error, or src/simd/ anything outside simd: the layers
#     below the ops depend on nothing above them (no import cycles);
#   - an op's fast path reaches another op's (interpolate, pool, unpool,
#     pixel_shuffle, conv_transpose): ops share through geometry, simd and
#     the shared helper modules only;
#   - an interpolation kernel (src/interpolate/kernels/<name>) reaches a
#     sibling kernel: what kernels share lives beside them (rows, blocks,
#     windows), and the plan alone chooses between them.
# Usage: scripts/check-layers.sh   (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/../src"

ops="interpolate pool unpool pixel_shuffle conv_transpose"
failed=0
fail() { echo "layering: $1"; failed=1; }

# Every `crate::<module>` a file reaches, as "line:module[::next]", from
# code lines only (doc and line comments skipped).
reaches() {
  awk '
    { line = $0; sub(/\/\/.*/, "", line) }
    {
      while (match(line, /crate::[a-z_]+(::[a-z_]+)?/)) {
        print NR ":" substr(line, RSTART + 7, RLENGTH - 7)
        line = substr(line, RSTART + RLENGTH)
      }
    }
    # Multi-line `use crate::{a, b::c}` groups: the first segment of each item.
    /^use crate::\{/ { grouping = 1 }
    grouping {
      l = $0; sub(/^use crate::\{/, "", l); gsub(/ as [A-Za-z_0-9]+/, "", l); gsub(/[{}; ]/, "", l); n = split(l, items, ",")
      for (k = 1; k <= n; k++) if (items[k] != "") { split(items[k], seg, "::"); print NR ":" seg[1] }
      if ($0 ~ /\};/) grouping = 0
    }
  ' "$1"
}

module_of() { echo "${1%%::*}"; }

check() {  # check FILE ALLOWED-MODULES... : each reached module must be allowed
  local file="$1"; shift
  local allowed=" $* "
  while IFS=: read -r line path; do
    [ -n "$path" ] || continue
    local m; m=$(module_of "$path")
    case "$allowed" in *" $m "*) ;; *) fail "$file:$line reaches crate::$path";; esac
  done < <(reaches "$file")
}

for f in reference/*.rs; do check "$f" reference geometry layout error; done
for f in $(find geometry -name '*.rs'); do check "$f" geometry layout error; done
check layout.rs layout error
for f in $(find simd -name '*.rs'); do check "$f" simd; done

for op in $ops; do
  files=$( { [ -f "$op.rs" ] && echo "$op.rs"; [ -d "$op" ] && find "$op" -name '*.rs'; } || true)
  others=""
  for o in $ops; do [ "$o" = "$op" ] || others="$others $o"; done
  for f in $files; do
    while IFS=: read -r line path; do
      m=$(module_of "$path")
      for o in $others; do
        [ "$m" = "$o" ] && fail "$f:$line: the $op op reaches crate::$path (another op)"
      done
    done < <(reaches "$f")
  done
done

kernels=$(cd interpolate/kernels && ls | sed 's/\.rs$//' | grep -v '^mod$')
for k in $kernels; do
  files=$(find "interpolate/kernels/$k" "interpolate/kernels/$k.rs" -name '*.rs' 2>/dev/null || true)
  for f in $files; do
    for other in $kernels; do
      [ "$other" = "$k" ] && continue
      while IFS=: read -r line _; do
        fail "$f:$line: kernel $k reaches sibling kernel $other"
      done < <(grep -nE "^[^/]*(crate::interpolate::kernels::|super::)$other\b" "$f" || true)
    done
  done
done

if [ "$failed" = 0 ]; then
  echo "layering: reference, geometry, layout, simd and the ops' kernels import only downward"
else
  exit 1
fi
