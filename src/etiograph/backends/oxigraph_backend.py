"""pyoxigraph: the default engine, in memory or persistent on disk.

Parameters are bound with ``substitutions`` (SEP-0007), the engine's own mechanism.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..diagnostics import query_syntax_error
from ..diagnostics import turtle_syntax_error as syntax_error
from ..errors import DataError, QueryError
from .base import AskResult, GraphResult, QueryResult, SelectResult, Term, first

if TYPE_CHECKING:
    from .native import Written

#: Where a persistent store remembers which files it holds, so it reloads only when they change.
_MANIFEST_GRAPH = ox.NamedNode("urn:etiograph:store-manifest")
_MANIFEST_PREDICATE = ox.NamedNode("urn:etiograph:files")


def files_fingerprint(paths: Sequence[Path]) -> str:
    """Names, sizes and modification times of the data files, hashed (only persistent stores need it;
    SHA-256 without hashlib's OpenSSL binding, :mod:`etiograph.digest`)."""
    import json

    from ..digest import sha256

    entries = [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in paths]
    return sha256(json.dumps(entries).encode()).hexdigest()


class OxigraphBackend:
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory."""

    name = "oxigraph"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        #: Counts the loads into this store: what is derived from it (the causal index) is rebuilt when it moves.
        self.generation = 0
        #: Whether the last ``load_if_changed`` had to load (None: never asked).
        self.reloaded: bool | None = None
        try:
            self.store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as error:
            raise DataError(str(path), f"cannot open the oxigraph store: {error}") from None

    @classmethod
    def read_only(cls, path: str | Path) -> OxigraphBackend:
        """A persistent store opened read-only (what a server's query worker opens after its fork)."""
        backend = cls.__new__(cls)
        backend.path = None  # nothing to flush
        backend.generation, backend.reloaded = 0, None  # what the causal index asks of any store
        try:
            backend.store = ox.Store.read_only(str(path))
        except OSError as error:
            raise DataError(str(path), f"cannot open the oxigraph store: {error}") from None
        return backend

    # -- loading -------------------------------------------------------------------------------
    def load(self, paths: Sequence[Path]) -> None:
        self.generation += 1
        for path in paths:
            # The parser follows the extension (.nt parses ~10% faster as N-Triples); Turtle otherwise.
            rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
            try:
                self.store.bulk_load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri())
            except SyntaxError as error:
                raise syntax_error(path, error) from None
            except (OSError, ValueError) as error:
                raise DataError(path, f"cannot load: {error}") from None

    def load_if_changed(self, paths: Sequence[Path]) -> bool:
        """For a persistent store: (re)load only when the files differ from what it holds.

        Returns True when it loaded. This is what makes ``--store oxigraph:PATH`` reopen instantly.
        """
        fingerprint = ox.Literal(files_fingerprint(paths))
        held = list(self.store.quads_for_pattern(None, _MANIFEST_PREDICATE, None, _MANIFEST_GRAPH))
        self.reloaded = not (held and held[0].object == fingerprint)
        if not self.reloaded:
            return False
        self.store.clear()
        self.load(paths)
        self.store.add(ox.Quad(_MANIFEST_GRAPH, _MANIFEST_PREDICATE, fingerprint, _MANIFEST_GRAPH))
        self.store.flush()
        return True

    # -- querying ------------------------------------------------------------------------------
    def query(
        self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None
    ) -> QueryResult:
        return convert(self._run(sparql, bindings), limit)

    def _run(self, sparql: str, bindings: Mapping[str, Term] | None = None, base_iri: str | None = None) -> object:
        """The engine's lazy result; errors as QueryError (a syntax error with its line and column)."""
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            try:
                return self.store.query(sparql, substitutions=substitutions or None, base_iri=base_iri)
            except RuntimeError as error:
                # pyoxigraph binds only variables the SELECT clause projects (SEP-0007); for any
                # other query, bind term-by-term as for remote endpoints (escaped terms, no user text).
                if not substitutions or "projection" not in str(error):
                    raise
                from .substitution import substitute

                return self.store.query(substitute(sparql, bindings or {}), base_iri=base_iri)
        except SyntaxError as error:
            raise query_syntax_error(error) from None
        except RecursionError:
            raise
        except (OSError, ValueError, TypeError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from None

    def write_answer(
        self,
        sparql: str,
        *,
        select_format: str | None,
        graph_format: str | None,
        limit: int,
        max_bytes: int,
        base_iri: str | None = None,
    ) -> Written:
        """The answer's bytes in a results format (``json``, ``xml``, ``csv``, ``tsv``) or an RDF one
        (``turtle``, ``nt``, ``jsonld``, ``rdfxml``), written by pyoxigraph: at most ``limit`` rows or
        triples (``truncated`` says when there were more) and ``max_bytes`` bytes (else AnswerTooLarge).
        See :mod:`.native`."""
        from ..vocab import PREFIXES
        from .native import write_native

        return write_native(
            self._run(sparql, base_iri=base_iri),
            lambda: self._run(sparql, base_iri=base_iri),
            select_format=select_format,
            graph_format=graph_format,
            limit=limit,
            max_bytes=max_bytes,
            prefixes=PREFIXES,
        )

    def triple_count(self) -> int:
        """Triples in the default graph, counted by the engine (the store's own manifest graph is not in it)."""
        solutions = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(solutions))[0].value)

    def close(self) -> None:
        if self.path:
            self.store.flush()


def convert(result: object, limit: int | None = None) -> QueryResult:
    """pyoxigraph's lazy results as the engine-neutral types; with ``limit``, reads one row past it at most."""
    if isinstance(result, ox.QueryBoolean):
        return AskResult(bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        # a solution unpacks in the order of the variables (None where unbound): 3x faster than by name
        rows, truncated = first(map(tuple, result), limit)
        return SelectResult(variables, rows, truncated)
    triples, truncated = first(((t.subject, t.predicate, t.object) for t in result), limit)
    return GraphResult(triples, truncated)

