"""The server's pure parts, without a server: negotiation, requests, descriptions, the audit hook.

End-to-end tests (a real ``etiograph serve`` on a socket) are in ``test_server.py`` and
``test_server_security.py``; the query gate has its own file, ``test_server_gate.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiograph.backends import open_backend
from etiograph.datafiles import graph_sources
from etiograph.server import description, protocol
from etiograph.server.app import diagram_policy
from etiograph.server.isolation.audit import make_hook


def test_negotiation_of_sparqlwrapper_and_browser_accept_headers():
    wrapper_json = "application/sparql-results+json,application/json,text/javascript,application/javascript"
    assert protocol.negotiate(wrapper_json, protocol.SELECT_FORMATS) == "json"
    assert protocol.negotiate("application/turtle,text/turtle", protocol.GRAPH_FORMATS) == "turtle"
    assert protocol.negotiate("text/csv;q=0.5, */*;q=0.1", protocol.SELECT_FORMATS) == "csv"
    assert protocol.negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", protocol.SELECT_FORMATS) == "xml"
    assert protocol.negotiate("*/*", protocol.GRAPH_FORMATS) == "turtle"


def test_audit_hook_refuses_reaching_out(tmp_path: Path):
    hook = make_hook([str(tmp_path)])
    with pytest.raises(PermissionError):
        hook("urllib.Request", ("http://127.0.0.1:9/", None, {}, "GET"))
    with pytest.raises(PermissionError):
        hook("socket.connect", (None, ("192.0.2.1", 80)))  # only checked, never connected
    hook("socket.connect", (None, ("127.0.0.1", 80)))
    hook("socket.connect", (None, "/run/some.sock"))
    with pytest.raises(PermissionError):
        hook("open", ("/etc/passwd", "r", 0))
    hook("open", (str(tmp_path / "inside.ttl"), "r", 0))
    with pytest.raises(PermissionError):
        hook("open", (str(tmp_path / "inside.ttl"), "w", 0))


@pytest.mark.slow  # a fresh interpreter; test_audit_hook_refuses_reaching_out checks the hook in-process
def test_audit_hook_installed_in_a_process(tmp_path: Path):
    script = """
import json, socket, urllib.request
from etiograph.server.isolation import audit as sandbox
sandbox.install()
out = {}
for name, action in [
    ("passwd", lambda: open("/etc/passwd").read()),
    ("url", lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)),
]:
    try:
        action()
        out[name] = "allowed"
    except PermissionError:
        out[name] = "refused"
import etiograph.server.gate  # imports still work
from etiograph import resources
out["data"] = len(resources.ontology_file().read_text()) > 0
listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(1)
socket.create_connection(listener.getsockname(), timeout=1).close()
out["loopback"] = True
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"passwd": "refused", "url": "refused", "data": True, "loopback": True}


@pytest.mark.parametrize(
    ("accept", "select", "graph"),
    [
        ("text/*", "csv", "turtle"),  # D26: not SPARQL XML for its text/xml alias
        ("text/xml", "xml", "rdfxml"),
        ("application/*", "json", "nt"),
        ("*/*", "json", "turtle"),
        ("application/json", "json", "jsonld"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "xml", "rdfxml"),
        ("image/png", None, None),
    ],
)
def test_wildcards_match_what_is_sent(accept, select, graph):
    assert protocol.negotiate(accept, protocol.SELECT_FORMATS) == select
    assert protocol.negotiate(accept, protocol.GRAPH_FORMATS) == graph


@pytest.mark.slow  # hypothesis, 100 examples; the example-based tests stay fast
@given(st.text(max_size=200))
def test_negotiation_never_fails(accept):
    chosen = protocol.negotiate(accept, protocol.SELECT_FORMATS)
    assert chosen is None or chosen in protocol.SELECT_FORMATS


@pytest.mark.slow  # hypothesis, 100 examples; the example-based tests stay fast
@given(
    st.binary(max_size=300),
    st.binary(max_size=300),
    st.sampled_from(
        [
            None,
            "application/sparql-query",
            "application/x-www-form-urlencoded",
            "text/plain",
            "application/sparql-update",
        ]
    ),
)
def test_read_request_answers_or_says_why(query_string, body, content_type):
    try:
        asked = protocol.read_request("POST", content_type, query_string, body)
    except protocol.ProtocolError as error:
        assert error.status in (400, 403, 405, 415) and error.message
    else:
        assert asked.query is None or asked.query.strip()


@pytest.mark.slow  # the graph loaded into rdflib too (no subprocess: the pipe is JSON, checked in-process)
def test_statistics_come_from_the_loaded_store_and_survive_the_pipe():
    """The worker computes them from its store (the server loads nothing) and sends them as JSON."""
    backend = open_backend("oxigraph", graph_sources())
    stats = description.dataset_stats(backend)
    assert stats.triples == len(backend.store)  # the in-memory store has the default graph only
    again = description.DatasetStats.from_json(json.loads(json.dumps(stats.as_json())))
    assert again == stats
    rdflib_stats = description.dataset_stats(open_backend("rdflib", graph_sources()))
    assert rdflib_stats.triples == stats.triples and rdflib_stats.classes == stats.classes


def test_diagram_policy_allows_its_own_inline_scripts_only():
    page = "<html><script>var a = 1;</script><script src='x.js'></script><script type='x'>b()</script></html>"
    policy = diagram_policy(page)
    assert policy.count("'sha256-") == 2 and "unsafe-inline" not in policy.split("style-src")[0]
    assert "connect-src 'none'" in policy and "default-src 'none'" in policy
