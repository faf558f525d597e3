"""The SPARQL endpoint client against a real HTTP server on 127.0.0.1 that answers what engines and broken
servers really send: Virtuoso's 1/0 booleans and typed-literal, X-SPARQL-MaxRows truncation, HTML
pages, malformed JSON, invalid IRIs and language tags (security review E127-E131), errors, redirects
and slow answers. Every bad answer must become one line naming the endpoint, exit 2, no traceback."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from engines import free_ports
from hypothesis import given, settings
from hypothesis import strategies as st

from etiograph.backends import AskResult, GraphResult, SelectResult
from etiograph.backends.answers import parse_results_json, query_form
from etiograph.backends.endpoint import EndpointBackend, with_default_graph
from etiograph.errors import EndpointError, QueryError

pytestmark = pytest.mark.external  # a server thread on a port of 18300-18399

PORT = 18350
JSON = "application/sparql-results+json"


@dataclass
class Answer:
    status: int = 200
    content_type: str = JSON
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeEngine:
    """A real HTTP server whose next answers the test sets; it records every request it gets."""

    def __init__(self) -> None:
        self.answer: Callable[[Seen], Answer] = lambda seen: Answer(body=b'{"head": {}, "boolean": true}')
        self.seen: list[Seen] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                engine.seen.append(seen)
                answer = engine.answer(seen)
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_ports(PORT, PORT + 9, 1)[0]), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    def answers(self, answer: Answer | Callable[[Seen], Answer]) -> None:
        self.answer = answer if callable(answer) else (lambda seen: answer)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEngine]:
    server = FakeEngine()
    yield server
    server.stop()


@pytest.fixture
def fake(engine: FakeEngine) -> FakeEngine:
    engine.seen.clear()
    engine.answers(Answer(body=b'{"head": {}, "boolean": true}'))
    return engine


def form(seen: Seen) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(seen.body.decode())


def select_json(rows: list[dict], variables: list[str]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()


# -- the protocol form every server accepts ------------------------------------------------------------


def test_queries_go_as_form_posts_with_the_url_parameters_in_the_body(fake: FakeEngine):
    url = with_default_graph(fake.url, "https://w3id.org/etiograph/kg/")
    assert EndpointBackend(url).query("ASK {}").value is True
    seen = fake.seen[-1]
    assert seen.method == "POST" and seen.path == "/sparql"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(seen) == {"default-graph-uri": ["https://w3id.org/etiograph/kg/"], "query": ["ASK {}"]}


def test_accept_follows_the_query_form(fake: FakeEngine):
    fake.answers(Answer(content_type="application/n-triples", body=b"<urn:a> <urn:b> <urn:c> .\n"))
    result = EndpointBackend(fake.url).query("PREFIX s: <urn:select>\n# SELECT\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, GraphResult) and len(result) == 1
    assert fake.seen[-1].headers["Accept"].startswith("application/n-triples")
    fake.answers(Answer(body=select_json([], ["x"])))
    EndpointBackend(fake.url).query("SELECT ?x WHERE {}")
    assert fake.seen[-1].headers["Accept"].startswith("application/sparql-results+json")


def test_a_construct_answered_with_json_rows_is_an_error_not_a_crash(fake: FakeEngine):
    """What Virtuoso did with a mixed Accept header: SPARQL JSON rows for a CONSTRUCT."""
    fake.answers(Answer(body=select_json([], ["s", "p", "o"])))
    with pytest.raises(EndpointError, match="answered JSON to a CONSTRUCT query"):
        EndpointBackend(fake.url).query("CONSTRUCT WHERE { ?s ?p ?o }")


def test_a_server_refusing_form_posts_gets_a_get(fake: FakeEngine):
    fake.answers(lambda seen: Answer(status=415, body=b"no forms") if seen.method == "POST" else Answer(body=b'{"head":{},"boolean":false}'))
    backend = EndpointBackend(fake.url)
    assert backend.query("ASK {}").value is False
    assert [s.method for s in fake.seen] == ["POST", "GET"]
    assert backend.method == "get"


@pytest.mark.parametrize("method", ["direct", "get"])
def test_the_protocol_form_can_be_chosen(fake: FakeEngine, method: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ETIOGRAPH_SPARQL_METHOD", method)
    EndpointBackend(fake.url + "?default-graph-uri=urn%3Ag").query("ASK {}")
    seen = fake.seen[-1]
    if method == "direct":
        assert seen.headers["Content-Type"].startswith("application/sparql-query") and seen.body == b"ASK {}"
        assert "default-graph-uri=urn%3Ag" in seen.path
    else:
        assert seen.method == "GET" and "query=ASK" in seen.path


# -- lenient where engines differ ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(True, True), (False, False), (1, True), (0, False), ("1", True), ("false", False)])
def test_ask_booleans_as_engines_write_them(fake: FakeEngine, value: object, expected: bool):
    fake.answers(Answer(body=json.dumps({"head": {"link": []}, "boolean": value}).encode()))
    assert EndpointBackend(fake.url).query("ASK {}") == AskResult(expected)


def test_virtuoso_style_terms_are_read(fake: FakeEngine):
    rows = [
        {
            "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "5"},
            "l": {"type": "literal", "lang": "en", "value": "leg cramps"},
            "b": {"type": "bnode", "value": "nodeID://b10000"},
        }
    ]
    fake.answers(Answer(content_type="application/sparql-results+json; charset=UTF-8", body=select_json(rows, ["n", "l", "b"])))
    result = EndpointBackend(fake.url).query("SELECT ?n ?l ?b WHERE {}")
    n, label, blank = result.rows[0]
    assert int(n.value) == 5 and label.language == "en" and blank.value.startswith("nodeID_b10000_")


def test_xml_results_are_read_too(fake: FakeEngine):
    body = b"""<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head>
<results><result><binding name="x"><uri>urn:a</uri></binding></result></results></sparql>"""
    fake.answers(Answer(content_type="application/sparql-results+xml", body=body))
    assert EndpointBackend(fake.url).query("SELECT ?x {}").values("x") == ["urn:a"]


# -- strict where it matters ----------------------------------------------------------------------------

MALFORMED = {
    "E127-badjson": (Answer(body=b"{'head': }"), "malformed JSON"),
    "E128-nohead": (Answer(body=b'{"results": {"bindings": []}}'), "without a 'head'"),
    "E129-badiri": (Answer(body=select_json([{"x": {"type": "uri", "value": "urn:a b"}}], ["x"])), "invalid IRI"),
    "E130-badlang": (Answer(body=select_json([{"x": {"type": "literal", "value": "a", "xml:lang": "not a tag!"}}], ["x"])), "invalid literal"),
    "E131-html": (Answer(content_type="text/html", body=b"<!DOCTYPE html><html><body>Welcome</body></html>"), "HTML page"),
    "html-as-json": (Answer(body=b"<html><body>proxy error</body></html>"), "HTML page"),
    "no-bindings": (Answer(body=b'{"head": {"vars": ["x"]}}'), "results.bindings"),
    "binding-not-object": (Answer(body=select_json([{"x": "urn:a"}], ["x"])), "without a string 'value'"),
    "unknown-type": (Answer(body=select_json([{"x": {"type": "triple", "value": "x"}}], ["x"])), "unknown type"),
    "bad-boolean": (Answer(body=b'{"head": {}, "boolean": "maybe"}'), "not true or false"),
    "bad-ntriples": (Answer(content_type="application/n-triples", body=b"<urn:a> <urn:b> .\n"), "malformed RDF"),
    "wrong-type": (Answer(content_type="image/png", body=b"\x89PNG"), "neither SPARQL results nor RDF"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_answers_are_one_line_errors_naming_the_endpoint(fake: FakeEngine, case: str):
    answer, words = MALFORMED[case]
    fake.answers(answer)
    query = "CONSTRUCT WHERE { ?s ?p ?o }" if case == "bad-ntriples" else "SELECT ?x WHERE { ?x ?p ?o }"
    if case == "bad-boolean":
        query = "ASK {}"
    with pytest.raises(EndpointError) as caught:
        EndpointBackend(fake.url).query(query)
    message = str(caught.value)
    assert words in message and fake.url in message and "\n" not in message


@pytest.mark.parametrize("case", ["E127-badjson", "E128-nohead", "E129-badiri", "E130-badlang", "E131-html"])
def test_the_cli_exits_2_with_one_line_on_malformed_answers(fake: FakeEngine, cli, case: str):
    fake.answers(MALFORMED[case][0])
    done = cli(["query", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", fake.url])
    assert done.code == 2
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("etiograph: error: ") and fake.url in lines[0], done.err
    assert "Traceback" not in done.err


def test_a_truncated_answer_is_an_error_not_a_silent_subset(fake: FakeEngine):
    rows = [{"x": {"type": "uri", "value": f"urn:{i}"}} for i in range(3)]
    fake.answers(Answer(body=select_json(rows, ["x"]), headers={"X-SPARQL-MaxRows": "3"}))
    with pytest.raises(EndpointError, match=r"cut the answer at 3 rows .*ResultSetMaxRows"):
        EndpointBackend(fake.url).query("SELECT ?x WHERE { ?x ?p ?o }")
    with pytest.raises(EndpointError, match="known result limit"):
        fake.answers(Answer(body=select_json(rows, ["x"])))
        EndpointBackend(fake.url, row_cap=3).query("SELECT ?x WHERE { ?x ?p ?o }")
    assert len(EndpointBackend(fake.url, row_cap=10).query("SELECT ?x WHERE { ?x ?p ?o }")) == 3


def test_http_errors_show_the_servers_message_on_one_line(fake: FakeEngine):
    fake.answers(Answer(status=500, content_type="text/html", body=b"<html><body><h1>Internal</h1>\n<p>Virtuoso 42000 Error\n out of memory</p></body></html>"))
    with pytest.raises(EndpointError, match=r"answered 500: Internal Virtuoso 42000 Error out of memory$"):
        EndpointBackend(fake.url).query("SELECT * {}")
    fake.answers(Answer(status=400, content_type="text/plain", body=b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error"))
    with pytest.raises(QueryError, match="rejected the query: Virtuoso 37000 Error SP030"):
        EndpointBackend(fake.url).query("SELECT * {")
    fake.answers(Answer(status=302, headers={"Location": "http://elsewhere/sparql"}))
    with pytest.raises(EndpointError, match="redirect to http://elsewhere/sparql"):
        EndpointBackend(fake.url).query("ASK {}")


def test_a_slow_server_times_out_with_a_clear_error(fake: FakeEngine):
    fake.answers(Answer(body=b'{"head":{},"boolean":true}', delay=2.0))
    begin = time.monotonic()
    with pytest.raises(EndpointError, match=r"timed out waiting for the answer \(after 0.5 s\)"):
        EndpointBackend(fake.url, timeout=0.5).query("ASK {}")
    assert time.monotonic() - begin < 1.9


def test_an_unreachable_endpoint(free_port: int = 18399):
    with pytest.raises(EndpointError, match=r"cannot reach http://127.0.0.1:18399/sparql"):
        EndpointBackend(f"http://127.0.0.1:{free_port}/sparql").query("ASK {}")


def test_graph_option_needs_an_iri_and_an_endpoint(cli):
    assert "absolute IRI" in cli(["query", "concepts", "--endpoint", "http://127.0.0.1:18399/sparql", "--graph", "not an iri"]).err
    done = cli(["query", "concepts", "--graph", "https://w3id.org/etiograph/kg/"])
    assert done.code == 2 and "use it with --endpoint" in done.err


# -- the parsers, on generated input ------------------------------------------------------------------

_prefix = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True)
_keyword = st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "select", "Construct"])


@settings(max_examples=200, deadline=None)
@given(
    prefixes=st.lists(st.tuples(_prefix, st.sampled_from(["urn:select", "http://e/#ASK", "urn:x"])), max_size=3),
    comments=st.lists(st.sampled_from(["# CONSTRUCT this\n", "#ask\n", "\n", "  "]), max_size=3),
    keyword=_keyword,
    base=st.booleans(),
)
def test_query_form_reads_past_any_prologue(prefixes, comments, keyword, base):
    text = "".join(comments)
    text += "".join(f"PREFIX {p}: <{iri}>\n{''.join(comments)}" for p, iri in prefixes)
    text += "BASE <http://b/select#>\n" if base else ""
    text += f"{keyword} * WHERE {{ ?s ?p ?o }}"
    assert query_form(text) == keyword.upper()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["head", "vars", "results", "bindings", "boolean", "type", "value", "x", "xml:lang", "datatype"]), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(document=_json)
def test_any_json_document_is_results_or_an_endpoint_error(document):
    try:
        result = parse_results_json("http://e/sparql", json.dumps(document).encode())
    except EndpointError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(result, SelectResult | AskResult)
