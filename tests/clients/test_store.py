"""Client tests of the living store: GDAL opens the live GeoPackage and reads what the API serves, and a real feed
reader (feedparser) reads the corrections feed, with markup in a reason kept as text.

Runs its own server on its own store (writes here must not change what the other client tests count).
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import feedparser
import pytest

from test_clients import _OPENER, _binary, _start, gdal

MARKUP = "<img src=x onerror=alert(1)> & corrected"


@pytest.fixture(scope="module")
def writable():
    binary = _binary()
    directory = Path(tempfile.mkdtemp(prefix="footprint-store-"))
    store = directory / "footprint.gpkg"
    env_token = subprocess.run(
        [str(binary), "user", "add", "pytest", "--role", "publisher"],
        env={"FOOTPRINT_STORE": str(store), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    token = env_token.stdout.strip().splitlines()[-1]
    server = _start(binary, directory / "server.log")
    try:
        yield server, token, store
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)


def request(method: str, url: str, token: str | None = None, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/geo+json")
    try:
        with _OPENER.open(req, timeout=20) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def correct(server, token: str, feature: str, reason: str, patch: dict) -> dict:
    url = f"{server.base}/api/collections/strikes/items/{feature}"
    status, headers, _ = request("GET", url)
    assert status == 200
    status, _, body = request(
        "PATCH",
        url,
        token,
        patch,
        {"If-Match": headers["ETag"], "Footprint-Reason": urllib.parse.quote(reason)},
    )
    assert status == 200, body
    return json.loads(body)


def test_gdal_opens_the_live_geopackage_and_reads_what_the_api_serves(writable, tmp_path):
    server, token, store = writable
    correct(server, token, "e08", "Moved to the reported facility", {"geometry": {"type": "Point", "coordinates": [36.2, 33.5]}})
    listing = gdal("ogrinfo", "-ro", "-q", str(store))
    for layer in ("sites", "strikes", "events"):
        assert f": {layer} (Point)" in listing, listing
    out = tmp_path / "strikes.geojson"
    gdal("ogr2ogr", "-f", "GeoJSON", str(out), str(store), "strikes")
    from_gpkg = {f["properties"]["id"]: f for f in json.loads(out.read_text())["features"]}
    status, _, body = request("GET", f"{server.base}/api/collections/strikes/items?limit=1000")
    served = {f["id"]: f for f in json.loads(body)["features"]}
    assert set(from_gpkg) == set(served)
    for fid, feature in served.items():
        ours = from_gpkg[fid]
        assert (ours["geometry"] or {}).get("coordinates") == (feature["geometry"] or {}).get("coordinates"), fid
        assert ours["properties"]["start"] == feature["properties"]["start"], fid
        stored = ours["properties"]["feature"]
        stored = json.loads(stored) if isinstance(stored, str) else stored
        assert stored["properties"]["sources"] == feature["properties"]["sources"], fid
    assert from_gpkg["e08"]["geometry"]["coordinates"] == [36.2, 33.5]


def test_a_feed_reader_reads_the_corrections_feed_with_markup_in_a_reason_kept_as_text(writable):
    server, token, _ = writable
    correct(server, token, "e09", MARKUP, {"properties": {"confidence": "low"}})
    status, headers, raw = request("GET", f"{server.base}/api/changes.atom")
    assert status == 200
    assert headers["Content-Type"].startswith("application/atom+xml")
    assert b"<img" not in raw, "markup in a reason is escaped, never sent as markup"
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.bozo_exception
    newest = feed.entries[0]
    assert newest.title.startswith("Corrected: ")
    assert newest.summary_detail.type == "text/plain"
    assert MARKUP in newest.summary
    assert newest.link.startswith(f"{server.base}/?t=") and newest.link.endswith("sel=strikes%3Ae09"), newest.link
    related = [link.href for link in newest.links if link.rel == "related"]
    assert f"{server.base}/api/collections/strikes/items/e09/history" in related
    assert "pytest" not in raw.decode(), "no account names in public output"
    status, _, body = request("GET", f"{server.base}/api/changes?limit=1")
    change = json.loads(body)["changes"][0]
    assert change["reason"] == MARKUP and change["id"] == "e09" and "account" not in change
