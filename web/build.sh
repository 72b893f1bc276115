#!/usr/bin/env bash
# Builds the web app into web/dist (committed, embedded in the server binary).
#
#   bash web/build.sh            # build into web/dist
#   bash web/build.sh --check    # build into a temporary directory and fail if web/dist differs (stale bundle)
#
# Every static file worth it also gets .br and .gz copies (precompress.mjs).
#
# Works on a fresh machine: it adds the wasm32 target with rustup (falling back to Debian's rustc-web toolchain,
# see below), installs wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (under
# target/tools), and takes wasm-opt (binaryen) and MapLibre GL JS from npm, pinned in web/package-lock.json.
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$web")"
cd "$root"

out="$web/dist"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

step() { printf '\n--> %s\n' "$*" >&2; }

# 1. The wasm32 target: rustup, else Debian's rustc-web toolchain with -Z build-std.
cargo_wasm=(cargo build --locked -p footprint-web --target wasm32-unknown-unknown --profile wasm-release)
if rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  step "wasm32 target from rustup"
  build_env=()
else
  step "rustup could not add wasm32; using Debian's rustc-web toolchain"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22
  mkdir -p "$root/target/tools/lld" && ln -sf "$(command -v lld-22 || echo /usr/lib/llvm-22/bin/lld)" "$root/target/tools/lld/rust-lld"
  build_env=(env PATH="/usr/bin:/bin:$root/target/tools/lld" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1)
  cargo_wasm=(/usr/bin/cargo build --locked -p footprint-web --target wasm32-unknown-unknown --profile wasm-release
    -Z build-std=std,panic_abort)
fi

# 2. wasm-bindgen-cli at the crate's exact version.
version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
bindgen="$root/target/tools/bin/wasm-bindgen"
if ! { [ -x "$bindgen" ] && "$bindgen" --version | grep -qx "wasm-bindgen $version"; }; then
  step "installing wasm-bindgen-cli $version (a few minutes, once)"
  cargo install --quiet wasm-bindgen-cli --version "$version" --root "$root/target/tools"
fi

# 3. npm packages (MapLibre GL JS, the RTL text plugin, binaryen's wasm-opt), exactly as locked.
step "npm packages"
(cd "$web" && npm ci --no-audit --no-fund --loglevel=error)

# 4. Compile twice (paths remapped so the bundles do not depend on where the repository or cargo home are): the
#    reader's app (footprint_web), and the editor's (footprint_editor: the same crate with the `editor` feature),
#    so the reader's page does not download the editor.
step "compiling the app to WebAssembly (the reader's, then the editor's)"
export RUSTFLAGS="--remap-path-prefix=$root=/footprint --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
# Each in a target directory of its own: cargo re-copies a build's output only when it rebuilds it, so two builds
# of one crate into one directory could leave the other's file where this one's is expected.
mkdir -p "$root/target/web-build"
"${build_env[@]}" "${cargo_wasm[@]}"
cp "$root/target/wasm32-unknown-unknown/wasm-release/footprint_web.wasm" "$root/target/web-build/footprint_web.wasm"
"${build_env[@]}" "${cargo_wasm[@]}" --features editor --target-dir "$root/target/wasm-editor"
cp "$root/target/wasm-editor/wasm32-unknown-unknown/wasm-release/footprint_web.wasm" \
  "$root/target/web-build/footprint_editor.wasm"

# 5. Bindings, size optimisation, static files.
step "wasm-bindgen, wasm-opt, static files"
mkdir -p "$out"
rm -rf "${out:?}"/*
for bundle in footprint_web footprint_editor; do
  "$bindgen" --target web --no-typescript --out-dir "$out" --out-name "$bundle" "$root/target/web-build/$bundle.wasm"
  "$web/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/${bundle}_bg.wasm" -o "$out/${bundle}_bg.wasm"
done
rm -f "$out/package.json"
cp "$web/static/app.css" "$web/static/pages.css" "$web/static/editor.css" "$web/static/main.js" \
  "$web/static/editor-main.js" "$web/static/embed-height.js" "$web/static/embed-boot.js" "$out/"
mkdir -p "$out/fonts" && cp "$web/static/fonts/"*.woff2 "$web/static/fonts/LICENSE.txt" "$out/fonts/"
# index.html and embed.html, with the bridge (whose path wasm-bindgen chooses) preloaded like the other modules,
# and the markup they share (static/parts/*.html) included where they say `<!-- include NAME.html -->`.
preloads="$(cd "$out" && find snippets -name '*.js' | sort | sed 's#.*#<link rel="modulepreload" href="/static/&">#')"
for page in index.html embed.html downloads.html edit.html sign-in.html; do
  awk -v p="$preloads" -v parts="$web/static/parts" '
    $0 == "<!-- snippets -->" { print p; next }
    match($0, /<!-- include [a-z-]+[.]html -->/) {
      indent = substr($0, 1, RSTART - 1); file = parts "/" substr($0, RSTART + 13, RLENGTH - 17)
      while ((getline line < file) > 0) print (line == "" ? "" : indent line)
      close(file); next
    }
    { print }' "$web/static/$page" > "$out/$page"
done
cp "$web/node_modules/maplibre-gl/dist/maplibre-gl.mjs" "$web/node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs" \
  "$web/node_modules/maplibre-gl/dist/maplibre-gl.css" "$out/"
cp "$web/node_modules/@mapbox/mapbox-gl-rtl-text/dist/mapbox-gl-rtl-text.js" "$out/"
cp "$web/node_modules/maplibre-gl/LICENSE.txt" "$out/maplibre-gl.LICENSE.txt"
cp "$web/node_modules/@mapbox/mapbox-gl-rtl-text/LICENSE.md" "$out/mapbox-gl-rtl-text.LICENSE.md"

# 6. Brotli and gzip copies of the static files, so the server never compresses them per request.
step "precompressing"
node "$web/precompress.mjs" "$out"

if [ "$check" = 1 ]; then
  step "comparing with the committed web/dist"
  # Compressed copies are compared by content (another zlib may pick other bytes for the same content).
  if ! diff -r -x '*.br' -x '*.gz' "$out" "$web/dist" >/dev/null || ! node "$web/precompress.mjs" --verify "$web/dist"; then
    diff -rq -x '*.br' -x '*.gz' "$out" "$web/dist" || true
    echo "web/dist is stale: run 'bash web/build.sh' and commit web/dist" >&2
    exit 1
  fi
  echo "web/dist is up to date" >&2
else
  ls -l "$out" >&2
  gzip -9 -c "$out/footprint_web_bg.wasm" | wc -c | xargs printf 'wasm gzip bytes: %s\n' >&2
fi
