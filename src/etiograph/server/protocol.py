"""The SPARQL 1.1 Protocol, as plain functions: read a request, choose a response format.

Nothing here touches the network or an engine, so every rule is testable on its own:
:func:`read_request` turns method, ``Content-Type``, query string and body into a
:class:`SparqlRequest` or raises :class:`ProtocolError` (an HTTP status and a message meant for
the person who sent the request); :func:`negotiate` picks a format from an ``Accept`` header.

Three ways to send a query (https://www.w3.org/TR/sparql11-protocol/#query-operation):

- ``GET /sparql?query=…``
- ``POST /sparql`` with ``Content-Type: application/x-www-form-urlencoded`` and ``query=…`` in the body
- ``POST /sparql`` with ``Content-Type: application/sparql-query`` and the query as the body

>>> read_request("GET", None, b"query=ASK%20%7B%7D", b"").query
'ASK {}'
>>> read_request("POST", "application/sparql-query", b"", b"ASK {}").query
'ASK {}'
>>> read_request("GET", None, b"", b"").query is None   # no query: the service description
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

#: Results formats of SELECT and ASK: name -> media types (the first is what we send).
SELECT_FORMATS: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
#: RDF formats of CONSTRUCT, DESCRIBE and the service description: name -> media types.
GRAPH_FORMATS: dict[str, tuple[str, ...]] = {
    "turtle": ("text/turtle", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
    "nt": ("application/n-triples",),
    "jsonld": ("application/ld+json", "application/x-json+ld", "application/json"),
    "rdfxml": ("application/rdf+xml", "application/xml", "text/xml"),
}
#: What the ``format`` parameter may say, per kind of result (full media types work too).
SELECT_FORMAT_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_FORMAT_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}
FORM_CONTENT = "application/x-www-form-urlencoded"
QUERY_CONTENT = "application/sparql-query"
UPDATE_CONTENT = "application/sparql-update"

READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) "
    "is refused and the data stay as they are"
)
ONE_GRAPH = "this dataset has only a default graph: remove {names} (the server never reads other graphs, files or URLs)"


class ProtocolError(Exception):
    """A request the endpoint will not run: an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(f"{status}: {message}")


@dataclass(frozen=True)
class SparqlRequest:
    """What a client asked for. ``query`` is None for a plain ``GET /sparql`` (service description)."""

    query: str | None
    formats: tuple[str, ...] = ()


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``'Text/Turtle; charset=UTF-8'`` -> ``('text/turtle', {'charset': 'utf-8'})``.

    >>> media_type("application/x-www-form-urlencoded; charset=UTF-8")
    ('application/x-www-form-urlencoded', {'charset': 'utf-8'})
    """
    if not content_type:
        return "", {}
    main, *params = content_type.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return main.strip().lower(), parsed


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400, f"the {what} is not valid UTF-8 (byte {error.start + 1} of {len(data)}): send the query as UTF-8"
        ) from None


def _params(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(
            400, f"a percent-encoded value in the {what} is not valid UTF-8: percent-encode the query's UTF-8 bytes"
        ) from None
    except ValueError as error:  # max_num_fields and friends
        raise ProtocolError(400, f"the {what} is not a valid list of parameters: {error}") from None


def _values(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def read_request(method: str, content_type: str | None, query_string: bytes, body: bytes) -> SparqlRequest:
    """Check a request against the SPARQL 1.1 Protocol and return the query it carries.

    Raises :class:`ProtocolError`: 400 (malformed: no query, two queries, not UTF-8, dataset
    parameters), 403 (SPARQL Update, by ``update=`` or ``application/sparql-update``), 415 (a
    POST whose body is neither a form nor a query).

    >>> read_request("GET", None, b"query=a&query=b", b"")
    Traceback (most recent call last):
    ...
    etiograph.server.protocol.ProtocolError: 400: found 2 'query' parameters: send exactly one query per request
    >>> read_request("POST", "application/sparql-update", b"", b"CLEAR ALL")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    etiograph.server.protocol.ProtocolError: 403: this endpoint is read-only: ...
    >>> read_request("POST", "text/plain", b"", b"ASK {}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    etiograph.server.protocol.ProtocolError: 415: ...
    """
    url_params = _params(_decode(query_string, "URL's query string"), "URL's query string")
    if method in ("GET", "HEAD"):
        params = url_params
        direct_query = None
    elif method == "POST":
        kind, options = media_type(content_type)
        charset = options.get("charset", "utf-8")
        if kind == UPDATE_CONTENT:
            raise ProtocolError(403, READ_ONLY)
        if kind == QUERY_CONTENT:
            if charset not in ("utf-8", "utf8", "us-ascii"):
                raise ProtocolError(415, f"the query body must be UTF-8, not {charset}")
            direct_query = _decode(body, "query body")
            params = url_params
        elif kind == FORM_CONTENT:
            direct_query = None
            params = url_params + _params(_decode(body, "form body"), "form body")
        else:
            got = f"Content-Type {kind!r}" if kind else "no Content-Type"
            raise ProtocolError(
                415,
                f"a POST needs Content-Type {FORM_CONTENT} (query=…) or {QUERY_CONTENT} (the query as the body); "
                f"got {got}",
            )
    else:
        raise ProtocolError(405, f"{method} is not supported here: use GET or POST")

    if _values(params, "update") or _values(params, "using-graph-uri") or _values(params, "using-named-graph-uri"):
        raise ProtocolError(403, READ_ONLY)
    dataset = [n for n in ("default-graph-uri", "named-graph-uri") if _values(params, n)]
    if dataset:
        raise ProtocolError(400, ONE_GRAPH.format(names=" and ".join(dataset)))
    queries = _values(params, "query")
    formats = tuple(_values(params, "format"))
    if direct_query is not None:
        if queries:
            raise ProtocolError(400, "the query is both the body and a 'query' parameter: send it once")
        queries = [direct_query]
    if len(queries) > 1:
        raise ProtocolError(400, f"found {len(queries)} 'query' parameters: send exactly one query per request")
    if not queries:
        if method == "POST":
            raise ProtocolError(400, "missing the 'query' parameter: POST query=… (or GET /sparql?query=…)")
        return SparqlRequest(None, formats)
    if not queries[0].strip():
        raise ProtocolError(400, "the query is empty")
    return SparqlRequest(queries[0], formats)


# -- content negotiation ----------------------------------------------------------------------------
def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their quality.

    >>> parse_accept("text/html, application/xml;q=0.9, */*;q=0.8")
    [('text/html', 1.0), ('application/xml', 0.9), ('*/*', 0.8)]
    """
    ranges = []
    for item in (accept or "").split(","):
        kind, params = media_type(item)
        if "/" not in kind:
            continue
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append((kind, max(0.0, min(1.0, quality))))
    return ranges


def _quality(kind: str, ranges: Sequence[tuple[str, float]], primary: bool = True) -> tuple[float, int]:
    """Quality of one media type under the ranges: the most specific matching range decides.

    Wildcards (``text/*``, ``*/*``) match only a format's ``primary`` type, the one it is sent as:
    ``text/*`` must not pick SPARQL XML for its ``text/xml`` alias and then send it as ``application/…``.
    """
    best = (-1, 0.0)
    major = kind.split("/")[0]
    for mrange, quality in ranges:
        if mrange == kind:
            specificity = 2
        elif mrange == f"{major}/*" and primary:
            specificity = 1
        elif mrange == "*/*" and primary:
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1], best[0]


def negotiate(accept: str | None, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The format of ``table`` the client prefers; the first one when it has no preference.

    None when the client accepts none of them (send 406).

    >>> negotiate(None, SELECT_FORMATS)
    'json'
    >>> negotiate("text/csv", SELECT_FORMATS)
    'csv'
    >>> negotiate("application/sparql-results+xml;q=0.5, text/tab-separated-values", SELECT_FORMATS)
    'tsv'
    >>> negotiate("application/json", GRAPH_FORMATS)
    'jsonld'
    >>> negotiate("image/png", GRAPH_FORMATS) is None
    True
    >>> negotiate("text/*", SELECT_FORMATS), negotiate("text/xml", SELECT_FORMATS)
    ('csv', 'xml')
    """
    ranges = parse_accept(accept)
    if not ranges:
        return next(iter(table))
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, (name, kinds) in enumerate(table.items()):
        for index, kind in enumerate(kinds):
            quality, specificity = _quality(kind, ranges, primary=index == 0)
            if quality <= 0:
                continue
            key = (quality, specificity, -order)
            if best is None or key > best:
                best, chosen = key, name
    return chosen


def format_param(values: Sequence[str], names: Mapping[str, str], table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The first ``format=`` value that names a format of this kind (short name or media type).

    >>> format_param(["tsv", "text/tab-separated-values"], SELECT_FORMAT_NAMES, SELECT_FORMATS)
    'tsv'
    >>> format_param(["turtle"], SELECT_FORMAT_NAMES, SELECT_FORMATS) is None
    True
    """
    for value in values:
        value = value.strip().lower()
        if value in names:
            return names[value]
        for name, kinds in table.items():
            if value in kinds:
                return name
    return None


def unknown_formats(values: Sequence[str]) -> list[str]:
    """``format=`` values that name no format at all (a typo, which deserves a 400)."""
    known = set(SELECT_FORMAT_NAMES) | set(GRAPH_FORMAT_NAMES)
    known |= {k for kinds in (*SELECT_FORMATS.values(), *GRAPH_FORMATS.values()) for k in kinds}
    return [v for v in values if v.strip().lower() not in known]


def choose(
    formats: Sequence[str], accept: str | None, names: Mapping[str, str], table: Mapping[str, tuple[str, ...]]
) -> str | None:
    """``format=`` when it names a format of this kind, else the ``Accept`` header."""
    return format_param(formats, names, table) or negotiate(accept, table)


def not_acceptable(table: Mapping[str, tuple[str, ...]], what: str) -> ProtocolError:
    offered = ", ".join(kinds[0] for kinds in table.values())
    return ProtocolError(406, f"cannot answer {what} in any type the Accept header allows; available: {offered}")
