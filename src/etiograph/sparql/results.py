"""Write query results in the W3C SPARQL 1.1 results formats (JSON, XML, CSV, TSV) or as a table.

Shared by ``etiograph query`` and ``etiograph serve`` so both speak the same formats.
Engine-neutral: works on :class:`SelectResult` / :class:`AskResult` / :class:`GraphResult`.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from ..backends import AskResult, GraphResult, QueryResult, SelectResult, Term
from ..errors import EtiographError
from ..vocab import shorten

SELECT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term: Term) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: SelectResult | AskResult) -> str:
    if isinstance(result, AskResult):
        return json.dumps({"head": {}, "boolean": result.value}, ensure_ascii=False)
    bindings = [{v: term_json(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_xml(result: SelectResult | AskResult) -> str:
    # imported here: xml.sax.saxutils pulls in urllib.request, http.client, email and ssl (~40 ms of
    # every query's cold start, for the one format that escapes XML)
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    if isinstance(result, AskResult):
        out += ["  </head>", f"  <boolean>{'true' if result.value else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["  </head>", "  <results>"]
    for row in result.rows:
        out.append("    <result>")
        for variable, term in zip(result.variables, row):
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                inner = f"<uri>{escape(term.value)}</uri>"
            elif isinstance(term, ox.BlankNode):
                inner = f"<bnode>{escape(term.value)}</bnode>"
            elif term.language:
                inner = f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
            elif term.datatype.value != _XSD_STRING:
                inner = f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            else:
                inner = f"<literal>{escape(term.value)}</literal>"
            out.append(f"      <binding name={quoteattr(variable)}>{inner}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: plain values (IRIs bare, literals without tags), CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else ("_:" + t.value if isinstance(t, ox.BlankNode) else t.value) for t in row]
        )
    return buffer.getvalue()


def tsv_term(term: Term | None) -> str:
    """SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax; simple numbers may stay bare."""
    if term is None:
        return ""
    return str(term)


def to_tsv(result: SelectResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def display(term: Term | None) -> str:
    """A term as a person reads it: CURIEs for IRIs, the text of literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def to_table(result: SelectResult | AskResult, columns: int | None = None) -> str:
    """An aligned plain-text table with a row count; fitted to ``columns`` by wrapping cells, never cutting.

    Rows too wide for readable columns turn into a record view (see :func:`to_records`); None
    (a pipe or a file) keeps every row on one line.

    >>> import pyoxigraph as ox
    >>> result = SelectResult(("concept", "quote"), [(ox.NamedNode("https://w3id.org/etiograph/kg/fever"),
    ...     ox.Literal("Kidney infections provoke systemic inflammatory responses."))])
    >>> print(to_table(result, columns=40), end="")
    concept   quote
    --------  ------------------------------
    kg:fever  Kidney infections provoke
              systemic inflammatory
              responses.
    (1 row)
    """
    from ..render.terminal import table

    if isinstance(result, AskResult):
        return ("yes" if result.value else "no") + "\n"
    cells = [[display(t) for t in row] for row in result.rows]
    lines = table(list(result.variables), cells, columns)
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_records(result: SelectResult | AskResult, columns: int | None = None) -> str:
    """One block per row, ``variable  value`` per line: for rows with many or long columns.

    >>> import pyoxigraph as ox
    >>> print(to_records(SelectResult(("c", "label"), [(ox.NamedNode("https://w3id.org/etiograph/kg/fever"),
    ...     ox.Literal("fever"))]), columns=30), end="")
    -[ 1 ]------------------------
    c      kg:fever
    label  fever
    (1 row)
    """
    from ..render.terminal import records

    if isinstance(result, AskResult):
        return ("yes" if result.value else "no") + "\n"
    lines = records(list(result.variables), [[display(t) for t in row] for row in result.rows], columns)
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def graph_to(result: GraphResult, fmt: str) -> bytes:
    """CONSTRUCT/DESCRIBE triples as Turtle, N-Triples or JSON-LD (via pyoxigraph)."""
    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    if fmt not in formats:
        raise ValueError(f"graph results can be written as {', '.join(formats)}, not {fmt!r}")
    triples = list(dict.fromkeys(ox.Triple(s, p, o) for s, p, o in result.triples))
    from ..vocab import PREFIXES

    if fmt == "nt":
        return ox.serialize(triples, format=formats[fmt])
    return ox.serialize(triples, format=formats[fmt], prefixes=PREFIXES)


def write_result(result: QueryResult, fmt: str, columns: int | None = None) -> bytes:
    """Serialise any query result in ``fmt`` (select formats, or graph formats for CONSTRUCT).

    ``columns`` is the width ``table`` and ``records`` fit (None: a pipe or file, not wrapped).
    """
    if isinstance(result, GraphResult):
        if fmt in SELECT_FORMATS and fmt not in ("table", "records"):
            raise EtiographError(
                f"{fmt} is a format for SELECT/ASK results; write CONSTRUCT/DESCRIBE as turtle, nt or jsonld"
            )
        return graph_to(result, "turtle" if fmt in ("table", "records") else fmt)
    if fmt in GRAPH_FORMATS:
        raise EtiographError(
            f"{fmt} is for CONSTRUCT/DESCRIBE results; write SELECT/ASK as table, csv, tsv, json or xml"
        )
    if fmt == "json":
        return to_json(result).encode()
    if fmt == "xml":
        return to_xml(result).encode()
    if fmt in ("csv", "tsv"):
        if isinstance(result, AskResult):
            return f"_askResult\r\n{'true' if result.value else 'false'}\r\n".encode()
        return (to_csv(result) if fmt == "csv" else to_tsv(result)).encode()
    if fmt == "table":
        return to_table(result, columns).encode()
    if fmt == "records":
        return to_records(result, columns).encode()
    raise ValueError(f"unknown results format {fmt!r}")
