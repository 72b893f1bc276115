#!/usr/bin/env python3
"""Copy only the glyph PBFs that contain glyphs (plus 0-255) from SRC_DIR to DST_DIR.

Usage: prune_glyphs.py SRC_DIR DST_DIR

build_pbf_glyphs writes all 256 ranges (0-255 ... 65280-65535) for every font, most of them
empty.  MapLibre only requests the ranges of the characters it draws, so empty ranges are
dropped (a request for one would 404, which MapLibre tolerates; no label uses those characters).
Standard library only: the PBF is read with a minimal protobuf wire-format parser.
"""
import os
import shutil
import sys


def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = varint(b, i)
        elif wire == 2:
            n, i = varint(b, i)
            val = b[i:i + n]
            i += n
        elif wire == 5:
            val = b[i:i + 4]
            i += 4
        elif wire == 1:
            val = b[i:i + 8]
            i += 8
        else:
            raise ValueError(f"unexpected wire type {wire}")
        yield num, val


def glyph_count(path):
    """Number of glyphs in a glyphs PBF: message glyphs { repeated fontstack stacks = 1; }
    message fontstack { name = 1; range = 2; repeated glyph glyphs = 3; }"""
    with open(path, "rb") as f:
        data = f.read()
    return sum(1 for num, stack in fields(data) if num == 1
               for num2, _ in fields(stack) if num2 == 3)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    kept = 0
    for name in sorted(os.listdir(src), key=lambda s: int(s.split("-")[0])):
        n = glyph_count(os.path.join(src, name))
        if n or name == "0-255.pbf":
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
            kept += 1
    print(f"  kept {kept} of {len(os.listdir(src))} ranges in {dst}", file=sys.stderr)


if __name__ == "__main__":
    main()
