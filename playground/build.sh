#!/usr/bin/env bash
# Builds the playground into playground/dist/: the library compiled to
# wasm32-unknown-unknown (no wasm-bindgen, no wasm-pack: a C ABI that
# loader.js calls), the page, and the bundled guidelines as examples.
# docs/playground.md says how to serve and deploy it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The library alone, without the command line's dependencies (feature
# `cli`), as a cdylib, in the size-optimised profile `wasm` (Cargo.toml).
cargo rustc --locked --lib --no-default-features --profile wasm \
  --target wasm32-unknown-unknown --crate-type cdylib

wasm="$target_dir/wasm32-unknown-unknown/wasm/leidraad.wasm"
dist="$here/dist"
rm -rf "$dist"
mkdir -p "$dist/examples"
cp "$wasm" "$dist/leidraad.wasm"
cp "$here/index.html" "$here/app.js" "$here/worker.js" "$here/loader.js" "$here/style.css" "$dist/"

# The bundled guidelines: every file, so that a guideline's `use` finds
# its vocabulary; the ones that are guidelines (not vocabularies) are the
# examples to choose from.
files=()
guidelines=()
for file in guidelines/*.leidraad; do
  name="$(basename "$file")"
  cp "$file" "$dist/examples/$name"
  files+=("\"$name\"")
  case "$name" in
    *.vocabulary.leidraad) ;;
    *) guidelines+=("\"$name\"") ;;
  esac
done
join() { local IFS=,; echo "$*"; }
printf '{"files": [%s], "guidelines": [%s]}\n' "$(join "${files[@]}")" "$(join "${guidelines[@]}")" \
  > "$dist/examples/index.json"

size=$(wc -c < "$dist/leidraad.wasm")
echo "playground built in $dist (leidraad.wasm: $size bytes)"
