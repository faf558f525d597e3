"""One-off migration (kept for the record): the hand-written graph/*.ttl of release 0.1 -> claim sheets.

Reads graph/claims.ttl, graph/concepts.ttl and graph/source.ttl as they stood before `etiograph build`
existed and writes graph/concepts.tsv, graph/graph.yaml and graph/sources/<id>/{source.yaml,claims.tsv,
offsets.tsv}, plus the tables as hand-kept Turtle. Order follows the Turtle files, so the sheets read
like the old files did. Run from the project root: `python tools/migrate_turtle_to_sheets.py OLD_GRAPH_DIR`.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import rdflib
import yaml
from rdflib import RDF, RDFS, SKOS, Namespace

from etiograph.curation.sheets import CLAIM_COLUMNS, CONCEPT_COLUMNS, write_tsv

ETIO = Namespace("https://w3id.org/etiograph/ontology#")
KG = "https://w3id.org/etiograph/kg/"
CLAIM = KG + "claim/"
SRC = KG + "source/"
OA = Namespace("http://www.w3.org/ns/oa#")
DCT = Namespace("http://purl.org/dc/terms/")
SHORT = {
    "http://id.nlm.nih.gov/mesh/": "mesh:",
    "http://www.wikidata.org/entity/": "wd:",
}


def curie(iri: str) -> str:
    if iri.startswith("http://purl.obolibrary.org/obo/"):
        local = iri.rsplit("/", 1)[1]
        prefix, _, number = local.partition("_")
        return f"{prefix}:{number}"
    for base, prefix in SHORT.items():
        if iri.startswith(base):
            return prefix + iri[len(base) :]
    raise ValueError(iri)


def kebab(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def main(old: Path, out: Path) -> None:
    g = rdflib.Graph()
    for name in ("claims.ttl", "concepts.ttl", "source.ttl"):
        g.parse(old / name)
    concept_text = (old / "concepts.ttl").read_text()
    claim_text = (old / "claims.ttl").read_text()

    # concepts, in file order
    rows = []
    for match in re.finditer(r"^kg:(\S+) a etio:(\w+), skos:Concept", concept_text, re.M):
        cid, kind = match.groups()
        node = rdflib.URIRef(KG + cid)
        alts = re.search(r"^kg:" + re.escape(cid) + r" a .*?(?=^\S|\Z)", concept_text, re.M | re.S).group(0)
        alt_order = re.findall(r'"([^"]*)"@en', alts.split("skos:altLabel", 1)[1].split(";", 1)[0]) if "skos:altLabel" in alts else []
        assert set(alt_order) == {str(a) for a in g.objects(node, SKOS.altLabel)}, cid
        rows.append(
            {
                "id": cid,
                "prefLabel": str(g.value(node, SKOS.prefLabel)),
                "altLabels": "|".join(alt_order),
                "kind": kind,
                "definition": str(g.value(node, SKOS.definition)),
                "exactMatch": "|".join(curie(str(o)) for o in sorted(g.objects(node, SKOS.exactMatch), key=str)),
                "closeMatch": "|".join(curie(str(o)) for o in sorted(g.objects(node, SKOS.closeMatch), key=str)),
                "broader": "|".join(str(o)[len(KG) :] for o in sorted(g.objects(node, SKOS.broader), key=str)),
            }
        )
    write_tsv(out / "concepts.tsv", CONCEPT_COLUMNS, rows)

    # the source, its sections
    source_id = "can-a-uti-cause-leg-cramps"
    doc = rdflib.URIRef(SRC + source_id)
    sections = sorted(g.objects(doc, DCT.hasPart), key=lambda s: int(g.value(s, ETIO.sectionOrder)))
    folder = out / "sources" / source_id
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "title": str(g.value(doc, DCT.title)),
        "kind": "Text",
        "format": str(g.value(doc, DCT.format)),
        "language": str(g.value(doc, DCT.language)),
        "description": str(g.value(doc, RDFS.comment)),
        "url": None,
        "licence": None,
        "retrieved": "unknown",
        "retrieval_note": str(g.value(doc, ETIO.retrievalNote)),
        "text": "../../../../shared/source/can-a-uti-cause-leg-cramps.txt",
        "claim_id_prefix": "",
        "sections": [
            {"key": str(s)[len(SRC + source_id) + 2 :], "title": str(g.value(s, DCT.title))} for s in sections
        ],
    }
    (folder / "source.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=110))

    # claims, in file order; one row per quote
    rows = []
    offsets = {}
    for match in re.finditer(r"^claim:(\S+) a etio:\w+ ;\n(.*?)(?=\n\n|\Z)", claim_text, re.M | re.S):
        cid, body = match.groups()
        node = rdflib.URIRef(CLAIM + cid)
        s = str(g.value(node, RDF.subject))[len(KG) :]
        p = str(g.value(node, RDF.predicate)).split("#")[1]
        o = str(g.value(node, RDF.object))[len(KG) :]
        default = f"{s}--{kebab(p)}--{o}"
        quotes = re.findall(r'oa:exact ("(?:[^"\\]|\\.)*")', body)
        positions = re.findall(r"oa:start (\d+) ; oa:end (\d+)", body)
        assert len(quotes) == len(positions), cid
        comment = g.value(node, RDFS.comment)
        indirect = g.value(node, ETIO.indirect)
        risk = g.value(node, ETIO.riskLevel)
        for i, (quote, (start, end)) in enumerate(zip(quotes, positions)):
            text = str(rdflib.Literal(eval(quote)))  # noqa: S307 - Turtle short strings are Python strings here
            offsets.setdefault(text, (int(start), int(end)))
            rows.append(
                {
                    "subject": s,
                    "predicate": p,
                    "object": o,
                    "certainty": str(g.value(node, ETIO.certainty)).rsplit("/", 1)[1],
                    "mechanism": "|".join(
                        str(m).rsplit("/", 1)[1] for m in sorted(g.objects(node, ETIO.mechanism), key=str)
                    ),
                    "section": str(g.value(node, ETIO.inSection))[len(SRC + source_id) + 2 :] if i == 0 else "",
                    "indirect": ("true" if indirect.toPython() else "false") if indirect is not None and i == 0 else "",
                    "quote": text,
                    "note": str(comment) if comment is not None and i == 0 else "",
                    "risk": str(risk).rsplit("/", 1)[1] if risk is not None and i == 0 else "",
                    "occurrence": "",
                    "id": "" if cid == default else cid,
                }
            )
    write_tsv(folder / "claims.tsv", CLAIM_COLUMNS, rows)
    shutil.copyfile(old / "tables.ttl", folder / "tables.ttl")
    print(f"{len(rows)} claim rows, {len(offsets)} quotes, concepts -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "graph"))
