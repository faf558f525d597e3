"""The named SPARQL queries of ``queries/``: loading, their headers, and binding parameters.

Each ``.rq`` file starts with a comment header::

    # title: Evidence for an edge
    # description: Every claim behind subject -> object, with its quote.
    # param: subject concept   the cause (label, CURIE or IRI)
    # param: object concept    the effect
    # example: etiograph query edge-evidence --param subject=fever --param object=dehydration

Parameter kinds: ``concept`` (resolved like ``etiograph paths`` does), ``iri``, ``mechanism``,
``certainty``, ``integer``, ``string``. A parameter left out stays unbound (the query then
answers for all values). Values are always bound as terms, never spliced into the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import resources
from ..errors import EtiographError, UnknownQueryError
from ..records import record

if TYPE_CHECKING:
    from ..backends import Term

#: Turns a parameter's text into a term of its kind: ``KnowledgeGraph.term_for`` (kind, value) -> term.
TermResolver = Callable[[str, str], "Term"]

PARAMETER_KINDS = ("concept", "iri", "mechanism", "certainty", "integer", "string")


@record(frozen=True)
class Parameter:
    name: str
    kind: str
    description: str


@record(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    text: str


_HEADER = re.compile(r"^#\s*(title|description|param|example):\s*(.*)$")


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its comment header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "example": []}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        found = _HEADER.match(line)
        if found:
            fields[found.group(1)].append(found.group(2).strip())
        elif fields["description"] and line.startswith("#   "):
            fields["description"][-1] += " " + line[1:].strip()
    parameters = []
    for spec in fields["param"]:
        name, kind, *rest = spec.split(None, 2)
        if kind not in PARAMETER_KINDS:
            raise EtiographError(f"{path}: parameter {name!r} has unknown kind {kind!r}")
        parameters.append(Parameter(name, kind, rest[0] if rest else ""))
    return NamedQuery(
        name=path.stem,
        path=path,
        title=fields["title"][0] if fields["title"] else path.stem,
        description=" ".join(fields["description"]),
        parameters=tuple(parameters),
        examples=tuple(fields["example"]),
        text=text,
    )


@cache
def all_queries() -> dict[str, NamedQuery]:
    """Every named query shipped in ``queries/``, by name."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(resources.queries_dir().glob("*.rq")))}


def get_query(name: str) -> NamedQuery:
    """A named query by name, or a query file by path."""
    candidate = Path(name)
    if candidate.suffix == ".rq" and candidate.is_file():
        return parse_query_file(candidate)
    queries = all_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "; `etiograph queries` lists them"
        raise UnknownQueryError(f"no named query {name!r}{hint}")
    return queries[name]


def bind_parameters(query: NamedQuery, values: Mapping[str, str], term_for: TermResolver) -> dict[str, Term]:
    """Turn ``--param name=value`` texts into terms of each parameter's kind.

    ``term_for(kind, text)`` does the resolving (``KnowledgeGraph.term_for``), so this module parses
    and checks names without knowing the graph: no import cycle with :mod:`etiograph.graph`. An object
    with a ``term_for`` method (a KnowledgeGraph, as callers passed before) is still accepted.

    >>> from etiograph.sparql.named import get_query
    >>> bind_parameters(get_query("edge-evidence"), {"subject": "fever"}, lambda kind, text: f"{kind}:{text}")
    {'subject': 'concept:fever'}
    """
    resolve = getattr(term_for, "term_for", term_for)
    declared = {p.name: p for p in query.parameters}
    bound: dict[str, Term] = {}
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise EtiographError(f"query {query.name!r} has no parameter {name!r} (it takes: {known})")
        bound[name] = resolve(declared[name].kind, value)
    return bound
