"""pyoxigraph: the default engine, in memory or persistent on disk.

Parameters are bound with ``substitutions`` (SEP-0007), the engine's own mechanism.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..datafiles import syntax_error
from ..errors import DataError, QueryError
from .base import AskResult, GraphResult, QueryResult, SelectResult, Term

#: Where a persistent store remembers which files it holds, so it reloads only when they change.
_MANIFEST_GRAPH = ox.NamedNode("urn:etiograph:store-manifest")
_MANIFEST_PREDICATE = ox.NamedNode("urn:etiograph:files")


def files_fingerprint(paths: Sequence[Path]) -> str:
    """Names, sizes and modification times of the data files, hashed."""
    entries = [[str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns] for p in paths]
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


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
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            try:
                result = self.store.query(sparql, substitutions=substitutions or None)
            except RuntimeError as error:
                # pyoxigraph binds only variables the SELECT clause projects (SEP-0007); for any
                # other query, bind term-by-term as for remote endpoints (escaped terms, no user text).
                if not substitutions or "projection" not in str(error):
                    raise
                from .substitution import substitute

                result = self.store.query(substitute(sparql, bindings or {}))
        except SyntaxError as error:
            raise query_syntax_error(error) from None
        except (OSError, ValueError, TypeError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from None
        return convert(result)

    def __len__(self) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def close(self) -> None:
        if self.path:
            self.store.flush()


def convert(result: object) -> QueryResult:
    """pyoxigraph's lazy results as the engine-neutral types."""
    if isinstance(result, ox.QueryBoolean):
        return AskResult(bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        return SelectResult(variables, [tuple(solution[v] for v in variables) for solution in result])
    return GraphResult([(t.subject, t.predicate, t.object) for t in result])


def query_syntax_error(error: SyntaxError) -> QueryError:
    """pyoxigraph says ``error at 3:14: expected ...``: keep the position as line and column."""
    import re

    message = str(error.args[0]) if error.args else str(error)
    found = re.search(r"error at (\d+):(\d+)", message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    from ..diagnostics import tidy_engine_message

    text = tidy_engine_message(re.sub(r"^error at \d+:\d+: ", "", message))
    where = f"line {line}, column {column}: " if line else ""
    return QueryError(f"SPARQL syntax error at {where}{text}", line, column)
