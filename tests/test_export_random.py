"""Every RDF export of random graphs (hypothesis) reads back as the source graph in pyoxigraph.

The graphs mix what the bundled data has little of: shared and nested blank nodes, cycles, lists,
literals of many datatypes and languages, claims whose evidence is a tree of blank nodes, blank
nodes shared between a claim and the rest of the graph. For TriG, the nanopublication bookkeeping
is set aside and the skolem IRIs read as blank nodes again.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etiograph.export import canonical as exports_canonical
from etiograph.export import jsonld, serialize, trig, turtle
from etiograph.vocab import ETIO, KG, NP, OA, PROV, RDF, XSD

#: Hypothesis over random graphs, 60 examples per format.
pytestmark = pytest.mark.slow

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_NODES = [ox.NamedNode(KG + name) for name in ("a", "b", "c")]
_PREDICATES = [ox.NamedNode(iri) for iri in (ETIO + "causes", ETIO + "note", OA + "exact", "http://example.org/p")]
_LITERALS = st.one_of(
    st.text(max_size=6).filter(lambda t: "\x00" not in t).map(ox.Literal),
    st.integers(-5, 5).map(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))),
    st.sampled_from(["-0", "1e3", "1.50"]).map(
        lambda v: ox.Literal(
            v, datatype=ox.NamedNode(XSD + ("integer" if v == "-0" else "double" if "e" in v else "decimal"))
        )
    ),
    st.sampled_from(["en", "fr"]).map(lambda lang: ox.Literal("mot", language=lang)),
)


@st.composite
def graphs(draw: st.DrawFn) -> bytes:
    """N-Triples (which is Turtle) of a random graph with some claims."""
    blanks = [ox.BlankNode(f"b{i}") for i in range(draw(st.integers(0, 4)))]
    terms = st.sampled_from(_NODES + blanks)
    triples: set[ox.Triple] = set()
    for _ in range(draw(st.integers(0, 10))):
        subject = draw(terms)
        obj = draw(st.one_of(terms, _LITERALS))
        triples.add(ox.Triple(subject, draw(st.sampled_from(_PREDICATES)), obj))
    if draw(st.booleans()):  # a list
        head = ox.BlankNode("list")
        triples |= {
            ox.Triple(_NODES[0], _PREDICATES[3], head),
            ox.Triple(head, ox.NamedNode(RDF + "first"), draw(_LITERALS)),
            ox.Triple(head, ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")),
        }
    for number in range(draw(st.integers(0, 3))):
        claim = ox.NamedNode(f"{KG}claim/c{number}")
        triples |= {
            ox.Triple(claim, ox.NamedNode(RDF + "type"), ox.NamedNode(ETIO + "CausalClaim")),
            ox.Triple(claim, ox.NamedNode(RDF + "subject"), draw(st.sampled_from(_NODES))),
            ox.Triple(claim, ox.NamedNode(RDF + "predicate"), ox.NamedNode(ETIO + "causes")),
            ox.Triple(claim, ox.NamedNode(RDF + "object"), draw(st.sampled_from(_NODES))),
        }
        if draw(st.booleans()):
            triples.add(ox.Triple(claim, ox.NamedNode(PROV + "wasDerivedFrom"), _NODES[2]))
        for quote in draw(st.lists(st.sampled_from(["A causes B.", "B may cause C."]), max_size=2)):
            evidence, selector = ox.BlankNode(), ox.BlankNode()
            triples |= {
                ox.Triple(claim, ox.NamedNode(ETIO + "evidence"), evidence),
                ox.Triple(evidence, ox.NamedNode(OA + "hasSelector"), selector),
                ox.Triple(selector, ox.NamedNode(OA + "exact"), ox.Literal(quote)),
            }
        if blanks and draw(st.booleans()):  # a blank node the claim shares with the rest of the graph
            triples.add(ox.Triple(claim, _PREDICATES[1], draw(st.sampled_from(blanks))))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def canonical(quads: object) -> ox.Dataset:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)  # type: ignore[attr-defined]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def source_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "random.ttl"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", list(FORMATS))
@SETTINGS
@given(data=graphs())
def test_random_graphs_round_trip(tmp_path: Path, fmt: str, data: bytes) -> None:
    exported = serialize([source_file(tmp_path, data)], fmt)
    assert exported == serialize([source_file(tmp_path, data)], fmt)
    back = canonical(ox.parse(exported, format=FORMATS[fmt]))
    assert back == canonical(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)), exported.decode()


@SETTINGS
@given(data=graphs())
def test_random_graphs_as_nanopublications(tmp_path: Path, data: bytes) -> None:
    exported = serialize([source_file(tmp_path, data)], "trig")
    quads = list(ox.parse(exported, format=ox.RdfFormat.TRIG))
    heads = {q.graph_name for q in quads if q.object == ox.NamedNode(NP + "Nanopublication")}
    pubinfos = {q.object for q in quads if q.predicate == ox.NamedNode(NP + "hasPublicationInfo")}
    assertions = {q.object for q in quads if q.predicate == ox.NamedNode(NP + "hasAssertion")}
    claims = {q.subject for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if q.predicate.value == RDF + "subject"}
    assert len(heads) == len(claims)
    named = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert not any(isinstance(t, ox.BlankNode) for q in named for t in (q.subject, q.object))

    source = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    claim_of: dict[ox.NamedNode, dict[str, object]] = {}
    for q in source:
        if q.predicate.value in (RDF + "subject", RDF + "predicate", RDF + "object"):
            claim_of.setdefault(q.subject, {})[q.predicate.value[len(RDF) :][0]] = q.object
    known = {t for q in source for t in (q.subject, q.predicate, q.object)}
    blank: dict[ox.NamedNode, ox.BlankNode] = {}

    def unskolemise(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, ox.NamedNode) and term not in known:
            return blank.setdefault(term, ox.BlankNode())
        return term

    union = [
        ox.Quad(unskolemise(q.subject), q.predicate, unskolemise(q.object))
        for q in quads
        if q.graph_name not in heads | pubinfos
        and not (q.subject in assertions and q.predicate == ox.NamedNode(PROV + "wasDerivedFrom"))
    ]
    # A claim's assertion is its direct triple, even where the source states it only as a claim node.
    statements = [
        ox.Quad(claim_of[q.subject]["s"], claim_of[q.subject]["p"], claim_of[q.subject]["o"])
        for q in source
        if q.subject in claim_of and q.predicate.value == RDF + "subject"
    ]
    assert canonical(union) == canonical([*source, *statements]), exported.decode()


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "trig"])
@SETTINGS
@given(data=graphs())
def test_writers_that_nest_blank_nodes_need_no_canonical_labels(tmp_path: Path, fmt: str, data: bytes) -> None:
    """``canonical.read(labels=False)`` keeps the parser's (random) labels only where no label can reach the
    output: the file is the one written from RDFC-1.0 labels, byte for byte."""
    writer = {"turtle": turtle.serialize, "jsonld": jsonld.serialize, "trig": trig.serialize}[fmt]
    path = source_file(tmp_path, data)
    assert writer(exports_canonical.read([path], labels=False)) == writer(exports_canonical.read([path]))
