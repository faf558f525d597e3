"""KGX: the graph as Biolink Model nodes and edges, in JSON Lines or TSV, for Translator-style tools.

KGX (https://biolink.github.io/kgx/kgx_format.html) is what ROBOKOP, RTX-KG2, Monarch and the
NCATS Translator load: one Biolink ``NamedThing`` per node line, one Biolink ``Association`` per
edge line. Here every claim is one edge, so the sentence behind it travels with it.

Choices, each checked against the Biolink Model 4.4.6 release by ``tests/test_export_kgx.py``:

* **Node ids** are CURIEs with a prefix Biolink knows (MONDO, HP, MESH, CHEBI ...) when the concept
  has an exact mapping (``skos:exactMatch``) whose prefix Biolink accepts for the node's category,
  in the order of that category's ``id_prefixes``; a mapping shared by two concepts is used by
  neither. Otherwise the project prefix ``ETIOGRAPH:`` (declared, with the others, in
  ``prefixes.json``). The etiograph IRI is always among the ``xref``\\ s.
* **Categories** come from the ontology's Biolink alignment of the concept's class
  (``skos:closeMatch``/``exactMatch``), inherited along ``rdfs:subClassOf``; :data:`CATEGORY_REFINEMENTS`
  narrows two classes the ontology maps broadly or not at all.
* **Predicates** follow :data:`PREDICATES` (see the table in the README); the etiograph predicate
  stays in ``original_predicate``.
* ``knowledge_level`` and ``agent_type`` come from the claim (``knowledge_assertion``,
  ``manual_agent`` for the curated article); a claim that does not say gets ``not_provided``, as the
  Translator KL/AT standard asks, rather than a guess.
* Certainty, mechanism, section and quote positions are non-Biolink properties under the declared
  ``etio:`` prefix, which the KGX specification allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..atomic import write_bytes_atomic
from ..vocab import BIOLINK, CLAIM, ETIO, KG, MESH, OBO, SOURCE, WD
from .propertygraph import PropertyGraph

#: Biolink Model release the tables below were checked against (tests read the same release).
BIOLINK_VERSION = "4.4.6"

#: Prefixes this export declares for terms Biolink has no prefix for (written to ``prefixes.json``).
PROJECT_PREFIXES: dict[str, str] = {
    "ETIOGRAPH": KG,
    "ETIOGRAPH.CLAIM": CLAIM,
    "ETIOGRAPH.SOURCE": SOURCE,
    "etio": ETIO,
}

#: External namespaces → the Biolink prefix for them (expansions as in Biolink's prefix map).
EXTERNAL_PREFIXES: dict[str, str] = {
    "MONDO": OBO + "MONDO_",
    "HP": OBO + "HP_",
    "DOID": OBO + "DOID_",
    "CHEBI": OBO + "CHEBI_",
    "UBERON": OBO + "UBERON_",
    "GO": OBO + "GO_",
    "NCIT": OBO + "NCIT_",
    "FOODON": OBO + "FOODON_",
    "RO": OBO + "RO_",
    "MESH": MESH,
    "WIKIDATA": WD,
    "biolink": BIOLINK,
}

#: Identifier prefixes to try for a node id, by category: Biolink's ``id_prefixes`` order for the
#: class, restricted to the prefixes above. Categories without ``id_prefixes`` in Biolink use DEFAULT.
ID_PREFIXES: dict[str, tuple[str, ...]] = {
    "biolink:Disease": ("MONDO", "DOID", "MESH", "HP"),
    "biolink:PhenotypicFeature": ("HP", "MESH"),
    "biolink:DiseaseOrPhenotypicFeature": ("MONDO", "HP", "DOID", "MESH"),
    "biolink:ChemicalEntity": ("CHEBI", "MESH"),
    "biolink:Drug": ("CHEBI", "MESH"),
    "biolink:Food": ("FOODON", "CHEBI", "MESH"),
    "biolink:AnatomicalEntity": ("UBERON", "GO", "MESH", "NCIT"),
    "biolink:PhysiologicalProcess": ("GO",),
}
DEFAULT_ID_PREFIXES: tuple[str, ...] = ()

#: Classes whose Biolink category the exporter narrows (the ontology maps Infection only through its
#: parent Condition, to DiseaseOrPhenotypicFeature; PhysiologicalState not at all).
CATEGORY_REFINEMENTS: dict[str, str] = {
    ETIO + "Infection": "biolink:Disease",
    ETIO + "PhysiologicalState": "biolink:PhenotypicFeature",
}

#: etiograph predicate → Biolink predicate: the closest honest one (why, in the README's table).
PREDICATES: dict[str, str] = {
    ETIO + "causes": "biolink:causes",
    ETIO + "contributesTo": "biolink:contributes_to",
    ETIO + "increasesRiskOf": "biolink:predisposes_to_condition",
    ETIO + "exacerbates": "biolink:exacerbates_condition",
    ETIO + "progressesTo": "biolink:develops_from",  # inverted: Biolink's canonical direction
    ETIO + "hasAdverseEffect": "biolink:has_side_effect",
    ETIO + "promptsUseOf": "biolink:related_to_at_instance_level",
    ETIO
    + "treats": "biolink:ameliorates_condition",  # biolink:treats is a mixin in 4.4.6 and asks for approval-level evidence
    ETIO + "prevents": "biolink:preventative_for_condition",
    ETIO + "reducesRiskOf": "biolink:preventative_for_condition",
    ETIO + "alleviates": "biolink:ameliorates_condition",
    ETIO + "replenishes": "biolink:ameliorates_condition",
    ETIO + "hasSymptom": "biolink:has_phenotype",
    ETIO + "locatedIn": "biolink:located_in",
    ETIO + "isSourceOf": "biolink:has_nutrient",
    ETIO + "transmittedVia": "biolink:related_to_at_instance_level",
    ETIO + "causesOrContributesTo": "biolink:contributes_to",
    ETIO + "counteracts": "biolink:affects",
    ETIO + "causallyRelatedTo": "biolink:related_to_at_instance_level",
}
#: Predicates written with subject and object swapped (Biolink's canonical direction is the inverse).
INVERTED = {ETIO + "progressesTo"}
FALLBACK_PREDICATE = "biolink:related_to"

#: The Translator KL/AT value for a claim that does not say (allowed by Biolink's enumerations).
NOT_PROVIDED = "not_provided"

NODE_CORE = ("id", "category", "name")
EDGE_CORE = ("id", "subject", "predicate", "object", "category")


def curie(iri: str) -> str:
    """The CURIE for ``iri`` under Biolink's prefixes or the declared project ones, else the IRI.

    >>> curie("http://purl.obolibrary.org/obo/MONDO_0005015"), curie("https://w3id.org/etiograph/kg/claim/x")
    ('MONDO:0005015', 'ETIOGRAPH.CLAIM:x')
    """
    best = None
    for prefix, ns in {**EXTERNAL_PREFIXES, **PROJECT_PREFIXES}.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


class KgxGraph:
    """Node and edge records of a :class:`PropertyGraph`, as Biolink Model objects."""

    def __init__(self, pg: PropertyGraph):
        self.pg = pg
        self.ids = {iri: self.node_id(iri) for iri in pg.nodes}

    # -- categories and ids ---------------------------------------------------------------------------
    def category(self, kind: str | None) -> str:
        """The Biolink category for an etiograph class: a refinement, else the ontology's mapping of the
        class or its nearest ancestor, else ``biolink:NamedThing``."""
        if kind is None:
            return "biolink:NamedThing"
        for ancestor in self.pg.ancestors(kind):
            if ancestor in CATEGORY_REFINEMENTS:
                return CATEGORY_REFINEMENTS[ancestor]
            mapped = self.pg.term(ancestor).biolink
            if mapped:
                return curie(mapped[0])
        return "biolink:NamedThing"

    def node_id(self, iri: str) -> str:
        node = self.pg.nodes[iri]
        allowed = ID_PREFIXES.get(self.category(node.kind), DEFAULT_ID_PREFIXES)
        candidates = {}
        for match in node.exact_matches:
            if self.pg.exact_owners.get(match, (iri,)) != (iri,):
                continue  # shared by two concepts: an id must name one node
            prefix, sep, _ = curie(match).partition(":")
            if sep and prefix in allowed:
                candidates.setdefault(prefix, []).append(curie(match))
        for prefix in allowed:
            if prefix in candidates:
                return sorted(candidates[prefix])[0]
        return curie(iri)

    def predicate(self, iri: str) -> str:
        for ancestor in self.pg.ancestors(iri):
            if ancestor in PREDICATES:
                return PREDICATES[ancestor]
        return FALLBACK_PREDICATE

    def inverted(self, iri: str) -> bool:
        return next((a in INVERTED for a in self.pg.ancestors(iri) if a in PREDICATES), False)

    # -- records --------------------------------------------------------------------------------------
    def nodes(self) -> Iterable[dict[str, Any]]:
        for iri in sorted(self.pg.nodes, key=lambda i: self.ids[i]):
            node = self.pg.nodes[iri]
            own = curie(iri)
            xrefs = [curie(m) for m in node.exact_matches]
            if own != self.ids[iri]:
                xrefs.append(own)
            record: dict[str, Any] = {
                "id": self.ids[iri],
                "category": [self.category(node.kind)],
                "name": node.label,
                "description": node.definition,
                "synonym": list(node.alt_labels),
                "xref": sorted(set(xrefs) - {self.ids[iri]}),
                "etio:close_match": sorted(curie(m) for m in node.close_matches),
                "etio:kind": curie(node.kind) if node.kind else None,
                "etio:mechanism": list(node.mechanisms),
            }
            yield _compact(record)

    def edges(self) -> Iterable[dict[str, Any]]:
        for claim in self.pg.claims:
            subject, obj = self.ids[claim.subject], self.ids[claim.object]
            if self.inverted(claim.predicate):
                subject, obj = obj, subject
            texts = claim.texts
            positions = claim.quotes if len(claim.quotes) == len(texts) else ()
            record: dict[str, Any] = {
                "id": curie(claim.iri),
                "subject": subject,
                "predicate": self.predicate(claim.predicate),
                "object": obj,
                "category": ["biolink:Association"],
                "original_predicate": curie(claim.predicate),
                "knowledge_level": claim.knowledge_level or NOT_PROVIDED,
                "agent_type": claim.agent_type or NOT_PROVIDED,
                "primary_knowledge_source": curie(claim.primary_knowledge_source)
                if claim.primary_knowledge_source
                else None,
                "supporting_text": list(texts),
                "etio:claim_kind": claim.kind,
                "etio:certainty": claim.certainty,
                "etio:certainty_rank": claim.rank if claim.certainty else None,
                "etio:mechanism": list(claim.mechanisms),
                "etio:indirect": claim.indirect,
                "etio:in_section": curie(claim.section) if claim.section else None,
                "etio:section_title": claim.section_label,
                "etio:quote_start": [q.start for q in positions]
                if positions and all(q.start is not None for q in positions)
                else None,
                "etio:quote_end": [q.end for q in positions]
                if positions and all(q.end is not None for q in positions)
                else None,
                "etio:inverse_of_original": True if self.inverted(claim.predicate) else None,
                "etio:comment": claim.comment,
            }
            yield _compact(record)


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty values: KGX readers treat a missing property and an empty one alike."""
    return {k: v for k, v in record.items() if v not in (None, [], "")}


# -- writers --------------------------------------------------------------------------------------------
def write(pg: PropertyGraph, directory: str | Path, flavour: str = "jsonl") -> list[Path]:
    """Write ``nodes.jsonl``/``edges.jsonl`` (``flavour="jsonl"``) or ``nodes.tsv``/``edges.tsv``
    (``"tsv"``) and ``prefixes.json`` into ``directory``; returns the files written."""
    graph = KgxGraph(pg)
    folder = Path(directory)
    nodes, edges = list(graph.nodes()), list(graph.edges())
    if flavour == "jsonl":
        files = {"nodes.jsonl": jsonl(nodes), "edges.jsonl": jsonl(edges)}
    elif flavour == "tsv":
        files = {"nodes.tsv": tsv(nodes, NODE_CORE), "edges.tsv": tsv(edges, EDGE_CORE)}
    else:
        raise ValueError(f"unknown KGX flavour {flavour!r}: jsonl or tsv")
    files["prefixes.json"] = (json.dumps(PROJECT_PREFIXES, indent=2) + "\n").encode("utf-8")
    written = []
    for name, data in files.items():
        write_bytes_atomic(folder / name, data)
        written.append(folder / name)
    return written


def jsonl(records: Iterable[dict[str, Any]]) -> bytes:
    """One JSON object per line, keys in a fixed order, UTF-8."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode("utf-8")


def tsv(records: list[dict[str, Any]], core: tuple[str, ...]) -> bytes:
    """KGX TSV: core columns first, then the rest sorted; lists joined with ``|``.

    TSV has no escaping, so tabs and line breaks inside values become spaces, and a ``|`` inside a
    list item becomes ``¦`` (KGX would read it as a separator).

    >>> tsv([{"id": "X:1", "name": "a\\tb", "synonym": ["c|d", "e"]}], ("id", "name")).decode().splitlines()
    ['id\\tname\\tsynonym', 'X:1\\ta b\\tc¦d|e']
    """
    columns = list(core) + sorted({k for r in records for k in r} - set(core))
    lines = ["\t".join(columns)]
    for record in records:
        lines.append("\t".join(_cell(record.get(c)) for c in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(_clean(str(v)).replace("|", "¦") for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return _clean(str(value))


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
