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

from .concepts import Concept
from .errors import DataError, EtiographError, QueryError, UnknownConceptError
from .graph import Explanation, KnowledgeGraph, Reach, ReachResult
from .paths import Evidence, Hop, Path, PathsResult
