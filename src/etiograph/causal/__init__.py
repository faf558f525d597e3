"""The causal layer: what follows from the spine of causal relations, apart from any face.

:mod:`.model` holds the answers (Evidence, Hop, CausalPath, PathsResult, Reach, Explanation);
:mod:`.concepts` resolves names to concepts; :mod:`.source` reads causal edges by SPARQL from any
backend; :mod:`.index` is the compact integer index (with :mod:`.evidence`, :mod:`.labels`,
:mod:`.strings`, :mod:`.lookup`, :mod:`.store`, :mod:`.spine`) that answers the same questions
without SPARQL on pyoxigraph stores; :mod:`.search` enumerates paths; :mod:`.analysis` scores
mediators; :mod:`.reachability` says why no path was found.

Internal: users reach all of this through :class:`etiograph.KnowledgeGraph` and the names in
``etiograph.__all__``; the modules here may move between releases (old paths warn for one release).
The names below load on first use (PEP 562), so importing one engine module does not pull the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

__all__ = [
    "CausalPath",
    "Concept",
    "ConceptResolver",
    "Evidence",
    "Explanation",
    "Hop",
    "Mediator",
    "NoPath",
    "PathsResult",
    "Reach",
    "ReachResult",
    "SparqlEdgeReader",
    "Step",
    "why_no_path",
]

if TYPE_CHECKING:
    from .concepts import Concept, ConceptResolver
    from .model import CausalPath, Evidence, Explanation, Hop, Mediator, PathsResult, Reach, ReachResult, Step
    from .reachability import NoPath, why_no_path
    from .source import SparqlEdgeReader

__getattr__, __dir__ = exports(
    __name__,
    {
        **dict.fromkeys(__all__, "model"),
        "Concept": "concepts",
        "ConceptResolver": "concepts",
        "NoPath": "reachability",
        "why_no_path": "reachability",
        "SparqlEdgeReader": "source",
    },
)
