"""Any SPARQL 1.1 endpoint over HTTP (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB, `etiograph serve`).

Queries go out as ``POST application/sparql-query``; SELECT/ASK come back as SPARQL JSON
results and CONSTRUCT/DESCRIBE as N-Triples, parsed by pyoxigraph. Read-only: ``load`` refuses.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import EndpointError, QueryError
from .base import AskResult, GraphResult, QueryResult, SelectResult, Term
from .substitution import substitute

_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


def term_from_json(value: dict) -> Term:
    """One term of the SPARQL 1.1 Query Results JSON Format."""
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    datatype = value.get("datatype")
    return ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else _XSD_STRING)


class EndpointBackend:
    """A remote endpoint at ``url`` (its query URL, e.g. ``http://127.0.0.1:7878/query``)."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 60.0):
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"endpoint URL must start with http:// or https://, got {url!r}")
        self.url = url
        self.timeout = timeout

    def load(self, paths: Sequence[Path]) -> None:
        raise EndpointError("a remote endpoint is read-only here: load the data into the endpoint itself")

    def _post(self, sparql: str, accept: str) -> tuple[bytes, str]:
        request = urllib.request.Request(  # noqa: S310 (the user chose this http(s) endpoint)
            self.url,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (user-chosen endpoint)
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace").strip()
            if error.code == 400:
                raise QueryError(f"the endpoint rejected the query: {body[:500]}") from None
            raise EndpointError(f"{self.url} answered {error.code}: {body[:500]}") from None
        except (urllib.error.URLError, OSError) as error:
            raise EndpointError(f"cannot reach {self.url}: {getattr(error, 'reason', error)}") from None

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        text = substitute(sparql, bindings or {})
        body, content_type = self._post(
            text, "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
        )
        if "json" in content_type:
            data = json.loads(body)
            if "boolean" in data:
                return AskResult(bool(data["boolean"]))
            variables = tuple(data["head"].get("vars", []))
            rows = [
                tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]
            ]
            return SelectResult(variables, rows)
        rdf_format = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
        triples = [(t.subject, t.predicate, t.object) for t in ox.parse(body, format=rdf_format)]
        return GraphResult(triples)

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result.rows[0][0].value)

    def close(self) -> None:
        pass
