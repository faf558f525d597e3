"""The one contract every store implements, and the engine-neutral result types.

Terms are pyoxigraph terms (``NamedNode``, ``BlankNode``, ``Literal``) whatever the engine:
pyoxigraph imports in milliseconds and its terms validate IRIs and escape literals, so a
term can always be written back into SPARQL safely.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    import pyoxigraph as ox

    Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
else:
    Term = object


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query; ``None`` marks an unbound variable."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as ``{variable: term}`` without the unbound ones."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def values(self, variable: str) -> list[str | None]:
        """One column as plain strings (IRI, literal lexical form or blank node id)."""
        index = self.variables.index(variable)
        return [None if row[index] is None else row[index].value for row in self.rows]


@dataclass(frozen=True)
class AskResult:
    value: bool

    def __bool__(self) -> bool:
        return self.value


@dataclass(frozen=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[tuple[Term, Term, Term]]

    def __len__(self) -> int:
        return len(self.triples)


QueryResult: TypeAlias = SelectResult | AskResult | GraphResult


@runtime_checkable
class Backend(Protocol):
    """Where the triples live. Small on purpose: load, query with bound parameters, size."""

    #: Short name shown to users: ``oxigraph``, ``rdflib``, ``endpoint``.
    name: str

    def load(self, paths: Sequence[Path]) -> None:
        """Add the Turtle files to the store (a read-only endpoint refuses)."""

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL 1.1 query; ``bindings`` pre-bind variables (never spliced as text)."""

    def __len__(self) -> int:
        """Number of triples (in the default graph)."""

    def close(self) -> None:
        """Release files or connections."""
