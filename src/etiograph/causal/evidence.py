"""The evidence of every causal edge, by edge id: claims, certainty, mechanisms, sections and quotes.

Why: reading a hop's evidence from the store costs about six pattern lookups (the direct triples,
the claims about the pair, each claim's statements, its quote through two blank nodes). At a million
claims in a persistent store that is most of a first ``paths`` answer. This table, built on request
(``CausalIndex.from_store(evidence=True)``) by one scan per attribute predicate and saved in the same
file, holds every edge's records up front, so no answer reads the store; it costs about as long to
build as the load, so by default answers read their hops from the store once instead
(:mod:`etiograph.causal.memo`, the same answers).

Layout (integers in flat arrays, strings in blobs; everything reads straight from a memory map):

* ``terms``: the distinct IRIs and values of predicates, certainty levels, mechanisms and sections;
  ``claims``: claim identifiers, sorted, so claim ids compare as their strings do; ``quotes``: the
  distinct ``oa:exact`` texts;
* per edge id: the direct predicates between its two ends (``edge_predicates``, term ids) and its
  claims (``edge_claims``, claim ids, ascending) — each as offsets + values;
* per claim: one record ``[n, predicates…, n, certainty…, n, mechanisms…, n, sections…, n, quotes…]``.

A claim belongs to an edge when it has ``rdf:subject`` and ``rdf:object`` the edge's ends and an
``rdf:predicate`` among the index's predicates; the answers are those of
:class:`etiograph.causal.lookup.StoreLookup` and :meth:`etiograph.causal.source.SparqlEdgeReader.evidence`
(the tests compare all three).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from .claims import ClaimRecord, EdgeClaims, EvidenceBuilder
from .strings import INT, StringTable

if TYPE_CHECKING:
    import pyoxigraph as ox


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ETIO = "https://w3id.org/etiograph/ontology#"
OA = "http://www.w3.org/ns/oa#"
#: The attribute lists of a claim record, in order, as ``SparqlEdgeReader._claim_attributes`` names them.
ATTRIBUTES = ("certainty", "mechanism", "inSection")
_ATTRIBUTE_IRIS = (ETIO + "certainty", ETIO + "mechanism", ETIO + "inSection")


class EvidenceTable(EdgeClaims):
    """Claims and their attributes per causal edge, decoded on demand."""

    #: The arrays and blobs, by name, in the order they are saved.
    PARTS = (
        "edge_predicate_offsets",
        "edge_predicates",
        "edge_claim_offsets",
        "edge_claims",
        "claim_offsets",
        "claim_records",
    )

    def __init__(
        self,
        terms: StringTable,
        claims: StringTable,
        quotes: StringTable,
        edge_predicate_offsets: Sequence[int],
        edge_predicates: Sequence[int],
        edge_claim_offsets: Sequence[int],
        edge_claims: Sequence[int],
        claim_offsets: Sequence[int],
        claim_records: Sequence[int],
    ):
        self.terms, self.claims, self.quotes = terms, claims, quotes
        self.edge_predicate_offsets, self.edge_predicates = edge_predicate_offsets, edge_predicates
        self.edge_claim_offsets, self.edge_claims = edge_claim_offsets, edge_claims
        self.claim_offsets, self.claim_records = claim_offsets, claim_records
        #: Terms decoded once, as answers meet them (predicates, certainty levels, mechanisms, sections).
        self._term_texts: dict[int, str] = {}

    def arrays(self) -> list[Sequence[int]]:
        return [getattr(self, name) for name in self.PARTS]

    @property
    def nbytes(self) -> int:
        return sum(t.nbytes for t in (self.terms, self.claims, self.quotes)) + sum(
            len(a) * a.itemsize for a in self.arrays()  # type: ignore[attr-defined]
        )

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_store(
        cls,
        store: ox.Store,
        node_ids: dict[str, int],
        edge_id: Callable[[int, int], int | None],
        edge_count: int,
        direct: Iterable[tuple[int, str]],
        predicates: Iterable[str],
    ) -> EvidenceTable:
        """Scan the store once per attribute predicate (default graph, as every lookup reads it).

        ``node_ids`` numbers the index's concepts, ``edge_id(u, v)`` finds an edge, ``direct`` gives
        every (edge id, predicate IRI) of a direct triple, ``predicates`` those the index follows.
        """
        import pyoxigraph as ox

        named, literal, default = ox.NamedNode, ox.Literal, ox.DefaultGraph()
        universe = set(predicates)
        term_ids: dict[str, int] = {}

        def scan(predicate: str):
            return store.quads_for_pattern(None, named(predicate), None, default)

        def add(held: dict, key: object, value: int) -> None:
            """``held[key]``: one value as an int, several as a list (most claims have one of each)."""
            found = held.get(key)
            if found is None:
                held[key] = value
            elif type(found) is int:
                if found != value:
                    held[key] = [found, value]
            elif value not in found:
                found.append(value)

        edge_preds: dict[int, int | list[int]] = {}
        for edge, predicate in direct:
            p = term_ids.get(predicate)
            if p is None:
                p = term_ids[predicate] = len(term_ids)
            add(edge_preds, edge, p)

        def ends(predicate: str) -> dict[object, int | list[int]]:
            """claim → the concept(s) it names through ``predicate`` (quads come grouped by object)."""
            out: dict[object, int | list[int]] = {}
            last, node = None, None
            for quad in scan(predicate):
                o = quad.object
                if o != last:
                    last = o
                    node = node_ids.get(o.value) if type(o) is named else None
                if node is not None:
                    add(out, quad.subject, node)
            return out

        subjects = ends(RDF + "subject")
        objects = ends(RDF + "object")
        claim_edges: dict[object, int | list[int]] = {}
        for claim, us in subjects.items():
            vs = objects.get(claim)
            if vs is None:
                continue
            if type(us) is int and type(vs) is int:
                e = edge_id(us, vs)
                if e is not None:
                    claim_edges[claim] = e
                continue
            for u in [us] if type(us) is int else us:
                for v in [vs] if type(vs) is int else vs:
                    e = edge_id(u, v)
                    if e is not None:
                        add(claim_edges, claim, e)
        del subjects, objects
        claim_predicates: dict[object, int | list[int]] = {}
        last, p = None, None
        for quad in scan(RDF + "predicate"):
            o = quad.object
            if o != last:
                last = o
                p = None
                if type(o) is named and o.value in universe:
                    p = term_ids.get(o.value)
                    if p is None:
                        p = term_ids[o.value] = len(term_ids)
            if p is not None and quad.subject in claim_edges:
                add(claim_predicates, quad.subject, p)
        attributes: list[dict[object, int | list[int]]] = []
        for predicate in _ATTRIBUTE_IRIS:
            held: dict[object, int | list[int]] = {}
            last, value = None, 0
            for quad in scan(predicate):
                o = quad.object
                if o != last:
                    last = o
                    value = term_ids.get(o.value)
                    if value is None:
                        value = term_ids[o.value] = len(term_ids)
                if quad.subject in claim_predicates:
                    add(held, quad.subject, value)
            attributes.append(held)
        # Quotes: claim etio:evidence ?e . ?e oa:hasSelector ?s . ?s oa:exact "…" (non-literal links only).
        evidence_of: dict[object, list[object]] = {}
        for quad in scan(ETIO + "evidence"):
            if quad.subject in claim_predicates and type(quad.object) is not literal:
                evidence_of.setdefault(quad.object, []).append(quad.subject)
        selector_of: dict[object, list[object]] = {}
        for quad in scan(OA + "hasSelector"):
            claims = evidence_of.get(quad.subject)
            if claims is not None and type(quad.object) is not literal:
                selector_of.setdefault(quad.object, []).extend(claims)
        del evidence_of
        quote_ids: dict[str, int] = {}
        quotes: dict[object, int | list[int]] = {}
        for quad in scan(OA + "exact"):
            claims = selector_of.get(quad.subject)
            if claims is None:
                continue
            text = quad.object.value
            q = quote_ids.get(text)
            if q is None:
                q = quote_ids[text] = len(quote_ids)
            for claim in claims:
                add(quotes, claim, q)
        del selector_of
        attributes.append(quotes)
        # Claims numbered in the order of their identifiers, as answers sort them.
        ordered = sorted((claim.value, claim) for claim in claim_predicates)  # type: ignore[attr-defined]
        claim_offsets, records = array(INT, [0]), array(INT)
        per_edge: dict[int, int | list[int]] = {}
        for number, (_, claim) in enumerate(ordered):
            for held in (claim_predicates, *attributes):
                values = held.get(claim)
                if values is None:
                    records.append(0)
                elif type(values) is int:
                    records.append(1)
                    records.append(values)
                else:
                    records.append(len(values))
                    records.extend(sorted(values))
            claim_offsets.append(len(records))
            edges = claim_edges[claim]
            for edge in [edges] if type(edges) is int else edges:
                add(per_edge, edge, number)
        return cls(
            StringTable.from_strings(sorted(term_ids, key=term_ids.__getitem__)),
            StringTable.from_strings(value for value, _ in ordered),
            StringTable.from_strings(sorted(quote_ids, key=quote_ids.__getitem__)),
            *_flatten(edge_preds, edge_count, sort=True),
            *_flatten(per_edge, edge_count, sort=False),
            claim_offsets,
            records,
        )

    # -- reading --------------------------------------------------------------------------------
    def term(self, i: int) -> str:
        found = self._term_texts.get(i)
        if found is None:
            found = self._term_texts[i] = self.terms.text(i)
        return found

    def direct_predicates(self, edge: int) -> list[str]:
        return [self.term(p) for p in self._predicate_keys(edge)]

    def claims_of(self, edge: int) -> Sequence[int]:
        offsets = self.edge_claim_offsets
        return self.edge_claims[offsets[edge] : offsets[edge + 1]]

    def record(self, claim: int) -> tuple[list[str], dict[str, list[str]]]:
        """A claim's predicates, and its attributes as ``SparqlEdgeReader._evidence`` takes them."""
        predicates, lists = self._lists(claim)
        attributes = {name: [self.term(v) for v in values] for name, values in zip(ATTRIBUTES, lists) if values}
        if lists[3]:
            attributes["exact"] = [self.quotes.text(q) for q in lists[3]]
        return [self.term(p) for p in predicates], attributes

    def _lists(self, claim: int) -> tuple[list[int], list[list[int]]]:
        """A claim record's predicate ids, then its certainty, mechanism, section and quote ids."""
        offsets = self.claim_offsets
        data = self.claim_records[offsets[claim] : offsets[claim + 1]].tolist()  # one C call, then Python ints
        n = data[0]
        position = 1 + n
        lists = []
        for _ in range(4):
            n = data[position]
            lists.append(data[position + 1 : position + 1 + n])
            position += 1 + n
        return data[1 : 1 + data[0]], lists

    # EdgeClaims: what an answer reads
    def _predicate_keys(self, edge: int) -> tuple:
        offsets = self.edge_predicate_offsets
        return tuple(self.edge_predicates[offsets[edge] : offsets[edge + 1]].tolist())

    _predicate_text = term

    def _claims(self, edge: int, builder: EvidenceBuilder) -> list[ClaimRecord]:
        out = []
        term, quote = self.term, self.quotes.text
        for claim in self.claims_of(edge).tolist():
            predicates, (certainty, mechanisms, sections, quotes) = self._lists(claim)
            fields = builder.fields(
                [term(v) for v in certainty],
                [term(v) for v in mechanisms],
                [term(v) for v in sections],
                [quote(q) for q in quotes],
            )
            out.append((predicates, self.claims.text(claim), fields))
        return out


def _flatten(lists: dict[int, int | list[int]], count: int, sort: bool) -> tuple[array, array]:
    """Offsets + values of per-edge values (an int, or a list; missing: none)."""
    offsets, values = array(INT, [0]), array(INT)
    for edge in range(count):
        held = lists.get(edge)
        if held is not None:
            if type(held) is int:
                values.append(held)
            else:
                values.extend(sorted(held) if sort else held)
        offsets.append(len(values))
    return offsets, values
