"""Shared fixtures: the bundled graph loaded once per session, in each form the tests need.

Heavy libraries (rdflib above all) are imported inside the fixtures that need them, so the fast
lane (``-m "not slow and not browser and not external"``) does not pay for them at collection.
"""

from __future__ import annotations

import ast
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import data
import pytest

from etiograph import KnowledgeGraph

if TYPE_CHECKING:
    import rdflib


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
    from etiograph.datafiles import graph_sources
    from etiograph.export import serialize

    return serialize(graph_sources(), "nt")


@pytest.fixture(scope="session")
def rdf_graph(nt_export: bytes) -> rdflib.Graph:
    """The export parsed by rdflib: an oracle independent of the query layer."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=nt_export, format="nt")
    return graph


def subproperties(graph: rdflib.Graph, top: str) -> frozenset[str]:
    """``top`` and every property below it, by rdflib's own transitive closure."""
    import rdflib

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
    from etiograph.validation.quotes import normalise_whitespace

    return normalise_whitespace(data.ARTICLE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> Callable[[Sequence[str]], CliResult]:
    """Run ``etiograph ARGS`` in this process; returns exit code, stdout and stderr.

    A command on the bundled graph (no --data/--store/--endpoint) gets the session's already loaded
    graph instead of parsing the same files again (~30 ms a command, the fast lane's largest single
    cost); everything else loads as usual. Loading itself is covered by the tests that run the
    installed command in a fresh process (test_cli.py's slow agreement tests, test_cli_outputs.py).
    """
    from etiograph.cli import main

    load = KnowledgeGraph.load.__func__

    def load_or_reuse(cls, data=None, store=None, endpoint=None):
        if not data and store is None and endpoint is None:
            return kg
        return load(cls, data, store, endpoint)

    monkeypatch.setattr(KnowledgeGraph, "load", classmethod(load_or_reuse))

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
    """In CI: following the README must run every cross-backend test (a skip there fails the run), and
    the run must leave the checkout as it found it."""
    import shutil
    import sys

    if os.environ.get("ETIOGRAPH_CI") != "1":
        return
    here = str(Path(sys.executable).parent)
    if _skipped and (shutil.which("oxigraph") or shutil.which("oxigraph", path=here)):
        print(
            f"\nci: {len(_skipped)} cross-backend/README tests skipped although oxigraph is installed:", file=sys.stderr
        )
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}", file=sys.stderr)
        session.exitstatus = 1
    after = _checkout_state()
    if _checkout_before is not None and after is not None and after - _checkout_before:
        print("\nci: the tests wrote into the checkout (git status):", file=sys.stderr)
        for line in sorted(after - _checkout_before)[:20]:
            print(f"  {line}", file=sys.stderr)
        session.exitstatus = 1


# -- test lanes: `pytest -m "not slow and not browser and not external"` is the edit-run loop ------------
# Each test file says its own lane: a module `pytestmark` when every test in it belongs there, a
# decorator on a single test otherwise. `slow`: ~0.3 s of CPU or more, rdflib, a store on disk,
# hundreds of hypothesis examples, a fresh interpreter; `external`: a server subprocess, a triple
# store, a notebook kernel; `browser`: headless Chromium.

#: Session fixtures that load the graph into rdflib (seconds, once): a test that uses one, even through
#: another fixture, must be marked `slow` (rdflib is the oracle and the reference backend, checked in
#: the full run). Collection stops with the list of those that are not.
RDFLIB_FIXTURES = frozenset({"rdflib_kg", "rdflib_timed", "rdf_graph"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if RDFLIB_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        listed = "\n  ".join(unmarked[:20])
        raise pytest.UsageError(f"tests that load rdflib must be marked slow:\n  {listed}")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Do not even import a test file whose module marks put all its tests outside ``-m``.

    Importing the deselected files (rdflib, networkx, playwright, nbclient, assertion rewriting)
    was a third of the fast lane's collection time; the selection is the same either way.
    """
    expression = config.option.markexpr
    if not expression or not (collection_path.name.startswith("test_") and collection_path.suffix == ".py"):
        return None
    return True if deselects_all(expression, module_marks(collection_path)) else None


def module_marks(path: Path) -> frozenset[str]:
    """The marker names of a test file's module-level ``pytestmark``, read from its source."""
    text = path.read_text(encoding="utf-8")
    if "pytestmark" not in text:
        return frozenset()
    names = set()
    for node in ast.parse(text, str(path)).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets) and node.value is not None:
            names |= {
                inner.attr
                for inner in ast.walk(node.value)
                if isinstance(inner, ast.Attribute) and ast.unparse(inner.value) in ("pytest.mark", "mark")
            }
    return frozenset(names)


def deselects_all(expression: str, marks: frozenset[str]) -> bool:
    """Whether ``-m expression`` deselects every test that carries at least ``marks``.

    Tests can only add markers to their module's, so every combination of the expression's other
    names is tried. Anything unexpected (keyword arguments, a pytest without this parser) collects.
    """
    try:
        from _pytest.mark.expression import Expression  # what `-m` itself evaluates with

        compiled = Expression.compile(expression)
        others = sorted(set(compiled.idents()) - marks)
        if len(others) > 10:
            return False

        for bits in range(2 ** len(others)):
            if compiled.evaluate(_has_marks(marks | {name for i, name in enumerate(others) if bits >> i & 1})):
                return False
    except Exception:
        return False
    return True


def _has_marks(present: frozenset[str]) -> Callable[..., bool]:
    def matcher(name: str, /, **kwargs: object) -> bool:
        if kwargs:
            raise ValueError("keyword arguments in -m")
        return name in present

    return matcher


# -- no test writes into the checkout ---------------------------------------------------------------
# Hypothesis keeps its example database in ./.hypothesis by default: put it beside the user's caches.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY",
    str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "etiograph" / "hypothesis"),
)

#: What a run may leave in the checkout: the interpreter's and tools' own caches.
TOOL_CACHES = re.compile(r"(^|/)(__pycache__|\.pytest_cache|\.ruff_cache|\.venv)/")
_checkout_before: set[str] | None = None


def _checkout_state() -> set[str] | None:
    """``git status`` of the checkout, untracked and ignored files too (None outside a git checkout)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--ignored"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {line for line in done.stdout.splitlines() if not TOOL_CACHES.search(line[3:])}


def pytest_sessionstart(session: pytest.Session) -> None:
    global _checkout_before
    if os.environ.get("ETIOGRAPH_CI") == "1":
        _checkout_before = _checkout_state()


# -- garbage collection ------------------------------------------------------------------------------
# Collection imports every library and test module the run needs and parses the doctests: ~125,000
# long-lived objects that each full garbage collection then walks again, for nothing (~1 s a run).
# The collector pauses while they are loaded and ignores them afterwards (gc.freeze); whatever the
# tests create is collected as usual.
@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    import gc

    gc.disable()


def pytest_collection_finish(session: pytest.Session) -> None:
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)  # the tests allocate in bursts (parsed pages, query rows): collect less often
    gc.enable()
