"""rdflib in memory: for users who hand in an ``rdflib.Graph`` and for small graphs.

Parameters are bound with ``initBindings``. Note rdflib evaluates SERVICE (and FROM <iri>) by
fetching the URL: ``etiograph serve`` gates queries before they reach any engine.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..diagnostics import rdflib_syntax_error
from ..errors import QueryError
from .base import AskResult, GraphResult, QueryResult, SelectResult, Term, first

if TYPE_CHECKING:
    import rdflib


def to_rdflib(term: Term) -> rdflib.term.Node:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return rdflib.Literal(term.value)  # rdflib keeps plain and xsd:string literals apart
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def from_rdflib(node: object) -> Term | None:
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        datatype = node.datatype or rdflib.XSD.string
        return ox.Literal(str(node), datatype=ox.NamedNode(str(datatype)))
    raise TypeError(f"unsupported rdflib term {node!r}")


class RdflibBackend:
    """An ``rdflib.Graph``; pass ``graph=`` to query one you already have."""

    name = "rdflib"

    def __init__(self, graph: rdflib.Graph | None = None):
        import rdflib

        self.graph = graph if graph is not None else rdflib.Graph()

    def load(self, paths: Sequence[Path]) -> None:
        """One parse per file, straight into the graph; pyoxigraph only explains a failure (file:line)."""
        from rdflib.util import guess_format

        from ..datafiles import check_turtle
        from ..errors import DataError
        from ..vocab import PREFIXES

        for prefix, iri in PREFIXES.items():
            self.graph.bind(prefix, iri, override=True)
        for path in paths:
            try:
                self.graph.parse(str(path), format=guess_format(str(path)) or "turtle")
            except Exception as error:  # rdflib raises many types
                check_turtle([path])
                raise DataError(path, f"rdflib could not read it: {error}") from None

    def query(
        self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None
    ) -> QueryResult:
        try:
            prepared = _prepare(sparql)
        except Exception as error:  # pyparsing's ParseException and friends
            raise rdflib_syntax_error(sparql, error) from None
        init = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            result = self.graph.query(prepared, initBindings=init)
        except Exception as error:
            raise QueryError(f"the query failed: {error}") from None
        if result.type == "ASK":
            return AskResult(bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows, truncated = first((tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in result), limit)
            return SelectResult(variables, rows, truncated)
        triples, truncated = first((tuple(from_rdflib(t) for t in triple) for triple in result), limit)
        return GraphResult(triples, truncated)

    def triple_count(self) -> int:
        return len(self.graph)

    def close(self) -> None:
        pass


@functools.lru_cache(maxsize=256)
def _prepare(sparql: str) -> object:
    """Parsing dominates small rdflib queries; the search repeats the same texts, so keep them."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(sparql)

