"""``etiograph explain``: a concept's mechanisms, causes and effects with quotes, counter-measures, convergence."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument("concept")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("-o", "--output", metavar="FILE")
    add_data_options(parser)


def run(args: argparse.Namespace) -> int:
    from .. import render
    from ..cli import emit, open_graph
    from ._output import columns_for

    explanation = open_graph(args).explain(args.concept)
    if args.format == "json":
        emit(args, render.explain_json(explanation))
    else:
        emit(args, render.explain_text(explanation, columns_for(args)))
    return 0
