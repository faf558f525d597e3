"""Load test: ``etiograph serve`` against ``oxigraph serve-read-only``, same data, same queries, same run.

    python benchmarks/bench_server.py [--requests 3000] [--concurrency 16] [--time-cap 60]

Both servers hold the graph as ``etiograph export --format nt`` writes it (Oxigraph loads it with
``oxigraph load`` into a temporary folder). A client in a second process (asyncio + httpx,
loopback only) sends the same round-robin mix to each server in turn: a simple SELECT, the named
query ``infection-comparison`` and a two-hop causal pattern, as form POSTs asking for SPARQL JSON.
Every request is bounded (count and time cap), and the servers are stopped at the end.

Prints requests/s, p50/p95 latency and errors side by side, with ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


# -- the client (runs in its own process) -----------------------------------------------------------
async def _load(url: str, queries: list[str], requests: int, concurrency: int, time_cap: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(requests))
    deadline = time.monotonic() + time_cap
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Accept": "application/sparql-results+json"}
    # httpx writes a POST's headers and body separately: without TCP_NODELAY, Nagle's algorithm and the
    # server's delayed ACK add ~40 ms to every request, whatever the server does.
    transport = httpx.AsyncHTTPTransport(limits=limits, socket_options=NODELAY)

    async with httpx.AsyncClient(timeout=30, headers=headers, transport=transport) as client:
        for query in queries * 5:  # warm-up, not counted
            await client.post(url, data={"query": query})

        async def one_client() -> None:
            for index in counter:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                try:
                    reply = await client.post(url, data={"query": queries[index % len(queries)]})
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
    result = asyncio.run(_load(args.client, queries, args.requests, args.concurrency, args.time_cap))
    print(json.dumps(result))
    return 0


# -- the servers --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up within {seconds:g} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_etiograph(workers: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "etiograph", "serve", "--port", "0", "--quiet", "--workers", str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline()
    found = re.search(r"SPARQL endpoint (http://\S+)", line)
    if not found:
        stop(process)
        raise SystemExit(f"etiograph serve did not start: {line!r}")
    return process, found.group(1)


def start_oxigraph(nt: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    location = folder / "oxigraph-db"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(nt)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}/query"


def answers(url: str, queries: dict[str, str]) -> dict[str, int]:
    import httpx

    counts = {}
    for name, query in queries.items():
        reply = httpx.post(
            url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30
        )
        reply.raise_for_status()
        counts[name] = len(reply.json()["results"]["bindings"])
    return counts


def unloaded_latency(url: str, queries: dict[str, str], repeat: int = 30) -> dict[str, float]:
    """Median milliseconds of each query sent alone, one after another (no concurrency)."""
    import httpx

    medians = {}
    transport = httpx.HTTPTransport(socket_options=NODELAY)
    with httpx.Client(transport=transport, timeout=30, headers={"Accept": "application/sparql-results+json"}) as client:
        for name, query in queries.items():
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.post(url, data={"query": query}).raise_for_status()
                times.append(time.perf_counter() - started)
            medians[name] = statistics.median(times) * 1000
    return medians


def run_client(url: str, queries_file: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--client", url, "--queries", str(queries_file)]
    command += ["--requests", str(args.requests), "--concurrency", str(args.concurrency)]
    command += ["--time-cap", str(args.time_cap)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.time_cap + 120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(results: dict[str, dict], args: argparse.Namespace) -> str:
    etio, oxi = results["etiograph serve"], results["oxigraph serve-read-only"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    rows = [
        ("requests", f"{etio['requests']}", f"{oxi['requests']}", ""),
        ("errors", f"{etio['errors']}", f"{oxi['errors']}", ""),
        ("requests/s", f"{etio['rps']:.0f}", f"{oxi['rps']:.0f}", ratio(etio["rps"], oxi["rps"])),
        ("p50 latency (ms)", f"{etio['p50_ms']:.1f}", f"{oxi['p50_ms']:.1f}", ratio(etio["p50_ms"], oxi["p50_ms"])),
        ("p95 latency (ms)", f"{etio['p95_ms']:.1f}", f"{oxi['p95_ms']:.1f}", ratio(etio["p95_ms"], oxi["p95_ms"])),
    ]
    head = ("", "etiograph serve", "oxigraph serve-read-only", "etiograph/oxigraph")
    widths = [max(len(r[i]) for r in (*rows, head)) for i in range(4)]
    lines = [
        f"{args.requests} requests at concurrency {args.concurrency} (cap {args.time_cap:g} s each), "
        f"mix: {', '.join(QUERIES)}; etiograph with {args.workers} workers",
        "  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per server, at most")
    parser.add_argument("--workers", type=int, default=2, help="etiograph serve --workers")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    from etiograph.named_queries import get_query

    queries = dict(QUERIES)
    queries["infection-comparison"] = get_query("infection-comparison").text
    with tempfile.TemporaryDirectory(prefix="etiograph-bench-") as tmp:
        folder = Path(tmp)
        nt = folder / "etiograph.nt"
        subprocess.run([sys.executable, "-m", "etiograph", "export", "--format", "nt", "-o", str(nt)], check=True)
        queries_file = folder / "queries.json"
        queries_file.write_text(json.dumps(list(queries.values())))
        servers = {}
        try:
            servers["etiograph serve"] = start_etiograph(args.workers)
            servers["oxigraph serve-read-only"] = start_oxigraph(nt, folder)
            for _, url in servers.values():
                wait_until_up(url)
            counts = {name: answers(url, queries) for name, (_, url) in servers.items()}
            if len({json.dumps(c, sort_keys=True) for c in counts.values()}) != 1:
                raise SystemExit(f"the servers disagree on the answers: {counts}")
            print(f"rows per query (both servers): {counts['etiograph serve']}", file=sys.stderr)
            alone = {name: unloaded_latency(url, queries) for name, (_, url) in servers.items()}
            results = {}
            for name, (_, url) in servers.items():
                print(f"loading {name} at {url} ...", file=sys.stderr)
                results[name] = run_client(url, queries_file, args)
        finally:
            for process, _ in servers.values():
                stop(process)
    print(table(results, args))
    print("\nmedian latency of each query sent alone (ms, 30 runs):")
    etio, oxi = alone["etiograph serve"], alone["oxigraph serve-read-only"]
    for name in queries:
        print(
            f"  {name:<22} etiograph {etio[name]:6.1f}   oxigraph {oxi[name]:6.1f}   ratio {etio[name] / oxi[name]:.2f}"
        )
    for name, result in results.items():
        if result["errors"]:
            print(f"{name}: errors {result['error_kinds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
