"""Causal paths (``KnowledgeGraph.paths``), reach, and the plain path functions of ``etiograph.causal.search``.

Three kinds of checks:

* behaviour users see on the bundled graph (the article's chains, evidence, ordering, filters);
* an independent oracle: the graph exported to N-Triples, read by rdflib, causal predicates found with
  rdflib's own ``transitive_subjects``, paths enumerated by ``networkx.all_simple_paths``;
* property-based tests (hypothesis) on small random graphs written as Turtle with the ontology's terms.
"""

from __future__ import annotations

import tempfile
from itertools import pairwise
from pathlib import Path

import data
import networkx as nx
import pytest
import rdflib
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from etiograph import EtiographError, KnowledgeGraph, PathsResult
from etiograph.causal.search import distances, order_key, prune, simple_paths
from etiograph.validation.quotes import normalise_whitespace
from etiograph.vocab import ETIO, SKOS

RDF = rdflib.RDF
ETIO_NS = rdflib.Namespace(ETIO)
SKOS_NS = rdflib.Namespace(SKOS)


# -- the oracle: networkx over the exported graph ------------------------------------------------


def direct_graph(graph: rdflib.Graph, predicates: frozenset[str], summaries: bool = True) -> nx.DiGraph:
    """Direct triples whose predicate is in ``predicates``, between IRIs; without ``summaries``, the
    pairs whose every causal claim is a summary claim are left out, as path search does by default."""
    left_out = set() if summaries else summary_only_pairs(graph)
    digraph = nx.DiGraph()
    for s, p, o in graph:
        is_edge = str(p) in predicates and isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)
        if is_edge and (str(s), str(o)) not in left_out:
            digraph.add_edge(str(s), str(o))
    return digraph


def summary_only_pairs(graph: rdflib.Graph) -> set[tuple[str, str]]:
    """(subject, object) pairs whose causal claims are all etio:SummaryClaim, read claim by claim."""
    kinds: dict[tuple[str, str], set[bool]] = {}
    for claim in graph.subjects(RDF.type, ETIO_NS.CausalClaim):
        pair = (str(graph.value(claim, RDF.subject)), str(graph.value(claim, RDF.object)))
        kinds.setdefault(pair, set()).add((claim, RDF.type, ETIO_NS.SummaryClaim) in graph)
    return {pair for pair, summary in kinds.items() if summary == {True}}


def certainty_ranks(graph: rdflib.Graph) -> dict[str, int]:
    """Certainty notation → rank, read from the ontology."""
    return {
        str(graph.value(level, SKOS_NS.notation)): int(rank)
        for level, rank in graph.subject_objects(ETIO_NS.certaintyRank)
    }


def claim_graph(
    graph: rdflib.Graph, predicates: frozenset[str], mechanism: str | None = None, min_rank: int | None = None
) -> nx.DiGraph:
    """Edges (s, o) with a claim s-p-o (p in ``predicates``, direct triple present) passing the filters."""
    digraph = nx.DiGraph()
    for claim, s in graph.subject_objects(RDF.subject):
        p, o = graph.value(claim, RDF.predicate), graph.value(claim, RDF.object)
        if str(p) not in predicates or (s, p, o) not in graph or (claim, RDF.type, ETIO_NS.SummaryClaim) in graph:
            continue
        if mechanism is not None:
            notations = {str(graph.value(m, SKOS_NS.notation)) for m in graph.objects(claim, ETIO_NS.mechanism)}
            if mechanism not in notations:
                continue
        if min_rank is not None:
            level = graph.value(claim, ETIO_NS.certainty)
            rank = int(graph.value(level, ETIO_NS.certaintyRank)) if level is not None else 0
            if rank < min_rank:
                continue
        digraph.add_edge(str(s), str(o))
    return digraph


def nx_paths(digraph: nx.DiGraph, source: str, target: str, cutoff: int) -> set[tuple[str, ...]]:
    if source not in digraph or target not in digraph or source == target:
        return set()
    return {tuple(p) for p in nx.all_simple_paths(digraph, source, target, cutoff=cutoff)}


def node_paths(result: PathsResult) -> set[tuple[str, ...]]:
    nodes = [p.nodes for p in result.paths]
    assert len(nodes) == len(set(nodes)), "a path is returned twice"
    return set(nodes)


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def causal_nx(rdf_graph: rdflib.Graph, causal_predicates: frozenset[str]) -> nx.DiGraph:
    """Every causal edge: what upstream and downstream walk."""
    return direct_graph(rdf_graph, causal_predicates)


@pytest.fixture(scope="module")
def path_nx(rdf_graph: rdflib.Graph, causal_predicates: frozenset[str]) -> nx.DiGraph:
    """The causal edges path search follows by default: no summary-only shortcut."""
    return direct_graph(rdf_graph, causal_predicates, summaries=False)


@pytest.fixture(scope="module")
def uti_paths(kg: KnowledgeGraph) -> PathsResult:
    return kg.paths("UTI", "leg cramps")


# -- the article's chains -------------------------------------------------------------------------


def test_electrolyte_chain_is_found(uti_paths: PathsResult):
    assert data.ELECTROLYTE_CHAIN_LABELS in {p.labels for p in uti_paths.paths}
    assert data.ELECTROLYTE_CHAIN in node_paths(uti_paths)


def test_path_through_pyelonephritis_and_referred_pain(kg: KnowledgeGraph, uti_paths: PathsResult):
    assert data.REFERRED_PAIN_CHAIN in node_paths(uti_paths)
    # a UTI is not said to progress to pyelonephritis (its own subtype): a bladder infection is
    cystitis_paths = kg.paths("cystitis", "leg cramps")
    assert any(
        data.PYELONEPHRITIS in p.nodes and data.NERVE_IRRITATION in p.nodes and p.nodes[-1] == data.LEG_CRAMPS
        for p in cystitis_paths.paths
    )
    assert data.L1_L4_CHAIN in node_paths(kg.paths("pyelonephritis", "leg cramps"))


def test_result_names_source_and_target(uti_paths: PathsResult):
    assert (uti_paths.source, uti_paths.target) == (data.UTI, data.LEG_CRAMPS)
    assert (uti_paths.source_label, uti_paths.target_label) == ("urinary tract infection", "leg cramps")
    assert uti_paths.total == len(uti_paths.paths) and not uti_paths.truncated


@pytest.mark.slow
def test_every_hop_has_a_verbatim_quote_and_a_claim(uti_paths: PathsResult, article_text: str, rdf_graph: rdflib.Graph):
    for path in uti_paths.paths:
        for hop in path.hops:
            assert hop.quote and hop.quote.strip(), f"{hop.subject_label} → {hop.object_label} has no quote"
            assert normalise_whitespace(hop.quote) in article_text, hop.quote
            for evidence in hop.evidence:
                for quote in evidence.quotes:
                    assert normalise_whitespace(quote) in article_text, quote
            assert hop.claim and hop.claim.startswith(data.CLAIM_NS)
            claim = rdflib.URIRef(hop.claim)
            assert (claim, RDF.subject, rdflib.URIRef(hop.subject)) in rdf_graph
            assert (claim, RDF.object, rdflib.URIRef(hop.object)) in rdf_graph


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_a_hops_claim_states_the_hops_predicate(uti_paths: PathsResult, rdf_graph: rdflib.Graph):
    mismatched = {
        (short(h.subject), short(h.predicate), short(h.object), short(h.claim or ""))
        for p in uti_paths.paths
        for h in p.hops
        if (rdflib.URIRef(h.claim), RDF.predicate, rdflib.URIRef(h.predicate)) not in rdf_graph
    }
    assert mismatched == set()


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_paths_are_simple_real_and_within_bounds(uti_paths: PathsResult, rdf_graph: rdflib.Graph):
    for path in uti_paths.paths:
        assert len(set(path.nodes)) == len(path.nodes), path.labels
        assert 1 <= path.length <= uti_paths.max_hops == 6
        assert path.nodes[0] == data.UTI and path.nodes[-1] == data.LEG_CRAMPS
        for hop, (u, v) in zip(path.hops, pairwise(path.nodes)):
            assert (hop.subject, hop.object) == (u, v)
            assert (rdflib.URIRef(u), rdflib.URIRef(hop.predicate), rdflib.URIRef(v)) in rdf_graph


def test_order_is_shortest_then_strongest(uti_paths: PathsResult):
    keys = [(p.length, -p.rank) for p in uti_paths.paths]
    assert keys == sorted(keys)
    assert list(uti_paths.paths) == sorted(uti_paths.paths, key=order_key)
    for path in uti_paths.paths:
        assert path.rank == min(h.rank for h in path.hops)
        assert path.weakest is not None and path.weakest.rank == path.rank


def test_the_summary_claim_comes_first_only_when_asked_for(kg: KnowledgeGraph, uti_paths: PathsResult):
    assert (data.UTI, data.LEG_CRAMPS) not in node_paths(uti_paths)
    with_summary = kg.paths("UTI", "leg cramps", include_summary=True)
    assert with_summary.paths[0].nodes == (data.UTI, data.LEG_CRAMPS)
    assert with_summary.filters == {"include_summary": "true"}


# -- filters and bounds ---------------------------------------------------------------------------


def test_medication_mechanism_keeps_only_medication_hops(kg: KnowledgeGraph):
    result = kg.paths("UTI", "leg cramps", mechanism="medication")
    assert result.paths
    assert data.MEDICATION_CHAIN in node_paths(result)
    for path in result.paths:
        for hop in path.hops:
            assert "medication" in hop.mechanisms
            assert hop.evidence and all("medication" in e.mechanisms for e in hop.evidence)
    assert result.filters == {"mechanism": "medication"}


def test_mechanism_by_label_or_iri_is_the_same_filter(kg: KnowledgeGraph):
    by_notation = node_paths(kg.paths("UTI", "leg cramps", mechanism="medication", max_hops=4))
    assert node_paths(kg.paths("UTI", "leg cramps", mechanism="medication side effects", max_hops=4)) == by_notation
    assert node_paths(kg.paths("UTI", "leg cramps", mechanism=data.MECH_MEDICATION, max_hops=4)) == by_notation


def test_unknown_mechanism_lists_the_choices(kg: KnowledgeGraph):
    with pytest.raises(EtiographError, match="medication"):
        kg.paths("UTI", "leg cramps", mechanism="telepathy")


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
@pytest.mark.parametrize(
    ("source", "target"), [("UTI", "leg cramps"), ("pyelonephritis", "leg cramps"), ("fever", "muscle spasms")]
)
def test_causal_paths_never_follow_counteracting_predicates(
    kg: KnowledgeGraph, causal_predicates: frozenset[str], counteracting_predicates: frozenset[str], source, target
):
    result = kg.paths(source, target, max_hops=5)
    assert result.paths
    for path in result.paths:
        for hop in path.hops:
            assert hop.predicate in causal_predicates and hop.predicate not in counteracting_predicates
            assert all(e.predicate in causal_predicates for e in hop.evidence)


def test_a_remedy_reaches_cramps_only_through_counteracting_edges(kg: KnowledgeGraph):
    assert kg.paths("hydration", "leg cramps").total == 0
    result = kg.paths("hydration", "leg cramps", include_counteracting=True)
    direct = [p for p in result.paths if p.nodes == (data.HYDRATION, data.LEG_CRAMPS)]
    assert direct and direct[0].hops[0].predicate == data.ALLEVIATES  # "Simple remedies include: Hydration"
    assert result.filters == {"include_counteracting": "true"}


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_include_counteracting_adds_paths_through_counteracting_edges(
    kg: KnowledgeGraph, uti_paths: PathsResult, counteracting_predicates: frozenset[str]
):
    assert data.COUNTERACTING_CHAIN not in node_paths(uti_paths)
    result = kg.paths("UTI", "leg cramps", include_counteracting=True)
    by_nodes = {p.nodes: p for p in result.paths}
    assert data.COUNTERACTING_CHAIN in by_nodes
    assert by_nodes[data.COUNTERACTING_CHAIN].hops[1].predicate == data.ALLEVIATES
    assert node_paths(uti_paths) < set(by_nodes)
    assert all(
        any(h.predicate in counteracting_predicates for h in p.hops)
        for nodes, p in by_nodes.items()
        if nodes not in node_paths(uti_paths)
    )


@pytest.mark.parametrize("level", ["asserted", "often", "can", "may"])
def test_min_certainty_keeps_hops_at_least_that_certain(kg: KnowledgeGraph, uti_paths: PathsResult, level: str):
    floor = kg.certainty_rank(level)
    result = kg.paths("UTI", "leg cramps", min_certainty=level)
    for path in result.paths:
        for hop in path.hops:
            assert hop.rank >= floor
            assert all(e.rank >= floor for e in hop.evidence)
    assert node_paths(result) <= node_paths(uti_paths)
    assert result.filters == {"min_certainty": level}


def test_stricter_certainty_never_finds_more(kg: KnowledgeGraph):
    counts = [kg.paths("UTI", "leg cramps", min_certainty=level).total for level in ("may", "can", "often", "asserted")]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]


def test_limit_returns_the_first_paths_and_keeps_the_total(kg: KnowledgeGraph, uti_paths: PathsResult):
    limited = kg.paths("UTI", "leg cramps", limit=5)
    assert len(limited.paths) == 5
    assert limited.total == uti_paths.total
    assert [p.nodes for p in limited.paths] == [p.nodes for p in uti_paths.paths[:5]]


@pytest.mark.parametrize("max_hops", [2, 3, 4])
def test_max_hops_bounds_path_length(kg: KnowledgeGraph, uti_paths: PathsResult, max_hops: int):
    result = kg.paths("UTI", "leg cramps", max_hops=max_hops)
    assert result.paths and all(p.length <= max_hops for p in result.paths)
    assert node_paths(result) == {n for n in node_paths(uti_paths) if len(n) - 1 <= max_hops}


def test_one_hop_from_uti_to_cramps_is_only_the_summary_claim(kg: KnowledgeGraph):
    assert kg.paths("UTI", "leg cramps", max_hops=1).paths == ()
    assert node_paths(kg.paths("UTI", "leg cramps", max_hops=1, include_summary=True)) == {(data.UTI, data.LEG_CRAMPS)}


@pytest.mark.parametrize("kwargs", [{"max_hops": 0}, {"limit": -1}])
def test_bad_bounds_are_user_errors(kg: KnowledgeGraph, kwargs: dict):
    with pytest.raises(EtiographError):
        kg.paths("UTI", "leg cramps", **kwargs)


def test_mediators_count_the_paths_through_each_concept(uti_paths: PathsResult):
    mediators = uti_paths.mediators()
    assert mediators
    for mediator in mediators[:5]:
        through = sum(mediator.concept in p.nodes[1:-1] for p in uti_paths.paths)
        assert mediator.paths_through == through
    assert [m.paths_through for m in mediators] == sorted((m.paths_through for m in mediators), reverse=True)


# -- independent verification against networkx ---------------------------------------------------

PAIRS = [
    (data.UTI, data.LEG_CRAMPS),
    (data.PYELONEPHRITIS, data.LEG_CRAMPS),
    (data.FEVER, data.LEG_CRAMPS),
    (data.UTI, data.MUSCLE_SPASMS),
    (data.CYSTITIS, data.ELECTROLYTE_IMBALANCE),
    (data.CAFFEINE, data.LEG_CRAMPS),
    (data.LEG_CRAMPS, data.UTI),  # no causal path back
]


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
@pytest.mark.parametrize("max_hops", [1, 2, 3, 4, 5])
@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{short(s)}-{short(t)}" for s, t in PAIRS])
def test_paths_equal_networkx_all_simple_paths(
    kg: KnowledgeGraph, causal_nx: nx.DiGraph, path_nx: nx.DiGraph, source: str, target: str, max_hops: int
):
    result = kg.paths(source, target, max_hops=max_hops)
    assert node_paths(result) == nx_paths(path_nx, source, target, max_hops)
    assert result.total == len(result.paths)
    every = kg.paths(source, target, max_hops=max_hops, include_summary=True)
    assert node_paths(every) == nx_paths(causal_nx, source, target, max_hops)


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
@pytest.mark.parametrize("mechanism", data.MECHANISMS)
@pytest.mark.parametrize(("source", "target"), PAIRS[:3], ids=[f"{short(s)}-{short(t)}" for s, t in PAIRS[:3]])
def test_mechanism_filter_equals_claim_level_filter(
    kg: KnowledgeGraph, rdf_graph: rdflib.Graph, causal_predicates: frozenset[str], source, target, mechanism
):
    oracle = claim_graph(rdf_graph, causal_predicates, mechanism=mechanism)
    result = kg.paths(source, target, max_hops=5, mechanism=mechanism)
    assert node_paths(result) == nx_paths(oracle, source, target, 5)


@pytest.mark.slow
@pytest.mark.parametrize("level", ["asserted", "often", "can", "may", "rare"])
def test_min_certainty_equals_claim_level_filter(
    kg: KnowledgeGraph, rdf_graph: rdflib.Graph, causal_predicates: frozenset[str], level: str
):
    oracle = claim_graph(rdf_graph, causal_predicates, min_rank=certainty_ranks(rdf_graph)[level])
    result = kg.paths("UTI", "leg cramps", max_hops=5, min_certainty=level)
    assert node_paths(result) == nx_paths(oracle, data.UTI, data.LEG_CRAMPS, 5)


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
@pytest.mark.parametrize(
    ("source", "target", "max_hops"),
    [(data.UTI, data.LEG_CRAMPS, 4), (data.HYDRATION, data.LEG_CRAMPS, 3), (data.ANTIBIOTICS, data.LEG_CRAMPS, 4)],
    ids=["uti", "hydration", "antibiotics"],
)
def test_include_counteracting_equals_networkx(
    kg: KnowledgeGraph,
    rdf_graph: rdflib.Graph,
    causal_predicates: frozenset[str],
    counteracting_predicates: frozenset[str],
    source: str,
    target: str,
    max_hops: int,
):
    oracle = direct_graph(rdf_graph, causal_predicates | counteracting_predicates, summaries=False)
    result = kg.paths(source, target, max_hops=max_hops, include_counteracting=True)
    assert node_paths(result) == nx_paths(oracle, source, target, max_hops)


# -- upstream and downstream ----------------------------------------------------------------------


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_downstream_distances_equal_networkx(kg: KnowledgeGraph, causal_nx: nx.DiGraph):
    expected = nx.single_source_shortest_path_length(causal_nx, data.UTI)
    expected.pop(data.UTI)
    reach = kg.downstream("UTI", limit=0)
    assert {r.concept: r.distance for r in reach.reached} == expected
    assert not reach.truncated
    assert [(r.distance, r.label) for r in reach.reached] == sorted((r.distance, r.label) for r in reach.reached)


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_upstream_distances_equal_networkx(kg: KnowledgeGraph, causal_nx: nx.DiGraph):
    expected = nx.single_source_shortest_path_length(causal_nx.reverse(copy=False), data.LEG_CRAMPS)
    expected.pop(data.LEG_CRAMPS)
    reach = kg.upstream("leg cramps", limit=0)
    assert {r.concept: r.distance for r in reach.reached} == expected
    assert data.DEHYDRATION in {r.concept for r in reach.reached}


@pytest.mark.slow  # the rdflib oracle (rdf_graph)
def test_reach_max_hops(kg: KnowledgeGraph, causal_nx: nx.DiGraph):
    expected = nx.single_source_shortest_path_length(causal_nx, data.UTI, cutoff=2)
    expected.pop(data.UTI)
    assert {r.concept: r.distance for r in kg.downstream("UTI", max_hops=2, limit=0).reached} == expected


def test_reach_cut_short_by_limit_says_truncated(kg: KnowledgeGraph):
    everything = kg.downstream("UTI", limit=0).reached
    cut = kg.downstream("UTI", limit=len(everything) - 1)
    assert len(cut.reached) == len(everything) - 1
    assert cut.truncated


def test_reach_with_limit_equal_to_everything_is_not_truncated(kg: KnowledgeGraph):
    everything = kg.downstream("UTI", limit=0).reached
    exact = kg.downstream("UTI", limit=len(everything))
    assert len(exact.reached) == len(everything)
    assert not exact.truncated


# -- property-based: small random graphs written as Turtle -----------------------------------------

CAUSAL_LOCAL = (
    "causes",
    "contributesTo",
    "increasesRiskOf",
    "exacerbates",
    "progressesTo",
    "hasAdverseEffect",
    "promptsUseOf",
)
COUNTER_LOCAL = ("treats", "prevents", "reducesRiskOf", "alleviates", "replenishes")
OTHER_LOCAL = ("hasSymptom", "locatedIn", "transmittedVia")

HEADER = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

Edge = tuple[int, int, str, str, str, bool]


def node(i: int) -> str:
    return f"{data.UTI.rsplit('/', 1)[0]}/n{i}"


def turtle(n: int, edges: list[Edge]) -> str:
    lines = [HEADER]
    lines += [f'kg:n{i} a skos:Concept, etio:Concept ; skos:prefLabel "node {i}"@en .' for i in range(n)]
    for j, (u, v, predicate, mechanism, certainty, claimed) in enumerate(edges):
        lines.append(f"kg:n{u} etio:{predicate} kg:n{v} .")
        if claimed:
            lines.append(
                f"claim:c{j} a etio:Claim ; rdf:subject kg:n{u} ; rdf:predicate etio:{predicate} ; "
                f"rdf:object kg:n{v} ; etio:mechanism mech:{mechanism} ; etio:certainty cert:{certainty} ."
            )
    return "\n".join(lines) + "\n"


@st.composite
def random_graphs(draw: st.DrawFn) -> tuple[int, list[Edge], int, int, int, str, str]:
    """A graph of 2-8 concepts: random edges of every kind (causal, counteracting, neither), with or
    without claims, cyclic or not, plus a planted causal walk source → target so that most cases have paths."""
    n = draw(st.integers(2, 8))
    acyclic = draw(st.booleans())
    mechanisms = st.sampled_from(data.MECHANISMS[:3])
    certainties = st.sampled_from(data.CERTAINTIES)
    edge = st.tuples(
        st.integers(0, n - 1),
        st.integers(0, n - 1),
        st.sampled_from(CAUSAL_LOCAL) | st.sampled_from(COUNTER_LOCAL + OTHER_LOCAL),
        mechanisms,
        certainties,
        st.booleans(),
    )
    noise = draw(st.lists(edge, min_size=n, max_size=4 * n))
    if acyclic:
        source = draw(st.integers(0, n - 2))
        target = draw(st.integers(source + 1, n - 1))
        noise = [(min(u, v), max(u, v), *rest) for u, v, *rest in noise if u != v]
    else:
        source = draw(st.integers(0, n - 1))
        target = (source + draw(st.integers(1, n - 1))) % n
    via = draw(st.lists(st.integers(0, n - 1), max_size=4, unique=True))
    if acyclic:
        via = sorted(v for v in via if source < v < target)
    walk = [source, *via, target]
    planted = [
        (u, v, draw(st.sampled_from(CAUSAL_LOCAL)), draw(mechanisms), draw(certainties), draw(st.booleans()))
        for u, v in pairwise(walk)
        if u != v
    ]
    max_hops = draw(st.integers(1, 5))
    return n, planted + noise, source, target, max_hops, draw(mechanisms), draw(certainties)


def edge_oracle(edges: list[Edge], predicates, mechanism=None, min_rank=None, ranks=None) -> nx.DiGraph:
    digraph = nx.DiGraph()
    for u, v, predicate, mech, certainty, claimed in edges:
        if predicate not in predicates:
            continue
        if (mechanism is not None or min_rank is not None) and not claimed:
            continue
        if mechanism is not None and mech != mechanism:
            continue
        if min_rank is not None and ranks[certainty] < min_rank:
            continue
        digraph.add_edge(node(u), node(v))
    return digraph


def check_paths(result: PathsResult, edges: list[Edge], source: str, target: str, max_hops: int, allowed) -> None:
    real = {(node(u), ETIO + p, node(v)) for u, v, p, *_ in edges if p in allowed}
    for path in result.paths:
        assert len(set(path.nodes)) == len(path.nodes)
        assert 1 <= path.length <= max_hops
        assert path.nodes[0] == source and path.nodes[-1] == target
        for hop in path.hops:
            assert (hop.subject, hop.predicate, hop.object) in real


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=random_graphs())
def test_random_graphs_paths_equal_networkx(case, rdf_graph: rdflib.Graph):
    n, edges, s, t, max_hops, mechanism, level = case
    ranks = certainty_ranks(rdf_graph)
    source, target = node(s), node(t)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.ttl"
        path.write_text(turtle(n, edges), encoding="utf-8")
        graph = KnowledgeGraph.load(data=[path])

        result = graph.paths(source, target, max_hops=max_hops)
        event(f"{min(result.total, 3)}{'+' if result.total >= 3 else ''} causal paths")
        check_paths(result, edges, source, target, max_hops, CAUSAL_LOCAL)
        assert node_paths(result) == nx_paths(edge_oracle(edges, CAUSAL_LOCAL), source, target, max_hops)

        result = graph.paths(source, target, max_hops=max_hops, include_counteracting=True)
        check_paths(result, edges, source, target, max_hops, CAUSAL_LOCAL + COUNTER_LOCAL)
        oracle = edge_oracle(edges, CAUSAL_LOCAL + COUNTER_LOCAL)
        assert node_paths(result) == nx_paths(oracle, source, target, max_hops)

        result = graph.paths(source, target, max_hops=max_hops, mechanism=mechanism)
        check_paths(result, edges, source, target, max_hops, CAUSAL_LOCAL)
        oracle = edge_oracle(edges, CAUSAL_LOCAL, mechanism=mechanism)
        assert node_paths(result) == nx_paths(oracle, source, target, max_hops)

        result = graph.paths(source, target, max_hops=max_hops, min_certainty=level)
        oracle = edge_oracle(edges, CAUSAL_LOCAL, min_rank=ranks[level], ranks=ranks)
        assert node_paths(result) == nx_paths(oracle, source, target, max_hops)


# -- property-based: the plain functions ----------------------------------------------------------

NAMES = tuple("abcdefgh")
adjacencies = st.dictionaries(st.sampled_from(NAMES), st.sets(st.sampled_from(NAMES), max_size=5), max_size=8)


def as_nx(adjacency: dict[str, set[str]]) -> nx.DiGraph:
    digraph = nx.DiGraph()
    digraph.add_nodes_from(NAMES)
    digraph.add_edges_from((u, v) for u, vs in adjacency.items() for v in vs)
    return digraph


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(adjacency=adjacencies, start=st.sampled_from(NAMES), limit=st.integers(0, 6))
def test_distances_equal_networkx(adjacency, start, limit):
    expected = nx.single_source_shortest_path_length(as_nx(adjacency), start, cutoff=limit)
    assert distances(adjacency, start, limit) == expected


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(adjacency=adjacencies, source=st.sampled_from(NAMES), target=st.sampled_from(NAMES), max_hops=st.integers(1, 6))
def test_prune_keeps_exactly_the_edges_on_short_walks(adjacency, source, target, max_hops):
    digraph = as_nx(adjacency)
    from_source = nx.single_source_shortest_path_length(digraph, source)
    to_target = nx.single_source_shortest_path_length(digraph.reverse(copy=False), target)
    expected: dict[str, set[str]] = {}
    for u, v in digraph.edges:
        if u in from_source and v in to_target and from_source[u] + 1 + to_target[v] <= max_hops:
            expected.setdefault(u, set()).add(v)
    assert prune(adjacency, source, target, max_hops) == expected


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(adjacency=adjacencies, source=st.sampled_from(NAMES), target=st.sampled_from(NAMES), max_hops=st.integers(1, 6))
def test_simple_paths_equal_networkx(adjacency, source, target, max_hops):
    found = list(simple_paths(adjacency, source, target, max_hops))
    if source == target:
        assert found == []
        return
    assert len(found) == len(set(found))
    expected = {tuple(p) for p in nx.all_simple_paths(as_nx(adjacency), source, target, cutoff=max_hops)}
    assert set(found) == expected
