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
  | (?P<brace>\{)
  | (?P<select>(?i:\bSELECT\b))
  """,
    re.VERBOSE,
)


def substitute(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Return ``sparql`` with each bound variable replaced by its term.

    >>> import pyoxigraph as ox
    >>> substitute('SELECT ?c WHERE { ?c ?p ?name }  # ?name', {"name": ox.Literal('a"b')})
    'SELECT ?c WHERE { ?c ?p "a\\\\"b" }  # ?name'
    >>> substitute('SELECT ?name ?c WHERE { ?c ?p ?name }', {"name": ox.Literal("x")})
    'SELECT ("x" AS ?name) ?c WHERE { ?c ?p "x" }'
    """
    if not bindings:
        return sparql
    out: list[str] = []
    position = 0
    in_projection = False
    for token in _TOKENS.finditer(sparql):
        kind = token.lastgroup
        if kind == "select":
            in_projection = True
            continue
        if kind == "brace":
            in_projection = False
            continue
        if kind != "var":
            continue
        name = token.group()[1:]
        if name not in bindings:
            continue
        out.append(sparql[position : token.start()])
        term = str(bindings[name])
        out.append(f"({term} AS ?{name})" if in_projection else term)
        position = token.end()
    out.append(sparql[position:])
    return "".join(out)
