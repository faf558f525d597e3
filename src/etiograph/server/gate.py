"""Decide, before any engine sees it, whether a query may run: parse it and walk the tree.

The endpoint evaluates with pyoxigraph, which federates ``SERVICE`` unconditionally (its HTTP
client is Rust code, invisible to Python's audit hooks), and with rdflib (``--store rdflib``),
which fetches ``SERVICE`` endpoints and ``FROM`` IRIs, files included. So every query is first
parsed with rdflib's SPARQL grammar, whichever engine evaluates it, and refused when its tree
holds anything that could make the server reach out:

- a ``ServiceGraphPattern`` (``SERVICE``, ``SERVICE SILENT``) anywhere, however nested;
- a ``datasetClause`` (``FROM``, ``FROM NAMED``): this dataset has only its default graph;
- anything that parses as SPARQL Update rather than a query (``INSERT``, ``LOAD``, ``CLEAR``...).

A second, textual check refuses ``SERVICE <iri> {`` written anywhere (also after SPARQL's
``\\uXXXX`` escapes are expanded), in case the two parsers ever read a text differently.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
etiograph.server.gate.Refused: 403: federated queries (SERVICE) are disabled: this server never fetches other endpoints
>>> check_query("LOAD <file:///etc/passwd>").status
Traceback (most recent call last):
...
etiograph.server.gate.Refused: 403: this endpoint is read-only: SPARQL Update (LOAD) is refused and the data stay as they are
"""

from __future__ import annotations

import re
from functools import lru_cache

QUERY_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}
UPDATE_OPERATIONS = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
SERVICE_REFUSED = "federated queries (SERVICE) are disabled: this server never fetches other endpoints"
DATASET_REFUSED = (
    "FROM and FROM NAMED are refused: this dataset has only a default graph, and the server never reads "
    "other graphs, files or URLs; remove the FROM clause"
)
_SERVICE_TEXT = re.compile(r"\bSERVICE\s+(?:SILENT\s+)?(?:<[^>\s]*>|[?$]\w+|[\w.-]*:[\w.-]*)\s*\{", re.IGNORECASE)
#: How much of the text around a syntax error to quote back.
_EXCERPT = 60


class Refused(Exception):
    """A query the endpoint will not run: an HTTP status, a message, and where (for syntax errors)."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        self.status = status
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"{status}: {message}")


def _walk(tree: object):
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists, dicts), without recursion."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):  # CompValue is an OrderedDict
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))


def _name(node: object) -> str | None:
    return getattr(node, "name", None) if isinstance(node, dict) else None


def syntax_message(error: Exception, text: str) -> Refused:
    """A pyparsing error as ``line L, column C: expected …, found '…'`` with the line and a caret."""
    line = getattr(error, "lineno", None)
    column = getattr(error, "col", None)
    expected = str(getattr(error, "msg", "") or "invalid syntax")
    if len(expected) > 200:
        expected = expected[:199] + "…"
    location = getattr(error, "loc", None)
    source = getattr(error, "pstr", text) or text
    found = ""
    if isinstance(location, int):
        rest = source[location:].split("\n", 1)[0].strip()
        found = f", found {rest[:_EXCERPT]!r}" if rest else ", found the end of the query"
    text_line = str(getattr(error, "line", "") or "")
    message = f"SPARQL syntax error at line {line}, column {column}: {expected}{found}"
    if text_line and column and len(text_line) <= 200:
        message += f"\n  {text_line}\n  {' ' * (column - 1)}^"
    return Refused(400, message, line, column)


def _expand_escapes(text: str) -> str:
    try:
        from rdflib.plugins.sparql.parser import expandUnicodeEscapes

        return expandUnicodeEscapes(text)
    except Exception:  # an invalid escape: the parser reports it
        return text


@lru_cache(maxsize=512)
def check_query(text: str) -> str:
    """The query's form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), or :class:`Refused`.

    Cached by text: rdflib's grammar takes tens of milliseconds on a long query, and clients
    send the same queries again and again.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except RecursionError:
        raise Refused(400, "the query is nested too deeply to parse") from None
    except ParseBaseException as error:
        try:
            update = parseUpdate(text)
        except (ParseBaseException, RecursionError):
            raise syntax_message(error, text) from None
        except Exception:
            raise syntax_message(error, text) from None
        operations = sorted({UPDATE_OPERATIONS.get(_name(n) or "", "") for n in _walk(update)} - {""})
        raise Refused(
            403,
            f"this endpoint is read-only: SPARQL Update ({', '.join(operations) or 'update'}) is refused "
            "and the data stay as they are",
        ) from None
    except Exception:  # rdflib raises others on odd input (bad escapes, ...); never show its internals
        raise Refused(400, "SPARQL syntax error: the query could not be parsed") from None
    form = None
    for node in _walk(parsed):
        name = _name(node)
        if name == "ServiceGraphPattern":
            raise Refused(403, SERVICE_REFUSED)
        if isinstance(node, dict) and dict.get(node, "datasetClause"):  # CompValue.get defaults oddly
            raise Refused(403, DATASET_REFUSED)
        if name in QUERY_FORMS and form is None:
            form = QUERY_FORMS[name]
    if _SERVICE_TEXT.search(text) or _SERVICE_TEXT.search(_expand_escapes(text)):
        raise Refused(403, SERVICE_REFUSED)
    if form is None:  # cannot happen with rdflib's grammar; refuse rather than guess
        raise Refused(400, "SPARQL syntax error: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return form
