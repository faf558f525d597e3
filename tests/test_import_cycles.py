"""No import cycles among etiograph's modules, read from the source (AST), not by importing it.

A cycle is two modules that each need the other: neither can be understood, tested or moved alone,
and a lazy import inside a function is how one usually hides (``graph`` ran named queries, and
``named_queries`` called back into the graph to bind their parameters). So every import counts:
module level, under ``TYPE_CHECKING`` and inside functions. An import of one's own package
(``from .. import __version__``) is not an edge here, since Python has loaded that package before
the module; the module-level check below keeps such packages from importing their own modules back
at import time.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"

@cache
def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package)."""
    out = {}
    for path in sorted((SOURCE / "etiograph").rglob("*.py")):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def _targets(node: ast.Import | ast.ImportFrom, name: str, package: bool, known: dict) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = name.split(".") if package else name.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
    else:
        base = []
    origin = ".".join(base + ([node.module] if node.module else []))
    # `from pkg import sub` names the module pkg.sub; `from pkg import name` needs pkg
    return {f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin for alias in node.names}


@cache
def imports(eager_only: bool) -> dict[str, frozenset[str]]:
    """Module -> the etiograph modules it imports (all of them, or only those run at import time)."""
    known = modules()
    graph = {}
    for name, (path, package) in known.items():
        found = {t for node in _statements(path)[eager_only] for t in _targets(node, name, package, known)}
        graph[name] = frozenset(target for target in found if target in known and target != name)
    return graph


@cache
def _statements(path: Path) -> tuple[tuple[ast.Import | ast.ImportFrom, ...], tuple[ast.Import | ast.ImportFrom, ...]]:
    """A module's import statements: (all of them, those that run at import time). Only these are kept:
    the whole parsed package, held for the session, made every later full garbage collection slow."""
    body = ast.parse(path.read_text(encoding="utf-8"), str(path)).body
    return tuple(_import_nodes(body, True, False)), tuple(_import_nodes(body, True, True))


def _import_nodes(body: list[ast.stmt], at_import: bool, eager_only: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of a block; with ``eager_only``, only those that run when the module is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if at_import or not eager_only:
                yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_nodes(node.body, False, eager_only)
            yield from _import_nodes(node.orelse, at_import, eager_only)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for field in ("body", "orelse", "finalbody"):
                yield from _import_nodes(getattr(node, field, []), at_import, eager_only)
            for handler in getattr(node, "handlers", []):
                yield from _import_nodes(handler.body, at_import, eager_only)
        elif not eager_only:  # functions, classes, loops: what is nested runs later, if at all
            yield from (inner for inner in ast.walk(node) if isinstance(inner, ast.Import | ast.ImportFrom))


def is_ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def cycle_in(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def test_the_checker_sees_lazy_and_type_only_imports():
    graph = imports(eager_only=False)
    assert "etiograph.graph" in graph["etiograph.causal.reachability"]  # under TYPE_CHECKING
    assert "etiograph.sparql.named" in graph["etiograph.graph"]  # inside run_named
    assert "etiograph.sparql.named" not in imports(eager_only=True)["etiograph.graph"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None


def test_no_import_cycle_among_etiograph_modules():
    graph = {
        module: {t for t in targets if not is_ancestor(t, module)}
        for module, targets in imports(eager_only=False).items()
    }
    cycle = cycle_in(graph)
    assert cycle is None, "import cycle: " + " -> ".join(reversed(cycle))


def test_no_cycle_at_import_time_even_through_packages():
    """At import time a package that imports its own module back would half-initialise one of them."""
    cycle = cycle_in(imports(eager_only=True))
    assert cycle is None, "import cycle at import time: " + " -> ".join(reversed(cycle))


def test_named_queries_binds_parameters_without_the_graph():
    assert not {"etiograph.graph", "etiograph"} & imports(eager_only=False)["etiograph.sparql.named"]
