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

Read-only: SPARQL Update, SERVICE and FROM/FROM NAMED are refused, and the query workers run in a
kernel sandbox (seccomp + Landlock) that leaves them no network and no files but the data: serve
refuses to start where that sandbox is unavailable, unless --unsafe-no-sandbox. Bind to 127.0.0.1
(the default) unless you mean to share the graph with your network."""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=7878, help="port (default 7878; 0 picks a free one)")
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="stop a query after S seconds (default 10)"
    )
    parser.add_argument(
        "--max-rows", type=int, default=10_000, metavar="N", help="at most N rows or triples per answer (default 10000)"
    )
    parser.add_argument(
        "--max-answer-bytes",
        type=int,
        default=64 * 1024 * 1024,
        metavar="BYTES",
        help="largest answer; a larger one gets 503 (default 67108864: 64 MiB)",
    )
    parser.add_argument(
        "--max-body", type=int, default=1_000_000, metavar="BYTES", help="largest request body (default 1000000)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="query workers kept ready (default 2); they share the graph"
    )
    parser.add_argument(
        "--max-workers",
        type=int,
        metavar="N",
        help="query workers at most, started when the others are busy (default 2 × --workers + 2)",
    )
    parser.add_argument(
        "--max-per-client",
        type=int,
        metavar="N",
        help="long queries (over 1 s) one client address may run at once; one more is stopped with 503 "
        "(default --max-workers / 3)",
    )
    parser.add_argument(
        "--query-memory",
        type=int,
        default=1024,
        metavar="MIB",
        help="memory one query may use beyond the loaded graph; more gets 503 (default 1024; 0: no limit)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="a request must arrive (headers and body) within S seconds of connecting (default 10)",
    )
    parser.add_argument(
        "--connections-per-client",
        type=int,
        default=64,
        metavar="N",
        help="connections one address may hold; its oldest idle one is closed for a new one (default 64)",
    )
    parser.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="let only this web origin read answers from a browser (repeatable; default: any origin, "
        "never with credentials)",
    )
    parser.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="run queries without the kernel sandbox (where seccomp or Landlock is unavailable; not for shared use)",
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
    import resource
    import time

    import uvicorn

    from ..server.app import create_app
    from ..server.connections import guarded_protocol
    from ..server.isolation import audit
    from ..server.pool import SandboxError, WorkerError
    from ..server.worker import gate_disabled

    started = time.monotonic()
    if args.query_memory < 0:
        raise EtiographError("--query-memory must be 0 (no limit) or more MiB")
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if ipaddress.ip_address(host).is_unspecified:  # listening everywhere: show the local address
        shown = "127.0.0.1"
    base = f"http://{shown}:{port}/"
    try:
        app = create_app(
            args.data,
            timeout=args.timeout,
            max_rows=args.max_rows,
            max_body=args.max_body,
            max_answer_bytes=args.max_answer_bytes,
            workers=args.workers,
            max_workers=args.max_workers,
            per_client=args.max_per_client,
            query_memory=args.query_memory * 1024 * 1024 or None,
            store=args.store,
            sandbox=not args.unsafe_no_sandbox,
            cors=args.cors,
        )
    except BaseException:
        sock.close()
        raise
    pool = app.state.pool

    def ready() -> None:
        layers = ", ".join(pool.zygote.sandbox) or "none"
        print(
            f"etiograph serve: {pool.triples:,} triples, read-only; query page {base} ; "
            f"SPARQL endpoint {base}sparql\n"
            f"  ready in {time.monotonic() - started:.1f} s; a query stops after {args.timeout:g} s, answers hold at "
            f"most {args.max_rows:,} rows; {pool.size} worker(s), up to {pool.max_workers}; Ctrl-C stops\n"
            f"  sandbox: {layers}" + ("\n  GATE DISABLED (test-only switch)" if gate_disabled() else ""),
            flush=True,
        )

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    max_connections = max(64, min(4096, soft - 128))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    config = uvicorn.Config(
        app,
        http=guarded_protocol(
            request_timeout=args.request_timeout,
            per_client=args.connections_per_client,
            max_connections=max_connections,
        ),
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
        server_header=False,
        proxy_headers=False,  # the client address is the socket's: per-client limits must not trust a header
        limit_concurrency=None,  # idle sockets are the guard's business; queries are the pool's
        timeout_graceful_shutdown=5,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        try:
            await pool.start()
        except SandboxError as error:
            raise EtiographError(
                f"{error}.\n  etiograph serve will not run queries unconfined. Install libseccomp "
                "(apt-get install libseccomp2) on a Linux kernel with Landlock (5.13+, in the 'lsm=' boot "
                "list), or accept the risk with --unsafe-no-sandbox"
            ) from None
        except WorkerError as error:
            raise EtiographError(str(error)) from None
        data_dirs = {str(p.resolve().parent) for p in app.state.sources}
        audit.install(data_dirs)
        ready()
        try:
            await server.serve(sockets=[sock])
        finally:
            await pool.close()

    try:
        try:
            import uvloop  # libuv's event loop: the server's own per-request cost roughly halves
        except ImportError:
            asyncio.run(serve())
        else:
            uvloop.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    if not server.started:
        print("etiograph: error: the server did not start (see the messages above)", file=sys.stderr)
        return 2
    return 0
