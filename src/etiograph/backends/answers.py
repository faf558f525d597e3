"""Reading what a SPARQL endpoint answers: leniently where engines differ, strictly where it matters.

Engines disagree on details the SPARQL 1.1 results formats leave loose or that they get wrong:
Virtuoso writes booleans as ``1``/``0``, uses the SPARQL 1.0 ``typed-literal`` type and ``lang``
instead of ``xml:lang``. Those are accepted. What would make a wrong answer is not: an IRI,
language tag or blank-node label that is not valid RDF, a document that is not the format it claims
to be, an HTML page instead of results. Each becomes one :class:`~etiograph.errors.EndpointError`
naming the endpoint, never a traceback or a silently wrong row.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from ..errors import EndpointError
from .base import AskResult, GraphResult, QueryResult, SelectResult, Term

_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")

#: What to ask for, by query form: results formats for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE.
#: One list for every form made Virtuoso answer a CONSTRUCT with SPARQL JSON rows.
ACCEPT = {
    "SELECT": "application/sparql-results+json, application/sparql-results+xml;q=0.8",
    "ASK": "application/sparql-results+json, application/sparql-results+xml;q=0.8",
    "CONSTRUCT": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
    "DESCRIBE": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
}

_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples' old media type (Virtuoso sends it for some builds)
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_RESULTS_TYPES = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+tsv": ox.QueryResultsFormat.TSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}

_TOKEN = re.compile(r"\s+|#[^\n]*|<[^>]*>|[A-Za-z_][\w\-.]*:?|[^\s]")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue (PREFIX/BASE, comments).

    >>> query_form("# a comment\\nPREFIX ex: <http://e/#select>\\nBASE <x>  construct { ?s ?p ?o } WHERE {}")
    'CONSTRUCT'
    >>> query_form("PREFIX ask: <urn:a>\\nSELECT * {}")
    'SELECT'
    >>> query_form("INSERT DATA {}")
    'UPDATE'
    """
    expect_iri = expect_name = False
    for match in _TOKEN.finditer(sparql):
        token = match.group()
        if token.isspace() or token.startswith("#"):
            continue
        if expect_name:  # PREFIX's name, then its IRI
            expect_name, expect_iri = False, True
            continue
        if expect_iri:
            expect_iri = False
            continue
        word = token.upper()
        if word == "PREFIX":
            expect_name = True
        elif word == "BASE":
            expect_iri = True
        elif word in ACCEPT:
            return word
        else:  # INSERT, DELETE, LOAD, ...: not a query; the endpoint will say so
            return "UPDATE"
    return "SELECT"


def media_type(content_type: str) -> str:
    """``application/sparql-results+json; charset=utf-8`` → ``application/sparql-results+json``."""
    return content_type.split(";", 1)[0].strip().lower()


def parse_answer(url: str, body: bytes, content_type: str, form: str) -> QueryResult:
    """The endpoint's answer to a query of ``form`` as engine-neutral results, or an EndpointError."""
    kind = media_type(content_type)
    if kind in ("text/html", "application/xhtml+xml") or body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise EndpointError(f"{url} answered an HTML page, not SPARQL results: is this the endpoint's query URL?")
    if kind in _RDF_TYPES:
        if form in ("SELECT", "ASK"):
            raise EndpointError(f"{url} answered {kind} to a {form} query: not SPARQL results")
        return _graph(url, body, _RDF_TYPES[kind])
    if "json" in kind:
        if form in ("CONSTRUCT", "DESCRIBE"):
            raise EndpointError(f"{url} answered JSON to a {form} query, not RDF (it ignored Accept: {ACCEPT[form]})")
        return parse_results_json(url, body)
    if kind in _RESULTS_TYPES:
        return _results(url, body, _RESULTS_TYPES[kind])
    raise EndpointError(f"{url} answered {kind or 'no Content-Type'}, which is neither SPARQL results nor RDF")


def _graph(url: str, body: bytes, rdf_format: ox.RdfFormat) -> GraphResult:
    try:
        return GraphResult([(t.subject, t.predicate, t.object) for t in ox.parse(body, format=rdf_format)])
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"{url} answered malformed RDF: {_one_line(error)}") from None


def _results(url: str, body: bytes, results_format: ox.QueryResultsFormat) -> QueryResult:
    try:
        parsed = ox.parse_query_results(body, format=results_format)
        if isinstance(parsed, ox.QueryBoolean):
            return AskResult(bool(parsed))
        variables = tuple(v.value for v in parsed.variables)
        return SelectResult(variables, [tuple(row[v] for v in variables) for row in parsed])
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"{url} answered malformed SPARQL results: {_one_line(error)}") from None


def parse_results_json(url: str, body: bytes) -> QueryResult:
    """SPARQL 1.1 Query Results JSON, with the engines' known variations accepted.

    >>> parse_results_json("u", b'{"head": {}, "boolean": 1}')
    AskResult(value=True)
    >>> parse_results_json("u", b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "a b"}}]}}')
    Traceback (most recent call last):
    ...
    etiograph.errors.EndpointError: u answered an invalid IRI <a b> for ?x: Invalid IRI code point ' '
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EndpointError(f"{url} answered malformed JSON: {_one_line(error)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict):
        raise EndpointError(f"{url} answered JSON without a 'head': not SPARQL results")
    if "boolean" in data:
        return AskResult(_boolean(url, data["boolean"]))
    variables = data["head"].get("vars", [])
    results = data.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise EndpointError(f"{url} answered a 'head' whose 'vars' is not a list of names")
    if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        raise EndpointError(f"{url} answered JSON without 'results.bindings': not SPARQL results")
    names = tuple(variables)
    rows = [tuple(term_from_json(url, name, b[name]) if name in b else None for name in names) for b in bindings]
    return SelectResult(names, rows)


def _boolean(url: str, value: object) -> bool:
    """``true``/``false`` as SPARQL says; ``1``/``0`` and their strings as Virtuoso writes them."""
    if isinstance(value, bool):
        return value
    if value in (1, 0) or value in ("1", "0", "true", "false"):
        return value in (1, "1", "true")
    raise EndpointError(f"{url} answered an ASK whose 'boolean' is {value!r}, not true or false")


def term_from_json(url: str, name: str, value: object) -> Term:
    """One RDF term of the results JSON format; anything that is not valid RDF raises EndpointError."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise EndpointError(f"{url} answered a binding of ?{name} without a string 'value'")
    kind, text = value.get("type"), value["value"]
    try:
        if kind == "uri":
            return ox.NamedNode(text)
        if kind == "bnode":  # labels are local to one answer; Virtuoso's "nodeID://b10000" is not a valid one
            return ox.BlankNode(text if _BNODE_LABEL.fullmatch(text) else _bnode_label(text))
        if kind not in ("literal", "typed-literal"):
            raise EndpointError(f"{url} answered a binding of ?{name} of unknown type {kind!r}")
        language = value.get("xml:lang", value.get("lang"))
        if language:
            return ox.Literal(text, language=language)
        datatype = value.get("datatype")
        return ox.Literal(text, datatype=ox.NamedNode(datatype) if datatype else _XSD_STRING)
    except ValueError as error:
        what = {"uri": f"an invalid IRI <{text}>", "bnode": f"an invalid blank node _:{text}"}.get(
            kind, f"an invalid literal (language {value.get('xml:lang', value.get('lang'))!r}, datatype {value.get('datatype')!r})"
        )
        raise EndpointError(f"{url} answered {what[:200]} for ?{name}: {_one_line(error)}") from None


_BNODE_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-.]*")


def _bnode_label(text: str) -> str:
    """A valid label for an engine's own blank-node id, the same for the same id within an answer.

    >>> _bnode_label("nodeID://b10000")
    'nodeID_b10000_7fd47d59'
    """
    import hashlib

    readable = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")[:40] or "b"
    return f"{readable}_{hashlib.sha1(text.encode()).hexdigest()[:8]}"  # noqa: S324 (a label, not security)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]
