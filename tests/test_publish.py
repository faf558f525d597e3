"""``etiograph publish``: the graph pushed through the SPARQL 1.1 Graph Store Protocol into a real Oxigraph
server and a real Virtuoso (authenticated, HTTP digest), counted back, then queried like any endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from engines import OxigraphServer, StoreError, free_ports

from etiograph import KnowledgeGraph
from etiograph.backends.graph_store import batches, query_endpoint_for
from etiograph.backends.oxigraph_backend import OxigraphBackend
from etiograph.datafiles import graph_sources

pytestmark = pytest.mark.external

GRAPH = "https://w3id.org/etiograph/kg/"
PUBLISHED = "urn:etiograph:test:published"


@pytest.fixture(scope="module")
def oxigraph_rw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An empty, writable Oxigraph server (``oxigraph serve``) on a free port of 127.0.0.1:18360-18369."""
    try:
        server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-rw"), free_ports(18360, 18369, 1)[0])
        server.start()
    except StoreError as error:
        print(f"skipped: {error}")
        pytest.skip(str(error))
    yield server
    server.stop()


def paths_signature(graph: KnowledgeGraph) -> list:
    return [(p.nodes, tuple(h.claim for h in p.hops)) for p in graph.paths("UTI", "leg cramps", max_hops=4).paths]


def test_publish_into_oxigraph_server_in_batches(oxigraph_rw: OxigraphServer, cli, kg: KnowledgeGraph):
    done = cli(["publish", "--endpoint", oxigraph_rw.store, "--graph", GRAPH, "--batch", "1000"])
    assert done.code == 0, done.err
    expected = len(kg)
    assert f"published {expected:,} triples into graph <{GRAPH}>" in done.out
    progress = [line for line in done.err.splitlines() if line.startswith("publish: ")]
    assert len(progress) >= expected // 1000 and progress[-1].endswith("(100%)")
    remote = KnowledgeGraph.load(endpoint=f"{oxigraph_rw.query}?default-graph-uri={GRAPH}")
    assert len(remote) == expected
    assert paths_signature(remote) == paths_signature(kg)


def test_publishing_again_replaces_the_graph(oxigraph_rw: OxigraphServer, cli, kg: KnowledgeGraph, tmp_path: Path):
    """PUT first: a second publish of a smaller graph leaves only that graph, not the union."""
    small = tmp_path / "small.ttl"  # a fixture graph written by this test
    small.write_text("<urn:a> <urn:b> [ <urn:c> [ <urn:d> 1 ] ] .\n", encoding="utf-8")
    assert cli(["publish", "--endpoint", oxigraph_rw.store, "--graph", PUBLISHED, "--data", str(small)]).code == 0
    first = OxigraphBackend()
    first.load(graph_sources([small]))
    done = cli(["publish", "--endpoint", oxigraph_rw.store, "--graph", PUBLISHED, "--data", str(small), "--batch", "1"])
    assert done.code == 0, done.err
    assert f"the store holds {first.triple_count():,}" in done.out


def test_publish_into_the_default_graph(oxigraph_rw: OxigraphServer, cli, kg: KnowledgeGraph):
    done = cli(["publish", "--endpoint", oxigraph_rw.store, "--batch", "0"])
    assert done.code == 0, done.err
    assert "into the default graph" in done.out and "in 1 request " in done.out
    assert len(KnowledgeGraph.load(endpoint=oxigraph_rw.query)) == len(kg)


def test_publish_into_virtuoso_with_digest_auth(virtuoso, cli, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ETIO_TEST_VIRTUOSO_PASSWORD", "dba")
    args = ["publish", "--endpoint", virtuoso.gsp, "--graph", PUBLISHED, "--user", "dba"]
    done = cli([*args, "--password-env", "ETIO_TEST_VIRTUOSO_PASSWORD", "--batch", "2000"])
    assert done.code == 0, done.err
    assert f"the store holds {len(kg):,}" in done.out
    remote = KnowledgeGraph.load(endpoint=virtuoso.endpoint(PUBLISHED))
    assert paths_signature(remote) == paths_signature(kg)


def test_wrong_credentials_are_one_line(virtuoso, cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ETIO_TEST_WRONG", "not-the-password")
    done = cli(["publish", "--endpoint", virtuoso.gsp, "--graph", PUBLISHED, "--user", "dba", "--password-env", "ETIO_TEST_WRONG"])
    assert done.code == 2
    assert done.err.strip().splitlines() == [
        f"etiograph: error: {virtuoso.gsp} refused user 'dba' (401): give --user NAME --password-env VAR with write rights"
    ]
    done = cli(["publish", "--endpoint", virtuoso.gsp, "--graph", PUBLISHED])
    assert done.code == 2 and "refused no user (401)" in done.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--user", "dba"], "--user needs --password-env"),
        (["--password-env", "X"], "--password-env goes with --user"),
        (["--user", "dba", "--password-env", "ETIO_TEST_UNSET_VARIABLE"], "is not set"),
        (["--graph", "not an iri"], "absolute IRI"),
        (["--batch", "-1"], "--batch must be"),
    ],
)
def test_usage_errors(cli, args: list[str], words: str):
    done = cli(["publish", "--endpoint", "http://127.0.0.1:18399/store", *args])
    assert done.code == 2 and words in done.err and len(done.err.strip().splitlines()) == 1


def test_an_unreachable_store(cli):
    done = cli(["publish", "--endpoint", "http://127.0.0.1:18399/store"])
    assert done.code == 2 and "cannot reach http://127.0.0.1:18399/store" in done.err


# -- batching keeps blank-node trees whole -------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 7, 500])
def test_batches_partition_the_graph_and_keep_blank_node_trees_whole(size: int):
    backend = OxigraphBackend()
    backend.load(graph_sources())
    found = list(batches(backend.store, size))
    everything = [t for batch in found for t in batch]
    assert len(everything) == len(set(everything)) == backend.triple_count()
    home: dict[ox.BlankNode, int] = {}
    for number, batch in enumerate(found):
        for triple in batch:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode):
                    assert home.setdefault(term, number) == number, "a blank node crosses batches"
    if size == 0:
        assert len(found) == 1


def test_query_endpoints_of_known_stores():
    assert query_endpoint_for("http://127.0.0.1:7878/store") == "http://127.0.0.1:7878/query"
    assert query_endpoint_for("http://g:7200/repositories/kg/rdf-graphs/service") == "http://g:7200/repositories/kg"
