"""The ``etiograph`` command: a thin layer that parses arguments, calls the API and prints.

Heavy imports (rdflib, networkx, pyvis, the server stack) happen inside the commands that need
them, so ``etiograph --help`` and ``etiograph paths`` start fast.
"""

from __future__ import annotations

__all__ = ["build_parser", "main"]

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from .commands._graph import open_graph  # noqa: F401  (commands import it from here too)
from .errors import EtiographError

#: Every command: the module (``etiograph.commands.<name>``) that provides ``configure(parser)`` and
#: ``run(args)``, and the one-line help ``etiograph --help`` lists (in this order).
PLUGIN_COMMANDS = {
    "validate": ("etiograph.commands.validate", "check the graph against the SHACL shapes and the article's text"),
    "export": ("etiograph.commands.export", "write the graph as one deterministic file (RDF) or a network for graph tools"),
    "paths": ("etiograph.commands.paths", "Causal paths between two concepts: the best first, each hop with its evidence."),
    "upstream": ("etiograph.commands.reach", "Everything that can lead to a concept, nearest first."),
    "downstream": ("etiograph.commands.reach", "Everything a concept can lead to, nearest first."),
    "explain": ("etiograph.commands.explain", "A concept's mechanisms, causes, effects, counter-measures and hubs."),
    "queries": ("etiograph.commands.queries", "List the named SPARQL queries."),
    "query": ("etiograph.commands.query", "Run a named query, a .rq file or SPARQL text."),
    "viz": ("etiograph.commands.viz", "Draw interactive causal-path diagrams (self-contained, offline HTML)."),
    "serve": ("etiograph.commands.serve", "Serve the graph as a read-only SPARQL 1.1 endpoint with a query page."),
    "docs": ("etiograph.commands.docs", "Write offline HTML documentation of the ontology, its concept schemes and concepts."),
    "build": ("etiograph.commands.build", "Compile the claim sheets (graph/sources/*/claims.tsv, graph/concepts.tsv) into the graph's Turtle."),
    "check": ("etiograph.commands.check", "Curation checks of the claim sheets: quotes, hedges, wording, names, coverage, conflicts."),
    "draft": ("etiograph.commands.draft", "Candidate claim rows for a new article (a sheet to edit, never graph data)."),
    "new-source": ("etiograph.commands.new_source", "Scaffold a new source folder (metadata, sections, empty or drafted claim sheet)."),
    "publish": ("etiograph.commands.publish", "Push the graph into a triple store (SPARQL 1.1 Graph Store Protocol) and count it back."),
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
        group.add_argument(
            "--graph",
            metavar="IRI",
            help="with --endpoint: the named graph holding the data (sent as default-graph-uri; "
            "Virtuoso otherwise answers from every graph, its system graphs included)",
        )


def emit(args: argparse.Namespace, data: bytes | str) -> None:
    """Write to ``-o FILE`` atomically, or to standard output."""
    from .atomic import write_bytes_atomic

    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_bytes_atomic(getattr(args, "output", None) or "-", payload)


# -- parser -------------------------------------------------------------------------------------------


def terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` finds it (``COLUMNS``, else standard
    output's terminal, else 80), without importing shutil (and with it bz2, lzma and fnmatch)."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, given the width up front: argparse makes a formatter on every
    ``add_argument`` and, left to find the width itself, imports shutil (~3 % of a command's cold start)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``command``, only that command's subparser, configured.

    Configuring a plugin imports its module, and every subparser costs argparse work: ``etiograph
    paths`` builds the ``paths`` parser alone (a cold start pays for what it runs, nothing else).
    ``etiograph --help`` (``command=""``) and an unknown name list every command with its one-line
    help from the table above, configuring none.
    """
    parser = argparse.ArgumentParser(
        prog="etiograph",
        description="A causal knowledge graph with a query layer: see and query why one health condition leads "
        "to another, every edge traceable to the sentence that claims it.",
        epilog="Example: etiograph paths UTI 'leg cramps' --max-hops 4",
        formatter_class=HelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"etiograph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    known = command in PLUGIN_COMMANDS

    for name, (module, helptext) in PLUGIN_COMMANDS.items():
        if known and name != command:
            continue
        p = sub.add_parser(name, help=helptext, description=helptext, formatter_class=HelpFormatter)
        p.set_defaults(plugin=module)
        if command is not None and command != name:
            continue
        configure = _plugin(module, "configure")
        if configure:
            configure(p)
    return parser


def _command_of(arguments: Sequence[str]) -> str | None:
    """The subcommand named on the command line ('' when there is none, or when top-level help comes
    first: ``etiograph -h paths`` lists every command)."""
    for argument in arguments:
        if argument in ("-h", "--help"):
            return ""
        if not argument.startswith("-"):
            return argument
    return ""


def _plugin(module: str, attribute: str) -> Callable | None:
    try:
        return getattr(importlib.import_module(module), attribute)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise


#: Commands whose work runs in a helper thread so that Ctrl-C ends them at once: pyoxigraph evaluates a
#: query without returning to the interpreter, so the main thread would only see the signal afterwards.
INTERRUPTIBLE = frozenset({"query", "paths", "upstream", "downstream", "explain", "export", "validate"})


#: One-shot commands that may end their process without the interpreter's teardown (freeing every
#: object and module: 30-40 ms, a tenth of their cold start) once their output is flushed. Only as
#: the ``etiograph`` program (``main()`` without arguments), never for a caller in the same process;
#: not with ``--store`` (a store on disk closes itself at teardown), nor when anything waits for the
#: exit (atexit callbacks, live non-daemon threads). Servers and the diagrams are not listed.
FAST_EXIT = frozenset(
    {"paths", "upstream", "downstream", "explain", "queries", "query", "check", "build", "validate", "export"}
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``etiograph`` with ``argv`` (default: the process's arguments) and return the exit code:
    0 done, 1 a check that found problems (``check``, ``build --check``), 2 a usage or data error (one
    line on stderr, never a traceback), 130 interrupted."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    undecodable = _first_undecodable(arguments)
    if undecodable is not None:
        shown = undecodable.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        print(f"etiograph: error: argument {shown!r} is not valid UTF-8 text", file=sys.stderr)
        return 2
    command = _command_of(arguments)
    if argv is None and command in FAST_EXIT:
        _collect_less_often()
    parser = build_parser(command)
    args = parser.parse_args(arguments)
    code = _run(parser, args)
    if argv is None and args.command in FAST_EXIT and not getattr(args, "store", None):
        _exit_now(code)
    return code


def _collect_less_often() -> None:
    """Run the cyclic garbage collector every 200,000 allocations rather than every 700 (mypy's setting).

    A one-shot command allocates tens of thousands of objects that reference counting frees, and the
    collector's passes over them cost 3-5 % of a cold start; cyclic garbage still gets collected.
    Only for the ``etiograph`` program running a one-shot command: never for a caller in the same process.
    """
    import gc

    gc.set_threshold(200_000, 30, 30)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command in INTERRUPTIBLE:
            return _run_interruptibly(lambda: _dispatch(parser, args))
        return _dispatch(parser, args)
    except EtiographError as error:
        print(f"etiograph: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def _exit_now(code: int) -> None:
    """End the process with ``code`` now, skipping teardown, when nothing is left to do at exit.

    Returns (and the interpreter exits as usual) when a callback or a thread would be skipped, or when
    flushing fails (a closed pipe): then the usual exit reports it, as it would without this path.
    """
    import atexit
    import os

    threading = sys.modules.get("threading")
    if threading and any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # the interpreter's own exit says what went wrong
        return
    os._exit(code)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if getattr(args, "plugin", None):
        run = _plugin(args.plugin, "run")
        if run is None:
            parser.error(f"{args.command} is not available in this installation")
        return int(run(args) or 0)
    return int(args.handler(args) or 0)


def _first_undecodable(arguments: Sequence[str]) -> str | None:
    """Python decodes a non-UTF-8 argument with lone surrogates; printing it later would raise."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return argument
    return None


def _run_interruptibly(work: Callable[[], int]) -> int:
    """Run ``work`` in a daemon thread; on Ctrl-C remove half-written outputs and exit 130 at once."""
    import os
    import threading

    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["code"] = work()
        except BaseException as error:  # re-raised in the main thread, where main() translates it
            outcome["error"] = error

    thread = threading.Thread(target=target, name="etiograph-command", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        from .atomic import discard_pending

        discard_pending()
        print("etiograph: interrupted", file=sys.stderr)
        sys.stderr.flush()
        os._exit(130)  # the thread may be inside the engine: only leaving the process stops it
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return int(outcome.get("code") or 0)
