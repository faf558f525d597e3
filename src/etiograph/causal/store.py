"""Which causal index serves a backend: built once per pyoxigraph store, saved with a persistent one.

Only pyoxigraph stores get an index: its pattern lookups make building it and reading evidence
cheap. rdflib and remote endpoints keep the SPARQL path (an endpoint's data is not ours to copy).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from ..backends import Backend
from ..vocab import CAUSES_OR_CONTRIBUTES_TO, COUNTERACTS
from .index import INDEX_FILE, CausalIndex, load_or_build
from .lookup import StoreLookup
from .source import SparqlEdgeReader

#: The spine's two super-properties: every causal predicate is under the first, every counteracting one
#: under the second (``CausalIndex.from_store`` reads only these where the store holds the spine).
_TOPS = (CAUSES_OR_CONTRIBUTES_TO, COUNTERACTS)

#: One index per open backend, shared by every KnowledgeGraph over it, with the load generation it reflects.
_BUILT: weakref.WeakKeyDictionary[object, tuple[int, CausalIndex]] = weakref.WeakKeyDictionary()


def store_key(backend: object) -> str | None:
    """What a saved index must match: the persistent store's file fingerprint (None in memory)."""
    from ..backends import oxigraph_backend as ob

    if getattr(backend, "path", None) is None:
        return None
    held = list(backend.store.quads_for_pattern(None, ob._MANIFEST_PREDICATE, None, ob._MANIFEST_GRAPH))
    return held[0].object.value if held else None


def index_for(backend: Backend, edges: SparqlEdgeReader) -> tuple[CausalIndex, StoreLookup] | None:
    """The causal index of ``backend`` and pattern lookups on it, or None for non-pyoxigraph backends."""
    from ..backends.oxigraph_backend import OxigraphBackend

    if not isinstance(backend, OxigraphBackend):
        return None
    generation, index = _BUILT.get(backend, (None, None))
    if generation != backend.generation:
        index = None  # the store was loaded into since: a saved index is checked by its key below
    causal = edges.causal_predicates()
    counteracting = edges.predicates(COUNTERACTS)
    if index is None:
        key = store_key(backend)
        folder: Path | None = backend.path
        # No evidence table by default: it costs about as much to build as the store took to load.
        # Answers read their hops' evidence from the store once and keep it (causal/memo.py).
        index = load_or_build(
            folder / INDEX_FILE if folder is not None and key is not None else None,
            key,
            lambda: CausalIndex.from_store(
                backend.store, causal, counteracting, on_disk=folder is not None, tops=_TOPS
            ),
        )
        if index.predicates != {"causal": sorted(causal), "counteracting": sorted(counteracting)}:
            index = CausalIndex.from_store(backend.store, causal, counteracting, on_disk=folder is not None)
        _BUILT[backend] = (backend.generation, index)
    return index, StoreLookup(backend.store, edges)


def use_index(backend: Backend, index: CausalIndex) -> None:
    """Serve ``backend`` from an index built elsewhere (e.g. with the evidence table in memory)."""
    _BUILT[backend] = (backend.generation, index)  # type: ignore[attr-defined]
