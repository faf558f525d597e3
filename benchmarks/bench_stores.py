"""Scale point for production stores: the synthetic graph bulk-loaded into Virtuoso and Oxigraph server,
queried over ``--endpoint``, side by side with etiograph's embedded persistent store in the same run.

    .venv/bin/python benchmarks/bench_stores.py --claims 100000            # ~3 min on 2 cores
    .venv/bin/python benchmarks/bench_stores.py --claims 100000 1000000    # + the 1M point (~25 min)

For each size: ``generate.py`` writes the graph (cached in ``--data-dir``), ``etiograph.causal.spine``
its spine; then each store loads ontology + graph + spine with its own bulk loader (embedded:
``KnowledgeGraph.load(store="oxigraph:DIR")``; Oxigraph server: ``oxigraph load``; Virtuoso:
``ld_dir``/``rdf_loader_run`` via ``isql-vt``), and answers ``paths`` (≤ 4 hops between the planted
source and target), a small and the large ``upstream``, and the named ``causal-paths`` query. Latency
is the median of ``--repeat`` in-process calls (no interpreter start-up). Every store's answers must
equal the embedded store's; the table says so per row (``same``) and the script exits 1 otherwise.
Ratios are against the embedded persistent store. Servers bind 127.0.0.1:18340-18342 and are
stopped by PID. Virtuoso is skipped, saying why, where ``virtuoso-t`` is not installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from engines import GRAPH, OxigraphServer, Virtuoso, virtuoso_missing  # noqa: E402

from etiograph import KnowledgeGraph, resources  # noqa: E402

VIRTUOSO_HTTP, VIRTUOSO_ISQL, OXIGRAPH_PORT = 18340, 18341, 18342


def timed(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls, and the last answer."""
    times, answer = [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        answer = call()
        times.append(time.perf_counter() - begin)
    return statistics.median(times), answer


def prepare(claims: int, data_dir: Path) -> tuple[dict, list[Path]]:
    """The generated graph (cached), its spine and the ontology as N-Triples: the files every store loads."""
    import pyoxigraph as ox
    from generate import generate, sidecar_path

    from etiograph.causal.spine import spine_turtle

    graph = data_dir / f"claims-{claims}.nt"
    if graph.is_file() and sidecar_path(graph).is_file():
        meta = json.loads(sidecar_path(graph).read_text())
    else:
        begin = time.perf_counter()
        meta = generate(claims, graph)
        print(f"generated {graph.name} in {time.perf_counter() - begin:.1f} s", file=sys.stderr)
    # named spine.ttl (N-Triples is Turtle), so the embedded store's --data does not derive it a second time
    spine = data_dir / f"spine-{claims}" / "spine.ttl"
    spine.parent.mkdir(exist_ok=True)
    if not spine.is_file():
        begin = time.perf_counter()
        turtle = spine_turtle(resources.ontology_file(), [graph])
        ox.serialize(ox.parse(turtle, format=ox.RdfFormat.TURTLE), str(spine), format=ox.RdfFormat.N_TRIPLES)
        print(f"spine of {graph.name} in {time.perf_counter() - begin:.1f} s", file=sys.stderr)
    ontology = data_dir / "ontology.nt"
    ox.serialize(ox.parse(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE), str(ontology), format=ox.RdfFormat.N_TRIPLES)
    return meta, [ontology, graph, spine]


def answers(kg: KnowledgeGraph, meta: dict, repeat: int, large_upstream: bool = True) -> dict[str, tuple[float, object]]:
    """Latency and a comparable form of each answer."""
    source, target = meta["source"]["label"], meta["target"]["label"]
    small, large = meta["small_upstream"]["label"], meta["large_upstream"]["label"]
    found = {
        "paths <=4 hops": timed(lambda: [p.nodes for p in kg.paths(source, target, max_hops=4).paths], repeat),
        "upstream small": timed(lambda: kg.upstream(small, limit=None).reached, repeat),
    }
    if large_upstream:
        found["upstream large"] = timed(
            lambda: sorted((r.concept, r.distance) for r in kg.upstream(large, limit=None).reached), 1
        )
    return found | {
        "named causal-paths": timed(
            lambda: sorted(tuple(t.value if t else "" for t in row) for row in kg.run_named("causal-paths", {"source": source, "target": target}).rows),
            repeat,
        ),
    }


def run_size(claims: int, data_dir: Path, work: Path, repeat: int, large: bool) -> tuple[list[list[str]], bool]:
    meta, files = prepare(claims, data_dir)
    triples = 0
    for path in files[1:]:
        with path.open("rb") as lines:
            triples += sum(1 for _ in lines)
    print(f"\n{claims:,} claims: {triples:,} triples (graph + spine) + ontology", file=sys.stderr)
    results: dict[str, tuple[float | None, dict | None, str]] = {}

    # 1. the embedded persistent store (the peer every ratio is against)
    begin = time.perf_counter()
    embedded = KnowledgeGraph.load(data=[files[1], files[2]], store=f"oxigraph:{work / 'embedded'}")
    results["embedded oxigraph:DIR"] = (time.perf_counter() - begin, answers(embedded, meta, repeat, large), "")

    # 2. Oxigraph server
    server = OxigraphServer(work / "oxigraph-server", OXIGRAPH_PORT, read_only=True)
    begin = time.perf_counter()
    for path in files:
        server.bulk_load(path)
    load = time.perf_counter() - begin
    server.start()
    try:
        results["Oxigraph server"] = (load, answers(KnowledgeGraph.load(endpoint=server.query), meta, repeat, large), "")
    finally:
        server.stop()

    # 3. Virtuoso
    if reason := virtuoso_missing():
        results["Virtuoso 7.2"] = (None, None, f"skipped: {reason}")
    else:
        buffers = 170_000 if claims <= 200_000 else 680_000  # 8 KiB each: ~1.3 / ~5.3 GiB
        store = Virtuoso(
            work / "virtuoso", VIRTUOSO_HTTP, VIRTUOSO_ISQL, data_dir, max_rows=10_000_000,
            buffers=buffers, dirty_buffers=buffers * 3 // 4,
        )
        store.start()
        try:
            load = sum(store.bulk_load(path, GRAPH) for path in files)
            results["Virtuoso 7.2"] = (load, answers(KnowledgeGraph.load(endpoint=store.endpoint()), meta, repeat, large), "")
        finally:
            store.stop()

    reference = results["embedded oxigraph:DIR"][1]
    assert reference is not None
    rows, all_same = [], True
    for name, (load, found, note) in results.items():
        if found is None:
            rows.append([f"{claims:,}", name, "-", "-", "-", "-", "-", note])
            continue
        same = all(found[q][1] == reference[q][1] for q in reference)
        all_same &= same
        cells = []
        for query in reference:
            seconds = found[query][0]
            ratio = seconds / reference[query][0] if reference[query][0] else float("nan")
            cells.append(f"{seconds * 1000:,.0f} ms ({ratio:.2f}×)")
        if len(cells) < 4:
            cells.insert(2, "-")
        rows.append([f"{claims:,}", name, f"{load:.1f} s", *cells, "same" if same else "DIFFERENT"])
    sizes = {q: len(reference[q][1]) for q in reference}
    print(f"answers: {sizes}", file=sys.stderr)
    return rows, all_same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[100_000])
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "etiograph-bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-large-upstream", action="store_true", help="skip the whole ancestry of the largest hub (minutes over HTTP)"
    )
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    header = ["claims", "store", "load", "paths <=4 hops", "upstream small", "upstream large (all)", "named causal-paths", "answers"]
    table, ok = [], True
    for claims in args.claims:
        work = Path(tempfile.mkdtemp(prefix=f"etiograph-stores-{claims}-"))
        try:
            rows, same = run_size(claims, args.data_dir, work, args.repeat, not args.no_large_upstream)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        table += rows
        ok &= same
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *table]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print("\nlatency: median of in-process calls; (×) = ratio to the embedded persistent store in the same run")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
