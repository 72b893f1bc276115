#!/usr/bin/env python3
"""Check basemap.pmtiles, the glyphs and the sprites.  Called at the end of build.sh.

Usage: verify.py [BASEMAP_DIR]      (default: the directory of this script)

- Reads the 127-byte PMTiles v3 header (magic, version, tile type, compression, zooms, bounds).
- Walks the PMTiles directories and counts tiles per zoom.
- Decodes tiles with mapbox-vector-tile (PyPI) and lists layers per zoom; checks the z5 tile
  over Syria (19/12) and the z9 tile over Latakia, and that places carry Arabic/Russian names.
- Checks that every glyph PBF has glyphs and that every sprite named in style.json exists.
Exits non-zero when a check fails.
"""
import gzip
import json
import os
import struct
import sys
from collections import Counter, defaultdict

import mapbox_vector_tile

TILE_TYPES = {0: "unknown", 1: "mvt", 2: "png", 3: "jpeg", 4: "webp", 5: "avif"}
COMPRESSION = {0: "unknown", 1: "none", 2: "gzip", 3: "brotli", 4: "zstd"}
EXPECTED_LAYERS = {"land", "ocean", "lakes", "coastline", "countries", "admin1",
                   "country_labels", "places"}
failures = []


def check(ok, msg):
    print(("  ok    " if ok else "  FAIL  ") + msg)
    if not ok:
        failures.append(msg)


def read_varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def parse_header(b):
    if len(b) < 127:
        raise ValueError("short header")
    h = {"magic": b[0:7], "version": b[7]}
    (h["root_offset"], h["root_length"], h["metadata_offset"], h["metadata_length"],
     h["leaf_offset"], h["leaf_length"], h["data_offset"], h["data_length"],
     h["addressed_tiles"], h["tile_entries"], h["tile_contents"]) = struct.unpack_from("<11Q", b, 8)
    h["clustered"], h["internal_compression"], h["tile_compression"], h["tile_type"], \
        h["min_zoom"], h["max_zoom"] = struct.unpack_from("<6B", b, 96)
    minlon, minlat, maxlon, maxlat = struct.unpack_from("<4i", b, 102)
    h["bounds"] = (minlon / 1e7, minlat / 1e7, maxlon / 1e7, maxlat / 1e7)
    h["center_zoom"] = b[118]
    clon, clat = struct.unpack_from("<2i", b, 119)
    h["center"] = (clon / 1e7, clat / 1e7)
    return h


def decompress(data, kind):
    if kind == 2:
        return gzip.decompress(data)
    if kind in (0, 1):
        return data
    raise ValueError(f"unsupported compression {kind}")


def parse_directory(b):
    n, i = read_varint(b, 0)
    ids, runs, lens, offs = [], [], [], []
    last = 0
    for _ in range(n):
        d, i = read_varint(b, i)
        last += d
        ids.append(last)
    for _ in range(n):
        v, i = read_varint(b, i)
        runs.append(v)
    for _ in range(n):
        v, i = read_varint(b, i)
        lens.append(v)
    for k in range(n):
        v, i = read_varint(b, i)
        offs.append(offs[k - 1] + lens[k - 1] if v == 0 and k > 0 else v - 1)
    return list(zip(ids, runs, offs, lens))


def zxy_to_tileid(z, x, y):
    acc = sum(4 ** k for k in range(z))
    n = 2 ** z
    d = 0
    s = n // 2
    rx = ry = 0
    while s > 0:  # Hilbert curve index
        rx = 1 if (x & s) > 0 else 0
        ry = 1 if (y & s) > 0 else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x = s - 1 - x
                y = s - 1 - y
            x, y = y, x
        s //= 2
    return acc + d


def tileid_to_z(tid):
    z, acc = 0, 0
    while True:
        n = 4 ** z
        if tid < acc + n:
            return z
        acc += n
        z += 1


class PMTiles:
    def __init__(self, path):
        self.f = open(path, "rb")
        self.h = parse_header(self.f.read(127))

    def read(self, off, length):
        self.f.seek(off)
        return self.f.read(length)

    def entries(self):
        """All tile entries (tile_id, run_length, offset, length), leaves expanded."""
        h = self.h
        stack = [self.read(h["root_offset"], h["root_length"])]
        out = []
        while stack:
            for tid, run, off, ln in parse_directory(decompress(stack.pop(), h["internal_compression"])):
                if run == 0:
                    stack.append(self.read(h["leaf_offset"] + off, ln))
                else:
                    out.append((tid, run, off, ln))
        return sorted(out)

    def get(self, z, x, y):
        want = zxy_to_tileid(z, x, y)
        for tid, run, off, ln in self.entries():
            if tid <= want < tid + run:
                return decompress(self.read(self.h["data_offset"] + off, ln), self.h["tile_compression"])
        return None

    def metadata(self):
        h = self.h
        return json.loads(decompress(self.read(h["metadata_offset"], h["metadata_length"]),
                                     h["internal_compression"]))


def lonlat_to_tile(lon, lat, z):
    import math
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(base, "basemap.pmtiles")
    print(f"== {path} ({os.path.getsize(path) / 1e6:.2f} MB)")
    pm = PMTiles(path)
    h = pm.h
    check(h["magic"] == b"PMTiles", f"magic {h['magic']!r}")
    check(h["version"] == 3, f"version {h['version']}")
    check(h["tile_type"] == 1, f"tile type {TILE_TYPES.get(h['tile_type'])}")
    print(f"  tile compression {COMPRESSION.get(h['tile_compression'])}, internal "
          f"{COMPRESSION.get(h['internal_compression'])}, clustered {bool(h['clustered'])}")
    check((h["min_zoom"], h["max_zoom"]) == (0, 9), f"zoom {h['min_zoom']}..{h['max_zoom']}")
    print(f"  bounds {h['bounds']}  center {h['center']} z{h['center_zoom']}")
    print(f"  addressed tiles {h['addressed_tiles']}, entries {h['tile_entries']}, "
          f"distinct contents {h['tile_contents']}")

    entries = pm.entries()
    per_zoom = Counter()
    for tid, run, _, _ in entries:
        for t in range(tid, tid + run):
            per_zoom[tileid_to_z(t)] += 1
    print("  tiles per zoom:", dict(sorted(per_zoom.items())))
    meta = pm.metadata()
    print("  metadata layers:", sorted(l["id"] for l in meta.get("vector_layers", [])))

    # Layers per zoom, from every tile (the file is small).
    layers_by_zoom = defaultdict(set)
    for tid, run, off, ln in entries:
        z = tileid_to_z(tid)
        data = decompress(pm.read(h["data_offset"] + off, ln), h["tile_compression"])
        layers_by_zoom[z] |= set(mapbox_vector_tile.decode(data).keys())
    for z in sorted(layers_by_zoom):
        print(f"  z{z}: {', '.join(sorted(layers_by_zoom[z]))}")
    check(set().union(*layers_by_zoom.values()) == EXPECTED_LAYERS, "all eight layers present")

    # Sample tiles.
    t = pm.get(5, 19, 12)
    check(t is not None, "z5 tile 5/19/12 (Syria) exists")
    if t:
        d = mapbox_vector_tile.decode(t)
        print("  5/19/12 layers:", {k: len(v["features"]) for k, v in sorted(d.items())})
        syr = [f["properties"] for f in d.get("country_labels", {}).get("features", [])
               if f["properties"].get("iso_a3") == "SYR"]
        check(bool(syr) and syr[0].get("name_ar") == "سوريا" and syr[0].get("name_ru") == "Сирия",
              f"Syria label with Arabic/Russian names: {syr[:1]}")
    x, y = lonlat_to_tile(35.78, 35.52, 9)
    t = pm.get(9, x, y)
    check(t is not None, f"z9 tile 9/{x}/{y} (Latakia) exists")
    if t:
        d = mapbox_vector_tile.decode(t)
        print(f"  9/{x}/{y} layers:", {k: len(v["features"]) for k, v in sorted(d.items())})
        names = {f["properties"].get("id"): f["properties"] for f in d.get("places", {}).get("features", [])}
        lat = names.get("latakia", {})
        check(lat.get("name_ar") == "اللاذقية" and lat.get("name_ru") == "Латакия",
              f"Latakia place: {lat}")
        check({"land", "ocean", "coastline", "places"} <= set(d), "z9 Latakia tile has land, ocean, coastline, places")

    # Glyphs.
    gdir = os.path.join(base, "glyphs")
    style = json.load(open(os.path.join(base, "style.json"), encoding="utf-8"))
    stacks = set()
    for layer in style["layers"]:
        tf = layer.get("layout", {}).get("text-font")
        if tf:
            stacks.add(",".join(tf))
    print("== glyphs: stacks used by style.json:", sorted(stacks))
    for s in sorted(stacks):
        sd = os.path.join(gdir, s)
        check(os.path.isdir(sd), f"glyph dir '{s}' exists")
        if os.path.isdir(sd):
            files = os.listdir(sd)
            for need in ("0-255.pbf", "1024-1279.pbf", "1536-1791.pbf", "64256-64511.pbf",
                         "64512-64767.pbf", "64768-65023.pbf", "65024-65279.pbf"):
                check(need in files, f"{s}/{need}")
    extra = set(os.listdir(gdir)) - stacks
    check(not extra, f"no unused glyph dirs {sorted(extra)}")
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(gdir) for f in fs)
    nfiles = sum(len(fs) for _, _, fs in os.walk(gdir))
    print(f"  {nfiles} files, {total / 1e6:.2f} MB")

    # Sprites.
    sp = json.load(open(os.path.join(base, "sprites", "sprite.json")))
    sp2 = json.load(open(os.path.join(base, "sprites", "sprite@2x.json")))
    print("== sprites:", ", ".join(sorted(sp)))
    check(set(sp) == set(sp2), "sprite.json and sprite@2x.json have the same icons")
    used = set()
    for layer in style["layers"]:
        ii = layer.get("layout", {}).get("icon-image")
        if isinstance(ii, str):
            used.add(ii)
    check(used <= set(sp), f"icons used by style exist: {sorted(used)}")

    print("FAILED: " + "; ".join(failures) if failures else "all checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
