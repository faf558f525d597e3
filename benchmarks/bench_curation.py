"""Curation at work: how long `build` and `check` take, on the bundled source and on a synthetic
sheet of 10,000 rows, and how much of a curated sheet `draft` finds (recall) on two articles.

    python benchmarks/bench_curation.py                 # bundled source, 10k-row sheet, draft figures
    python benchmarks/bench_curation.py --rows 2000     # a smaller synthetic sheet

Peers, timed in the same run on the same output: parsing the generated claims.ttl with rdflib and
with pyoxigraph (what any tool reading the graph pays), so `build` is read as "compiling the sheets
costs k times reading the result". Target: 10k rows built in < 10 s on the project's 2-core machine.
The synthetic sheet is seeded: concepts c0…, one article sentence per row ("Sentence 17: c3 can cause
c41."), predicates, hedges and mechanisms cycled; written to /tmp/etiograph-bench-curation/.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from etiograph import resources
from etiograph.curation.build import compile_outputs
from etiograph.curation.checks import run_checks
from etiograph.curation.draft import draft, pair_recall
from etiograph.curation.locate import read_text
from etiograph.curation.sheets import CLAIM_COLUMNS, CONCEPT_COLUMNS, read_claims, read_concepts, tsv_text

OUT = Path("/tmp/etiograph-bench-curation")
GRAPH = resources.data_root() / "graph"
ARTICLE = resources.article_file()
FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "sources" / "dehydration-headaches-fixture"

PREDICATES = [("causes", "can cause"), ("contributesTo", "contributes to"), ("increasesRiskOf", "may increase the risk of"),
              ("prevents", "prevents"), ("alleviates", "often relieves"), ("exacerbates", "sometimes worsens")]
MECHANISMS = ["inflammation", "electrolytes", "medication", "kidney", "lifestyle"]


def timed(work: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(rows: int, seed: int = 7) -> Path:
    """A sheet root with ``rows`` claim rows, ``rows // 20`` concepts and the article they quote."""
    rng = random.Random(seed)
    root = OUT / f"rows-{rows}"
    shutil.rmtree(root, ignore_errors=True)
    folder = root / "sources" / "synthetic"
    folder.mkdir(parents=True)
    n = max(rows // 20, 10)
    concepts = [{"id": f"c{i}", "prefLabel": f"concept {i}", "altLabels": f"c{i} alias", "kind": "PhysiologicalState",
                 "definition": f"Synthetic concept {i}."} for i in range(n)]
    (root / "concepts.tsv").write_text(tsv_text(CONCEPT_COLUMNS, concepts), encoding="utf-8")
    lines, claims = [], []
    for r in range(rows):
        s, o = rng.sample(range(n), 2)
        name, words = PREDICATES[r % len(PREDICATES)]
        sentence = f"Sentence {r}: concept {s} {words} concept {o}."
        lines.append(sentence)
        claims.append({"subject": f"c{s}", "predicate": name, "object": f"concept {o}", "certainty": "",
                       "mechanism": MECHANISMS[(s * 31 + o + r % len(PREDICATES)) % len(MECHANISMS)], "quote": sentence})
    (folder / "article.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "claims.tsv").write_text(tsv_text(CLAIM_COLUMNS, claims), encoding="utf-8")
    (folder / "source.yaml").write_text("title: Synthetic benchmark source (generated)\ntext: article.txt\n", encoding="utf-8")
    return root


def peers(claims_ttl: Path) -> tuple[float, float]:
    import pyoxigraph as ox
    import rdflib

    def with_rdflib() -> None:
        rdflib.Graph().parse(str(claims_ttl), format="turtle")

    def with_oxigraph() -> None:
        for _ in ox.parse(path=str(claims_ttl), format=ox.RdfFormat.TURTLE):
            pass

    return timed(with_rdflib, 1), timed(with_oxigraph)


def bench_build(label: str, root: Path, repeat: int) -> list[str]:
    out = OUT / f"out-{label}"
    out.mkdir(parents=True, exist_ok=True)
    result = compile_outputs([root], out, spine=False)
    for path, data in result.outputs.items():
        target = out / path.name if path.parent == out else out / ("offsets-" + path.name)
        target.write_bytes(data)
    rows = sum(len(s.rows) for s in result.compiled.workspace.sources)
    build_s = timed(lambda: compile_outputs([root], out, spine=False), repeat)
    check_s = timed(lambda: run_checks([root]), 1)
    rdflib_s, ox_s = peers(out / "claims.ttl")
    size = (out / "claims.ttl").stat().st_size / 1e6
    return [f"{label:<26} {rows:>7,} {len(result.compiled.claims):>7,} {size:>6.1f} {build_s:>8.2f} {check_s:>8.2f}"
            f" {rdflib_s:>8.2f} {ox_s:>8.3f} {build_s / rdflib_s:>9.2f} {build_s / ox_s:>8.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000, help="rows of the synthetic sheet (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    print("build and check (seconds; build = compile sheets to Turtle in memory, median; peers parse the built claims.ttl)")
    print(f"{'sheet':<26} {'rows':>7} {'claims':>7} {'MB':>6} {'build':>8} {'check':>8} {'rdflib':>8} {'pyoxi':>8} {'b/rdflib':>9} {'b/pyoxi':>8}")
    if ARTICLE is None:
        print("(bundled source: its text is not at hand, offsets come from offsets.tsv)")
    lines = bench_build("bundled article", GRAPH, args.repeat)
    lines += bench_build(f"synthetic {args.rows:,} rows", synthetic(args.rows), args.repeat)
    print("\n".join(lines))

    print("\ndraft: subject-object pairs of the drafted rows against the curated sheet")
    print(f"{'article':<34} {'rows':>6} {'drafted':>8} {'curated':>8} {'found':>6} {'recall':>7} {'precision':>10} {'seconds':>8}")
    cases = [("fixture (dehydration, headaches)", FIXTURE / "article.txt", FIXTURE / "claims.tsv",
              [GRAPH / "concepts.tsv", FIXTURE / "concepts.tsv"])]
    if ARTICLE is not None:
        cases.insert(0, ("bundled (UTI, leg cramps)", ARTICLE, GRAPH / "sources" / "can-a-uti-cause-leg-cramps" / "claims.tsv",
                         [GRAPH / "concepts.tsv"]))
    for label, article, sheet, concept_files in cases:
        concepts = [c for f in concept_files for c in read_concepts(f)]
        text = read_text(article)
        start = time.perf_counter()
        rows = draft(text, concepts)
        seconds = time.perf_counter() - start
        score = pair_recall(rows, [(r.subject, r.object) for r in read_claims(sheet)])
        print(f"{label:<34} {len(rows):>6} {score.drafted:>8} {score.curated:>8} {score.found:>6} {score.recall:>7.0%} {score.precision:>10.0%} {seconds:>8.2f}")
    print("\nNote: the bundled article's concept labels were curated from that article, which flatters its recall;"
          " the fixture's sheet was written independently of the drafter.")


if __name__ == "__main__":
    main()
