"""The ``etiograph`` command: a thin layer that parses arguments, calls the API and prints.

Heavy imports (rdflib, networkx, pyvis, the server stack) happen inside the commands that need
them, so ``etiograph --help`` and ``etiograph paths`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EtiographError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

#: Commands that live in their own modules: each provides ``configure(parser)`` and ``run(args)``.
PLUGIN_COMMANDS = {
    "viz": ("etiograph.viz.command", "Draw interactive causal-path diagrams (self-contained, offline HTML)."),
    "serve": ("etiograph.server.command", "Serve the graph as a read-only SPARQL 1.1 endpoint with a query page."),
}


def add_data_options(parser: argparse.ArgumentParser, remote: bool = True) -> None:
    group = parser.add_argument_group("data and store")
    group.add_argument(
        "--data",
        action="append",
        metavar="FILE",
        help="a Turtle file to use instead of the bundled graph (repeatable; the ontology is always added)",
    )
    group.add_argument(
        "--store",
        metavar="STORE",
        help="oxigraph (default, in memory), oxigraph:PATH (persistent on disk, reloaded only when files change) or rdflib",
    )
    if remote:
        group.add_argument(
            "--endpoint", metavar="URL", help="query a remote SPARQL 1.1 endpoint instead of a local store"
        )


def open_graph(args: argparse.Namespace) -> KnowledgeGraph:
    from .graph import KnowledgeGraph

    return KnowledgeGraph.load(data=args.data, store=args.store, endpoint=getattr(args, "endpoint", None))


def emit(args: argparse.Namespace, data: bytes | str) -> None:
    """Write to ``-o FILE`` atomically, or to standard output."""
    from .atomic import write_bytes_atomic

    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_bytes_atomic(getattr(args, "output", None) or "-", payload)


# -- validate / export ------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from . import resources
    from .datafiles import graph_sources
    from .validate import validate

    article = Path(args.article) if args.article else resources.article_file()
    report = validate(graph_sources(args.data), article=article)
    print(report.text())
    if article is None:
        print("note: source article not found, quotes not checked (pass --article FILE)", file=sys.stderr)
    return 0 if report.conforms else 1


def cmd_export(args: argparse.Namespace) -> int:
    from .datafiles import graph_sources
    from .export import serialize

    data = serialize(graph_sources(args.data, with_ontology=not args.no_ontology), args.format)
    emit(args, data)
    if args.output and args.output != "-":
        print(f"wrote {args.output} ({len(data):,} bytes, {args.format})", file=sys.stderr)
    return 0


# -- paths and reach ----------------------------------------------------------------------------------
def cmd_paths(args: argparse.Namespace) -> int:
    from . import report

    kg = open_graph(args)
    result = kg.paths(
        args.source,
        args.target,
        max_hops=args.max_hops,
        limit=args.limit,
        mechanism=args.mechanism,
        min_certainty=args.min_certainty,
        include_counteracting=args.include_counteracting,
    )
    if args.format == "turtle":
        emit(args, report.paths_turtle(kg, result))
    else:
        emit(args, {"text": report.paths_text, "json": report.paths_json, "csv": report.paths_csv}[args.format](result))
    return 0


def cmd_reach(args: argparse.Namespace) -> int:
    from . import report

    kg = open_graph(args)
    method = kg.upstream if args.command == "upstream" else kg.downstream
    result = method(args.concept, max_hops=args.max_hops, limit=args.limit)
    emit(args, {"text": report.reach_text, "json": report.reach_json, "csv": report.reach_csv}[args.format](result))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from . import report

    kg = open_graph(args)
    explanation = kg.explain(args.concept)
    emit(args, report.explain_json(explanation) if args.format == "json" else report.explain_text(explanation))
    return 0


# -- SPARQL -------------------------------------------------------------------------------------------
def cmd_queries(args: argparse.Namespace) -> int:
    from .named_queries import all_queries

    queries = all_queries()
    width = max(len(n) for n in queries)
    for name, query in queries.items():
        params = " ".join(f"--param {p.name}=…" for p in query.parameters)
        print(f"{name.ljust(width)}  {query.title}" + (f"  [{params}]" if params else ""))
    print(f"\nRun one: etiograph query NAME [--param name=value]. Files: {next(iter(queries.values())).path.parent}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from .named_queries import bind_parameters, get_query
    from .results_formats import write_result

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
        named = get_query(args.query)
        result = kg.backend.query(named.text, bind_parameters(named, params, kg))
    emit(args, write_result(result, args.format))
    return 0


# -- parser -------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="etiograph",
        description="A causal knowledge graph with a query layer: see and query why one health condition leads "
        "to another, every edge traceable to the sentence that claims it.",
        epilog="Example: etiograph paths UTI 'leg cramps' --max-hops 4",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"etiograph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check the graph against the SHACL shapes and the article's text")
    add_data_options(p, remote=False)
    p.add_argument(
        "--article", metavar="FILE", help="the source text to check quotes against (default: ../shared/source)"
    )
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("export", help="write ontology + claims as one deterministic file (turtle, nt, jsonld, trig)")
    add_data_options(p, remote=False)
    p.add_argument("--format", choices=["turtle", "nt", "jsonld", "trig"], default="turtle")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default or '-': standard output)")
    p.add_argument("--no-ontology", action="store_true", help="leave the ontology out")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("paths", help="causal paths between two concepts, each hop with its evidence")
    p.add_argument("source", help="label, alt label, CURIE (kg:fever, mesh:D014552) or IRI")
    p.add_argument("target")
    p.add_argument("--max-hops", type=int, default=6, metavar="N", help="longest path, in hops (default 6)")
    p.add_argument("--limit", type=int, metavar="K", help="at most K paths (shortest and strongest first)")
    p.add_argument("--mechanism", metavar="NAME", help="only hops of this mechanism (e.g. medication, electrolytes)")
    p.add_argument("--min-certainty", metavar="LEVEL", help="only hops at least this certain (e.g. can, may)")
    p.add_argument("--include-counteracting", action="store_true", help="also follow treats/prevents/... edges")
    p.add_argument("--format", choices=["text", "json", "csv", "turtle"], default="text")
    p.add_argument("-o", "--output", metavar="FILE")
    add_data_options(p)
    p.set_defaults(handler=cmd_paths)

    for name, helptext in (
        ("upstream", "everything that can lead to a concept, with distance"),
        ("downstream", "everything a concept can lead to, with distance"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("concept")
        p.add_argument("--max-hops", type=int, metavar="N", help="how far to look (default: no bound)")
        p.add_argument("--limit", type=int, default=1000, metavar="K", help="at most K concepts (default 1000; 0: all)")
        p.add_argument("--format", choices=["text", "json", "csv"], default="text")
        p.add_argument("-o", "--output", metavar="FILE")
        add_data_options(p)
        p.set_defaults(handler=cmd_reach)

    p = sub.add_parser("explain", help="a concept's mechanisms, causes, effects, mediators and counter-measures")
    p.add_argument("concept")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("-o", "--output", metavar="FILE")
    add_data_options(p)
    p.set_defaults(handler=cmd_explain)

    p = sub.add_parser("queries", help="list the named SPARQL queries")
    p.set_defaults(handler=cmd_queries)

    p = sub.add_parser("query", help="run a named query, a .rq file or SPARQL text")
    p.add_argument("query", help="a name from `etiograph queries`, a .rq file, or SPARQL text")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="bind a parameter of a named query")
    p.add_argument(
        "--format", choices=["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"], default="table"
    )
    p.add_argument("-o", "--output", metavar="FILE")
    add_data_options(p)
    p.set_defaults(handler=cmd_query)

    for name, (module, helptext) in PLUGIN_COMMANDS.items():
        p = sub.add_parser(name, help=helptext, description=helptext)
        p.set_defaults(plugin=module)
        configure = _plugin(module, "configure")
        if configure:
            configure(p)
    return parser


def _plugin(module: str, attribute: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(module), attribute)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "plugin", None):
            run = _plugin(args.plugin, "run")
            if run is None:
                parser.error(f"{args.command} is not available in this installation")
            return int(run(args) or 0)
        return int(args.handler(args) or 0)
    except EtiographError as error:
        print(f"etiograph: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
