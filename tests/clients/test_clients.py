"""Client tests: a real `footprint serve` process, driven by GDAL's command line tools and by urllib.

These tests act as the clients the service is built for: GDAL's OGC API - Features driver (OAPIF) listing the
collections, counting and paging through every feature and filtering by bbox; the downloads opened by GDAL's
GeoJSON and CSV drivers; the JSON Schema of the features checked against the files and against what is served;
and a batch of malformed requests after which the server must still answer.

Run:

    python3 -m venv /tmp/fpvenv && /tmp/fpvenv/bin/pip install -r tests/clients/requirements.txt
    FOOTPRINT_BIN=target/debug/footprint /tmp/fpvenv/bin/pytest -q tests/clients

`FOOTPRINT_BIN` defaults to target/release/footprint if it exists, else target/debug/footprint (both relative to
the repository root). GDAL's `ogrinfo`/`ogr2ogr` must be on PATH (the GDAL tests fail otherwise; tests/run.sh installs them).

The server is started with JSON logs on stderr, captured to a file, so that tests can check which requests a client
actually sent (e.g. that GDAL passed `bbox` to the server and followed the `next` links).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA = REPO_ROOT / "geodata"
SCHEMA_PATH = GEODATA / "schema" / "feature.schema.json"
COLLECTIONS = ("sites", "strikes", "events")
# A box around Damascus and the south-west: some strikes fall inside it, most do not.
BBOX = (36.0, 33.2, 36.6, 33.7)
STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
GDAL_TIMEOUT = 60.0

# Never send requests to 127.0.0.1 through a proxy that may be configured in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --------------------------------------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------------------------------------


def _binary() -> Path:
    configured = os.environ.get("FOOTPRINT_BIN")
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else (REPO_ROOT / path)
    release = REPO_ROOT / "target" / "release" / "footprint"
    return release if release.exists() else REPO_ROOT / "target" / "debug" / "footprint"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `footprint serve`: its base URL and its (JSON) log."""

    base: str
    process: subprocess.Popen
    log_path: Path

    def log_mark(self) -> int:
        """The current end of the log, to read only what later requests add."""
        return self.log_path.stat().st_size

    def log_text(self, since: int = 0) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", errors="replace")

    def requests_since(self, mark: int) -> list[dict]:
        """The access-log records (method, path, query, status) written after `mark`."""
        records = []
        for line in self.log_text(mark).splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("target") == "footprint::access":
                records.append(event.get("fields", {}))
        return records


def _start(binary: Path, log_path: Path) -> Server:
    env = {k: v for k, v in os.environ.items() if k not in ("FOOTPRINT_DATA", "FOOTPRINT_PORT", "FOOTPRINT_BIND")}
    env["FOOTPRINT_LOG_FORMAT"] = "json"
    env["RUST_LOG"] = "info"
    # A store of its own, made from the embedded data on start: never the user's default store.
    env["FOOTPRINT_STORE"] = str(log_path.parent / "footprint.gpkg")
    port = _free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--bind", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
        )
    server = Server(base=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: object = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{binary} exited with {process.returncode} before answering /healthz; its log:\n{server.log_text()}"
            )
        try:
            with _OPENER.open(f"{server.base}/healthz", timeout=2) as res:
                if res.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError) as err:
            last_error = err
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(
        f"{binary} did not answer /healthz within {STARTUP_TIMEOUT:.0f} s (last error: {last_error}); "
        f"its log:\n{server.log_text()}"
    )


@pytest.fixture(scope="session")
def server():
    binary = _binary()
    if not binary.exists():
        pytest.fail(f"no footprint binary at {binary}: build it (cargo build) or set FOOTPRINT_BIN")
    log_dir = Path(tempfile.mkdtemp(prefix="footprint-clients-"))
    running = None
    for attempt in range(3):  # the free port may be taken between probing and binding it
        try:
            running = _start(binary, log_dir / f"server-{attempt}.log")
            break
        except RuntimeError as err:
            if "cannot listen" not in str(err) or attempt == 2:
                raise
    assert running is not None
    try:
        yield running
    finally:
        process = running.process
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(
                    f"the server did not stop within {SHUTDOWN_TIMEOUT:.0f} s of SIGTERM; "
                    f"last log lines:\n{running.log_text()[-3000:]}"
                )
        assert process.returncode == 0, (
            f"the server exited with {process.returncode} after SIGTERM (expected a graceful exit 0); "
            f"last log lines:\n{running.log_text()[-3000:]}"
        )


# --------------------------------------------------------------------------------------------------------------------
# HTTP and GDAL helpers
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as err:
            raise AssertionError(f"not JSON ({err}): {self.body[:500]!r}") from None


def get(url: str, timeout: float = 10) -> Response:
    """GET without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers={"Accept": "application/json, application/geo+json, */*"})
    try:
        with _OPENER.open(request, timeout=timeout) as res:
            return Response(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def get_json(url: str):
    res = get(url)
    assert res.status == 200, f"GET {url} -> {res.status}: {res.body[:500]!r}"
    return res.json()


def api_items(server: Server, collection: str, query: str = "") -> dict:
    """Every matching feature in one page (limit=10000), checked to be complete."""
    sep = "&" if query else ""
    body = get_json(f"{server.base}/api/collections/{collection}/items?{query}{sep}limit=10000")
    assert body["numberReturned"] == len(body["features"]) == body["numberMatched"], (
        f"{collection}?{query}: numberMatched {body['numberMatched']}, numberReturned {body['numberReturned']}, "
        f"{len(body['features'])} features"
    )
    return body


def number_matched(server: Server, collection: str) -> int:
    return get_json(f"{server.base}/api/collections/{collection}/items?limit=1")["numberMatched"]


def _gdal_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "GDAL_HTTP_TIMEOUT": "20",
            "CPL_DEBUG": "OFF",
        }
    )
    return env


def gdal(*args: str) -> str:
    """Runs a GDAL command line tool; fails with its stderr unless it exits 0. Returns stdout."""
    tool = args[0]
    if shutil.which(tool) is None:
        pytest.fail(f"GDAL's {tool} is not on PATH: run tests/run.sh, which installs gdal-bin")
    try:
        done = subprocess.run(
            list(args), capture_output=True, text=True, timeout=GDAL_TIMEOUT, env=_gdal_env(), check=False
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"{' '.join(args)} timed out after {GDAL_TIMEOUT:.0f} s; stderr:\n{err.stderr}")
    assert done.returncode == 0, (
        f"{' '.join(args)} exited with {done.returncode}\nstderr:\n{done.stderr}\nstdout:\n{done.stdout[-2000:]}"
    )
    # GDAL reports most HTTP and parsing problems as "ERROR n:" on stderr while still exiting 0.
    assert "ERROR" not in done.stderr, f"{' '.join(args)} reported errors:\n{done.stderr}"
    return done.stdout


def feature_count(ogrinfo_output: str, command: str) -> int:
    counts = re.findall(r"^Feature Count: (-?\d+)$", ogrinfo_output, re.MULTILINE)
    assert len(counts) == 1, f"expected one 'Feature Count' in the output of {command}:\n{ogrinfo_output}"
    return int(counts[0])


def geometry_type(ogrinfo_output: str, command: str) -> str:
    types = re.findall(r"^Geometry: (.+)$", ogrinfo_output, re.MULTILINE)
    assert len(types) == 1, f"expected one 'Geometry' line in the output of {command}:\n{ogrinfo_output}"
    return types[0].strip()


def gdal_geojson_ids(path: Path) -> list[str]:
    """Feature ids of a GeoJSON file written by ogr2ogr (GDAL moves a string id into an `id` field)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    ids = []
    for feature in data["features"]:
        fid = (feature.get("properties") or {}).get("id", feature.get("id"))
        assert fid is not None, f"feature without id in {path}: {json.dumps(feature)[:300]}"
        ids.append(str(fid))
    return ids


def gdal_geometries(path: Path) -> dict[str, object]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {str((ft.get("properties") or {}).get("id", ft.get("id"))): ft.get("geometry") for ft in data["features"]}


def items_requests(records: list[dict], collection: str) -> list[dict[str, str]]:
    """The decoded query parameters of every items request for `collection` among `records`."""
    path = f"/api/collections/{collection}/items"
    return [dict(urllib.parse.parse_qsl(r.get("query", ""))) for r in records if r.get("path") == path]


# --------------------------------------------------------------------------------------------------------------------
# GDAL's OGC API - Features driver
# --------------------------------------------------------------------------------------------------------------------


def test_gdal_lists_every_collection_of_the_api(server):
    command = ("ogrinfo", "-ro", "-so", f"OAPIF:{server.base}/api")
    out = gdal(*command)
    layers = re.findall(r"^\d+: (\S+)", out, re.MULTILINE)
    api_ids = [c["id"] for c in get_json(f"{server.base}/api/collections")["collections"]]
    assert sorted(layers) == sorted(COLLECTIONS), f"layers listed by {' '.join(command)}:\n{out}"
    assert sorted(layers) == sorted(api_ids), f"GDAL lists {layers}, /api/collections has {api_ids}"
    for layer in layers:
        assert re.search(rf"^\d+: {layer} \(title: .+\) \(Point\)$", out, re.MULTILINE), (
            f"GDAL should see {layer} as a titled Point layer:\n{out}"
        )


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_gdal_counts_and_pages_through_every_feature_of_each_collection(server, collection, tmp_path):
    expected = api_items(server, collection)
    expected_ids = [f["id"] for f in expected["features"]]
    assert len(expected_ids) == number_matched(server, collection) > 7, "the page size below must force paging"

    # The count GDAL reports comes from the server's numberMatched.
    command = ("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{server.base}/api/collections/{collection}")
    out = gdal(*command)
    assert feature_count(out, " ".join(command)) == len(expected_ids), f"{' '.join(command)}:\n{out}"
    assert geometry_type(out, " ".join(command)) == "Point"

    # Reading every feature, 7 at a time, through the `next` links.
    target = tmp_path / f"{collection}.geojson"
    mark = server.log_mark()
    gdal("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server.base}/api", collection, "-oo", "PAGE_SIZE=7")
    got_ids = gdal_geojson_ids(target)
    assert len(got_ids) == len(expected_ids), f"GDAL read {len(got_ids)} features, numberMatched is {len(expected_ids)}"
    assert len(set(got_ids)) == len(got_ids), f"GDAL read duplicate features (paging overlap?): {sorted(got_ids)}"
    assert set(got_ids) == set(expected_ids), (
        f"missing from GDAL: {sorted(set(expected_ids) - set(got_ids))}; "
        f"extra in GDAL: {sorted(set(got_ids) - set(expected_ids))}"
    )

    # The same places (and the same unlocated features) as the API.
    got_geometries = gdal_geometries(target)
    for feature in expected["features"]:
        want, got = feature["geometry"], got_geometries[feature["id"]]
        if want is None:
            assert got is None, f"{feature['id']}: no geometry in the API, GDAL wrote {got}"
        else:
            assert got is not None and got["type"] == "Point", f"{feature['id']}: GDAL wrote {got}"
            assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(got["coordinates"], want["coordinates"])), (
                f"{feature['id']}: API {want['coordinates']}, GDAL {got['coordinates']}"
            )

    # GDAL really paged: limit=7 and every offset up to the last page, as given by the `next` links.
    pages = [q for q in items_requests(server.requests_since(mark), collection) if q.get("limit") == "7"]
    offsets = sorted({int(q.get("offset", "0")) for q in pages})
    assert offsets == list(range(0, len(expected_ids), 7)), (
        f"expected GDAL to fetch offsets {list(range(0, len(expected_ids), 7))} with limit=7, "
        f"the server saw items requests: {pages}"
    )


def test_a_bbox_filter_through_gdal_returns_the_same_features_as_the_api(server, tmp_path):
    west, south, east, north = BBOX
    api = api_items(server, "strikes", f"bbox={west},{south},{east},{north}")
    api_ids = {f["id"] for f in api["features"]}
    total = number_matched(server, "strikes")
    assert 0 < len(api_ids) < total, f"the test box should select some but not all strikes: {len(api_ids)}/{total}"
    assert all(f["geometry"] is not None for f in api["features"]), "unlocated features never match a bbox"

    target = tmp_path / "strikes-bbox.geojson"
    mark = server.log_mark()
    gdal(
        "ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server.base}/api", "strikes",
        "-spat", str(west), str(south), str(east), str(north), "-oo", "PAGE_SIZE=7",
    )  # fmt: skip
    gdal_ids = gdal_geojson_ids(target)
    assert len(set(gdal_ids)) == len(gdal_ids), f"duplicates from GDAL: {sorted(gdal_ids)}"
    assert set(gdal_ids) == api_ids, (
        f"only from GDAL: {sorted(set(gdal_ids) - api_ids)}; only from the API: {sorted(api_ids - set(gdal_ids))}"
    )

    # GDAL sent the bbox to the server (it does not just filter a full download on the client side), and kept it
    # on every page it fetched through the `next` links.
    requests = items_requests(server.requests_since(mark), "strikes")
    with_bbox = [q for q in requests if "bbox" in q]
    assert with_bbox, f"GDAL never sent bbox; items requests the server saw: {requests}"
    for query in with_bbox:
        sent = [float(v) for v in query["bbox"].split(",")]
        assert len(sent) == 4 and all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(sent, BBOX)), (
            f"GDAL sent bbox={query['bbox']}, expected {BBOX}"
        )
    offsets = sorted({int(q.get("offset", "0")) for q in with_bbox})
    assert offsets == list(range(0, len(api_ids), 7)), (
        f"expected bbox pages at offsets {list(range(0, len(api_ids), 7))}; bbox requests seen: {with_bbox}"
    )


def test_an_attribute_filter_through_gdal_is_sent_to_the_server(server, tmp_path):
    api = api_items(server, "strikes", "kind=airstrike")
    api_ids = {f["id"] for f in api["features"]}
    assert 0 < len(api_ids) < number_matched(server, "strikes")

    target = tmp_path / "strikes-airstrikes.geojson"
    mark = server.log_mark()
    gdal(
        "ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server.base}/api", "strikes",
        "-where", "kind = 'airstrike'",
    )  # fmt: skip
    assert set(gdal_geojson_ids(target)) == api_ids
    # GDAL found `kind` among the items parameters of the OpenAPI document and let the server filter.
    requests = items_requests(server.requests_since(mark), "strikes")
    assert any(q.get("kind") == "airstrike" for q in requests), f"GDAL filtered client-side; requests: {requests}"


# --------------------------------------------------------------------------------------------------------------------
# Downloads opened by GDAL
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_downloaded_geojson_and_csv_open_in_gdal_with_every_feature(server, collection, tmp_path):
    expected = api_items(server, collection)
    expected_ids = {f["id"] for f in expected["features"]}
    located = sum(1 for f in expected["features"] if f["geometry"] is not None)

    for fmt, extension in (("geojson", "geojson"), ("csv", "csv")):
        url = f"{server.base}/api/collections/{collection}/download?f={fmt}"
        res = get(url)
        assert res.status == 200, f"GET {url} -> {res.status}: {res.body[:300]!r}"
        disposition = res.headers.get("content-disposition", "")
        assert re.fullmatch(rf'attachment; filename="footprint-{collection}\.{extension}"', disposition), (
            f"GET {url}: Content-Disposition {disposition!r}"
        )
        (tmp_path / f"{collection}.{extension}").write_bytes(res.body)

    geojson = tmp_path / f"{collection}.geojson"
    command = ("ogrinfo", "-ro", "-al", "-so", str(geojson))
    out = gdal(*command)
    assert feature_count(out, " ".join(command)) == len(expected_ids), out
    assert geometry_type(out, " ".join(command)) == "Point", out
    with open(geojson, encoding="utf-8") as f:
        downloaded = json.load(f)
    assert {f["id"] for f in downloaded["features"]} == expected_ids
    assert downloaded.get("numberMatched") == len(expected_ids)

    csv_path = tmp_path / f"{collection}.csv"
    command = ("ogrinfo", "-ro", "-al", "-so", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", str(csv_path))
    out = gdal(*command)
    assert feature_count(out, " ".join(command)) == len(expected_ids), out
    assert geometry_type(out, " ".join(command)) == "Point", out
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert {r["id"] for r in rows} == expected_ids
    assert sum(1 for r in rows if r["lon"] and r["lat"]) == located, "one lon/lat pair per located feature"


# --------------------------------------------------------------------------------------------------------------------
# The JSON Schema of the features
# --------------------------------------------------------------------------------------------------------------------


def _validator() -> Draft202012Validator:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_errors(validator: Draft202012Validator, features: list[dict], origin: str) -> list[str]:
    problems = []
    for index, feature in enumerate(features):
        for error in validator.iter_errors(feature):
            where = "/".join(str(p) for p in error.absolute_path) or "(feature)"
            problems.append(f"{origin} feature {index} ({feature.get('id')}): {where}: {error.message[:300]}")
    return problems


def test_every_feature_of_every_data_file_matches_the_json_schema():
    validator = _validator()
    with open(GEODATA / "catalog.json", encoding="utf-8") as f:
        catalog = json.load(f)
    files = [c["file"] for c in catalog["collections"]]
    assert sorted(c["id"] for c in catalog["collections"]) == sorted(COLLECTIONS)
    problems = []
    for name in files:
        with open(GEODATA / name, encoding="utf-8") as f:
            layer = json.load(f)
        assert layer["type"] == "FeatureCollection" and layer["features"], f"{name}: not a non-empty FeatureCollection"
        problems += _schema_errors(validator, layer["features"], name)
    assert not problems, f"{len(problems)} schema violation(s):\n" + "\n".join(problems[:50])


def test_every_served_feature_matches_the_json_schema(server):
    validator = _validator()
    problems = []
    for collection in COLLECTIONS:
        served = api_items(server, collection)["features"]
        problems += _schema_errors(validator, served, f"/api/collections/{collection}/items")
        with open(GEODATA / f"{collection}.geojson", encoding="utf-8") as f:
            on_file = {feature["id"]: feature for feature in json.load(f)["features"]}
        assert sorted(f["id"] for f in served) == sorted(on_file), f"{collection}: served ids differ from the file"
        for feature in served:
            fid, p = feature["id"], feature["properties"]
            # The API adds the JSON-FG time member, derived from start/end; everything else is the file's feature.
            time_member = feature.get("time")
            if p["end"] == p["start"]:
                assert time_member == {"date": p["start"]}, f"{collection}/{fid}: time {time_member}"
            else:
                want = [p["start"], p["end"] if p["end"] is not None else ".."]
                assert time_member == {"interval": want}, f"{collection}/{fid}: time {time_member}, expected {want}"
            # ... and `title`/`title_lang`: the name in the language asked for (none here: English).
            assert (p.pop("title"), p.pop("title_lang")) == (p["name"]["en"], "en"), f"{collection}/{fid}: title"
            rest = {k: v for k, v in feature.items() if k != "time"}
            assert rest == on_file[fid], f"{collection}/{fid}: the served feature differs from geodata/{collection}"
    assert not problems, f"{len(problems)} schema violation(s):\n" + "\n".join(problems[:50])


# --------------------------------------------------------------------------------------------------------------------
# Robustness and the timeline
# --------------------------------------------------------------------------------------------------------------------

# (query string of /api/collections/strikes/items, the parameter the 400 must name)
MALFORMED = [
    ("bbox=1,2,3", "bbox"),
    ("bbox=abc", "bbox"),
    ("bbox=36.6,33.7,36.0,33.2", "bbox"),
    ("bbox=0,-100,10,10", "bbox"),
    ("bbox=NaN,0,1,1", "bbox"),
    ("bbox=1e400,0,1,1", "bbox"),
    ("bbox=36,33,37,34&bbox-crs=EPSG:4326", "bbox-crs"),
    ("datetime=2024-13-45", "datetime"),
    ("datetime=2024-02-30", "datetime"),
    ("datetime=garbage", "datetime"),
    ("datetime=2025-01-01/2024-01-01", "datetime"),
    ("limit=0", "limit"),
    ("limit=-5", "limit"),
    ("limit=2.5", "limit"),
    ("offset=-1", "offset"),
    ("sortby=name", "sortby"),
    ("f=xml", "f"),
    ("confidence=not-a-level", "confidence"),
    ("limit=1&limit=2", "limit"),
    ("colour=red", "colour"),
    # percent-garbage: invalid escapes and invalid UTF-8
    ("bbox=%ZZ", "bbox"),
    ("datetime=%ZZ%ZZ", "datetime"),
    ("limit=%FF%FE", "limit"),
    ("%ZZ=1", "%ZZ"),
    # very long query strings (~10 KB)
    ("confidence=" + "a" * 10_000, "confidence"),
    ("datetime=" + "9" * 10_000, "datetime"),
    ("bbox=" + "1," * 5_000 + "1", "bbox"),
    ("x" * 10_000 + "=1", "x" * 10_000),
]


def test_the_server_keeps_serving_after_malformed_requests(server):
    base = f"{server.base}/api/collections/strikes/items"
    failures = []
    for query, parameter in MALFORMED:
        res = get(f"{base}?{query}")
        label = f"GET items?{query[:60]}{'…' if len(query) > 60 else ''}"
        if res.status != 400:
            failures.append(f"{label}: status {res.status}, expected 400: {res.body[:200]!r}")
            continue
        try:
            body = json.loads(res.body)
        except ValueError:
            failures.append(f"{label}: body is not JSON: {res.body[:200]!r}")
            continue
        # Long echoed input is shortened to 100 characters and an ellipsis, still between backticks.
        named = f"`{parameter}`" if len(parameter) <= 100 else f"`{parameter[:100]}…`"
        if not isinstance(body, dict) or set(body) != {"code", "description"}:
            failures.append(f"{label}: body is not {{code, description}}: {str(body)[:200]}")
        elif body["code"] != "InvalidParameterValue" or named not in body["description"]:
            failures.append(f"{label}: expected code InvalidParameterValue naming `{parameter[:40]}`: {str(body)[:300]}")
        if not res.headers.get("content-type", "").startswith("application/json"):
            failures.append(f"{label}: Content-Type {res.headers.get('content-type')!r}")

    # A free-text property (kind) with a value nothing has is an empty result, not an error (GDAL -where).
    res = get(f"{base}?kind=not-a-kind")
    if res.status != 200 or json.loads(res.body)["numberMatched"] != 0:
        failures.append(f"GET items?kind=not-a-kind: expected an empty 200 page, got {res.status}: {res.body[:200]!r}")
    # An offset past the end is not an error: an empty page that still reports numberMatched.
    total = number_matched(server, "strikes")
    for offset in (10**8, 2**64 - 1):
        res = get(f"{base}?offset={offset}")
        if res.status != 200:
            failures.append(f"GET items?offset={offset}: status {res.status}, expected 200: {res.body[:200]!r}")
            continue
        body = res.json()
        if body["features"] or body["numberReturned"] != 0 or body["numberMatched"] != total:
            failures.append(f"GET items?offset={offset}: expected an empty page of {total} matched: {str(body)[:300]}")
        if any(link["rel"] == "next" for link in body["links"]):
            failures.append(f"GET items?offset={offset}: a next link past the end: {body['links']}")
    # An offset beyond any integer: either an empty page or a 400 naming `offset`.
    res = get(f"{base}?offset=" + "9" * 100)
    if res.status == 400:
        if "`offset`" not in res.json().get("description", ""):
            failures.append(f"GET items?offset=9…9: 400 without naming `offset`: {res.body[:200]!r}")
    elif res.status != 200 or res.json()["features"]:
        failures.append(f"GET items?offset=9…9: status {res.status}: {res.body[:200]!r}")

    health = get(f"{server.base}/healthz")
    assert health.status == 200, f"/healthz after the malformed batch: {health.status} {health.body[:200]!r}"
    assert server.process.poll() is None, "the server process died"
    assert get_json(f"{base}?limit=1")["numberReturned"] == 1, "the server no longer serves items"
    assert not failures, f"{len(failures)} malformed request(s) not answered as expected:\n" + "\n".join(failures)


def test_the_timeline_counts_every_strike(server):
    body = get_json(f"{server.base}/api/timeline?collections=strikes&bucket=month")
    assert body["bucket"] == "month"
    series = body["collections"]
    assert [s["id"] for s in series] == ["strikes"], series
    strikes = series[0]
    assert strikes["total"] == number_matched(server, "strikes"), (
        f"timeline total {strikes['total']}, items numberMatched {number_matched(server, 'strikes')}"
    )
    assert sum(b["count"] for b in strikes["buckets"]) == strikes["total"]
    for bucket in strikes["buckets"]:
        assert bucket["start"].endswith("-01") and bucket["start"][:7] == bucket["end"][:7], bucket


def test_the_openapi_document_is_a_valid_openapi_3_document(server):
    from openapi_spec_validator import validate

    document = get_json(f"{server.base}/api/openapi.json")
    validate(document)
    assert document["servers"][0]["url"] == f"{server.base}/api"


def test_an_oembed_consumer_discovers_the_endpoint_from_a_map_url_and_gets_the_iframe(server):
    from pyembed.core import PyEmbed
    from pyembed.core.discovery import AutoDiscoverer

    map_url = f"{server.base}/?t=2025-03-31&w=30&layers=sites,strikes"
    # Auto-discovery only: the default discoverer would first download oembed.com's provider list.
    html = PyEmbed(discoverer=AutoDiscoverer()).embed(map_url, max_width=640, max_height=480)
    assert html.startswith("<iframe "), html
    assert f'src="{server.base}/embed?t=2025-03-31&amp;w=30&amp;layers=sites%2Cstrikes&amp;lang=en"' in html, html
    assert 'width="640"' in html and 'height="480"' in html, html
    assert "title=" in html
    # The consumer found the endpoint through the page's discovery link, not a hard-coded provider list.
    records = server.requests_since(0)
    assert any(r.get("path") == "/oembed" for r in records), "pyembed asked /oembed"
