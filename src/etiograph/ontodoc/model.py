"""What the documentation says, read from the store: the ontology's terms, the concept schemes, and
the claims each concept takes part in. SPARQL over store-provided terms only, as everywhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..vocab import OWL, RDF, RDFS, SKOS, shorten

if TYPE_CHECKING:
    from ..export.propertygraph import Claim
    from ..graph import KnowledgeGraph

#: skos mapping properties, in the order an entry lists them.
MAPPINGS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


@dataclass
class Entry:
    """One documented term: a class, a property or a concept."""

    iri: str
    kind: str  # "class", "object property", "datatype property", "concept"
    label: str
    definition: str | None = None
    comments: list[str] = field(default_factory=list)
    notation: str | None = None
    alt_labels: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)  # subClassOf / subPropertyOf / skos:broader
    children: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # a concept's classes
    mappings: dict[str, list[str]] = field(default_factory=dict)
    rank: int | None = None
    deprecated: bool = False
    claims: list[Claim] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """A fragment id unique in the page: the CURIE with ``:`` as ``-``."""
        return shorten(self.iri).replace(":", "-").replace("/", "-").replace("#", "-")


@dataclass
class Scheme:
    iri: str
    label: str
    definition: str | None
    concepts: list[Entry]


@dataclass
class Documentation:
    title: str
    iri: str | None
    metadata: list[tuple[str, str]]
    description: str | None
    classes: list[Entry]
    object_properties: list[Entry]
    datatype_properties: list[Entry]
    schemes: list[Scheme]
    labels: dict[str, str]  # every IRI the page mentions → its label

    def entries(self) -> list[Entry]:
        return [
            *self.classes,
            *self.object_properties,
            *self.datatype_properties,
            *(c for s in self.schemes for c in s.concepts),
        ]


_TERMS = """SELECT ?t ?kind WHERE { VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty } ?t a ?kind
  FILTER(isIRI(?t)) }"""
_SCHEMES = "SELECT ?s WHERE { ?s a skos:ConceptScheme }"
_IN_SCHEME = "SELECT ?c ?s WHERE { ?c skos:inScheme ?s FILTER(isIRI(?c)) }"
_ONTOLOGY = "SELECT ?o ?p ?v WHERE { ?o a owl:Ontology ; ?p ?v }"
_MECHANISM_OF = "SELECT ?claim ?m WHERE { ?claim etio:mechanism ?m ; rdf:predicate ?p }"
_CERTAINTY_OF = "SELECT ?claim ?c WHERE { ?claim etio:certainty ?c ; rdf:predicate ?p }"


def collect(kg: KnowledgeGraph) -> Documentation:
    """Everything the page shows, for the ontology and data in ``kg``."""
    import pyoxigraph as ox

    from ..export.propertygraph import Selection, build

    def rows(query: str):
        return kg.query(query)

    kinds: dict[str, str] = {}
    names = {
        OWL + "Class": "class",
        OWL + "ObjectProperty": "object property",
        OWL + "DatatypeProperty": "datatype property",
    }
    for t, kind in rows(_TERMS):
        kinds.setdefault(t.value, names[kind.value])
    schemes = sorted(s.value for (s,) in rows(_SCHEMES))
    members: dict[str, list[str]] = {}
    for c, s in rows(_IN_SCHEME):
        members.setdefault(s.value, []).append(c.value)
    wanted = set(kinds) | set(schemes) | {c for cs in members.values() for c in cs}

    facts = kg.describe(wanted)

    def text(iri: str, *predicates: str) -> str | None:
        for predicate in predicates:
            found = sorted(
                v.value for v in facts.get(iri, {}).get(predicate, []) if getattr(v, "language", None) in (None, "en")
            )
            if found:
                return found[0]
        return None

    def iris(iri: str, predicate: str) -> list[str]:
        return sorted({v.value for v in facts.get(iri, {}).get(predicate, []) if isinstance(v, ox.NamedNode)})

    def label(iri: str) -> str:
        return text(iri, RDFS + "label", SKOS + "prefLabel") or shorten(iri)

    def entry(iri: str, kind: str) -> Entry:
        f = facts.get(iri, {})
        rank = f.get("https://w3id.org/etiograph/ontology#certaintyRank", [])
        return Entry(
            iri=iri,
            kind=kind,
            label=label(iri),
            definition=text(iri, SKOS + "definition"),
            comments=sorted({v.value for v in f.get(RDFS + "comment", [])}),
            notation=text(iri, SKOS + "notation"),
            alt_labels=sorted({v.value for v in f.get(SKOS + "altLabel", [])}),
            parents=iris(iri, RDFS + "subClassOf") + iris(iri, RDFS + "subPropertyOf") + iris(iri, SKOS + "broader"),
            domain=iris(iri, RDFS + "domain"),
            range=iris(iri, RDFS + "range"),
            types=[t for t in iris(iri, RDF + "type") if t != SKOS + "Concept"] if kind == "concept" else [],
            mappings={m: iris(iri, SKOS + m) for m in MAPPINGS if iris(iri, SKOS + m)},
            rank=int(rank[0].value) if rank else None,
            deprecated=any(v.value == "true" for v in f.get(OWL + "deprecated", [])),
        )

    terms = {iri: entry(iri, kind) for iri, kind in kinds.items()}
    for term in terms.values():
        for parent in term.parents:
            if parent in terms:
                terms[parent].children.append(term.iri)

    # claims: a concept's as subject or object; a mechanism's or certainty level's by annotation
    pg = build(kg, Selection(relations="all"))
    by_concept: dict[str, list[Claim]] = {}
    claims = {c.iri: c for c in pg.claims}
    for claim in pg.claims:
        by_concept.setdefault(claim.subject, []).append(claim)
        if claim.object != claim.subject:
            by_concept.setdefault(claim.object, []).append(claim)
    for query in (_MECHANISM_OF, _CERTAINTY_OF):
        for claim, value in rows(query):
            if claim.value in claims:
                by_concept.setdefault(value.value, []).append(claims[claim.value])

    scheme_list = []
    for scheme in schemes:
        concepts = [entry(c, "concept") for c in sorted(set(members.get(scheme, [])))]
        for concept in concepts:
            concept.claims = sorted(by_concept.get(concept.iri, []), key=lambda c: c.iri)
        concepts.sort(
            key=lambda e: (-(e.rank or 0), e.label.lower()) if any(c.rank for c in concepts) else (0, e.label.lower())
        )
        scheme_list.append(Scheme(scheme, label(scheme), text(scheme, SKOS + "definition"), concepts))

    header: dict[str, list[str]] = {}
    ontology = None
    for o, p, v in rows(_ONTOLOGY):
        ontology = ontology or o.value
        if getattr(v, "language", None) in (None, "en"):
            header.setdefault(p.value, []).append(v.value)
    metadata = [
        (name, "; ".join(sorted(header[p])))
        for name, p in (
            ("IRI", None),
            ("Version", OWL + "versionInfo"),
            ("Version IRI", OWL + "versionIRI"),
            ("Created", "http://purl.org/dc/terms/created"),
            ("Creator", "http://purl.org/dc/terms/creator"),
            ("Licence", "http://purl.org/dc/terms/license"),
            ("Preferred prefix", "http://purl.org/vocab/vann/preferredNamespacePrefix"),
            ("Namespace", "http://purl.org/vocab/vann/preferredNamespaceUri"),
        )
        if p in header
    ]
    if ontology:
        metadata.insert(0, ("IRI", ontology))

    def ordered(kind: str) -> list[Entry]:
        return sorted((t for t in terms.values() if t.kind == kind), key=lambda t: t.label.lower())

    doc = Documentation(
        title=(header.get("http://purl.org/dc/terms/title") or ["Ontology documentation"])[0],
        iri=ontology,
        metadata=metadata,
        description=(header.get("http://purl.org/dc/terms/description") or [None])[0],
        classes=ordered("class"),
        object_properties=ordered("object property"),
        datatype_properties=ordered("datatype property"),
        schemes=scheme_list,
        labels={},
    )
    mentioned = {i for e in doc.entries() for i in (*e.parents, *e.domain, *e.range, *e.types)}
    mentioned |= {i for e in doc.entries() for c in e.claims for i in (c.subject, c.object, c.predicate)}
    known = {e.iri: e.label for e in doc.entries()}
    known.update({i: n.label for i, n in pg.nodes.items()})
    known.update({i: t.label for i, t in pg.terms.items()})
    doc.labels = {i: known.get(i) or shorten(i) for i in mentioned | set(known)}
    return doc
