"""``etiograph viz``: write a diagram (or a gallery of them) as self-contained HTML, a slide image
or a printable handout."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options
    from ..viz import DEFAULT_LIMIT

    parser.add_argument("source", nargs="?", help="where the paths start: label, alt label, CURIE or IRI")
    parser.add_argument(
        "target", nargs="?", help="where they end (give both, or neither for an overview of the whole graph)"
    )
    parser.add_argument("--max-hops", type=int, default=6, metavar="N", help="longest path, in hops (default 6)")
    parser.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help=f"draw the N most informative paths (default {DEFAULT_LIMIT}); the page lists the others under 'N more'",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="draw every path (with no concepts: every concept of the graph in one drawing, not the overview)",
    )
    parser.add_argument("--mechanism", metavar="NAME", help="only claims of this mechanism (e.g. medication)")
    parser.add_argument("--title", metavar="TEXT", help="heading of the page (default: the question asked)")
    parser.add_argument(
        "--story", action="store_true", help="open the page telling the first path one step at a time (→ / ←)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="where to write the page (default etiograph-diagram.html; '-': stdout)"
    )
    parser.add_argument("--png", metavar="FILE", help="also write a 1920×1080 slide image (needs Chromium)")
    parser.add_argument("--svg", metavar="FILE", help="also write the slide as SVG (no browser needed)")
    parser.add_argument(
        "--handout", metavar="FILE.html", help="also write a printable handout: diagram, numbered steps, source"
    )
    parser.add_argument(
        "--gallery",
        metavar="DIR",
        help="write a static site instead: index.html, the overview, the paths and one diagram per mechanism",
    )
    add_data_options(parser)
    parser.epilog = (
        "Example (a classroom): etiograph viz UTI 'leg cramps' -o classroom.html --handout handout.html --png slide.png"
    )


def run(args: argparse.Namespace) -> int:
    from ..cli import open_graph
    from ..errors import EtiographError
    from ..viz import DEFAULT_LIMIT, DEFAULT_OUTPUT

    if (args.source is None) != (args.target is None):
        raise EtiographError("give both a source and a target concept, or neither (for the overview of the graph)")
    if args.limit is not None and args.all:
        raise EtiographError("--limit N draws N paths, --all draws every path: give one of them")
    if args.limit is not None and args.limit < 1:
        raise EtiographError(f"--limit must be at least 1 (got {args.limit}); use --all to draw every path")
    if args.gallery and (args.output or args.mechanism or args.title or args.png or args.svg or args.handout):
        raise EtiographError(
            "--gallery writes a folder of pages, one per mechanism; leave out -o, --mechanism, --title, --png, --svg, --handout"
        )
    if args.story and args.source is None:
        raise EtiographError("--story tells a path: give a source and a target concept")
    for option in ("png", "svg", "handout"):
        value = getattr(args, option)
        if value and value == "-":
            raise EtiographError(f"--{option} needs a file name, not '-'")
    kg = open_graph(args)
    date = _dataset_date(kg) or _files_date(args)
    if args.gallery:
        from ..viz import write_gallery

        extra = {"source": args.source, "target": args.target} if args.source else {}
        files = write_gallery(kg, args.gallery, max_hops=args.max_hops, data_date=date, **extra)
        print(f"wrote {len(files)} pages to {args.gallery}; open {Path(args.gallery) / 'index.html'}", file=sys.stderr)
        return 0
    output = args.output or DEFAULT_OUTPUT
    limit = None if args.all else args.limit or DEFAULT_LIMIT
    overview = args.source is None and args.mechanism is None and not args.all
    if overview:
        from ..viz.overview import overview_html
        from ..viz.page import write_page

        if args.png or args.svg or args.handout:
            raise EtiographError(
                "the overview has one panel per mechanism: for an image or a handout, ask for a path "
                "(etiograph viz UTI 'leg cramps' --png …) or a mechanism (--mechanism kidney --png …)"
            )
        write_page(output, overview_html(kg, title=args.title, data_date=date))
        if output != "-":
            print(f"wrote {output} (an overview by mechanism); open it in a browser", file=sys.stderr)
        return 0
    from ..viz.model import build_diagram, count
    from ..viz.network import vis_data
    from ..viz.page import render, write_page

    diagram = build_diagram(
        kg,
        args.source,
        args.target,
        max_hops=args.max_hops,
        mechanism=args.mechanism,
        title=args.title,
        data_date=date,
        limit=limit,
    )
    data = vis_data(diagram)
    write_page(output, render(diagram, story=args.story, data=data))
    written = [] if output == "-" else [output]
    if args.svg or args.png:
        from ..atomic import write_bytes_atomic
        from ..viz.static import png, svg

        image = svg(diagram, data)
        if args.svg:
            write_page(args.svg, image)
            written.append(args.svg)
        if args.png:
            write_bytes_atomic(args.png, png(image))
            Path(args.png).chmod(0o644)
            written.append(args.png)
    if args.handout:
        from ..viz.handout import handout_document

        write_page(args.handout, handout_document(diagram, data))
        written.append(args.handout)
    if written:
        what = [count(len(diagram.drawn_nodes), "concept"), count(len(diagram.drawn_links), "link")]
        if diagram.mode == "paths":
            total = count(diagram.total_paths, "path")
            what.insert(0, total if diagram.drawn >= diagram.total_paths else f"{diagram.drawn} of {total}")
        print(f"wrote {', '.join(written)} ({', '.join(what)}); open it in a browser", file=sys.stderr)
    return 0


def _dataset_date(kg) -> str | None:
    from ..viz.model import dataset_date

    return dataset_date(kg)


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
