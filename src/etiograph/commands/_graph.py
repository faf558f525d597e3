"""The graph a command works on, from its ``--data``/``--store``/``--endpoint``/``--graph`` options.

Here rather than in ``cli.py`` so that command modules outside ``commands/`` (``export/networks.py``,
``viz``, ``ontodoc``) need not import the CLI that imports them.
"""

from __future__ import annotations

import argparse

from ..errors import EtiographError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from ..graph import KnowledgeGraph


def open_graph(args: argparse.Namespace) -> KnowledgeGraph:
    """A KnowledgeGraph over the store the options name (the bundled graph in memory by default)."""
    from ..graph import KnowledgeGraph

    endpoint = getattr(args, "endpoint", None)
    if getattr(args, "graph", None):
        if not endpoint:
            raise EtiographError("--graph names a graph of a remote store: use it with --endpoint URL")
        from ..backends.endpoint import with_default_graph

        endpoint = with_default_graph(endpoint, args.graph)
    return KnowledgeGraph.load(data=args.data, store=args.store, endpoint=endpoint)
