"""``etiograph paths``: the causal paths between two concepts, sized for where the answer lands.

Text: a summary of the best ``--limit`` paths (default 10) that fits a screen, hubs first;
``--all`` for every path, ``--evidence`` for each hop's claims and quotes. JSON, CSV and Turtle
hold every path unless ``--limit`` is given. An empty answer says why (see
:mod:`etiograph.causal.reachability`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph
    from ..render import Sections


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument("source", help="label, alt label, CURIE (kg:fever, mesh:D014552) or IRI")
    parser.add_argument("target")
    parser.add_argument("--max-hops", type=int, default=6, metavar="N", help="longest path, in hops (default 6)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--limit", type=int, metavar="K", help="the best K paths (text default: 10; json/csv/turtle: all)"
    )
    size.add_argument("--all", action="store_true", help="every path found")
    parser.add_argument(
        "-v", "--evidence", action="store_true", help="each hop's claims and verbatim quotes, under its path"
    )
    parser.add_argument(
        "--mechanism",
        metavar="NAME",
        help="paths that go through this mechanism: at least one hop has a claim of it (e.g. medication)",
    )
    parser.add_argument("--every-hop", action="store_true", help="with --mechanism: every hop must have a claim of it")
    parser.add_argument("--min-certainty", metavar="LEVEL", help="only hops at least this certain (e.g. can, may)")
    parser.add_argument("--include-counteracting", action="store_true", help="also follow treats/prevents/... edges")
    parser.add_argument(
        "--min-sources",
        type=int,
        metavar="N",
        help="only hops backed by at least N independent sources (with several sources loaded)",
    )
    parser.add_argument(
        "--include-summary",
        action="store_true",
        help="also follow summary claims ('UTIs can indirectly cause leg cramps'): left out by default, they hide the mechanism",
    )
    parser.add_argument("--format", choices=["text", "json", "csv", "turtle"], default="text")
    parser.add_argument("-o", "--output", metavar="FILE")
    add_data_options(parser)
    parser.epilog = "Example: etiograph paths UTI 'leg cramps' --limit 5 --evidence"


def run(args: argparse.Namespace) -> int:
    from .. import render
    from ..cli import emit, open_graph
    from ..errors import EtiographError
    from ..render.paths import DEFAULT_LIMIT
    from ._output import columns_for

    if args.every_hop and not args.mechanism:
        raise EtiographError("--every-hop goes with --mechanism NAME")
    if args.limit is not None and args.limit < 1:
        raise EtiographError("--limit must be 1 or more (--all shows every path)")
    kg = open_graph(args)
    result = kg.paths(
        args.source,
        args.target,
        max_hops=args.max_hops,
        mechanism=args.mechanism,
        mechanism_hops="every" if args.every_hop else "any",
        min_certainty=args.min_certainty,
        include_counteracting=args.include_counteracting,
        include_summary=args.include_summary,
        min_sources=args.min_sources,
    )
    limit = None if args.all else args.limit
    if limit is None and args.format == "text" and not args.all:
        limit = DEFAULT_LIMIT
    no_path = None
    if not result.paths:
        from ..causal.reachability import why_no_path

        no_path = why_no_path(kg, result)
    if args.format == "turtle":
        emit(args, render.paths_turtle(kg, result, limit))
    elif args.format == "csv":
        emit(args, render.paths_csv(result, limit))
    elif args.format == "json":
        emit(args, render.paths_json(result, limit, section_info(kg, result), no_path))
    else:
        sections = section_info(kg, result)
        text = render.paths_text(
            result, limit=limit, evidence=args.evidence, columns=columns_for(args), sections=sections, no_path=no_path
        )
        emit(args, text)
    return 0


def section_info(kg: KnowledgeGraph, result) -> Sections:
    """Titles of the sections the evidence cites, and the document each belongs to (one query)."""
    from ..render import Sections

    cited = {e.section for p in result.paths for h in p.hops for e in h.evidence if e.section}
    if not cited:
        return Sections()
    return Sections(*kg.section_info(cited))
