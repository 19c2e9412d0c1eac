"""Load on `planner serve`: N concurrent clients on loopback for a bounded time.

    python benchmarks/serve.py [--clients 32] [--seconds 20] [--soak] [--workers 1] [--json FILE]

Starts ``planner serve`` on a free loopback port, warms it up, then runs ``--clients`` clients
(asyncio, httpx) that each send mixed random questions (a seeded stream: /api/plan and
/api/check in turn, random qualifications, achieved, wanted and refused units, objectives) one
after another until the time is up. Prints requests per second, p50, p95 and p99 latency of each
endpoint, the errors (any answer but 200, or no answer), and the server's memory (RSS of the
server and its workers) after the warm-up and at the end. ``--soak`` runs 5 minutes and samples
the memory every 30 s. The server is stopped at the end whatever happens; nothing listens beyond
127.0.0.1.

Targets (issue 16): >= 300 plans/s at 32 clients with p99 <= 50 ms and 0 errors; memory flat
(within 10 %) over a 5-minute soak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
QUALS = ("award", "certificate", "diploma", "extended-diploma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn's workers), in KiB."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = []
    for k in map(int, kids):
        out += [k, *children(k)]
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (uvicorn's workers), in seconds."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "planner", "serve", "--host", HOST, "--port", str(port),
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/quals", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


def questions(seed: int, units: dict[str, list[str]]):
    """An endless seeded stream of (path, body): plan and check in turn."""
    rng = random.Random(seed)
    while True:
        q = rng.choice(QUALS)
        pool = units[q]
        picked = rng.sample(pool, rng.randint(0, 4))
        achieved, include, exclude = picked[:2], picked[2:3], picked[3:]
        objective = rng.choice(("glh", "tqt"))
        yield "plan", {"qualification": q, "achieved": achieved, "include": include,
                       "exclude": exclude, "objective": objective, "registered": "2024-09-01"}
        yield "check", {"qualification": q, "units": rng.sample(pool, rng.randint(1, 6)),
                        "registered": "2024-09-01", "objective": objective}


async def client(base: str, stream, until: float, out: dict) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for path, body in stream:
            if time.monotonic() >= until:
                return
            t = time.perf_counter()
            try:
                res = await http.post(f"/api/{path}", json=body)
                ok = res.status_code == 200
            except httpx.HTTPError:
                ok = False
            out[path].append(time.perf_counter() - t)
            if not ok:
                out["errors"].append(path)


async def load(base: str, clients: int, seconds: float, units) -> dict:
    out: dict = {"plan": [], "check": [], "errors": []}
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(base, questions(i, units), until, out)
                           for i in range(clients)))
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def run(clients: int, seconds: float, workers: int, soak: bool) -> dict:
    port = free_port()
    base = f"http://{HOST}:{port}"
    proc = start_server(port, workers)
    try:
        units = {q: [u["ref"] for u in httpx.get(f"{base}/api/units/{q}").json()] for q in QUALS}
        asyncio.run(load(base, clients, 5, units))  # warm-up: every client, the thread pool grown
        before = rss_kib(proc.pid)
        samples = [before]
        cpu = (cpu_seconds(proc.pid), own_cpu_seconds())
        results: dict = {"plan": [], "check": [], "errors": []}
        started = time.monotonic()
        step = 30.0 if soak else seconds
        while time.monotonic() - started < seconds - 0.5:
            part = asyncio.run(load(base, clients, min(step, seconds -
                                                       (time.monotonic() - started)), units))
            for k in results:
                results[k] += part[k]
            samples.append(rss_kib(proc.pid))
        elapsed = time.monotonic() - started
        # where the 2 cores went: the server's share against the load generator's own
        cpu = (cpu_seconds(proc.pid) - cpu[0], own_cpu_seconds() - cpu[1])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    growth = round(100 * (samples[-1] - before) / before, 1) if before else None
    figures = {"clients": clients, "workers": workers, "seconds": round(elapsed, 1),
               "cores": os.cpu_count(), "errors": len(results["errors"]),
               "rss_before_mib": round(before / 1024, 1),
               "rss_after_mib": round(samples[-1] / 1024, 1),
               "rss_samples_mib": [round(s / 1024, 1) for s in samples],
               "rss_growth_pct": growth,
               "cpu_server_s": round(cpu[0], 1), "cpu_clients_s": round(cpu[1], 1)}
    for path in ("plan", "check"):
        lat = results[path]
        figures[path] = {"requests": len(lat), "per_second": round(len(lat) / elapsed, 1),
                         "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
                         "p99_ms": round(pct(lat, 99), 1),
                         "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None}
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--soak", action="store_true", help="5 minutes, memory sampled every 30 s")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    seconds = 300.0 if args.soak else args.seconds
    figures = run(args.clients, seconds, args.workers, args.soak)
    for path in ("plan", "check"):
        f = figures[path]
        print(f"/api/{path:6} {f['per_second']:7.1f}/s  p50 {f['p50_ms']:6.1f} ms  "
              f"p95 {f['p95_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms  ({f['requests']} requests)")
    print(f"clients {figures['clients']}, workers {figures['workers']}, {figures['seconds']} s, "
          f"errors {figures['errors']}, memory {figures['rss_before_mib']} -> "
          f"{figures['rss_after_mib']} MiB ({figures['rss_growth_pct']:+} %); CPU server "
          f"{figures['cpu_server_s']} s, clients {figures['cpu_clients_s']} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
