"""Proposed performance fixes to ``src/etiograph``, applied as monkeypatches for the benchmark.

``bench_scale.py`` runs etiograph a second time with :func:`apply` called first (the ``+fixes``
columns), so before/after numbers come from the same run. Nothing here is imported by the package;
each patch names the change it stands for in ``src/``. :func:`pending` looks at the installed
source and lists only the fixes it does not have yet; ``bench_scale.py`` drops the ``+fixes``
columns when that list is empty. Fixes 1-6 all landed in src/ with commit d10b2d4; the module
stays as the place to try the next one.

1. ``edges.values`` — the causal-predicate set goes into the frontier query of
   ``EdgeSource.neighbours`` as ``FILTER(?p IN (...))`` instead of a second ``VALUES ?p {...}``
   block. With two VALUES blocks pyoxigraph 0.5 joins them with the triple pattern badly (about
   150 ms for 13 frontier nodes, 1.2 s for 400, on a 1.3M-triple graph, against 0.3 ms and 7 ms
   with FILTER IN); rdflib suffers the same way.
2. ``EdgeSource._claim_attributes`` — the same for the nested ``VALUES ?attr {...}`` block of the
   claim-attribute query: ``FILTER(?attr IN (...))`` instead (rdflib: 2.9 s → 23 ms for 23 claims
   at 10k claims; pyoxigraph: unchanged, 0.7 ms).
3. ``ConceptResolver.resolve`` — look the name up as an exact ``@en`` / plain label first (an index
   lookup), and fall back to the case-insensitive scan of every label only when that finds nothing.
4. ``OxigraphBackend.load`` — pick the parser from the file extension (``.nt`` is parsed as
   N-Triples, ~10% faster than parsing it as Turtle); Turtle stays the default.
5. ``RdflibBackend.load`` — parse straight into the backend's graph with the format guessed from
   the extension, instead of parsing every file twice (a pyoxigraph syntax check, then rdflib's
   Turtle parser) and then copying the whole graph triple by triple with ``+=``.

6. ``RdflibBackend.query`` — keep prepared queries (``functools.lru_cache`` around rdflib's
   ``prepareQuery``): rdflib's SPARQL parser takes 2–4 ms per query, more than the evaluation of
   most of etiograph's constant queries (label lookup, describe, ontology lookups).

(A seventh fix, ``?p rdfs:subPropertyOf+ ?top`` instead of ``*``, landed in src/ as commit
b1dac85 in another form: one step in SPARQL, the closure in Python.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from etiograph import edges
from etiograph.backends import oxigraph_backend, rdflib_backend
from etiograph.concepts import _NOT_ONTOLOGY, ConceptResolver
from etiograph.vocab import SPARQL_PROLOGUE

_original_values = edges.values


def values(variable: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    """Fix 1: the predicate set as a FILTER (valid anywhere in the group), other sets as VALUES."""
    if variable == "p":
        return f"FILTER(?p IN ({', '.join(str(t) for t in terms)}))"
    return _original_values(variable, terms)


def claim_attributes(self: edges.EdgeSource, claims: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    """Fix 2: src's ``_claim_attributes`` with ``FILTER(?attr IN (...))`` for its nested VALUES block."""
    found: dict[str, dict[str, list[str]]] = {}
    for batch in edges.chunks(claims):
        query = (
            SPARQL_PROLOGUE
            + f"SELECT ?claim ?attr ?value WHERE {{ {_original_values('claim', (ox.NamedNode(c) for c in batch))} "
            + "{ ?claim ?attr ?value FILTER(?attr IN (etio:certainty, etio:mechanism, etio:inSection)) } UNION "
            + "{ ?claim etio:evidence/oa:hasSelector/oa:exact ?value BIND(oa:exact AS ?attr) } }"
        )
        for claim, attr, value in self.backend.query(query):
            values_of = found.setdefault(claim.value, {}).setdefault(attr.value.rsplit("#", 1)[-1], [])
            if value.value not in values_of:
                values_of.append(value.value)
    return found


# Parameters are projected: pyoxigraph's substitutions (SEP-0007) bind only projected variables.
_EXACT_LABEL = (
    SPARQL_PROLOGUE
    + "SELECT DISTINCT ?concept ?label WHERE { ?concept skos:prefLabel|skos:altLabel ?label . "
    + _NOT_ONTOLOGY
    + " }"
)

_original_resolve = ConceptResolver.resolve


def resolve(self: ConceptResolver, name: str):
    """Fix 3: an exact label match first; the case-insensitive scan only when it finds nothing."""
    text = name.strip()
    if self._as_iri(text) is None:
        for literal in (ox.Literal(text, language="en"), ox.Literal(text)):
            found = set(self.backend.query(_EXACT_LABEL, {"label": literal}).values("concept"))
            if len(found) == 1:
                return self.describe(found.pop())
            if found:
                break  # ambiguous: let the original report it with its suggestions
    return _original_resolve(self, name)


def oxigraph_load(self: oxigraph_backend.OxigraphBackend, paths: Sequence[Path]) -> None:
    """Fix 4: the parser follows the extension (.nt, .nq, .trig, ...), Turtle otherwise."""
    for path in paths:
        rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        try:
            self.store.bulk_load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise oxigraph_backend.syntax_error(path, error) from None
        except (OSError, ValueError) as error:
            raise oxigraph_backend.DataError(path, f"cannot load: {error}") from None


def rdflib_load(self: rdflib_backend.RdflibBackend, paths: Sequence[Path]) -> None:
    """Fix 5: one parse per file, straight into the graph; pyoxigraph only to explain a failure."""
    from rdflib.util import guess_format

    from etiograph.datafiles import check_turtle
    from etiograph.errors import DataError
    from etiograph.vocab import PREFIXES

    for prefix, iri in PREFIXES.items():
        self.graph.bind(prefix, iri, override=True)
    for path in paths:
        try:
            self.graph.parse(str(path), format=guess_format(str(path)) or "turtle")
        except Exception as error:
            check_turtle([path])  # raises a DataError naming file:line when it is a syntax error
            raise DataError(path, f"rdflib could not read it: {error}") from None


def cache_prepared_queries() -> None:
    """Fix 6: ``RdflibBackend.query`` imports ``prepareQuery`` at each call, so patch it where it lives."""
    import functools

    import rdflib.plugins.sparql as sparql

    if not hasattr(sparql.prepareQuery, "cache_info"):
        sparql.prepareQuery = functools.lru_cache(maxsize=256)(sparql.prepareQuery)


def _has(function: Callable, text: str) -> bool:
    return text in inspect.getsource(function)


def pending() -> list[str]:
    """The fixes the installed ``src/`` does not contain yet (read from its source code)."""
    checks = {
        "values": _has(edges.EdgeSource.neighbours, 'values("p"'),
        "claim_attributes": hasattr(edges.EdgeSource, "_claim_attributes")
        and _has(edges.EdgeSource._claim_attributes, "VALUES ?attr"),
        "resolve": not _has(ConceptResolver.resolve, "_EXACT_LABEL"),
        "oxigraph_load": not _has(oxigraph_backend.OxigraphBackend.load, "from_extension"),
        "rdflib_load": _has(rdflib_backend.RdflibBackend.load, "read_rdflib"),
        "rdflib_prepared_queries": _has(rdflib_backend.RdflibBackend.query, "prepareQuery(sparql)"),
    }
    return [name for name, needed in checks.items() if needed]


def apply() -> list[str]:
    """Install the fixes :func:`pending` lists (idempotent); return their names."""
    todo = pending()
    if "values" in todo:
        edges.values = values
    if "claim_attributes" in todo:
        edges.EdgeSource._claim_attributes = claim_attributes
    if "resolve" in todo:
        ConceptResolver.resolve = resolve
    if "oxigraph_load" in todo:
        oxigraph_backend.OxigraphBackend.load = oxigraph_load
    if "rdflib_load" in todo:
        rdflib_backend.RdflibBackend.load = rdflib_load
    original_init = rdflib_backend.RdflibBackend.__init__
    if "rdflib_prepared_queries" in todo and not getattr(original_init, "patched", False):
        # Installed when the first rdflib backend opens: importing rdflib here would slow every CLI start.
        def init(self, *args, **kwargs):
            cache_prepared_queries()
            original_init(self, *args, **kwargs)

        init.patched = True
        rdflib_backend.RdflibBackend.__init__ = init
    return todo
