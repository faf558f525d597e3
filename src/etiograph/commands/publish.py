"""``etiograph publish --endpoint URL [--graph IRI]``: put the built graph into a production triple store.

Any store with the SPARQL 1.1 Graph Store HTTP Protocol: Oxigraph server (``/store``), Virtuoso
(``/sparql-graph-crud-auth``), Fuseki (``/DATASET/data``), GraphDB (``/repositories/ID/rdf-graphs/service``).
The password comes from an environment variable, never the command line (which other users can read).
For bulk sizes each engine's own loader is faster: see the README, "When the data outgrows one process".
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's Graph Store Protocol URL")
    parser.add_argument("--graph", metavar="IRI", help="the named graph to replace (default: the store's default graph)")
    parser.add_argument(
        "--data",
        action="append",
        metavar="FILE",
        help="Turtle files to publish instead of the bundled graph (repeatable; the ontology is always added)",
    )
    parser.add_argument("--user", metavar="NAME", help="user for HTTP authentication (digest or basic, as the store asks)")
    parser.add_argument("--password-env", metavar="VAR", help="environment variable that holds the password of --user")
    parser.add_argument(
        "--batch", type=int, default=50_000, metavar="N", help="triples per request (default 50,000; 0: one request)"
    )
    parser.add_argument(
        "--query-endpoint", metavar="URL", help="SPARQL query URL for the count afterwards (default: derived from --endpoint)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS", help="per request (default 600)")


def run(args: argparse.Namespace) -> int:
    import os

    from ..backends.graph_store import GraphStore
    from ..datafiles import graph_sources
    from ..errors import EtiographError

    if args.batch < 0:
        raise EtiographError("--batch must be 0 (one request) or more")
    password = None
    if args.password_env and not args.user:
        raise EtiographError("--password-env goes with --user NAME")
    if args.user:
        if not args.password_env:
            raise EtiographError("--user needs --password-env VAR (the password is read from that environment variable)")
        password = os.environ.get(args.password_env)
        if password is None:
            raise EtiographError(f"--password-env {args.password_env}: that environment variable is not set")
    store = GraphStore(args.endpoint, args.graph, user=args.user, password=password, timeout=args.timeout)
    where = f"graph <{args.graph}>" if args.graph else "the default graph"

    def progress(sent: int, total: int) -> None:
        print(f"publish: {sent:,} of {total:,} triples sent ({100 * sent / max(total, 1):.0f}%)", file=sys.stderr)

    try:
        done = store.publish(
            graph_sources(args.data), batch=args.batch, progress=progress, query_endpoint=args.query_endpoint
        )
    finally:
        store.close()
    print(
        f"published {done.sent:,} triples into {where} of {args.endpoint} in {done.batches} "
        f"request{'s' if done.batches != 1 else ''} ({done.seconds:.1f} s); the store holds {done.counted:,}"
    )
    return 0
