"""Scale benchmark: etiograph against the raw engine it runs on, on synthetic graphs of 1k-1M claims.

    python benchmarks/bench_scale.py [--sizes 1000,10000,100000,1000000] [--backends oxigraph,rdflib]
                                     [--repeat 5] [--no-fixes] [--skip-cli] [--json results.json]

For each size it generates a graph (``generate.py``, into ``--data-dir``, default /tmp), then for
each backend runs, each in a fresh subprocess so memory figures do not mix:

* ``etiograph`` — ``KnowledgeGraph.load(data=[file], store=backend)`` and the public API;
* ``raw`` — the engine alone on the same files (ontology + data): ``pyoxigraph.Store().bulk_load``
  or ``rdflib.Graph().parse``, and hand-written SPARQL doing the same work (see README.md);
* ``+fixes`` — etiograph again with the fixes proposed in ``fixes.py`` monkeypatched in.

It prints one table (times are medians), the targets as PASS/MISS lines, and the cold-start wall
time of the ``etiograph`` command on the article graph and on the largest graph in a persistent
store. See README.md for what each column means.
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
    "paths": "paths ≤4 hops (labels)",
    "paths_iri": "paths ≤4 hops (IRIs)",
    "up_small": "upstream, small",
    "up_large": "upstream, large (cap)",
}
MODES = ("etiograph", "raw", "fixes")
#: The operations the overhead target covers; "resolve" and "paths (IRIs)" are breakdowns of "paths".
TARGET_OPS = ("paths", "up_small", "up_large")
REACH_CAP = 1000
MAX_HOPS = 4

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
    """One warm-up call, then up to ``repeat`` timed calls within ``budget`` seconds; medians in ms.

    A warm-up slower than the budget is reported as the only sample; a call over ``timeout`` as a timeout.
    """
    try:
        with time_limit(timeout):
            started = time.perf_counter()
            result = fn()
            first = time.perf_counter() - started
    except OpTimeout:
        return {"timeout": timeout}
    times = []
    if first <= budget:
        for _ in range(repeat):
            try:
                with time_limit(timeout):
                    started = time.perf_counter()
                    result = fn()
                    times.append(time.perf_counter() - started)
            except OpTimeout:
                return {"timeout": timeout}
            if sum(times) > budget:
                break
    samples = times or [first]
    return {"ms": statistics.median(samples) * 1000, "n": len(samples), "warmup_ms": first * 1000, "result": result}


def cold(fn: Callable[[], object], timeout: float, runs: int = 3) -> dict:
    """First calls: ``fn`` must start from empty caches (a fresh KnowledgeGraph) each time.

    The median of ``runs`` such calls, or the first alone when it took over 5 s or timed out.
    """
    samples, result = [], None
    for _ in range(runs):
        try:
            with time_limit(timeout):
                started = time.perf_counter()
                result = fn()
                samples.append(time.perf_counter() - started)
        except OpTimeout:
            return {"timeout": timeout}
        if samples[0] > 5:
            break
    return {"ms": statistics.median(samples) * 1000, "n": len(samples), "result": result}


def etiograph_worker(args, meta: dict, files: list[Path]) -> dict:
    applied = []
    if args.mode == "fixes":
        import fixes

        applied = fixes.apply()
    from etiograph.concepts import ConceptResolver
    from etiograph.graph import KnowledgeGraph

    if args.backend == "rdflib":
        import rdflib  # noqa: F401  (imported before the baseline, like the engine itself)
    base = memory_kib()
    started = time.perf_counter()
    kg = KnowledgeGraph.load(data=[files[1]], store=args.backend)
    load = time.perf_counter() - started
    out = {"load_s": load, "base_kib": base["VmRSS"], **{f"after_{k}": v for k, v in memory_kib().items()}}
    if applied:
        out["fixes_applied"] = applied
    if args.load_only:
        return out

    src, tgt = meta["source"], meta["target"]
    small, large = meta["small_upstream"], meta["large_upstream"]
    ops: dict[str, dict] = {}
    # Cold: the first call on a fresh KnowledgeGraph (what a CLI run pays after loading).
    ops["paths_cold"] = cold(
        lambda: KnowledgeGraph(kg.backend).paths(src["label"], tgt["label"], max_hops=MAX_HOPS).total,
        args.cold_timeout,
    )
    if "timeout" in ops["paths_cold"]:
        out["ops"] = ops
        out["note"] = f"the first paths call did not finish in {args.cold_timeout:.0f} s: other operations skipped"
        return out
    if ops["paths_cold"]["ms"] < 60_000:  # else the same slow ontology lookups would only be paid again
        ops["up_small_cold"] = cold(
            lambda: len(KnowledgeGraph(kg.backend).upstream(small["label"]).reached), args.cold_timeout
        )
    runs = {
        "resolve": lambda: ConceptResolver(kg.backend).resolve(src["label"]).iri,
        "paths": lambda: kg.paths(src["label"], tgt["label"], max_hops=MAX_HOPS).total,
        "paths_iri": lambda: kg.paths(src["iri"], tgt["iri"], max_hops=MAX_HOPS).total,
        "up_small": lambda: len(kg.upstream(small["label"]).reached),
        "up_large": lambda: len(kg.upstream(large["label"]).reached),
    }
    for name, fn in runs.items():
        ops[name] = measure(fn, args.repeat, args.op_timeout, args.op_budget)
    out["ops"] = ops
    return out


class RawEngine:
    """The engine alone: load the files, run SPARQL text, rows as tuples of strings (None if unbound)."""

    def __init__(self, backend: str):
        self.backend = backend
        if backend == "oxigraph":
            import pyoxigraph as ox

            self.ox = ox
        else:
            import rdflib

            self.rdflib = rdflib

    def load(self, files: list[Path]) -> None:
        if self.backend == "oxigraph":
            self.store = self.ox.Store()
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

    def literal(self, text: str) -> str:
        return json.dumps(text, ensure_ascii=False) + "@en"  # a JSON string is a valid SPARQL string

    # -- the operations, written as a SPARQL user would for this data ------------------------------
    def lookup(self, label: str) -> str:
        rows = self.rows(PROLOGUE + f"SELECT ?c WHERE {{ ?c skos:prefLabel|skos:altLabel {self.literal(label)} }}")
        return rows[0][0]

    def paths(self, source: str, target: str, predicates: list[str]) -> int:
        alt = "(" + "|".join(f"<{p}>" for p in predicates) + ")"
        s, t = f"<{source}>", f"<{target}>"

        def chain(hops: int) -> str:
            nodes = [s] + [f"?n{i}" for i in range(1, hops)] + [t]
            triples = " . ".join(f"{a} {alt} {b}" for a, b in pairwise(nodes))
            distinct = [
                f"{a} != {b}" for i, a in enumerate(nodes) for b in nodes[i + 1 :] if a[0] == "?" or b[0] == "?"
            ]
            where = f"FILTER({' && '.join(distinct)})" if distinct else ""
            return f"{{ {triples} . {where} BIND({hops} AS ?len) }}"

        query = PROLOGUE + "SELECT DISTINCT ?len ?n1 ?n2 ?n3 WHERE { "
        query += " UNION ".join(chain(h) for h in range(1, MAX_HOPS + 1)) + " }"
        node_paths = []
        for length, *middle in self.rows(query):
            node_paths.append((source, *middle[: int(length) - 1], target))
        edges = sorted({(a, b) for nodes in node_paths for a, b in pairwise(nodes)})
        evidence: dict[tuple[str, str], list] = {}
        if edges:
            pairs = " ".join(f"(<{a}> <{b}>)" for a, b in edges)
            inlist = ", ".join(f"<{p}>" for p in predicates)
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
        alt = "(" + "|".join(f"<{p}>" for p in predicates) + ")"
        # The closure in a subquery: joined with the labels directly, pyoxigraph 0.5 evaluates the
        # path once per labelled concept (13 s instead of 0.1 ms on a 10k-claim graph).
        query = PROLOGUE + f"SELECT ?x ?label WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ ?x {alt}+ <{target}> "
        query += f"FILTER(?x != <{target}>) }} LIMIT {REACH_CAP} }} ?x skos:prefLabel ?label }}"
        return len(self.rows(query))


def raw_worker(args, meta: dict, files: list[Path]) -> dict:
    engine = RawEngine(args.backend)
    base = memory_kib()
    started = time.perf_counter()
    engine.load(files)
    load = time.perf_counter() - started
    out = {"load_s": load, "base_kib": base["VmRSS"], **{f"after_{k}": v for k, v in memory_kib().items()}}
    if args.load_only:
        return out
    src, tgt = meta["source"], meta["target"]
    small, large = meta["small_upstream"], meta["large_upstream"]
    preds = meta["causal_predicates"] + ["https://w3id.org/etiograph/ontology#causesOrContributesTo"]
    ops: dict[str, dict] = {}
    ops["paths_cold"] = cold(
        lambda: engine.paths(engine.lookup(src["label"]), engine.lookup(tgt["label"]), preds), args.cold_timeout
    )
    ops["up_small_cold"] = cold(lambda: engine.upstream(engine.lookup(small["label"]), preds), args.cold_timeout)
    runs = {
        "resolve": lambda: engine.lookup(src["label"]),
        "paths": lambda: engine.paths(engine.lookup(src["label"]), engine.lookup(tgt["label"]), preds),
        "paths_iri": lambda: engine.paths(src["iri"], tgt["iri"], preds),
        "up_small": lambda: engine.upstream(engine.lookup(small["label"]), preds),
        "up_large": lambda: engine.upstream(engine.lookup(large["label"]), preds),
    }
    for name, fn in runs.items():
        ops[name] = measure(fn, args.repeat, args.op_timeout, args.op_budget)
    out["ops"] = ops
    return out


def worker_main(args) -> int:
    meta = json.loads(Path(args.file + ".json").read_text(encoding="utf-8"))
    from etiograph import resources

    files = [resources.ontology_file(), Path(args.file)]
    out = (raw_worker if args.mode == "raw" else etiograph_worker)(args, meta, files)
    print("RESULT " + json.dumps(out))
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


def run_worker(mode: str, backend: str, file: Path, args, load_only: bool, budget: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--backend", backend]
    command += ["--file", str(file), "--repeat", str(args.repeat), "--op-timeout", str(args.op_timeout)]
    cold_timeout = args.cold_timeout or (60.0 if backend == "rdflib" else 300.0)
    command += ["--op-budget", str(args.op_budget), "--cold-timeout", str(cold_timeout)]
    if load_only:
        command.append("--load-only")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"worker killed after {budget:.0f} s (time budget)"}
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


def bench_size(claims: int, backend: str, meta: dict, args, log) -> dict:
    file = Path(meta["file"])
    modes = [m for m in MODES if args.fixes or m != "fixes"]
    load_runs = args.load_runs or (3 if claims <= (10_000 if backend == "rdflib" else 100_000) else 1)
    budget = args.worker_budget
    results: dict[str, dict] = {m: {"loads": []} for m in modes}
    for run in range(load_runs):
        for mode in modes:  # interleaved, so a noisy minute hits every mode alike
            log(f"  {backend} {claims:,} claims: {mode} run {run + 1}/{load_runs}")
            out = run_worker(mode, backend, file, args, load_only=run > 0, budget=budget)
            if "error" in out:
                results[mode].setdefault("error", out["error"])
                continue
            results[mode]["loads"].append(out)
            if "ops" in out:
                results[mode]["ops"] = out["ops"]
                if "note" in out:
                    results[mode]["note"] = out["note"]
    return results


def summarize_load(loads: list[dict], triples: int) -> dict | None:
    if not loads:
        return None
    load = statistics.median(x["load_s"] for x in loads)
    peak = statistics.median((x["after_VmHWM"] - x["base_kib"]) * 1024 / triples for x in loads)
    resident = statistics.median((x["after_VmRSS"] - x["base_kib"]) * 1024 / triples for x in loads)
    return {"load_s": load, "rate": triples / load, "peak_bpt": peak, "rss_bpt": resident, "runs": len(loads)}


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
    return f"{a[key] / b[key]:.2f}×" if a[key] / b[key] < 100 else f"{a[key] / b[key]:.0f}×"


def check(name: str, results: dict, meta: dict) -> str:
    expected = {
        "resolve": meta["source"]["iri"],
        "paths": sum(meta["expected_paths"].values()),
        "paths_iri": sum(meta["expected_paths"].values()),
        "up_small": min(meta["small_upstream"]["ancestors"], REACH_CAP),
        "up_large": min(meta["large_upstream"]["ancestors"], REACH_CAP),
    }[name]
    got = {m: r.get("ops", {}).get(name, {}).get("result") for m, r in results.items()}
    got = {m: v for m, v in got.items() if v is not None}
    ok = all(v == expected for v in got.values())
    shown = "iri" if name == "resolve" else f"{expected}"
    mark = "ok" if ok else "MISMATCH " + ", ".join(f"{m}={v}" for m, v in got.items() if v != expected)
    return f"{shown} {mark}" if got else ""


def table(report: dict, fixes: bool) -> list[str]:
    header = ["claims", "backend", "operation", "etiograph", "raw", "etio/raw"]
    if fixes:
        header += ["+fixes", "fix/raw"]
    header += ["cold etio", "cold +fix" if fixes else "", "check"]
    rows = [header]
    for size in report["sizes"]:
        meta = size["meta"]
        for backend, entry in size["backends"].items():
            block: list[list[str]] = []

            def add(op: str, cells: list[str], note: str = "", block=block) -> None:
                block.append([op, *cells, note])

            if "skipped" in entry:
                rows.append([f"{meta['claims']:,}", backend, "(skipped)", *[""] * (len(header) - 4), entry["skipped"]])
                continue
            results, loads = entry["results"], entry["loads"]
            e, r, f = loads.get("etiograph"), loads.get("raw"), loads.get("fixes")

            def cells(key: str, fmt: Callable[[float], str], e=e, r=r, f=f) -> list[str]:
                out = [fmt(e[key]) if e else "—", fmt(r[key]) if r else "—", ratio(e, r, key)]
                if fixes:
                    out += [fmt(f[key]) if f else "—", ratio(f, r, key)]
                return [*out, "", ""]

            runs = f"median of {r['runs']} fresh processes" if r else ""
            add("load", cells("load_s", lambda v: f"{v:.2f} s"), runs)
            add("load rate (triples/s)", cells("rate", lambda v: f"{v / 1000:.0f}k"), "ratio < 1 is slower")
            add("memory peak (B/triple)", cells("peak_bpt", lambda v: f"{v:.0f}"), "VmHWM − RSS before load")
            add("memory resident (B/triple)", cells("rss_bpt", lambda v: f"{v:.0f}"), "VmRSS after − before load")
            for op in OPS:
                eo = results.get("etiograph", {}).get("ops", {}).get(op)
                ro = results.get("raw", {}).get("ops", {}).get(op)
                fo = results.get("fixes", {}).get("ops", {}).get(op)
                line = [fmt_ms(eo), fmt_ms(ro), ratio(eo, ro)]
                if fixes:
                    line += [fmt_ms(fo), ratio(fo, ro)]
                cold_key = {"paths": "paths_cold", "up_small": "up_small_cold"}.get(op)
                cold_e = fmt_ms(results.get("etiograph", {}).get("ops", {}).get(cold_key)) if cold_key else ""
                cold_f = fmt_ms(results.get("fixes", {}).get("ops", {}).get(cold_key)) if cold_key and fixes else ""
                add(OP_TITLES[op], [*line, cold_e, cold_f], check(op, results, meta))
            for mode, res in results.items():
                for key in ("error", "note"):
                    if key in res:
                        add(f"  {mode}: {key}", [""] * (len(header) - 4), res[key])
            for i, row in enumerate(block):
                rows.append([f"{meta['claims']:,}" if i == 0 else "", backend if i == 0 else "", *row])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 3 or i == len(header) - 1 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return [line.rstrip() for line in lines]


# -- CLI cold start ---------------------------------------------------------------------------------
FIXED_CLI = (
    "import sys; sys.path.insert(0, {here!r}); import fixes; fixes.apply(); "
    "from etiograph.cli import main; sys.exit(main(sys.argv[1:]))"
)


def wall(command: list[str], timeout: float) -> tuple[float | None, int]:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, -1
    return time.perf_counter() - started, done.returncode


def cli_bench(report: dict, args, log) -> dict:
    out: dict[str, object] = {}
    script = Path(sys.executable).with_name("etiograph")
    if not script.exists():
        script = Path(shutil.which("etiograph") or "etiograph")
    variants = {f"{script}": [str(script)]}
    shim = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "shims" / "etiograph"
    if shim.exists() and shim.resolve() != script.resolve():
        variants["pyenv shim (as typed in this shell)"] = [str(shim)]
    if args.fixes:
        variants["+fixes (python -c)"] = [sys.executable, "-c", FIXED_CLI.format(here=str(HERE))]
    article = {}
    for name, command in variants.items():
        if not command:
            continue
        times, codes = [], set()
        for _ in range(5):
            seconds, code = wall([*command, "paths", "UTI", "leg cramps"], 60)
            codes.add(code)
            if seconds is not None:
                times.append(seconds)
        article[name] = {"median_s": statistics.median(times) if times else None, "exit": sorted(codes)}
        log(f"  article cold start, {name}: {article[name]}")
    out["article"] = article

    largest = max((s for s in report["sizes"]), key=lambda s: s["meta"]["claims"], default=None)
    if largest and "oxigraph" in args.backends.split(","):
        meta = largest["meta"]
        store = Path(tempfile.mkdtemp(prefix="etiograph-store-", dir=args.data_dir))
        base = [str(script), "paths", meta["source"]["alt_label"], meta["target"]["alt_label"]]
        base += ["--data", meta["file"], "--store", f"oxigraph:{store}", "--max-hops", str(MAX_HOPS)]
        persistent = {"claims": meta["claims"], "store": str(store)}
        try:
            log(f"  persistent store, {meta['claims']:,} claims: first run (loads) ...")
            persistent["first_s"], persistent["first_exit"] = wall(base, args.cli_timeout)
            log(f"  persistent store: second run (reopens) ... {persistent}")
            persistent["second_s"], persistent["second_exit"] = wall(base, args.cli_timeout)
            if args.fixes:
                fixed = [sys.executable, "-c", FIXED_CLI.format(here=str(HERE)), *base[1:]]
                log("  persistent store: reopen with fixes ...")
                persistent["fixed_s"], persistent["fixed_exit"] = wall(fixed, args.cli_timeout)
            persistent["store_mb"] = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6
        finally:
            shutil.rmtree(store, ignore_errors=True)
        out["persistent"] = persistent
    return out


# -- targets --------------------------------------------------------------------------------------
def targets(report: dict, fixes: bool) -> list[str]:
    lines = []
    cli = report.get("cli", {})
    for name, entry in cli.get("article", {}).items():
        s = entry["median_s"]
        verdict = "PASS" if s is not None and s <= 0.3 else "MISS"
        shown = f"{s:.3f} s" if s is not None else "timeout"
        lines.append(f"{verdict}  article `etiograph paths UTI 'leg cramps'` cold start ≤ 0.3 s: {shown}  [{name}]")
    ox_sizes = [s for s in report["sizes"] if "oxigraph" in s["backends"] and "results" in s["backends"]["oxigraph"]]
    if not ox_sizes:
        return lines
    size = max(ox_sizes, key=lambda s: s["meta"]["claims"])
    claims = size["meta"]["claims"]
    at = f"{claims:,} claims" + ("" if claims >= 1_000_000 else " (largest size run; targets are for 1M)")
    entry = size["backends"]["oxigraph"]
    raw = entry["loads"].get("raw")
    for mode in ("etiograph", "fixes") if fixes else ("etiograph",):
        tag = "etiograph" if mode == "etiograph" else "etiograph+fixes"
        loads, ops = entry["loads"].get(mode), entry["results"].get(mode, {}).get("ops", {})
        raw_ops = entry["results"].get("raw", {}).get("ops", {})

        def verdict(ok: bool | None) -> str:
            return "PASS" if ok else "MISS"

        if loads and raw:
            share = loads["rate"] / raw["rate"]
            lines.append(f"{verdict(share >= 0.8)}  [{tag}] {at}: load rate ≥ 0.8× raw pyoxigraph: {share:.2f}×")
            lines.append(
                f"{verdict(loads['peak_bpt'] <= 500)}  [{tag}] {at}: memory ≤ 500 B/triple: "
                f"{loads['peak_bpt']:.0f} peak, {loads['rss_bpt']:.0f} resident"
            )
        for op, limit, label in (("paths", 100, "paths ≤4 hops with evidence"), ("up_small", 5, "small upstream")):
            o = ops.get(op)
            cold_op = ops.get(op + "_cold")
            ok = o is not None and "ms" in o and o["ms"] <= limit
            lines.append(
                f"{verdict(ok)}  [{tag}] {at}: {label} ≤ {limit} ms: {fmt_ms(o)} median (first call {fmt_ms(cold_op)})"
            )
        worst = []
        if loads and raw:
            worst.append(("load", raw["rate"] / loads["rate"]))
        for op in TARGET_OPS:
            o, r = ops.get(op), raw_ops.get(op)
            if o and r and "ms" in o and "ms" in r:
                worst.append((op, o["ms"] / r["ms"]))
            elif o and "timeout" in o:
                worst.append((op, float("inf")))
        over = [f"{op} {x:.1f}×" for op, x in worst if x > 1.5]
        lines.append(
            f"{verdict(not over and bool(worst))}  [{tag}] {at}: overhead ≤ 1.5× raw on every operation"
            + (f": over on {', '.join(over)}" if over else "")
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="claims per graph, comma-separated")
    parser.add_argument("--backends", default="oxigraph,rdflib")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per operation (after one warm-up)")
    parser.add_argument("--no-fixes", dest="fixes", action="store_false", help="skip the +fixes runs")
    parser.add_argument("--skip-cli", action="store_true", help="skip the command-line cold-start measurements")
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "etiograph-bench"))
    parser.add_argument("--reuse-data", action="store_true", help="reuse generated files found in --data-dir")
    parser.add_argument("--rdflib-max-claims", type=int, default=100_000, help="skip rdflib above this size")
    parser.add_argument(
        "--load-runs", type=int, help="fresh-process loads per mode (default 3; 1 above 100k, rdflib above 10k)"
    )
    parser.add_argument("--op-timeout", type=float, default=60.0, help="seconds before one call counts as a timeout")
    parser.add_argument(
        "--cold-timeout", type=float, help="seconds for the first call on a fresh graph (default 300; rdflib 60)"
    )
    parser.add_argument("--op-budget", type=float, default=10.0, help="seconds of timed calls per operation")
    parser.add_argument("--worker-budget", type=float, default=900.0, help="seconds before a worker is killed")
    parser.add_argument("--cli-timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
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

    if args.fixes:
        import fixes

        report_fixes = fixes.pending()
        if not report_fixes:
            log("fixes.py: nothing pending (all its changes are in src/), so no +fixes runs")
            args.fixes = False
    else:
        report_fixes = []
    onto = ontology_triples()
    report: dict = {"sizes": [], "ontology_triples": onto, "machine": {"cpus": os.cpu_count()}}
    report["source"] = source_version()
    report["fixes_pending"] = report_fixes
    with contextlib.suppress(OSError):
        report["machine"]["load_average_start"] = os.getloadavg()
    for claims in (int(s) for s in args.sizes.split(",")):
        meta = ensure_data(claims, args)
        triples = meta["triples"] + onto
        size = {"meta": meta, "backends": {}}
        log(f"{claims:,} claims: {triples:,} triples, generated in {meta['generation_seconds']:.1f} s")
        for backend in args.backends.split(","):
            if backend == "rdflib" and claims > args.rdflib_max_claims:
                size["backends"][backend] = {
                    "skipped": f"rdflib skipped above {args.rdflib_max_claims:,} claims: it parses ~50k triples/s "
                    f"(~{triples / 50_000 / 60:.0f} min per load) and needs ~1.5 kB/triple"
                }
                continue
            results = bench_size(claims, backend, meta, args, log)
            size["backends"][backend] = {
                "results": results,
                "loads": {m: summarize_load(r["loads"], triples) for m, r in results.items()},
            }
        report["sizes"].append(size)
    if not args.skip_cli:
        log("command-line cold start ...")
        report["cli"] = cli_bench(report, args, log)
    report["machine"]["load_average_end"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - started

    print()
    print("etiograph scale benchmark — medians; ratio = etiograph ÷ raw engine (lower is better; 1.00× = no overhead)")
    print(f"source: {report['source']}")
    pending = ", ".join(report["fixes_pending"]) or "none (all of fixes.py is in src/)"
    print(f"fixes.py changes not yet in src/, measured as +fixes: {pending}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {report['machine'].get('load_average_start', [0])[0]:.1f} "
        f"at the start, {report['machine']['load_average_end'][0]:.1f} at the end"
    )
    for size in report["sizes"]:
        m = size["meta"]
        print(
            f"  {m['claims']:>9,} claims: {m['triples'] + onto:>11,} triples ({m['concepts']:,} concepts, "
            f"{m['causal_edges']:,} causal edges), generated in {m['generation_seconds']:.1f} s"
            + (" (reused)" if m.get("reused") else "")
            + f"; paths by hops {' '.join(f'{k}:{v}' for k, v in m['expected_paths'].items())}, small upstream {m['small_upstream']['ancestors']}, "
            f"large upstream {m['large_upstream']['ancestors']:,} ancestors"
        )
    print()
    for line in table(report, args.fixes):
        print(line)
    print("¹ a single call: the warm-up alone exceeded --op-budget")
    cli = report.get("cli")
    if cli:
        print()
        print("command line (wall time, fresh process each)")
        for name, entry in cli["article"].items():
            s = entry["median_s"]
            print(f"  article paths UTI 'leg cramps', median of 5, {name}: {s:.3f} s" if s else f"  {name}: failed")
        p = cli.get("persistent")
        if p:

            def show(key: str) -> str:
                value = p.get(key)
                return "timeout" if value is None else f"{value:.2f} s (exit {p.get(key.replace('_s', '_exit'))})"

            print(f"  {p['claims']:,}-claim graph, --store oxigraph:DIR, paths --max-hops 4:")
            print(f"    first run (loads the store): {show('first_s')}, store {p.get('store_mb', 0):.0f} MB on disk")
            print(f"    second run (reopens):        {show('second_s')}")
            if "fixed_s" in p:
                print(f"    reopen with fixes:           {show('fixed_s')}")
    print()
    print("targets")
    for line in targets(report, args.fixes):
        print("  " + line)
    print(f"\ntotal benchmark time: {report['seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
