"""The graph as plain nodes and claims, read once from a KnowledgeGraph, for the network exports.

KGX, GraphML, Cytoscape and CX2 all want the same thing: the concepts, one edge per claim with its
evidence, and the labels of the ontology terms they use. In the spirit of INDRA's assemblers, this
module builds that :class:`PropertyGraph` once (SPARQL over the store, store-provided terms only,
never user text), and each format module is a small writer over it.

A :class:`Selection` says which claims go in: every claim, only the causal and counteracting ones
(what ``etiograph viz`` draws), those of one mechanism, or the claims on the causal paths between
two concepts (``kg.paths``, so names resolve as everywhere else). Nodes are the concepts those
claims are about.

>>> from etiograph.graph import KnowledgeGraph
>>> pg = build(KnowledgeGraph.load(), Selection(relations="all"))
>>> len(pg.claims) == len({c.iri for c in pg.claims}) and all(c.subject in pg.nodes for c in pg.claims)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..causal.source import chunks, values
from ..errors import EtiographError
from ..records import field, record
from ..vocab import BIOLINK, ETIO, SKOS, shorten

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

#: The class every exported claim is an instance of (or of a subclass).
CLAIM_CLASS = ETIO + "Claim"
#: Relation kinds of a claim, by the top of the ontology's hierarchy its predicate falls under.
CAUSAL, COUNTERACTING, ASSOCIATION = "causal", "counteracting", "association"


@record(frozen=True)
class Quote:
    """One sentence of the source behind a claim, and where it stands (0-based, end excluded)."""

    exact: str
    start: int | None = None
    end: int | None = None
    source: str | None = None


@record(frozen=True)
class Claim:
    """One sentence-backed statement: subject, predicate, object, and everything said about it."""

    iri: str
    subject: str
    predicate: str
    object: str
    kind: str  # CAUSAL, COUNTERACTING or ASSOCIATION
    certainty: str | None = None  # notation, e.g. "can"
    certainty_label: str | None = None
    rank: int = 0
    mechanisms: tuple[str, ...] = ()  # notations
    indirect: bool | None = None
    section: str | None = None  # IRI
    section_label: str | None = None
    quotes: tuple[Quote, ...] = ()
    supporting_text: tuple[str, ...] = ()  # biolink:supporting_text literals on the claim node
    knowledge_level: str | None = None
    agent_type: str | None = None
    primary_knowledge_source: str | None = None
    comment: str | None = None

    @property
    def counteracting(self) -> bool:
        return self.kind == COUNTERACTING

    @property
    def texts(self) -> tuple[str, ...]:
        """The quotes in text order, else the supporting_text literals."""
        return tuple(q.exact for q in self.quotes) or self.supporting_text

    def mechanism(self) -> str | None:
        """The mechanism that colours this claim's edge: its first, in the ontology's order."""
        from ..viz.style import mechanism_order

        return min(self.mechanisms, key=mechanism_order) if self.mechanisms else None


@record(frozen=True)
class Node:
    """A concept some selected claim is about."""

    iri: str
    label: str
    kinds: tuple[str, ...] = ()  # rdf:type IRIs other than skos:Concept
    kind: str | None = None  # the most specific known one (as the diagrams choose it)
    alt_labels: tuple[str, ...] = ()
    definition: str | None = None
    exact_matches: tuple[str, ...] = ()  # IRIs
    close_matches: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()  # notations

    @property
    def curie(self) -> str:
        return shorten(self.iri)


@record(frozen=True)
class Term:
    """An ontology term a node or claim uses (a class or a property): label, parents, Biolink mappings."""

    iri: str
    label: str
    parents: tuple[str, ...] = ()
    biolink: tuple[str, ...] = ()  # Biolink IRIs the ontology maps it to (skos:exactMatch first)


@record
class PropertyGraph:
    """Nodes keyed by IRI, claims in a stable order, and the ontology terms they use."""

    nodes: dict[str, Node]
    claims: list[Claim]
    terms: dict[str, Term] = field(default_factory=dict)
    title: str | None = None
    description: str = ""
    #: Every concept's exact mappings in the *whole* graph (IRI → concepts), so identifiers chosen from
    #: them do not depend on the selection.
    exact_owners: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def term(self, iri: str) -> Term:
        return self.terms.get(iri) or Term(iri, iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])

    def label(self, iri: str) -> str:
        return self.term(iri).label

    def ancestors(self, iri: str) -> Iterator[str]:
        """``iri`` then its parents, breadth first, each once (cycles tolerated)."""
        seen, todo = {iri}, [iri]
        while todo:
            current = todo.pop(0)
            yield current
            for parent in self.term(current).parents:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)


@record(frozen=True)
class Selection:
    """Which claims to export.

    ``relations``: ``causal`` (causal and counteracting claims, what ``viz`` draws) or ``all``
    (also the descriptive ones: has symptom, located in ...). ``mechanism``: a notation, label or
    IRI of the mechanisms scheme. ``paths``: (source, target) concept names; only the claims on the
    causal paths between them of at most ``max_hops`` hops.
    """

    relations: str = "all"
    mechanism: str | None = None
    paths: tuple[str, str] | None = None
    max_hops: int = 6

    def describe(self) -> str:
        parts = ["every claim" if self.relations == "all" else "causal and counteracting claims"]
        if self.paths:
            parts = [f"claims on the causal paths from {self.paths[0]} to {self.paths[1]} (≤ {self.max_hops} hops)"]
        if self.mechanism:
            parts.append(f"mechanism {self.mechanism}")
        return ", ".join(parts)


# -- building -----------------------------------------------------------------------------------------

_CLAIMS = """SELECT ?claim ?s ?p ?o ?type WHERE { {values} ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
  a ?type }"""
_CLAIM_CLASSES = "SELECT ?class ?parent WHERE { ?class rdfs:subClassOf ?parent }"
_CLAIM_ATTRIBUTES = """SELECT ?claim ?attr ?value WHERE { {values} ?claim rdf:predicate ?p ; ?attr ?value
  FILTER(?attr IN (etio:certainty, etio:mechanism, etio:indirect, etio:inSection, biolink:supporting_text,
    biolink:knowledge_level, biolink:agent_type, biolink:primary_knowledge_source, rdfs:comment)) }"""
_QUOTES = """SELECT ?claim ?ev ?exact WHERE { {values} ?claim etio:evidence ?ev . ?ev oa:hasSelector ?sel .
  ?sel oa:exact ?exact }"""
_SOURCES = "SELECT ?claim ?ev ?source WHERE { {values} ?claim etio:evidence ?ev . ?ev oa:hasSource ?source }"
_POSITIONS = """SELECT ?claim ?ev ?start ?end WHERE { {values} ?claim etio:evidence ?ev . ?ev oa:hasSelector ?sel .
  ?sel oa:start ?start ; oa:end ?end }"""
_NODE_ATTRIBUTES = """SELECT ?c ?attr ?value WHERE { {values} ?c ?attr ?value
  FILTER(?attr IN (rdf:type, skos:prefLabel, skos:altLabel, skos:definition, skos:exactMatch, skos:closeMatch,
    etio:mechanism)) }"""
_TERMS = """SELECT ?t ?attr ?value WHERE { {values} ?t ?attr ?value
  FILTER(?attr IN (rdfs:label, skos:prefLabel, dcterms:title, rdfs:subClassOf, rdfs:subPropertyOf, skos:exactMatch,
    skos:closeMatch)) }"""
_EXACT = "SELECT ?c ?m WHERE { ?c skos:exactMatch ?m }"
_MECHANISM_CLAIMS = "SELECT ?claim WHERE { ?claim etio:mechanism ?m ; rdf:predicate ?p }"


def build(kg: KnowledgeGraph, selection: Selection | None = None) -> PropertyGraph:
    """The claims ``selection`` picks from ``kg`` (default: every claim), with their nodes and terms.

    Raises :class:`~etiograph.errors.EtiographError` for an unknown mechanism or relation kind, and
    ``UnknownConceptError`` (with suggestions) for a path end that names no concept.
    """
    import pyoxigraph as ox

    selection = selection or Selection()
    if selection.relations not in ("causal", "all"):
        raise EtiographError(f"unknown relation kind {selection.relations!r}: choose causal or all")
    causal = set(kg.causal_predicates())
    counter = set(kg.counteracting_predicates())
    mechanism_iri = kg.mechanism(selection.mechanism) if selection.mechanism is not None else None

    scope: set[str] | None = None  # claim IRIs, or None for "every claim"
    if selection.paths:
        result = kg.paths(
            selection.paths[0], selection.paths[1], max_hops=selection.max_hops, mechanism=selection.mechanism
        )
        scope = {e.claim for path in result.paths for hop in path.hops for e in hop.evidence}
    elif mechanism_iri:
        rows = kg.query(_MECHANISM_CLAIMS, {"m": ox.NamedNode(mechanism_iri)})
        scope = {claim.value for (claim,) in rows}

    def kind_of(predicate: str) -> str:
        return CAUSAL if predicate in causal else COUNTERACTING if predicate in counter else ASSOCIATION

    claim_classes = _claim_classes(kg)
    raw: dict[str, tuple[str, str, str]] = {}
    for claim, s, p, o, type_ in _run(kg, _CLAIMS, "claim", scope):
        if type_.value not in claim_classes:
            continue  # an rdf:Statement that is no claim (a table cell: the article's tables as data)
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and isinstance(p, ox.NamedNode):
            if selection.relations == "causal" and kind_of(p.value) == ASSOCIATION:
                continue
            raw.setdefault(claim.value, (s.value, p.value, o.value))
    claim_scope = None if scope is None and selection.relations == "all" else set(raw)
    claims = _claims(kg, raw, claim_scope, kind_of)
    node_iris = {c.subject for c in claims} | {c.object for c in claims}
    nodes = _nodes(kg, node_iris)
    term_iris = {c.predicate for c in claims} | {k for n in nodes.values() for k in n.kinds}
    terms = _terms(kg, term_iris)
    owners: dict[str, list[str]] = {}
    for c, m in kg.query(_EXACT):
        owners.setdefault(m.value, []).append(c.value)
    return PropertyGraph(
        nodes=nodes,
        claims=claims,
        terms=terms,
        title=kg.dataset_info().title,
        description=selection.describe(),
        exact_owners={m: tuple(sorted(set(cs))) for m, cs in owners.items()},
    )


def _claim_classes(kg: KnowledgeGraph) -> set[str]:
    """etio:Claim and every class the ontology or data puts beneath it (rdfs:subClassOf, transitively)."""
    children: dict[str, set[str]] = {}
    for cls, parent in kg.query(_CLAIM_CLASSES):
        children.setdefault(parent.value, set()).add(cls.value)
    found, todo = {CLAIM_CLASS}, [CLAIM_CLASS]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _run(kg: KnowledgeGraph, template: str, variable: str, scope: Iterable[str] | None) -> Iterator[tuple]:
    """Rows of ``template`` for every subject (``scope`` None: one query) or for ``scope``, in batches."""
    import pyoxigraph as ox

    if scope is None:
        yield from kg.query(template.replace("{values}", ""))
        return
    for batch in chunks(sorted(scope)):
        block = values(variable, (ox.NamedNode(i) for i in batch))
        yield from kg.query(template.replace("{values}", block))


def _claims(kg: KnowledgeGraph, raw: dict[str, tuple[str, str, str]], scope: set[str] | None, kind_of) -> list[Claim]:
    certainty = kg.scheme("certainty")
    mechanisms = kg.scheme("mechanisms")
    attrs: dict[str, dict[str, list]] = {}
    for claim, attr, value in _run(kg, _CLAIM_ATTRIBUTES, "claim", scope):
        if claim.value in raw:
            attrs.setdefault(claim.value, {}).setdefault(attr.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], []).append(
                value
            )
    quotes: dict[str, dict[str, list]] = {}
    for claim, ev, exact in _run(kg, _QUOTES, "claim", scope):
        if claim.value in raw:
            quotes.setdefault(claim.value, {})[ev.value] = [exact.value, None, None, None]
    for claim, ev, source in _run(kg, _SOURCES, "claim", scope):
        entry = quotes.get(claim.value, {}).get(ev.value)
        if entry is not None:
            entry[3] = source.value
    for claim, ev, start, end in _run(kg, _POSITIONS, "claim", scope):
        entry = quotes.get(claim.value, {}).get(ev.value)
        if entry is not None:
            entry[1], entry[2] = _int(start.value), _int(end.value)
    section_iris = {v.value for a in attrs.values() for v in a.get("inSection", [])}
    sections = _terms(kg, section_iris)

    out = []
    for iri in sorted(raw):
        s, p, o = raw[iri]
        a = attrs.get(iri, {})
        levels = sorted(
            (certainty[v.value] for v in a.get("certainty", []) if v.value in certainty), key=lambda t: -(t.rank or 0)
        )
        level = levels[0] if levels else None
        section = min((v.value for v in a.get("inSection", [])), default=None)
        found = sorted(
            (Quote(e[0], e[1], e[2], e[3]) for e in quotes.get(iri, {}).values()),
            key=lambda q: (q.start is None, q.start or 0, q.exact),
        )
        out.append(
            Claim(
                iri=iri,
                subject=s,
                predicate=p,
                object=o,
                kind=kind_of(p),
                certainty=level.notation if level else None,
                certainty_label=level.label if level else None,
                rank=(level.rank or 0) if level else 0,
                mechanisms=tuple(
                    sorted(
                        {
                            mechanisms[v.value].notation if v.value in mechanisms else v.value
                            for v in a.get("mechanism", [])
                        }
                    )
                ),
                indirect=_first(a, "indirect", lambda v: v.value == "true"),
                section=section,
                section_label=sections[section].label if section in sections else None,
                quotes=tuple(dict.fromkeys(found)),
                supporting_text=tuple(sorted({v.value for v in a.get("supporting_text", [])})),
                knowledge_level=_first(a, "knowledge_level", lambda v: v.value),
                agent_type=_first(a, "agent_type", lambda v: v.value),
                primary_knowledge_source=_first(a, "primary_knowledge_source", lambda v: v.value),
                comment=_first(a, "comment", lambda v: v.value),
            )
        )
    return out


def _nodes(kg: KnowledgeGraph, iris: set[str]) -> dict[str, Node]:
    from ..viz.style import primary_kind

    mechanisms = kg.scheme("mechanisms")
    found: dict[str, dict[str, list]] = {}
    for c, attr, value in _run(kg, _NODE_ATTRIBUTES, "c", iris):
        if c.value in iris:
            found.setdefault(c.value, {}).setdefault(attr.value, []).append(value)
    out = {}
    for iri in sorted(iris):
        a = found.get(iri, {})
        kinds = tuple(sorted({t.value for t in a.get(_RDF_TYPE, []) if t.value != SKOS + "Concept"}))
        out[iri] = Node(
            iri=iri,
            label=_english(a.get(SKOS + "prefLabel", [])) or iri.rstrip("/#").rsplit("/", 1)[-1],
            kinds=kinds,
            kind=primary_kind(kinds),
            alt_labels=tuple(sorted({v.value for v in a.get(SKOS + "altLabel", [])})),
            definition=_english(a.get(SKOS + "definition", [])),
            exact_matches=tuple(sorted({v.value for v in a.get(SKOS + "exactMatch", [])})),
            close_matches=tuple(sorted({v.value for v in a.get(SKOS + "closeMatch", [])})),
            mechanisms=tuple(
                sorted({mechanisms[v.value].notation if v.value in mechanisms else v.value for v in a.get(_MECH, [])})
            ),
        )
    return out


def _terms(kg: KnowledgeGraph, iris: set[str]) -> dict[str, Term]:
    """Labels, parents and Biolink mappings of ontology terms, and of their ancestors."""
    out: dict[str, Term] = {}
    todo = set(iris)
    while todo:
        found: dict[str, dict[str, list]] = {}
        for t, attr, value in _run(kg, _TERMS, "t", todo):
            found.setdefault(t.value, {}).setdefault(attr.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], []).append(value)
        for iri in todo:
            a = found.get(iri, {})
            labels = a.get("label", []) or a.get("prefLabel", []) or a.get("title", [])
            parents = tuple(sorted({v.value for v in a.get("subClassOf", []) + a.get("subPropertyOf", [])}))
            mapped = [v.value for v in a.get("exactMatch", [])] + [v.value for v in a.get("closeMatch", [])]
            out[iri] = Term(
                iri=iri,
                label=_english(labels) or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                parents=parents,
                biolink=tuple(dict.fromkeys(m for m in mapped if m.startswith(BIOLINK))),
            )
        todo = {
            p for t in out.values() for p in t.parents if p not in out and not p.startswith(("http://www.w3.org/",))
        }
    return out


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_MECH = "https://w3id.org/etiograph/ontology#mechanism"


def _english(literals: Sequence) -> str | None:
    """The English (or untagged) literal, the smallest for a stable choice; else any."""
    preferred = sorted(v.value for v in literals if getattr(v, "language", None) in (None, "en"))
    others = sorted(v.value for v in literals)
    return (preferred or others or [None])[0]


def _first(attrs: dict[str, list], name: str, convert):
    found = sorted(attrs.get(name, []), key=lambda v: v.value)
    return convert(found[0]) if found else None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
