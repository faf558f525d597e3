"""The ASGI application: a read-only SPARQL 1.1 endpoint, its descriptions and the query page.

Routes
    ``GET /``              the query page (YASGUI, the named queries as examples)
    ``GET|POST /sparql``   SPARQL 1.1 Protocol queries; without a query, the service description
    ``GET /void``          the VoID description of the dataset
    ``GET /diagram``       the interactive causal diagram (when ``etiograph.viz`` is installed)
    ``GET /static/…``      the page's scripts and styles, served from the package

Queries run in worker processes (:mod:`etiograph.server.pool`); the event loop only parses
requests and copies answers. :func:`create_app` builds the app; ``etiograph serve`` runs it
with uvicorn, and tests or benchmarks can run it with any ASGI server.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..datafiles import graph_sources
from ..errors import EtiographError
from . import description, protocol
from .page import CONTENT_SECURITY_POLICY, query_page
from .pool import WorkerPool, worker_argv
from .protocol import (
    GRAPH_FORMAT_NAMES,
    GRAPH_FORMATS,
    SELECT_FORMAT_NAMES,
    SELECT_FORMATS,
    ProtocolError,
    choose,
    negotiate,
    not_acceptable,
    parse_accept,
    read_request,
    unknown_formats,
)

log = logging.getLogger("etiograph.server")

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY = 1_000_000
DEFAULT_WORKERS = 2
#: Headers a browser script may read from answers (CORS).
EXPOSED_HEADERS = ["Etiograph-Truncated", "Etiograph-Row-Limit"]


def text(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """An error or notice for people: one plain-text message, never a traceback."""
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


class SecurityHeaders:
    """Pure ASGI middleware: ``nosniff`` and ``no-referrer`` on every answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    too_big = ProtocolError(413, f"the request body is larger than this server's limit of {limit:,} bytes")
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise too_big
        except ValueError:
            raise ProtocolError(400, "the Content-Length header is not a number") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _diagram_renderer() -> Callable | None:
    """``etiograph.viz.diagram_html`` when that module is installed and importable."""
    try:
        module = importlib.import_module("etiograph.viz")
    except ImportError:
        return None
    except Exception as error:  # a broken optional module must not stop the endpoint
        log.warning("etiograph.viz could not be imported (%s): no /diagram", error)
        return None
    return getattr(module, "diagram_html", None)


def create_app(
    paths: Sequence[str | Path] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_body: int = DEFAULT_MAX_BODY,
    workers: int = DEFAULT_WORKERS,
    store: str | None = None,
    sandbox_workers: bool = True,
    on_ready: Callable[[int], None] | None = None,
) -> Starlette:
    """The endpoint for the bundled graph, or for ``paths`` (Turtle files; the ontology is always added).

    ``timeout`` (seconds) stops a query for real (its worker is killed and replaced); answers hold at
    most ``max_rows`` rows or triples (header ``Etiograph-Truncated`` says when one was cut); bodies
    over ``max_body`` bytes get 413. ``workers`` processes answer queries in parallel. ``store`` is
    ``oxigraph`` (default, in memory in each worker), ``oxigraph:PATH`` or ``rdflib``.
    ``on_ready(triples)`` is called once the workers have loaded the graph.

    Raises :class:`~etiograph.errors.EtiographError` (missing or invalid data, bad limits) at once.
    """
    if timeout <= 0:
        raise EtiographError("--timeout must be more than 0 seconds")
    if max_rows < 1:
        raise EtiographError("--max-rows must be at least 1")
    if workers < 1:
        raise EtiographError("--workers must be at least 1")
    if max_body < 1024:
        raise EtiographError("--max-body must be at least 1024 bytes")
    data = [Path(p) for p in paths] if paths else None
    sources = graph_sources(data)
    descriptor = store or "oxigraph"
    kind = descriptor.partition(":")[0]
    if kind not in ("oxigraph", "memory", "rdflib"):
        raise EtiographError(f"unknown store {descriptor!r} for serve: use oxigraph, oxigraph:PATH or rdflib")
    if descriptor.startswith("oxigraph:"):
        from ..backends import open_backend

        backend = open_backend(descriptor, sources)  # (re)loads only when the files changed
        backend.close()
        del backend
    stats = description.dataset_stats(sources)  # also checks every file parses, naming file and line
    pool = WorkerPool(worker_argv([str(p) for p in sources], store, sandbox_workers), workers, timeout)
    render_diagram = _diagram_renderer()
    page = query_page(triples=stats.triples, timeout=timeout, max_rows=max_rows, diagram=render_diagram is not None)
    diagram_cache: dict[str, str] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await pool.start()  # etiograph serve starts it before uvicorn, to report failures cleanly
        if pool.triples is not None and pool.triples != stats.triples:
            log.warning("workers hold %s triples, the description says %s", pool.triples, stats.triples)
        if on_ready:
            on_ready(stats.triples)
        try:
            yield
        finally:
            await pool.close()

    def describe(request: Request, formats: Sequence[str], triples_for: Callable[[str], list]) -> Response:
        accept = request.headers.get("accept")
        fmt = protocol.format_param(formats, GRAPH_FORMAT_NAMES, GRAPH_FORMATS)
        if fmt is None:
            ranges = parse_accept(accept)
            html_quality = max((q for r, q in ranges if r == "text/html"), default=0.0)
            fmt = negotiate(accept, GRAPH_FORMATS)
            best = max((q for r, q in ranges if r != "text/html"), default=0.0)
            if html_quality > 0 and html_quality >= best:  # a person with a browser: show the query page
                return RedirectResponse("./", status_code=303, headers={"Vary": "Accept"})
        if fmt is None:
            error = not_acceptable(GRAPH_FORMATS, "the description")
            return text(error.status, error.message)
        body = description.serialise(triples_for(str(request.base_url)), fmt)
        kind = GRAPH_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("turtle", "nt") else "")
        return Response(body, headers={"Content-Type": kind, "Vary": "Accept"})

    def service_triples(base: str) -> list:
        return description.service_description(stats, base, timeout=timeout, max_rows=max_rows)

    def void_triples(base: str) -> list:
        return description.void_description(stats, base)

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        try:
            body = await read_body(request, max_body) if request.method == "POST" else b""
            asked = read_request(
                request.method, request.headers.get("content-type"), request.scope["query_string"], body
            )
            bad = unknown_formats(asked.formats)
            if asked.formats and len(bad) == len(asked.formats):
                raise ProtocolError(
                    400,
                    f"unknown format {bad[0]!r}: use json, xml, csv or tsv (SELECT, ASK) or turtle, nt, jsonld "
                    "or rdfxml (CONSTRUCT, DESCRIBE), or an Accept header",
                )
            if asked.query is None:
                return describe(request, asked.formats, service_triples)
            if len(asked.query.encode("utf-8")) > max_body:
                raise ProtocolError(413, f"the query is longer than this server's limit of {max_body:,} bytes")
        except ProtocolError as error:
            return text(error.status, error.message)
        accept = request.headers.get("accept")
        select_format = choose(asked.formats, accept, SELECT_FORMAT_NAMES, SELECT_FORMATS)
        graph_format = choose(asked.formats, accept, GRAPH_FORMAT_NAMES, GRAPH_FORMATS)
        answer = await pool.run(
            {
                "query": asked.query,
                "select_format": select_format,
                "graph_format": graph_format,
                "max_rows": max_rows,
                "not_acceptable_select": not_acceptable(SELECT_FORMATS, "a SELECT or ASK query").message,
                "not_acceptable_graph": not_acceptable(GRAPH_FORMATS, "a CONSTRUCT or DESCRIBE query").message,
            }
        )
        headers = {**answer.headers, "Content-Type": answer.content_type, "Vary": "Accept", "Cache-Control": "no-store"}
        return Response(answer.body, status_code=answer.status, headers=headers)

    async def void(request: Request) -> Response:
        return describe(request, request.query_params.getlist("format"), void_triples)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    async def diagram(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        if "html" not in diagram_cache:

            def render() -> str:
                from ..graph import KnowledgeGraph

                result = render_diagram(KnowledgeGraph.load(data=data))
                return result.decode("utf-8") if isinstance(result, bytes) else str(result)

            try:
                diagram_cache["html"] = await run_in_threadpool(render)
            except Exception as error:  # the diagram is a convenience; the endpoint goes on
                log.error("the diagram could not be drawn: %s: %s", type(error).__name__, error)
                return text(500, "the diagram could not be drawn (details are in the server's log)")
        return HTMLResponse(diagram_cache["html"])

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"]),
        Route("/void", void, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if render_diagram is not None:
        routes.append(Route("/diagram", diagram, methods=["GET"]))
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            allow_credentials=False,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.stats = stats
    app.state.sources = sources
    return app
