#!/usr/bin/env bash
# The playground's check on its own, as the last steps of .ci/run run it
# after `cargo test --release --locked` (which builds the binary the
# browser test compares with): the wasm build, its lints for that target
# (the only build of src/playground/abi.rs), and the page in headless
# Chromium. docs/playground.md has its last output and its cost.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
export CARGO_TERM_COLOR=never
# Debian's Chromium (browsers are not downloaded) and Node, when absent.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
playground/build.sh
cargo clippy --lib --no-default-features --target wasm32-unknown-unknown --locked -- -D warnings
cd playground/test
npm ci --no-audit --no-fund
npm test
