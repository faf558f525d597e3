"""Adversarial load on ``etiograph serve``: the security review's B and C cases, bounded, on loopback.

    python benchmarks/bench_adversarial.py [--src DIR] [--label NAME] [--json FILE] [--quick]

``--src`` runs the server from another checkout's ``src/`` (e.g. ``git archive`` of an older
commit unpacked in /tmp), so one script measures before and after. Each server runs with its
own defaults. Everything goes to 127.0.0.1; every case is bounded in count and time; the server
and its processes are stopped at the end (by PID), and a watchdog kills the server's workers if
server + workers pass 10 GiB.

Prints, per case: requests/s and p50/p95/p99 at concurrency 16 and 64 (the review's C1/C2 mix),
the probe latency beside 2 and 6 heavy queries (B41/B42), peak RSS of server + workers during
the memory cases (B02, B08, B09, B10), CPU still burnt after a client disconnects (B40), and
how many of 520 idle connections the server holds while a probe is served (C5/C6).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROBE = "ASK { ?s ?p ?o }"
MIX = [  # the review's load mix: four small queries
    "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } LIMIT 10",
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } LIMIT 20",
]
WATCHDOG_BYTES = 10 * 1024**3


def doubling(steps: int, result: str) -> str:
    """CONCAT doubling: an 8-byte string doubled ``steps`` times (8 B × 2^steps)."""
    binds = ['BIND("aaaaaaaa" AS ?x0)'] + [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(steps)]
    return f"SELECT {result} WHERE {{ {' '.join(binds)} }}".replace("LAST", f"?x{steps}")


MEMORY_CASES = {
    "B02 cartesian ORDER BY LIMIT 1": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
    "B08 CONCAT to 1 GiB, STRLEN": doubling(27, "(STRLEN(LAST) AS ?n)"),
    "B09 CONCAT to 16 GiB, STRLEN": doubling(31, "(STRLEN(LAST) AS ?n)"),
    "B10 one 128 MiB string": doubling(24, "LAST"),
}


# -- processes ---------------------------------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    """The process and every process below it (psutil reads /proc), the process first."""
    try:
        return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
    except psutil.NoSuchProcess:
        return [pid]


def rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total


class Sampler:
    """RSS of the server and all its descendants every 0.25 s; kills the workers past the watchdog."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            pids = descendants(self.pid)
            current = rss(pids)
            self.peak = max(self.peak, current)
            if current > WATCHDOG_BYTES:
                print(f"watchdog: {current >> 20} MiB, killing the workers", file=sys.stderr)
                for pid in pids[1:]:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.25)

    def stop(self) -> int:
        self.running = False
        self.thread.join(timeout=2)
        return self.peak


def start_server(src: str | None, port: int) -> subprocess.Popen:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    process = subprocess.Popen(
        [sys.executable, "-m", "etiograph", "serve", "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    line = process.stdout.readline()
    if "SPARQL endpoint" not in line:
        stop_server(process)
        raise SystemExit(f"the server did not start: {line!r}")
    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
    return process


def stop_server(process: subprocess.Popen) -> None:
    tree = descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in tree[1:]:  # workers left behind, if any: ours, by PID
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


# -- cases -------------------------------------------------------------------------------------------
def quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3 if values else (0.0, 0.0, 0.0)
    q = statistics.quantiles(values, n=100)
    return q[49], q[94], q[98]


async def load(url: str, requests: int, concurrency: int, cap: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(requests))
    deadline = time.monotonic() + cap
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    async with httpx.AsyncClient(timeout=60, transport=transport) as client:

        async def one() -> None:
            for index in counter:
                if time.monotonic() > deadline:
                    return
                query = MIX[index % len(MIX)]
                started = time.perf_counter()
                try:
                    if index % 2:
                        reply = await client.post(url, data={"query": query})
                    else:
                        reply = await client.get(url, params={"query": query})
                    key = None if reply.status_code == 200 else str(reply.status_code)
                except httpx.HTTPError as error:
                    key = type(error).__name__
                latencies.append(time.perf_counter() - started)
                if key:
                    errors[key] = errors.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    p50, p95, p99 = quantiles(sorted(latencies))
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": p50 * 1000,
        "p95_ms": p95 * 1000,
        "p99_ms": p99 * 1000,
        "errors": errors,
    }


def probe_beside_heavy(url: str, heavy: int, cap: float) -> dict:
    import httpx

    outcomes: list[tuple[int, float]] = []

    def send_heavy() -> None:
        started = time.monotonic()
        try:
            status = httpx.post(url, data={"query": HEAVY}, timeout=cap).status_code
        except httpx.HTTPError:
            status = 0
        outcomes.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=send_heavy) for _ in range(heavy)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    started = time.monotonic()
    try:
        status = httpx.get(url, params={"query": PROBE}, timeout=cap).status_code
    except httpx.HTTPError as error:
        status = type(error).__name__
    probe = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=cap + 5)
    return {"heavy": heavy, "probe_s": probe, "probe_status": status, "heavy_outcomes": sorted(outcomes)}


def memory_case(url: str, pid: int, query: str, cap: float) -> dict:
    import httpx

    sampler = Sampler(pid)
    before = rss(descendants(pid))
    started = time.monotonic()
    try:
        reply = httpx.post(url, data={"query": query}, timeout=cap)
        status, size = reply.status_code, len(reply.content)
    except httpx.HTTPError as error:
        status, size = type(error).__name__, 0
    seconds = time.monotonic() - started
    peak = sampler.stop()
    time.sleep(0.5)
    return {
        "status": status,
        "seconds": seconds,
        "answer_bytes": size,
        "rss_before_mib": before >> 20,
        "rss_peak_mib": peak >> 20,
        "rss_after_mib": rss(descendants(pid)) >> 20,
    }


def after_disconnect(url: str, pid: int) -> dict:
    """B40: send the heavy query, leave after 1 s, and measure the CPU the server burns in the next 3 s."""
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    body = f"query={HEAVY.replace(' ', '+')}".encode()
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    time.sleep(1.0)
    sock.close()
    time.sleep(0.5)
    ticks = cpu_ticks(descendants(pid))
    time.sleep(3.0)
    burnt = (cpu_ticks(descendants(pid)) - ticks) / os.sysconf("SC_CLK_TCK")
    return {"cpu_s_in_3s_after_leaving": burnt}


def idle_connections(url: str, count: int, mode: str, hold: float) -> dict:
    """C5/C6: hold ``count`` connections (nothing sent, or a header line every 2 s), probe meanwhile."""
    import httpx

    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    sockets = []
    for _ in range(count):
        try:
            sock = socket.create_connection((host, int(port)), timeout=5)
            if mode == "slow":
                sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        except OSError:
            break
    opened = len(sockets)
    probes: list[tuple[object, float]] = []
    deadline = time.monotonic() + hold
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            status = httpx.get(url, params={"query": PROBE}, timeout=5).status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        probes.append((status, round(time.monotonic() - started, 3)))
        if mode == "slow":
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-Slow: 1\r\n")
        time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
    still_open = 0
    for sock in sockets:
        try:
            sock.setblocking(False)
            data = sock.recv(1)
            still_open += data != b""
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        finally:
            sock.close()
    ok = sum(1 for status, _ in probes if status == 200)
    return {
        "mode": mode,
        "opened": opened,
        "still_open_at_end": still_open,
        "probes_ok": ok,
        "probes": len(probes),
        "probe_max_s": max((s for _, s in probes), default=0),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", help="run the server from this src/ folder (another checkout)")
    parser.add_argument("--label", default="current")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="fewer requests, skip the 16 GiB case")
    args = parser.parse_args()
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    requests = 600 if args.quick else 1500
    results: dict = {"label": args.label}
    process = start_server(args.src, port)
    try:
        results["rss_idle_mib"] = rss(descendants(process.pid)) >> 20
        results["load"] = {c: asyncio.run(load(url, requests, c, 40)) for c in (16, 64)}
        results["heavy"] = [probe_beside_heavy(url, n, 45) for n in (2, 6)]
        cases = dict(MEMORY_CASES)
        if args.quick:
            cases.pop("B09 CONCAT to 16 GiB, STRLEN")
        results["memory"] = {name: memory_case(url, process.pid, query, 45) for name, query in cases.items()}
        results["disconnect"] = after_disconnect(url, process.pid)
        results["idle"] = [idle_connections(url, 520, mode, 14) for mode in ("silent", "slow")]
        results["rss_end_mib"] = rss(descendants(process.pid)) >> 20
    finally:
        stop_server(process)
    print_tables(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


def print_tables(results: dict) -> None:
    print(
        f"== {results['label']}: server + workers {results['rss_idle_mib']} MiB idle, {results['rss_end_mib']} at the end"
    )
    print("\nload (the review's C mix, GET and form POST alternating)")
    print(f"{'concurrency':>11} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
    for concurrency, row in results["load"].items():
        print(
            f"{concurrency:>11} {row['requests']:>8} {row['rps']:>7.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f}  {row['errors'] or '-'}"
        )
    print("\nprobe (ASK) beside heavy queries (B41, B42)")
    for row in results["heavy"]:
        heavy = ", ".join(f"{s}@{t:.1f}s" for s, t in row["heavy_outcomes"])
        print(f"  {row['heavy']} heavy: probe {row['probe_status']} in {row['probe_s']:.2f} s; heavy: {heavy}")
    print("\nmemory cases: status, seconds, answer bytes, RSS server+workers before -> peak -> after (MiB)")
    for name, row in results["memory"].items():
        print(
            f"  {name:<32} {row['status']!s:>4} {row['seconds']:6.1f} s {row['answer_bytes']:>11,} B  "
            f"{row['rss_before_mib']} -> {row['rss_peak_mib']} -> {row['rss_after_mib']}"
        )
    print(
        f"\nB40 client leaves after 1 s: CPU burnt in the next 3 s = {results['disconnect']['cpu_s_in_3s_after_leaving']:.2f} s"
    )
    print("\nidle connections (C5, C6): 520 held ~14 s from 127.0.0.1, a probe every 2 s")
    for row in results["idle"]:
        print(
            f"  {row['mode']:<6} opened {row['opened']}, still open at the end {row['still_open_at_end']}; "
            f"probes OK {row['probes_ok']}/{row['probes']} (max {row['probe_max_s']} s)"
        )


if __name__ == "__main__":
    sys.exit(main())
