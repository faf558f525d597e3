"""etiograph: a causal knowledge graph with a query layer.

See and query why one health condition leads to another, every edge traceable to the
sentence that claims it. The public API is small on purpose; a tour of its types:

>>> from etiograph import KnowledgeGraph
>>> kg = KnowledgeGraph.load()                      # the bundled graph, pyoxigraph in memory
>>> kg.resolve("UTI").label                          # a Concept
'urinary tract infection'

``paths`` answers a PathsResult: CausalPaths made of Hops, each Hop backed by Evidence (claims with
their certainty, mechanisms and verbatim quotes), plus the Mediators (hubs) between the ends.

>>> result = kg.paths("UTI", "leg cramps", max_hops=3)
>>> path = result.paths[0]                      # the best CausalPath: shortest, then firmest weakest link
>>> path.labels[0], path.labels[-1], path.length <= 3, result.total >= len(result.paths)
('urinary tract infection', 'leg cramps', True, True)
>>> hop = path.hops[0]                          # a Hop: two concepts and the relation, in words too
>>> hop.subject_label, hop.predicate.startswith("https://w3id.org/etiograph/ontology#"), bool(hop.predicate_label)
('urinary tract infection', True, True)
>>> evidence = hop.best                         # the Evidence it stands on: claim, certainty, quotes
>>> evidence.claim.startswith("https://w3id.org/etiograph/kg/claim/"), len(evidence.quotes) > 0
(True, True)
>>> hub = result.mediators()[0]                 # the Mediator the most paths pass through
>>> 0 < hub.share <= 1, hub.paths_through <= result.total
(True, True)

``upstream``/``downstream`` answer a ReachResult of Reach entries; ``explain`` an Explanation
whose causes are Steps (a hop and what counters its cause); ``run_named``/``query`` a
SelectResult whose ``records()`` are plain Python values; an empty answer says why (NoPath).

>>> kg.upstream("leg cramps").reached[0].distance
1
>>> any(step.counteracted_by for step in kg.explain("dehydration").causes)
True
>>> sorted(row["infectionLabel"] for row in kg.run_named("infection-comparison").records())
['cystitis', 'pyelonephritis']
>>> from etiograph import why_no_path
>>> "muscle spasms" in why_no_path(kg, kg.paths("fluoroquinolones", "leg cramps")).source_reaches
True

Text for people: ``etiograph.render`` (``paths_text``, ``explain_text``, ``reach_text``).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "AskResult",
    "CausalPath",
    "Concept",
    "DataError",
    "EtiographError",
    "Evidence",
    "Explanation",
    "GraphResult",
    "Hop",
    "KnowledgeGraph",
    "Mediator",
    "NoPath",
    "PathsResult",
    "QueryError",
    "Reach",
    "ReachResult",
    "SelectResult",
    "Step",
    "UnknownConceptError",
    "__version__",
    "why_no_path",
]


from ._lazy import exports
from .errors import DataError, EtiographError, QueryError, UnknownConceptError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .backends import AskResult, GraphResult, SelectResult
    from .causal.concepts import Concept
    from .causal.model import CausalPath, Evidence, Explanation, Hop, Mediator, PathsResult, Reach, ReachResult, Step
    from .causal.reachability import NoPath, why_no_path
    from .graph import KnowledgeGraph

#: Where each public name lives; imported on first use (PEP 562), so ``etiograph --help`` does not
#: load pyoxigraph and the query layer (~0.1 s) it never uses.
_LAZY = {
    "AskResult": "backends",
    "GraphResult": "backends",
    "SelectResult": "backends",
    "Step": "causal.model",
    "Mediator": "causal.model",
    "NoPath": "causal.reachability",
    "why_no_path": "causal.reachability",
    "Concept": "causal.concepts",
    "Explanation": "causal.model",
    "KnowledgeGraph": "graph",
    "Reach": "causal.model",
    "ReachResult": "causal.model",
    "Evidence": "causal.model",
    "Hop": "causal.model",
    "PathsResult": "causal.model",
    "CausalPath": "causal.model",
}
#: Old names kept for one release (0.1.x): each warns and gives its replacement. ``Path`` shadowed
#: ``pathlib.Path`` in ``from etiograph import *`` and in readers' heads; it goes in 0.2.
_DEPRECATED = {"Path": "CausalPath"}

_lazy_attribute, __dir__ = exports(__name__, _LAZY)


def __getattr__(name: str) -> object:
    if name in _DEPRECATED:
        from .errors import warn_deprecated

        new = _DEPRECATED[name]
        warn_deprecated(
            f"etiograph.{name} is deprecated (it shadows pathlib.{name}): use etiograph.{new}; "
            f"the old name goes in etiograph 0.2"
        )
        return _lazy_attribute(new)  # the old name is not kept in the namespace, so every use warns
    return _lazy_attribute(name)
