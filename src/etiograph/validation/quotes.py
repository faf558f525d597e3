"""Quote fidelity: every quote in the graph stands word for word in the source article.

A claim's evidence is a W3C Web Annotation ``oa:SpecificResource`` with a ``oa:TextQuoteSelector``
(``oa:exact``, the quoted text) and, optionally, a ``oa:TextPositionSelector`` (``oa:start``,
``oa:end``, character offsets into the article). SHACL checks that the structure is there
(``ontology/shapes.ttl``); this module checks the text against the article itself, which is not RDF.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..records import record
from ..vocab import ETIO, OA, RDF

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

_WHITESPACE = re.compile(r"\s+")

# Every oa:exact with the specific resource holding its selector (if any) and the node whose
# etio:evidence that resource is (a claim or a table row), plus any position selector beside it.
_QUOTES = f"""
SELECT ?owner ?resource ?selector ?exact ?start ?end WHERE {{
    ?selector <{OA}exact> ?exact .
    OPTIONAL {{
        ?resource <{OA}hasSelector> ?selector .
        OPTIONAL {{ ?owner <{ETIO}evidence> ?resource }}
        OPTIONAL {{
            ?resource <{OA}hasSelector> ?position .
            ?position <{RDF}type> <{OA}TextPositionSelector> .
            OPTIONAL {{ ?position <{OA}start> ?start }}
            OPTIONAL {{ ?position <{OA}end> ?end }}
        }}
    }}
}}
"""


@record(frozen=True)
class QuoteProblem:
    """A quote that does not match the article.

    ``subject`` is the IRI of the claim or table row whose evidence holds the quote (or the
    selector's own identifier when nothing points to it); ``reason`` says what is wrong.
    """

    subject: str
    quote: str
    reason: str


def normalise_whitespace(text: str) -> str:
    """Collapse runs of whitespace (spaces, tabs, line breaks) to one space and strip the ends.

    >>> normalise_whitespace("  Leg\\n cramps\\t hurt.  ")
    'Leg cramps hurt.'
    """
    return _WHITESPACE.sub(" ", text).strip()


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_INTEGER_TYPES = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "int", "long", "nonNegativeInteger")}


def _quote_rows(graph: object) -> list[tuple[str, str, object, object]]:
    """(subject, quote, start, end) per quote, from an rdflib Graph or a pyoxigraph Store.

    ``start``/``end`` are ints when the literal is an integer, else its text (or None when absent).
    """
    import pyoxigraph as ox

    rows = []
    if isinstance(graph, ox.Store):
        for owner, resource, selector, exact, start, end in graph.query(_QUOTES):
            subject = next(t for t in (owner, resource, selector) if t is not None).value
            rows.append((subject, exact.value, ox_number(start), ox_number(end)))
        return rows
    for owner, resource, selector, exact, start, end in graph.query(_QUOTES):  # type: ignore[attr-defined]
        subject = str(owner if owner is not None else resource if resource is not None else selector)
        rows.append((subject, str(exact), _rdflib_number(start), _rdflib_number(end)))
    return rows


def ox_number(term: object) -> object:
    """A pyoxigraph literal's value: an int for integer datatypes, else its text (None stays None)."""
    if term is None:
        return None
    if getattr(term, "datatype", None) is not None and term.datatype.value in _INTEGER_TYPES:  # type: ignore[attr-defined]
        try:
            return int(term.value)  # type: ignore[attr-defined]
        except ValueError:
            pass
    return term.value  # type: ignore[attr-defined]


def _rdflib_number(term: object) -> object:
    if term is None:
        return None
    value = term.toPython()  # type: ignore[attr-defined]
    return value if _as_int(value) is not None else str(term)


def _position_problem(exact: str, start: object, end: object, article_text: str) -> str | None:
    """Why ``article_text[start:end]`` is not ``exact``, or None when it is."""
    first, last = _as_int(start), _as_int(end)
    if first is None or last is None:
        return f"oa:TextPositionSelector needs integer oa:start and oa:end (found {start!s}, {end!s})"
    if not 0 <= first <= last <= len(article_text):
        return f"position {first}-{last} lies outside the article (0-{len(article_text)})"
    found = article_text[first:last]
    if found == exact:
        return None
    where = article_text.find(exact)
    hint = f"; the quote starts at {where} (oa:start {where} ; oa:end {where + len(exact)})" if where >= 0 else ""
    return f"article_text[{first}:{last}] is {found[:60]!r}, not the quote{hint}"


def check_quotes(graph: rdflib.Graph | pyoxigraph.Store, article_text: str) -> list[QuoteProblem]:
    """Check every ``oa:exact`` quote of ``graph`` against the article's text.

    A quote passes when, with runs of whitespace collapsed to one space on both sides, it is a
    substring of the article. Where a ``oa:TextPositionSelector`` sits beside the quote in the same
    ``oa:SpecificResource``, ``article_text[start:end]`` must also equal the quote exactly.
    Problems come sorted by subject and quote; an empty list means every quote is verbatim.

    Examples
    --------
    >>> import rdflib
    >>> graph = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix oa: <http://www.w3.org/ns/oa#> .
    ...     @prefix etio: <https://w3id.org/etiograph/ontology#> .
    ...     <https://w3id.org/etiograph/kg/claim/c> etio:evidence [ a oa:SpecificResource ;
    ...         oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Leg  cramps hurt." ] ,
    ...                        [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 16 ] ] .
    ... ''')
    >>> article = "Leg cramps hurt.\\nDrink water."
    >>> [problem] = check_quotes(graph, article)  # the doubled space is fine, the position is not
    >>> problem.subject, problem.quote
    ('https://w3id.org/etiograph/kg/claim/c', 'Leg  cramps hurt.')
    >>> problem.reason
    "article_text[0:16] is 'Leg cramps hurt.', not the quote"
    >>> [problem.reason for problem in check_quotes(graph, "Leg cramps never hurt.")]
    ['not in the article (whitespace-normalised)']
    """
    normalised_article = normalise_whitespace(article_text)
    problems: set[QuoteProblem] = set()
    for subject, quote, start, end in _quote_rows(graph):
        wanted = normalise_whitespace(quote)
        if not wanted:
            problems.add(QuoteProblem(subject, quote, "the quote is empty"))
            continue
        if wanted not in normalised_article:
            problems.add(QuoteProblem(subject, quote, "not in the article (whitespace-normalised)"))
            continue
        if start is not None or end is not None:
            reason = _position_problem(quote, start, end, article_text)
            if reason:
                problems.add(QuoteProblem(subject, quote, reason))
    return sorted(problems, key=lambda p: (p.subject, p.quote, p.reason))


def count_quotes(graph: rdflib.Graph | pyoxigraph.Store) -> int:
    """How many ``oa:exact`` quotes the graph holds (one per selector).

    >>> import rdflib
    >>> count_quotes(rdflib.Graph())
    0
    """
    import pyoxigraph as ox

    if isinstance(graph, ox.Store):
        return sum(1 for _ in graph.quads_for_pattern(None, ox.NamedNode(OA + "exact"), None))
    import rdflib

    return sum(1 for _ in graph.triples((None, rdflib.URIRef(OA + "exact"), None)))
