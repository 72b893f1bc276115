"""Figures at scale, for the README: a data directory of N real-shaped strikes (`footprint generate`), imported into
the embedded store (a GeoPackage) and served from it by a release build (or served from the directory: `--serve
data`); its time to ready, its memory, and the time of the issue's queries, tiles and downloads.

    cargo build --release && python3 tests/load/scale.py [--strikes 100000] [--requests 200] [--serve store|data]
        [--throughput SECONDS] [--dir DIR] [--postgres URL] [--replicas 2]

With the store, the server is started twice: first on the newly imported store (it replays the store's log, then
saves its snapshot beside the store: `src/store/saved.rs`), then again, from that snapshot; the figures after that
are the second server's. `--dir DIR` works in DIR and keeps it; what it already holds (the data directory, the
imported store, the saved snapshot) is used again, so a million strikes are generated and imported once.

`--postgres URL` imports into (and serves from) that PostgreSQL/PostGIS database instead of a GeoPackage (e.g.
`eval "$(bash tests/postgres.sh start)"` and `--postgres "$FOOTPRINT_TEST_POSTGRES"`; with `--dir`, a marker file
says it was imported); its servers save their snapshot in DIR (their `TMPDIR`). `--replicas 2` then starts a
second server on the same store and measures both: single requests on the second, and wrk on both at once.

`FOOTPRINT_BIN=PATH` measures another build (e.g. an older commit's) on the same shape of data.

Throughput (`--throughput`, 10 s by default, 0 to leave out) needs `wrk` and `nginx` (Debian: `apt-get install wrk
nginx-light`): wrk loads the items query (bbox + a month, limit 50) on the server, then the same response's bytes
served as a static file by nginx with the same number of worker processes as the server has workers (one per core),
in the same run, and prints both requests/s and their ratio. Both log every request (the server its access log,
nginx its `access_log`, each to a file). wrk repeats one query, so the server answers it from its memory of recent
pages (`Collection::select`); the single-request times above give the cost of a new query.

Prints figures; passes or fails nothing (speed is measured here, never asserted in tests). Standard library only.
"""

import argparse
import os
import re
import socket
import shutil
import http.client
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from server import ROOT, Server, free_port, request

MONTH = "/api/collections/strikes/items?bbox=35.5,32.5,38.5,35.5&datetime=2025-03-01/2025-03-31&limit=50"
THOUSAND = "/api/collections/strikes/items?bbox=35,32,43,38&datetime=2025-03-01/2025-03-07&limit=1000"
DOWNLOAD = "/api/collections/strikes/download?f=geojson"
# Vector tiles: the zoom-6 tile over western Syria for a month, and the zoom-5 tile over Syria for a year.
TILE_MONTH = "/api/collections/strikes/tiles/6/38/25.mvt?datetime=2025-03-01/2025-03-31"
TILE_YEAR = "/api/collections/strikes/tiles/5/19/12.mvt?datetime=2025-01-01/2025-12-31"


def distinct(target, i):
    """`target` with its bbox's west edge moved by i millionths of a degree: the same features (points have five
    decimals) but another query, which the server has not remembered."""
    return target.replace("bbox=35.5,", f"bbox={35.5 - i * 1e-6:.6f},").replace("bbox=35,", f"bbox={35 - i * 1e-6:.6f},")


def timed(port, target, n, fresh=False):
    """Median and 99th percentile milliseconds of `n` requests on one connection, and the last body's size; with
    `fresh`, each request another query ([`distinct`]), so none is answered from the server's memory of pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    times, size = [], 0
    for i in range(n):
        status, body, _, seconds = request(port, distinct(target, i + 1) if fresh else target, connection=conn)
        assert status == 200, (status, body[:200])
        times.append(seconds * 1000)
        size = len(body)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strikes", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--throughput", type=float, default=10, help="seconds of wrk load per server (0: none)")
    parser.add_argument("--dir", type=Path, help="work in this directory and keep it (what it holds is used again)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to import into and serve from instead of a GeoPackage")
    parser.add_argument("--replicas", type=int, default=1, choices=[1, 2], help="servers on the one store")
    parser.add_argument(
        "--serve",
        choices=["store", "data"],
        default="store",
        help="serve from the embedded store (a GeoPackage the data is imported into; the default) or the directory",
    )
    args = parser.parse_args()
    binary = os.environ.get("FOOTPRINT_BIN", str(ROOT / "target" / "release" / "footprint"))
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
        measure(binary, args.dir, args)
        return
    data = Path(tempfile.mkdtemp(prefix="footprint-scale-"))
    try:
        measure(binary, data, args)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def measure(binary, data, args):
    if not (data / "strikes.geojson").exists():
        started = time.perf_counter()
        subprocess.run(
            [binary, "generate", str(data), "--strikes", str(args.strikes)], check=True, capture_output=True
        )
        generated = time.perf_counter() - started
        layer = (data / "strikes.geojson").stat().st_size
        print(f"generate {args.strikes} strikes: {generated:.1f} s, strikes.geojson {layer / 1e6:.0f} MB")
    env = {}
    if args.serve == "store":
        if args.postgres:
            store, marker = args.postgres, data / "imported-postgres"
            imported_already = marker.exists() and marker.read_text() == store
            # The servers save their snapshot in the temporary directory: here, so it can be found.
            env = {"TMPDIR": str(data)}
        else:
            store = str(data / "footprint.gpkg")
            imported_already = Path(store).exists()
        if not imported_already:
            started = time.perf_counter()
            subprocess.run(
                [binary, "import", str(data), "--store", store, "--apply", "--reason", "scale figures"],
                check=True,
                capture_output=True,
            )
            imported = time.perf_counter() - started
            if args.postgres:
                marker.write_text(store)
                print(f"import into PostgreSQL: {imported:.1f} s")
            else:
                print(f"import into a GeoPackage: {imported:.1f} s, {Path(store).stat().st_size / 1e6:.0f} MB")
        serve = ["--store", store]
        snapshots = lambda: list(data.glob("footprint-*.snapshot" if args.postgres else "footprint.gpkg.snapshot"))
        if not snapshots():
            started = time.perf_counter()
            server = Server(data / "serve-first.log", serve, env)
            ready = time.perf_counter() - started
            rss, peak = server.memory_kib()
            print(f"first start (replays the log): ready {ready:.2f} s; resident {rss / 1024:.0f} MB (peak {peak / 1024:.0f} MB)")
            while not snapshots():
                time.sleep(0.2)
            rss, peak = server.memory_kib()
            print(
                f"snapshot saved {time.perf_counter() - started - ready:.1f} s later ({snapshots()[0].stat().st_size / 1e6:.0f} MB); "
                f"resident {rss / 1024:.0f} MB (peak {peak / 1024:.0f} MB)"
            )
            server.stop()
    else:
        serve = ["--data", str(data)]
    started = time.perf_counter()
    server = Server(data / "serve.log", serve, env)
    ready = time.perf_counter() - started
    try:
        rss, peak = server.memory_kib()
        how = "from the saved snapshot" if args.serve == "store" else "data directory"
        print(f"ready after start ({how}): {ready:.2f} s; resident {rss / 1024:.0f} MB (peak {peak / 1024:.0f} MB)")
        for name, target in [("bbox + a month, limit 50", MONTH), ("bbox + 7 days, ~1000 features", THOUSAND)]:
            p50, p99, size = timed(server.port, target, args.requests, fresh=True)
            print(f"{name}, each a new query: median {p50:.2f} ms, p99 {p99:.2f} ms, {size / 1024:.0f} KB")
            p50, p99, size = timed(server.port, target, args.requests)
            print(f"{name}, the same query again (its page remembered): median {p50:.2f} ms, p99 {p99:.2f} ms")
        if args.throughput > 0:
            compare_throughput(server.port, data, args.throughput)
        # Tiles: the first request makes the tile, the rest are served from the cache (each distinct window is a new
        # tile; a second month shows the making again).
        for name, target in [("z6 tile, a month", TILE_MONTH), ("z5 tile, a year", TILE_YEAR)]:
            status, body, _, made = request(server.port, target)
            if status != 200:
                # A tile is bounded (src/http/tiles.rs): at a million strikes a year's z5 tile is refused.
                print(f"{name}: {status} {body[:160].decode(errors='replace')}")
                continue
            p50, p99, size = timed(server.port, target, args.requests)
            print(f"{name}: made in {made * 1000:.1f} ms, then cached median {p50:.2f} ms, {size / 1024:.0f} KB")
        if args.replicas == 2:
            measure_replica(data, serve, env, server.port, args)
        downloads = [("full GeoJSON download", DOWNLOAD, e) for e in ["identity", "gzip", "br"]]
        downloads.append(("layer file /data/strikes.geojson", "/data/strikes.geojson", "identity"))
        for name, target, encoding in downloads:
            # The peak since the reset: loading peaked higher than any download should, and would hide it.
            server.reset_peak()
            peak_before, _ = server.memory_kib()
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            conn.request("GET", target, headers={"Accept-Encoding": encoding})
            response = conn.getresponse()
            first = response.read(1)
            first_byte = time.perf_counter() - started
            total = len(first) + len(response.read())
            whole = time.perf_counter() - started
            _, peak_after = server.memory_kib()
            print(
                f"{name} ({encoding}): first byte {first_byte * 1000:.0f} ms, all {whole:.2f} s, "
                f"{total / 1e6:.0f} MB sent; peak memory +{(peak_after - peak_before) / 1024:.0f} MB"
            )
    finally:
        server.stop()


def measure_replica(data, serve, env, first_port, args):
    """A second server on the same store: its start, single requests, and wrk on both servers at once."""
    started = time.perf_counter()
    second = Server(data / "serve-second.log", serve, env)
    try:
        ready = time.perf_counter() - started
        rss, _ = second.memory_kib()
        print(f"second replica: ready {ready:.2f} s; resident {rss / 1024:.0f} MB")
        for name, target in [("bbox + a month, limit 50", MONTH), ("bbox + 7 days, ~1000 features", THOUSAND)]:
            p50, p99, _ = timed(second.port, target, args.requests, fresh=True)
            print(f"second replica, {name}, each a new query: median {p50:.2f} ms, p99 {p99:.2f} ms")
        if args.throughput > 0 and shutil.which("wrk"):
            loads = [
                subprocess.Popen(
                    ["wrk", "-t1", "-c16", f"-d{args.throughput}s", f"http://127.0.0.1:{port}{MONTH}"],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for port in [first_port, second.port]
            ]
            outs = [load.communicate()[0] for load in loads]
            assert all("Non-2xx" not in out for out in outs), outs
            rates = [float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) for out in outs]
            print(
                f"throughput, both replicas at once (1 wrk thread, 16 connections each): {rates[0]:,.0f} + "
                f"{rates[1]:,.0f} = {sum(rates):,.0f} req/s"
            )
    finally:
        second.stop()


def wrk(port, target, seconds):
    """Requests per second wrk measures on `target` (2 threads, 32 connections), failing on any non-2xx answer."""
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", f"http://127.0.0.1:{port}{target}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Non-2xx" not in out, out
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def compare_throughput(port, data, seconds):
    """The items query's requests/s against nginx serving its response's bytes as a file, in this run."""
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("throughput: left out (needs wrk and nginx: apt-get install wrk nginx-light)")
        return
    status, body, _, _ = request(port, MONTH)
    assert status == 200, status
    static = data / "static"
    static.mkdir(exist_ok=True)
    (static / "items.json").write_bytes(body)
    # nginx's workers drop to an unprivileged user: they need to reach the file (mkdtemp made the directory 0700).
    for path in [data, static, static / "items.json"]:
        path.chmod(0o755)
    nginx_port = free_port()
    conf = data / "nginx.conf"
    conf.write_text(
        f"""worker_processes {os.cpu_count()};
daemon off;
pid {data}/nginx.pid;
error_log {data}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    # Like the server, which logs every request (its access log, at the default level).
    access_log {data}/nginx-access.log;
    sendfile on;
    server {{
        listen 127.0.0.1:{nginx_port};
        root {static};
        location / {{ default_type application/geo+json; }}
    }}
}}
"""
    )
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(data)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", nginx_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        ours = wrk(port, MONTH, seconds)
        theirs = wrk(nginx_port, "/items.json", seconds)
    finally:
        nginx.terminate()
        nginx.wait()
    print(
        f"throughput, bbox + a month, limit 50 ({len(body) / 1024:.0f} KB): {ours:,.0f} req/s; nginx serving the same "
        f"bytes as a file: {theirs:,.0f} req/s; ratio {ours / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
