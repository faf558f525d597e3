"""GraphML for networkx, Gephi, igraph, yEd and Cytoscape: one node per concept, one edge per claim.

Written by networkx's own writer, so ``networkx.read_graphml`` reads it back as the same
``MultiDiGraph`` (edge keys are claim CURIEs). GraphML holds scalars only: lists (mechanisms, alt
labels, mappings) are joined with ``|``, a claim's quotes with a line break. Attributes with no value
are left out rather than written empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..vocab import shorten
from .propertygraph import PropertyGraph

if TYPE_CHECKING:
    import networkx as nx


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """The property graph as a networkx ``MultiDiGraph`` keyed by CURIEs (``kg:fever``).

    >>> from etiograph.graph import KnowledgeGraph
    >>> from etiograph.export.propertygraph import Selection, build
    >>> g = to_networkx(build(KnowledgeGraph.load(), Selection(mechanism="medication")))
    >>> g.nodes["kg:antibiotics"]["label"], g.number_of_edges() > 0
    ('antibiotics', True)
    """
    import networkx as nx

    graph = nx.MultiDiGraph(name=pg.title or "etiograph", description=pg.description)
    for iri in pg.nodes:
        graph.add_node(shorten(iri), **_scalars(node_attributes(pg, iri)))
    for claim in pg.claims:
        graph.add_edge(
            shorten(claim.subject),
            shorten(claim.object),
            key=shorten(claim.iri),
            **_scalars(
                {
                    "claim": shorten(claim.iri),
                    "iri": claim.iri,
                    "predicate": shorten(claim.predicate),
                    "label": pg.label(claim.predicate),
                    "relation": claim.kind,
                    "certainty": claim.certainty,
                    "certainty_rank": claim.rank if claim.certainty else None,
                    "mechanism": claim.mechanism(),
                    "mechanisms": "|".join(claim.mechanisms),
                    "quote": claim.texts[0] if claim.texts else None,
                    "quotes": "\n".join(claim.texts),
                    "quote_start": claim.quotes[0].start if claim.quotes else None,
                    "quote_end": claim.quotes[0].end if claim.quotes else None,
                    "section": claim.section_label,
                    "indirect": claim.indirect,
                }
            ),
        )
    return graph


def node_attributes(pg: PropertyGraph, iri: str) -> dict[str, Any]:
    """What every network format says about a node (label, kind, definition, mappings, mechanisms)."""
    node = pg.nodes[iri]
    return {
        "label": node.label,
        "iri": iri,
        "kind": shorten(node.kind) if node.kind else None,
        "kind_label": pg.label(node.kind) if node.kind else None,
        "definition": node.definition,
        "alt_labels": "|".join(node.alt_labels),
        "exact_matches": "|".join(shorten(m) for m in node.exact_matches),
        "close_matches": "|".join(shorten(m) for m in node.close_matches),
        "mechanisms": "|".join(node.mechanisms),
    }


def _scalars(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if v is not None and v != ""}


#: Above this many claims the document is not indented: a seventh smaller at 100k claims (71 MB, not 82 MB);
#: on the article, networkx writes 0.3 s unindented against 1.5 s indented.
PRETTY_LIMIT = 10_000


def write(pg: PropertyGraph) -> bytes:
    """The GraphML document (UTF-8), indented one element per line up to :data:`PRETTY_LIMIT` claims."""
    import networkx as nx

    pretty = len(pg.claims) <= PRETTY_LIMIT
    return ("\n".join(nx.generate_graphml(to_networkx(pg), prettyprint=pretty)) + "\n").encode("utf-8")
