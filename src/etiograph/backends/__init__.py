"""Stores behind one contract, chosen by a descriptor string.

``oxigraph`` / ``memory`` (default, in memory), ``oxigraph:PATH`` (persistent), ``rdflib``,
or an ``http(s)://`` SPARQL endpoint URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import EtiographError
from .base import AskResult, Backend, GraphResult, QueryResult, SelectResult, Term

__all__ = ["AskResult", "Backend", "GraphResult", "QueryResult", "SelectResult", "Term", "open_backend"]


def open_backend(descriptor: str | None, paths: Sequence[Path] = ()) -> Backend:
    """Open the store a descriptor names and load ``paths`` into it (not for endpoints).

    >>> from etiograph.datafiles import graph_sources
    >>> backend = open_backend("oxigraph", graph_sources())
    >>> backend.name, backend.triple_count() > 1000
    ('oxigraph', True)
    """
    descriptor = descriptor or "oxigraph"
    if descriptor.startswith(("http://", "https://")):
        from .endpoint import EndpointBackend

        return EndpointBackend(descriptor)
    kind, _, location = descriptor.partition(":")
    if kind in ("oxigraph", "memory"):
        from .oxigraph_backend import OxigraphBackend

        backend = OxigraphBackend(location or None)
        if location:
            backend.load_if_changed(paths)
        else:
            backend.load(paths)
        return backend
    if kind == "rdflib":
        from .rdflib_backend import RdflibBackend

        backend = RdflibBackend()
        backend.load(paths)
        return backend
    raise EtiographError(
        f"unknown store {descriptor!r}: use oxigraph, oxigraph:PATH, rdflib, or an http(s):// SPARQL endpoint URL"
    )
