"""A query worker: answers one query at a time from its copy of the graph, confined by the kernel.

Workers are forked from a *zygote* (:mod:`etiograph.server.zygote`) that loaded the graph once and
confined itself (:mod:`etiograph.server.isolation`); a fork shares the loaded graph copy-on-write
and starts in a few milliseconds, so a worker that ran too long, used too much memory or lost
its client is simply killed and replaced.

A worker talks to the server over a Unix socket pair with frames: 8 bytes (two big-endian
unsigned 32-bit lengths: JSON header, body), then the two parts. It checks each query with
:func:`etiograph.server.gate.check_query`, evaluates it in a thread with a 256 MiB stack (the
engine's parser is recursive), and sends back a complete HTTP answer serialised by pyoxigraph's
own writers, so the server's event loop only copies bytes.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import sys
from dataclasses import dataclass, field
from typing import BinaryIO

FRAME = struct.Struct(">II")
#: Test-only switch: the worker skips the gate, so that a test can show the kernel sandbox alone
#: stops an outbound request. ``etiograph serve`` says so on its start-up line when it is set.
GATE_SWITCH = "ETIOGRAPH_TEST_ONLY_DISABLE_GATE"
#: Stack of the thread that runs queries: pyoxigraph's recursive parser crashed in 8 MiB on
#: 10,000-deep inputs and does not in 256 MiB (the gate stops inputs well before that).
QUERY_STACK = 256 * 1024 * 1024


def encode_frame(header: dict, body: bytes = b"") -> bytes:
    data = json.dumps(header).encode()
    return FRAME.pack(len(data), len(body)) + data + body


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError
    return data


def read_frame(stream: BinaryIO) -> tuple[dict, bytes]:
    head_size, body_size = FRAME.unpack(read_exactly(stream, FRAME.size))
    header = json.loads(read_exactly(stream, head_size))
    return header, read_exactly(stream, body_size) if body_size else b""


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


class TooLarge(Exception):
    """The answer outgrew the byte limit."""


class EnoughRows(Exception):
    """More rows than the row limit: stop the engine (raised from inside its writer)."""


class _Capped(io.RawIOBase):
    """Where pyoxigraph writes an answer: refuses more than ``max_bytes``, and with ``rows`` set
    (line-per-row formats), stops after ``rows`` lines past the header."""

    def __init__(self, max_bytes: int, rows: int | None = None):
        self.max_bytes = max_bytes
        self.rows = rows
        self.parts: list[bytes] = []
        self.size = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self.size += len(chunk)
        self.parts.append(chunk)
        if self.rows is not None:
            self.lines += chunk.count(b"\n")
            if self.lines > self.rows + 1:  # header line + rows
                raise EnoughRows
        if self.size > self.max_bytes:
            raise TooLarge
        return len(chunk)

    def value(self) -> bytes:
        return b"".join(self.parts)


def _first_lines(data: bytes, count: int) -> bytes:
    end = -1
    for _ in range(count):
        end = data.index(b"\n", end + 1)
    return data[: end + 1]


class Engine:
    """The graph in one process: a pyoxigraph ``Store`` (native writers) or rdflib (``--store rdflib``)."""

    def __init__(self, paths: list[str], store: str | None):
        from pathlib import Path

        from ..backends import open_backend

        descriptor = store or "oxigraph"
        self.descriptor = descriptor
        self.backend = None
        self.store = None
        if descriptor.startswith("oxigraph:"):
            self.location = descriptor.partition(":")[2]  # opened after the fork (RocksDB starts threads)
        else:
            self.backend = open_backend(descriptor, [Path(p) for p in paths])
            self.store = getattr(self.backend, "store", None)

    def open(self) -> None:
        """In the worker, after the fork: open a persistent store read-only."""
        if self.store is None and self.backend is None:
            import pyoxigraph as ox

            self.store = ox.Store.read_only(self.location)

    @property
    def uses_rdflib(self) -> bool:
        return self.store is None and self.backend is not None

    def query(self, text: str, base: str | None):
        from ..backends.oxigraph_backend import query_syntax_error
        from .gate import Refused

        try:
            return self.store.query(text, base_iri=base)
        except SyntaxError as error:
            found = query_syntax_error(error)
            raise Refused(
                400, with_caret(str(found), text, found.line, found.column), found.line, found.column
            ) from None


def with_caret(message: str, text: str, line: int | None, column: int | None) -> str:
    """The message, then the offending line and a caret under the column (when it is short)."""
    if not line or not column:
        return message
    lines = text.split("\n")
    if line > len(lines) or len(lines[line - 1]) > 200:
        return message
    return f"{message}\n  {lines[line - 1]}\n  {' ' * (column - 1)}^"


def _rdf_format(name: str):
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[name]


def _results_format(name: str):
    import pyoxigraph as ox

    return {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[name]


#: Bytes a SELECT answer may take on the direct path; a larger one is redone on the row-capped path.
DIRECT_BUDGET = 4 * 1024 * 1024


def rows_at_most(body: bytes, fmt: str) -> int:
    """An upper bound of the rows in a serialised SELECT answer, without parsing it.

    JSON: solutions are separated by ``},{`` (a string holding ``},{`` only adds to the bound);
    XML: one ``<result>`` each (``<`` is escaped in values); CSV: one line each, at least.
    """
    if fmt == "json":
        return body.count(b"},{") + (b'"bindings":[{' in body)
    if fmt == "xml":
        return body.count(b"<result>")
    return body.count(b"\n")


def serialise_native(result, request: dict, again=None) -> tuple[str, bytes, bool]:
    """Content type, bytes and whether rows were cut, written by pyoxigraph.

    A SELECT answer is written once in the asked format when it is small (under
    :data:`DIRECT_BUDGET` bytes and, by :func:`rows_at_most`, ``max_rows`` rows at most). Otherwise
    ``again()`` evaluates the query anew and the answer is written as TSV (one row per line,
    lossless), stopping the engine after ``max_rows`` rows or ``max_bytes`` bytes, then rewritten
    natively in the asked format.
    """
    import pyoxigraph as ox

    from .protocol import GRAPH_FORMATS, SELECT_FORMATS

    max_rows, max_bytes = int(request["max_rows"]), int(request["max_bytes"])
    if isinstance(result, ox.QueryBoolean):
        fmt = request["select_format"]
        kind = SELECT_FORMATS[fmt][0]
        if fmt in ("csv", "tsv"):  # defined for SELECT; answer ASK with the boolean as a one-cell table
            return kind + "; charset=utf-8", f"_askResult\r\n{'true' if result else 'false'}\r\n".encode(), False
        return kind, result.serialize(format=_results_format(fmt)), False
    if isinstance(result, ox.QuerySolutions):
        fmt = request["select_format"]
        kind = SELECT_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("csv", "tsv") else "")
        if fmt != "tsv" and again is not None:
            sink = _Capped(min(max_bytes, DIRECT_BUDGET))
            try:
                result.serialize(output=sink, format=_results_format(fmt))
            except TooLarge:
                pass
            else:
                body = sink.value()
                if rows_at_most(body, fmt) <= max_rows:
                    return kind, body, False
            result = again()
        sink = _Capped(max_bytes, rows=max_rows)
        truncated = False
        try:
            result.serialize(output=sink, format=ox.QueryResultsFormat.TSV)
            tsv = sink.value()
        except EnoughRows:
            tsv, truncated = _first_lines(sink.value(), max_rows + 1), True
        if fmt == "tsv":
            return kind, tsv, truncated
        body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=_results_format(fmt))
        if len(body) > max_bytes:
            raise TooLarge
        return kind, body, truncated
    fmt = request["graph_format"]
    triples, size, truncated = [], 0, False
    for triple in result:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(triple)
        size += len(str(triple))
        if size > max_bytes:
            raise TooLarge
    from ..vocab import PREFIXES

    if fmt in ("turtle", "rdfxml"):
        used = {p: ns for p, ns in PREFIXES.items() if any(ns in str(t) for t in triples[:2000])}
        body = ox.serialize(triples, format=_rdf_format(fmt), prefixes=used)
    else:
        body = ox.serialize(triples, format=_rdf_format(fmt))
    if len(body) > max_bytes:
        raise TooLarge
    kind = GRAPH_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("turtle", "nt") else "")
    return kind, body, truncated


def serialise_rdflib(result, request: dict) -> tuple[str, bytes, bool]:
    """The same for rdflib's results (Python rows), cut at ``max_rows``."""
    from ..backends import AskResult, GraphResult, SelectResult
    from ..results_formats import graph_to, to_csv, to_json, to_tsv, to_xml
    from .protocol import GRAPH_FORMATS, SELECT_FORMATS

    max_rows = int(request["max_rows"])
    truncated = False
    if isinstance(result, GraphResult):
        truncated = len(result.triples) > max_rows
        result = GraphResult(result.triples[:max_rows])
        fmt = request["graph_format"]
        if fmt == "rdfxml":
            import pyoxigraph as ox

            body = ox.serialize([ox.Triple(*t) for t in result.triples], format=ox.RdfFormat.RDF_XML)
        else:
            body = graph_to(result, fmt)
        return GRAPH_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("turtle", "nt") else ""), body, truncated
    fmt = request["select_format"]
    kind = SELECT_FORMATS[fmt][0]
    if isinstance(result, SelectResult) and len(result.rows) > max_rows:
        result, truncated = SelectResult(result.variables, result.rows[:max_rows]), True
    if fmt == "json":
        return kind, to_json(result).encode(), truncated
    if fmt == "xml":
        return kind, to_xml(result).encode(), truncated
    if isinstance(result, AskResult):
        return kind + "; charset=utf-8", f"_askResult\r\n{'true' if result.value else 'false'}\r\n".encode(), False
    body = to_csv(result) if fmt == "csv" else to_tsv(result)
    return kind + "; charset=utf-8", body.encode(), truncated


def answer(engine: Engine, request: dict) -> Answer:
    """Check, run and serialise one query; every failure becomes a message, never a traceback."""
    from .gate import Refused, check_query, check_tree

    text = request["query"]
    max_rows, max_bytes = int(request["max_rows"]), int(request["max_bytes"])
    try:
        form = None if gate_disabled() else check_query(text)
        if engine.uses_rdflib and form is not None:
            form = check_tree(text)
        if form in ("SELECT", "ASK") and request.get("select_format") is None:
            return Answer.text(406, request.get("not_acceptable_select") or "no acceptable results format")
        if form in ("CONSTRUCT", "DESCRIBE") and request.get("graph_format") is None:
            return Answer.text(406, request.get("not_acceptable_graph") or "no acceptable RDF format")
        if engine.uses_rdflib:
            content_type, body, truncated = serialise_rdflib(engine.backend.query(text), request)
        else:
            result = engine.query(text, request.get("base"))
            if form is None:  # the gate was skipped: the result says which form it was
                import pyoxigraph as ox

                graph = not isinstance(result, (ox.QueryBoolean, ox.QuerySolutions))
                if request.get("graph_format" if graph else "select_format") is None:
                    return Answer.text(406, "no acceptable format")
            base = request.get("base")
            content_type, body, truncated = serialise_native(result, request, lambda: engine.query(text, base))
    except Refused as refusal:
        return Answer.text(refusal.status, refusal.message)
    except TooLarge:
        return Answer.text(
            503,
            f"the answer is larger than this server's limit of {max_bytes:,} bytes (--max-answer-bytes) and was "
            "not sent; select fewer or shorter values, or add LIMIT",
        )
    except RecursionError:
        return Answer.text(400, "the query is nested too deeply to evaluate")
    except MemoryError:
        return Answer.text(503, MEMORY_MESSAGE)
    except Exception as error:  # the engine's internals stay in the server's log, not in the answer
        from ..errors import QueryError

        if isinstance(error, QueryError) and error.line is not None:
            return Answer.text(400, str(error))
        print(f"etiograph serve: query failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return Answer.text(500, "the engine could not evaluate this query (details are in the server's log)")
    headers = {"Etiograph-Row-Limit": str(max_rows)}
    if truncated:
        headers["Etiograph-Truncated"] = f"true; the answer stops at {max_rows} rows (the server's --max-rows)"
    return Answer(200, content_type, body, headers)


def gate_disabled() -> bool:
    import os

    return os.environ.get(GATE_SWITCH) == "1"


MEMORY_MESSAGE = (
    "the query needs more memory than this server gives one query (--max-query-memory) and was stopped; "
    "narrow it (more specific patterns, LIMIT) and try again"
)


def serve(engine: Engine, connection: socket.socket) -> None:
    """Answer frames until the server closes the connection; requests ``{"stats": "count"}`` and
    ``{"stats": "full"}`` get the dataset's triple count and statistics (computed here, from the
    loaded graph: the server's main process loads nothing)."""
    incoming = connection.makefile("rb", buffering=65536)
    while True:
        try:
            request, _ = read_frame(incoming)
        except (EOFError, ConnectionError, OSError):
            return
        if request.get("stats") == "count":  # at start-up: the ready line and the page need only this
            from .description import triple_count

            reply = encode_frame(
                {"triples": triple_count(engine.store if engine.store is not None else engine.backend)}
            )
        elif request.get("stats"):  # the first time a description is asked for
            from .description import dataset_stats

            stats = dataset_stats(engine.store if engine.store is not None else engine.backend)
            reply = encode_frame({"stats": stats.as_json()})
        else:
            result = answer(engine, request)
            reply = encode_frame(
                {"status": result.status, "content_type": result.content_type, "headers": result.headers}, result.body
            )
        try:
            connection.sendall(reply)
        except OSError:
            return
        if len(reply) > 4 * 1024 * 1024:
            from .zygote import release_free_memory

            release_free_memory()  # a large answer's buffers: give them back rather than keep them


def warm_up(engine: Engine) -> None:
    """Run one query of each form in each format now, so that every module a query needs is
    imported before the sandbox closes the file system (and the first client does not pay for it)."""
    from .protocol import GRAPH_FORMATS, SELECT_FORMATS

    base = "http://127.0.0.1/"
    for query in ("SELECT * WHERE { ?s ?p ?o } LIMIT 2", "ASK { ?s ?p ?o }"):
        for fmt in SELECT_FORMATS:
            answer(engine, {"query": query, "select_format": fmt, "max_rows": 1, "max_bytes": 1 << 20, "base": base})
    for fmt in GRAPH_FORMATS:
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"
        answer(engine, {"query": query, "graph_format": fmt, "max_rows": 1, "max_bytes": 1 << 20, "base": base})
    answer(engine, {"query": "SELEC", "select_format": "json", "max_rows": 1, "max_bytes": 1 << 20})
