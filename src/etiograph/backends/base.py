"""The one contract every store implements, and the engine-neutral result types.

Terms are pyoxigraph terms (``NamedNode``, ``BlankNode``, ``Literal``) whatever the engine:
pyoxigraph imports in milliseconds and its terms validate IRIs and escape literals, so a
term can always be written back into SPARQL safely.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

from ..records import field, record

if TYPE_CHECKING:
    import pyoxigraph as ox

    Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
else:
    Term = object


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + t
    for t in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_FLOATS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
Plain: TypeAlias = str | int | float | bool | None


def plain(term: Term | None) -> Plain:
    """A term as a plain Python value: IRIs and text as ``str``, numbers as ``int``/``float``, booleans as ``bool``.

    Blank nodes become ``"_:id"``; unbound (``None``) stays ``None``; a malformed number stays text.

    >>> import pyoxigraph as ox
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> [plain(ox.Literal("4", datatype=ox.NamedNode(xsd + "integer"))), plain(ox.Literal("0.5", datatype=ox.NamedNode(xsd + "decimal")))]
    [4, 0.5]
    >>> plain(ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean"))), plain(ox.NamedNode("https://w3id.org/etiograph/kg/fever"))
    (True, 'https://w3id.org/etiograph/kg/fever')
    >>> plain(ox.Literal("fever", language="en")), plain(None)
    ('fever', None)
    """
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _FLOATS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == _XSD + "boolean" and term.value in ("true", "false", "1", "0"):
            return term.value in ("true", "1")
    return term.value


@record(frozen=True)
class SelectResult:
    """Rows of a SELECT query; ``None`` marks an unbound variable.

    Iterate for rows of pyoxigraph terms, or take plain Python values:

    >>> from etiograph import KnowledgeGraph
    >>> result = KnowledgeGraph.load().run_named("infection-comparison")
    >>> result.variables[:2]
    ('infection', 'infectionLabel')
    >>> sorted((r["infectionLabel"], r["risk"]) for r in result.records())
    [('cystitis', 'low-to-moderate'), ('pyelonephritis', 'high')]
    """

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    #: True when the query was run with ``limit=`` and had more rows than that: ``rows`` is the first part.
    truncated: bool = False

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

    def records(self) -> list[dict[str, Plain]]:
        """Rows as ``{variable: value}`` of plain Python values (see :func:`plain`); unbound ones are ``None``.

        What a notebook, ``json.dumps`` or ``csv.DictWriter`` takes as it is, no pyoxigraph needed.
        """
        return [{v: plain(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def to_pandas(self):  # -> pandas.DataFrame (pandas is optional)
        """The rows as a ``pandas.DataFrame`` of plain values, one column per variable.

        Needs pandas (``pip install pandas``); raises ``ImportError`` saying so without it.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SelectResult.to_pandas() needs pandas: pip install pandas") from None
        return pd.DataFrame.from_records(self.records(), columns=list(self.variables))


@record(frozen=True)
class AskResult:
    """The answer of an ASK query; true in a boolean context when the pattern matches.

    >>> from etiograph import KnowledgeGraph
    >>> bool(KnowledgeGraph.load().query("ASK { kg:fever etio:contributesTo kg:dehydration }"))
    True
    """

    value: bool

    def __bool__(self) -> bool:
        return self.value


@record(frozen=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query, as pyoxigraph terms.

    >>> from etiograph import KnowledgeGraph
    >>> graph = KnowledgeGraph.load().query("CONSTRUCT { kg:fever ?p ?o } WHERE { kg:fever ?p ?o FILTER(?p = skos:prefLabel) }")
    >>> [(s.value.rsplit("/", 1)[-1], o.value) for s, _, o in graph.triples]
    [('fever', 'fever')]
    """

    triples: list[tuple[Term, Term, Term]]
    #: True when the query was run with ``limit=`` and had more triples than that.
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.triples)


QueryResult: TypeAlias = SelectResult | AskResult | GraphResult


def first(rows: Iterable[tuple], limit: int | None) -> tuple[list[tuple], bool]:
    """Up to ``limit`` rows (all when ``None``), and whether more followed: reads one past the limit.

    >>> first(iter([(1,), (2,), (3,)]), 2)
    ([(1,), (2,)], True)
    >>> first([(1,)], None), first([], 0)
    (([(1,)], False), ([], False))
    """
    if limit is None:
        return list(rows), False
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    taken = list(islice(rows, limit + 1))
    return taken[:limit], len(taken) > limit


def limited(result: QueryResult, limit: int | None) -> QueryResult:
    """A result cut to ``limit`` rows or triples with ``truncated`` set, for engines that return all rows at once.

    >>> limited(SelectResult(("x",), [(None,), (None,)]), 1)
    SelectResult(variables=('x',), rows=[(None,)], truncated=True)
    """
    if limit is None or isinstance(result, AskResult):
        return result
    if isinstance(result, SelectResult):
        rows, cut = first(result.rows, limit)
        return SelectResult(result.variables, rows, result.truncated or cut)
    triples, cut = first(result.triples, limit)
    return GraphResult(triples, result.truncated or cut)


@runtime_checkable
class Backend(Protocol):
    """Where the triples live. Small on purpose: load, query with bound parameters, count."""

    #: Short name shown to users: ``oxigraph``, ``rdflib``, ``endpoint``.
    name: str

    def load(self, paths: Sequence[Path]) -> None:
        """Add the Turtle files to the store (a read-only endpoint refuses)."""

    def query(
        self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; ``bindings`` pre-bind variables (never spliced as text).

        ``limit``: keep at most that many rows (SELECT) or triples (CONSTRUCT, DESCRIBE) and set the
        result's ``truncated`` when there were more; the engine stops reading after one more.
        """

    def triple_count(self) -> int:
        """Number of triples in the default graph.

        A method, not ``len()``: on an endpoint it is a COUNT query over HTTP, which a truth test
        (``if backend:``) must never send.
        """

    def close(self) -> None:
        """Release files or connections."""
