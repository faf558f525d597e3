"""Scale benchmark: etiograph against its engine and against graph libraries, on 1k-1M synthetic claims.

    python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--backends oxigraph,rdflib]
                                     [--repeat 20] [--skip-cli] [--json results.json]

For each size it generates a graph (``generate.py``, into ``--data-dir``), then runs, each in a
fresh subprocess so memory figures do not mix:

* ``etiograph`` — ``KnowledgeGraph.load(data=[file], store=backend)`` and the public API, answered
  from the causal index (pyoxigraph) and, on the same store, by ``KnowledgeGraph(..., index=False)``
  (the SPARQL path, which remote endpoints use): both answers are compared;
* ``raw`` — the engine alone on the same files, queried as a competent SPARQL user would
  (meet-in-the-middle paths with ``FILTER(?p IN …)`` per hop, LIMIT on the closure itself); then,
  in the same process, the causal graph extracted once into networkx and igraph, and the same
  operations done with ``all_simple_paths`` / ``get_all_simple_paths`` and breadth-first searches,
  evidence and labels from dicts.

It prints the tables, the targets as PASS/MISS lines, and the command-line wall time on the article
and on the largest graph in a persistent store. ``--json`` keeps every figure; ``scale_table.py``
turns that file into the README's table. See README.md for what each column means.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OPS = ("resolve", "paths", "paths_iri", "up_small", "up_large")
OP_TITLES = {
    "resolve": "resolve a label",
    "paths": "paths ≤4 hops + evidence (labels)",
    "paths_iri": "paths ≤4 hops + evidence (IRIs)",
    "up_small": "upstream, small",
    "up_large": "upstream, large (cap 1000)",
}
#: Columns of the operations table: (result key, mode, heading).
COLUMNS = (
    ("etiograph", "etiograph"),
    ("sparql", "etiograph, SPARQL path"),
    ("raw", "raw engine, SPARQL"),
    ("networkx", "networkx"),
    ("igraph", "igraph"),
)
MODES = ("etiograph", "raw")
REACH_CAP = 1000
MAX_HOPS = 4
ETIO = "https://w3id.org/etiograph/ontology#"

PROLOGUE = """PREFIX etio: <https://w3id.org/etiograph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


# =============================================================================================
# Worker side: one process loads one store and times the operations.
# =============================================================================================
def memory_kib() -> dict[str, int]:
    """VmRSS and VmHWM (peak) of this process, in KiB."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    if not out:  # not Linux: getrusage gives the peak only
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = {"VmRSS": peak, "VmHWM": peak}
    return out


class OpTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise OpTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(fn: Callable[[], object], repeat: int, timeout: float, budget: float) -> dict:
    """One warm-up call, then up to ``repeat`` timed calls within ``budget`` seconds; medians in ms."""
    try:
        with time_limit(timeout):
            started = time.perf_counter()
            result = fn()
            first = time.perf_counter() - started
    except OpTimeout:
        return {"timeout": timeout}
    times, cpu = [], []
    if first <= budget:
        for _ in range(repeat):
            try:
                with time_limit(timeout):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    result = fn()
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
            except OpTimeout:
                return {"timeout": timeout}
            if sum(times) > budget:
                break
    samples = times or [first]
    return {
        "ms": statistics.median(samples) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000 if cpu else None,
        "min_ms": min(samples) * 1000,
        "n": len(samples),
        "warmup_ms": first * 1000,
        "result": result,
    }


def timed(fn: Callable[[], object]) -> tuple[object, float, int]:
    """Result, seconds and resident KiB added by one call (CPU seconds of the last call: ``LAST_CPU``)."""
    global LAST_CPU
    before = memory_kib()["VmRSS"]
    started, cpu_started = time.perf_counter(), time.process_time()
    result = fn()
    LAST_CPU = time.process_time() - cpu_started
    return result, time.perf_counter() - started, memory_kib()["VmRSS"] - before


LAST_CPU = 0.0


def store_option(args) -> tuple[str, Path | None]:
    """The ``store=`` etiograph loads into, and a folder to delete afterwards (a fresh persistent store)."""
    if args.backend != "oxigraph-dir":
        return args.backend, None
    if args.store_dir:
        return f"oxigraph:{args.store_dir}", None
    folder = Path(tempfile.mkdtemp(prefix="etiograph-store-", dir=args.data_dir))
    return f"oxigraph:{folder}", folder


def etiograph_worker(args, meta: dict, files: list[Path]) -> dict:
    from etiograph.graph import KnowledgeGraph  # noqa: F401  (imported before the memory baseline)

    if args.backend == "rdflib":
        import rdflib  # noqa: F401  (imported before the baseline, like the engine itself)
    store, fresh_folder = store_option(args)
    try:
        return etiograph_ops(args, meta, files, store)
    finally:
        if fresh_folder is not None:
            shutil.rmtree(fresh_folder, ignore_errors=True)


def etiograph_ops(args, meta: dict, files: list[Path], store: str) -> dict:
    from etiograph.graph import KnowledgeGraph

    base = memory_kib()
    started, cpu_started = time.perf_counter(), time.process_time()
    kg = KnowledgeGraph.load(data=[files[1]], store=store)
    load = time.perf_counter() - started
    out = {"load_s": load, "load_cpu_s": time.process_time() - cpu_started, "base_kib": base["VmRSS"]}
    out.update({f"after_{k}": v for k, v in memory_kib().items()})
    if getattr(kg.backend, "reloaded", None) is False:
        out["store"] = "reopened"  # --store-dir already held these files: load_s is a reopen
    indexed, build_s, index_kib = timed(kg.causal_index)
    if indexed is not None:
        index = indexed[0]
        out["index"] = {
            "build_s": build_s,
            "build_cpu_s": LAST_CPU,
            "rss_kib": index_kib,
            "bytes": index.nbytes,
            "edges": index.edge_count,
            "concepts": len(index),
            "evidence_bytes": index.evidence.nbytes if index.evidence is not None else None,
            "labels": index.labels is not None,
            "saved": index._mapped is not None,
        }
    if args.load_only:
        return out

    src, tgt = meta["source"], meta["target"]
    small, large = meta["small_upstream"], meta["large_upstream"]
    sparql = KnowledgeGraph(kg.backend, index=False)
    runs = {
        "resolve": lambda g: g.resolve(src["label"]).iri,
        "paths": lambda g: g.paths(src["label"], tgt["label"], max_hops=MAX_HOPS).total,
        "paths_iri": lambda g: g.paths(src["iri"], tgt["iri"], max_hops=MAX_HOPS).total,
        "up_small": lambda g: len(g.upstream(small["label"]).reached),
        "up_large": lambda g: len(g.upstream(large["label"]).reached),
    }
    results: dict[str, dict] = {"etiograph": {}, "sparql": {}}
    # First call on a fresh KnowledgeGraph (empty caches; the store's index already built above).
    cold = {
        "paths": measure(lambda: runs["paths"](KnowledgeGraph(kg.backend)), 0, args.op_timeout, 0),
        "up_small": measure(lambda: runs["up_small"](KnowledgeGraph(kg.backend)), 0, args.op_timeout, 0),
    }
    for name, fn in runs.items():
        results["etiograph"][name] = measure(lambda fn=fn: fn(kg), args.repeat, args.op_timeout, args.op_budget)
        if indexed is not None and name != "resolve":
            results["sparql"][name] = measure(lambda fn=fn: fn(sparql), args.repeat, args.op_timeout, args.op_budget)
    if indexed is not None:
        out["same_answers"] = {
            "paths": kg.paths(src["iri"], tgt["iri"], max_hops=MAX_HOPS)
            == sparql.paths(src["iri"], tgt["iri"], max_hops=MAX_HOPS),
            "up_small": kg.upstream(small["iri"]) == sparql.upstream(small["iri"]),
        }
    out["results"] = results
    out["cold"] = cold
    return out


class RawEngine:
    """The engine alone: load the files, run SPARQL text, rows as tuples of strings (None if unbound)."""

    def __init__(self, backend: str, path: Path | None = None):
        self.backend = "oxigraph" if backend == "oxigraph-dir" else backend
        self.path = path  # a persistent store's folder (oxigraph-dir)
        if self.backend == "oxigraph":
            import pyoxigraph as ox

            self.ox = ox
        else:
            import rdflib

            self.rdflib = rdflib

    def load(self, files: list[Path]) -> None:
        if self.backend == "oxigraph":
            self.store = self.ox.Store(str(self.path)) if self.path else self.ox.Store()
            for path in files:
                self.store.bulk_load(path=str(path), format=self.ox.RdfFormat.from_extension(path.suffix[1:]))
        else:
            self.graph = self.rdflib.Graph()
            for path in files:
                self.graph.parse(str(path), format="nt" if path.suffix == ".nt" else "turtle")

    def rows(self, sparql: str) -> list[tuple]:
        if self.backend == "oxigraph":
            result = self.store.query(sparql)
            names = result.variables
            return [tuple(None if s[v] is None else s[v].value for v in names) for s in result]
        return [tuple(None if t is None else str(t) for t in row) for row in self.graph.query(sparql)]

    @staticmethod
    def literal(text: str) -> str:
        return json.dumps(text, ensure_ascii=False) + "@en"  # a JSON string is a valid SPARQL string

    # -- the operations, written as a competent SPARQL user would for this data ------------------------
    def lookup(self, label: str) -> str:
        rows = self.rows(PROLOGUE + f"SELECT ?c WHERE {{ ?c skos:prefLabel|skos:altLabel {self.literal(label)} }}")
        return rows[0][0]

    def paths(self, source: str, target: str, predicates: list[str]) -> int:
        """Meet in the middle: ≤2 hops out of the source, ≤2 hops into the target, joined in Python."""
        inlist = ", ".join(f"<{p}>" for p in predicates)
        s, t = f"<{source}>", f"<{target}>"
        forward = self.rows(
            PROLOGUE
            + f"""SELECT DISTINCT ?a ?b WHERE {{
  {{ {s} ?p1 ?a FILTER(?p1 IN ({inlist})) }}
  UNION
  {{ {s} ?p1 ?a . FILTER(?p1 IN ({inlist})) ?a ?p2 ?b FILTER(?p2 IN ({inlist})) }}
  FILTER(isIRI(?a))
}}"""
        )
        backward = self.rows(
            PROLOGUE
            + f"""SELECT DISTINCT ?c ?d WHERE {{
  {{ ?c ?p3 {t} FILTER(?p3 IN ({inlist})) }}
  UNION
  {{ ?c ?p3 {t} . FILTER(?p3 IN ({inlist})) ?d ?p4 ?c FILTER(?p4 IN ({inlist})) }}
  FILTER(isIRI(?c))
}}"""
        )
        heads: dict[str, list[tuple[str, ...]]] = {source: [(source,)]}
        for a, b in forward:
            if b is None:
                heads.setdefault(a, []).append((source, a))
            else:
                heads.setdefault(b, []).append((source, a, b))
        node_paths = set()
        tails = [(target,)] + [(c, target) if d is None else (d, c, target) for c, d in backward]
        for tail in tails:
            for head in heads.get(tail[0], ()):
                nodes = head + tail[1:]
                if 1 <= len(nodes) - 1 <= MAX_HOPS and len(set(nodes)) == len(nodes):
                    node_paths.add(nodes)
        edges = sorted({(a, b) for nodes in node_paths for a, b in pairwise(nodes)})
        evidence: dict[tuple[str, str], list] = {}
        if edges:
            pairs = " ".join(f"(<{a}> <{b}>)" for a, b in edges)
            query = (
                PROLOGUE
                + f"""SELECT ?s ?p ?o ?claim ?certainty ?mechanism ?quote ?section WHERE {{
  VALUES (?s ?o) {{ {pairs} }}
  ?s ?p ?o . FILTER(?p IN ({inlist}))
  OPTIONAL {{
    ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
    OPTIONAL {{ ?claim etio:certainty ?certainty }}
    OPTIONAL {{ ?claim etio:mechanism ?mechanism }}
    OPTIONAL {{ ?claim etio:evidence/oa:hasSelector/oa:exact ?quote }}
    OPTIONAL {{ ?claim etio:inSection ?section }}
  }}
}}"""
            )
            for s_, p, o, *rest in self.rows(query):
                evidence.setdefault((s_, o), []).append((p, *rest))
        nodes = sorted({n for path in node_paths for n in path})
        labels = {}
        if nodes:
            query = PROLOGUE + "SELECT ?c ?label WHERE { VALUES ?c { "
            query += " ".join(f"<{n}>" for n in nodes) + " } ?c skos:prefLabel ?label }"
            labels = dict(self.rows(query))
        built = [
            [(labels.get(a), labels.get(b), evidence.get((a, b), [])) for a, b in pairwise(path)] for path in node_paths
        ]
        built.sort(key=len)
        return len(built)

    def upstream(self, target: str, predicates: list[str]) -> int:
        """The closure with LIMIT on it (no distances: SPARQL property paths do not give them)."""
        alt = "(" + "|".join(f"<{p}>" for p in predicates) + ")"
        found = self.rows(
            PROLOGUE + f"SELECT DISTINCT ?x WHERE {{ ?x {alt}+ <{target}> FILTER(?x != <{target}>) }} LIMIT {REACH_CAP}"
        )
        if not found:
            return 0
        query = PROLOGUE + "SELECT ?x ?label WHERE { VALUES ?x { " + " ".join(f"<{x}>" for (x,) in found)
        query += " } ?x skos:prefLabel ?label }"
        return len(self.rows(query))


class Extracted:
    """The causal graph, its evidence and its labels pulled out of the store once, for graph libraries."""

    def __init__(self, engine: RawEngine, predicates: list[str]):
        inlist = ", ".join(f"<{p}>" for p in predicates)
        pairs = engine.rows(
            f"SELECT DISTINCT ?s ?o WHERE {{ ?s ?p ?o FILTER(?p IN ({inlist})) FILTER(isIRI(?s) && isIRI(?o)) }}"
        )
        self.names = sorted({n for pair in pairs for n in pair})
        self.ids = {n: i for i, n in enumerate(self.names)}
        self.edges = [(self.ids[s], self.ids[o]) for s, o in pairs]
        self.evidence: dict[tuple[str, str], list] = {}
        for row in engine.rows(
            PROLOGUE
            + f"""SELECT ?s ?o ?p ?claim ?certainty ?mechanism ?quote ?section WHERE {{
  ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(?p IN ({inlist}))
  OPTIONAL {{ ?claim etio:certainty ?certainty }}
  OPTIONAL {{ ?claim etio:mechanism ?mechanism }}
  OPTIONAL {{ ?claim etio:evidence/oa:hasSelector/oa:exact ?quote }}
  OPTIONAL {{ ?claim etio:inSection ?section }}
}}"""
        ):
            self.evidence.setdefault((row[0], row[1]), []).append(row[2:])
        self.labels: dict[str, str] = {}
        self.by_label: dict[str, str] = {}
        for concept, label, kind in engine.rows(
            PROLOGUE
            + "SELECT ?c ?l ?k WHERE { { ?c skos:prefLabel ?l BIND(1 AS ?k) } UNION { ?c skos:altLabel ?l BIND(2 AS ?k) } }"
        ):
            if kind == "1":
                self.labels[concept] = label
            self.by_label.setdefault(label, concept)

    def answer(self, node_paths: list[list[int]]) -> int:
        """Attach labels and evidence to every hop, as etiograph and the raw SPARQL do."""
        names, labels, evidence = self.names, self.labels, self.evidence
        built = []
        for nodes in node_paths:
            iris = [names[n] for n in nodes]
            built.append([(labels.get(a), labels.get(b), evidence.get((a, b), [])) for a, b in pairwise(iris)])
        built.sort(key=len)
        return len(built)

    def nearest(self, distances: dict[int, int]) -> int:
        """The REACH_CAP nearest, labelled, nearest first (the answer etiograph's upstream gives)."""
        names, labels = self.names, self.labels
        reached = sorted((d, labels.get(names[n], ""), names[n]) for n, d in distances.items() if d > 0)
        return len(reached[:REACH_CAP])


def graph_libraries(engine: RawEngine, meta: dict, preds: list[str], args) -> dict:
    """networkx and igraph on the causal graph extracted from the same store, in the same process."""
    out: dict[str, dict] = {}
    graph, seconds, kib = timed(lambda: Extracted(engine, preds))
    out["extract"] = {"s": seconds, "rss_kib": kib, "edges": len(graph.edges)}
    src, tgt = meta["source"], meta["target"]
    small, large = meta["small_upstream"], meta["large_upstream"]
    ids = graph.ids

    def resolve(label: str) -> int:
        return ids[graph.by_label[label]]

    try:
        import networkx as nx
    except ImportError:
        nx = None
    if nx is not None:

        def build_nx():
            digraph = nx.DiGraph()
            digraph.add_nodes_from(range(len(graph.names)))
            digraph.add_edges_from(graph.edges)
            return digraph

        digraph, seconds, kib = timed(build_nx)
        reverse = digraph.reverse(copy=False)

        def nx_paths(s: int, t: int) -> int:
            return graph.answer(list(nx.all_simple_paths(digraph, s, t, cutoff=MAX_HOPS)))

        def nx_up(t: int) -> int:
            return graph.nearest(nx.single_source_shortest_path_length(reverse, t))

        runs = {
            "resolve": lambda: graph.by_label[src["label"]],
            "paths": lambda: nx_paths(resolve(src["label"]), resolve(tgt["label"])),
            "paths_iri": lambda: nx_paths(ids[src["iri"]], ids[tgt["iri"]]),
            "up_small": lambda: nx_up(resolve(small["label"])),
            "up_large": lambda: nx_up(resolve(large["label"])),
        }
        out["networkx"] = {"build_s": seconds, "rss_kib": kib, "version": nx.__version__}
        out["networkx"]["ops"] = {
            n: measure(fn, args.repeat, args.op_timeout, args.op_budget) for n, fn in runs.items()
        }
        del digraph, reverse
    try:
        import igraph
    except ImportError:
        igraph = None
    if igraph is not None:
        ig, seconds, kib = timed(lambda: igraph.Graph(n=len(graph.names), edges=graph.edges, directed=True))

        def ig_paths(s: int, t: int) -> int:
            return graph.answer(ig.get_all_simple_paths(s, to=t, maxlen=MAX_HOPS, mode="out"))

        def ig_up(t: int) -> int:
            order, layers, _ = ig.bfs(t, mode="in")
            distances = {}
            for depth, (start, end) in enumerate(pairwise(layers)):
                for v in order[start:end]:
                    distances[v] = depth
            return graph.nearest(distances)

        runs = {
            "resolve": lambda: graph.by_label[src["label"]],
            "paths": lambda: ig_paths(resolve(src["label"]), resolve(tgt["label"])),
            "paths_iri": lambda: ig_paths(ids[src["iri"]], ids[tgt["iri"]]),
            "up_small": lambda: ig_up(resolve(small["label"])),
            "up_large": lambda: ig_up(resolve(large["label"])),
        }
        out["igraph"] = {"build_s": seconds, "rss_kib": kib, "version": igraph.__version__}
        out["igraph"]["ops"] = {n: measure(fn, args.repeat, args.op_timeout, args.op_budget) for n, fn in runs.items()}
    return out


def raw_worker(args, meta: dict, files: list[Path]) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="raw-store-", dir=args.data_dir)) if args.backend == "oxigraph-dir" else None
    try:
        return raw_ops(args, meta, files, folder)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def raw_ops(args, meta: dict, files: list[Path], folder: Path | None) -> dict:
    engine = RawEngine(args.backend, folder)
    base = memory_kib()
    started = time.perf_counter()
    engine.load(files)
    load = time.perf_counter() - started
    out = {"load_s": load, "base_kib": base["VmRSS"], **{f"after_{k}": v for k, v in memory_kib().items()}}
    if args.load_only:
        return out
    src, tgt = meta["source"], meta["target"]
    small, large = meta["small_upstream"], meta["large_upstream"]
    preds = meta["causal_predicates"] + [ETIO + "causesOrContributesTo"]
    runs = {
        "resolve": lambda: engine.lookup(src["label"]),
        "paths": lambda: engine.paths(engine.lookup(src["label"]), engine.lookup(tgt["label"]), preds),
        "paths_iri": lambda: engine.paths(src["iri"], tgt["iri"], preds),
        "up_small": lambda: engine.upstream(engine.lookup(small["label"]), preds),
        "up_large": lambda: engine.upstream(engine.lookup(large["label"]), preds),
    }
    out["results"] = {"raw": {n: measure(fn, args.repeat, args.op_timeout, args.op_budget) for n, fn in runs.items()}}
    # networkx and igraph work on a graph extracted into memory: the same from either pyoxigraph store,
    # so they run beside the in-memory one only.
    if args.backend == "oxigraph" and not args.skip_graph_libraries:
        libraries = graph_libraries(engine, meta, preds, args)
        out["extract"] = libraries.pop("extract")
        for name, entry in libraries.items():
            out["results"][name] = entry.pop("ops")
            out[name] = entry
    return out


def worker_main(args) -> int:
    meta = json.loads(Path(args.file + ".json").read_text(encoding="utf-8"))
    from etiograph import resources

    files = [resources.ontology_file(), Path(args.file)]
    out = (raw_worker if args.mode == "raw" else etiograph_worker)(args, meta, files)
    print("RESULT " + json.dumps(out, default=str))
    return 0


# =============================================================================================
# Orchestrator side.
# =============================================================================================
def source_version() -> str:
    """The commit the benchmark measured, and whether src/ had uncommitted changes."""
    import etiograph

    repo = HERE.parent
    if not Path(etiograph.__file__).resolve().is_relative_to(repo):
        return f"etiograph imported from {Path(etiograph.__file__).parent}, not from this checkout"
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "src"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (f" + uncommitted changes in src/ ({len(dirty.splitlines())} files)" if dirty else "")


def ontology_triples() -> int:
    import pyoxigraph as ox

    from etiograph import resources

    return sum(1 for _ in ox.parse(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE))


def run_worker(mode: str, backend: str, file: Path, args, load_only: bool) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--backend", backend]
    command += ["--file", str(file), "--repeat", str(args.repeat), "--op-timeout", str(args.op_timeout)]
    command += ["--op-budget", str(args.op_budget)]
    if load_only:
        command.append("--load-only")
    if args.skip_graph_libraries:
        command.append("--skip-graph-libraries")
    command += ["--data-dir", str(args.data_dir)]
    if args.store_dir:
        command += ["--store-dir", str(args.store_dir)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.worker_budget, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"worker killed after {args.worker_budget:.0f} s (time budget)"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": f"worker failed ({done.returncode}): {done.stderr.strip()[-400:]}"}


def ensure_data(claims: int, args) -> dict:
    from generate import generate, sidecar_path

    path = Path(args.data_dir) / f"claims-{claims}.nt"
    if args.reuse_data and path.exists() and sidecar_path(path).exists():
        meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
        meta["reused"] = True
        return meta
    print(f"generating {claims:,} claims → {path} ...", file=sys.stderr, flush=True)
    return generate(claims, path)


def prepare_spine(file: Path) -> float:
    """Seconds etiograph takes, on first use of a ``--data`` file, to derive its causal spine.

    The spine is cached per file content (``datafiles.derived_spine``), so it is paid once, here,
    and the loads timed afterwards measure loading alone; the table reports this cost beside them.
    """
    code = "import sys; from etiograph.datafiles import graph_sources; graph_sources([sys.argv[1]])"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(file)], check=True)
    return time.perf_counter() - started


def bench_size(claims: int, backend: str, meta: dict, args, log) -> dict:
    file = Path(meta["file"])
    load_runs = args.load_runs or (3 if claims <= (10_000 if backend == "rdflib" else 100_000) else 1)
    modes = [m for m in MODES if m in args.modes.split(",")]
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    errors: dict[str, str] = {}
    for run in range(load_runs):
        for mode in modes:  # interleaved, so a noisy minute hits every mode alike
            log(f"  {backend} {claims:,} claims: {mode} run {run + 1}/{load_runs}")
            out = run_worker(mode, backend, file, args, load_only=run > 0)
            if "error" in out:
                errors.setdefault(mode, out["error"])
                continue
            runs[mode].append(out)
    return {"runs": runs, "errors": errors}


def summarize(entry: dict, triples: int) -> dict:
    """Median load figures per mode, the index figures, and the operations of the first (full) run."""
    out: dict = {"loads": {}, "ops": {}, "errors": entry["errors"]}
    for mode, runs in entry["runs"].items():
        if not runs:
            continue
        load = statistics.median(x["load_s"] for x in runs)
        out["loads"][mode] = {
            "load_s": load,
            "load_cpu_s": statistics.median(x.get("load_cpu_s") or 0 for x in runs) or None,
            "store": runs[0].get("store", "fresh"),
            "rate": triples / load,
            "peak_bpt": statistics.median((x["after_VmHWM"] - x["base_kib"]) * 1024 / triples for x in runs),
            "rss_bpt": statistics.median((x["after_VmRSS"] - x["base_kib"]) * 1024 / triples for x in runs),
            "runs": len(runs),
        }
        full = next((x for x in runs if "results" in x), None)
        if full:
            out["ops"].update(full["results"])
            for key in ("cold", "same_answers", "extract", "networkx", "igraph"):
                if key in full:
                    out[key] = full[key]
        indexes = [x["index"] for x in runs if "index" in x]
        if indexes:
            build = statistics.median(i["build_s"] for i in indexes)
            build_cpu = statistics.median(i.get("build_cpu_s") or 0 for i in indexes)
            load_cpu = out["loads"][mode]["load_cpu_s"]
            out["index"] = {
                **indexes[0],
                "build_s": build,
                "build_cpu_s": build_cpu,
                "share_of_load": build / load,
                "cpu_share_of_load": build_cpu / load_cpu if load_cpu else None,
                "bytes_per_edge": indexes[0]["bytes"] / max(indexes[0]["edges"], 1),
                "rss_per_edge": statistics.median(i["rss_kib"] for i in indexes) * 1024 / max(indexes[0]["edges"], 1),
            }
    return out


# -- formatting -----------------------------------------------------------------------------------
def fmt_ms(op: dict | None) -> str:
    if not op:
        return "—"
    if "timeout" in op:
        return f">{op['timeout']:.0f} s"
    ms = op["ms"]
    text = f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"
    return text + ("¹" if op.get("n") == 1 and "warmup_ms" in op else "")


def ratio(a: dict | None, b: dict | None, key: str = "ms") -> str:
    if not a or not b or key not in a or key not in b or not b[key]:
        return "—"
    x = a[key] / b[key]
    return f"{x:.2f}×" if x < 100 else f"{x:.0f}×"


def expected(meta: dict) -> dict:
    return {
        "resolve": None,
        "paths": sum(meta["expected_paths"].values()),
        "paths_iri": sum(meta["expected_paths"].values()),
        "up_small": min(meta["small_upstream"]["ancestors"], REACH_CAP),
        "up_large": min(meta["large_upstream"]["ancestors"], REACH_CAP),
    }


def check(op: str, ops: dict, meta: dict) -> str:
    want = expected(meta)[op]
    got = {m: r.get(op, {}).get("result") for m, r in ops.items() if r.get(op, {}).get("result") is not None}
    if want is None:
        want = meta["source"]["iri"]
        got = {m: v for m, v in got.items() if isinstance(v, str)}
    bad = {m: v for m, v in got.items() if v != want}
    shown = "iri" if op == "resolve" else str(want)
    return f"{shown} " + ("ok" if not bad else "MISMATCH " + ", ".join(f"{m}={v}" for m, v in bad.items()))


def render(rows: list[list[str]], right_from: int) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.rjust(w) if right_from <= i < len(row) - 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return [line.rstrip() for line in lines]


def tables(report: dict) -> list[str]:
    out: list[str] = []
    for size in report["sizes"]:
        meta = size["meta"]
        for backend, entry in size["backends"].items():
            title = f"{meta['claims']:,} claims ({meta['triples'] + report['ontology_triples']:,} triples), {backend}"
            out += ["", title]
            if "spine_s" in size:
                out.append(
                    f"  first use of the file: etiograph derives its causal spine in {size['spine_s']:.1f} s (cached, not in the loads below)"
                )
            if "skipped" in entry:
                out.append(f"  skipped: {entry['skipped']}")
                continue
            s = entry["summary"]
            loads = s["loads"]
            e, r = loads.get("etiograph"), loads.get("raw")
            rows = [["", "etiograph", "raw engine", "etio/raw", "note"]]
            if e or r:
                rows.append(
                    [
                        "load",
                        f"{e['load_s']:.2f} s" if e else "—",
                        f"{r['load_s']:.2f} s" if r else "—",
                        ratio(e, r, "load_s"),
                        f"median of {(e or r)['runs']} fresh processes",
                    ]
                )
                rows.append(
                    [
                        "load rate (triples/s)",
                        f"{e['rate'] / 1000:.0f}k" if e else "—",
                        f"{r['rate'] / 1000:.0f}k" if r else "—",
                        ratio(e, r, "rate"),
                        "ratio < 1 is slower",
                    ]
                )
                rows.append(
                    [
                        "memory peak (B/triple)",
                        f"{e['peak_bpt']:.0f}" if e else "—",
                        f"{r['peak_bpt']:.0f}" if r else "—",
                        ratio(e, r, "peak_bpt"),
                        "VmHWM − RSS before load",
                    ]
                )
                rows.append(
                    [
                        "memory resident (B/triple)",
                        f"{e['rss_bpt']:.0f}" if e else "—",
                        f"{r['rss_bpt']:.0f}" if r else "—",
                        ratio(e, r, "rss_bpt"),
                        "VmRSS after − before load",
                    ]
                )
            index = s.get("index")
            if e and e.get("load_cpu_s"):
                rows.append(
                    [
                        "load, CPU",
                        f"{e['load_cpu_s']:.2f} s",
                        "",
                        "",
                        "a reopen of --store-dir (not a load)" if e.get("store") == "reopened" else "etiograph's process",
                    ]
                )
            if index:
                tables = (
                    ("evidence + label tables" if index.get("evidence_bytes") else "label table")
                    if index.get("labels") is not None
                    else "structure only"
                )
                rows.append(
                    [
                        "causal index " + ("read (saved)" if index.get("saved") and e.get("store") == "reopened" else "build"),
                        f"{index['build_s']:.2f} s",
                        "",
                        "",
                        f"{index['share_of_load']:.0%} of etiograph's load"
                        + (f" (CPU {index['build_cpu_s']:.2f} s, {index['cpu_share_of_load']:.0%})" if index.get("cpu_share_of_load") else "")
                        + f"; {tables}; {index['edges']:,} edges, {index['concepts']:,} concepts",
                    ]
                )
                if index.get("evidence_bytes"):
                    rows.append(
                        [
                            "evidence table (B/edge)",
                            f"{index['evidence_bytes'] / max(index['edges'], 1):.0f}",
                            "",
                            "",
                            "claims, attributes, quotes; saved with the index, memory-mapped",
                        ]
                    )
                rows.append(
                    [
                        "causal index size (B/edge)",
                        f"{index['bytes_per_edge']:.1f}",
                        "",
                        "",
                        f"arrays + IRIs; resident growth {index['rss_per_edge']:.0f} B/edge",
                    ]
                )
            extract = s.get("extract")
            if extract:
                libs = ", ".join(
                    f"{lib} {s[lib]['build_s']:.2f} s / {s[lib]['rss_kib'] * 1024 / max(extract['edges'], 1):.0f} B/edge"
                    for lib in ("networkx", "igraph")
                    if lib in s
                )
                rows.append(
                    [
                        "graph libraries: extraction",
                        "",
                        f"{extract['s']:.2f} s",
                        "",
                        f"3 SPARQL queries, +{extract['rss_kib'] * 1024 / max(extract['edges'], 1):.0f} B/edge in dicts; build: {libs}",
                    ]
                )
            out += render(rows, 1)
            ops = s["ops"]
            header = [
                "operation",
                *(h for k, h in COLUMNS if k in ops),
                "etio CPU",
                "etio/raw",
                "etio/igraph",
                "cold etio",
                "check",
            ]
            rows = [header]
            for op in OPS:
                cells = [fmt_ms(ops[k].get(op)) for k, _ in COLUMNS if k in ops]
                cold = s.get("cold", {}).get(op)
                rows.append(
                    [
                        OP_TITLES[op],
                        *cells,
                        fmt_ms({"ms": ops["etiograph"][op]["cpu_ms"], "n": 0})
                        if ops.get("etiograph", {}).get(op, {}).get("cpu_ms")
                        else "—",
                        ratio(ops.get("etiograph", {}).get(op), ops.get("raw", {}).get(op)),
                        ratio(ops.get("etiograph", {}).get(op), ops.get("igraph", {}).get(op)),
                        fmt_ms({**cold, "n": 0}) if cold else "",
                        check(op, ops, meta),
                    ]
                )
            out += ["", *render(rows, 1)]
            same = s.get("same_answers")
            if same:
                out.append(
                    "  index answers identical to the SPARQL path: "
                    + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items())
                )
            for mode, error in s["errors"].items():
                out.append(f"  {mode}: {error}")
    return out


# -- CLI wall time --------------------------------------------------------------------------------
def wall(command: list[str], timeout: float) -> tuple[float | None, int]:
    """Wall seconds and exit code of one fresh process (its CPU seconds: ``LAST_CHILD_CPU``)."""
    import resource

    global LAST_CHILD_CPU
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, -1
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CHILD_CPU = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, done.returncode


LAST_CHILD_CPU = 0.0


def cli_bench(report: dict, args, log) -> dict:
    out: dict[str, object] = {}
    script = Path(sys.executable).with_name("etiograph")
    if not script.exists():
        script = Path(shutil.which("etiograph") or "etiograph")
    times, codes = [], set()
    for _ in range(5):
        seconds, code = wall([str(script), "paths", "UTI", "leg cramps"], 60)
        codes.add(code)
        if seconds is not None:
            times.append(seconds)
    out["article"] = {
        "median_s": statistics.median(times) if times else None,
        "exit": sorted(codes),
        "command": str(script),
    }
    log(f"  article cold start: {out['article']}")
    largest = max((s for s in report["sizes"]), key=lambda s: s["meta"]["claims"], default=None)
    if largest and {"oxigraph", "oxigraph-dir"} & set(args.backends.split(",")):
        meta = largest["meta"]
        store = (
            Path(args.store_dir)
            if args.store_dir
            else Path(tempfile.mkdtemp(prefix="etiograph-store-", dir=args.data_dir))
        )
        base = [str(script), "paths", meta["source"]["alt_label"], meta["target"]["alt_label"]]
        base += ["--data", meta["file"], "--store", f"oxigraph:{store}", "--max-hops", str(MAX_HOPS)]
        persistent: dict[str, object] = {"claims": meta["claims"], "store": str(store)}
        try:
            log(f"  persistent store, {meta['claims']:,} claims: first run (loads, builds the index) ...")
            persistent["first_s"], persistent["first_exit"] = wall(base, args.cli_timeout)
            persistent["first_cpu_s"] = LAST_CHILD_CPU
            persistent["store_reused"] = bool(args.store_dir)
            reopen, reopen_cpu = [], []
            for _ in range(5):
                seconds, persistent["second_exit"] = wall(base, args.cli_timeout)
                if seconds is not None:
                    reopen.append(seconds)
                    reopen_cpu.append(LAST_CHILD_CPU)
            persistent["second_s"] = statistics.median(reopen) if reopen else None
            persistent["second_cpu_s"] = statistics.median(reopen_cpu) if reopen_cpu else None
            persistent["store_mb"] = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6
            index_file = store / "etiograph-causal-index.bin"
            persistent["index_mb"] = index_file.stat().st_size / 1e6 if index_file.exists() else None
            log(f"  persistent store: {persistent}")
        finally:
            if not args.store_dir:
                shutil.rmtree(store, ignore_errors=True)
        out["persistent"] = persistent
    return out


# -- targets (issue 15, at 1M claims) ---------------------------------------------------------------
def targets(report: dict) -> list[str]:
    lines = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    cli = report.get("cli", {})
    article = cli.get("article")
    if article:
        s = article["median_s"]
        lines.append(
            f"{verdict(s is not None and s <= 0.3)}  article `etiograph paths UTI 'leg cramps'` wall time ≤ 0.3 s: {s:.3f} s"
        )
    persistent = cli.get("persistent")
    if persistent and persistent.get("second_s") is not None:
        s = persistent["second_s"]
        cpu = persistent.get("second_cpu_s")
        lines.append(
            f"{verdict(s < 0.3)}  {persistent['claims']:,} claims, persistent store reopens with its index and answers `paths` < 0.3 s: {s:.2f} s wall"
            + (f", {cpu:.2f} s CPU" if cpu is not None else "")
        )
    for backend in ("oxigraph", "oxigraph-dir"):
        lines += backend_targets(report, backend)
    return lines


def backend_targets(report: dict, backend: str) -> list[str]:
    lines: list[str] = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    sizes = [s for s in report["sizes"] if "summary" in s["backends"].get(backend, {})]
    if not sizes:
        return lines
    size = max(sizes, key=lambda s: s["meta"]["claims"])
    claims = size["meta"]["claims"]
    at = f"{claims:,} claims, {backend}" + ("" if claims >= 1_000_000 else " (largest size run; the goals are for 1M)")
    s = size["backends"][backend]["summary"]
    ops = s["ops"].get("etiograph", {})
    for op, limit, label in (
        ("paths", 1.0, "paths ≤4 hops with evidence (labels)"),
        ("paths_iri", 1.0, "paths ≤4 hops with evidence (IRIs)"),
        ("up_small", 0.5, "small upstream"),
    ):
        o = ops.get(op)
        ok = bool(o) and "ms" in o and o["ms"] <= limit
        cpu = f", CPU {o['cpu_ms']:.2f} ms" if o and o.get("cpu_ms") else ""
        lines.append(f"{verdict(ok)}  {at}: {label} ≤ {limit} ms warm: {fmt_ms(o)} median wall{cpu}")
    index = s.get("index")
    reused = s["loads"].get("etiograph", {}).get("store") == "reopened"
    if index and not reused:
        cpu = f"; CPU {index['cpu_share_of_load']:.0%}" if index.get("cpu_share_of_load") else ""
        lines.append(
            f"{verdict(index['share_of_load'] <= 0.2)}  {at}: index build ≤ 20% of load: {index['share_of_load']:.0%} ({index['build_s']:.2f} s){cpu}"
        )
        lines.append(
            f"{verdict(index['bytes_per_edge'] <= 50)}  {at}: index ≤ 50 B per causal edge: {index['bytes_per_edge']:.1f} B"
        )
    same = s.get("same_answers")
    if same:
        lines.append(
            f"{verdict(all(same.values()))}  {at}: index answers identical to the SPARQL path ({', '.join(same)})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="claims per graph, comma-separated")
    parser.add_argument(
        "--backends",
        default="oxigraph,rdflib",
        help="oxigraph (in memory), oxigraph-dir (a persistent store in a fresh folder, or --store-dir), rdflib",
    )
    parser.add_argument(
        "--store-dir",
        help="oxigraph-dir: use (and keep) this store folder; a second run then measures a reopen, not a load",
    )
    parser.add_argument(
        "--modes", default="etiograph,raw", help="etiograph and/or raw (raw includes networkx and igraph)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per operation (after one warm-up)")
    parser.add_argument("--skip-cli", action="store_true", help="skip the command-line wall-time measurements")
    parser.add_argument(
        "--cli-only", action="store_true", help="only the command-line measurements (on the largest of --sizes)"
    )
    parser.add_argument("--skip-graph-libraries", action="store_true", help="no networkx/igraph baselines")
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "etiograph-bench"))
    parser.add_argument("--reuse-data", action="store_true", help="reuse generated files found in --data-dir")
    parser.add_argument("--rdflib-max-claims", type=int, default=10_000, help="skip rdflib above this size")
    parser.add_argument("--load-runs", type=int, help="fresh-process loads per mode (default 3; 1 above 100k)")
    parser.add_argument("--op-timeout", type=float, default=120.0, help="seconds before one call counts as a timeout")
    parser.add_argument("--op-budget", type=float, default=10.0, help="seconds of timed calls per operation")
    parser.add_argument("--worker-budget", type=float, default=3600.0, help="seconds before a worker is killed")
    parser.add_argument("--cli-timeout", type=float, default=3600.0, help="seconds for one command-line run")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON (scale_table.py reads it)")
    parser.add_argument(
        "--keep-spine-cache",
        action="store_true",
        help="reuse the user's cache of derived spines (default: a fresh one)",
    )
    # internal: one measurement process
    parser.add_argument("--worker", choices=MODES, dest="mode", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mode:
        return worker_main(args)

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if not args.keep_spine_cache:  # a fresh cache: the first use of each file pays its spine, as for a new user
        spine_cache = tempfile.mkdtemp(prefix="etiograph-cache-", dir=args.data_dir)
        os.environ["XDG_CACHE_HOME"] = spine_cache
    onto = ontology_triples()
    report: dict = {"sizes": [], "ontology_triples": onto, "machine": {"cpus": os.cpu_count()}}
    report["source"] = source_version()
    report["spine_cache"] = "user" if args.keep_spine_cache else "fresh"
    report["started"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with contextlib.suppress(OSError):
        report["machine"]["load_average_start"] = os.getloadavg()
    for claims in (int(s) for s in args.sizes.split(",")):
        meta = ensure_data(claims, args)
        triples = meta["triples"] + onto
        size = {"meta": meta, "backends": {}}
        log(f"{claims:,} claims: {triples:,} triples, generated in {meta['generation_seconds']:.1f} s")
        size["spine_s"] = prepare_spine(Path(meta["file"]))
        log(f"  derived causal spine (first use of the file; cached after): {size['spine_s']:.1f} s")
        for backend in [] if args.cli_only else args.backends.split(","):
            if backend == "rdflib" and claims > args.rdflib_max_claims:
                size["backends"][backend] = {
                    "skipped": f"rdflib skipped above {args.rdflib_max_claims:,} claims (it parses ~20-50k triples/s "
                    f"and holds ~1.4 kB/triple); etiograph over rdflib uses the SPARQL path, not the index"
                }
                continue
            entry = bench_size(claims, backend, meta, args, log)
            size["backends"][backend] = {"summary": summarize(entry, triples), "runs": entry["runs"]}
        report["sizes"].append(size)
    if not args.skip_cli:
        log("command-line wall time ...")
        report["cli"] = cli_bench(report, args, log)
    report["machine"]["load_average_end"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - started
    if not args.keep_spine_cache:
        shutil.rmtree(spine_cache, ignore_errors=True)
    report["targets"] = targets(report)

    print()
    print("etiograph scale benchmark — medians of warm calls after one warm-up; ratios in the same run")
    print(f"source: {report['source']}; started {report['started']}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {report['machine'].get('load_average_start', [0])[0]:.1f} "
        f"at the start, {report['machine']['load_average_end'][0]:.1f} at the end"
    )
    for size in report["sizes"]:
        m = size["meta"]
        print(
            f"  {m['claims']:>9,} claims: {m['triples'] + onto:>11,} triples ({m['concepts']:,} concepts, "
            f"{m['causal_edges']:,} causal edges); paths by hops {' '.join(f'{k}:{v}' for k, v in m['expected_paths'].items())}, "
            f"small upstream {m['small_upstream']['ancestors']}, large upstream {m['large_upstream']['ancestors']:,} ancestors"
        )
    for line in tables(report):
        print(line)
    print("¹ a single call: the warm-up alone exceeded --op-budget")
    cli = report.get("cli")
    if cli:
        print()
        print("command line (wall time, fresh process each)")
        a = cli["article"]
        print(
            f"  article `paths UTI 'leg cramps'`, median of 5: {a['median_s']:.3f} s"
            if a["median_s"]
            else "  article: failed"
        )
        p = cli.get("persistent")
        if p:
            print(f"  {p['claims']:,}-claim graph, --store oxigraph:DIR, paths --max-hops 4:")
            print(
                f"    first run (loads the store, builds the index): {p.get('first_s') or 0:.2f} s (exit {p.get('first_exit')}), "
                f"store {p.get('store_mb', 0):.0f} MB, index {p.get('index_mb') or 0:.1f} MB"
            )
            print(
                f"    reopen (median of 5):                          {p.get('second_s') or 0:.2f} s wall, "
                f"{p.get('second_cpu_s') or 0:.2f} s CPU (exit {p.get('second_exit')})"
            )
    print()
    print("targets")
    for line in report["targets"]:
        print("  " + line)
    print(f"\ntotal benchmark time: {report['seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
