"""The ``etiograph serve`` command: arguments, then uvicorn on a socket bound up front.

Kept free of heavy imports: the CLI imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import EtiographError

EPILOG = """examples:
  etiograph serve                          # http://127.0.0.1:7878/ (query page) and /sparql
  etiograph serve --port 0                 # any free port; the URL is printed
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' http://127.0.0.1:7878/sparql

Read-only: SPARQL Update, SERVICE and FROM/FROM NAMED are refused. Bind to 127.0.0.1 (the default)
unless you mean to share the graph with your network."""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=7878, help="port (default 7878; 0 picks a free one)")
    parser.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="stop a query after S seconds (default 30)"
    )
    parser.add_argument(
        "--max-rows", type=int, default=10_000, metavar="N", help="at most N rows or triples per answer (default 10000)"
    )
    parser.add_argument(
        "--max-body", type=int, default=1_000_000, metavar="BYTES", help="largest request body (default 1000000)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="query worker processes (default 2); each holds the graph"
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    add_data_options(parser, remote=False)


def _bind(host: str, port: int):
    import socket

    if not 0 <= port <= 65535:
        raise EtiographError(f"--port must be between 0 and 65535, not {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise EtiographError(f"cannot listen on {host!r}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        hint = "; pick another with --port (0: any free port)" if error.errno in (98, 48, 10048) else ""
        raise EtiographError(f"cannot listen on {host}:{port}: {error.strerror}{hint}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    import asyncio
    import ipaddress
    import logging

    import uvicorn

    from . import sandbox
    from .app import create_app
    from .pool import WorkerError

    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if ipaddress.ip_address(host).is_unspecified:  # listening everywhere: show the local address
        shown = "127.0.0.1"
    base = f"http://{shown}:{port}/"

    def ready(triples: int) -> None:
        print(
            f"etiograph serve: {triples:,} triples, read-only; query page {base} ; SPARQL endpoint {base}sparql\n"
            f"  a query stops after {args.timeout:g} s, answers hold at most {args.max_rows:,} rows; "
            f"{args.workers} worker(s); Ctrl-C stops",
            flush=True,
        )

    try:
        app = create_app(
            args.data,
            timeout=args.timeout,
            max_rows=args.max_rows,
            max_body=args.max_body,
            workers=args.workers,
            store=args.store,
        )
    except BaseException:
        sock.close()
        raise
    data_dirs = {str(p.resolve().parent) for p in app.state.sources}
    sandbox.install(data_dirs)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    config = uvicorn.Config(
        app,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
        server_header=False,
        limit_concurrency=512,
        timeout_graceful_shutdown=5,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        pool = app.state.pool
        try:
            await pool.start()
        except WorkerError as error:
            raise EtiographError(str(error)) from None
        ready(app.state.stats.triples)
        try:
            await server.serve(sockets=[sock])
        finally:
            await pool.close()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    if not server.started:
        print("etiograph: error: the server did not start (see the messages above)", file=sys.stderr)
        return 2
    return 0
