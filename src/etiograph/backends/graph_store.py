"""Push a graph into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol, then count it back.

Oxigraph server (``/store``), Virtuoso (``/sparql-graph-crud-auth``, HTTP digest), Fuseki (``/ds/data``)
and GraphDB (``/repositories/ID/rdf-graphs/service``) accept ``PUT`` (replace a graph) and ``POST``
(add to it) of N-Triples. A large graph goes in batches, so the user sees progress and no request
is huge: the first batch is a ``PUT``, the rest ``POST``. A blank node only means the same node
within one request, so a batch never splits a subject from the blank-node tree under it (a claim's
evidence selectors). Afterwards the triples are counted through the store's SPARQL endpoint (or by
reading the graph back) and must equal what was sent.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import EndpointError, EtiographError
from ..records import record

if TYPE_CHECKING:
    import httpx

#: Batches of about this many triples (a subject's blank-node tree is never split).
BATCH = 50_000
NTRIPLES = "application/n-triples"

#: GSP path → query path of the engines whose layout is known.
_QUERY_ENDPOINTS = (
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso, unauthenticated
    ("/rdf-graphs/service", ""),  # GraphDB / RDF4J: /repositories/ID
    ("/store", "/query"),  # Oxigraph server
    ("/data", "/query"),  # Fuseki: /DATASET/data
)


class PublishError(EtiographError):
    """The store refused the graph, or holds a different number of triples afterwards."""


@record(frozen=True)
class Published:
    sent: int
    counted: int
    batches: int
    seconds: float


def query_endpoint_for(gsp_url: str) -> str | None:
    """The SPARQL query URL beside a Graph Store URL, for the engines whose layout is known.

    >>> query_endpoint_for("http://127.0.0.1:8890/sparql-graph-crud-auth")
    'http://127.0.0.1:8890/sparql'
    >>> query_endpoint_for("http://localhost:3030/etiograph/data")
    'http://localhost:3030/etiograph/query'
    >>> query_endpoint_for("http://h/elsewhere") is None
    True
    """
    parts = urllib.parse.urlsplit(gsp_url)
    for suffix, replacement in _QUERY_ENDPOINTS:
        if parts.path.endswith(suffix):
            path = parts.path[: -len(suffix)] + replacement
            return urllib.parse.urlunsplit(parts._replace(path=path, query=""))
    return None


def batches(store: ox.Store, size: int = BATCH) -> Iterator[list[ox.Triple]]:
    """The default graph's triples in batches of about ``size`` (0: one batch), blank-node trees kept whole.

    A blank node referred to from two subjects that land in different batches would become two nodes
    in the store, so that raises PublishError (publish it as one batch, ``--batch 0``).
    """
    graph = ox.DefaultGraph()
    sent_in: dict[ox.BlankNode, int] = {}
    number = 0
    batch: list[ox.Triple] = []

    def tree(node: ox.BlankNode) -> Iterator[ox.Triple]:
        if node in sent_in:
            if sent_in[node] != number:
                raise PublishError(
                    f"blank node _:{node.value} is shared by subjects in different batches: publish with --batch 0"
                )
            return
        sent_in[node] = number
        for quad in store.quads_for_pattern(node, None, None, graph):
            yield quad.triple
            if isinstance(quad.object, ox.BlankNode):
                yield from tree(quad.object)

    def flush() -> Iterator[list[ox.Triple]]:
        nonlocal batch, number
        if batch:
            yield batch
            batch, number = [], number + 1

    subject = None
    for quad in store.quads_for_pattern(None, None, None, graph):  # grouped by subject (SPO index)
        if isinstance(quad.subject, ox.BlankNode):
            continue  # sent with the subject that refers to it, or below as a root
        if quad.subject != subject:
            subject = quad.subject
            if size and len(batch) >= size:
                yield from flush()
        batch.append(quad.triple)
        if isinstance(quad.object, ox.BlankNode):
            batch.extend(tree(quad.object))
    for quad in store.quads_for_pattern(None, None, None, graph):  # blank-node roots nobody refers to
        if isinstance(quad.subject, ox.BlankNode) and quad.subject not in sent_in:
            if size and len(batch) >= size:
                yield from flush()
            batch.extend(tree(quad.subject))
    yield from flush()


class GraphStore:
    """One graph (``graph`` IRI, or the default graph) of a Graph Store Protocol endpoint."""

    def __init__(
        self,
        url: str,
        graph: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 600.0,
    ):
        if not url.startswith(("http://", "https://")):
            raise EndpointError(f"the Graph Store URL must start with http:// or https://, got {url!r}")
        if graph is not None:
            try:
                ox.NamedNode(graph)
            except ValueError as error:
                raise EtiographError(f"--graph needs an absolute IRI, not {graph!r}: {error}") from None
        self.url = url
        self.graph = graph
        self.user = user
        self._password = password
        self.timeout = timeout
        self._client: httpx.Client | None = None

    @property
    def target(self) -> str:
        """The request URL: ``?graph=IRI`` or ``?default`` (SPARQL 1.1 Graph Store Protocol §4.2)."""
        query = urllib.parse.urlencode({"graph": self.graph}) if self.graph else "default"
        return f"{self.url}{'&' if '?' in self.url else '?'}{query}"

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=10.0), headers={"User-Agent": "etiograph"})
            if self.user is not None:
                self._client.auth = self._auth_scheme()
        return self._client

    def _auth_scheme(self) -> httpx.Auth:
        """Digest (Virtuoso) or Basic (Fuseki, GraphDB), as the server's challenge asks; probed with a body-less
        request so no batch travels twice, and digest then signs every batch up front."""
        import httpx

        assert self._client is not None and self.user is not None
        try:
            probe = self._client.head(self.target)
        except httpx.HTTPError as error:
            raise EndpointError(f"cannot reach {self.url}: {error}") from None
        challenge = probe.headers.get("WWW-Authenticate", "")
        if challenge.lower().startswith("digest"):
            auth: httpx.Auth = httpx.DigestAuth(self.user, self._password or "")
            self._client.head(self.target, auth=auth)  # learns the nonce
            return auth
        return httpx.BasicAuth(self.user, self._password or "")

    def _send(self, method: str, body: bytes) -> None:
        import httpx

        try:
            response = self._http().request(method, self.target, content=body, headers={"Content-Type": NTRIPLES})
        except httpx.TimeoutException:
            raise EndpointError(f"{self.url}: timed out after {self.timeout:g} s while storing a batch") from None
        except httpx.HTTPError as error:
            raise EndpointError(f"cannot reach {self.url}: {error}") from None
        if response.status_code == 401:
            who = f"user {self.user!r}" if self.user else "no user"
            raise PublishError(f"{self.url} refused {who} (401): give --user NAME --password-env VAR with write rights")
        if response.status_code >= 300:
            from .endpoint import server_message

            message = server_message(response.content) or response.reason_phrase
            raise PublishError(f"{self.url} answered {response.status_code} to {method}: {message}")

    def publish(
        self,
        paths: Sequence[Path],
        *,
        batch: int = BATCH,
        progress: Callable[[int, int], None] | None = None,
        query_endpoint: str | None = None,
    ) -> Published:
        """Replace the graph with the triples of ``paths``; count them back. ``progress(sent, total)``."""
        import time

        begin = time.monotonic()
        store = _load(paths)
        total = len(store)
        sent = count = 0
        for count, triples in enumerate(batches(store, batch), start=1):
            self._send("PUT" if count == 1 else "POST", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
            sent += len(triples)
            if progress:
                progress(sent, total)
        if count == 0:  # an empty graph: still replace what was there
            self._send("PUT", b"")
        counted = self.count(query_endpoint)
        seconds = time.monotonic() - begin
        if counted != total:
            raise PublishError(
                f"{self.url}: sent {total:,} triples but the graph holds {counted:,} afterwards "
                "(another writer, or a store that rewrote the data)"
            )
        return Published(total, counted, count, seconds)

    def count(self, query_endpoint: str | None = None) -> int:
        """Triples in the graph, by SPARQL COUNT where a query endpoint is known, else by reading it back."""
        query_url = query_endpoint or query_endpoint_for(self.url)
        if query_url:
            from .endpoint import EndpointBackend

            where = f"GRAPH {ox.NamedNode(self.graph)} {{ ?s ?p ?o }}" if self.graph else "?s ?p ?o"
            backend = EndpointBackend(query_url)
            try:
                rows = backend.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows
                return int(rows[0][0].value)
            except (IndexError, AttributeError, TypeError, ValueError):
                raise PublishError(f"{query_url} answered a triple count that is not a number") from None
            finally:
                backend.close()
        return sum(1 for _ in self._read_back())

    def _read_back(self) -> Iterable[ox.Triple]:
        import httpx

        try:
            response = self._http().get(self.target, headers={"Accept": NTRIPLES})
        except httpx.HTTPError as error:
            raise EndpointError(f"cannot reach {self.url}: {error}") from None
        if response.status_code >= 300:
            raise PublishError(f"{self.url} answered {response.status_code} when the graph was read back")
        try:
            return list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as error:
            raise PublishError(f"{self.url} sent the graph back as malformed N-Triples: {error}") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _load(paths: Sequence[Path]) -> ox.Store:
    """The files in an in-memory store: duplicates merged, so the count to expect is exact."""
    from .oxigraph_backend import OxigraphBackend

    backend = OxigraphBackend()
    backend.load(paths)
    return backend.store
