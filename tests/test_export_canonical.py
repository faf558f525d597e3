"""Which blank nodes the writers nest (:func:`etiograph.export.layout.nested`), and which graphs an export may
write without RDFC-1.0 labels (:func:`etiograph.export.canonical.all_nested`)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiograph.export import layout
from etiograph.export.canonical import all_nested
from etiograph.vocab import KG, OA, RDF

A = ox.NamedNode(KG + "a")
P, Q = ox.NamedNode(OA + "hasSelector"), ox.NamedNode(OA + "exact")
B, C = ox.BlankNode("b"), ox.BlankNode("c")
TEXT = ox.Literal("A causes B.")


def quads(*triples: tuple) -> set[ox.Quad]:
    return {ox.Quad(*t) for t in triples}


@pytest.mark.parametrize(
    ("triples", "nested"),
    [
        pytest.param([], True, id="no blank node"),
        pytest.param([(A, P, B), (B, Q, TEXT)], True, id="a tree under an IRI"),
        pytest.param([(A, P, B), (B, P, C), (C, Q, TEXT)], True, id="a deeper tree"),
        pytest.param([(A, P, B), (A, Q, B)], False, id="referenced twice"),
        pytest.param([(B, Q, TEXT)], False, id="a blank subject nothing points to"),
        pytest.param([(B, P, C), (C, P, B)], False, id="a cycle"),
        pytest.param([(A, P, B), (B, P, C), (C, P, B)], False, id="a cycle one hop below an IRI"),
        pytest.param([(B, P, B)], False, id="a loop"),
        pytest.param([(A, ox.NamedNode(RDF + "type"), B)], False, id="a blank class"),
    ],
)
def test_all_nested(triples: list[tuple], nested: bool) -> None:
    assert all_nested(quads(*triples)) is nested


def nested_by_walking(graphs: list[dict]) -> set[ox.BlankNode]:
    """layout.nested as first written: walk each graph from the subjects written on their own, then give
    the first stranded node (by label) a label of its own until none is left. The oracle for the shortcut."""
    refs: dict[ox.BlankNode, int] = {}
    homes: dict[ox.BlankNode, set[int]] = {}
    for number, props in enumerate(graphs):
        for s, pos in props.items():
            if isinstance(s, ox.BlankNode):
                homes.setdefault(s, set()).add(number)
            for p, objects in pos.items():
                for o in objects:
                    if isinstance(o, ox.BlankNode):
                        refs[o] = refs.get(o, 0) + (2 if p.value == RDF + "type" else 1)
                        homes.setdefault(o, set()).add(number)
    inside = {node for node, count in refs.items() if count == 1 and len(homes[node]) == 1}
    for props in graphs:
        reached = layout._reach(props, [s for s in props if s not in inside], inside)
        while stranded := sorted((s for s in props if s in inside and s not in reached), key=lambda b: b.value):
            inside.discard(stranded[0])
            reached |= layout._reach(props, stranded[:1], inside)
    return inside


_BLANKS = [ox.BlankNode(f"b{i}") for i in range(5)]
_TERMS = st.sampled_from([A, *_BLANKS])
_GRAPH = st.lists(
    st.tuples(_TERMS, st.sampled_from([P, Q, ox.NamedNode(RDF + "type")]), st.one_of(_TERMS, st.just(TEXT))),
    max_size=10,
)


@given(st.lists(_GRAPH, min_size=1, max_size=3))
def test_nested_follows_parents_as_the_walk_does(graphs: list[list[tuple]]) -> None:
    # Trees, shared nodes, cycles, loops, blank classes, nodes shared between graphs.
    indexed = [layout.index(dict.fromkeys(triples)) for triples in graphs]
    assert layout.nested(indexed) == nested_by_walking(indexed)
