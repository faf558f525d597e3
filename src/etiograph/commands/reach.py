"""``etiograph upstream`` / ``downstream``: everything that can lead to a concept, or that it can lead to."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument("concept")
    parser.add_argument("--max-hops", type=int, metavar="N", help="how far to look (default: no bound)")
    parser.add_argument(
        "--limit", type=int, default=1000, metavar="K", help="at most K concepts (default 1000; 0: all)"
    )
    parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
    parser.add_argument("-o", "--output", metavar="FILE")
    add_data_options(parser)


def run(args: argparse.Namespace) -> int:
    from .. import render
    from ..cli import emit, open_graph
    from ._output import columns_for

    kg = open_graph(args)
    method = kg.upstream if args.command == "upstream" else kg.downstream
    result = method(args.concept, max_hops=args.max_hops, limit=args.limit)
    if args.format == "json":
        emit(args, render.reach_json(result))
    elif args.format == "csv":
        emit(args, render.reach_csv(result))
    else:
        emit(args, render.reach_text(result, columns_for(args)))
    return 0
