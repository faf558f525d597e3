"""The exports other tools consume: byte-identical in any process, readable by other parsers, the source graph.

Everything runs on a snapshot of the bundled files (``source_paths``), so edits made to ``graph/`` while
the tests run cannot make two exports differ.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from isomorphism import isomorphic
from rdflib.compare import to_isomorphic

from etiograph import export
from etiograph.datafiles import graph_sources, read_rdflib
from etiograph.errors import DataError
from etiograph.vocab import DCTERMS, OWL, PREFIXES, PROV, RDF, SPARQL_PROLOGUE

FORMATS = list(export.FORMATS)
RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
OXIGRAPH_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
}
ONTOLOGY_HEADER = (RDF + "type", OWL + "Ontology")

# rdflib's own JSON-LD and TriG parsers use deprecated rdflib API internally.
#: Byte-identical exports in fresh interpreters per format, rapper/serdi, rdflib isomorphism: minutes.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:(ConjunctiveGraph|Dataset.default_context) is deprecated:DeprecationWarning"),
]

# What the bundled graph lacks: lists, empty and shared blank nodes, a blank-node cycle, a blank node as
# class, escapes, typed and language literals, IRIs that cannot be prefixed names.
EDGE_CASES = r"""
@prefix ex: <http://example.org/> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kg:a ex:list ( kg:b "two" [ ex:p 3 ] ) ;
    ex:empty () ;
    ex:blank [] ;
    ex:text "line\nbreak \"quoted\" tab\t back\\slash", "naïve"@fr, "1.50"^^xsd:decimal, "1e3"^^xsd:double,
        "-0"^^xsd:integer, "12345678901234567890123"^^xsd:integer, "2026-01-01"^^xsd:date, "x"^^ex:custom,
        false, '''long
text''' ;
    ex:shared _:s ;
    ex:same [ ex:v 1 ], [ ex:v 1 ] .
kg:c ex:shared _:s .
_:s ex:q kg:a .
_:c1 ex:next _:c2 .
_:c2 ex:next _:c1 .
kg:d a _:klass .
_:klass ex:r "class" .
<http://example.org/ü#x> ex:p <https://w3id.org/etiograph/kg/a.>, <https://w3id.org/etiograph/kg/claim/> .
"""

# Runs serialize() in a fresh interpreter: arguments are the format, then the files.
EXPORT_SCRIPT = (
    "import sys; from pathlib import Path; from etiograph.export import serialize; "
    "sys.stdout.buffer.write(serialize([Path(p) for p in sys.argv[2:]], sys.argv[1]))"
)


def export_in_subprocess(paths: list[Path], fmt: str, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_SCRIPT, fmt, *map(str, paths)], capture_output=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def require_binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"`{name}` is not installed (Debian: raptor2-utils for rapper, serdi for serdi)")
    return found


def assert_isomorphic(graph: rdflib.Graph, source: rdflib.Graph, source_digest: int) -> None:
    """``rdflib.compare.isomorphic(graph, source)``, with the source's RGDA1 digest computed once per session.

    ``isomorphic`` is exactly "same RGDA1 digest"; on this graph each digest takes seconds, hence the cache.
    """
    assert len(graph) == len(source)
    assert to_isomorphic(graph).graph_digest() == source_digest


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def source_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A copy of the ontology and graph files, in graph_sources() order."""
    folder = tmp_path_factory.mktemp("sources")
    copies = []
    for path in graph_sources():
        copy = folder / path.parent.name / path.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies


@pytest.fixture(scope="session")
def source_graph(source_paths: list[Path]) -> rdflib.Graph:
    return read_rdflib(source_paths)


@pytest.fixture(scope="session")
def source_digest(source_graph: rdflib.Graph) -> int:
    return to_isomorphic(source_graph).graph_digest()


@pytest.fixture(scope="session")
def source_claims(source_graph: rdflib.Graph) -> dict[str, tuple[str, str, str]]:
    """Claim IRI → its (subject, predicate, object), found by class, not by the exporter's own list."""
    query = SPARQL_PROLOGUE + (
        "SELECT ?claim ?s ?p ?o WHERE { ?claim a/rdfs:subClassOf* etio:Claim ; rdf:subject ?s ; rdf:predicate ?p ; "
        "rdf:object ?o }"
    )
    claims = {str(row.claim): (str(row.s), str(row.p), str(row.o)) for row in source_graph.query(query)}
    count = SPARQL_PROLOGUE + "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a/rdfs:subClassOf* etio:Claim }"
    assert len(claims) == int(next(iter(source_graph.query(count))).n) > 100
    return claims


@pytest.fixture(scope="session")
def exports(source_paths: list[Path]) -> dict[str, bytes]:
    """Every format, each exported in its own interpreter."""
    return {fmt: export_in_subprocess(source_paths, fmt, hash_seed="1") for fmt in FORMATS}


@pytest.fixture(scope="session")
def trig_store(exports: dict[str, bytes]) -> ox.Store:
    store = ox.Store()
    store.load(exports["trig"], format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="session")
def nanopublications(trig_store: ox.Store) -> list[dict[str, str]]:
    """One row per np:Nanopublication: its IRI, its four graphs, and the claim its provenance describes."""
    query = (
        SPARQL_PROLOGUE
        + """
        SELECT ?np ?head ?assertion ?provenance ?pubinfo ?claim WHERE {
            GRAPH ?head { ?np a np:Nanopublication ; np:hasAssertion ?assertion ; np:hasProvenance ?provenance ;
                              np:hasPublicationInfo ?pubinfo }
            OPTIONAL { GRAPH ?provenance { ?claim rdf:subject ?subject } }
        }"""
    )
    solutions = trig_store.query(query)
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


@pytest.fixture(scope="session")
def edge_case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edge") / "edge-cases.ttl"
    path.write_text(EDGE_CASES, encoding="utf-8")
    return path


@pytest.fixture
def turtle_file(exports: dict[str, bytes], tmp_path: Path) -> Path:
    path = tmp_path / "etiograph.ttl"
    path.write_bytes(exports["turtle"])
    return path


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_in_separate_processes(source_paths: list[Path], exports: dict[str, bytes], fmt: str) -> None:
    again = export_in_subprocess(source_paths, fmt, hash_seed="2")
    assert again == exports[fmt]
    assert export.serialize(source_paths, fmt) == exports[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_order_does_not_change_the_output(source_paths: list[Path], exports: dict[str, bytes], fmt: str) -> None:
    assert export.serialize(source_paths[::-1], fmt) == exports[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_edge_cases_same_bytes_in_separate_processes(edge_case_file: Path, fmt: str) -> None:
    assert export_in_subprocess([edge_case_file], fmt, "1") == export_in_subprocess([edge_case_file], fmt, "2")


def test_nt_lines_are_sorted(exports: dict[str, bytes]) -> None:
    lines = exports["nt"].splitlines()
    assert lines == sorted(lines)


def test_turtle_nests_blank_nodes_instead_of_labelling_them(exports: dict[str, bytes]) -> None:
    # Labels would renumber whenever a claim is added; nested evidence keeps diffs local.
    assert b"_:" not in exports["turtle"]
    assert b"etio:evidence [" in exports["turtle"]


# ---------------------------------------------------------------------------------------------
# Other parsers read the Turtle
# ---------------------------------------------------------------------------------------------


def test_turtle_parses_in_pyoxigraph(exports: dict[str, bytes], source_graph: rdflib.Graph) -> None:
    assert len(list(ox.parse(exports["turtle"], format=ox.RdfFormat.TURTLE))) == len(source_graph)


def test_turtle_parses_in_rapper(turtle_file: Path, source_graph: rdflib.Graph) -> None:
    rapper = require_binary("rapper")
    done = subprocess.run([rapper, "-i", "turtle", "-c", str(turtle_file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "Warning" not in done.stderr, done.stderr
    assert f"returned {len(source_graph)} triples" in done.stderr


def test_turtle_parses_in_serdi(turtle_file: Path, source_graph: rdflib.Graph) -> None:
    serdi = require_binary("serdi")
    done = subprocess.run([serdi, "-i", "turtle", "-o", "ntriples", str(turtle_file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == len(source_graph)


def test_jsonld_parses_in_pyoxigraph(exports: dict[str, bytes], source_graph: rdflib.Graph) -> None:
    assert len(list(ox.parse(exports["jsonld"], format=ox.RdfFormat.JSON_LD))) == len(source_graph)


# ---------------------------------------------------------------------------------------------
# Same graph as the sources, prefixes from the vocabulary
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_round_trips_isomorphic(
    exports: dict[str, bytes], source_graph: rdflib.Graph, source_digest: int, fmt: str
) -> None:
    parsed = rdflib.Graph().parse(data=exports[fmt], format=RDFLIB_FORMAT[fmt])
    assert_isomorphic(parsed, source_graph, source_digest)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_edge_cases_round_trip_isomorphic(edge_case_file: Path, fmt: str) -> None:
    data = export.serialize([edge_case_file], fmt)
    parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    assert isomorphic(parsed, read_rdflib([edge_case_file]))
    assert len(list(ox.parse(data, format=OXIGRAPH_FORMAT[fmt]))) == len(parsed) == 33


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_prefixes_come_from_vocab(exports: dict[str, bytes], fmt: str) -> None:
    declared = dict(
        (line.split()[1].rstrip(":"), line.split()[2].strip("<>"))
        for line in exports[fmt].decode().splitlines()
        if line.startswith("@prefix")
    )
    assert declared and declared.items() <= PREFIXES.items()
    assert list(declared) == [p for p in PREFIXES if p in declared]  # in the vocabulary's order


def test_jsonld_context_prefixes_are_the_vocab_prefixes(exports: dict[str, bytes]) -> None:
    # The context also defines terms (tests/test_export_jsonld.py); its prefixes are the vocabulary's.
    context = json.loads(exports["jsonld"])["@context"]
    prefixes = {name: value for name, value in context.items() if name in PREFIXES}
    assert prefixes and prefixes.items() <= PREFIXES.items()
    assert list(prefixes) == list(context)[: len(prefixes)]  # prefixes first, in the vocabulary's order
    assert "np" not in context  # only prefixes the document uses


@pytest.mark.parametrize("fmt", FORMATS)
def test_with_ontology_false_leaves_out_the_ontology_header(
    source_paths: list[Path], exports: dict[str, bytes], fmt: str
) -> None:
    def has_header(data: bytes) -> bool:
        return any(
            (t.predicate.value, t.object.value) == ONTOLOGY_HEADER for t in ox.parse(data, format=OXIGRAPH_FORMAT[fmt])
        )

    without = graph_sources(source_paths[1:], with_ontology=False)
    assert source_paths[0].parent.name == "ontology" and source_paths[0] not in without
    assert has_header(exports[fmt])
    assert not has_header(export.serialize(without, fmt))


# ---------------------------------------------------------------------------------------------
# TriG: one nanopublication per claim
# ---------------------------------------------------------------------------------------------


def test_trig_has_one_nanopublication_per_claim(
    nanopublications: list[dict[str, str]], source_claims: dict[str, tuple[str, str, str]]
) -> None:
    described = [row.get("claim") for row in nanopublications]
    assert len(nanopublications) == len(source_claims)
    assert sorted(map(str, described)) == sorted(source_claims)


def test_each_nanopublication_has_four_distinct_graphs(
    nanopublications: list[dict[str, str]], trig_store: ox.Store
) -> None:
    names = ("head", "assertion", "provenance", "pubinfo")
    every_graph = [row[name] for row in nanopublications for name in names]
    assert len(set(every_graph)) == len(every_graph) == 4 * len(nanopublications)
    for row in nanopublications:
        assert row["np"] not in every_graph
        for name in names:
            assert next(trig_store.quads_for_pattern(None, None, None, ox.NamedNode(row[name])), None), (row, name)


def test_assertion_graph_holds_exactly_the_claims_triple(
    nanopublications: list[dict[str, str]], trig_store: ox.Store, source_claims: dict[str, tuple[str, str, str]]
) -> None:
    for row in nanopublications:
        quads = list(trig_store.quads_for_pattern(None, None, None, ox.NamedNode(row["assertion"])))
        assert [(q.subject.value, q.predicate.value, q.object.value) for q in quads] == [source_claims[row["claim"]]]


def test_provenance_and_pubinfo_describe_assertion_and_nanopublication(
    nanopublications: list[dict[str, str]], trig_store: ox.Store
) -> None:
    for row in nanopublications:
        assertion, nanopub = ox.NamedNode(row["assertion"]), ox.NamedNode(row["np"])
        derived = trig_store.quads_for_pattern(
            assertion, ox.NamedNode(PROV + "wasDerivedFrom"), None, ox.NamedNode(row["provenance"])
        )
        assert next(derived, None), row
        info = list(trig_store.quads_for_pattern(None, None, None, ox.NamedNode(row["pubinfo"])))
        assert {q.subject for q in info} == {nanopub}
        assert {q.predicate.value for q in info} == {DCTERMS + "creator", DCTERMS + "created", DCTERMS + "license"}


def test_default_graph_holds_everything_but_the_claims(trig_store: ox.Store) -> None:
    # Table cells (etio:TableCell) are statements too, but not claims: they stay in the default graph.
    claims = SPARQL_PROLOGUE + (
        "ASK { { ?claim a/rdfs:subClassOf* etio:Claim } UNION "
        "{ ?claim rdf:subject ?s FILTER NOT EXISTS { ?claim a etio:TableCell } } }"
    )
    assert not trig_store.query(claims)
    assert trig_store.query(
        SPARQL_PROLOGUE + "ASK { ?o a owl:Ontology . ?c a skos:Concept . ?t a etio:ClinicalProfile }"
    )


def test_trig_without_nanopublication_bookkeeping_is_the_source_graph(
    exports: dict[str, bytes],
    nanopublications: list[dict[str, str]],
    source_graph: rdflib.Graph,
    source_digest: int,
) -> None:
    dataset = rdflib.Dataset().parse(data=exports["trig"], format="trig")
    bookkeeping = {rdflib.URIRef(row[name]) for row in nanopublications for name in ("head", "pubinfo")}
    assertions = {rdflib.URIRef(row["assertion"]) for row in nanopublications}
    # Evidence is skolemised for signing: IRIs the source does not have stand for its blank nodes.
    known = set(source_graph.all_nodes())
    blank: dict[rdflib.URIRef, rdflib.BNode] = {}

    def unskolemise(term: rdflib.term.Node) -> rdflib.term.Node:
        if isinstance(term, rdflib.URIRef) and term not in known:
            return blank.setdefault(term, rdflib.BNode())
        return term

    union = rdflib.Graph()
    for s, p, o, graph in dataset.quads((None, None, None, None)):
        if graph not in bookkeeping and not (s in assertions and p == rdflib.PROV.wasDerivedFrom):
            union.add((unskolemise(s), p, unskolemise(o)))
    assert blank  # the evidence's blank nodes
    assert_isomorphic(union, source_graph, source_digest)


def test_trig_parses_in_rapper_and_serdi(exports: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "etiograph.trig"
    path.write_bytes(exports["trig"])
    quads = len(list(ox.parse(exports["trig"], format=ox.RdfFormat.TRIG)))
    rapper = require_binary("rapper")
    done = subprocess.run([rapper, "-i", "trig", "-c", str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and f"returned {quads} triples" in done.stderr, done.stderr
    serdi = require_binary("serdi")
    done = subprocess.run([serdi, "-i", "trig", "-o", "nquads", str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(done.stdout.splitlines()) == quads


# ---------------------------------------------------------------------------------------------
# Errors and writing
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def broken_file(source_paths: list[Path], tmp_path: Path) -> tuple[Path, int]:
    """A copy of concepts.ttl with an object missing on a new last line; returns the file and that line."""
    concepts = next(p for p in source_paths if p.name == "concepts.ttl")
    text = concepts.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path = tmp_path / "concepts.ttl"
    path.write_text(text + "kg:broken etio:causes .\n", encoding="utf-8")
    return path, text.count("\n") + 1


def test_syntax_error_names_file_and_line(broken_file: tuple[Path, int]) -> None:
    path, line = broken_file
    with pytest.raises(DataError) as raised:
        export.serialize(graph_sources([path]), "turtle")
    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert f"{path}:{line}:" in str(raised.value)


def test_unknown_format_lists_the_formats(source_paths: list[Path]) -> None:
    with pytest.raises(ValueError, match="turtle, nt, jsonld, trig"):
        export.serialize(source_paths, "rdfxml")


def test_export_command_writes_the_bytes(
    source_paths: list[Path], exports: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from etiograph.cli import main

    target = tmp_path / "out" / "etiograph.nt"
    data = [arg for path in source_paths for arg in ("--data", str(path))]  # the ontology copy too
    assert main(["export", *data, "--no-ontology", "-o", str(target)]) == 0  # the format from the extension
    assert target.read_bytes() == exports["nt"]
    assert [p.name for p in target.parent.iterdir()] == ["etiograph.nt"]
    assert "wrote" in capsys.readouterr().err
