"""Bind parameters into query text for engines that cannot take bindings (remote endpoints).

The SPARQL 1.1 Protocol has no parameter binding, so, like Jena's ParameterizedSparqlString,
we replace variable *tokens* with terms. The text inserted is always a term serialised by
pyoxigraph (IRIs validated, literals escaped), never the user's raw text, and variables inside
strings, IRIs and comments are left alone. A parameter projected by SELECT becomes
``(term AS ?var)`` so results keep the column, as with native pre-binding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .base import Term

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<select>(?i:\bSELECT\b)(?P<star>(?:\s+(?i:DISTINCT|REDUCED))?\s*\*)?)
  | (?P<modifier>(?i:\b(?:GROUP|ORDER)\s+BY\b))
  | (?P<endmodifier>(?i:\b(?:HAVING|LIMIT|OFFSET|VALUES)\b))
  """,
    re.VERBOSE,
)


def substitute(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Return ``sparql`` with each bound variable replaced by its term.

    In a projection a bound variable becomes ``(term AS ?var)``; in GROUP BY / ORDER BY it
    becomes ``(term)``; under ``SELECT *`` a ``BIND`` keeps the column, as native binding does.

    >>> import pyoxigraph as ox
    >>> substitute('SELECT ?c WHERE { ?c ?p ?name }  # ?name', {"name": ox.Literal('a"b')})
    'SELECT ?c WHERE { ?c ?p "a\\\\"b" }  # ?name'
    >>> substitute('SELECT ?name ?c WHERE { ?c ?p ?name } ORDER BY ?name', {"name": ox.Literal("x")})
    'SELECT ("x" AS ?name) ?c WHERE { ?c ?p "x" } ORDER BY ("x")'
    >>> substitute('SELECT * WHERE { ?c ?p ?name }', {"name": ox.Literal("x")})
    'SELECT * WHERE { ?c ?p "x" BIND("x" AS ?name) }'
    """
    if not bindings:
        return sparql
    out: list[str] = []
    position = 0
    in_projection = in_modifier = False
    depth = 0
    star_depth: int | None = None  # brace depth of the WHERE group of the first SELECT *
    replaced: list[str] = []
    for token in _TOKENS.finditer(sparql):
        kind = token.lastgroup if token.lastgroup != "star" else "select"
        if kind == "select":
            in_projection = True
            if token.group("star") and star_depth is None and depth == 0:
                star_depth = -1  # set when its WHERE group opens
            continue
        if kind == "modifier":
            in_modifier = True
            continue
        if kind == "endmodifier":
            in_modifier = False
            continue
        if kind == "open":
            in_projection = in_modifier = False
            depth += 1
            if star_depth == -1:
                star_depth = depth
            continue
        if kind == "close":
            in_modifier = False
            if star_depth is not None and depth == star_depth and replaced:
                out.append(sparql[position : token.start()].rstrip(" "))
                out.append(" " + " ".join(f"BIND({bindings[n]!s} AS ?{n})" for n in dict.fromkeys(replaced)) + " ")
                position = token.start()
                star_depth = None
            depth -= 1
            continue
        if kind != "var":
            continue
        name = token.group()[1:]
        if name not in bindings:
            continue
        out.append(sparql[position : token.start()])
        term = str(bindings[name])
        if in_projection:
            out.append(f"({term} AS ?{name})")
        elif in_modifier:
            out.append(f"({term})")
        else:
            out.append(term)
            replaced.append(name)
        position = token.end()
    out.append(sparql[position:])
    return "".join(out)
