"""``etiograph query``: a named query, a .rq file or SPARQL text; ``table`` fits the terminal, wrapping cells."""

from __future__ import annotations

import argparse

FORMATS = ["table", "records", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_data_options

    parser.add_argument("query", help="a name from `etiograph queries`, a .rq file, or SPARQL text")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE", help="bind a parameter of a named query")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default; long cells wrap, too-wide rows become records), records (one block per row), "
        "or a W3C results format",
    )
    parser.add_argument("-o", "--output", metavar="FILE")
    add_data_options(parser)


def run(args: argparse.Namespace) -> int:
    from ..cli import emit, open_graph
    from ..errors import EtiographError
    from ..sparql.results import write_result
    from ._output import columns_for

    params: dict[str, str] = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise EtiographError(f"--param takes name=value, got {item!r}")
        params[name.strip()] = value
    kg = open_graph(args)
    looks_like_sparql = any(k in args.query.upper() for k in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")) and (
        "{" in args.query
    )
    if looks_like_sparql:
        if params:
            raise EtiographError("--param works with named queries and .rq files; write values into ad-hoc queries")
        result = kg.query(args.query)
    else:
        result = kg.run_named(args.query, params)
    emit(args, write_result(result, args.format, columns_for(args)))
    return 0
