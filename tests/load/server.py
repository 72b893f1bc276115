"""A release `footprint serve` on a free port, its memory as the kernel counts it, and timed HTTP requests.

Shared by abuse.py and soak.py (standard library only).
"""

import http.client
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Starts the binary (FOOTPRINT_BIN, default target/release/footprint) with its log in `log_path`."""

    def __init__(self, log_path, extra_args=(), extra_env=None):
        self.port = free_port()
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        binary = os.environ.get("FOOTPRINT_BIN", str(ROOT / "target" / "release" / "footprint"))
        self.log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if k != "FOOTPRINT_DATA"}
        env["RUST_LOG"] = "info"
        env["FOOTPRINT_STORE"] = str(Path(tempfile.mkdtemp(prefix="footprint-load-")) / "footprint.gpkg")
        env["NO_COLOR"] = "1"
        env.update(extra_env or {})
        self.process = subprocess.Popen(
            [binary, "serve", "--bind", "127.0.0.1", "--port", str(self.port), *extra_args],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            env=env,
        )
        # A store of a million features replays its log for about a minute the first time.
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def memory_kib(self):
        """(current RSS, peak RSS) in KiB, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    def reset_peak(self):
        """Resets the peak RSS to the current one (Linux: `5` into /proc/PID/clear_refs), so a later peak is the
        peak of what happened since."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def log_bytes(self):
        self.log.flush()
        return self.log_path.stat().st_size

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request(port, target, headers=None, connection=None, timeout=120):
    """GET `target`; returns (status, body bytes, headers dict, seconds). Reuses `connection` when given."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
    headers = dict(headers or {})
    headers.setdefault("Host", f"127.0.0.1:{port}")
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    result = (response.status, body, {k.lower(): v for k, v in response.getheaders()}, elapsed)
    if connection is None or response.getheader("connection", "").lower() == "close":
        conn.close()
    return result


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
