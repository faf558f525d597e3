"""What the endpoint says about itself: a SPARQL 1.1 Service Description and a VoID description.

``GET /sparql`` without a query answers with the service description
(https://www.w3.org/TR/sparql11-service-description/): an ``sd:Service`` with its endpoint, the
language and result formats it supports, and its default dataset described with VoID
(https://www.w3.org/TR/void/): triple count, distinct subjects and objects, the vocabularies
used, and one partition per class and per property. ``GET /void`` answers with the VoID part alone.

Statistics are computed once at start-up by a query worker, from the graph it loaded (the
server's main process loads no data).

>>> from etiograph import KnowledgeGraph
>>> stats = dataset_stats(KnowledgeGraph.load())
>>> stats.triples > 1000, "https://w3id.org/etiograph/ontology#" in stats.vocabularies
(True, True)
>>> triples = service_description(stats, "http://127.0.0.1:7878/", timeout=30, max_rows=10000)
>>> any(str(t.object) == "<http://www.w3.org/ns/sparql-service-description#Service>" for t in triples)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..vocab import DCTERMS, KG, ONTOLOGY_IRI, PREFIXES, RDF, RDFS, VOID, XSD

if TYPE_CHECKING:
    from ..backends import Backend
    from ..graph import KnowledgeGraph

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT_SIMPLE = "http://www.w3.org/ns/entailment/Simple"
#: The result formats the endpoint writes, as W3C format IRIs.
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": DCTERMS, "rdfs": RDFS, "xsd": XSD}
DESCRIPTION_PREFIXES.update({k: v for k, v in PREFIXES.items() if k not in DESCRIPTION_PREFIXES})
_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class DatasetStats:
    """VoID statistics of the default graph."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int
    entities: int
    vocabularies: tuple[str, ...]
    class_partitions: tuple[tuple[str, int], ...]
    property_partitions: tuple[tuple[str, int], ...]
    license: str | None

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict) -> DatasetStats:
        data = dict(data)
        for name in ("vocabularies", "class_partitions", "property_partitions"):
            data[name] = tuple(tuple(x) if isinstance(x, list) else x for x in data[name])
        return cls(**data)


def _rows(source: KnowledgeGraph | Backend, query: str) -> list[tuple]:
    return list(source.query(query).rows)  # the queries name full IRIs: no prefixes needed


def _one(source, query: str) -> int:
    return int(_rows(source, query)[0][0].value)


def namespace(iri: str) -> str:
    """The vocabulary an IRI belongs to: a known prefix's namespace, else up to the last ``#`` or ``/``.

    >>> namespace("http://www.w3.org/2004/02/skos/core#prefLabel")
    'http://www.w3.org/2004/02/skos/core#'
    >>> namespace("http://example.org/voc/term")
    'http://example.org/voc/'
    """
    known = [ns for ns in PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def dataset_stats(source: KnowledgeGraph | Backend) -> DatasetStats:
    """Count, in a graph (or a bare backend) that already holds the data."""
    classes = [
        (c.value, int(n.value))
        for c, n in _rows(
            source, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c ORDER BY ?c"
        )
    ]
    properties = [
        (p.value, int(n.value))
        for p, n in _rows(source, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    ]
    vocabularies = sorted({namespace(p) for p, _ in properties} | {namespace(c) for c, _ in classes})
    licences = [
        row[0].value
        for row in _rows(source, f"SELECT ?l WHERE {{ <{ONTOLOGY_IRI}> <{DCTERMS}license> ?l }} ORDER BY ?l LIMIT 1")
    ]
    return DatasetStats(
        triples=source.triple_count(),
        distinct_subjects=_one(source, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_one(source, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        properties=len(properties),
        classes=len(classes),
        entities=_one(
            source, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{KG}") }}'
        ),
        vocabularies=tuple(vocabularies),
        class_partitions=tuple(classes),
        property_partitions=tuple(properties),
        license=licences[0] if licences else None,
    )


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def void_description(stats: DatasetStats, base: str) -> list[ox.Triple]:
    """The dataset in VoID: ``<base>void#dataset`` with its statistics and partitions."""
    dataset = _n(base + "void#dataset")
    a = _n(RDF + "type")
    out = [
        ox.Triple(dataset, a, _n(VOID + "Dataset")),
        ox.Triple(dataset, _n(DCTERMS + "title"), ox.Literal("etiograph causal knowledge graph", language="en")),
        ox.Triple(
            dataset,
            _n(DCTERMS + "description"),
            ox.Literal(
                "Concepts, sentence-backed causal claims and their evidence from one consumer-health article, "
                "with the etiograph ontology.",
                language="en",
            ),
        ),
        ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(base + "sparql")),
        ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(KG)),
        ox.Triple(dataset, _n(VOID + "triples"), _int(stats.triples)),
        ox.Triple(dataset, _n(VOID + "entities"), _int(stats.entities)),
        ox.Triple(dataset, _n(VOID + "distinctSubjects"), _int(stats.distinct_subjects)),
        ox.Triple(dataset, _n(VOID + "distinctObjects"), _int(stats.distinct_objects)),
        ox.Triple(dataset, _n(VOID + "properties"), _int(stats.properties)),
        ox.Triple(dataset, _n(VOID + "classes"), _int(stats.classes)),
        ox.Triple(dataset, _n(VOID + "feature"), _n(FORMATS + "Turtle")),
    ]
    if stats.license:
        out.append(ox.Triple(dataset, _n(DCTERMS + "license"), _n(stats.license)))
    out += [ox.Triple(dataset, _n(VOID + "vocabulary"), _n(v)) for v in stats.vocabularies]
    for index, (iri, count) in enumerate(stats.class_partitions):
        part = _n(f"{base}void#class-{index}")
        out += [
            ox.Triple(dataset, _n(VOID + "classPartition"), part),
            ox.Triple(part, _n(VOID + "class"), _n(iri)),
            ox.Triple(part, _n(VOID + "entities"), _int(count)),
        ]
    for index, (iri, count) in enumerate(stats.property_partitions):
        part = _n(f"{base}void#property-{index}")
        out += [
            ox.Triple(dataset, _n(VOID + "propertyPartition"), part),
            ox.Triple(part, _n(VOID + "property"), _n(iri)),
            ox.Triple(part, _n(VOID + "triples"), _int(count)),
        ]
    return out


def service_description(stats: DatasetStats, base: str, *, timeout: float, max_rows: int) -> list[ox.Triple]:
    """The ``sd:Service`` at ``<base>sparql`` with its default dataset (and the VoID of it)."""
    endpoint = _n(base + "sparql")
    service = _n(base + "sparql#service")
    dataset = _n(base + "void#dataset")
    graph = _n(base + "void#default-graph")
    a = _n(RDF + "type")
    out = [
        ox.Triple(service, a, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), endpoint),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "defaultEntailmentRegime"), _n(ENTAILMENT_SIMPLE)),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(service, _n(DCTERMS + "title"), ox.Literal("etiograph SPARQL endpoint", language="en")),
        ox.Triple(
            service,
            _n(RDFS + "comment"),
            ox.Literal(
                f"Read-only. SPARQL Update, SERVICE and FROM/FROM NAMED are refused. A query stops after "
                f"{timeout:g} s; answers hold at most {max_rows} rows (header Etiograph-Truncated says when cut).",
                language="en",
            ),
        ),
        ox.Triple(dataset, a, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), graph),
        ox.Triple(graph, a, _n(SD + "Graph")),
        ox.Triple(graph, _n(VOID + "triples"), _int(stats.triples)),
    ]
    out += [ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + name)) for name in RESULT_FORMATS]
    return out + void_description(stats, base)


def serialise(triples: list[ox.Triple], fmt: str) -> bytes:
    """Turtle, N-Triples, JSON-LD or RDF/XML."""
    if fmt == "nt":
        return ox.serialize(triples, format=_FORMATS[fmt])
    iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
    used = {p: ns for p, ns in DESCRIPTION_PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    return ox.serialize(triples, format=_FORMATS[fmt], prefixes=used)
