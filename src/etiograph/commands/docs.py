"""``etiograph docs``: write the ontology and concept-scheme documentation as a static page."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="etiograph-docs",
        help="folder to write index.html into (default etiograph-docs)",
    )
    parser.add_argument(
        "--gallery",
        metavar="URL",
        help="relative link to a diagram gallery, shown in the page header (e.g. ../index.html)",
    )
    add_data_options(parser, remote=False)
    parser.epilog = "Example: etiograph docs -o site/ontology --gallery ../index.html"


def run(args: argparse.Namespace) -> int:
    from ..cli import open_graph
    from ..ontodoc import write_docs

    files = write_docs(open_graph(args), args.output, gallery=args.gallery)
    print(f"wrote {files[0]}; open it in a browser", file=sys.stderr)
    return 0
