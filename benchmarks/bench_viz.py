"""How long diagrams take to generate, how big they are and how long they take to settle in a
browser, for the article and a 5k-concept synthetic graph, next to a named peer in the same run.

    python benchmarks/bench_viz.py                              # this checkout only
    python benchmarks/bench_viz.py --peer-src /tmp/before/src   # and a peer checkout's src/ (e.g. the
                                                                # code before a change: git archive REV src | tar -x -C /tmp/before)

Views are what a teacher asks for: ``etiograph viz A B`` (a path diagram; since issue 12 it opens
on the 8 most informative paths), ``etiograph viz`` (since issue 12 the overview by mechanism,
before it the whole graph in one drawing), ``etiograph viz --all`` (every concept in one drawing).
For each: loading the graph (pyoxigraph, in memory), generating the page (``diagram_html``: the
least CPU time of ``--repeats`` runs, 9 by default, the geometry caches emptied before each as in a fresh
command; CPU, not wall: the machine is shared; with a peer, both run as servers asked in turn, so a busy
spell falls on both), the page's size, and the seconds from navigation until the page sets
``window.__etiographReady`` in headless Chromium (file://, network blocked, 1366×768): the median of
``--loads`` loads (8), with a peer its page and this checkout's loaded in turn (this, peer; then peer,
this; ...) so a busy spell falls on both; beside it the renderer's main-thread CPU seconds over the
same loads (Chrome's ThreadTime metric; steadier than wall time on a shared machine). The peer
runs in a subprocess with its ``src`` first on ``sys.path``; ratios are this checkout ÷ peer.
Synthetic graphs are written as Turtle to /tmp/etiograph-bench-viz/ with the ontology's terms.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path("/tmp/etiograph-bench-viz")
NAN = float("nan")
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWS = ("viz A B", "viz", "viz --all")

LAYERS = 8
KINDS = [
    ["Behaviour", "Condition", "Food"],
    ["Infection", "Condition", "DrugClass"],
    ["PhysiologicalState", "Condition"],
    ["PhysiologicalProcess", "PhysiologicalState"],
    ["PhysiologicalState", "Nutrient"],
    ["PhysiologicalProcess", "PhysiologicalState"],
    ["SignOrSymptom", "PhysiologicalState"],
    ["SignOrSymptom"],
]
CAUSAL = ["causes", "contributesTo", "increasesRiskOf", "exacerbates", "hasAdverseEffect"]
COUNTER = ["treats", "prevents", "reducesRiskOf", "alleviates", "replenishes"]
CERTAINTY = ["asserted", "often", "can", "can", "may", "may", "linked", "sometimes", "occasionally", "rare"]
MECHANISMS = ["inflammation", "electrolytes", "medication", "kidney", "referred-pain", "lifestyle", "infection-risk"]
WORDS = ["acute", "renal", "muscular", "systemic", "low", "high", "nocturnal", "mild", "severe", "chronic"]
NOUNS = ["strain", "deficit", "response", "irritation", "imbalance", "loss", "fatigue", "spasm", "stress", "load"]

PREFIXES = """\
@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def synthetic(concepts: int, seed: int = 7) -> tuple[Path, str, str]:
    """A layered causal graph of ``concepts`` concepts (~2 causal claims each, some cycles, 10%
    counteracting), as Turtle; returns the file and a (source, target) pair to draw paths for."""
    rng = random.Random(seed)
    path = OUT / f"synthetic-{concepts}.ttl"
    starts = [layer * concepts // LAYERS for layer in range(LAYERS + 1)]
    layer_of = [layer for layer in range(LAYERS) for _ in range(starts[layer], starts[layer + 1])]
    lines = [
        PREFIXES,
        f'kg: a void:Dataset ; dcterms:title "synthetic {concepts}"@en ; dcterms:created "2026-01-01"^^xsd:date .\n',
    ]
    for i in range(concepts):
        kinds = KINDS[layer_of[i]]
        label = f"{WORDS[i % 10]} {NOUNS[(i // 10) % 10]} {i}"
        lines.append(f'kg:c{i} a etio:{kinds[i % len(kinds)]}, skos:Concept ; skos:prefLabel "{label}"@en .\n')
    claims = 0
    forward: dict[int, list[int]] = {}

    def claim(s: int, predicate: str, o: int) -> None:
        nonlocal claims
        claims += 1
        if predicate in CAUSAL and layer_of[s] < layer_of[o]:
            forward.setdefault(s, []).append(o)
        cert, mech = rng.choice(CERTAINTY), rng.choice(MECHANISMS)
        cls = "CounteractingClaim" if predicate in COUNTER else "CausalClaim"
        lines.append(
            f"kg:c{s} etio:{predicate} kg:c{o} .\n"
            f"claim:x{claims} a etio:{cls} ; rdf:subject kg:c{s} ; rdf:predicate etio:{predicate} ; "
            f"rdf:object kg:c{o} ; etio:certainty cert:{cert} ; etio:mechanism mech:{mech} ;\n"
            f'    etio:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Concept {s} {predicate} concept {o}, the text says." ] ] .\n'
        )

    for i in range(starts[1], concepts):
        layer = layer_of[i]
        for _ in range(2):
            back = rng.random() < 0.15 and layer > 1
            source_layer = layer - 2 if back else layer - 1
            claim(rng.randrange(starts[source_layer], starts[source_layer + 1]), rng.choice(CAUSAL), i)
        if layer >= 3 and rng.random() < 0.03:  # against the flow: cycles
            claim(i, rng.choice(CAUSAL), rng.randrange(starts[layer - 2], starts[layer - 1]))
        if rng.random() < 0.1:
            claim(rng.randrange(starts[0], starts[1]), rng.choice(COUNTER), i)
    OUT.mkdir(parents=True, exist_ok=True)
    # Atomically: the two generation servers of a side-by-side run write the same file at once.
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text("".join(lines), encoding="utf-8")
    os.replace(partial, path)
    # the question: from the layer-1 concept with most effects to the last-layer concept it reaches
    # by most forward routes (all at most 6 hops: one layer or more per hop)
    source = max(range(starts[1], starts[2]), key=lambda i: (len(forward.get(i, ())), -i))
    routes = {source: 1}
    for i in sorted(range(starts[1], concepts), key=lambda i: layer_of[i]):
        for j in forward.get(i, ()) if i in routes else ():
            routes[j] = routes.get(j, 0) + routes[i]
    target = max(range(starts[LAYERS - 1], concepts), key=lambda i: (routes.get(i, 0), -i))
    return path, f"kg:c{source}", f"kg:c{target}"


def settle_seconds(browser, page_file: Path, repeats: int = 2) -> float:
    """Seconds from navigation to window.__etiographReady, best of ``repeats``, network blocked."""
    times = []
    url = page_file.resolve().as_uri()
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function("() => window.__etiographReady === true", timeout=180_000)
        times.append(time.perf_counter() - start)
        assert not errors, errors
        context.close()
    return min(times)


def settle_load(browser, page_file: Path) -> tuple[float, float]:
    """One load of ``page_file``: (seconds from navigation to window.__etiographReady, CPU seconds
    of the renderer's main thread meanwhile), network blocked."""
    url = page_file.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def thread_time() -> float:
        return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")

    cpu = thread_time()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function("() => window.__etiographReady === true", timeout=180_000)
    wall = time.perf_counter() - start
    cpu = thread_time() - cpu
    assert not errors, errors
    context.close()
    return wall, cpu


def settle_in_turn(browser, files: dict[tuple, dict[str, Path]], loads: int) -> dict[str, dict[tuple, tuple]]:
    """Median (settle seconds, main-thread CPU seconds) per page over ``loads`` loads, the pages of
    one (graph, view) loaded in turn, the order swapped each round: ``files[key][tag]`` → ``[tag][key]``."""
    seen: dict[str, dict[tuple, list]] = {}
    for round_ in range(loads):
        for key, pages in files.items():
            tags = list(pages) if round_ % 2 == 0 else list(pages)[::-1]
            for tag in tags:
                seen.setdefault(tag, {}).setdefault(key, []).append(settle_load(browser, pages[tag]))
    return {
        tag: {
            key: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for key, runs in got.items()
        }
        for tag, got in seen.items()
    }


def forget_curves() -> None:
    """Empty the process-wide caches of curve geometry (etiograph.viz.geometry, where it exists): sampled
    curves, monotone runs, sample profiles, label wrapping and box sizes, as in a fresh command."""
    geometry = sys.modules.get("etiograph.viz.geometry")
    for name in ("_CURVES", "_RUNS", "_PROFILES"):
        cache = getattr(geometry, name, None)
        if isinstance(cache, dict):
            cache.clear()
    for name in ("wrap", "box_size"):
        getattr(getattr(geometry, name, None), "cache_clear", lambda: None)()


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def cpu_timed(function, *args, **kwargs):
    start = time.process_time()
    value = function(*args, **kwargs)
    return value, time.process_time() - start


def measure(sizes: list[int], max_hops: int, tag: str, repeats: int = 9, loads: int = 8) -> list[dict]:
    """Every (graph, view) figure for the etiograph importable here (this checkout, or the peer's);
    ``loads`` 0: no browser (the caller loads the pages, ``file``, itself)."""
    from etiograph import KnowledgeGraph
    from etiograph.viz import diagram_html

    new_api = "whole" in inspect.signature(diagram_html).parameters
    graphs: list[tuple[str, list[Path] | None, str, str]] = [("article", None, "UTI", "leg cramps")]
    for size in sizes:
        ttl, source, target = synthetic(size)
        graphs.append((f"synthetic {size}", [ttl], source, target))
    browser = playwright = None
    if CHROMIUM and loads:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    rows = []
    for name, data, source, target in graphs:
        kg, load = timed(KnowledgeGraph.load, data=data)
        calls = {
            "viz A B": ((source, target), {"max_hops": max_hops}),
            "viz": ((), {}),
            "viz --all": ((), {"whole": True} if new_api else {}),
        }
        for view in VIEWS:
            call_args, kwargs = calls[view]
            diagram_html(*(kg, *call_args), **kwargs)  # warm-up: imports, the store's caches
            runs = []
            for _ in range(repeats):
                forget_curves()  # a command run starts without them: each timed page routes from scratch
                runs.append(cpu_timed(diagram_html, kg, *call_args, **kwargs))
            page, _ = runs[0]
            generate = min(t for _, t in runs)
            page_file = OUT / f"{tag}-{name.replace(' ', '-')}-{view.replace(' ', '').replace('-', '')}.html"
            page_file.write_text(page, encoding="utf-8")
            settle = settle_in_turn(browser, {(): {tag: page_file}}, loads)[tag][()] if browser else (NAN, NAN)
            rows.append(
                {
                    "graph": name,
                    "view": view,
                    "load": load,
                    "generate": generate,
                    "mb": len(page) / 1e6,
                    "settle": settle[0],
                    "settle_cpu": settle[1],
                    "file": str(page_file),
                }
            )
            print(f"  {tag}: {name}, {view}", file=sys.stderr, flush=True)
    if browser:
        browser.close()
        playwright.stop()
    return rows


def _calls(kg, source: str, target: str, max_hops: int, new_api: bool) -> dict[str, tuple[tuple, dict]]:
    return {
        "viz A B": ((source, target), {"max_hops": max_hops}),
        "viz": ((), {}),
        "viz --all": ((), {"whole": True} if new_api else {}),
    }


def serve(sizes: list[int], max_hops: int) -> None:
    """Generation on request (the interleaved comparison): load every graph, warm each page up, say
    "ready"; then for each line "GRAPH-INDEX VIEW" generate that page once from empty geometry caches
    and print the CPU seconds it took."""
    from etiograph import KnowledgeGraph
    from etiograph.viz import diagram_html

    new_api = "whole" in inspect.signature(diagram_html).parameters
    graphs = [(KnowledgeGraph.load(), "UTI", "leg cramps")]
    for size in sizes:
        ttl, source, target = synthetic(size)
        graphs.append((KnowledgeGraph.load(data=[ttl]), source, target))
    pages = []
    for kg, source, target in graphs:
        calls = _calls(kg, source, target, max_hops, new_api)
        for view in VIEWS:
            diagram_html(kg, *calls[view][0], **calls[view][1])  # warm-up: imports, the store's caches
        pages.append(calls)
    print("ready", flush=True)
    for line in sys.stdin:
        index, view = line.rstrip("\n").split(" ", 1)
        kg = graphs[int(index)][0]
        call_args, kwargs = pages[int(index)][view]
        forget_curves()
        _, seconds = cpu_timed(diagram_html, kg, *call_args, **kwargs)
        print(seconds, flush=True)


def interleaved(sizes: list[int], max_hops: int, repeats: int, peer_src: Path) -> dict[str, dict[tuple, float]]:
    """The least generation CPU time per (graph, view) for this checkout and the peer, from two
    processes asked in turn (this, peer; then peer, this; ...): a busy spell of the machine falls
    on both alike."""
    command = [sys.executable, __file__, "--serve", "--max-hops", str(max_hops), "--sizes", *map(str, sizes)]
    sides = {
        "this": subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True),
        "peer": subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(peer_src.resolve())),
        ),
    }
    best: dict[str, dict[tuple, float]] = {"this": {}, "peer": {}}
    try:
        for side in sides.values():
            assert side.stdout.readline().strip() == "ready"
        names = ["article", *(f"synthetic {size}" for size in sizes)]
        for round_ in range(repeats):
            for index, name in enumerate(names):
                for view in VIEWS:
                    for tag in ("this", "peer") if round_ % 2 == 0 else ("peer", "this"):
                        sides[tag].stdin.write(f"{index} {view}\n")
                        sides[tag].stdin.flush()
                        seconds = float(sides[tag].stdout.readline())
                        key = (name, view)
                        best[tag][key] = min(best[tag].get(key, seconds), seconds)
    finally:
        for side in sides.values():
            side.stdin.close()
            side.wait(timeout=60)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000], help="synthetic graph sizes (concepts)")
    parser.add_argument("--max-hops", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=9, help="timed generations per page (the least CPU time counts)")
    parser.add_argument(
        "--loads", type=int, default=8, help="page loads per page for the settle times (the median counts)"
    )
    parser.add_argument("--peer-src", type=Path, help="a peer checkout's src/ folder, measured in a subprocess")
    parser.add_argument("--peer-name", default="before", help="what to call the peer in the table")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # the peer's subprocess mode
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # generation on request
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.serve:
        serve(args.sizes, args.max_hops)
        return
    if args.json:
        print(json.dumps(measure(args.sizes, args.max_hops, "peer", args.repeats, args.loads)))
        return
    peer = None
    if args.peer_src:
        env = dict(os.environ, PYTHONPATH=str(args.peer_src.resolve()))
        command = [
            sys.executable,
            __file__,
            "--json",
            "--max-hops",
            str(args.max_hops),
            "--repeats",
            "1",  # page size only: generation is timed side by side below, settle after it
            "--loads",
            "0",
            "--sizes",
            *map(str, args.sizes),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        peer = {(r["graph"], r["view"]): r for r in json.loads(done.stdout)}
    rows = measure(args.sizes, args.max_hops, "this", 1 if peer else args.repeats, 0 if peer else args.loads)
    if peer:  # generation side by side, asked in turn; then the pages loaded in turn: the figures the table shows
        best = interleaved(args.sizes, args.max_hops, args.repeats, args.peer_src)
        for r in rows:
            r["generate"] = best["this"][(r["graph"], r["view"])]
            peer[(r["graph"], r["view"])]["generate"] = best["peer"][(r["graph"], r["view"])]
        settled = _settle_both(rows, peer, args.loads)
        for tag, side in (("this", {(r["graph"], r["view"]): r for r in rows}), ("peer", peer)):
            for key, (wall, cpu) in settled.get(tag, {}).items():
                side[key]["settle"], side[key]["settle_cpu"] = wall, cpu
    header = ["graph", "view", "load s", "generate cpu s", "page MB", "settle s", "settle cpu s"]
    if peer:
        header += [f"{args.peer_name}: generate cpu s", "page MB", "settle s", "settle cpu s"]
        header += ["generate ×", "page ×", "settle ×", "settle cpu ×"]
    table = []
    for r in rows:
        line = [r["graph"], r["view"], r["load"], r["generate"], r["mb"], r["settle"], r["settle_cpu"]]
        if peer:
            p = peer[(r["graph"], r["view"])]
            line += [p["generate"], p["mb"], p["settle"], p["settle_cpu"]]
            line += [r["generate"] / p["generate"], r["mb"] / p["mb"]]
            line += [r["settle"] / p["settle"], r["settle_cpu"] / p["settle_cpu"]]
        table.append(line)
    widths = [max(len(header[i]), *(len(_fmt(t[i])) for t in table)) for i in range(len(header))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(
            "  ".join(
                _fmt(v).ljust(w) if i < 2 else _fmt(v).rjust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
        )


def _settle_both(rows: list[dict], peer: dict[tuple, dict], loads: int) -> dict[str, dict[tuple, tuple]]:
    """Both checkouts' pages of each (graph, view) loaded in turn in one browser (none: empty)."""
    if not CHROMIUM or not loads:
        return {}
    from playwright.sync_api import sync_playwright

    files = {
        (r["graph"], r["view"]): {"this": Path(r["file"]), "peer": Path(peer[(r["graph"], r["view"])]["file"])}
        for r in rows
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return settle_in_turn(browser, files, loads)
        finally:
            browser.close()


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


if __name__ == "__main__":
    main()
