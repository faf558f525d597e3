"""A query worker: a process that holds its own copy of the graph and answers one query at a time.

``etiograph serve`` starts a few (``python -m etiograph.server.worker``) and talks to each over
its standard input and output with length-prefixed frames. A worker checks each query with
:func:`etiograph.server.gate.check_query`, evaluates it, and sends back a complete HTTP answer
(status, content type, body), serialised here so that the server's event loop only copies bytes.
When a query runs past the timeout the server kills the worker and starts another: a runaway
query is stopped for real, whatever the engine is doing.

Frame: 8 bytes (two big-endian unsigned 32-bit lengths: JSON header, body) then the two parts.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import struct
import sys
import traceback
from dataclasses import dataclass, field
from typing import BinaryIO

FRAME = struct.Struct(">II")


def write_frame(stream: BinaryIO, header: dict, body: bytes = b"") -> None:
    data = json.dumps(header).encode()
    stream.write(FRAME.pack(len(data), len(body)) + data + body)
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO) -> tuple[dict, bytes]:
    head_size, body_size = FRAME.unpack(read_exactly(stream, FRAME.size))
    return json.loads(read_exactly(stream, head_size)), read_exactly(stream, body_size)


@dataclass
class Answer:
    """A complete HTTP answer to one query."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Answer:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode())


class Engine:
    """The graph in one process: a pyoxigraph Store (lazy results) or any :class:`Backend`."""

    def __init__(self, paths: list[str], store: str | None):
        from pathlib import Path

        from ..backends import open_backend

        descriptor = store or "oxigraph"
        self.backend = None
        if descriptor.startswith("oxigraph:"):
            import pyoxigraph as ox

            # etiograph serve loaded it (if the files changed) before starting the workers
            self.store = ox.Store.read_only(descriptor.partition(":")[2])
        else:
            self.backend = open_backend(descriptor, [Path(p) for p in paths])
            self.store = getattr(self.backend, "store", None)

    def triples(self) -> int:
        import pyoxigraph as ox

        if self.store is not None:
            return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(self.backend)

    def run(self, text: str, max_rows: int):
        """The query's result, at most ``max_rows`` rows or triples; and whether it was cut."""
        from ..backends import AskResult, GraphResult, SelectResult
        from ..backends.oxigraph_backend import query_syntax_error

        if self.store is None:
            result = self.backend.query(text)
            if isinstance(result, SelectResult) and len(result.rows) > max_rows:
                return SelectResult(result.variables, result.rows[:max_rows]), True
            if isinstance(result, GraphResult) and len(result.triples) > max_rows:
                return GraphResult(result.triples[:max_rows]), True
            return result, False
        import pyoxigraph as ox

        try:
            result = self.store.query(text)
        except SyntaxError as error:
            from .gate import Refused

            found = query_syntax_error(error)
            raise Refused(400, tidy_engine_message(str(found)), found.line, found.column) from None
        if isinstance(result, ox.QueryBoolean):
            return AskResult(bool(result)), False
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = []
            for solution in result:
                if len(rows) == max_rows:
                    return SelectResult(variables, rows), True
                rows.append(tuple(solution[v] for v in variables))
            return SelectResult(variables, rows), False
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                return GraphResult(triples), True
            triples.append((triple.subject, triple.predicate, triple.object))
        return GraphResult(triples), False


def tidy_engine_message(message: str, most: int = 12) -> str:
    """pyoxigraph's syntax errors list every token it could have accepted, character classes included:
    keep the words, or the one sentence that says what is wrong.

    >>> tidy_engine_message("SPARQL syntax error at line 1, column 9: expected one of IF, TZ, The SELECT "
    ...     "contains a variable that is unbound, ['0' ..= '9'], [_]")
    'SPARQL syntax error at line 1, column 9: The SELECT contains a variable that is unbound'
    """
    head, found, rest = message.partition("expected one of ")
    if not found:
        return message if len(message) <= 400 else message[:399] + "…"
    items = [item.strip().replace("\0", ",") for item in rest.replace('","', '"\0"').split(",")]
    words = [i for i in items if i and not any(mark in i for mark in ("[", "]", "|", "..=", "\\u{"))]
    sentences = [w for w in words if " " in w and w[:1].isupper()]
    if sentences:
        return head + sentences[0]
    shown = ", ".join(words[:most]) + (", …" if len(words) > most else "")
    return head + (f"expected one of {shown}" if shown else "unexpected text")


def serialise(result, select_format: str | None, graph_format: str | None) -> tuple[str, bytes] | None:
    """Content type and bytes of a result in the negotiated format; None if the client accepts none."""
    from ..backends import AskResult, GraphResult
    from ..results_formats import graph_to, to_csv, to_json, to_tsv, to_xml
    from .protocol import GRAPH_FORMATS, SELECT_FORMATS

    if isinstance(result, GraphResult):
        if graph_format is None:
            return None
        kind = GRAPH_FORMATS[graph_format][0]
        if graph_format == "rdfxml":
            import pyoxigraph as ox

            triples = [ox.Triple(s, p, o) for s, p, o in result.triples]
            return kind, ox.serialize(triples, format=ox.RdfFormat.RDF_XML)
        suffix = "; charset=utf-8" if graph_format in ("turtle", "nt") else ""
        return kind + suffix, graph_to(result, graph_format)
    if select_format is None:
        return None
    kind = SELECT_FORMATS[select_format][0]
    if select_format == "json":
        return kind, to_json(result).encode()
    if select_format == "xml":
        return kind, to_xml(result).encode()
    if isinstance(result, AskResult):  # CSV/TSV are defined for SELECT; answer ASK with the boolean
        return kind + "; charset=utf-8", f"_askResult\r\n{'true' if result.value else 'false'}\r\n".encode()
    body = to_csv(result) if select_format == "csv" else to_tsv(result)
    return kind + "; charset=utf-8", body.encode()


def answer(engine: Engine, request: dict) -> Answer:
    """Check, run and serialise one query; every failure becomes a message, never a traceback."""
    from .gate import Refused, check_query

    text = request["query"]
    max_rows = int(request["max_rows"])
    try:
        form = check_query(text)
        if form in ("SELECT", "ASK") and request.get("select_format") is None:
            return Answer.text(406, request.get("not_acceptable_select") or "no acceptable results format")
        if form in ("CONSTRUCT", "DESCRIBE") and request.get("graph_format") is None:
            return Answer.text(406, request.get("not_acceptable_graph") or "no acceptable RDF format")
        result, truncated = engine.run(text, max_rows)
    except Refused as refusal:
        return Answer.text(refusal.status, refusal.message)
    except RecursionError:
        return Answer.text(400, "the query is nested too deeply to evaluate")
    except MemoryError:
        return Answer.text(503, "the query needs more memory than this server gives one query; narrow it")
    except Exception as error:  # the engine's internals stay in the server's log, not in the answer
        from ..errors import QueryError

        if isinstance(error, QueryError) and error.line is not None:
            return Answer.text(400, str(error))
        print(f"etiograph serve: query failed: {type(error).__name__}: {error}", file=sys.stderr)
        return Answer.text(500, "the engine could not evaluate this query (details are in the server's log)")
    serialised = serialise(result, request.get("select_format"), request.get("graph_format"))
    if serialised is None:  # pragma: no cover - checked above
        return Answer.text(406, "no acceptable format")
    content_type, body = serialised
    headers = {"Etiograph-Row-Limit": str(max_rows)}
    if truncated:
        headers["Etiograph-Truncated"] = f"true; the answer stops at {max_rows} rows (the server's --max-rows)"
    return Answer(200, content_type, body, headers)


def serve(engine: Engine, incoming: BinaryIO, outgoing: BinaryIO) -> None:
    """Answer frames until the server closes our standard input."""
    while True:
        try:
            request, _ = read_frame(incoming)
        except EOFError:
            return
        reply = answer(engine, request)
        write_frame(
            outgoing,
            {"status": reply.status, "content_type": reply.content_type, "headers": reply.headers},
            reply.body,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etiograph.server.worker", description=__doc__)
    parser.add_argument("--data", action="append", default=[], help="a file to load (repeatable)")
    parser.add_argument("--store", help="oxigraph (default), oxigraph:PATH or rdflib")
    parser.add_argument("--no-sandbox", action="store_true", help="skip the audit hooks (tests only)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    # Our standard output carries frames only: keep it for them and send stray prints to stderr.
    outgoing = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    incoming = sys.stdin.buffer
    try:
        engine = Engine(args.data, args.store)
        from . import gate

        gate.check_query("ASK {}")  # build rdflib's grammar now, not on the first request
        count = engine.triples()
    except Exception as error:
        write_frame(outgoing, {"ready": False, "error": f"{type(error).__name__}: {error}"})
        return 1
    if not args.no_sandbox:
        from . import sandbox

        sandbox.install(forbid_processes=True)
    write_frame(outgoing, {"ready": True, "pid": os.getpid(), "triples": count})
    try:
        serve(engine, incoming, outgoing)
    except BrokenPipeError:
        return 0
    except Exception:  # pragma: no cover - a bug: say so in the server's log and let it replace us
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
