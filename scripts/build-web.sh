#!/usr/bin/env bash
# Builds examples/web's module for the page: wasm32-unknown-unknown with
# simd128, copied to examples/web/www/upsample_web.wasm. Then serve that
# folder: python3 -m http.server -d examples/web/www 8000
set -euo pipefail
cd "$(dirname "$0")/../examples/web"
rustup target add wasm32-unknown-unknown >/dev/null
RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --locked --release --lib --target wasm32-unknown-unknown --target-dir ../../target/web
cp ../../target/web/wasm32-unknown-unknown/release/upsample_web.wasm www/
echo "examples/web/www/upsample_web.wasm: $(wc -c < www/upsample_web.wasm) bytes"
