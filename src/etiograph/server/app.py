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

import asyncio
import contextlib
import functools
import hashlib
import importlib
import logging
import re
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
from .pool import SandboxError, WorkerError, WorkerPool, zygote_argv
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
from .worker import Answer

log = logging.getLogger("etiograph.server")

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY = 1_000_000
DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024
DEFAULT_QUERY_MEMORY = 1024 * 1024 * 1024
DEFAULT_WORKERS = 2
#: What the browser may do with the diagram page: run its own inline scripts (by hash), nothing else.
DIAGRAM_POLICY = (
    "default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
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


def diagram_policy(page: str) -> str:
    """A CSP for a rendered diagram: its inline scripts allowed by their SHA-256, nothing loaded from elsewhere."""
    import base64

    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
            for m in _INLINE_SCRIPT.findall(page)
        }
    )
    return DIAGRAM_POLICY.format(hashes=" ".join(hashes))


async def until_disconnected(receive) -> None:
    """Return when the client closes its connection (ASGI ``http.disconnect``), the body having been read."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")


def endpoint_iri(scope: dict) -> str:
    """``http://HOST/…/sparql`` for this request: the Host header when it is a plain host name or
    address (it is the client's text), else the address the server listens on."""
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
    if not _HOST.fullmatch(host):
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"[{server[0]}]:{server[1]}" if ":" in str(server[0]) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}/sparql"


@functools.lru_cache(maxsize=256)
def _formats(asked: tuple[str, ...], accept: str | None) -> tuple[str | None, str | None]:
    return (
        choose(asked, accept, SELECT_FORMAT_NAMES, SELECT_FORMATS),
        choose(asked, accept, GRAPH_FORMAT_NAMES, GRAPH_FORMATS),
    )


def formats_for(asked: tuple[str, ...], accept: str | None) -> tuple[str | None, str | None]:
    """The SELECT/ASK and CONSTRUCT/DESCRIBE formats for this request (short headers cached)."""
    if len(accept or "") > 300 or sum(len(f) for f in asked) > 300:
        return _formats.__wrapped__(asked, accept)
    return _formats(asked, accept)


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
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    workers: int = DEFAULT_WORKERS,
    max_workers: int | None = None,
    per_client: int | None = None,
    query_memory: int | None = DEFAULT_QUERY_MEMORY,
    store: str | None = None,
    sandbox: bool = True,
    cors: Sequence[str] | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> FastPath:
    """The endpoint for the bundled graph, or for ``paths`` (Turtle files; the ontology is always added).

    ``timeout`` (seconds) stops a query for real (its worker is killed and replaced); answers hold at
    most ``max_rows`` rows or triples (header ``Etiograph-Truncated`` says when one was cut) and at
    most ``max_answer_bytes`` bytes (503 beyond); bodies over ``max_body`` bytes get 413. ``workers``
    processes stay ready, up to ``max_workers`` when they are busy; a client address may run
    ``per_client`` long queries (over 1 s) at once; each worker may use ``query_memory`` bytes beyond the loaded graph (503 beyond; None:
    no limit). ``store`` is ``oxigraph`` (default, in memory), ``oxigraph:PATH`` or ``rdflib``.
    ``sandbox=False`` runs the workers without the kernel sandbox (``--unsafe-no-sandbox``).
    ``cors``: origins allowed to read answers from a browser (default: any, never with credentials).
    ``on_ready(triples)`` is called once the workers have loaded the graph.

    Raises :class:`~etiograph.errors.EtiographError` (missing data, bad limits) at once; invalid data
    and a missing sandbox are reported when the workers start (:meth:`WorkerPool.start`).
    """
    if timeout <= 0:
        raise EtiographError("--timeout must be more than 0 seconds")
    if max_rows < 1:
        raise EtiographError("--max-rows must be at least 1")
    if workers < 1:
        raise EtiographError("--workers must be at least 1")
    if max_workers is not None and max_workers < workers:
        raise EtiographError("--max-workers must be at least --workers")
    if max_body < 1024:
        raise EtiographError("--max-body must be at least 1024 bytes")
    if max_answer_bytes < 1024:
        raise EtiographError("--max-answer-bytes must be at least 1024 bytes")
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
    argv = zygote_argv([str(p) for p in sources], store, sandbox=sandbox, query_memory=query_memory or 0)
    pool = WorkerPool(argv, workers, timeout, max_workers=max_workers, per_client=per_client)
    render_diagram = _diagram_renderer()
    state: dict = {}
    diagram_cache: dict[str, str] = {}

    async def stats() -> description.DatasetStats:
        if "stats" not in state:
            state["stats"] = description.DatasetStats.from_json(await pool.statistics())
        return state["stats"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            await pool.start()  # etiograph serve starts it before uvicorn, to report failures cleanly
        except (WorkerError, SandboxError) as error:
            raise EtiographError(str(error)) from None
        if on_ready:
            on_ready(pool.triples)
        try:
            yield
        finally:
            await pool.close()

    async def describe(request: Request, formats: Sequence[str], triples_for: Callable) -> Response:
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
        body = description.serialise(await triples_for(str(request.base_url)), fmt)
        kind = GRAPH_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("turtle", "nt") else "")
        return Response(body, headers={"Content-Type": kind, "Vary": "Accept"})

    async def service_triples(base: str) -> list:
        return description.service_description(await stats(), base, timeout=timeout, max_rows=max_rows)

    async def void_triples(base: str) -> list:
        return description.void_description(await stats(), base)

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
                raise ProtocolError(400, unknown_format_message(bad[0]))
            if asked.query is None:
                return await describe(request, asked.formats, service_triples)
            if len(asked.query.encode("utf-8")) > max_body:
                raise ProtocolError(413, f"the query is longer than this server's limit of {max_body:,} bytes")
        except ProtocolError as error:
            return text(error.status, error.message)
        answer = await answer_query(request.scope, request.receive, asked, request.headers.get("accept"))
        if answer is None:
            return Response(status_code=499)
        headers = {**answer.headers, "Content-Type": answer.content_type, "Vary": "Accept", "Cache-Control": "no-store"}
        return Response(answer.body, status_code=answer.status, headers=headers)

    async def answer_query(scope: dict, receive, asked, accept: str | None):
        """Run one query in the pool; None when the client left first (its worker is then stopped)."""
        select_format, graph_format = formats_for(asked.formats, accept)
        job = {
            "query": asked.query,
            "base": endpoint_iri(scope),  # relative IRIs resolve against the endpoint, as servers do
            "select_format": select_format,
            "graph_format": graph_format,
            "max_rows": max_rows,
            "max_bytes": max_answer_bytes,
            "not_acceptable_select": NOT_ACCEPTABLE_SELECT,
            "not_acceptable_graph": NOT_ACCEPTABLE_GRAPH,
        }
        client = scope["client"][0] if scope.get("client") else ""
        # Most answers come within 0.2 s; only then does a watcher wait for the client to leave, and
        # cancel this request if it does (the pool then kills the worker).
        me = asyncio.current_task()
        left = asyncio.Event()
        watchers: list[asyncio.Task] = []

        async def watch() -> None:
            await until_disconnected(receive)
            left.set()
            me.cancel()

        timer = asyncio.get_running_loop().call_later(0.2, lambda: watchers.append(asyncio.ensure_future(watch())))
        try:
            return await pool.run(job, client)
        except asyncio.CancelledError:
            if left.is_set():
                return None
            raise
        finally:
            timer.cancel()
            for watcher in watchers:
                watcher.cancel()

    cors_all = not cors
    cors_allowed = {o.rstrip("/") for o in cors or ()}
    exposed = ", ".join(EXPOSED_HEADERS).encode()

    def reply_headers(scope: dict, answer, kind: str) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", kind.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        headers += [(k.lower().encode(), v.encode()) for k, v in answer.headers.items()]
        origin = next((v for k, v in scope["headers"] if k == b"origin"), None)
        if cors_all:
            headers.append((b"vary", b"Accept"))
            if origin is not None:
                headers += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", exposed)]
        else:
            headers.append((b"vary", b"Accept, Origin"))
            if origin is not None and origin.decode("latin-1") in cors_allowed:
                headers += [(b"access-control-allow-origin", origin), (b"access-control-expose-headers", exposed)]
        return headers

    async def fast_sparql(scope: dict, receive, send) -> bool:
        """``GET``/``POST /sparql`` with a query, answered without Starlette's layers (the hot path);
        False when the request is for Starlette (no query, HEAD, OPTIONS, other paths)."""
        method = scope["method"]
        if method not in ("GET", "POST") or scope["path"] != "/sparql":
            return False
        query_string = scope["query_string"]
        if method == "GET" and b"query=" not in query_string:
            return False
        headers = scope["headers"]
        content_type = next((v.decode("latin-1") for k, v in headers if k == b"content-type"), None)
        accept = next((v.decode("latin-1") for k, v in headers if k == b"accept"), None)
        try:
            body = await read_asgi_body(scope, receive, max_body) if method == "POST" else b""
            asked = read_request(method, content_type, query_string, body)
            bad = unknown_formats(asked.formats)
            if asked.formats and len(bad) == len(asked.formats):
                raise ProtocolError(400, unknown_format_message(bad[0]))
            if asked.query is None:
                raise ProtocolError(400, "missing the 'query' parameter: POST query=… (or GET /sparql?query=…)")
            if len(asked.query.encode("utf-8")) > max_body:
                raise ProtocolError(413, f"the query is longer than this server's limit of {max_body:,} bytes")
        except ProtocolError as error:
            answer = Answer.text(error.status, error.message)
        else:
            answer = await answer_query(scope, receive, asked, accept)
            if answer is None:
                return True
        kind = answer.content_type
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": reply_headers(scope, answer, kind)}
        )
        await send({"type": "http.response.body", "body": answer.body})
        return True

    async def void(request: Request) -> Response:
        return await describe(request, request.query_params.getlist("format"), void_triples)

    async def index(request: Request) -> Response:
        if "page" not in state:
            state["page"] = query_page(
                triples=pool.triples or 0, timeout=timeout, max_rows=max_rows, diagram=render_diagram is not None
            )
        return HTMLResponse(state["page"], headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

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
        if "policy" not in diagram_cache:
            diagram_cache["policy"] = diagram_policy(diagram_cache["html"])
        return HTMLResponse(diagram_cache["html"], headers={"Content-Security-Policy": diagram_cache["policy"]})

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"]),
        Route("/void", void, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if render_diagram is not None:
        routes.append(Route("/diagram", diagram, methods=["GET"]))
    from ..ontodoc.serve import ontology_route  # /ontology: the ontology's documentation (etiograph.ontodoc)

    routes.append(ontology_route(data))
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=list(cors) if cors else ["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            allow_credentials=False,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.fast_sparql = fast_sparql
    app.state.stats = stats
    app.state.sources = sources
    return FastPath(app)


class FastPath:
    """The ASGI app: queries to ``/sparql`` go straight to the pool; everything else to Starlette."""

    def __init__(self, app: Starlette):
        self.app = app
        self.state = app.state
        self.router = app.router

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and await self.state.fast_sparql(scope, receive, send):
            return
        await self.app(scope, receive, send)


async def read_asgi_body(scope: dict, receive, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    too_big = ProtocolError(413, f"the request body is larger than this server's limit of {limit:,} bytes")
    declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    if declared is not None:
        try:
            if int(declared) > limit:
                raise too_big
        except ValueError:
            raise ProtocolError(400, "the Content-Length header is not a number") from None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError(400, "the client left before sending the whole request")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def unknown_format_message(name: str) -> str:
    return (
        f"unknown format {name!r}: use json, xml, csv or tsv (SELECT, ASK) or turtle, nt, jsonld or rdfxml "
        "(CONSTRUCT, DESCRIBE), or an Accept header"
    )


NOT_ACCEPTABLE_SELECT = not_acceptable(SELECT_FORMATS, "a SELECT or ASK query").message
NOT_ACCEPTABLE_GRAPH = not_acceptable(GRAPH_FORMATS, "a CONSTRUCT or DESCRIBE query").message
