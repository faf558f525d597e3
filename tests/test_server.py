"""``etiograph serve``: a real SPARQL 1.1 endpoint on a real socket, queried as clients would.

One server runs for the whole module (``etiograph serve --port 0 --timeout 2`` in a subprocess,
so its audit hooks stay out of this process); a second, built with :func:`create_app` and run
by uvicorn in a thread, has small limits for the truncation and body-size tests. Clients are
SPARQLWrapper and plain HTTP (httpx).
"""

from __future__ import annotations

import csv
import io
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper
from test_server_gate import Canary

from etiograph import KnowledgeGraph
from etiograph.backends.endpoint import term_from_json
from etiograph.backends.substitution import substitute
from etiograph.sparql.named import all_queries, get_query
from etiograph.vocab import VOID

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SIMPLE = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } LIMIT 3"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CONSTRUCT = (
    "CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
    "WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
)
UPDATES = [
    "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "DROP DEFAULT",
    "CREATE GRAPH <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "MOVE DEFAULT TO <urn:x:g>",
    "COPY DEFAULT TO <urn:x:g>",
]
pytestmark = pytest.mark.external
LEAKS = re.compile(r"Traceback|File \"|pyparsing|pyoxigraph|rdflib|Exception", re.IGNORECASE)


# -- fixtures ---------------------------------------------------------------------------------------
class Server:
    def __init__(self, base: str):
        self.base = base
        self.sparql = base + "sparql"


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``etiograph serve`` in a subprocess on a free port, 2 s timeout, two workers."""
    log = (tmp_path_factory.mktemp("serve") / "stderr.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "etiograph", "serve", "--port", "0", "--timeout", "2", "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    try:
        line = lines.get(timeout=60)
    except queue.Empty:
        process.kill()
        log.seek(0)
        pytest.fail(f"etiograph serve did not start:\n{log.read()}")
    found = re.search(r"query page (http://\S+/)", line)
    assert found, line
    yield Server(found.group(1))
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.seek(0)
    assert "Traceback" not in log.read()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """create_app(max_rows=5, max_body=4096, one CORS origin) under uvicorn in a thread: what embedders do."""
    import uvicorn

    from etiograph.server import create_app

    app = create_app(max_rows=5, max_body=4096, workers=1, timeout=10, cors=["https://allowed.example"])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the in-thread server did not start"
        time.sleep(0.05)
    served = Server(f"http://127.0.0.1:{port}/")
    served.app = app
    yield served
    uv.should_exit = True
    thread.join(timeout=15)
    sock.close()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def triples() -> int:
    return len(KnowledgeGraph.load())


def count(http: httpx.Client, server: Server) -> int:
    reply = http.get(server.sparql, params={"query": COUNT})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def rows(reply: httpx.Response) -> list[tuple]:
    data = reply.json()
    names = data["head"]["vars"]
    return [tuple(term_from_json(b[v]) if v in b else None for v in names) for b in data["results"]["bindings"]]


def comparable(result_rows) -> list[tuple]:
    """Rows as sortable text; blank nodes (labels differ between stores) as one placeholder."""
    return sorted(tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in row) for row in result_rows)


# -- the three protocol forms, and the formats ------------------------------------------------------
def test_get_json_counts_every_triple(http, server, triples):
    reply = http.get(server.sparql, params={"query": COUNT})
    assert reply.headers["content-type"] == "application/sparql-results+json"
    assert count(http, server) == triples


def test_get_form_post_and_direct_post_agree(http, server):
    by_get = http.get(server.sparql, params={"query": SIMPLE})
    by_form = http.post(server.sparql, data={"query": SIMPLE})
    by_body = http.post(server.sparql, content=SIMPLE.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.json() == by_form.json() == by_body.json()
    assert len(by_get.json()["results"]["bindings"]) == 3


@pytest.mark.parametrize(
    ("accept", "fmt", "kind"),
    [
        ("application/sparql-results+json", "json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
        ("text/csv", "csv", "text/csv"),
        ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
    ],
)
def test_select_formats_by_accept_and_by_format_parameter(http, server, accept, fmt, kind):
    by_accept = http.get(server.sparql, params={"query": SIMPLE}, headers={"Accept": accept})
    by_param = http.get(server.sparql, params={"query": SIMPLE, "format": fmt})
    for reply in (by_accept, by_param):
        assert reply.status_code == 200
        assert reply.headers["content-type"].split(";")[0] == kind
        assert reply.content == by_accept.content
    body = by_accept.text
    if fmt == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        assert len(ET.fromstring(body).findall(".//r:result", ns)) == 3
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(body)))
        assert table[0] == ["s"] and len(table) == 4
    elif fmt == "tsv":
        lines = body.splitlines()
        assert lines[0] == "?s" and len(lines) == 4 and all(line.startswith("<") for line in lines[1:])


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(http, server, accept):
    reply = http.post(server.sparql, data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": accept})
    assert reply.status_code == 200
    assert ("true" in reply.text) and reply.headers["content-type"] == accept


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        (None, ox.RdfFormat.TURTLE),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_parses_back(http, server, kg_labels, accept, rdf_format):
    headers = {"Accept": accept} if accept else {}
    reply = http.post(server.sparql, data={"query": CONSTRUCT}, headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].split(";")[0] == (accept or "text/turtle")
    parsed = {(t.subject.value, t.object.value) for t in ox.parse(reply.content, format=rdf_format)}
    assert parsed == kg_labels


@pytest.fixture(scope="module")
def kg_labels(kg) -> set[tuple[str, str]]:
    return {(s.value, o.value) for s, _, o in kg.query(CONSTRUCT).triples}


def test_describe(http, server):
    reply = http.get(server.sparql, params={"query": "DESCRIBE <https://w3id.org/etiograph/kg/fever>"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/turtle")
    assert any(t.subject.value.endswith("/fever") for t in ox.parse(reply.content, format=ox.RdfFormat.TURTLE))


# -- SPARQLWrapper ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_select_json(server, method):
    client = SPARQLWrapper(server.sparql)
    if method != "GET":
        client.setMethod(POST)
    if method == "POSTDIRECTLY":
        client.setRequestMethod(POSTDIRECTLY)
    client.setQuery(SIMPLE)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert len(result["results"]["bindings"]) == 3


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_xml_csv_ask_and_construct(server, kg_labels):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(SIMPLE)
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 3
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[0] == "s"
    client.setQuery("ASK { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert {(t.subject.value, t.object.value) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)} == kg_labels
    client.setReturnFormat(XML)  # SPARQLWrapper asks for RDF/XML and parses it with rdflib
    assert len(client.query().convert()) == len(kg_labels)


# -- the named queries answer as the embedded engine does -------------------------------------------
@pytest.mark.parametrize("name", sorted(all_queries()))
def test_named_queries_match_the_embedded_engine(http, server, kg, name):
    named = get_query(name)
    params = {}
    if named.parameters:  # the values of the query's own documented example, bound as VALUES would be
        params = dict(re.findall(r'--param (\w+)=("[^"]*"|\S+)', named.examples[0]))
        params = {k: v.strip('"') for k, v in params.items()}
    expected = kg.run_named(name, params)
    bindings = {k: kg.term_for(next(p.kind for p in named.parameters if p.name == k), v) for k, v in params.items()}
    reply = http.post(server.sparql, data={"query": substitute(named.text, bindings)})
    assert reply.status_code == 200, reply.text
    assert tuple(reply.json()["head"]["vars"]) == expected.variables
    assert comparable(rows(reply)) == comparable(expected.rows)


# -- malformed requests: a status and a message, never a traceback ---------------------------------
def test_syntax_error_says_where(http, server):
    reply = http.post(server.sparql, data={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = ) }"})
    assert reply.status_code == 400
    lines = reply.text.splitlines()
    assert "line 3, column " in lines[0]  # where pyoxigraph, the engine, stopped reading
    assert lines[1].strip() == "FILTER(?x = ) }" and lines[2].strip() == "^"
    assert not LEAKS.search(reply.text)


@pytest.mark.parametrize(
    ("request_args", "status", "words"),
    [
        ({"method": "POST", "content": b"", "ct": "application/x-www-form-urlencoded"}, 400, "missing the 'query'"),
        ({"method": "POST", "content": b"format=json", "ct": "application/x-www-form-urlencoded"}, 400, "missing"),
        ({"method": "POST"}, 415, "no Content-Type"),
        ({"method": "GET", "params": [("query", SIMPLE), ("query", SIMPLE)]}, 400, "2 'query' parameters"),
        ({"method": "POST", "data": {"query": "   "}}, 400, "empty"),
        (
            {"method": "POST", "content": b"SELECT * WHERE { ?s ?p '\xff' }", "ct": "application/sparql-query"},
            400,
            "UTF-8",
        ),
        ({"method": "POST", "content": b"query=%FF%FE", "ct": "application/x-www-form-urlencoded"}, 400, "UTF-8"),
        ({"method": "POST", "content": SIMPLE.encode(), "ct": "text/plain"}, 415, "Content-Type"),
        ({"method": "POST", "content": b'{"query": "ASK {}"}', "ct": "application/json"}, 415, "Content-Type"),
        (
            {"method": "POST", "content": SIMPLE.encode(), "ct": "application/sparql-query; charset=latin-1"},
            415,
            "UTF-8",
        ),
        ({"method": "GET", "params": {"query": SIMPLE, "default-graph-uri": "urn:x"}}, 400, "only a default graph"),
        ({"method": "POST", "data": {"query": SIMPLE, "named-graph-uri": "urn:x"}}, 400, "only a default graph"),
        ({"method": "GET", "params": {"query": SIMPLE, "format": "yaml"}}, 400, "unknown format"),
        ({"method": "GET", "params": {"query": SIMPLE}, "accept": "image/png"}, 406, "available"),
        ({"method": "GET", "params": {"query": CONSTRUCT}, "accept": "text/csv"}, 406, "text/turtle"),
        ({"method": "PUT", "content": b"x", "ct": "text/turtle"}, 405, ""),
    ],
)
def test_malformed_requests(http, server, request_args, status, words):
    args = dict(request_args)
    headers = {}
    if "ct" in args:
        headers["Content-Type"] = args.pop("ct")
    if "accept" in args:
        headers["Accept"] = args.pop("accept")
    reply = http.request(args.pop("method"), server.sparql, headers=headers, **args)
    assert reply.status_code == status, reply.text
    assert words in reply.text
    assert not LEAKS.search(reply.text)


def test_oversized_body_is_refused(http, server, small):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    reply = http.post(small.sparql, content=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert reply.status_code == 413 and "4,096 bytes" in reply.text
    huge = b"query=" + b"x" * 1_100_000  # the default limit, 1,000,000 bytes
    reply = http.post(server.sparql, content=huge, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status_code == 413


def test_rows_beyond_the_limit_are_cut_and_said_so(http, small):
    reply = http.get(small.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status_code == 200 and len(reply.json()["results"]["bindings"]) == 5
    assert reply.headers["etiograph-truncated"].startswith("true") and reply.headers["etiograph-row-limit"] == "5"
    graph = http.get(small.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert len(graph.text.strip().splitlines()) == 5 and "etiograph-truncated" in graph.headers
    few = http.get(small.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert len(few.json()["results"]["bindings"]) == 5 and "etiograph-truncated" not in few.headers


# -- read-only, and nothing reaches out -------------------------------------------------------------
def _update_routes(update: str) -> list[dict]:
    return [
        {"method": "GET", "params": {"update": update}},
        {"method": "POST", "data": {"update": update}},
        {"method": "POST", "content": update.encode(), "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "GET", "params": {"query": update}},
        {"method": "POST", "data": {"query": update}},
        {"method": "POST", "content": update.encode(), "headers": {"Content-Type": "application/sparql-query"}},
    ]


def test_updates_are_refused_by_every_route_and_change_nothing(http, server, triples):
    for update in UPDATES:
        for route in _update_routes(update):
            args = dict(route)
            reply = http.request(args.pop("method"), server.sparql, **args)
            assert reply.status_code == 403, (update, route, reply.text)
            assert "read-only" in reply.text
    for method in (URLENCODED, POSTDIRECTLY):
        client = SPARQLWrapper(server.sparql)
        client.setMethod(POST)
        client.setRequestMethod(method)
        client.setQuery(UPDATES[0])
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 403
    assert count(http, server) == triples


def test_service_clauses_are_refused_and_nothing_is_contacted(http, server):
    listener = Canary()
    url = f"http://127.0.0.1:{listener.port}/x"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"CONSTRUCT WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ service x:x {{ ?s ?p ?o }} }}",
    ]
    try:
        for query in queries:
            for reply in (
                http.get(server.sparql, params={"query": query}),
                http.post(server.sparql, content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
            ):
                assert reply.status_code in (400, 403), (query, reply.text)
                assert not LEAKS.search(reply.text)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize(
    "query",
    [
        "LOAD <file:///etc/passwd>",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://127.0.0.1:9/> { ?s ?p ?o }",
    ],
)
def test_files_and_urls_are_never_read(http, server, query):
    reply = http.post(server.sparql, data={"query": query})
    assert reply.status_code == 403
    assert "root:" not in reply.text


def test_a_runaway_query_is_stopped_while_others_are_answered(http, server):
    outcome = {}

    def runaway():
        started = time.monotonic()
        with httpx.Client(timeout=30) as other:
            outcome["reply"] = other.post(server.sparql, data={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    reply = http.get(server.sparql, params={"query": SIMPLE})
    assert reply.status_code == 200 and time.monotonic() - started < 1.0
    thread.join(timeout=20)
    assert outcome["reply"].status_code == 503
    assert "2 s limit" in outcome["reply"].text
    assert 1.9 <= outcome["seconds"] < 6
    for _ in range(3):  # the server goes on (the killed worker is replaced in the background)
        assert http.get(server.sparql, params={"query": SIMPLE}).status_code == 200


def test_a_crashed_worker_is_replaced(http, small):
    pool = small.app.state.pool
    for worker in list(pool._idle):
        os.kill(worker.pid, signal.SIGKILL)  # a worker this test's server started
    reply = http.get(small.sparql, params={"query": SIMPLE})
    assert reply.status_code == 500 and "stopped unexpectedly" in reply.text
    assert http.get(small.sparql, params={"query": SIMPLE}).status_code == 200  # a fresh worker
    assert pool.stats.crashed >= 1 and pool.stats.forked >= 2


# -- CORS -------------------------------------------------------------------------------------------
def test_cors_preflight_and_simple_requests(http, server):
    preflight = http.options(
        server.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    simple = http.get(server.sparql, params={"query": SIMPLE}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "etiograph-truncated" in simple.headers["access-control-expose-headers"].lower()
    plain = http.options(server.sparql)
    assert plain.status_code == 204 and "POST" in plain.headers["allow"]


def test_cors_can_be_narrowed_to_one_origin(http, small):
    allowed = http.get(small.sparql, params={"query": SIMPLE}, headers={"Origin": "https://allowed.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
    assert "access-control-allow-credentials" not in allowed.headers
    other = http.get(small.sparql, params={"query": SIMPLE}, headers={"Origin": "https://other.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


# -- protocol details the review checked (D) ----------------------------------------------------------
def test_text_wildcard_gets_csv(http, server):
    """D26: ``Accept: text/*`` is answered in a text/… type (CSV), not SPARQL XML."""
    reply = http.get(server.sparql, params={"query": SIMPLE}, headers={"Accept": "text/*"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    graph = http.get(server.sparql, params={"query": CONSTRUCT}, headers={"Accept": "text/*"})
    assert graph.headers["content-type"].startswith("text/turtle")


def test_relative_iris_resolve_against_the_endpoint(http, server):
    """W3C protocol test query_content_type_construct: ``CONSTRUCT { <s> <p> 1 } WHERE {}``."""
    reply = http.post(
        server.sparql,
        content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert reply.status_code == 200, reply.text
    (triple,) = ox.parse(reply.content, format=ox.RdfFormat.N_TRIPLES)
    assert triple.subject.value == server.base + "s" and triple.predicate.value == server.base + "p"


def test_pages_carry_a_content_security_policy(http, server):
    """D67/D70: the query page and the diagram say what the browser may load: this server only."""
    page = http.get(server.base)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    diagram = http.get(server.base + "diagram")
    assert diagram.status_code == 200
    policy = diagram.headers["content-security-policy"]
    assert "connect-src 'none'" in policy and "'sha256-" in policy and "'unsafe-inline'" not in policy.split(";")[1]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
def test_diagram_draws_under_its_policy(server):
    """The diagram's own scripts run under the policy (no violation), and nothing else is loaded."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            problems: list[str] = []
            requested: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("request", lambda r: requested.append(r.url))
            page.goto(server.base + "diagram")
            page.wait_for_function("() => window.__etiographReady === true", timeout=30_000)  # drawn
        finally:
            browser.close()
    assert problems == []
    assert all(u.startswith(server.base) or u.startswith("data:") for u in requested), requested


# -- descriptions -----------------------------------------------------------------------------------
def _objects(graph: list[ox.Triple], predicate: str) -> list:
    return [t.object for t in graph if t.predicate.value == predicate]


def test_service_description(http, server, triples):
    reply = http.get(server.sparql)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/turtle")
    graph = list(ox.parse(reply.content, format=ox.RdfFormat.TURTLE))
    services = [t.subject for t in graph if t.predicate.value == RDF_TYPE and t.object.value == SD + "Service"]
    assert len(services) == 1
    assert [o.value for o in _objects(graph, SD + "endpoint")] == [server.sparql]
    assert SD + "SPARQL11Query" in {o.value for o in _objects(graph, SD + "supportedLanguage")}
    formats = {o.value.rsplit("/", 1)[1] for o in _objects(graph, SD + "resultFormat")}
    assert {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
    } <= formats
    assert _objects(graph, SD + "defaultDataset")
    assert int(_objects(graph, VOID + "triples")[0].value) == triples
    as_jsonld = http.get(server.sparql, headers={"Accept": "application/ld+json"})
    assert len(list(ox.parse(as_jsonld.content, format=ox.RdfFormat.JSON_LD))) == len(graph)
    browser = http.get(server.sparql, headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert browser.status_code == 303


def test_void(http, server, triples):
    reply = http.get(server.base + "void")
    graph = list(ox.parse(reply.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == VOID + "Dataset" for t in graph)
    assert {int(o.value) for o in _objects(graph, VOID + "triples")} >= {triples}
    vocabularies = {o.value for o in _objects(graph, VOID + "vocabulary")}
    assert {"https://w3id.org/etiograph/ontology#", "http://www.w3.org/2004/02/skos/core#"} <= vocabularies
    assert [o.value for o in _objects(graph, VOID + "sparqlEndpoint")] == [server.sparql]


# -- the query page ---------------------------------------------------------------------------------
class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_query_page_is_offline(http, server):
    reply = http.get(server.base)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in reply.headers["content-security-policy"]
    parser = Links()
    parser.feed(reply.text)
    assert any("yasgui.min.js" in u for u in parser.urls)
    for url in parser.urls:
        assert not re.match(r"^(https?:)?//", url), f"the page loads {url} from elsewhere"
        if url.startswith("data:"):
            continue
        loaded = http.get(server.base + url, headers={"Accept": "*/*"})
        assert loaded.status_code == 200, url
    css = http.get(server.base + "static/yasgui/yasgui.min.css").text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css) and "@import" not in css
    assert http.get(server.base + "static/yasgui/LICENSE").status_code == 200
    for query in all_queries().values():
        assert f'data-query="{query.name}"' in reply.text


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
def test_query_page_runs_an_example_in_a_browser(server):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(server.base)
            page.click("text=Cystitis vs pyelonephritis")
            page.wait_for_selector("table.dataTable td", timeout=15_000)
            assert "pyelonephritis" in page.inner_text("table.dataTable")
        finally:
            browser.close()
    assert requested and all(u.startswith(server.base) for u in requested), requested


# -- the command line -------------------------------------------------------------------------------
def test_serve_reports_bad_data_and_busy_ports(tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    done = subprocess.run(
        [sys.executable, "-m", "etiograph", "serve", "--port", "0", "--data", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "broken.ttl:2" in done.stderr and "Traceback" not in done.stderr
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "etiograph", "serve", "--port", str(busy.getsockname()[1])],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        busy.close()
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr
