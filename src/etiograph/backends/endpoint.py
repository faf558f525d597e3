"""Any SPARQL 1.1 endpoint over HTTP (Oxigraph server, Virtuoso, Fuseki, QLever, GraphDB, `etiograph serve`).

Queries go out in the protocol form every server accepts: an HTML-form POST (``query=…``,
``application/x-www-form-urlencoded``). Virtuoso 7.2 never answers the other POST form,
``application/sparql-query`` (openlink/virtuoso-opensource#842), so that one is only a fallback or a
choice (``method="direct"``, or ``ETIOGRAPH_SPARQL_METHOD=direct|get|form``). ``Accept`` follows the
query form (results formats for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE); answers are read by
:mod:`.answers`. A server that cuts an answer short (Virtuoso's ``ResultSetMaxRows`` with only an
``X-SPARQL-MaxRows`` header) raises an error instead of returning a silent subset. Parameters in the
URL (``default-graph-uri``) are kept; ``--graph IRI`` adds one. Read-only: ``load`` refuses.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import EndpointError, QueryError
from .answers import ACCEPT, parse_answer, query_form
from .answers import term_from_json as _term_from_json
from .base import GraphResult, QueryResult, SelectResult, Term, limited
from .substitution import substitute

if TYPE_CHECKING:
    import httpx

METHODS = ("form", "direct", "get")
#: Seconds to open a connection, and to wait for each chunk of an answer.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
#: Longest URL sent as GET (the fallback); longer queries are POSTed.
_MAX_GET = 6000
#: Headers by which engines say they cut an answer short: Virtuoso's ResultSetMaxRows.
_TRUNCATION_HEADERS = ("X-SPARQL-MaxRows",)


def with_default_graph(url: str, graph: str) -> str:
    """``url`` with ``default-graph-uri=graph`` added (the IRI checked first).

    >>> with_default_graph("http://h:8890/sparql", "https://w3id.org/etiograph/kg/")
    'http://h:8890/sparql?default-graph-uri=https%3A%2F%2Fw3id.org%2Fetiograph%2Fkg%2F'
    """
    try:
        ox.NamedNode(graph)
    except ValueError as error:
        raise EndpointError(f"--graph needs an absolute IRI, not {graph!r}: {error}") from None
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), ("default-graph-uri", graph)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def term_from_json(value: dict) -> Term:
    """One term of the SPARQL 1.1 Query Results JSON format (see :func:`.answers.term_from_json`)."""
    return _term_from_json("the endpoint", "value", value)


def server_message(body: bytes, limit: int = 300) -> str:
    """The server's error text on one line: tags stripped, whitespace collapsed, cut at ``limit``.

    >>> server_message(b"<html><body><h1>Error</h1>\\n<p>Virtuoso 37000 Error SP030:\\n syntax error</p></body></html>")
    'Error Virtuoso 37000 Error SP030: syntax error'
    """
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class EndpointBackend:
    """A remote endpoint at ``url`` (its query URL, e.g. ``http://127.0.0.1:7878/query``).

    ``row_cap``: a result limit the server is known to apply silently; an answer of exactly that
    many rows is then reported as possibly truncated.
    """

    name = "endpoint"

    def __init__(
        self,
        url: str,
        timeout: float = READ_TIMEOUT,
        *,
        method: str | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        row_cap: int | None = None,
    ):
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"endpoint URL must start with http:// or https://, got {url!r}")
        method = method or os.environ.get("ETIOGRAPH_SPARQL_METHOD") or "form"
        if method not in METHODS:
            raise EndpointError(f"unknown SPARQL protocol method {method!r}: choose one of {', '.join(METHODS)}")
        self.url = url
        parts = urllib.parse.urlsplit(url)
        #: The URL without its query string, and the parameters that were in it (default-graph-uri, ...).
        self.base_url = urllib.parse.urlunsplit(parts._replace(query=""))
        self.params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        self.method = method
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.row_cap = row_cap
        self._client: httpx.Client | None = None

    def load(self, paths: Sequence[Path]) -> None:
        raise EndpointError(
            "a remote endpoint is read-only here: publish the graph into it (etiograph publish) or use its loader"
        )

    # -- HTTP ----------------------------------------------------------------------------------------
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
                follow_redirects=False,
                headers={"User-Agent": "etiograph"},
            )
        return self._client

    def _request(self, sparql: str, accept: str, method: str) -> httpx.Response:
        headers = {"Accept": accept}
        params = [*self.params, ("query", sparql)]
        if method == "form":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(params).encode("ascii")
            return self.client.post(self.base_url, content=body, headers=headers)
        if method == "get":
            return self.client.get(self.base_url, params=params, headers=headers)
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
        return self.client.post(self.base_url, params=self.params, content=sparql.encode("utf-8"), headers=headers)

    def _send(self, sparql: str, accept: str) -> httpx.Response:
        import httpx

        try:
            response = self._request(sparql, accept, self.method)
            if response.status_code in (405, 415) and self.method == "form":
                # A server that refuses form posts: GET when the query fits a URL, else a direct POST.
                fallback = "get" if len(self.base_url) + 3 * len(sparql) < _MAX_GET else "direct"
                retried = self._request(sparql, accept, fallback)
                if retried.status_code < 400:
                    self.method = fallback
                response = retried
        except httpx.TimeoutException as error:
            kind = "connecting" if isinstance(error, httpx.ConnectTimeout) else "waiting for the answer"
            limit = self.connect_timeout if isinstance(error, httpx.ConnectTimeout) else self.timeout
            raise EndpointError(f"{self.url}: timed out {kind} (after {limit:g} s)") from None
        except httpx.HTTPError as error:
            raise EndpointError(f"cannot reach {self.url}: {_reason(error)}") from None
        if response.status_code >= 400:
            message = server_message(response.content) or response.reason_phrase
            if response.status_code == 400:
                raise QueryError(f"the endpoint rejected the query: {message}")
            raise EndpointError(f"{self.url} answered {response.status_code}: {message}")
        if response.status_code >= 300:
            where = response.headers.get("Location", "")
            raise EndpointError(
                f"{self.url} answered {response.status_code} (a redirect{' to ' + where if where else ''}): "
                "give that URL to --endpoint"
            )
        return response

    # -- the Backend contract -------------------------------------------------------------------
    def query(
        self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None
    ) -> QueryResult:
        """The whole answer is read (and checked complete), then cut at ``limit``."""
        text = substitute(sparql, bindings or {})
        form = query_form(text)
        response = self._send(text, ACCEPT.get(form, ACCEPT["SELECT"]))
        result = parse_answer(self.url, response.content, response.headers.get("Content-Type", ""), form)
        self._check_complete(result, response)
        return limited(result, limit)

    def _check_complete(self, result: QueryResult, response: httpx.Response) -> None:
        """A result the server cut at its row limit is an error, never a silent subset."""
        if not isinstance(result, SelectResult | GraphResult):
            return
        for header in _TRUNCATION_HEADERS:
            cap = response.headers.get(header)
            if cap is not None and cap.strip().isdigit() and len(result) >= int(cap):
                raise EndpointError(
                    f"{self.url} cut the answer at {int(cap):,} rows ({header}): the result is incomplete; "
                    "raise the server's limit (Virtuoso: ResultSetMaxRows in [SPARQL] of virtuoso.ini) "
                    "or narrow the query"
                )
        if self.row_cap is not None and len(result) == self.row_cap:
            raise EndpointError(
                f"{self.url} returned exactly {self.row_cap:,} rows, its known result limit: the answer is "
                "probably incomplete; raise the server's limit or narrow the query"
            )

    def triple_count(self) -> int:
        """A COUNT query over HTTP (hence a method, not ``len()``)."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        try:
            return int(result.rows[0][0].value)
        except (AttributeError, IndexError, TypeError, ValueError):
            raise EndpointError(f"{self.url} answered a triple count that is not a number") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _reason(error: Exception) -> str:
    """The innermost cause's text: ``[Errno 111] Connection refused`` rather than httpx's wrapper."""
    while error.__context__ is not None and not str(error):
        error = error.__context__  # type: ignore[assignment]
    return " ".join(str(error).split())[:300] or type(error).__name__
