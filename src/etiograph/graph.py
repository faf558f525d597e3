"""KnowledgeGraph: the public entry point. Load a graph, resolve concepts, find causal paths.

The CLI, the diagrams, the notebooks and the server all go through this class, so a
behaviour (how names resolve, how paths are ordered) is defined once.

>>> kg = KnowledgeGraph.load()
>>> result = kg.paths("UTI", "leg cramps", max_hops=4)
>>> result.paths[0].labels
('urinary tract infection', 'inflammation', 'leg cramps')
>>> any(p.labels == ('urinary tract infection', 'fever', 'low magnesium', 'leg cramps') for p in result.paths)
True

The article's headline, "UTIs can indirectly cause leg cramps", is a summary claim: left out of the
search unless asked for, so the first path shows a mechanism.

>>> kg.paths("UTI", "leg cramps", max_hops=4, include_summary=True).paths[0].labels
('urinary tract infection', 'leg cramps')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import islice, pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .backends import Backend, QueryResult, Term, open_backend
from .causal.concepts import Concept, ConceptResolver
from .causal.model import CausalPath, Explanation, Hop, PathsResult, Reach, ReachResult, Step, SummarySupport
from .causal.search import simple_paths
from .causal.source import EdgeFilter, SchemeTerm, SparqlEdgeReader, chunks
from .datafiles import graph_sources
from .diagnostics import shift_lines
from .errors import EtiographError, QueryError, warn_deprecated
from .records import record
from .vocab import COUNTERACTS, SPARQL_PROLOGUE

if TYPE_CHECKING:
    from .backends.native import Written
    from .causal.index import CausalIndex
    from .causal.lookup import StoreLookup

#: How many simple paths the search enumerates before ordering; beyond it, results say truncated.
ENUMERATION_CAP = 20_000
#: Default cap on upstream/downstream listings, so a hub's reach cannot flood a terminal.
REACH_LIMIT = 1_000


#: Pairs whose every causal claim is a summary claim: the edges path search leaves out by default.
SUMMARY_ONLY_EDGES = SPARQL_PROLOGUE + """SELECT DISTINCT ?s ?o WHERE {
  ?summary a etio:SummaryClaim ; rdf:subject ?s ; rdf:object ?o .
  FILTER NOT EXISTS {
    ?other a etio:CausalClaim ; rdf:subject ?s ; rdf:object ?o .
    FILTER NOT EXISTS { ?other a etio:SummaryClaim }
  }
}"""

SUMMARY_MARKED = SPARQL_PROLOGUE + """SELECT DISTINCT ?claim WHERE {
  { ?claim a etio:SummaryClaim } UNION { ?claim etio:indirect true } }"""

SECTION_DOCUMENTS = SPARQL_PROLOGUE + """SELECT ?section ?document WHERE {
  ?section a etio:SourceSection ; dcterms:isPartOf ?document .
}"""

SUMMARY_CLAIMS = SPARQL_PROLOGUE + """SELECT ?claim ?s ?o WHERE {
  ?claim a etio:SummaryClaim ; rdf:subject ?s ; rdf:object ?o .
} ORDER BY ?claim"""


_DESCRIBE = """SELECT ?t ?p ?o WHERE { VALUES ?t { %s } ?t ?p ?o }"""
_DATASET_TITLE = SPARQL_PROLOGUE + """SELECT ?title WHERE { ?d a void:Dataset ; dcterms:title ?title
  FILTER(LANG(?title) = "" || LANGMATCHES(LANG(?title), "en")) } ORDER BY ?title LIMIT 1"""
_DATASET_DATE = SPARQL_PROLOGUE + """SELECT ?date WHERE {
  ?d a void:Dataset ; dcterms:modified|dcterms:created|dcterms:issued ?date } ORDER BY DESC(STR(?date)) LIMIT 1"""
_DATASET_SOURCE = SPARQL_PROLOGUE + """SELECT ?title ?page ?publisher ?date ?note WHERE {
  ?d a void:Dataset ; prov:wasDerivedFrom ?doc . ?doc dcterms:title ?title .
  OPTIONAL { ?doc dcterms:source|dcterms:identifier ?page } OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?doc dcterms:issued|dcterms:date ?date } OPTIONAL { ?doc etio:retrievalNote ?note } } ORDER BY ?title LIMIT 1"""


@record(frozen=True)
class SourceDocument:
    """The document the data derives from (``prov:wasDerivedFrom``): what a citation of it names."""

    title: str
    page: str | None = None
    publisher: str | None = None
    date: str | None = None
    note: str | None = None


@record(frozen=True)
class DatasetInfo:
    """What the graph says about itself (its ``void:Dataset``); more fields (licence, version) can join here.

    ``date`` is the latest of ``dcterms:modified``/``created``/``issued`` as written; ``source`` the
    document the data derives from, if it names one.
    """

    title: str | None
    date: str | None = None
    source: SourceDocument | None = None


class KnowledgeGraph:
    """A causal knowledge graph behind one backend.

    Over a pyoxigraph store, paths, reach and explanations walk a compact causal index
    (:mod:`etiograph.causal.index`, built once per store) and read evidence by pattern lookups;
    over rdflib or a remote endpoint (or with ``index=False``) they run SPARQL, frontier by frontier.
    Both give the same answers.
    """

    def __init__(self, backend: Backend, *, index: bool = True):
        self.backend = backend
        self.resolver = ConceptResolver(backend)
        self.edge_reader = SparqlEdgeReader(backend)
        self._use_index = index
        self._index: tuple[CausalIndex, StoreLookup] | None = None
        self._index_generation: int | None = None
        self._summary_edges: frozenset[tuple[str, str]] | None = None
        self._summary_claims: frozenset[str] | None = None
        self._section_documents: dict[str, str] | None = None
        self._dataset_info: DatasetInfo | None = None

    @property
    def edges(self) -> SparqlEdgeReader:
        """Deprecated: the SPARQL edge reader is :attr:`edge_reader`; use the graph's own methods
        (``scheme``, ``edge_evidence``, ``labels`` …) rather than either. Goes in etiograph 0.2."""
        warn_deprecated(
            "KnowledgeGraph.edges is deprecated: use the KnowledgeGraph's methods (scheme, causal_predicates, "
            "edge_evidence, labels, ...); the reader itself is KnowledgeGraph.edge_reader"
        )
        return self.edge_reader

    def causal_index(self) -> tuple[CausalIndex, StoreLookup] | None:
        """The store's causal index and pattern lookups, or None where SPARQL is the way (rdflib, endpoints).

        Asked again after the store was loaded into, it gives the rebuilt index."""
        generation = getattr(self.backend, "generation", None)
        if self._index is not None and generation != self._index_generation:
            self._index = None
        if self._index is None and self._use_index:
            from .causal.store import index_for

            self._index = index_for(self.backend, self.edge_reader)
            self._index_generation = generation
            self._use_index = self._index is not None
        return self._index

    @classmethod
    def load(
        cls,
        data: Sequence[str | Path] | None = None,
        store: str | None = None,
        endpoint: str | None = None,
    ) -> KnowledgeGraph:
        """The bundled graph (or ``data`` files) in a store (default: pyoxigraph in memory).

        ``store`` is ``oxigraph``, ``oxigraph:PATH`` (persistent, reloaded only when files change)
        or ``rdflib``; ``endpoint`` is the URL of a SPARQL 1.1 endpoint that already holds the data.
        """
        if endpoint:
            return cls(open_backend(endpoint))
        return cls(open_backend(store, graph_sources(data)))

    @classmethod
    def open_read_only(cls, path: str | Path, *, index: bool = True) -> KnowledgeGraph:
        """A persistent pyoxigraph store (``oxigraph:PATH``) opened read-only, as it is: nothing is loaded."""
        from .backends.oxigraph_backend import OxigraphBackend

        return cls(OxigraphBackend.read_only(path), index=index)

    # -- lookups --------------------------------------------------------------------------------
    def resolve(self, name: str) -> Concept:
        """The concept a label, alt label, CURIE or IRI names.

        >>> KnowledgeGraph.load().resolve("kidney infection").curie
        'kg:pyelonephritis'
        """
        current = self._index_generation == getattr(self.backend, "generation", None)
        indexed = self._index if current else None  # built already (resolving alone never builds it)
        table = indexed[0].labels if indexed is not None else None
        if table is not None:
            found = _resolve_exact(indexed[0], table, name)
            if found is not None:
                return self.resolver.describe(found)
        return self.resolver.resolve(name)

    def mechanism(self, name: str) -> str:
        """A mechanism's IRI from its notation (``medication``), label or IRI."""
        return self._scheme_term("mechanisms", name)

    def certainty_rank(self, name: str) -> int:
        """The rank of a certainty level named by notation (``may``) or label."""
        iri = self._scheme_term("certainty", name)
        return self.edge_reader.scheme("certainty")[iri].rank or 0

    def _scheme_term(self, scheme: str, name: str) -> str:
        terms = self.edge_reader.scheme(scheme)
        wanted = name.strip().lower()
        for term in terms.values():
            if wanted in (term.notation.lower(), term.label.lower(), term.iri.lower()):
                return term.iri
        ordered = sorted(terms.values(), key=lambda t: (-(t.rank or 0), t.notation))  # certainty: rank order
        choices = ", ".join(t.notation for t in ordered)
        raise EtiographError(f"unknown {scheme} {name!r}; choose one of: {choices}")

    # -- causal paths ---------------------------------------------------------------------------
    def paths(
        self,
        source: str,
        target: str,
        *,
        max_hops: int = 6,
        limit: int | None = None,
        mechanism: str | None = None,
        min_certainty: str | None = None,
        include_counteracting: bool = False,
        mechanism_hops: str = "every",
        include_summary: bool = False,
        min_sources: int | None = None,
    ) -> PathsResult:
        """Every simple causal path from ``source`` to ``target``, shortest and strongest first.

        Only positive causal relations (sub-properties of etio:causesOrContributesTo) are
        followed unless ``include_counteracting``. ``mechanism`` keeps paths whose every hop has a
        claim of that mechanism (``mechanism_hops="every"``, a route inside the mechanism: what
        the per-mechanism diagrams draw) or at least one such hop (``"any"``, routes that involve
        it: what ``etiograph paths --mechanism`` asks). ``min_certainty`` keeps hops with a claim
        at least that certain. An edge backed only by summary claims (etio:SummaryClaim: a total
        effect the source explains through mediators, "UTIs can indirectly cause leg cramps") is not
        followed unless ``include_summary``: a path through it would hide the mechanism.
        ``min_sources`` keeps paths whose every hop is backed by claims from at least that many
        independent source documents (corroboration, once several sources are loaded).
        """
        if max_hops < 1:
            raise EtiographError("--max-hops must be at least 1")
        if limit is not None and limit < 0:
            raise EtiographError("--limit must be 0 or more")
        if mechanism_hops not in ("every", "any"):
            raise EtiographError(f"mechanism_hops is 'every' or 'any', not {mechanism_hops!r}")
        every_hop = mechanism_hops == "every"
        indexed = self.causal_index()  # first: its label table, if any, resolves the names
        start, end = self.resolve(source), self.resolve(target)
        mechanism_iri = self.mechanism(mechanism) if mechanism else None
        mechanism_name = self.edge_reader.scheme("mechanisms")[mechanism_iri].notation if mechanism_iri else None
        edge_filter = EdgeFilter(
            predicates=self.edge_reader.causal_predicates(include_counteracting),
            mechanism=mechanism_iri if every_hop else None,
            min_rank=self.certainty_rank(min_certainty) if min_certainty else None,
            mechanism_name=mechanism_name if every_hop else None,
        )
        blocked = frozenset() if include_summary else self.summary_edges()
        if indexed is not None:
            node_paths, evidence, labels = self._indexed_paths(
                *indexed, start.iri, end.iri, edge_filter, max_hops, blocked=blocked
            )
        else:
            adjacency = self.edge_reader.between(start.iri, end.iri, edge_filter, max_hops)
            for u, v in blocked:
                adjacency.get(u, set()).discard(v)
            node_paths = list(islice(simple_paths(adjacency, start.iri, end.iri, max_hops), ENUMERATION_CAP + 1))
        truncated = len(node_paths) > ENUMERATION_CAP
        node_paths = node_paths[:ENUMERATION_CAP]
        if indexed is None:
            used_edges = {(u, v) for nodes in node_paths for u, v in pairwise(nodes)}
            evidence = self.edge_reader.evidence(used_edges, edge_filter)
            labels = self.edge_reader.labels({n for nodes in node_paths for n in nodes})
        built = []
        made: dict[tuple[str, str], Hop | None] = {}  # paths share hops: each is made once
        # order_key's per-hop parts, worked out once per hop too (test_paths pins the order to order_key)
        strength: dict[tuple[str, str], tuple[int, int]] = {}
        keys: dict[int, tuple] = {}  # id(path) -> order_key(path)
        for nodes in node_paths:
            hops = []
            pairs = list(pairwise(nodes))
            for pair in pairs:
                hop = made.get(pair, made)
                if hop is made:
                    hop = made[pair] = _hop(*pair, evidence.get(pair), labels)
                    if hop is not None:
                        strength[pair] = (hop.rank, len(hop.evidence))
                if hop is None:
                    break  # the edge exists but no claim qualifies under the filters
                hops.append(hop)
            else:
                path = CausalPath(tuple(hops))
                built.append(path)
                ranks = [strength[pair] for pair in pairs]
                keys[id(path)] = (
                    path.length,
                    -min([r for r, _ in ranks], default=0),
                    -min([n for _, n in ranks], default=0),
                    path.labels,
                )
        if min_sources is not None:
            if min_sources < 1:
                raise EtiographError("--min-sources must be at least 1")
            documents = self.section_documents()
            built = [
                p for p in built
                if all(len({documents.get(e.section, e.section) for e in h.evidence if e.section}) >= min_sources for h in p.hops)
            ]
        if mechanism_name and not every_hop:  # the path goes through the mechanism somewhere
            built = [p for p in built if any(mechanism_name in e.mechanisms for h in p.hops for e in h.evidence)]
        built.sort(key=lambda p: keys[id(p)])  # order_key(p), from the parts worked out above
        filters = {k: v for k, v in (("mechanism", mechanism), ("min_certainty", min_certainty)) if v}
        if mechanism and not every_hop:
            filters["mechanism_hops"] = "any"
        if include_counteracting:
            filters["include_counteracting"] = "true"
        if include_summary:
            filters["include_summary"] = "true"
        if min_sources is not None:
            filters["min_sources"] = str(min_sources)
        return PathsResult(
            source=start.iri,
            target=end.iri,
            source_label=start.label,
            target_label=end.label,
            max_hops=max_hops,
            paths=tuple(built[:limit] if limit else built),
            total=len(built),
            truncated=truncated,
            filters=filters,
        )

    def _indexed_paths(
        self,
        index: CausalIndex,
        lookup: StoreLookup,
        source: str,
        target: str,
        edge_filter: EdgeFilter,
        max_hops: int,
        blocked: frozenset[tuple[str, str]] = frozenset(),
    ) -> tuple[list[tuple[str, ...]], dict[tuple[str, str], list], dict[str, str]]:
        """Paths over the causal index: up to ENUMERATION_CAP + 1, with evidence and labels for their hops.

        With a mechanism or certainty filter, an edge is followed only if it has a qualifying claim,
        checked (and its evidence kept) the first time a path could use it.
        """
        u, v = index.find(source), index.find(target)
        if u is None or v is None:
            return [], {}, {}
        mask = _mask(index, edge_filter)
        evidence: dict[tuple[str, str], list] = {}
        accept = None
        if edge_filter.mechanism is not None or edge_filter.min_rank is not None:
            checked: dict[int, bool] = {}

            def accept(edge: int) -> bool:
                if edge not in checked:
                    a, b = index.edge_ends(edge)
                    pair = (index.iri(a), index.iri(b))
                    found = self._indexed_evidence(index, lookup, {pair: (a, b, edge)}, edge_filter)
                    evidence.update(found)
                    checked[edge] = pair in found
                return checked[edge]

        blocked_ids = {index.edge_id(a, b) for a, b in ((index.find(s), index.find(o)) for s, o in blocked) if a is not None and b is not None}
        blocked_ids.discard(None)
        if blocked_ids:
            claim_level = accept

            def accept(edge: int) -> bool:
                return edge not in blocked_ids and (claim_level is None or claim_level(edge))

        found = list(islice(index.simple_paths_with_edges(u, v, max_hops, mask, accept), ENUMERATION_CAP + 1))
        iri = index.iri
        names = {n: iri(n) for n in {n for nodes, _ in found for n in nodes}}  # each node's IRI once
        node_paths = [tuple([names[n] for n in nodes]) for nodes, _ in found]
        hops = {}
        for nodes, edge_ids in found[:ENUMERATION_CAP]:
            for a, b, edge in zip(nodes, nodes[1:], edge_ids):
                pair = (names[a], names[b])
                if pair not in evidence:
                    hops[pair] = (a, b, edge)
        if hops:
            evidence.update(self._indexed_evidence(index, lookup, hops, edge_filter))
        labels = _node_labels(index, lookup, {(n, names[n]) for nodes, _ in found[:ENUMERATION_CAP] for n in nodes})
        return node_paths, evidence, labels

    def _indexed_evidence(
        self,
        index: CausalIndex,
        lookup: StoreLookup,
        edges: dict[tuple[str, str], tuple[int, int, int | None]],
        edge_filter: EdgeFilter,
    ) -> dict[tuple[str, str], list]:
        """Evidence of edges (s, o) → (u, v, edge id): from the index's table, else by store lookups
        kept with the index for the next answers (:mod:`etiograph.causal.memo`)."""
        if index.evidence is not None:
            return index.evidence.evidence(
                {pair: edge for pair, (_, _, edge) in edges.items() if edge is not None}, edge_filter, self.edge_reader
            )
        degrees = {pair: (index.out_degree(u), index.in_degree(v)) for pair, (u, v, _) in edges.items()}
        return index.memo.evidence_for(lookup, edges, degrees, edge_filter, self.edge_reader)

    def summary_edges(self) -> frozenset[tuple[str, str]]:
        """(subject, object) pairs whose only causal claims are summary claims (etio:SummaryClaim).

        Cached per graph: a handful of pairs, found with one query.
        """
        if self._summary_edges is None:
            result = self.backend.query(SUMMARY_ONLY_EDGES)
            self._summary_edges = frozenset((str(row[0].value), str(row[1].value)) for row in result.rows)
        return self._summary_edges

    def summary_claims(self) -> frozenset[str]:
        """Claims marked as summaries of a chain (etio:SummaryClaim, or etio:indirect true): the shortcuts
        a path diagram leaves out. Cached per graph: a handful, found with one query (a diagram asked
        about its ~150 claims in a VALUES block each time)."""
        if self._summary_claims is None:
            result = self.backend.query(SUMMARY_MARKED)
            self._summary_claims = frozenset(str(row[0].value) for row in result.rows)
        return self._summary_claims

    def section_documents(self) -> dict[str, str]:
        """Section IRI → the source document it is part of: how many sources back a hop (cached)."""
        if self._section_documents is None:
            result = self.backend.query(SECTION_DOCUMENTS)
            self._section_documents = {str(row[0].value): str(row[1].value) for row in result.rows}
        return self._section_documents

    def summary_support(self, *, max_hops: int = 6, about: str | None = None) -> list[SummarySupport]:
        """For each summary claim, the mechanistic paths that account for it (none: flagged).

        A summary claim is the source's own total effect ("UTIs can indirectly cause leg cramps");
        the mechanism is the paths between the same two concepts that do not use a summary edge.
        ``about`` (a concept IRI) keeps the claims whose subject or object it is, and searches only
        their paths (``explain`` shows no others).
        """
        found = self.backend.query(SUMMARY_CLAIMS)
        out, seen = [], set()
        for claim, subject, obj in found.rows:
            pair = (str(subject.value), str(obj.value))
            if pair in seen or (about is not None and about not in pair):  # one answer per pair
                continue
            seen.add(pair)
            out.append(SummarySupport(str(claim.value), *pair, self.paths(*pair, max_hops=max_hops)))
        return out

    # -- reach ----------------------------------------------------------------------------------
    def upstream(self, concept: str, *, max_hops: int | None = None, limit: int | None = REACH_LIMIT) -> ReachResult:
        """Everything that can lead to ``concept`` along causal relations, nearest first."""
        return self._reach(concept, forward=False, max_hops=max_hops, limit=limit)

    def downstream(self, concept: str, *, max_hops: int | None = None, limit: int | None = REACH_LIMIT) -> ReachResult:
        """Everything ``concept`` can lead to along causal relations, nearest first."""
        return self._reach(concept, forward=True, max_hops=max_hops, limit=limit)

    def _reach(self, concept: str, forward: bool, max_hops: int | None, limit: int | None) -> ReachResult:
        self.causal_index()  # first: its label table, if any, resolves the name
        start = self.resolve(concept)
        edge_filter = EdgeFilter(self.edge_reader.causal_predicates())
        distance, _, truncated = self._expand(start.iri, edge_filter, forward, max_hops, limit or None, False)
        distance.pop(start.iri, None)
        labels = self._labels(distance)
        reached = sorted(
            (Reach(iri, labels[iri], d) for iri, d in distance.items()), key=lambda r: (r.distance, r.label)
        )
        if limit:
            reached = reached[:limit]
        return ReachResult(start.iri, start.label, "downstream" if forward else "upstream", tuple(reached), truncated)

    # -- explanation ----------------------------------------------------------------------------
    def explain(self, concept: str) -> Explanation:
        """A concept's mechanisms, direct causes and effects with evidence, what counteracts each
        step, and the mediators on the causal routes into it, scored by betweenness (networkx)."""
        target = self.resolve(concept)
        causal = EdgeFilter(self.edge_reader.causal_predicates())
        counter = EdgeFilter(self.edge_reader.predicates(COUNTERACTS))
        incoming = self._neighbours([target.iri], causal, forward=False)
        outgoing = self._neighbours([target.iri], causal, forward=True)
        causes = self._hops(incoming, causal)
        effects = self._hops(outgoing, causal)
        steps_nodes = {h.subject for h in causes} | {target.iri}
        counter_edges = self._neighbours(steps_nodes, counter, forward=False)
        counter_hops = self._hops(counter_edges, counter)
        by_object: dict[str, list[Hop]] = {}
        for hop in counter_hops:
            by_object.setdefault(hop.object, []).append(hop)
        mechanisms = sorted({m for h in (*causes, *effects) for m in h.mechanisms})
        return Explanation(
            concept=target,
            mechanisms=tuple(mechanisms),
            causes=tuple(Step(h, tuple(by_object.get(h.subject, ()))) for h in causes),
            effects=tuple(Step(h) for h in effects),
            counteracted_by=tuple(by_object.get(target.iri, ())),
            mediators=tuple(self._mediators_upstream(target.iri, causal)),
            summaries=tuple(self.summary_support(about=target.iri)),
        )

    # -- structure, from the index or by SPARQL -------------------------------------------------
    def _expand(
        self,
        start: str,
        edge_filter: EdgeFilter,
        forward: bool,
        max_hops: int | None,
        limit: int | None,
        with_edges: bool = True,
    ) -> tuple[dict[str, int], dict[str, set[str]], bool]:
        """Breadth-first reach as ``SparqlEdgeReader.expand``: distances, edges seen, cut short by ``limit``.

        Every edge seen joins a node already reached, so the IRIs are those of ``found``; callers that
        need distances only pass ``with_edges=False``.
        """
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.expand(start, edge_filter, forward, max_hops, limit)
        index = indexed[0]
        node = index.find(start)
        if node is None:
            return {start: 0}, {}, False
        found, edges, truncated = index.reach(node, _mask(index, edge_filter), forward, max_hops, limit)
        names = {n: index.iri(n) for n in found}
        adjacency: dict[str, set[str]] = {}
        if with_edges:
            for u, v in edges:
                adjacency.setdefault(names[u], set()).add(names[v])
        return {names[n]: d for n, d in found.items()}, adjacency, truncated

    def _neighbours(self, nodes: Iterable[str], edge_filter: EdgeFilter, forward: bool) -> list[tuple[str, str]]:
        """Edges leaving (forward) or entering ``nodes``."""
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.neighbours(nodes, edge_filter, forward)
        index = indexed[0]
        mask = _mask(index, edge_filter)
        iri = index.iri
        out = []
        for name in sorted(set(nodes)):
            node = index.find(name)
            if node is None:
                continue
            if forward:
                out.extend((name, iri(v)) for v in index.successors(node, mask))
            else:
                out.extend((iri(u), name) for u in index.predecessors(node, mask))
        return out

    def _evidence(self, edges: Iterable[tuple[str, str]], edge_filter: EdgeFilter) -> dict[tuple[str, str], list]:
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.evidence(edges, edge_filter)
        index, lookup = indexed
        ends = {}
        for s, o in set(edges):
            u, v = index.find(s), index.find(o)
            if u is not None and v is not None:
                ends[(s, o)] = (u, v, index.edge_id(u, v))
        return self._indexed_evidence(index, lookup, ends, edge_filter)

    def _labels(self, iris: Iterable[str]) -> dict[str, str]:
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.labels(iris)
        index, lookup = indexed
        return _node_labels(index, lookup, {(index.find(iri), iri) for iri in iris})

    def _hops(self, edges: Sequence[tuple[str, str]], edge_filter: EdgeFilter) -> list[Hop]:
        evidence = self._evidence(edges, edge_filter)
        labels = self._labels({n for e in edges for n in e})
        hops = []
        for (u, v), options in evidence.items():
            for predicate, claims in options:
                hops.append(Hop(u, v, labels[u], labels[v], predicate, claims))
        return sorted(hops, key=lambda h: (-h.rank, h.subject_label, h.object_label, h.predicate))

    def _mediators_upstream(self, target: str, edge_filter: EdgeFilter, max_hops: int = 6) -> list[tuple[str, float]]:
        """Mediators upstream of ``target``, ranked by betweenness toward it: where causal routes converge."""
        from .causal.analysis import betweenness_toward

        _, adjacency, _ = self._expand(target, edge_filter, forward=False, max_hops=max_hops, limit=REACH_LIMIT)
        scores = betweenness_toward(adjacency, target)
        labels = self._labels(scores)
        return [(labels[n], round(s, 4)) for n, s in scores.items() if s > 0][:10]

    # -- vocabulary and evidence, for what draws or prints the graph (viz, render, commands) ---------
    def scheme(self, name: str) -> dict[str, SchemeTerm]:
        """The terms of a concept scheme (``mechanisms``, ``certainty``) by IRI: notation, label, rank (cached)."""
        return self.edge_reader.scheme(name)

    def causal_predicates(self, include_counteracting: bool = False) -> tuple[str, ...]:
        """The causal relations (sub-properties of etio:causesOrContributesTo), and the counteracting ones if asked."""
        return self.edge_reader.causal_predicates(include_counteracting)

    def counteracting_predicates(self) -> tuple[str, ...]:
        """etio:counteracts and the relations below it."""
        return self.edge_reader.predicates(COUNTERACTS)

    def all_edges(self, edge_filter: EdgeFilter) -> list[tuple[str, str]]:
        """Every (subject, object) pair with a relation and a claim the filter accepts: the whole-graph diagram.

        Over a pyoxigraph store by pattern lookups (one per predicate, ~15x cheaper than the query), else by SPARQL."""
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.all_edges(edge_filter)
        return indexed[1].all_edges(edge_filter.predicates)

    def edges_into(self, concepts: Iterable[str], edge_filter: EdgeFilter) -> list[tuple[str, str]]:
        """The (subject, object) pairs joining a concept to one of ``concepts`` by the filter's relations
        (what counteracts them, for counteracting ones): the causal index's in-edges where there is one."""
        return self._neighbours(concepts, edge_filter, forward=False)

    def all_edge_evidence(self, edge_filter: EdgeFilter) -> dict[tuple[str, str], list]:
        """``edge_evidence(all_edges(edge_filter), edge_filter)``: every edge of the whole-graph diagram with
        its evidence; over a pyoxigraph store read claim by claim (each claim's statements in one lookup)."""
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.evidence(self.edge_reader.all_edges(edge_filter), edge_filter)
        return indexed[1].all_evidence(edge_filter)

    def edge_evidence(self, edges: Iterable[tuple[str, str]], edge_filter: EdgeFilter) -> dict[tuple[str, str], list]:
        """For each edge, (predicate, claims) options backed by claims the filter accepts.

        Over a pyoxigraph store by pattern lookups (the same answers; the tests compare), else by SPARQL."""
        indexed = self.causal_index()
        if indexed is None:
            return self.edge_reader.evidence(edges, edge_filter)
        index, lookup = indexed
        edges = set(edges)
        degrees = {}
        for s, o in edges:
            u, v = index.find(s), index.find(o)
            if u is not None and v is not None:
                degrees[(s, o)] = (index.out_degree(u), index.in_degree(v))
        return lookup.evidence(edges, edge_filter, degrees)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The preferred label of each IRI (its local name where it has none); over a pyoxigraph store from
        the index's label table or by pattern lookups (the same answers: tests/test_index.py compares)."""
        return self._labels(iris)

    def section_info(self, sections: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
        """The titles of some source sections, and the document each is part of, in one query."""
        from .backends import SelectResult
        from .vocab import DCTERMS

        cited = sorted(set(sections))
        titles: dict[str, str] = {}
        documents: dict[str, str] = {}
        if not cited:
            return titles, documents
        query = (
            "SELECT ?section ?key ?value WHERE { VALUES ?section { "
            + " ".join(str(ox.NamedNode(s)) for s in cited)
            + f' }} {{ ?section <{DCTERMS}title> ?value BIND("title" AS ?key) }} UNION '
            + f'{{ ?section <{DCTERMS}isPartOf> ?value BIND("document" AS ?key) }} }}'
        )
        found = self.backend.query(query)
        if isinstance(found, SelectResult):
            for section, key, value in found:
                target = titles if key.value == "title" else documents
                target.setdefault(section.value, value.value)
        return titles, documents

    def describe(self, iris: Iterable[str]) -> dict[str, dict[str, list[Term]]]:
        """Every statement about each IRI, batched: IRI → predicate IRI → objects (IRIs with none are left out).

        >>> facts = KnowledgeGraph.load().describe(["https://w3id.org/etiograph/kg/fever"])
        >>> [o.value for o in facts["https://w3id.org/etiograph/kg/fever"]["http://www.w3.org/2004/02/skos/core#prefLabel"]]
        ['fever']
        """
        facts: dict[str, dict[str, list[Term]]] = {}
        for batch in chunks(sorted(set(iris))):
            block = " ".join(str(ox.NamedNode(i)) for i in batch)
            for t, p, o in self.backend.query(SPARQL_PROLOGUE + _DESCRIBE % block):
                facts.setdefault(t.value, {}).setdefault(p.value, []).append(o)
        return facts

    def dataset_info(self) -> DatasetInfo:
        """What the graph says about itself (its void:Dataset): the title (English or untagged), date and source (cached).

        >>> info = KnowledgeGraph.load().dataset_info()
        >>> info.title
        'etiograph knowledge graph: can a UTI cause leg cramps?'
        >>> info.source.title.lower(), info.source.page, info.date is not None   # the article, address unknown
        ('can a uti cause leg cramps?', None, True)
        """
        if self._dataset_info is None:  # three small queries, asked for by every diagram a command draws
            titles = self.backend.query(_DATASET_TITLE).values("title")
            dates = self.backend.query(_DATASET_DATE).values("date")
            sources = list(self.backend.query(_DATASET_SOURCE))
            source = SourceDocument(*(t.value if t is not None else None for t in sources[0])) if sources else None
            self._dataset_info = DatasetInfo(titles[0] if titles else None, dates[0] if dates else None, source)
        return self._dataset_info

    # -- SPARQL ---------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        limit: int | None = None,
        prefixes: bool = True,
    ) -> QueryResult:
        """Run SPARQL text (the shared prefixes are available) with pre-bound parameters.

        ``limit`` keeps at most that many rows or triples; the result's ``truncated`` says if there were more.
        ``prefixes=False`` runs the text exactly as given, as an endpoint does.
        """
        if not prefixes or "PREFIX" in sparql.upper():
            return self.backend.query(sparql, bindings, limit=limit)
        try:
            return self.backend.query(SPARQL_PROLOGUE + sparql, bindings, limit=limit)
        except QueryError as error:
            raise shift_lines(error, SPARQL_PROLOGUE.count("\n")) from None

    @property
    def writes_answers(self) -> bool:
        """Whether the store writes results formats itself (pyoxigraph): see :meth:`write_answer`."""
        return hasattr(self.backend, "write_answer")

    def write_answer(
        self,
        sparql: str,
        *,
        select_format: str | None,
        graph_format: str | None,
        limit: int,
        max_bytes: int,
        base_iri: str | None = None,
    ) -> Written:
        """The answer to SPARQL text (as given, no prefixes added) as bytes written by the engine, capped
        at ``limit`` rows or triples and ``max_bytes`` bytes: what ``etiograph serve`` sends. Only where
        :attr:`writes_answers`; elsewhere write the rows of ``query(limit=)``."""
        if not self.writes_answers:
            raise EtiographError(f"the {self.backend.name} store does not write answers itself: use query(limit=)")
        return self.backend.write_answer(
            sparql,
            select_format=select_format,
            graph_format=graph_format,
            limit=limit,
            max_bytes=max_bytes,
            base_iri=base_iri,
        )

    def run_named(self, name: str, params: Mapping[str, str] | None = None) -> QueryResult:
        """Run a named query of ``queries/`` with parameters given as text (resolved, then bound).

        >>> rows = KnowledgeGraph.load().run_named("infection-comparison")
        >>> sorted(r["risk"].value for r in rows.dicts())
        ['high', 'low-to-moderate']
        """
        from .sparql.named import bind_parameters, get_query

        named = get_query(name)
        return self.backend.query(named.text, bind_parameters(named, params or {}, self.term_for))

    def term_for(self, kind: str, value: str) -> Term:
        """Turn a parameter's text into a term of the given kind (concept, iri, mechanism, ...)."""
        if kind == "concept":
            return ox.NamedNode(self.resolve(value).iri)
        if kind == "mechanism":
            return ox.NamedNode(self.mechanism(value))
        if kind == "certainty":
            return ox.NamedNode(self._scheme_term("certainty", value))
        if kind == "iri":
            iri = ConceptResolver._as_iri(value)
            if iri is None:
                raise EtiographError(f"{value!r} is not an IRI or known CURIE")
            return ox.NamedNode(iri)
        if kind == "integer":
            try:
                return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
            except ValueError:
                raise EtiographError(f"{value!r} is not an integer") from None
        return ox.Literal(value)

    def triple_count(self) -> int:
        """Triples in the default graph (over an endpoint, a COUNT query).

        >>> KnowledgeGraph.load().triple_count() > 1000
        True
        """
        return self.backend.triple_count()

    def __len__(self) -> int:
        """``len(kg)``: :meth:`triple_count` (kept for notebooks and scripts that count this way)."""
        return self.backend.triple_count()

    def __bool__(self) -> bool:
        """A graph is true even when empty, and ``if kg:`` sends no COUNT query to an endpoint."""
        return True

    def close(self) -> None:
        self.backend.close()


def _hop(u: str, v: str, options: list | None, labels: Mapping[str, str]) -> Hop | None:
    """The hop u → v with its evidence (``options``: [(predicate, claims)]), or None when none qualifies."""
    if not options:
        return None
    if len(options) == 1:  # most hops: one predicate
        predicate, claims = options[0]
        return Hop(u, v, labels[u], labels[v], predicate, claims)
    predicate, claims = max(options, key=lambda pc: (max((e.rank for e in pc[1]), default=0), pc[0]))
    all_claims = tuple(e for _, cs in sorted(options) for e in cs)
    return Hop(u, v, labels[u], labels[v], predicate, all_claims or claims)


def _mask(index: CausalIndex, edge_filter: EdgeFilter) -> int:
    """The index flags standing for the filter's predicates (causal, counteracting or both)."""
    from .causal.index import CAUSAL, COUNTERACTING

    wanted = set(edge_filter.predicates)
    mask = CAUSAL if wanted & set(index.predicates["causal"]) else 0
    if wanted & set(index.predicates["counteracting"]):
        mask |= COUNTERACTING
    return mask


def _node_labels(index: CausalIndex, lookup: StoreLookup, nodes: Iterable[tuple[int | None, str]]) -> dict[str, str]:
    """Labels of (node id, IRI) pairs (None for an IRI outside the index): from the label table if
    the index has one, else by store lookups."""
    table = index.labels
    if table is None:
        return lookup.labels(iri for _, iri in nodes)
    from .causal.lookup import local_name

    out = {}
    rest = []
    for node, iri in nodes:
        if node is None:
            rest.append(iri)
        else:
            out[iri] = table.label(node) or local_name(iri)
    if rest:
        out.update(lookup.labels(rest))
    return out


def _resolve_exact(index: CausalIndex, table, name: str) -> str | None:
    """The concept IRI a name designates when the label table settles it as the resolver would
    (an IRI with a prefLabel; one concept with this exact label, English-tagged first, then plain);
    None to let :class:`ConceptResolver` decide (mappings, case-insensitive matches, errors)."""
    from .causal.labels import NONE

    text = name.strip()
    iri = ConceptResolver._as_iri(text)
    if iri is not None:
        node = index.find(iri)
        return iri if node is not None and table.node_labels[node] != NONE else None
    for language in ("en", None):
        exact = table.concepts(text, language)
        if exact:
            return exact[0] if len(exact) == 1 else None
    return None
