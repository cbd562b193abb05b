"""What an unauthenticated flood of young-person sign-ins does to the server.

Starts `waymark serve --no-jobs` (one uvicorn worker, demo mode) on a fresh SQLite
database with the demo data, signs one demo young person in, then measures:

* baseline: server RSS and the latency of 30 sequential GET /plan by that person;
* flood: ``--clients`` threads (one httpx.Client each, so the CSRF cookie is kept)
  for ``--seconds``, each looping GET /login + POST /login with a wrong passphrase
  (half real demo usernames, half random unknown ones), while the server's RSS is
  sampled every 0.2 s and the signed-in person keeps timing GET /plan.

Reports RSS before and at peak, /plan p50/p95 before and during (and max during), the
flood's request count and POST status codes (422 wrong passphrase, 429 throttled,
503 busy, other), and 422s per second (passphrases actually checked). Every client is
127.0.0.1, so the per-IP limit applies to the whole flood; ``--ip-limit`` raises it
(WAYMARK_LOGIN_IP_LIMIT) to stand in for a flood from many addresses.

Run: .venv/bin/python bench/signin_flood.py [--seconds 10] [--clients 40]
     [--app-dir CHECKOUT] [--ip-limit N]
The server runs CHECKOUT's code (PYTHONPATH=CHECKOUT/backend), default this repo.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            pass  # gone, or a zombie without VmRSS
    return total / 1024


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile in ms (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000


def post_login(client: httpx.Client, username: str, passphrase: str) -> int:
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)
    data = {"csrf_token": token, "username": username, "passphrase": passphrase}
    return client.post("/login", data=data).status_code


def demo_accounts(app_dir: Path) -> tuple[list[str], str]:
    source = (app_dir / "backend/waymark/demo.py").read_text()
    names = re.findall(r'DemoYoungPerson\(\s*"\w+",\s*"([a-z0-9._-]+)"', source)
    return names, re.search(r'DEMO_PASSPHRASE = "([^"]+)"', source).group(1)


def time_plan(client: httpx.Client, latencies: list[float], statuses: Counter) -> None:
    t0 = time.perf_counter()
    try:
        status = client.get("/plan").status_code
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    latencies.append(time.perf_counter() - t0)
    statuses[status] += 1


def flood(base: str, args: argparse.Namespace, names: list[str], pid: int, plan: httpx.Client) -> dict:
    posts: Counter = Counter()
    sent = [0]
    lock = threading.Lock()
    done = threading.Event()
    rss_peak = [rss_mb(pid)]
    plan_lat: list[float] = []
    plan_status: Counter = Counter()
    deadline = time.perf_counter() + args.seconds

    def attacker(i: int) -> None:
        rng = random.Random(i)  # noqa: S311 (made-up usernames, not secrets)
        with httpx.Client(base_url=base, timeout=60) as c:
            n = 0
            while time.perf_counter() < deadline:
                if i % 2 == 0:
                    user = names[(i // 2 + n) % len(names)]
                else:
                    user = "zz" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=10))
                wrong = "".join(rng.choices(string.ascii_letters, k=20))
                try:
                    status = post_login(c, user, wrong)
                except (httpx.HTTPError, AttributeError) as exc:  # AttributeError: no token on the page
                    status = type(exc).__name__
                with lock:
                    posts[status] += 1
                    sent[0] += 2
                n += 1

    def sampler() -> None:
        while not done.is_set():
            rss_peak[0] = max(rss_peak[0], rss_mb(pid))
            time.sleep(0.2)

    def planner() -> None:
        while not done.is_set():
            time_plan(plan, plan_lat, plan_status)

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(args.clients)]
    watchers = [threading.Thread(target=sampler), threading.Thread(target=planner)]
    start = time.perf_counter()
    for t in watchers + threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    done.set()
    for t in watchers:
        t.join()
    return {
        "flood_seconds": round(elapsed, 2),
        "flood_requests": sent[0],
        "flood_posts": sum(posts.values()),
        "post_status": {str(k): v for k, v in sorted(posts.items(), key=str)},
        "checked_per_s": round(posts[422] / elapsed, 1),
        "rss_peak_mb": round(rss_peak[0], 1),
        "plan_during_n": len(plan_lat),
        "plan_during_p50_ms": round(pct(plan_lat, 0.5), 1),
        "plan_during_p95_ms": round(pct(plan_lat, 0.95), 1),
        "plan_during_max_ms": round(max(plan_lat, default=float("nan")) * 1000, 1),
        "plan_during_status": {str(k): v for k, v in plan_status.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--app-dir", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--ip-limit", type=int, help="WAYMARK_LOGIN_IP_LIMIT for the server (default: the app's)")
    args = parser.parse_args()
    app_dir = args.app_dir.resolve()
    names, passphrase = demo_accounts(app_dir)

    tmp = Path(tempfile.mkdtemp(prefix="waymark-flood-"))
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(app_dir / "backend"),
        "WAYMARK_DEMO_MODE": "true",
        "WAYMARK_DATABASE_URL": f"sqlite:///{tmp}/flood.db",
        "WAYMARK_HOST": "127.0.0.1",
        "WAYMARK_SECRET_KEY": secrets.token_urlsafe(48),
    }
    if args.ip_limit is not None:
        env["WAYMARK_LOGIN_IP_LIMIT"] = str(args.ip_limit)
    py = [sys.executable, "-m", "waymark.cli"]
    code = subprocess.run(
        [sys.executable, "-c", "import waymark; print(waymark.__file__)"], env=env, capture_output=True, text=True
    ).stdout.strip()
    if not code.startswith(str(app_dir)):
        sys.exit(f"waymark would load from {code}, not {app_dir}")
    subprocess.run([*py, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*py, "seed-demo"], env=env, check=True, capture_output=True)
    log = open(tmp / "server.log", "w")  # closed in finally
    server = subprocess.Popen([*py, "serve", "--port", str(port), "--no-jobs"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                sys.exit(f"server exited: see {tmp}/server.log")
            time.sleep(0.1)
        plan = httpx.Client(base_url=base, timeout=120)
        if post_login(plan, names[0], passphrase) != 303:
            sys.exit(f"could not sign {names[0]} in")
        time_plan(plan, [], Counter())  # warm-up
        rss_before = rss_mb(server.pid)
        base_lat: list[float] = []
        base_status: Counter = Counter()
        for _ in range(30):
            time_plan(plan, base_lat, base_status)
        result = {
            "app_dir": str(app_dir),
            "clients": args.clients,
            "seconds": args.seconds,
            "ip_limit": args.ip_limit,
            "rss_before_mb": round(rss_before, 1),
            "plan_before_p50_ms": round(pct(base_lat, 0.5), 1),
            "plan_before_p95_ms": round(pct(base_lat, 0.95), 1),
            "plan_before_status": {str(k): v for k, v in base_status.items()},
            **flood(base, args, names, server.pid, plan),
        }
        plan.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    r = result
    print(f"Sign-in flood: {r['clients']} clients x {r['flood_seconds']} s against {app_dir}")
    if args.ip_limit is not None:
        print(f"  (per-IP sign-in limit raised to {args.ip_limit})")
    print(f"  server RSS        before {r['rss_before_mb']} MB, peak during flood {r['rss_peak_mb']} MB")
    print(f"  GET /plan before  p50 {r['plan_before_p50_ms']} ms, p95 {r['plan_before_p95_ms']} ms (30 requests)")
    print(
        f"  GET /plan during  p50 {r['plan_during_p50_ms']} ms, p95 {r['plan_during_p95_ms']} ms, "
        f"max {r['plan_during_max_ms']} ms ({r['plan_during_n']} requests, status {r['plan_during_status']})"
    )
    print(f"  flood requests    {r['flood_requests']} ({r['flood_posts']} POST /login), POST status {r['post_status']}")
    print(f"  passphrases checked (422s) per second: {r['checked_per_s']}")
    print("JSON " + json.dumps(result))
    shutil.rmtree(tmp)  # kept (with server.log) only when a run fails
    return 0


if __name__ == "__main__":
    sys.exit(main())
