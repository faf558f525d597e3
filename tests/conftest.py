"""Shared fixtures: the bundled graph loaded once per session, in each form the tests need."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import data
import pytest
import rdflib

from etiograph import KnowledgeGraph
from etiograph.cli import main
from etiograph.datafiles import graph_sources
from etiograph.export import serialize
from etiograph.quotes import normalise_whitespace


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The bundled graph in pyoxigraph, in memory: the default store."""
    return KnowledgeGraph.load()


@dataclass(frozen=True)
class TimedGraph:
    kg: KnowledgeGraph
    #: Seconds the first ontology lookup (causal sub-properties) took on this backend.
    predicates_seconds: float


@pytest.fixture(scope="session")
def rdflib_timed() -> TimedGraph:
    graph = KnowledgeGraph.load(store="rdflib")
    start = time.perf_counter()
    graph.causal_predicates()
    return TimedGraph(graph, time.perf_counter() - start)


@pytest.fixture(scope="session")
def rdflib_kg(rdflib_timed: TimedGraph) -> KnowledgeGraph:
    """The bundled graph in rdflib (slow: share it, and keep its tests few)."""
    return rdflib_timed.kg


@pytest.fixture(scope="session")
def nt_export() -> bytes:
    """Ontology and graph as one N-Triples document, as ``etiograph export --format nt`` writes it."""
    return serialize(graph_sources(), "nt")


@pytest.fixture(scope="session")
def rdf_graph(nt_export: bytes) -> rdflib.Graph:
    """The export parsed by rdflib: an oracle independent of the query layer."""
    graph = rdflib.Graph()
    graph.parse(data=nt_export, format="nt")
    return graph


def subproperties(graph: rdflib.Graph, top: str) -> frozenset[str]:
    """``top`` and every property below it, by rdflib's own transitive closure."""
    return frozenset(str(p) for p in graph.transitive_subjects(rdflib.RDFS.subPropertyOf, rdflib.URIRef(top)))


@pytest.fixture(scope="session")
def causal_predicates(rdf_graph: rdflib.Graph) -> frozenset[str]:
    return subproperties(rdf_graph, data.CAUSES_OR_CONTRIBUTES_TO)


@pytest.fixture(scope="session")
def counteracting_predicates(rdf_graph: rdflib.Graph) -> frozenset[str]:
    return subproperties(rdf_graph, data.COUNTERACTS)


@pytest.fixture(scope="session")
def article_text() -> str:
    """The source article with whitespace normalised, or skip: it lives beside the checkout."""
    if not data.ARTICLE.is_file():
        reason = f"the article {data.ARTICLE} is not beside this checkout"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    return normalise_whitespace(data.ARTICLE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[[Sequence[str]], CliResult]:
    """Run ``etiograph ARGS`` in this process; returns exit code, stdout and stderr."""

    def run(args: Sequence[str]) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# -- production triple stores (tests/engines.py): Virtuoso, shared by the backend suite and publish --


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, nt_export: bytes):
    """A private Virtuoso (Debian virtuoso-opensource) on free ports of 127.0.0.1:18310-18329 holding the export."""
    from engines import virtuoso_fixture

    yield from virtuoso_fixture(tmp_path_factory, nt_export)


# -- CI: the cross-backend and README suites must not skip where their tools are installed ------------------
#: Test files whose skips fail a CI run (``ETIOGRAPH_CI=1``, set by .ci/run) when the tools they need are here.
NO_SKIP_FILES = ("test_backends.py", "test_readme.py")
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skips of the README suite, and of the cross-backend suite for want of the oxigraph server
    (other stores, like Virtuoso, may be absent)."""
    if not report.skipped or not report.nodeid.split("::")[0].endswith(NO_SKIP_FILES):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if "test_readme.py" in report.nodeid or "oxigraph" in reason.lower():
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Following the README must run every cross-backend test: a skip there is a CI failure."""
    import os
    import shutil
    import sys
    from pathlib import Path

    if os.environ.get("ETIOGRAPH_CI") != "1" or not _skipped:
        return
    here = str(Path(sys.executable).parent)
    if shutil.which("oxigraph") or shutil.which("oxigraph", path=here):
        print(
            f"\nci: {len(_skipped)} cross-backend/README tests skipped although oxigraph is installed:", file=sys.stderr
        )
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}", file=sys.stderr)
        session.exitstatus = 1


# -- test lanes: `pytest -m "not slow and not browser and not external"` is the edit-run loop ------------
#: Lane markers for tests in files other helpers are reshaping now (issue 16), so their files stay
#: untouched: file name -> (part of the test's name or id, markers). Files not listed here carry their own
#: `pytestmark` or decorators. The split follows CPU seconds measured per test on 2026-11-30 (a shared
#: 2-core machine): `slow` above ~0.3 s, a store on disk, rdflib, or hundreds of hypothesis examples;
#: `external` for server or long subprocesses. Move each entry into its file when that file is free.
LANES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "test_backends.py": (
        ("[rdflib", ("slow",)),  # rdflib answers in seconds what pyoxigraph does in milliseconds
        ("persistent", ("slow",)),  # a store on disk: opened, reloaded, fingerprinted
        ("test_paths_as_turtle_same_on_every_backend", ("slow",)),  # ~2.5 s CPU each
        ("test_rdflib_ontology_lookup", ("slow",)),
    ),
    # byte-identical exports: fresh interpreters per format, rapper/serdi, rdflib isomorphism (41 s for one)
    "test_export.py": (("", ("slow",)),),
    "test_export_random.py": (("", ("slow",)),),  # hypothesis over random graphs
    "test_export_formats.py": (
        ("test_an_export_imports_nothing_heavy", ("slow",)),  # a fresh interpreter
        ("test_the_format_follows_the_output_extension", ("slow",)),  # a whole export per format
    ),
    # the exporters' suites each build whole exports (KGX + Biolink schema, nanopublications, GraphML,
    # Cytoscape, CX2, JSON-LD): ~1-2 s of CPU apiece; run them by name when you touch export/
    "test_export_jsonld.py": (("", ("slow",)),),
    "test_export_kgx.py": (("", ("slow",)),),
    "test_export_nanopub.py": (("", ("slow",)),),
    "test_export_networks.py": (("", ("slow",)),),
    "test_index.py": (  # index against SPARQL and networkx on random and synthetic graphs
        ("test_random_graphs_", ("slow",)),
        ("test_rdflib_", ("slow",)),
        ("equal_networkx", ("slow",)),
        ("test_synthetic_", ("slow",)),
        ("test_reach_limit_cuts_after_limit_plus_one", ("slow",)),
        ("test_article_", ("slow",)),  # the bundled graph's index against SPARQL, concept by concept
        ("test_saved_index_reads_back_identical", ("slow",)),
        ("test_betweenness_", ("slow",)),
    ),
    "test_server_protocol.py": (
        ("test_statistics_come_from_the_loaded_store_and_survive_the_pipe", ("slow", "external")),  # a subprocess
    ),
    "test_server_gate.py": (
        ("test_whatever_the_gate_lets_through_does_not_federate", ("slow",)),  # 400 hypothesis examples
        ("test_the_quick_path_agrees_with_the_full_scan", ("slow",)),  # 500 examples
    ),
}


#: Session fixtures that load the graph into rdflib (seconds, once): a test that uses one is `slow`,
#: wherever it lives (rdflib is the oracle and the reference backend, checked in the full run).
RDFLIB_FIXTURES = frozenset({"rdflib_kg", "rdflib_timed", "rdf_graph"})


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if RDFLIB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")
        for part, markers in LANES.get(item.path.name, ()):
            if part in item.name:
                for marker in markers:
                    item.add_marker(marker)
