#!/usr/bin/env bash
# Runs every Footprint test, after installing what the tests need (GDAL, Python test packages, Rust components).
# This is the README's test command and what CI (.ci/run) runs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "system packages: GDAL command line tools (the OGC API client under test)"
if ! command -v ogrinfo >/dev/null || ! command -v ogr2ogr >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdal-bin
fi
ogrinfo --version

step "Rust components"
rustup component add clippy rustfmt >/dev/null 2>&1 || true

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --locked --all-targets -- -D warnings

step "data check"
cargo run --locked --quiet -- check geodata

step "Rust tests: unit, HTTP against the route table, data, doc tests"
cargo test --locked

step "release build (what 'cargo run --release' serves)"
cargo build --locked --release

step "client tests: GDAL's OGC API driver, downloads in GDAL, JSON Schema, bad input against a running server"
python3 -m venv target/clients-venv
target/clients-venv/bin/pip install --quiet --disable-pip-version-check -r tests/clients/requirements.txt
FOOTPRINT_BIN=target/release/footprint target/clients-venv/bin/pytest -q -p no:cacheprovider tests/clients
