"""``etiograph validate``: the SHACL shapes, then every quote against the article."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(p: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    add_data_options(p, remote=False)
    p.add_argument(
        "--article", metavar="FILE", help="the source text to check quotes against (default: ../shared/source)"
    )
    p.add_argument(
        "--engine",
        choices=["oxigraph", "pyshacl"],
        default="oxigraph",
        help="oxigraph: the shapes compiled to SPARQL (default, fast); pyshacl: the reference implementation",
    )


def run(args: argparse.Namespace) -> int:
    """Print the verdict on stdout (exit 1 when the graph does not conform), progress on stderr."""
    from .. import resources
    from ..datafiles import graph_sources
    from ..validation.report import validate

    article = Path(args.article) if args.article else resources.article_file()

    def progress(line: str) -> None:  # on stderr, so the verdict on stdout stays one clean answer
        print(f"validate: {line}", file=sys.stderr, flush=True)

    report = validate(graph_sources(args.data), article=article, engine=args.engine, progress=progress)
    print(report.text())
    if article is None:
        print("note: source article not found, quotes not checked (pass --article FILE)", file=sys.stderr)
    return 0 if report.conforms else 1
