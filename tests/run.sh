#!/usr/bin/env bash
# Runs every Footprint test, after installing what the tests need (GDAL, Python test packages, Rust components).
# This is the README's test command and what CI (.ci/run) runs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "system packages: GDAL (the OGC API client under test), Chromium (the browser under test), PostgreSQL + PostGIS (the replicas' store)"
postgis=/usr/share/postgresql/15/extension/postgis.control
if ! command -v ogrinfo >/dev/null || ! command -v ogr2ogr >/dev/null || ! [ -x /usr/bin/chromium ] \
  || ! [ -x /usr/lib/postgresql/15/bin/initdb ] || ! [ -f "$postgis" ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gdal-bin chromium \
    postgresql-15 postgresql-15-postgis-3
fi
ogrinfo --version
/usr/bin/chromium --version
/usr/lib/postgresql/15/bin/postgres --version

step "a throwaway PostgreSQL cluster under target/postgres on a free port (stopped when this script ends)"
eval "$(bash tests/postgres.sh start)"
trap 'bash tests/postgres.sh stop' EXIT
echo "$FOOTPRINT_TEST_POSTGRES"

step "Rust components"
rustup component add clippy rustfmt >/dev/null 2>&1 || true

step "format"
cargo fmt --all -- --check

step "lint (host, and the web app for wasm32)"
cargo clippy --locked --workspace --all-targets -- -D warnings
if rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  cargo clippy --locked -p footprint-web --target wasm32-unknown-unknown -- -D warnings
  cargo clippy --locked -p footprint-web --target wasm32-unknown-unknown --features editor -- -D warnings
else
  echo "NOTE: rustup has no wasm32 target here: the web app's wasm-only code (web/src/app.rs) is not linted;" \
    "web/build.sh builds it with Debian's toolchain instead" >&2
fi

step "the committed web bundle (web/dist) is what web/build.sh builds"
bash web/build.sh --check

step "data check"
cargo run --locked --quiet -- check geodata

step "Rust tests: unit, HTTP against the route table on both stores, data, kill -9, replicas, doc tests, the web app"
cargo test --locked --workspace

step "release build (what 'cargo run --release' serves)"
cargo build --locked --release

step "client tests: GDAL's OGC API driver, downloads in GDAL, JSON Schema, bad input against a running server"
python3 -m venv target/clients-venv
target/clients-venv/bin/pip install --quiet --disable-pip-version-check -r tests/clients/requirements.txt
FOOTPRINT_BIN=target/release/footprint target/clients-venv/bin/pytest -q -p no:cacheprovider tests/clients

step "end-to-end tests: Playwright driving Chromium against the running server (screenshots in target/e2e-screenshots)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/e2e && FOOTPRINT_BIN="$PWD/../../target/release/footprint" node --test --test-concurrency=1)
