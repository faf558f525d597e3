"""KGX export: Biolink JSON Schema validation, the checks the schema cannot express, and round trips.

The schema is the Biolink Model 4.4.6 JSON Schema (tests/data/biolink/, from the same release's
sdist); the model's YAML, prefix map and enumerations come from the installed ``biolink-model``
package (the ``test`` extra). Nothing here touches the network or the ``kgx`` package.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import lzma
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etiograph.export import kgx
from etiograph.vocab import SPARQL_PROLOGUE

pytest.importorskip("jsonschema")
biolink_model = pytest.importorskip("biolink_model")
yaml = pytest.importorskip("yaml")

import importlib.resources  # noqa: E402

import jsonschema  # noqa: E402

#: Whole KGX exports validated against the Biolink schema: ~6 s of CPU.
pytestmark = pytest.mark.slow

SCHEMA_FILE = Path(__file__).parent / "data" / "biolink" / "biolink_model-4.4.6.schema.json.xz"


# -- the Biolink release ----------------------------------------------------------------------------
class Biolink:
    """The Biolink Model release the export claims to follow, read from the installed package."""

    def __init__(self) -> None:
        base = importlib.resources.files("biolink_model")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 1 s instead of 15 s
        self.model = yaml.load((base / "schema" / "biolink_model.yaml").read_text(), Loader=loader)
        self.prefixes: dict[str, str] = json.loads((base / "prefixmaps" / "biolink-model-prefix-map.json").read_text())
        self.classes: dict[str, dict] = self.model["classes"]
        self.slots: dict[str, dict] = self.model["slots"]
        self.enums: dict[str, dict] = self.model["enums"]
        self.schema = json.loads(lzma.decompress(SCHEMA_FILE.read_bytes()))

    @staticmethod
    def class_name(curie: str) -> str:
        """``biolink:PhenotypicFeature`` → ``phenotypic feature`` (the YAML's key)."""
        local = curie.removeprefix("biolink:")
        out = ""
        for i, ch in enumerate(local):
            out += (" " if i and ch.isupper() and not local[i - 1].isupper() else "") + ch.lower()
        return out

    def class_ancestors(self, name: str) -> list[str]:
        out = []
        while name:
            out.append(name)
            name = self.classes[name].get("is_a")
        return out

    def slot_ancestors(self, name: str) -> list[str]:
        out = []
        while name:
            out.append(name)
            name = self.slots[name].get("is_a")
        return out

    def permissible(self, enum: str) -> set[str]:
        return set(self.enums[enum]["permissible_values"])


@pytest.fixture(scope="module")
def biolink() -> Biolink:
    return Biolink()


def repaired(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its type-designator bug fixed, and nothing else changed.

    LinkML's JSON Schema generator writes a multivalued type designator (Biolink's ``category``) as
    ``{"type": "array", "enum": ["biolink:Disease"]}``, which no value satisfies (an array is never
    equal to that string): linkml/linkml#1681. The intended meaning is "the list names this class",
    so the ``enum`` moves into ``contains``.
    """
    fixed = copy.deepcopy(schema)
    for definition in fixed["$defs"].values():
        category = definition.get("properties", {}).get("category")
        if category and "enum" in category and "array" in (category.get("type") or []):
            category["contains"] = {"enum": category.pop("enum")}
    return fixed


@pytest.fixture(scope="module")
def validators(biolink: Biolink):
    """A validator per Biolink class, against the repaired schema (draft 2019-09, as it declares)."""
    schema = repaired(biolink.schema)
    cls = jsonschema.validators.validator_for(schema)  # (check_schema on 5 MB takes 45 s: the file is published)
    cache: dict[str, Any] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = cls({"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})
        return cache[name]

    return get


def biolink_part(record: dict[str, Any], declared: dict[str, str]) -> dict[str, Any]:
    """The record without its non-Biolink properties (allowed by the KGX specification, and by the
    schema's ``additionalProperties: false`` not), which must each use a declared prefix."""
    out = {}
    for key, value in record.items():
        prefix, sep, _ = key.partition(":")
        if sep:
            assert prefix in declared, f"non-Biolink property {key!r} has an undeclared prefix"
        else:
            out[key] = value
    return out


# -- the export -----------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from etiograph.cli import main

    folder = tmp_path_factory.mktemp("kgx") / "out"
    assert main(["export", "--format", "kgx", "-o", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def nodes(exported: Path) -> list[dict[str, Any]]:
    return read_jsonl(exported / "nodes.jsonl")


@pytest.fixture(scope="module")
def edges(exported: Path) -> list[dict[str, Any]]:
    return read_jsonl(exported / "edges.jsonl")


@pytest.fixture(scope="module")
def declared(exported: Path) -> dict[str, str]:
    return json.loads((exported / "prefixes.json").read_text())


def test_vendored_schema_is_the_installed_release(biolink: Biolink) -> None:
    assert biolink.schema["version"] == biolink.model["version"] == kgx.BIOLINK_VERSION
    schema_classes = set(biolink.schema["$defs"])
    yaml_classes = {"".join(w[:1].upper() + w[1:] for w in name.split(" ")) for name in biolink.classes}
    assert {"NamedThing", "Association", "Disease", "PhenotypicFeature"} <= schema_classes
    assert len(yaml_classes & schema_classes) > 0.9 * len(yaml_classes)


def test_repaired_schema_still_rejects_what_biolink_forbids(validators) -> None:
    node = validators("Disease")
    assert not list(node.iter_errors({"id": "MONDO:0005015", "category": ["biolink:Disease"]}))
    assert list(node.iter_errors({"id": "MONDO:0005015", "category": ["biolink:Gene"]}))
    assert list(node.iter_errors({"id": "MONDO:0005015", "category": ["biolink:Disease"], "colour": "red"}))
    edge = validators("Association")
    good = {
        "id": "x",
        "subject": "MONDO:1",
        "predicate": "biolink:causes",
        "object": "HP:1",
        "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent",
    }
    assert not list(edge.iter_errors(good))
    assert list(edge.iter_errors({k: v for k, v in good.items() if k != "knowledge_level"}))
    assert list(edge.iter_errors({**good, "agent_type": "a curator"}))


def test_nodes_validate_against_their_category(nodes, validators, declared) -> None:
    for node in nodes:
        (category,) = node["category"]
        errors = [
            e.message for e in validators(category.removeprefix("biolink:")).iter_errors(biolink_part(node, declared))
        ]
        assert not errors, (node["id"], errors)


def test_edges_validate_as_associations(edges, validators, declared) -> None:
    for edge in edges:
        errors = [e.message for e in validators("Association").iter_errors(biolink_part(edge, declared))]
        assert not errors, (edge["id"], errors)


def test_categories_and_predicates_exist_in_the_release(nodes, edges, biolink: Biolink) -> None:
    for node in nodes:
        for category in node["category"]:
            name = biolink.class_name(category)
            assert name in biolink.classes, category
            assert not biolink.classes[name].get("mixin") and not biolink.classes[name].get("abstract"), category
            assert "named thing" in biolink.class_ancestors(name), category
    for edge in edges:
        for category in edge["category"]:
            assert "association" in biolink.class_ancestors(biolink.class_name(category))
        slot = edge["predicate"].removeprefix("biolink:").replace("_", " ")
        assert slot in biolink.slots, edge["predicate"]
        definition = biolink.slots[slot]
        assert "related to" in biolink.slot_ancestors(slot), edge["predicate"]
        assert not definition.get("deprecated") and not definition.get("mixin"), edge["predicate"]
        assert "canonical_predicate" in (definition.get("annotations") or {}), f"{slot} is not canonical"


def test_every_mapped_predicate_and_category_exists(biolink: Biolink) -> None:
    """The exporter's tables, not only what the article happens to use."""
    for predicate in {*kgx.PREDICATES.values(), kgx.FALLBACK_PREDICATE}:
        assert predicate.removeprefix("biolink:").replace("_", " ") in biolink.slots, predicate
    for category in {*kgx.CATEGORY_REFINEMENTS.values(), *kgx.ID_PREFIXES}:
        assert biolink.class_name(category) in biolink.classes, category


def test_id_prefix_order_follows_biolink(biolink: Biolink) -> None:
    for category, prefixes in kgx.ID_PREFIXES.items():
        allowed = biolink.classes[biolink.class_name(category)].get("id_prefixes")
        if allowed:
            assert set(prefixes) <= set(allowed), category
            assert sorted(prefixes, key=allowed.index) == list(prefixes), category


def test_knowledge_level_and_agent_type_are_permitted(edges, biolink: Biolink) -> None:
    levels, agents = biolink.permissible("KnowledgeLevelEnum"), biolink.permissible("AgentTypeEnum")
    for edge in edges:
        assert edge["knowledge_level"] in levels and edge["agent_type"] in agents
    # the curated article says what it is: a person asserting knowledge, never "not provided"
    assert {e["knowledge_level"] for e in edges} == {"knowledge_assertion"}
    assert {e["agent_type"] for e in edges} == {"manual_agent"}


def curies(nodes, edges) -> list[str]:
    found = []
    for node in nodes:
        found += [node["id"], *node.get("xref", []), *node.get("etio:close_match", []), *node["category"]]
    for edge in edges:
        found += [edge["id"], edge["subject"], edge["object"], edge["predicate"], edge["original_predicate"]]
        found += [edge[k] for k in ("primary_knowledge_source", "etio:in_section") if k in edge]
    return found


def test_curie_prefixes_are_known(nodes, edges, biolink: Biolink, declared) -> None:
    for value in curies(nodes, edges):
        prefix, sep, local = value.partition(":")
        assert sep and local and not local.startswith("//"), f"{value!r} is not a CURIE"
        assert prefix in biolink.prefixes or prefix in declared, f"{value!r}: prefix unknown to Biolink, undeclared"
    assert not set(declared) & set(biolink.prefixes), "a project prefix must not shadow a Biolink one"


def expand(curie: str, biolink: Biolink, declared: dict[str, str]) -> str:
    prefix, _, local = curie.partition(":")
    return {**biolink.prefixes, **declared}[prefix] + local


def same_iri(a: str, b: str) -> bool:
    # Biolink expands WIKIDATA: to https://, the data (like Wikidata's own concept URIs) uses http://
    return a.replace("https://www.wikidata.org/", "http://www.wikidata.org/") == b.replace(
        "https://www.wikidata.org/", "http://www.wikidata.org/"
    )


def test_external_ids_are_exact_mappings_of_their_concept(nodes, kg, biolink: Biolink, declared) -> None:
    rows = kg.query("SELECT ?c ?m WHERE { ?c skos:exactMatch ?m }")
    exact: dict[str, set[str]] = {}
    for c, m in rows:
        exact.setdefault(c.value, set()).add(m.value)
    external = 0
    for node in nodes:
        own = [x for x in [node["id"], *node.get("xref", [])] if x.startswith("ETIOGRAPH:")]
        assert len(own) == 1, node["id"]
        concept = expand(own[0], biolink, declared)
        for xref in [*node.get("xref", []), node["id"]]:
            if not xref.startswith("ETIOGRAPH:"):
                assert any(same_iri(expand(xref, biolink, declared), m) for m in exact.get(concept, ())), xref
        if not node["id"].startswith("ETIOGRAPH:"):
            external += 1
            allowed = biolink.classes[biolink.class_name(node["category"][0])].get("id_prefixes") or []
            assert not allowed or node["id"].split(":")[0] in allowed, node["id"]
    assert external >= 20  # most concepts have an exact MeSH/MONDO/HP identifier


def test_counts_round_trip(nodes, edges, kg) -> None:
    claims = kg.query(
        "SELECT DISTINCT ?claim WHERE { ?claim a/rdfs:subClassOf* etio:Claim ; rdf:subject ?s ; rdf:predicate ?p ; "
        "rdf:object ?o }"
    )
    used = kg.query(
        "SELECT DISTINCT ?c WHERE { ?claim a/rdfs:subClassOf* etio:Claim . "
        "{ ?claim rdf:subject ?c } UNION { ?claim rdf:object ?c } }"
    )
    assert len(edges) == len(claims) == len({e["id"] for e in edges})
    assert len(nodes) == len(used) == len({n["id"] for n in nodes})
    ids = {n["id"] for n in nodes}
    assert all(e["subject"] in ids and e["object"] in ids for e in edges)
    exported_claims = {e["id"].removeprefix("ETIOGRAPH.CLAIM:") for e in edges}
    assert {c.value.rsplit("/", 1)[-1] for (c,) in claims} == exported_claims


def test_quotes_and_positions_come_with_each_edge(edges, article_text: str) -> None:
    for edge in edges:
        texts = edge["supporting_text"]
        assert texts and len(texts) == len(edge["etio:quote_start"]) == len(edge["etio:quote_end"])
        for text, start, end in zip(texts, edge["etio:quote_start"], edge["etio:quote_end"]):
            assert end - start == len(text)
            assert article_text[start:end] == text


def test_predicate_mapping_examples(edges) -> None:
    by_id = {e["id"]: e for e in edges}
    headline = by_id["ETIOGRAPH.CLAIM:urinary-tract-infection--causes--leg-cramps"]
    assert (headline["subject"], headline["predicate"], headline["object"]) == (
        "MONDO:0100338",
        "biolink:causes",
        "ETIOGRAPH:leg-cramps",
    )
    progress = by_id["ETIOGRAPH.CLAIM:cystitis--progresses-to--pyelonephritis"]
    assert (progress["subject"], progress["predicate"], progress["object"]) == (
        "MONDO:0006939",
        "biolink:develops_from",
        "MONDO:0006032",
    )
    assert progress["etio:inverse_of_original"] is True and progress["original_predicate"] == "etio:progressesTo"


# -- TSV ------------------------------------------------------------------------------------------------
def read_tsv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_tsv_flavour_holds_the_same_records(tmp_path: Path, cli, nodes, edges) -> None:
    result = cli(["export", "--format", "kgx-tsv", "-o", str(tmp_path / "tsv")])
    assert result.code == 0, result.err
    tsv_nodes = read_tsv(tmp_path / "tsv" / "nodes.tsv")
    tsv_edges = read_tsv(tmp_path / "tsv" / "edges.tsv")
    assert [n["id"] for n in tsv_nodes] == [n["id"] for n in nodes]
    assert [e["id"] for e in tsv_edges] == [e["id"] for e in edges]
    for row, record in zip(tsv_edges, edges):
        # KGX TSV cannot escape its separator: a "|" inside a quote (the article's tables) becomes "¦"
        assert row["supporting_text"].split("|") == [t.replace("|", "¦") for t in record["supporting_text"]]
        assert row["predicate"] == record["predicate"] and row["knowledge_level"] == record["knowledge_level"]
    assert list(tsv_nodes[0])[:3] == ["id", "category", "name"]


@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.from_regex(r"[A-Z]{2,5}:[0-9]{1,7}", fullmatch=True)},
            optional={"name": st.text(max_size=30), "synonym": st.lists(st.text(min_size=1, max_size=12), max_size=4)},
        ),
        max_size=6,
    )
)
def test_tsv_writer_keeps_rows_and_columns(records: list[dict[str, Any]]) -> None:
    text = kgx.tsv(records, ("id", "name")).decode("utf-8")
    lines = text.split("\n")[:-1]
    assert len(lines) == len(records) + 1
    width = len(lines[0].split("\t"))
    assert all(len(line.split("\t")) == width for line in lines)
    header = lines[0].split("\t")
    for line, record in zip(lines[1:], records):
        cells = dict(zip(header, line.split("\t")))
        assert cells["id"] == record["id"]
        if record.get("synonym"):
            assert len(cells["synonym"].split("|")) == len(record["synonym"])


# -- selection and errors -------------------------------------------------------------------------------
def test_mechanism_selection_keeps_that_mechanism(tmp_path: Path, cli) -> None:
    result = cli(["export", "--format", "kgx", "--mechanism", "medication", "-o", str(tmp_path / "m")])
    assert result.code == 0, result.err
    edges = read_jsonl(tmp_path / "m" / "edges.jsonl")
    nodes = read_jsonl(tmp_path / "m" / "nodes.jsonl")
    assert edges and all("medication" in e["etio:mechanism"] for e in edges)
    assert {n["id"] for n in nodes} == {e["subject"] for e in edges} | {e["object"] for e in edges}


def test_paths_selection_is_the_causal_paths(tmp_path: Path, cli, kg) -> None:
    result = cli(
        ["export", "--format", "kgx", "--paths", "UTI", "leg cramps", "--max-hops", "3", "-o", str(tmp_path / "p")]
    )
    assert result.code == 0, result.err
    edges = read_jsonl(tmp_path / "p" / "edges.jsonl")
    found = kg.paths("UTI", "leg cramps", max_hops=3)
    wanted = {e.claim for p in found.paths for h in p.hops for e in h.evidence}
    assert {e["id"].removeprefix("ETIOGRAPH.CLAIM:") for e in edges} == {c.rsplit("/", 1)[-1] for c in wanted}
    assert {e["etio:claim_kind"] for e in edges} == {"causal"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "kgx"], "give -o DIR"),
        (["export", "--format", "turtle", "--mechanism", "medication"], "--mechanism work with --format kgx"),
        (["export", "--format", "kgx", "--mechanism", "telepathy", "-o", "x"], "unknown mechanisms 'telepathy'"),
        (["export", "--format", "kgx", "--paths", "UTI", "leg crampz", "-o", "x"], "leg cramps"),
        (["export", "--format", "graphml", "--no-ontology"], "--no-ontology applies to the RDF formats"),
        (["export", "--format", "kgx", "--max-hops", "0", "--paths", "UTI", "fever", "-o", "x"], "at least 1"),
    ],
)
def test_usage_errors_are_one_line(args, message, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(args)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert not (tmp_path / "x").exists()


def test_kgx_export_is_deterministic(tmp_path: Path, cli, exported: Path) -> None:
    assert cli(["export", "--format", "kgx", "-o", str(tmp_path / "again")]).code == 0
    for name in ("nodes.jsonl", "edges.jsonl", "prefixes.json"):
        assert (tmp_path / "again" / name).read_bytes() == (exported / name).read_bytes()


def test_user_data_without_kl_at_gets_not_provided(tmp_path: Path, cli) -> None:
    """A claim that does not say who asserted it is exported as not_provided, never guessed."""
    fixture = tmp_path / "fixture.ttl"
    fixture.write_text(
        SPARQL_PROLOGUE.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
# Fixture, not from the article: two concepts and one claim without Biolink slots.
kg:a a etio:Condition, skos:Concept ; skos:prefLabel "condition a"@en ; skos:exactMatch obo:MONDO_0005015 .
kg:b a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "symptom b"@en .
kg:a etio:causes kg:b .
claim:a--causes--b a etio:CausalClaim ; rdf:subject kg:a ; rdf:predicate etio:causes ; rdf:object kg:b .
""",
        encoding="utf-8",
    )
    result = cli(["export", "--format", "kgx", "--data", str(fixture), "-o", str(tmp_path / "k")])
    assert result.code == 0, result.err
    (edge,) = read_jsonl(tmp_path / "k" / "edges.jsonl")
    assert edge["knowledge_level"] == edge["agent_type"] == "not_provided"
    assert (edge["subject"], edge["object"]) == ("MONDO:0005015", "ETIOGRAPH:b")
    categories = {n["id"]: n["category"] for n in read_jsonl(tmp_path / "k" / "nodes.jsonl")}
    assert categories == {
        "MONDO:0005015": ["biolink:DiseaseOrPhenotypicFeature"],
        "ETIOGRAPH:b": ["biolink:PhenotypicFeature"],
    }


@given(
    prefix=st.sampled_from(sorted({**kgx.EXTERNAL_PREFIXES, **kgx.PROJECT_PREFIXES}.items())),
    local=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,20}", fullmatch=True),
)
def test_curie_expands_back_to_the_iri(prefix: tuple[str, str], local: str) -> None:
    _, namespace = prefix
    iri = namespace + local
    value = kgx.curie(iri)
    chosen, _, rest = value.partition(":")
    assert {**kgx.EXTERNAL_PREFIXES, **kgx.PROJECT_PREFIXES}[chosen] + rest == iri
    assert len(kgx.EXTERNAL_PREFIXES.get(chosen) or kgx.PROJECT_PREFIXES[chosen]) >= len(namespace)  # longest match


@pytest.mark.slow
def test_same_records_from_every_local_store(kg, rdflib_kg) -> None:
    """The records depend on the data, not on the engine that answers the SPARQL."""
    from etiograph.export.propertygraph import build

    ours, theirs = kgx.KgxGraph(build(kg)), kgx.KgxGraph(build(rdflib_kg))
    assert list(ours.nodes()) == list(theirs.nodes())
    assert list(ours.edges()) == list(theirs.edges())


def test_kgx_into_a_file_is_a_one_line_error(tmp_path: Path, cli) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    result = cli(["export", "--format", "kgx", "-o", str(blocker)])
    assert result.code == 2 and "not a folder" in result.err and result.err.count("\n") == 1
    assert blocker.read_text() == "a file, not a folder"


def test_the_ontologys_biolink_alignments_exist_in_the_release(kg, biolink: Biolink) -> None:
    """Every biolink: IRI the ontology (and data) names is a class or slot of the release the export follows."""
    rows = kg.query(
        "SELECT DISTINCT ?b WHERE { { ?x ?p ?b } UNION { ?b ?p ?x } UNION { ?x ?b ?y } "
        "FILTER(isIRI(?b) && STRSTARTS(STR(?b), STR(biolink:))) }"
    )
    names = {b.value.removeprefix("https://w3id.org/biolink/vocab/") for (b,) in rows} - {""}  # "" : the namespace
    assert {"causes", "DiseaseOrPhenotypicFeature", "supporting_text"} <= names
    for name in names:
        as_slot = name.replace("_", " ")
        assert (name[:1].isupper() and biolink.class_name(name) in biolink.classes) or as_slot in biolink.slots, name
