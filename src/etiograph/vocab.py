"""Namespaces and the terms the code relies on, written once.

Plain strings, so importing them costs nothing (no rdflib, no pyoxigraph).
"""

from __future__ import annotations

__all__ = [
    "BIOLINK",
    "CAUSALLY_RELATED_TO",
    "CAUSES_OR_CONTRIBUTES_TO",
    "CERT",
    "CLAIM",
    "COUNTERACTS",
    "DCTERMS",
    "ETIO",
    "KG",
    "MECH",
    "MESH",
    "NP",
    "OA",
    "OBO",
    "ONTOLOGY_IRI",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "RISK",
    "SH",
    "SKOS",
    "SOURCE",
    "SPARQL_PROLOGUE",
    "VOID",
    "WD",
    "XSD",
    "expand_curie",
    "predicate_label",
    "shorten",
]

ETIO = "https://w3id.org/etiograph/ontology#"
MECH = "https://w3id.org/etiograph/ontology/mechanism/"
CERT = "https://w3id.org/etiograph/ontology/certainty/"
RISK = "https://w3id.org/etiograph/ontology/risk/"
KG = "https://w3id.org/etiograph/kg/"
CLAIM = "https://w3id.org/etiograph/kg/claim/"
SOURCE = "https://w3id.org/etiograph/kg/source/"
ONTOLOGY_IRI = "https://w3id.org/etiograph/ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
BIOLINK = "https://w3id.org/biolink/vocab/"
OBO = "http://purl.obolibrary.org/obo/"
MESH = "http://id.nlm.nih.gov/mesh/"
WD = "http://www.wikidata.org/entity/"
VOID = "http://rdfs.org/ns/void#"
SH = "http://www.w3.org/ns/shacl#"
NP = "http://www.nanopub.org/nschema#"

#: Prefixes users may type in CURIEs and that exports declare. Order is the output order.
PREFIXES: dict[str, str] = {
    "etio": ETIO,
    "mech": MECH,
    "cert": CERT,
    "risk": RISK,
    "kg": KG,
    "claim": CLAIM,
    "source": SOURCE,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "biolink": BIOLINK,
    "obo": OBO,
    "mesh": MESH,
    "wd": WD,
    "void": VOID,
    "np": NP,
}

#: OBO CURIEs (HP:0001945, MONDO:0005015) expand to obo:HP_0001945.
OBO_PREFIXES = ("HP", "MONDO", "DOID", "CHEBI", "RO", "BFO", "UBERON")

CAUSES_OR_CONTRIBUTES_TO = ETIO + "causesOrContributesTo"
COUNTERACTS = ETIO + "counteracts"
CAUSALLY_RELATED_TO = ETIO + "causallyRelatedTo"
PREF_LABEL = SKOS + "prefLabel"
ALT_LABEL = SKOS + "altLabel"

#: The SPARQL prologue the named queries and the code share.
SPARQL_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def expand_curie(text: str) -> str | None:
    """Expand ``mesh:D014552``, ``HP:0001945`` or ``kg:fever`` to a full IRI; None if it is not a CURIE.

    >>> expand_curie("mesh:D014552")
    'http://id.nlm.nih.gov/mesh/D014552'
    >>> expand_curie("HP:0001945")
    'http://purl.obolibrary.org/obo/HP_0001945'
    >>> expand_curie("leg cramps") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if not sep or not local or " " in text or local.startswith("//"):
        return None
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if prefix.upper() in OBO_PREFIXES and prefix.isupper():
        return f"{OBO}{prefix}_{local}"
    return None


def shorten(iri: str) -> str:
    """The shortest CURIE for an IRI under the known prefixes, or the IRI itself.

    >>> shorten("https://w3id.org/etiograph/kg/fever")
    'kg:fever'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            local = iri[len(ns) :]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def predicate_label(iri: str) -> str:
    """A relation as words, from its IRI's local name: what the CLI prints between two concepts.

    >>> predicate_label("https://w3id.org/etiograph/ontology#increasesRiskOf")
    'increases risk of'
    >>> predicate_label("http://www.w3.org/2004/02/skos/core#prefLabel")
    'pref label'
    """
    local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "".join(" " + c.lower() if c.isupper() else c for c in local).strip().replace("_", " ")
