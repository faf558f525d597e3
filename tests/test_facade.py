"""KnowledgeGraph is the one door to a store: outside ``graph.py`` and ``backends/``, nothing reaches
through it to ``kg.backend`` (the store) or ``kg.edges``/``kg.edge_reader`` (the SPARQL edge reader).

A renderer that queries the store itself fixes which engine, which index and which SPARQL it
depends on; through the facade's methods (``query``, ``scheme``, ``edge_evidence``, ``labels``,
``section_info`` …) those stay the graph's business. The package names a KnowledgeGraph ``kg``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "etiograph"
REACH_THROUGH = re.compile(r"\bkg\.(backend|edges|edge_reader)\b")
#: Outside graph.py and backends/, nothing holds a store itself: it asks a KnowledgeGraph.
HOLDS_A_STORE = re.compile(r"\.backend\b|(?<!args)\.store\b|\bopen_backend\(")

#: Files allowed to reach through: the facade itself (backends/ is what it reaches).
ALLOWED = {"graph.py"}


def reaching_through() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in ALLOWED or name.startswith("backends/"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        hits = [f"{name}:{number}: {line.strip()}" for number, line in enumerate(lines, 1) if REACH_THROUGH.search(line)]
        if hits:
            found[name] = hits
    return found


def test_nothing_reaches_past_the_knowledge_graph():
    stray = reaching_through()
    assert not stray, "use a KnowledgeGraph method instead:\n" + "\n".join(h for hits in stray.values() for h in hits)


def test_the_server_goes_through_the_knowledge_graph_too():
    """The query worker and the service description ask a KnowledgeGraph; the zygote only passes it on."""
    for name in ("server/worker.py", "server/zygote.py", "server/description.py"):
        text = (PACKAGE / name).read_text(encoding="utf-8")
        stray = [line.strip() for line in text.splitlines() if HOLDS_A_STORE.search(line) and "open_backend(descriptor" not in line]
        assert not stray, f"{name}: " + "; ".join(stray)


def test_the_server_answers_through_the_facade(kg):
    from etiograph.server.worker import Engine, answer

    engine = Engine([], None)
    engine.graph = kg  # the bundled graph, already loaded
    request = {"select_format": "json", "graph_format": "nt", "max_rows": 2, "max_bytes": 1 << 20}
    cut = answer(engine, {**request, "query": "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }"})
    assert cut.status == 200 and cut.headers["Etiograph-Truncated"].startswith("true")
    assert len(json.loads(cut.body)["results"]["bindings"]) == 2
    # as an endpoint: the text runs as given, so an undeclared prefix is a syntax error with its position
    refused = answer(engine, {**request, "query": "SELECT ?s WHERE { ?s a skos:Concept }"})
    assert refused.status == 400 and b"line 1" in refused.body and b"^" in refused.body


def test_the_pattern_sees_what_it_must():
    assert REACH_THROUGH.search("rows = self.kg.backend.query(text)")
    assert REACH_THROUGH.search("kg.edges.scheme('mechanisms')")
    assert not REACH_THROUGH.search("links = data.edges + net.edges")


def test_section_info_reads_titles_and_documents(kg):
    evidence = [e for p in kg.paths("UTI", "leg cramps", max_hops=4).paths for h in p.hops for e in h.evidence]
    sections = {e.section for e in evidence if e.section}
    titles, documents = kg.section_info(sections)
    assert sections and set(titles) == sections and set(documents) == sections
    assert all(title.strip() for title in titles.values())
    assert documents == {s: d for s, d in kg.section_documents().items() if s in sections}
    assert kg.section_info([]) == ({}, {})
