"""etiograph: a causal knowledge graph with a query layer.

See and query why one health condition leads to another, every edge traceable to the
sentence that claims it. The public API is small on purpose:

>>> from etiograph import KnowledgeGraph
>>> kg = KnowledgeGraph.load()
>>> kg.resolve("UTI").label
'urinary tract infection'
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "Concept",
    "DataError",
    "EtiographError",
    "Evidence",
    "Explanation",
    "Hop",
    "KnowledgeGraph",
    "Path",
    "PathsResult",
    "QueryError",
    "Reach",
    "ReachResult",
    "UnknownConceptError",
    "__version__",
]

from typing import TYPE_CHECKING

from .errors import DataError, EtiographError, QueryError, UnknownConceptError

if TYPE_CHECKING:
    from .concepts import Concept
    from .graph import Explanation, KnowledgeGraph, Reach, ReachResult
    from .paths import Evidence, Hop, Path, PathsResult

#: Where each public name lives; imported on first use (PEP 562), so ``etiograph --help`` does not
#: load pyoxigraph and the query layer (~0.1 s) it never uses.
_LAZY = {
    "Concept": "concepts",
    "Explanation": "graph",
    "KnowledgeGraph": "graph",
    "Reach": "graph",
    "ReachResult": "graph",
    "Evidence": "paths",
    "Hop": "paths",
    "Path": "paths",
    "PathsResult": "paths",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
