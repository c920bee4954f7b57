#!/usr/bin/env bash
# examples/web in headless Chromium: builds the page's module (wasm32,
# simd128), serves the page on 127.0.0.1, and
#  1. loads index.html?selftest, which runs every method on the built-in
#     picture in the browser and writes each result's f32 bits into the page
#     (--dump-dom saves it); examples/web's `check`, the same methods built
#     natively, compares every element: exact for the copying ops, within
#     the README's tolerances otherwise;
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
  rm -rf "$work"
}
trap cleanup EXIT
cp -r examples/web/www "$work/site"
cp examples/demo/demo.png "$work/site/test-picture.png"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

# A fresh profile each time (no cached page); virtual time runs the page's
# promises to completion before the DOM is dumped.
browse() {
  local profile
  profile=$(mktemp -d -p "$work")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --virtual-time-budget=30000 \
    --dump-dom "http://127.0.0.1:$port/$1" 2>"$work/chromium.log"
}

echo "== $(chromium --version 2>/dev/null): every method on the built-in picture, against the native build"
browse "index.html?selftest" >"$work/selftest.html"
target/web/release/check "$work/selftest.html"

echo "== the page as a user sees it: a PNG, bicubic x2"
browse "index.html?picture=test-picture.png&method=5&scale=2" >"$work/page.html"
caption=$(sed -n 's/.*<figcaption id="result-caption">\([^<]*\)<.*/\1/p' "$work/page.html")
status=$(sed -n 's/.*<p id="status"[^>]*>\([^<]*\)<.*/\1/p' "$work/page.html")
echo "result: $caption"
# (Under virtual time the clock does not move: the caption says so.)
if [[ "$caption" != "bicubic x2: 2048 x 1176, "*" calls"* ]] || [ -n "$status" ]; then
  echo "the page did not show the result (status: '$status')" >&2
  exit 1
fi
