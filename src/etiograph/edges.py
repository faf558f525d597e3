"""Moved to :mod:`etiograph.causal.source`; this path answers for one release, with a DeprecationWarning naming the new home."""

from ._moved import forwarding

__getattr__ = forwarding(
    __name__,
    ("etiograph.causal.source",),
    renamed={
        "EdgeSource": (
            "SparqlEdgeReader",
            "etiograph.edges.EdgeSource is deprecated: it is etiograph.causal.source.SparqlEdgeReader (it reads edges by SPARQL; it holds none); the old name goes in etiograph 0.2",
        )
    },
)
