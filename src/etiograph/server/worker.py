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


class Engine:
    """The graph in one process, behind the KnowledgeGraph facade: over pyoxigraph, whose own writers
    write the answers (:meth:`~etiograph.graph.KnowledgeGraph.write_answer`), or rdflib
    (``--store rdflib``), whose rows :mod:`etiograph.sparql.results` writes."""

    def __init__(self, paths: list[str], store: str | None):
        from pathlib import Path

        from ..backends import open_backend
        from ..graph import KnowledgeGraph

        descriptor = store or "oxigraph"
        self.descriptor = descriptor
        self.graph: KnowledgeGraph | None = None
        if descriptor.startswith("oxigraph:"):
            self.location = descriptor.partition(":")[2]  # opened after the fork (RocksDB starts threads)
        else:
            # the files as the server resolved them (ontology, spine): loaded as they are
            self.graph = KnowledgeGraph(open_backend(descriptor, [Path(p) for p in paths]), index=False)

    def open(self) -> None:
        """In the worker, after the fork: open a persistent store read-only."""
        if self.graph is None:
            from ..graph import KnowledgeGraph

            self.graph = KnowledgeGraph.open_read_only(self.location, index=False)

    @property
    def uses_rdflib(self) -> bool:
        """An engine without native writers (rdflib): its rows are written here, and the gate also parses with it."""
        return self.graph is not None and not self.graph.writes_answers


def content_type(form: str, request: dict) -> str:
    """The media type of an answer of that form (``boolean``, ``solutions``, ``graph``) in the asked format."""
    from .protocol import GRAPH_FORMATS, SELECT_FORMATS

    if form == "graph":
        fmt = request["graph_format"]
        return GRAPH_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("turtle", "nt") else "")
    fmt = request["select_format"]
    return SELECT_FORMATS[fmt][0] + ("; charset=utf-8" if fmt in ("csv", "tsv") else "")


def serialise_rdflib(result, request: dict) -> tuple[str, bytes]:
    """Content type and bytes of a result in rows (already cut at the row limit by ``Backend.query(limit=)``)."""
    from ..backends import AskResult, GraphResult
    from ..sparql.results import graph_to, to_csv, to_json, to_tsv, to_xml

    if isinstance(result, GraphResult):
        fmt = request["graph_format"]
        if fmt == "rdfxml":
            import pyoxigraph as ox

            body = ox.serialize([ox.Triple(*t) for t in result.triples], format=ox.RdfFormat.RDF_XML)
        else:
            body = graph_to(result, fmt)
        return content_type("graph", request), body
    fmt = request["select_format"]
    kind = content_type("solutions", request)
    if fmt == "json":
        return kind, to_json(result).encode()
    if fmt == "xml":
        return kind, to_xml(result).encode()
    if isinstance(result, AskResult):
        return kind, f"_askResult\r\n{'true' if result.value else 'false'}\r\n".encode()
    body = to_csv(result) if fmt == "csv" else to_tsv(result)
    return kind, body.encode()


def answer(engine: Engine, request: dict) -> Answer:
    """Check, run and serialise one query; every failure becomes a message, never a traceback."""
    from ..backends.native import AnswerTooLarge
    from ..diagnostics import with_caret
    from ..errors import QueryError
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
            result = engine.graph.query(text, limit=max_rows, prefixes=False)
            content_type_, body = serialise_rdflib(result, request)
            truncated = getattr(result, "truncated", False)
        else:
            written = engine.graph.write_answer(
                text,
                select_format=request.get("select_format"),
                graph_format=request.get("graph_format"),
                limit=max_rows,
                max_bytes=max_bytes,
                base_iri=request.get("base"),
            )
            if written.body is None:  # the gate was skipped: only the result said which form it was
                return Answer.text(406, "no acceptable format")
            content_type_, body, truncated = content_type(written.form, request), written.body, written.truncated
    except Refused as refusal:
        return Answer.text(refusal.status, refusal.message)
    except AnswerTooLarge:
        return Answer.text(
            503,
            f"the answer is larger than this server's limit of {max_bytes:,} bytes (--max-answer-bytes) and was "
            "not sent; select fewer or shorter values, or add LIMIT",
        )
    except RecursionError:
        return Answer.text(400, "the query is nested too deeply to evaluate")
    except MemoryError:
        return Answer.text(503, MEMORY_MESSAGE)
    except QueryError as error:
        if error.line is not None:  # a syntax error: where it is, with a caret under it (pyoxigraph's positions)
            message = str(error) if engine.uses_rdflib else with_caret(str(error), text, error.line, error.column)
            return Answer.text(400, message)
        return _failed(error)
    except Exception as error:  # the engine's internals stay in the server's log, not in the answer
        return _failed(error)
    headers = {"Etiograph-Row-Limit": str(max_rows)}
    if truncated:
        headers["Etiograph-Truncated"] = f"true; the answer stops at {max_rows} rows (the server's --max-rows)"
    return Answer(200, content_type_, body, headers)


def _failed(error: Exception) -> Answer:
    print(f"etiograph serve: query failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    return Answer.text(500, "the engine could not evaluate this query (details are in the server's log)")


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
            reply = encode_frame({"triples": engine.graph.triple_count()})
        elif request.get("stats"):  # the first time a description is asked for
            from .description import dataset_stats

            stats = dataset_stats(engine.graph)
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
            from .memory import release_free_memory

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
