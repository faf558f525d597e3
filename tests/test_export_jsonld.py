"""JSON-LD export with a real @context: a JSON consumer reads terms, an RDF consumer gets the same graph.

Round trips are checked in both pyoxigraph and rdflib, on the bundled graph and on random graphs
(hypothesis) that mix every kind of value a term could be coerced to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from data import snapshot_graph_sources
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from isomorphism import isomorphic

from etiograph.export import canonical, jsonld
from etiograph.vocab import ETIO, KG, OA, PREFIXES, RDF, RDFS, XSD

#: Whole JSON-LD exports read back in pyoxigraph and rdflib, random graphs: ~6 s of CPU.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*is deprecated:DeprecationWarning")]


def canonical_dataset(quads: object) -> ox.Dataset:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)  # type: ignore[attr-defined]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def same_graph_in_pyoxigraph(data: bytes, source: Path | bytes) -> bool:
    if isinstance(source, Path):
        source_quads = ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)
    else:
        source_quads = ox.parse(source, format=ox.RdfFormat.TURTLE)
    return canonical_dataset(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == canonical_dataset(source_quads)


def expand(compact: str, context: dict[str, object]) -> str:
    prefix, _, local = compact.partition(":")
    namespace = context.get(prefix)
    return namespace + local if isinstance(namespace, str) and local else compact


@pytest.fixture(scope="module")
def article_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return snapshot_graph_sources(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def document(article_paths: list[Path]) -> bytes:
    return jsonld.write(article_paths)


@pytest.fixture(scope="module")
def parsed(document: bytes) -> dict:
    return json.loads(document)


@pytest.fixture(scope="module")
def nodes(parsed: dict) -> dict[str, dict]:
    return {node["@id"]: node for node in parsed["@graph"] if "@id" in node}


# ---------------------------------------------------------------------------------------------
# What a JSON consumer reads
# ---------------------------------------------------------------------------------------------


def test_context_defines_terms_for_the_etio_vocabulary(parsed: dict) -> None:
    context = parsed["@context"]
    assert context["causes"] == {"@id": "etio:causes", "@type": "@id"}
    assert context["certainty"] == {"@id": "etio:certainty", "@type": "@id"}
    assert context["CausalClaim"] == "etio:CausalClaim"
    assert context["label"] == {"@id": "rdfs:label", "@language": "en"}
    for name, definition in context.items():
        iri = definition if isinstance(definition, str) else definition["@id"]
        if name not in PREFIXES:  # a term: a plain name standing for one vocabulary IRI
            assert ":" not in name and not name.startswith("@")
            assert expand(iri, context) != iri, (name, iri)


def test_a_concept_reads_as_plain_json(nodes: dict[str, dict]) -> None:
    uti = nodes["kg:urinary-tract-infection"]
    assert uti["prefLabel"] == "urinary tract infection"
    assert "kg:leg-cramps" in uti["causes"]  # "causes": ["kg:…", …], no {"@id": …} wrappers
    assert all(isinstance(value, str) for value in uti["causes"])


def test_a_claim_reads_as_plain_json(nodes: dict[str, dict]) -> None:
    claim = nodes["claim:urinary-tract-infection--causes--leg-cramps"]
    assert "CausalClaim" in ([claim["@type"]] if isinstance(claim["@type"], str) else claim["@type"])
    assert (claim["subject"], claim["predicate"], claim["object"]) == (
        "kg:urinary-tract-infection",
        "etio:causes",
        "kg:leg-cramps",
    )
    assert claim["certainty"] == "cert:can"
    quotes = [s.get("exact") for evidence in claim["evidence"] for s in evidence["hasSelector"]]
    assert "Yes, a UTI can cause leg cramps indirectly through inflammation." in [q for q in quotes if q]


def test_every_term_expands_to_the_iri_the_triples_use(document: bytes, parsed: dict) -> None:
    # Each term, read through the context by pyoxigraph, names the same IRI the prefixes would.
    predicates = {q.predicate.value for q in ox.parse(document, format=ox.RdfFormat.JSON_LD)}
    context = parsed["@context"]
    for name, definition in context.items():
        if name in PREFIXES or name[0].isupper():
            continue
        iri = expand(definition if isinstance(definition, str) else definition["@id"], context)
        assert iri in predicates, name


# ---------------------------------------------------------------------------------------------
# What an RDF consumer reads: the same graph, in both parsers
# ---------------------------------------------------------------------------------------------


def test_round_trip_isomorphic_in_pyoxigraph(document: bytes, article_paths: list[Path]) -> None:
    source = canonical_dataset(ox.Quad(*t) for t in canonical.read(article_paths))
    assert canonical_dataset(ox.parse(document, format=ox.RdfFormat.JSON_LD)) == source


def test_round_trip_isomorphic_in_rdflib(document: bytes, article_paths: list[Path]) -> None:
    # What rdflib reads from the JSON-LD equals what it reads from the Turtle sources. Compared through
    # RDFC-1.0 canonical N-Triples: rdflib.compare.isomorphic takes minutes on this graph.
    source = rdflib.Graph()
    for path in article_paths:
        source.parse(path, format="turtle")
    exported = rdflib.Graph().parse(data=document, format="json-ld")
    assert len(exported) == len(source)
    assert canonical_dataset(ox.parse(exported.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)) == (
        canonical_dataset(ox.parse(source.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    )


# Random graphs: each predicate gets a random mix of IRIs, blank nodes, lists and literals of several
# datatypes and languages, so every coercion rule (and its refusal) is exercised.
_IRIS = st.sampled_from([KG + "a", KG + "b", KG + "c-d", "http://example.org/ü#x", ETIO + "causes"])
_PREDICATES = st.sampled_from(
    [ETIO + "causes", ETIO + "certainty", ETIO + "sectionOrder", ETIO + "note", RDFS + "label", OA + "start"]
)
_LITERALS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8).map(ox.Literal),
    st.integers(-(10**20), 10**20).map(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))),
    st.sampled_from(["-0", "007", "+1"]).map(lambda n: ox.Literal(n, datatype=ox.NamedNode(XSD + "integer"))),
    st.booleans().map(lambda b: ox.Literal(str(b).lower(), datatype=ox.NamedNode(XSD + "boolean"))),
    st.sampled_from(["2026-01-01", "1.50", "1e3"]).map(
        lambda v: ox.Literal(
            v, datatype=ox.NamedNode(XSD + ("date" if "-" in v else "decimal" if "." in v else "double"))
        )
    ),
    st.sampled_from(["en", "fr", "en-GB"]).map(lambda lang: ox.Literal("mot", language=lang)),
)


@st.composite
def graphs(draw: st.DrawFn) -> bytes:
    blanks = [ox.BlankNode(f"b{i}") for i in range(draw(st.integers(0, 3)))]
    triples = []
    for _ in range(draw(st.integers(1, 12))):
        subject = draw(st.sampled_from([ox.NamedNode(KG + "s"), ox.NamedNode(KG + "t"), *blanks]))
        kind = draw(st.sampled_from(["iri", "literal", "blank", "list"] if blanks else ["iri", "literal", "list"]))
        predicate = ox.NamedNode(draw(_PREDICATES))
        if kind == "iri":
            triples.append(ox.Triple(subject, predicate, ox.NamedNode(draw(_IRIS))))
        elif kind == "literal":
            triples.append(ox.Triple(subject, predicate, draw(_LITERALS)))
        elif kind == "blank":
            triples.append(ox.Triple(subject, predicate, draw(st.sampled_from(blanks))))
        else:
            head = ox.BlankNode()
            triples.append(ox.Triple(subject, predicate, head))
            triples.append(ox.Triple(head, ox.NamedNode(RDF + "first"), draw(_LITERALS)))
            triples.append(ox.Triple(head, ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")))
    if draw(st.booleans()):
        triples.append(ox.Triple(ox.NamedNode(KG + "s"), ox.NamedNode(RDF + "type"), ox.NamedNode(ETIO + "Claim")))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graphs())
def test_random_graphs_round_trip_in_pyoxigraph(tmp_path: Path, source: bytes) -> None:
    path = tmp_path / "random.ttl"  # N-Triples is Turtle
    path.write_bytes(source)
    data = jsonld.write([path])
    assert same_graph_in_pyoxigraph(data, source), data.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graphs())
def test_random_graphs_round_trip_in_rdflib(tmp_path: Path, source: bytes) -> None:
    path = tmp_path / "random.ttl"
    path.write_bytes(source)
    data = jsonld.write([path])
    assert isomorphic(rdflib.Graph().parse(data=data, format="json-ld"), rdflib.Graph().parse(path, format="turtle"))


def test_a_property_with_mixed_values_writes_the_odd_ones_in_full(tmp_path: Path) -> None:
    # Coercion follows the values most of a property has; the others are written so no coercion applies.
    path = tmp_path / "mixed.ttl"
    path.write_text(
        f'<{KG}a> <{ETIO}causes> <{KG}b>, <{KG}c>, "not an IRI" .\n'
        f'<{KG}a> <{ETIO}sectionOrder> 1, 2, "2026-01-01"^^<{XSD}date>, "3", "x"@en .\n'
        f'<{KG}a> <{ETIO}note> ( "in a list" <{KG}b> ) .\n',
        encoding="utf-8",
    )
    data = jsonld.write([path])
    document = json.loads(data)
    context, node = document["@context"], document["@graph"][0]
    assert context["causes"] == {"@id": "etio:causes", "@type": "@id"}
    assert sorted(map(json.dumps, node["causes"])) == sorted(
        map(json.dumps, ["kg:b", "kg:c", {"@value": "not an IRI"}])
    )
    assert context["sectionOrder"] == {"@id": "etio:sectionOrder", "@type": "xsd:integer"}
    assert {"@value": "3"} in node["sectionOrder"] and 1 in node["sectionOrder"]
    assert same_graph_in_pyoxigraph(data, path)
    assert isomorphic(rdflib.Graph().parse(data=data, format="json-ld"), rdflib.Graph().parse(path, format="turtle"))


_JSON_VALUES = st.recursive(
    st.one_of(st.text(), st.integers(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_the_layout_shortcuts_write_what_json_writes(value: object) -> None:
    # Strings encoded in place, numbers and booleans without the encoder, sort keys for the common shapes:
    # each must give json's own text.
    one_line = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    assert jsonld._layout(value, 0)[0] == one_line
    assert json.loads(jsonld.json_text(value)) == value
    assert jsonld._sort_text(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
