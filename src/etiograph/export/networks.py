"""``etiograph export`` for the network formats: KGX, GraphML, Cytoscape.js JSON and CX2.

The RDF formats serialise the store's triples; these formats read a :class:`PropertyGraph`
(concepts and claims) and can be limited to the network a user wants to analyse, with the same
options as ``etiograph viz``: ``--mechanism`` and a path subgraph ``--paths A B``. Imported by the
CLI when it builds its parser, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import sys
import time

#: Format name → (what -o names, description). KGX writes a folder; the others one file.
FORMATS: dict[str, tuple[str, str]] = {
    "kgx": ("folder", "KGX JSON Lines (nodes.jsonl, edges.jsonl) for Translator, ROBOKOP, KG-Hub tools"),
    "kgx-tsv": ("folder", "KGX TSV (nodes.tsv, edges.tsv)"),
    "graphml": ("file", "GraphML for networkx, Gephi, igraph, yEd, Cytoscape"),
    "cytoscape": ("file", "Cytoscape.js JSON (.cyjs) with the diagrams' style sheet"),
    "cx2": ("file", "CX2 for Cytoscape desktop and NDEx"),
}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The selection options (only for the network formats)."""
    group = parser.add_argument_group(f"network formats ({', '.join(FORMATS)}): what to export")
    group.add_argument("--mechanism", metavar="NAME", help="only claims of this mechanism (e.g. medication)")
    group.add_argument(
        "--paths",
        nargs=2,
        metavar=("SOURCE", "TARGET"),
        help="only the claims on the causal paths from SOURCE to TARGET (labels, CURIEs or IRIs)",
    )
    group.add_argument("--max-hops", type=int, default=6, metavar="N", help="longest path for --paths (default 6)")
    group.add_argument(
        "--relations",
        choices=["causal", "all"],
        help="causal: causal and counteracting claims (what viz draws); all: also has-symptom, located-in ... "
        "(default: all for kgx, causal for graphml, cytoscape, cx2)",
    )


def check_options(args: argparse.Namespace) -> None:
    """Refuse selection options with the RDF formats (they export every triple)."""
    from ..errors import EtiographError

    if args.format in FORMATS:
        if getattr(args, "no_ontology", False):
            raise EtiographError(
                f"--no-ontology applies to the RDF formats; --format {args.format} exports concepts and claims"
            )
        return
    used = [f"--{name.replace('_', '-')}" for name in ("mechanism", "paths", "relations") if getattr(args, name, None)]
    if used:
        raise EtiographError(
            f"{', '.join(used)} work with --format {', '.join(FORMATS)}; {args.format} exports every triple"
        )


def run(args: argparse.Namespace) -> int:
    """Build the selected property graph and write it in ``args.format``."""
    from ..atomic import write_bytes_atomic
    from ..commands._graph import open_graph
    from ..errors import EtiographError
    from .propertygraph import Selection, build

    check_options(args)
    where, what = FORMATS[args.format]
    output = getattr(args, "output", None)
    if where == "folder" and (not output or output == "-"):
        raise EtiographError(f"--format {args.format} writes a folder of files: give -o DIR")
    if args.max_hops < 1:
        raise EtiographError("--max-hops must be at least 1")
    relations = args.relations or ("all" if args.format.startswith("kgx") else "causal")
    selection = Selection(
        relations=relations,
        mechanism=args.mechanism,
        paths=tuple(args.paths) if args.paths else None,
        max_hops=args.max_hops,
    )
    started = time.perf_counter()
    pg = build(open_graph(args), selection)
    if args.format in ("kgx", "kgx-tsv"):
        from . import kgx

        files = kgx.write(pg, output, "jsonl" if args.format == "kgx" else "tsv")
        size = sum(f.stat().st_size for f in files)
        target = f"{output} ({', '.join(f.name for f in files)})"
    else:
        from importlib import import_module

        data = import_module(f".{args.format}", __package__).write(pg)
        write_bytes_atomic(output or "-", data)
        size, target = len(data), output
    if output and output != "-":
        took = time.perf_counter() - started
        print(
            f"wrote {target}: {len(pg.nodes)} concepts, {len(pg.claims)} claims, {size:,} bytes, {what} "
            f"[{selection.describe()}; {took:.1f} s]",
            file=sys.stderr,
        )
    return 0


__all__ = ["FORMATS", "add_options", "check_options", "run"]
