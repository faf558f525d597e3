"""The materialised causal spine (graph/spine.ttl): up to date, exactly the RDFS entailment, and used
by the named queries instead of ``rdfs:subPropertyOf*`` without changing a single answer."""

from __future__ import annotations

import re
from pathlib import Path

import data
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etiograph import KnowledgeGraph, resources
from etiograph.causal.spine import main, spine_triples, spine_turtle, write_spine
from etiograph.datafiles import graph_sources
from etiograph.errors import DataError
from etiograph.vocab import CAUSALLY_RELATED_TO, ETIO, KG, RDFS

SPINE_TOPS = {data.CAUSES_OR_CONTRIBUTES_TO, data.COUNTERACTS, CAUSALLY_RELATED_TO}


def test_graph_spine_ttl_is_up_to_date():
    """Fails when a claim changed and the spine was not regenerated: run `python -m etiograph.causal.spine`."""
    expected = spine_turtle(resources.ontology_file(), resources.source_graph_files())
    assert resources.spine_file().read_bytes() == expected, "graph/spine.ttl is stale: run python -m etiograph.causal.spine"


@pytest.mark.slow
def test_the_spine_is_the_bundled_graph_and_the_export(nt_export: bytes):
    assert resources.spine_file() in graph_sources()
    line = f"<{data.UTI}> <{data.CAUSES_OR_CONTRIBUTES_TO}> <{data.FEVER}> .".encode()
    assert line in nt_export.splitlines()


def test_spine_bytes_are_the_same_on_every_run_and_idempotent():
    sources = resources.source_graph_files()
    first = spine_turtle(resources.ontology_file(), sources)
    assert first == spine_turtle(resources.ontology_file(), sources)
    # Feeding the spine back in entails nothing new: the closure is idempotent.
    assert first == spine_turtle(resources.ontology_file(), [*sources, resources.spine_file()])


def _rdflib_oracle(files: list[Path]) -> set[tuple[str, str, str]]:
    """The same entailment computed by rdflib's own transitive closure, triple by triple."""
    graph = rdflib.Graph()
    for path in files:
        graph.parse(str(path), format="turtle")
    top = rdflib.URIRef(CAUSALLY_RELATED_TO)
    spine = set(graph.transitive_subjects(rdflib.RDFS.subPropertyOf, top))
    expected = set()
    for prop in spine:
        ups = {u for u in graph.transitive_objects(prop, rdflib.RDFS.subPropertyOf) if u in spine and u != prop}
        expected |= {(str(prop), RDFS + "subPropertyOf", str(up)) for up in ups}
        for s, o in graph.subject_objects(prop):
            expected |= {(str(s), str(up), str(o)) for up in ups}
    return expected


@pytest.mark.slow
def test_spine_is_exactly_the_rdfs_entailment_rdflib_computes():
    files = [resources.ontology_file(), *resources.source_graph_files()]
    found = {(t.subject.value, t.predicate.value, t.object.value) for t in spine_triples(files[0], files[1:])}
    assert found == _rdflib_oracle(files)
    predicates = {p for _, p, _ in found}
    assert predicates == SPINE_TOPS | {RDFS + "subPropertyOf"}


def test_every_spine_data_triple_is_entailed_by_a_claimed_triple(kg: KnowledgeGraph):
    orphans = kg.query(
        """SELECT ?s ?top ?o WHERE {
          VALUES ?top { etio:causesOrContributesTo etio:counteracts etio:causallyRelatedTo }
          ?s ?top ?o .
          FILTER NOT EXISTS { ?claim rdf:subject ?s ; rdf:object ?o ; rdf:predicate ?p . ?p rdfs:subPropertyOf ?top }
        }"""
    )
    assert orphans.rows == []


# A tiny hierarchy two levels deep, written by this test (a fixture, not article content).
_DEEP_ONTOLOGY = f"""@prefix etio: <{ETIO}> . @prefix rdfs: <{RDFS}> .
etio:causallyRelatedTo rdfs:subPropertyOf <http://purl.obolibrary.org/obo/RO_0002410> .
etio:causesOrContributesTo rdfs:subPropertyOf etio:causallyRelatedTo .
etio:causes rdfs:subPropertyOf etio:causesOrContributesTo .
etio:triggers rdfs:subPropertyOf etio:causes .
etio:hasSymptom a <http://www.w3.org/2002/07/owl#ObjectProperty> .
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edges=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(["triggers", "causes", "causesOrContributesTo", "hasSymptom"]),
            st.integers(0, 5),
        ),
        max_size=12,
    )
)
@pytest.mark.slow
def test_spine_of_random_graphs_matches_the_rdflib_oracle(tmp_path: Path, edges):
    ontology = tmp_path / "onto.ttl"
    ontology.write_text(_DEEP_ONTOLOGY, encoding="utf-8")
    graph = tmp_path / "g.ttl"
    graph.write_text(
        "".join(f"<urn:x:{s}> <{ETIO}{p}> <urn:x:{o}> .\n" for s, p, o in edges),
        encoding="utf-8",
    )
    found = {(t.subject.value, t.predicate.value, t.object.value) for t in spine_triples(ontology, [graph])}
    assert found == _rdflib_oracle([ontology, graph])
    assert all(p != "http://purl.obolibrary.org/obo/RO_0002410" for _, p, _ in found)  # outside the spine
    # Two levels deep: `triggers` entails `causes`, `causesOrContributesTo` and `causallyRelatedTo`.
    for s, p, o in edges:
        if p == "triggers":
            assert (f"urn:x:{s}", CAUSALLY_RELATED_TO, f"urn:x:{o}") in found


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.ttl:2"):
        spine_triples(resources.ontology_file(), [bad])


def test_write_spine_writes_only_on_change(tmp_path: Path):
    target = tmp_path / "spine.ttl"
    assert write_spine(target) is True
    assert target.read_bytes() == resources.spine_file().read_bytes()
    assert write_spine(target) is False


def test_the_check_entry_point(capsys: pytest.CaptureFixture[str]):
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


# -- the query layer uses the spine, answers unchanged ------------------------------------------------


def test_no_named_query_climbs_the_subproperty_hierarchy():
    for path in sorted(resources.queries_dir().glob("*.rq")):
        body = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
        assert not re.search(r"subPropertyOf\s*[*+]", body), path.name


def test_the_researchers_one_liner(kg: KnowledgeGraph):
    assert kg.query("ASK { kg:urinary-tract-infection etio:causesOrContributesTo+ kg:leg-cramps }").value
    assert not kg.query("ASK { kg:leg-cramps etio:causesOrContributesTo+ kg:urinary-tract-infection }").value


def test_paths_never_show_a_spine_predicate_as_evidence(kg: KnowledgeGraph):
    """The spine triple beside each claim must not count as a second predicate of the edge."""
    result = kg.paths("UTI", "leg cramps", max_hops=4, include_counteracting=True)
    assert result.paths
    for path in result.paths:
        for hop in path.hops:
            assert hop.predicate not in SPINE_TOPS, hop
            assert all(e.predicate not in SPINE_TOPS for e in hop.evidence)


def test_user_data_gets_its_spine_derived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user = tmp_path / "mine.ttl"  # a fixture graph written by this test
    user.write_text(
        f"""@prefix etio: <{ETIO}> . @prefix kg: <{KG}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:heat skos:prefLabel "heat wave"@en . kg:sweat skos:prefLabel "sweating"@en . kg:thirst skos:prefLabel "thirst"@en .
kg:heat etio:causes kg:sweat . kg:sweat etio:increasesRiskOf kg:thirst .
""",
        encoding="utf-8",
    )
    sources = graph_sources([user])
    assert sources[-1].parent == tmp_path / "cache" / "etiograph" / "spine"
    assert graph_sources([user]) == sources  # same content, same file: a persistent store does not reload
    graph = KnowledgeGraph.load(data=[user])
    assert graph.query("ASK { kg:heat etio:causesOrContributesTo+ kg:thirst }").value
    rows = graph.run_named("causal-paths", {"source": "heat wave", "target": "thirst"})
    assert rows.values("path") == ["heat wave -> sweating -> thirst"]
    assert ox.NamedNode(KG + "heat")  # the IRIs above are valid


def test_one_pass_and_two_passes_give_the_same_spine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small inputs are parsed once and kept; large ones (here: every input) twice. Same triples."""
    from etiograph.causal import spine

    once = spine_triples(resources.ontology_file(), resources.source_graph_files())
    monkeypatch.setattr(spine, "ONE_PASS_BYTES", 0)
    assert spine_triples(resources.ontology_file(), resources.source_graph_files()) == once
    assert len(once) > 100


# -- large N-Triples files: their spine lines are found without parsing every triple ---------------

_NT_PREDICATES = ["causes", "contributesTo", "treats", "prevents", "causesOrContributesTo"]


@st.composite
def ntriples_documents(draw) -> str:
    """N-Triples with odd spacing, decoys (a predicate IRI as object or inside a literal), comments,
    blank nodes and a sub-property declared in the data."""
    space = st.sampled_from([" ", "\t", "  ", " \t "])
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        s = draw(st.sampled_from([f"<{KG}n{i}>" for i in range(4)] + ["_:b1", "_:b22"]))
        p = draw(st.sampled_from([f"<{ETIO}{name}>" for name in _NT_PREDICATES] + [f"<{ETIO}myCause>", f"<{RDFS}label>"]))
        o = draw(
            st.sampled_from(
                [f"<{KG}n{i}>" for i in range(4)]
                + [f"<{ETIO}causes>", f'"a <{ETIO}causes> b"', '"x"@en', "_:b1"]
            )
        )
        lines.append(f"{s}{draw(space)}{p}{draw(space)}{o}{draw(space)}.")
        if draw(st.booleans()):
            lines.append(f"# <{KG}n0> <{ETIO}causes> <{KG}n1> .")
    if draw(st.booleans()):
        lines.append(f"<{ETIO}myCause> <{RDFS}subPropertyOf> <{ETIO}causes> .")
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")


@pytest.mark.slow  # 60 generated files parsed twice; the escaped-IRI and syntax-error tests below stay fast
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=ntriples_documents())
def test_ntriples_fast_path_gives_the_spine_of_a_full_parse(tmp_path_factory, document: str):
    folder = tmp_path_factory.mktemp("nt")
    as_nt, as_ttl = folder / "claims.nt", folder / "claims.ttl"  # Turtle is always parsed in full
    as_nt.write_text(document, encoding="utf-8")
    as_ttl.write_text(document, encoding="utf-8")
    ontology = resources.ontology_file()
    assert spine_turtle(ontology, [as_nt]) == spine_turtle(ontology, [as_ttl])


def test_ntriples_with_escaped_iris_are_parsed_in_full(tmp_path: Path):
    escaped = f"<{KG}a> <{ETIO}cause\\u0073> <{KG}b> .\n"  # etio:causes, written with an escape
    path = tmp_path / "claims.nt"
    path.write_text(escaped, encoding="utf-8")
    found = {q.triple for q in ox.parse(input=spine_turtle(resources.ontology_file(), [path]), format=ox.RdfFormat.TURTLE)}
    a, b = ox.NamedNode(KG + "a"), ox.NamedNode(KG + "b")
    assert ox.Triple(a, ox.NamedNode(data.CAUSES_OR_CONTRIBUTES_TO), b) in found
    assert ox.Triple(a, ox.NamedNode(CAUSALLY_RELATED_TO), b) in found


def test_a_syntax_error_in_ntriples_still_names_file_and_line(tmp_path: Path):
    path = tmp_path / "claims.nt"
    path.write_text(f"<{KG}a> <{ETIO}causes> <{KG}b> .\n<{KG}a> <{ETIO}causes> oops .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"claims\.nt.*2"):
        spine_turtle(resources.ontology_file(), [path])
