"""Replays the abusive requests of issue 10 against a running release build and prints what each cost.

    cargo build --release && python3 tests/load/abuse.py [--seconds 20]

For each request: status, response size, time, and the server's RSS and peak RSS after it. Then the items query's
p50/p99 while 16 clients ask for 2048x2048 images (each a different map state, so none comes from the cache), and
the log's growth under four clients sending 15 KB queries. Targets (issue 10): no response over 1 MB for any page
request under 64 KB; peak RSS under abuse <= 200 MB; items p99 <= 50 ms while images render. Exits 1 if a target
is missed. Standard library only.
"""

import argparse
import concurrent.futures
import http.client
import sys
import threading
import time
import urllib.parse

from server import ROOT, Server, percentile, request

MB = 1024 * 1024
BAIT = "{{ card.title }}{{t:page.title}}{{lang}}<!-- head --><!-- include card.html -->{{classes}}{{full_map}}"


def quoted(text):
    return urllib.parse.quote(text, safe="")


def page_bombs(port):
    """Page requests built to amplify: placeholders everywhere, every parameter at (or over) its limit."""
    b = quoted(BAIT)
    long_known = "&".join(
        f"{name}={quoted(chr(34) * n)}"
        for name, n in [("t", 64), ("at", 64), ("layers", 64), ("sel", 80), ("title", 120), ("caption", 400), ("bbox", 128)]
    )
    padding = "&".join(f"title={b}&zz{i}={b}" for i in range(60))
    under_limit = f"{long_known}&{padding}"[: 15 * 1024]
    over_limit = f"title={b}&caption={b}&" + "&".join(f"sel={b}" for _ in range(600))
    over_limit = over_limit[: 62 * 1024]
    oembed_url = quoted(f"http://127.0.0.1:{port}/embed?{long_known}")
    return [
        ("/embed, 15 KB of placeholders", f"/embed?{under_limit}", {"Host": BAIT}),
        ("/, 15 KB of placeholders", f"/?{under_limit}", {}),
        ("/embed, 62 KB of placeholders (the old 489 MB response)", f"/embed?{over_limit}", {}),
        ("/oembed of a map URL with every parameter at its limit", f"/oembed?url={oembed_url}", {}),
        ("/downloads with a forged Host", "/downloads", {"Host": "evil.example"}),
        ("/api with a forged Host", "/api", {"Host": "evil.example"}),
        ("/basemap/style.json with a forged Host", "/basemap/style.json", {"Host": "evil.example"}),
        ("/embed, title over its limit", f"/embed?title={'x' * 121}", {}),
        ("/api/collections/strikes/items?datetime=0000-01-01", "/api/collections/strikes/items?datetime=0000-01-01", {}),
        ("/static/maplibre-gl.mjs, Accept-Encoding: br;q=0", "/static/maplibre-gl.mjs", {"Accept-Encoding": "br;q=0, gzip"}),
        ("a 70 KB request target (over actix's own URI limit)", "/api?x=" + "a" * 70_000, {}),
        ("a 40 KB header (over Footprint's limit)", "/api", {"X-Big": "b" * 40_000}),
    ]


def show(server, name, status, body, headers, seconds):
    rss, peak = server.memory_kib()
    encoding = headers.get("content-encoding", "-")
    print(f"  {status:3}  {len(body):>9,} B  {seconds * 1000:8.1f} ms  rss {rss / 1024:6.1f} MiB  peak {peak / 1024:6.1f} MiB  enc {encoding:5}  {name}")


def replay(server, failures):
    print("\n== abusive requests, one at a time")
    for name, target, headers in page_bombs(server.port):
        status, body, response_headers, seconds = request(server.port, target, headers)
        show(server, name, status, body, response_headers, seconds)
        if len(target) < 64 * 1024 and len(body) > MB:
            failures.append(f"{name}: {len(body)} bytes")
        if b"evil.example" in body:
            failures.append(f"{name}: a forged Host reached the body")
        if "br;q=0" in headers.get("Accept-Encoding", "") and response_headers.get("content-encoding") == "br":
            failures.append(f"{name}: brotli sent to a client that refused it")

    print("\n== four clients sending the 62 KB and 15 KB page bombs for 5 s, /healthz timed meanwhile")
    bombs = [t for n, t, h in page_bombs(server.port)[:3]]
    stop = time.monotonic() + 5
    largest = [0]

    def bomber(i):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while time.monotonic() < stop:
            try:
                status, body, _, _ = request(server.port, bombs[i % len(bombs)], connection=conn)
                largest[0] = max(largest[0], len(body))
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(bomber, i) for i in range(4)]
        health = []
        while time.monotonic() < stop:
            health.append(request(server.port, "/healthz")[3])
            time.sleep(0.05)
        for f in futures:
            f.result()
    rss, peak = server.memory_kib()
    print(f"  largest response {largest[0]:,} B; /healthz p50 {percentile(health, 50) * 1000:.1f} ms, "
          f"max {max(health) * 1000:.1f} ms; rss {rss / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB")

    print("\n== conditional request for a 2048x2048 image with its current ETag")
    target = "/api/static.png?t=2025-01-15&width=2048&height=2048"
    status, body, headers, seconds = request(server.port, target + "&title=first")
    show(server, "first render (2048x2048)", status, body, headers, seconds)
    etag = headers.get("etag", "")
    status, body, headers, seconds = request(server.port, target + "&title=first", {"If-None-Match": etag})
    show(server, "same state, If-None-Match: its ETag", status, body, headers, seconds)

    print("\n== log growth: four clients sending 15 KB queries for 5 s")
    before = server.log_bytes()
    long_query = "/api/collections/strikes/items?limit=1&q=" + "x" * 15_000
    stop = time.monotonic() + 5
    sent = [0]
    lock = threading.Lock()

    def logger():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while time.monotonic() < stop:
            request(server.port, long_query, connection=conn)
            with lock:
                sent[0] += 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for f in [pool.submit(logger) for _ in range(4)]:
            f.result()
    grown = server.log_bytes() - before
    print(f"  {sent[0]} requests of {len(long_query):,} B: the log grew {grown:,} B ({grown / max(sent[0], 1):.0f} B a request)")


def images_and_items(server, seconds, failures):
    print(f"\n== items query latency while 16 clients ask for 2048x2048 images for {seconds} s")
    stop = time.monotonic() + seconds
    outcomes = {}
    lock = threading.Lock()

    def imager(i):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        n = 0
        while time.monotonic() < stop:
            n += 1
            day = 1 + (i * 97 + n) % 28
            target = f"/api/static.png?t=2025-02-{day:02}&w={1 + (i + n) % 60}&width=2048&height=2048"
            try:
                status, _, headers, _ = request(server.port, target, connection=conn)
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                status = "connection error"
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1
            if status == 503:
                time.sleep(float(headers.get("retry-after", "1")) / 10)

    items = []
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(imager, i) for i in range(16)]
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        time.sleep(1)
        while time.monotonic() < stop:
            status, body, _, elapsed = request(
                server.port, "/api/collections/strikes/items?limit=20&datetime=2025-01-01/..", connection=conn
            )
            assert status == 200, body[:200]
            items.append(elapsed)
            time.sleep(0.02)
        for f in futures:
            f.result()
    rss, peak = server.memory_kib()
    p50, p99 = percentile(items, 50) * 1000, percentile(items, 99) * 1000
    print(f"  image responses: {dict(sorted(outcomes.items(), key=str))}")
    print(f"  items: {len(items)} requests, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(items) * 1000:.1f} ms")
    print(f"  rss {rss / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB")
    if p99 > 50:
        failures.append(f"items p99 {p99:.1f} ms > 50 ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="how long 16 clients render images")
    args = parser.parse_args()
    server = Server(ROOT / "target" / "load" / "abuse-server.log")
    failures = []
    try:
        rss, peak = server.memory_kib()
        print(f"server pid {server.process.pid} on port {server.port}: rss {rss / 1024:.1f} MiB at start")
        replay(server, failures)
        images_and_items(server, args.seconds, failures)
        rss, peak = server.memory_kib()
        print(f"\n== peak RSS over the whole run: {peak / 1024:.1f} MiB (target <= 200 MiB)")
        if peak > 200 * 1024:
            failures.append(f"peak RSS {peak / 1024:.1f} MiB > 200 MiB")
        status = request(server.port, "/healthz")[0]
        print(f"/healthz after all of it: {status}")
    finally:
        server.stop()
    if failures:
        print("\nMISSED: " + "; ".join(failures))
        sys.exit(1)
    print("\nall targets met")


if __name__ == "__main__":
    main()
