"""``etiograph viz``: write a diagram (or a gallery of them) as self-contained HTML."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument("source", nargs="?", help="where the paths start: label, alt label, CURIE or IRI")
    parser.add_argument("target", nargs="?", help="where they end (give both, or neither to draw the whole graph)")
    parser.add_argument("--max-hops", type=int, default=6, metavar="N", help="longest path, in hops (default 6)")
    parser.add_argument("--mechanism", metavar="NAME", help="only claims of this mechanism (e.g. medication)")
    parser.add_argument("--title", metavar="TEXT", help="heading of the page (default: the question asked)")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="where to write the page (default etiograph-diagram.html; '-': stdout)"
    )
    parser.add_argument(
        "--gallery",
        metavar="DIR",
        help="write a static site instead: index.html, the whole graph, the paths and one diagram per mechanism",
    )
    add_data_options(parser)
    parser.epilog = "Example: etiograph viz UTI 'leg cramps' -o classroom.html"


def run(args: argparse.Namespace) -> int:
    from ..cli import open_graph
    from ..errors import EtiographError
    from . import DEFAULT_OUTPUT, build_diagram
    from .model import count, dataset_date
    from .page import render, write_page

    if (args.source is None) != (args.target is None):
        raise EtiographError("give both a source and a target concept, or neither (to draw the whole graph)")
    if args.gallery and (args.output or args.mechanism or args.title):
        raise EtiographError(
            "--gallery writes a folder of pages, one per mechanism; leave out -o, --mechanism and --title"
        )
    kg = open_graph(args)
    date = dataset_date(kg) or _files_date(args)
    if args.gallery:
        from . import write_gallery

        extra = {"source": args.source, "target": args.target} if args.source else {}
        files = write_gallery(kg, args.gallery, max_hops=args.max_hops, data_date=date, **extra)
        print(f"wrote {len(files)} pages to {args.gallery}; open {Path(args.gallery) / 'index.html'}", file=sys.stderr)
        return 0
    diagram = build_diagram(
        kg, args.source, args.target, max_hops=args.max_hops, mechanism=args.mechanism, title=args.title, data_date=date
    )
    html = render(diagram)
    output = args.output or DEFAULT_OUTPUT
    write_page(output, html)
    if output != "-":
        what = [count(len(diagram.nodes), "concept"), count(len(diagram.links), "link")]
        if diagram.mode == "paths":
            what.insert(0, count(diagram.total_paths, "path"))
        print(f"wrote {output} ({', '.join(what)}); open it in a browser", file=sys.stderr)
    return 0


def _files_date(args: argparse.Namespace) -> str | None:
    """The newest modification date of the data files, when the data does not declare one."""
    if getattr(args, "endpoint", None):
        return None
    from ..datafiles import graph_sources

    files = graph_sources(args.data, with_ontology=False)
    if not files:
        return None
    newest = max(f.stat().st_mtime for f in files)
    return datetime.fromtimestamp(newest, tz=UTC).date().isoformat()
