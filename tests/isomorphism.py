"""Graph isomorphism for tests, by W3C RDFC-1.0 (pyoxigraph) rather than rdflib.compare.

rdflib's RGDA1 digest is not a complete canonicalisation: on graphs with automorphisms (identical
sibling blank nodes, blank-node cycles, as in the export edge cases) it has answered False for
isomorphic graphs now and then (RDFLib/rdflib#385 shows the algorithm's limits). RDFC-1.0 labels
every blank node from the graph's content alone, so two graphs are isomorphic exactly when their
canonical N-Triples are equal. rdflib still parses what it is given: only the comparison moves.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib


def canonical_lines(graph: rdflib.Graph) -> set[str]:
    """The graph's triples as N-Triples lines with RDFC-1.0 blank-node labels."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad.triple) for quad in dataset}


def isomorphic(first: rdflib.Graph, second: rdflib.Graph) -> bool:
    """Whether the graphs are the same up to blank-node labels (a drop-in for rdflib.compare.isomorphic)."""
    return len(first) == len(second) and canonical_lines(first) == canonical_lines(second)
