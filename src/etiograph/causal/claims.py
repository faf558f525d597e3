"""Evidence answers from per-edge claim records, shared by the saved evidence table and the memo.

Why: the answer :meth:`etiograph.causal.source.SparqlEdgeReader.evidence` gives for a set of edges is a pure
function of, per edge, its direct predicates and its claims (each with its ``rdf:predicate`` values,
certainty, mechanisms, section and quotes). Where those records come from differs (a memory-mapped
table, or store lookups kept for the next answers); turning them into ``Evidence`` objects does not,
and it is the hot part of a ``paths`` answer: it is done here once, with what repeats from answer to
answer (the scheme lookups, which of an edge's predicates ``_most_specific`` keeps) worked out once
per reader rather than once per hop.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING

from .model import Evidence

if TYPE_CHECKING:
    from .source import EdgeFilter, SparqlEdgeReader

#: A claim as an answer needs it: its predicate keys (a container), identifier, and the Evidence
#: fields after ``claim`` and ``predicate`` (certainty, rank, mechanisms, quotes, section).
ClaimRecord = tuple[object, str, tuple]


class EvidenceBuilder:
    """``SparqlEdgeReader._evidence`` and ``_most_specific`` for one reader, with their lookups cached."""

    def __init__(self, reader: SparqlEdgeReader):
        self.reader = reader
        self._certainty = reader.scheme("certainty")
        self._mechanisms = reader.scheme("mechanisms")
        self._kept: dict[tuple[tuple, frozenset[str]], tuple[tuple[str, Hashable], ...]] = {}
        self._wanted: dict[tuple[str, ...], frozenset[str]] = {}

    def wanted(self, predicates: tuple[str, ...]) -> frozenset[str]:
        found = self._wanted.get(predicates)
        if found is None:
            found = self._wanted[predicates] = frozenset(predicates)
        return found

    def kept(self, keys: tuple, wanted: frozenset[str], text) -> tuple[tuple[str, Hashable], ...]:
        """(predicate IRI, key) of an edge's direct predicates ``keys`` that an answer lists: those
        wanted, less a super-property a wanted sub-property entails; in IRI order."""
        cache_key = (keys, wanted)
        found = self._kept.get(cache_key)
        if found is None:
            by_text = {text(k): k for k in keys}
            inside = {("", p, "") for p in by_text if p in wanted}
            kept = self.reader._most_specific(inside) if inside else set()
            found = self._kept[cache_key] = tuple(sorted((p, by_text[p]) for _, p, _ in kept))
        return found

    def fields(
        self, certainty: Sequence[str], mechanisms: Sequence[str], sections: Sequence[str], quotes: Iterable[str]
    ) -> tuple:
        """Evidence's fields after claim and predicate, as ``SparqlEdgeReader._evidence`` derives them."""
        term = self._certainty.get(min(certainty)) if certainty else None
        names = self._mechanisms
        return (
            term.notation if term else None,
            (term.rank or 0) if term else 0,
            tuple(sorted(names[m].notation if m in names else m for m in mechanisms)),
            tuple(sorted(quotes)),
            min(sections) if sections else None,
        )


#: Beyond this many edges kept, the decoded evidence starts afresh (a bound on memory for a
#: long-running server answering across the whole graph; about 1 kB per edge).
MAX_EDGES = 50_000


class EdgeClaims:
    """Answers ``SparqlEdgeReader.evidence`` from per-edge records that a subclass provides.

    An edge's evidence is decoded the first time an answer returns it and kept (Evidence objects
    are immutable), so later answers over the same hops only apply their filter.
    """

    _builder: EvidenceBuilder | None = None
    #: edge id → (direct predicate keys, {predicate IRI: Evidence tuple}).
    _held: dict[int, tuple[tuple, dict[str, tuple[Evidence, ...]]]]

    def builder(self, reader: SparqlEdgeReader) -> EvidenceBuilder:
        held = self._builder
        if held is None or held.reader is not reader:
            held = self._builder = EvidenceBuilder(reader)
            self.forget()
        return held

    def forget(self) -> None:
        """Drop the decoded evidence (when the records it came from go)."""
        self._held = {}

    def _predicate_keys(self, edge: int) -> tuple:
        """The keys of the direct predicates between the edge's ends (hashable, distinct)."""
        raise NotImplementedError

    def _predicate_text(self, key: Hashable) -> str:
        raise NotImplementedError

    def _claims(self, edge: int, builder: EvidenceBuilder) -> list[ClaimRecord]:
        """The edge's claims in identifier order."""
        raise NotImplementedError

    def evidence(
        self, edges: dict[tuple[str, str], int], edge_filter: EdgeFilter, reader: SparqlEdgeReader
    ) -> dict[tuple[str, str], list]:
        """For each (s, o) → edge id: ``[(predicate, Evidence tuple), ...]``, as ``SparqlEdgeReader.evidence``."""
        builder = self.builder(reader)
        wanted = builder.wanted(edge_filter.predicates)
        text = self._predicate_text
        held = self._held
        if len(held) + len(edges) > MAX_EDGES:
            held.clear()
        rows = []
        for (s, o), edge in edges.items():
            entry = held.get(edge)
            if entry is None:
                entry = held[edge] = (self._predicate_keys(edge), {})
            for p, key in builder.kept(entry[0], wanted, text):
                rows.append((s, p, o, edge, key, entry[1]))
        if not rows:
            return {}
        rows.sort(key=lambda row: row[:3])
        plain = edge_filter.mechanism is None and edge_filter.min_rank is None
        accepts = edge_filter.accepts
        out: dict[tuple[str, str], list] = {}
        for s, p, o, edge, key, by_predicate in rows:
            found = by_predicate.get(p)
            if found is None:
                found = by_predicate[p] = tuple(
                    Evidence(claim, p, *fields) for keys, claim, fields in self._claims(edge, builder) if key in keys
                )
            qualifying = found if plain else tuple(e for e in found if accepts(e))
            if qualifying or (not found and plain):
                out.setdefault((s, o), []).append((p, qualifying))
        return out
