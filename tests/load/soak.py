"""A soak: mixed traffic (items, downloads, pages, images, tiles, the bundle) at 64 connections against a release
build, with the server's RSS sampled every 10 s.

    cargo build --release && python3 tests/load/soak.py [--seconds 600] [--connections 64]

Passes (exit 0) when no request fails and the RSS at the end is within 10% of the RSS after the first minute.
A `503` from the image renderer is the designed answer to a full queue, not a failure: the client waits for its
`Retry-After` (as a browser or a cache would) and the count is reported. Standard library only.
"""

import argparse
import collections
import http.client
import random
import sys
import threading
import time

from server import ROOT, Server, percentile, request

STATES = [f"t=2025-{m:02}-{d:02}&w={w}" for m in (1, 3, 6, 9) for d in (1, 15) for w in (7, 30, 90)]
TILES = [(z, x, y) for z, x, y in [(4, 9, 6), (5, 19, 12), (5, 19, 13), (6, 38, 25), (6, 39, 25), (7, 77, 51), (8, 155, 102)]]


def targets(rng):
    """One request of the mix, as (kind, target, headers)."""
    kind = rng.choices(
        ["items", "item filters", "download", "page", "embed", "image", "card image", "tile", "bundle", "timeline", "oembed"],
        weights=[20, 10, 6, 8, 8, 5, 2, 20, 10, 6, 5],
    )[0]
    state = rng.choice(STATES)
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    if kind == "items":
        offset = rng.randrange(0, 60, 10)
        return kind, f"/api/collections/{rng.choice(['sites', 'strikes', 'events'])}/items?limit=10&offset={offset}", gzip
    if kind == "item filters":
        return kind, f"/api/collections/strikes/items?bbox=35,32,43,38&datetime=2025-0{rng.randint(1, 9)}/..&limit=50", gzip
    if kind == "download":
        return kind, f"/api/collections/{rng.choice(['sites', 'strikes', 'events'])}/download?f={rng.choice(['geojson', 'csv'])}", gzip
    if kind == "page":
        return kind, rng.choice([f"/?{state}", f"/?{state}&lang=ar", "/downloads"]), gzip
    if kind == "embed":
        return kind, f"/embed?{state}&title=Strikes%20in%20Syria&theme={rng.choice(['light', 'dark'])}", gzip
    if kind == "image":
        return kind, f"/api/static.png?{state}&width=800&height=450", {}
    if kind == "card image":
        return kind, f"/api/static.png?{state}&width=1200&height=630", {}
    if kind == "tile":
        z, x, y = rng.choice(TILES)
        return kind, f"/basemap/tiles/{z}/{x}/{y}.mvt", {"Accept-Encoding": "gzip"}
    if kind == "bundle":
        return kind, rng.choice(["/static/maplibre-gl.mjs", "/static/footprint_web_bg.wasm", "/static/app.css", "/basemap/style.json"]), gzip
    if kind == "timeline":
        return kind, "/api/timeline?bucket=week&collections=strikes,events&datetime=2024-12-01/..", gzip
    return kind, f"/oembed?url=http%3A%2F%2F127.0.0.1%3A{{port}}%2F%3F{state.replace('&', '%26')}", {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    server = Server(ROOT / "target" / "load" / "soak-server.log")
    stop = time.monotonic() + args.seconds
    lock = threading.Lock()
    latencies = collections.defaultdict(list)
    statuses = collections.Counter()
    failures = []

    def client(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        while time.monotonic() < stop:
            kind, target, headers = targets(rng)
            target = target.replace("{port}", str(server.port))
            try:
                status, body, response_headers, seconds = request(server.port, target, headers, connection=conn)
            except (OSError, http.client.HTTPException) as err:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                with lock:
                    failures.append(f"{kind} {target[:80]}: {err!r}")
                continue
            with lock:
                statuses[(kind, status)] += 1
                if status in (200, 204):
                    latencies[kind].append(seconds)
                elif status == 503 and "retry-after" in response_headers:
                    pass
                else:
                    failures.append(f"{kind} {target[:80]}: {status} {body[:120]!r}")
            if status == 503:
                time.sleep(float(response_headers.get("retry-after", "1")))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    samples = []
    print(f"soak: {args.connections} connections for {args.seconds} s against pid {server.process.pid}")
    print("   t(s)   rss(MiB)  peak(MiB)  requests")
    while time.monotonic() < stop:
        time.sleep(min(10, max(0, stop - time.monotonic())))
        rss, peak = server.memory_kib()
        elapsed = time.monotonic() - started
        with lock:
            done = sum(statuses.values())
        samples.append((elapsed, rss))
        print(f"  {elapsed:5.0f}   {rss / 1024:8.1f}  {peak / 1024:9.1f}  {done:8}")
    for t in threads:
        t.join(timeout=180)
    rss_end = server.memory_kib()[0]
    server.stop()

    print("\nper kind: requests, p50, p99 (ms)")
    for kind in sorted(latencies):
        values = latencies[kind]
        print(f"  {kind:13} {len(values):7}  {percentile(values, 50) * 1000:7.1f}  {percentile(values, 99) * 1000:7.1f}")
    by_status = collections.Counter()
    for (_, status), n in statuses.items():
        by_status[status] += n
    print("statuses:", dict(sorted(by_status.items())))
    print(f"image 503s (renderer busy, retried after Retry-After): {by_status[503]}")
    after_minute = next((rss for t, rss in samples if t >= 60), samples[0][1] if samples else rss_end)
    change = (rss_end - after_minute) / after_minute * 100
    print(f"RSS after the first minute {after_minute / 1024:.1f} MiB, at the end {rss_end / 1024:.1f} MiB ({change:+.1f}%)")
    ok = True
    if failures:
        ok = False
        print(f"\nFAILED: {len(failures)} requests failed, e.g.:")
        for failure in failures[:10]:
            print("  " + failure)
    if abs(change) > 10:
        ok = False
        print("FAILED: the RSS at the end is not within 10% of the RSS after the first minute")
    print("\nsoak passed" if ok else "\nsoak failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
