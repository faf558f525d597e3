"""Load test: ``etiograph serve`` against Oxigraph's own server, in memory and on disk, in one run.

    python benchmarks/bench_server.py [--requests 3000] [--concurrency 16] [--rounds 2] [--footprint 10000,100000]

The three servers hold the same graph (``etiograph export --format nt``): ``etiograph serve``;
``oxigraph serve`` **in memory** (the headline peer: both keep the graph in RAM), loaded by a
POST to its ``/store``; ``oxigraph serve-read-only`` on a store written by ``oxigraph load``. A
client in a second process (asyncio + httpx, loopback only) sends each server the same
round-robin mix — a simple SELECT, the named query ``infection-comparison``, a two-hop causal
pattern — as form POSTs asking for SPARQL JSON. Every request's text is new (a numbered comment
is appended), so no cache keyed by query text can flatter anyone. Rounds are interleaved
(A B C A B C); each round is bounded in count and time; the servers are stopped by PID.

Then ``--footprint``: for synthetic graphs of N claims (``generate.py``), the time from starting
each server to its first answer, and the memory of the server with its workers (RSS summed, and
PSS, which counts pages the forked workers share once), etiograph beside ``oxigraph serve`` in memory.

Prints requests/s and latency side by side with ratios to Oxigraph in memory, the latency of
each query sent alone, and the gate's cost for a query it has not seen.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

QUERIES = {
    "simple": (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?concept ?label WHERE { ?concept a skos:Concept ; skos:prefLabel ?label } ORDER BY ?label LIMIT 20"
    ),
    "infection-comparison": None,  # the named query's text, read from queries/
    "two-hop": (
        "PREFIX etio: <https://w3id.org/etiograph/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT DISTINCT ?a ?b ?c WHERE {\n"
        "  ?p1 rdfs:subPropertyOf* etio:causesOrContributesTo . ?a ?p1 ?b .\n"
        "  ?p2 rdfs:subPropertyOf* etio:causesOrContributesTo . ?b ?p2 ?c .\n"
        "  FILTER(?a != ?c)\n"
        "} ORDER BY ?a ?b ?c"
    ),
}
ETIOGRAPH = "etiograph serve"
MEMORY = "oxigraph serve (memory)"
DISK = "oxigraph serve-read-only (disk)"
ONE_LOAD = "KnowledgeGraph.load (1 load)"
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
HEADERS = {"Accept": "application/sparql-results+json"}


def varied(query: str, index: int) -> str:
    """The query with a numbered comment: new text for every request, same meaning."""
    return f"{query}\n# request {index}"


# -- the client (runs in its own process) -----------------------------------------------------------
async def _load(url: str, queries: list[str], requests: int, concurrency: int, time_cap: float, seed: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(requests))
    deadline = time.monotonic() + time_cap
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # httpx writes a POST's headers and body separately: without TCP_NODELAY, Nagle's algorithm and the
    # server's delayed ACK add ~40 ms to every request, whatever the server does.
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=NODELAY)

    async with httpx.AsyncClient(timeout=30, headers=HEADERS, transport=transport) as client:
        for index, query in enumerate(queries * 5):  # warm-up, not counted
            await client.post(url, data={"query": varied(query, -index - 1)})

        async def one_client() -> None:
            for index in counter:
                if time.monotonic() > deadline:
                    return
                query = varied(queries[index % len(queries)], seed * 1_000_000 + index)
                started = time.perf_counter()
                try:
                    reply = await client.post(url, data={"query": query})
                    ok = reply.status_code == 200
                    key = str(reply.status_code)
                except httpx.HTTPError as error:
                    ok, key = False, type(error).__name__
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors[key] = errors.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    quantile = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": quantile[49] * 1000,
        "p95_ms": quantile[94] * 1000,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def client_main(args: argparse.Namespace) -> int:
    queries = json.loads(Path(args.queries).read_text())
    result = asyncio.run(_load(args.client, queries, args.requests, args.concurrency, args.time_cap, args.seed))
    print(json.dumps(result))
    return 0


# -- the servers --------------------------------------------------------------------------------------
#: ``--ports FIRST-LAST``: the servers listen only on these ports (a shared machine's per-user range).
PORTS: list[int] = []


def free_port() -> int:
    """A port nothing listens on: from ``--ports`` when given, else one the kernel picks."""
    for port in PORTS:
        with socket.socket() as sock, contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return port
    if PORTS:
        raise SystemExit(f"no free port in {PORTS[0]}-{PORTS[-1]}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 600) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not come up within {seconds:g} s")


def stop(process: subprocess.Popen) -> None:
    tree = descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in tree[1:]:  # ours, by PID, if any outlived the server
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    return binary


def start_etiograph(workers: int, data: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port() if PORTS else 0
    command = [sys.executable, "-m", "etiograph", "serve", "--port", str(port), "--quiet", "--workers", str(workers)]
    if data:
        command += ["--data", str(data)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    found = re.search(r"SPARQL endpoint (http://\S+)", line)
    if not found:
        stop(process)
        raise SystemExit(f"etiograph serve did not start: {line!r}")
    return process, found.group(1)


def start_oxigraph_memory(nt: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_until_up(url)
    with nt.open("rb") as data:
        reply = httpx.post(
            f"http://127.0.0.1:{port}/store?default",
            content=data,
            headers={"Content-Type": "application/n-triples"},
            timeout=600,
        )
    reply.raise_for_status()
    return process, url


def start_oxigraph_disk(nt: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    location = folder / "oxigraph-db"
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(nt)], check=True, capture_output=True
    )
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}/query"


def answers(url: str, queries: dict[str, str]) -> dict[str, int]:
    import httpx

    counts = {}
    for name, query in queries.items():
        reply = httpx.post(url, data={"query": query}, headers=HEADERS, timeout=30)
        reply.raise_for_status()
        counts[name] = len(reply.json()["results"]["bindings"])
    return counts


def unloaded_latency(url: str, queries: dict[str, str], repeat: int = 30) -> dict[str, float]:
    """Median milliseconds of each query sent alone (new text each time), one after another."""
    import httpx

    medians = {}
    transport = httpx.HTTPTransport(socket_options=NODELAY)
    with httpx.Client(transport=transport, timeout=30, headers=HEADERS) as client:
        for name, query in queries.items():
            times = []
            for index in range(repeat):
                started = time.perf_counter()
                client.post(url, data={"query": varied(query, 10_000_000 + index)}).raise_for_status()
                times.append(time.perf_counter() - started)
            medians[name] = statistics.median(times) * 1000
    return medians


def run_client(url: str, queries_file: Path, args: argparse.Namespace, seed: int) -> dict:
    command = [sys.executable, __file__, "--client", url, "--queries", str(queries_file)]
    command += ["--requests", str(args.requests), "--concurrency", str(args.concurrency)]
    command += ["--time-cap", str(args.time_cap), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.time_cap + 120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def gate_cost(queries: dict[str, str], repeat: int = 200) -> dict[str, float]:
    """Median milliseconds the gate spends on a query it has not seen (no cache hit)."""
    from etiograph.server.gate import scan

    out = {}
    for name, query in queries.items():
        times = []
        for index in range(repeat):
            text = varied(query, 20_000_000 + index)
            started = time.perf_counter()
            scan(text)
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times) * 1000
    return out


# -- footprint ------------------------------------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    """The process and every process below it (psutil reads /proc), the process first."""
    try:
        return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
    except psutil.NoSuchProcess:
        return [pid]


def memory(pid: int) -> tuple[float, float, float]:
    """MiB: RSS of the main process, RSS summed over the tree, PSS summed over the tree."""
    main_rss = rss_sum = pss_sum = 0
    for index, each in enumerate(descendants(pid)):
        try:
            rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        except OSError:
            continue
        values = dict(re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M))
        rss_sum += int(values.get("Rss", 0))
        pss_sum += int(values.get("Pss", 0))
        if index == 0:
            main_rss = int(values.get("Rss", 0))
    return main_rss / 1024, rss_sum / 1024, pss_sum / 1024


def footprint(claims: int, args: argparse.Namespace) -> dict[str, dict]:
    folder = Path(tempfile.gettempdir()) / "etiograph-bench"
    folder.mkdir(exist_ok=True)
    data = folder / f"claims-{claims}.nt"
    if not data.exists():
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("generate.py")), "--claims", str(claims), "-o", str(data)],
            check=True,
            capture_output=True,
        )
    out = {}
    # a first start computes and caches the spine of the --data files (once per content): not timed
    process, _ = start_etiograph(args.workers, data)
    stop(process)
    started = time.monotonic()
    process, url = start_etiograph(args.workers, data)
    try:
        wait_until_up(url)
        ready = time.monotonic() - started
        out[ETIOGRAPH] = {"ready_s": ready, **dict(zip(("main_mib", "rss_mib", "pss_mib"), memory(process.pid)))}
    finally:
        stop(process)
    # what "ready in about one load" is measured against: a fresh process loading the same files once
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", f"from etiograph import KnowledgeGraph; KnowledgeGraph.load(data=[{str(data)!r}])"],
        check=True,
    )
    out[ONE_LOAD] = {"ready_s": time.monotonic() - started, "main_mib": 0.0, "rss_mib": 0.0, "pss_mib": 0.0}
    nt = folder / f"claims-{claims}.full.nt"  # oxigraph loads exactly what etiograph holds
    if not nt.exists():
        subprocess.run(
            [sys.executable, "-m", "etiograph", "export", "--data", str(data), "--format", "nt", "-o", str(nt)],
            check=True,
            capture_output=True,
        )
    started = time.monotonic()
    process, url = start_oxigraph_memory(nt)
    try:
        ready = time.monotonic() - started
        out[MEMORY] = {"ready_s": ready, **dict(zip(("main_mib", "rss_mib", "pss_mib"), memory(process.pid)))}
    finally:
        stop(process)
    return out


# -- report ---------------------------------------------------------------------------------------------
def table(rounds: list[dict[str, dict]], args: argparse.Namespace) -> str:
    names = list(rounds[0])

    def best(name: str, key: str) -> float:
        values = [r[name][key] for r in rounds]
        return statistics.median(values)

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    head = ("", *names, f"etiograph / {MEMORY}")
    rows = [
        ("requests (per round)", *(f"{rounds[0][n]['requests']}" for n in names), ""),
        ("errors (all rounds)", *(f"{sum(r[n]['errors'] for r in rounds)}" for n in names), ""),
    ]
    for key, label in (("rps", "requests/s"), ("p50_ms", "p50 latency (ms)"), ("p95_ms", "p95 latency (ms)")):
        values = [best(n, key) for n in names]
        rows.append((label, *(f"{v:.1f}" for v in values), ratio(best(ETIOGRAPH, key), best(MEMORY, key))))
    widths = [max(len(r[i]) for r in (*rows, head)) for i in range(len(head))]
    lines = [
        f"{args.requests} requests at concurrency {args.concurrency} per round, {len(rounds)} interleaved rounds "
        f"(median shown), mix: {', '.join(QUERIES)}, every request's text new; etiograph with --workers {args.workers}",
        "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per server and round, at most")
    parser.add_argument("--rounds", type=int, default=2, help="load-test rounds (0: only the footprint table)")
    parser.add_argument("--ports", metavar="FIRST-LAST", help="listen only on these ports (default: any free one)")
    parser.add_argument("--workers", type=int, default=2, help="etiograph serve --workers")
    parser.add_argument("--footprint", default="10000,100000", help="claims for the footprint table ('' to skip)")
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)
    if args.ports:
        first, _, last = args.ports.partition("-")
        PORTS[:] = range(int(first), int(last or first) + 1)
    report: dict = {}
    if args.rounds > 0:
        load_test(args, report)
    if args.footprint:
        report["footprint"] = {}
        print("\nfootprint: time to the first answer, memory once ready (MiB; PSS counts shared pages once)")
        print(f"  {'claims':>7}  {'server':<28} {'ready s':>8} {'main RSS':>9} {'tree RSS':>9} {'tree PSS':>9}")
        for claims in (int(c) for c in args.footprint.split(",") if c):
            found = footprint(claims, args)
            report["footprint"][claims] = found
            for name, row in found.items():
                memory_cells = (
                    ""
                    if name == ONE_LOAD
                    else (f" {row['main_mib']:>9.0f} {row['rss_mib']:>9.0f} {row['pss_mib']:>9.0f}")
                )
                print(f"  {claims:>7}  {name:<28} {row['ready_s']:>8.1f}{memory_cells}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


def load_test(args: argparse.Namespace, report: dict) -> None:
    """The interleaved load rounds, the latency of each query alone and the gate's cost, printed."""
    from etiograph.sparql.named import get_query

    queries = dict(QUERIES)
    queries["infection-comparison"] = get_query("infection-comparison").text
    with tempfile.TemporaryDirectory(prefix="etiograph-bench-") as tmp:
        folder = Path(tmp)
        nt = folder / "etiograph.nt"
        subprocess.run([sys.executable, "-m", "etiograph", "export", "--format", "nt", "-o", str(nt)], check=True)
        queries_file = folder / "queries.json"
        queries_file.write_text(json.dumps(list(queries.values())))
        servers: dict[str, tuple[subprocess.Popen, str]] = {}
        try:
            servers[ETIOGRAPH] = start_etiograph(args.workers)
            servers[MEMORY] = start_oxigraph_memory(nt)
            servers[DISK] = start_oxigraph_disk(nt, folder)
            for _, url in servers.values():
                wait_until_up(url)
            counts = {name: answers(url, queries) for name, (_, url) in servers.items()}
            if len({json.dumps(c, sort_keys=True) for c in counts.values()}) != 1:
                raise SystemExit(f"the servers disagree on the answers: {counts}")
            print(f"rows per query (all servers): {counts[ETIOGRAPH]}", file=sys.stderr)
            alone = {name: unloaded_latency(url, queries) for name, (_, url) in servers.items()}
            rounds = []
            for number in range(args.rounds):
                results = {}
                for name, (_, url) in servers.items():
                    print(f"round {number + 1}: loading {name} at {url} ...", file=sys.stderr)
                    results[name] = run_client(url, queries_file, args, seed=number + 1)
                rounds.append(results)
        finally:
            for process, _ in servers.values():
                stop(process)
    report["rounds"], report["alone"], report["gate_ms"] = rounds, alone, gate_cost(queries)
    print(table(rounds, args))
    print("\nmedian latency of each query sent alone, new text each time (ms, 30 runs):")
    for name in queries:
        cells = "   ".join(
            f"{server.split()[0]}{'' if server == ETIOGRAPH else ' ' + server.split()[-1]} {alone[server][name]:6.1f}"
            for server in alone
        )
        print(f"  {name:<22} {cells}   etiograph/memory {alone[ETIOGRAPH][name] / alone[MEMORY][name]:.2f}")
    print(
        "\nthe gate's cost for a query it has not seen (median ms): "
        + ", ".join(f"{k} {v:.3f}" for k, v in report["gate_ms"].items())
    )
    for results in rounds:
        for name, result in results.items():
            if result["errors"]:
                print(f"{name}: errors {result['error_kinds']}")


if __name__ == "__main__":
    sys.exit(main())
