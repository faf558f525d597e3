"""Which graphs an export may write without RDFC-1.0 labels (:func:`etiograph.export.canonical.all_nested`)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

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
