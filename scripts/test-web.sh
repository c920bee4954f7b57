#!/usr/bin/env bash
# examples/web in headless Chromium: builds the page's module (wasm32,
# simd128), serves the page on 127.0.0.1, and
#  1. loads index.html?selftest, which runs every method on the built-in
#     picture in the browser, writes each result's f32 bits into the page
#     and sends its DOM back to the test's server (scripts/web_server.py);
#     examples/web's `check`, the same methods built natively, compares
#     every element: exact for the copying ops, within the README's
#     tolerances otherwise;
#  2. loads the page as a user would, with a PNG (the demo's) through the
#     picture path, and checks that it drew a result with its time.
# Installs chromium (and python3, for the server) from apt if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v python3 >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium python3 >/dev/null
fi

scripts/build-web.sh
echo "== lint (wasm32 and native), and the native checker"
(cd examples/web &&
  RUSTFLAGS="-C target-feature=+simd128" cargo clippy --locked --release --lib \
    --target wasm32-unknown-unknown --target-dir ../../target/web -- -D warnings &&
  cargo clippy --locked --release --all-targets --target-dir ../../target/web -- -D warnings &&
  cargo build --locked --release --bin check --target-dir ../../target/web)
(cd examples/web/one-op && # scripts/sizes.sh's one-op modules
  for op in "" op-interpolate op-conv_transpose op-pixel_shuffle op-pixel_unshuffle \
      op-max_pool op-max_unpool op-avg_unpool; do
    RUSTFLAGS="-C target-feature=+simd128" cargo clippy --locked --quiet --release \
      --target wasm32-unknown-unknown --features "$op" --target-dir ../../../target/web -- -D warnings
  done)

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  # Chromium's helper processes can outlive its main one for a moment and
  # still write into their profile while it is removed: retry, and never
  # fail the run on a temporary folder.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "$work" 2>/dev/null && break
    sleep 0.5
  done
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
cp -r examples/web/www "$work/site"
cp examples/demo/demo.png "$work/site/test-picture.png"
mkdir "$work/reports"
python3 scripts/web_server.py "$work/site" "$work/reports" "$work/port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  if [ -s "$work/port" ]; then break; fi
  sleep 0.1
done
port=$(cat "$work/port")

# Opens `index.html?QUERY&report=NAME` in a fresh headless Chromium (a new
# profile: no cached page; no background networking, which this machine's
# closed network refuses) and waits, in real time, for the page to send its
# DOM (scripts/web_server.py writes it to reports/NAME.html); prints it.
# Real time, not --virtual-time-budget: virtual time runs out while the
# module compiles off the main thread on a slow machine.
browse() {
  local name=$1 query=$2 profile pid
  profile=$(mktemp -d -p "$work")
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" "http://127.0.0.1:$port/index.html?$query&report=$name" \
    >"$work/chromium-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1200); do
    if [ -f "$work/reports/$name.html" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Its helpers (renderer, crashpad) too, which hold the profile open.
  pkill -f -- "--user-data-dir=$profile" 2>/dev/null || true
  for _ in $(seq 50); do
    pgrep -f -- "--user-data-dir=$profile" >/dev/null 2>&1 || break
    sleep 0.1
  done
  if [ ! -f "$work/reports/$name.html" ]; then
    echo "the page sent no report in 120 s ($name); Chromium printed:" >&2
    tail -30 "$work/chromium-$name.log" >&2
    echo "the server logged:" >&2
    tail -10 "$work/server.log" >&2
    exit 1
  fi
  cat "$work/reports/$name.html"
}

echo "== $(chromium --version 2>/dev/null): every method on the built-in picture, against the native build"
browse selftest "selftest" >"$work/selftest.html"
target/web/release/check "$work/selftest.html"

echo "== the page as a user sees it: a PNG, bicubic x2"
browse page "picture=test-picture.png&method=5&scale=2" >"$work/page.html"
caption=$(sed -n 's/.*<figcaption id="result-caption">\([^<]*\)<.*/\1/p' "$work/page.html")
status=$(sed -n 's/.*<p id="status"[^>]*>\([^<]*\)<.*/\1/p' "$work/page.html")
echo "result: $caption"
if [[ "$caption" != "bicubic x2: 2048 x 1176, "*" per call (mean of "* ]] || [ -n "$status" ]; then
  echo "the page did not show the result (status: '$status')" >&2
  exit 1
fi
