"""`make bench`: throughput and latency of key pages against a baseline in the same run.

Starts `waymark serve` (one worker) on a fresh SQLite database with the demo data,
then drives it with concurrent HTTP clients (httpx + asyncio) for a few seconds per
target. The baseline is a small static file served through the whole middleware stack
(no route code, no database); each page is reported as a ratio to it, so the figures
compare across machines and across changes to the routes. Run: make bench [SECONDS=5]
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("SECONDS_PER_TARGET", "5"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "20"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive_wrk(base: str, path: str, cookies: dict[str, str]) -> tuple[float, float, float, int]:
    """wrk (C, epoll) when installed: the load generator is then not the bottleneck."""
    cmd = ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{int(SECONDS)}s", "--latency", "-H", "Accept-Encoding: gzip"]
    if cookies:
        cmd += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    out = subprocess.run([*cmd, base + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label: str) -> float:
        value, unit = re.search(label + r"\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, ms("50%"), ms("99%"), int(errors.group(1)) if errors else 0


async def drive(base: str, path: str, cookies: dict[str, str]) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, cookies=cookies, headers={"accept-encoding": "gzip"}) as c:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await c.get(path)
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code != 200

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return len(latencies) / (time.perf_counter() - start), latencies, errors


def sign_in(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"csrf_token": token, "username": "amara", "passphrase": "riverside demo passphrase"})
        return dict(c.cookies)


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="waymark-bench-")
    port = free_port()
    env = {
        **os.environ,
        "WAYMARK_DEMO_MODE": "true",
        "WAYMARK_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "WAYMARK_PORT": str(port),
    }
    waymark = str(Path(sys.executable).parent / "waymark")
    subprocess.run([waymark, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([waymark, "seed-demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([waymark, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        cookies = sign_in(base)
        targets = [
            ("static app.js (baseline)", "/static/app.js", {}),
            ("/healthz", "/healthz", {}),
            ("/login signed out", "/login", {}),
            ("/ young person home", "/", cookies),
            ("/plan (Amara, 10 steps)", "/plan", cookies),
        ]
        use_wrk = shutil.which("wrk") is not None
        tool = "wrk" if use_wrk else "httpx (install wrk for truer figures)"
        print(f"{CONCURRENCY} concurrent clients ({tool}), {SECONDS:.0f} s a target, 1 server worker, SQLite")
        print(f"{'target':26} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        baseline = None
        for name, path, jar in targets:
            if use_wrk:
                rate, p50, p99, errors = drive_wrk(base, path, jar)
            else:
                rate, lat, errors = asyncio.run(drive(base, path, jar))
                lat.sort()
                p50, p99 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.99) - 1] * 1000
            baseline = baseline or rate
            print(f"{name:26} {rate:8.0f} {rate / baseline:6.2f} {p50:8.1f} {p99:8.1f} {errors:6d}")
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
