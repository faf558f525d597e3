"""Acceptance of the knowledge graph's content: what the article says is in the graph, as data.

Every assertion is a SPARQL query over the loaded bundled graph (pyoxigraph, in memory), so the
checks read the graph the way any SPARQL user would. IRIs come from ``tests/data.py``.
"""

from __future__ import annotations

import csv
import re
from itertools import pairwise

import data
import pyoxigraph as ox
import pytest

from etiograph import KnowledgeGraph
from etiograph.backends import SelectResult

CAUSAL = f"<{data.CAUSES_OR_CONTRIBUTES_TO}>"
COUNTER = f"<{data.COUNTERACTS}>"


def select(kg: KnowledgeGraph, sparql: str) -> SelectResult:
    result = kg.query(sparql)
    assert isinstance(result, SelectResult)
    return result


def ask(kg: KnowledgeGraph, sparql: str) -> bool:
    return bool(kg.query(sparql))


def predicates_between(kg: KnowledgeGraph, subject: str, obj: str) -> set[str]:
    """Predicates of the direct triples subject → object."""
    return {p for p in select(kg, f"SELECT ?p WHERE {{ <{subject}> ?p <{obj}> }}").values("p") if p}


def is_under(kg: KnowledgeGraph, predicate: str, top: str) -> bool:
    return ask(kg, f"ASK {{ <{predicate}> rdfs:subPropertyOf* <{top}> }}")


def assert_causal_edge(kg: KnowledgeGraph, subject: str, obj: str, predicate: str | None = None) -> None:
    found = predicates_between(kg, subject, obj)
    causal = {p for p in found if is_under(kg, p, data.CAUSES_OR_CONTRIBUTES_TO)}
    assert causal, f"no causal triple {subject} → {obj}; predicates there: {sorted(found)}"
    if predicate:
        assert predicate in causal, f"{subject} → {obj} is {sorted(causal)}, expected {predicate}"


# -- causal chains the article describes ------------------------------------------------------------


def test_electrolyte_chain_uti_fever_dehydration_low_magnesium_leg_cramps(kg: KnowledgeGraph):
    for subject, obj in pairwise(data.ELECTROLYTE_CHAIN):
        assert_causal_edge(kg, subject, obj)


def test_electrolyte_chain_as_one_sparql_property_path(kg: KnowledgeGraph):
    for chain in (data.ELECTROLYTE_CHAIN, data.DEPLETION_CHAIN, data.L1_L4_CHAIN):
        steps = " . ".join(f"<{a}> {CAUSAL} <{b}>" for a, b in pairwise(chain))  # the materialised spine
        assert ask(kg, f"ASK {{ {steps} }}"), chain


@pytest.mark.parametrize(
    ("subject", "obj"),
    [
        (data.PYELONEPHRITIS, data.REFERRED_PAIN),
        (data.PYELONEPHRITIS, data.NERVE_IRRITATION),
        (data.NERVE_IRRITATION, data.LEG_CRAMPS),
        (data.NERVE_IRRITATION, data.REFERRED_PAIN),
        (data.CYSTITIS, data.PYELONEPHRITIS),
        (data.PYELONEPHRITIS, data.L1_L4_NERVE_IRRITATION),
        (data.UTI, data.L1_L4_NERVE_IRRITATION),
        (data.L1_L4_NERVE_IRRITATION, data.ABNORMAL_NERVE_SIGNALLING),
        (data.ABNORMAL_NERVE_SIGNALLING, data.LEG_CRAMPS),
    ],
    ids=lambda iri: iri.rsplit("/", 1)[-1],
)
def test_kidney_and_referred_pain_routes(kg: KnowledgeGraph, subject: str, obj: str):
    assert_causal_edge(kg, subject, obj)


def test_referred_pain_travels_via_spinal_segments_l1_l4(kg: KnowledgeGraph):
    assert data.TRANSMITTED_VIA in predicates_between(kg, data.REFERRED_PAIN, data.SPINAL_L1_L4)
    # an anatomical pathway, not a cause: paths must not walk into the spine
    assert not is_under(kg, data.TRANSMITTED_VIA, data.CAUSES_OR_CONTRIBUTES_TO)
    labels = select(kg, f"SELECT ?l WHERE {{ <{data.SPINAL_L1_L4}> skos:prefLabel ?l }}").values("l")
    assert any("L1" in label and "L4" in label for label in labels)


@pytest.mark.parametrize(
    ("drug", "effect"),
    [
        (data.FLUOROQUINOLONES, data.TENDINITIS),
        (data.FLUOROQUINOLONES, data.MUSCLE_SPASMS),
        (data.SULFONAMIDES, data.ELECTROLYTE_IMBALANCE),
        (data.ANTIBIOTICS, data.LEG_CRAMPS),
    ],
    ids=lambda iri: iri.rsplit("/", 1)[-1],
)
def test_medication_side_effects(kg: KnowledgeGraph, drug: str, effect: str):
    assert_causal_edge(kg, drug, effect, data.HAS_ADVERSE_EFFECT)


@pytest.mark.parametrize("drug", [data.ANTIBIOTICS, data.FLUOROQUINOLONES, data.SULFONAMIDES])
def test_uti_prompts_use_of_each_antibiotic(kg: KnowledgeGraph, drug: str):
    assert_causal_edge(kg, data.UTI, drug, data.PROMPTS_USE_OF)


@pytest.mark.parametrize("habit", [data.CAFFEINE, data.ALCOHOL])
def test_caffeine_and_alcohol_cause_fluid_loss(kg: KnowledgeGraph, habit: str):
    assert_causal_edge(kg, habit, data.FLUID_LOSS)


# -- counteracting interventions ------------------------------------------------------------------


@pytest.mark.parametrize("remedy", data.COUNTERACTING_ONLY, ids=lambda iri: iri.rsplit("/", 1)[-1])
def test_remedies_counteract_and_never_cause(kg: KnowledgeGraph, remedy: str):
    counter = select(
        kg, f"SELECT ?p ?o WHERE {{ <{remedy}> ?p ?o . ?p rdfs:subPropertyOf* {COUNTER} . FILTER(isIRI(?o)) }}"
    )
    assert len(counter) >= 1, f"{remedy} counteracts nothing"
    causal = select(kg, f"SELECT ?p ?o WHERE {{ <{remedy}> ?p ?o . ?p rdfs:subPropertyOf* {CAUSAL} }}")
    assert causal.rows == [], f"{remedy} is said to cause {causal.rows}"
    claims = select(
        kg,
        f"SELECT ?claim WHERE {{ ?claim rdf:subject <{remedy}> ; rdf:predicate ?p . ?p rdfs:subPropertyOf* {CAUSAL} }}",
    )
    assert claims.rows == []


@pytest.mark.parametrize(
    ("remedy", "predicate", "target"),
    [
        (data.HYDRATION, data.PREVENTS, data.DEHYDRATION),
        (data.HYDRATION, data.REDUCES_RISK_OF, data.LEG_CRAMPS),
        (data.BANANAS, data.REPLENISHES, data.LOW_POTASSIUM),
        (data.NUTS, data.REPLENISHES, data.LOW_MAGNESIUM),
        (data.DAIRY, data.REPLENISHES, data.LOW_CALCIUM),
        (data.MINERAL_RICH_FOODS, data.REPLENISHES, data.ELECTROLYTE_IMBALANCE),
        (data.STRETCHING, data.REDUCES_RISK_OF, data.LEG_CRAMPS),
        (data.LIMITING_CAFFEINE_ALCOHOL, data.REDUCES_RISK_OF, data.DEHYDRATION),
    ],
    ids=lambda v: v.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
)
def test_what_each_remedy_counteracts(kg: KnowledgeGraph, remedy: str, predicate: str, target: str):
    assert predicate in predicates_between(kg, remedy, target)
    assert is_under(kg, predicate, data.COUNTERACTS)
    assert not is_under(kg, predicate, data.CAUSES_OR_CONTRIBUTES_TO)


def test_no_predicate_is_both_causal_and_counteracting(kg: KnowledgeGraph):
    both = select(kg, f"SELECT ?p WHERE {{ ?p rdfs:subPropertyOf* {CAUSAL} . ?p rdfs:subPropertyOf* {COUNTER} }}")
    assert both.rows == []


# -- the article's tables -------------------------------------------------------------------------


def test_cramp_risk_is_low_to_moderate_for_cystitis_and_high_for_pyelonephritis(kg: KnowledgeGraph):
    rows = select(
        kg,
        f"SELECT ?infection ?risk WHERE {{ ?profile a <{data.CLINICAL_PROFILE}> ; "
        "etio:profileOf ?infection ; etio:legCrampRisk ?risk }",
    )
    risks = {infection: risk for infection, risk in zip(rows.values("infection"), rows.values("risk"))}
    assert risks == {data.CYSTITIS: data.RISK_LOW_TO_MODERATE, data.PYELONEPHRITIS: data.RISK_HIGH}
    assert len(rows) == 2


def test_electrolyte_table_has_four_rows_with_role_and_effect(kg: KnowledgeGraph, article_text: str):
    rows = select(
        kg,
        f"""SELECT ?electrolyte ?deficiency ?symbol ?role ?effect WHERE {{
          ?row a <{data.ELECTROLYTE_ROLE}> ; etio:electrolyte ?electrolyte ; etio:deficiencyState ?deficiency ;
               etio:chemicalSymbol ?symbol ; etio:roleInMuscleFunction ?role ; etio:deficiencyEffect ?effect .
        }}""",
    ).dicts()
    assert len(rows) == 4
    pairs = {(r["electrolyte"].value, r["deficiency"].value) for r in rows}
    assert pairs == {
        (data.SODIUM, data.LOW_SODIUM),
        (data.POTASSIUM, data.LOW_POTASSIUM),
        (data.CALCIUM, data.LOW_CALCIUM),
        (data.MAGNESIUM, data.LOW_MAGNESIUM),
    }
    for row in rows:
        role, effect = row["role"].value.strip(), row["effect"].value.strip()
        assert role and effect
        assert "cramp" in effect.lower(), effect
        # cell texts are the article's own words
        assert role in article_text, role
        assert effect in article_text, effect


# -- claims and their direct triples --------------------------------------------------------------


def test_every_claim_has_exactly_one_subject_predicate_and_object(kg: KnowledgeGraph):
    claims = select(kg, "SELECT DISTINCT ?claim WHERE { ?claim a/rdfs:subClassOf* etio:Claim }")
    assert len(claims) > 0
    bad = select(
        kg,
        """SELECT ?claim (COUNT(DISTINCT ?s) AS ?ns) (COUNT(DISTINCT ?p) AS ?np) (COUNT(DISTINCT ?o) AS ?no) WHERE {
          ?claim a/rdfs:subClassOf* etio:Claim .
          OPTIONAL { ?claim rdf:subject ?s } OPTIONAL { ?claim rdf:predicate ?p } OPTIONAL { ?claim rdf:object ?o }
        } GROUP BY ?claim HAVING (COUNT(DISTINCT ?s) != 1 || COUNT(DISTINCT ?p) != 1 || COUNT(DISTINCT ?o) != 1)""",
    )
    assert bad.rows == []


def test_every_claim_has_its_direct_triple(kg: KnowledgeGraph):
    missing = select(
        kg,
        """SELECT ?claim WHERE {
          ?claim a/rdfs:subClassOf* etio:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          FILTER NOT EXISTS { ?s ?p ?o }
        }""",
    )
    assert missing.values("claim") == []


def test_every_direct_relation_between_concepts_has_a_claim(kg: KnowledgeGraph):
    unclaimed = select(
        kg,
        """SELECT ?s ?p ?o WHERE {
          ?s skos:inScheme kg:concepts . ?o skos:inScheme kg:concepts . ?s ?p ?o .
          FILTER(STRSTARTS(STR(?p), STR(etio:)) && ?p != etio:mechanism)
          FILTER NOT EXISTS { ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
          # graph/spine.ttl: the super-property triple that a claimed sub-property triple entails
          FILTER NOT EXISTS { ?claim rdf:subject ?s ; rdf:predicate ?sub ; rdf:object ?o . ?sub rdfs:subPropertyOf ?p }
        }""",
    )
    assert unclaimed.rows == []


def test_claim_classes_agree_with_predicates(kg: KnowledgeGraph):
    wrong = select(
        kg,
        f"""SELECT ?claim WHERE {{
          {{ ?claim a etio:CausalClaim ; rdf:predicate ?p . FILTER NOT EXISTS {{ ?p rdfs:subPropertyOf* {CAUSAL} }} }}
          UNION
          {{ ?claim a etio:CounteractingClaim ; rdf:predicate ?p . FILTER NOT EXISTS {{ ?p rdfs:subPropertyOf* {COUNTER} }} }}
        }}""",
    )
    assert wrong.values("claim") == []


def test_at_least_60_causal_or_counteracting_claims(kg: KnowledgeGraph):
    rows = select(
        kg,
        f"""SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
          ?claim rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
          {{ ?p rdfs:subPropertyOf* {CAUSAL} }} UNION {{ ?p rdfs:subPropertyOf* {COUNTER} }}
        }}""",
    )
    count = int(rows.values("n")[0])
    print(f"{count} causal or counteracting claims")
    assert count >= 60


# -- concepts: labels and external identifiers ----------------------------------------------------


def test_every_concept_has_one_preferred_label(kg: KnowledgeGraph):
    bad = select(
        kg,
        """SELECT ?concept (COUNT(?label) AS ?n) WHERE {
          ?concept skos:inScheme kg:concepts . OPTIONAL { ?concept skos:prefLabel ?label }
        } GROUP BY ?concept HAVING (COUNT(?label) != 1)""",
    )
    assert bad.rows == []


def test_every_label_names_one_concept(kg: KnowledgeGraph):
    """Preferred and alternative labels, compared case-insensitively, as users type them."""
    clashes = select(
        kg,
        """SELECT ?key (COUNT(DISTINCT ?concept) AS ?n) WHERE {
          ?concept skos:prefLabel|skos:altLabel ?label .
          FILTER(!STRSTARTS(STR(?concept), "https://w3id.org/etiograph/ontology"))
          BIND(LCASE(STR(?label)) AS ?key)
        } GROUP BY ?key HAVING (COUNT(DISTINCT ?concept) > 1)""",
    )
    assert clashes.rows == []


MAPPING_PATTERNS = {
    "mesh": re.compile(r"^http://id\.nlm\.nih\.gov/mesh/(D\d{6})$"),
    "obo": re.compile(r"^http://purl\.obolibrary\.org/obo/(HP_\d{7}|MONDO_\d{7}|DOID_\d+|CHEBI_\d+|UBERON_\d{7})$"),
    "wikidata": re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9]\d*$"),
}


@pytest.fixture(scope="module")
def mappings(kg: KnowledgeGraph) -> list[str]:
    rows = select(kg, "SELECT DISTINCT ?m WHERE { ?c skos:inScheme kg:concepts ; skos:exactMatch|skos:closeMatch ?m }")
    return sorted(m for m in rows.values("m") if m)


def test_external_mappings_are_well_formed(mappings: list[str]):
    assert len(mappings) > 20
    malformed = [m for m in mappings if not any(p.match(m) for p in MAPPING_PATTERNS.values())]
    assert malformed == []
    for iri in mappings:
        assert ox.NamedNode(iri).value == iri


def test_mesh_ids_are_2015_descriptors(mappings: list[str]):
    if not data.MESH_DESCRIPTORS.is_file():
        reason = f"the MeSH descriptor list {data.MESH_DESCRIPTORS} is not beside this checkout"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    with data.MESH_DESCRIPTORS.open(encoding="utf-8", newline="") as handle:
        known = {row["mesh_id"] for row in csv.DictReader(handle, delimiter="\t")}
    mesh = [MAPPING_PATTERNS["mesh"].match(m).group(1) for m in mappings if MAPPING_PATTERNS["mesh"].match(m)]
    assert mesh, "no MeSH mappings at all"
    assert sorted(set(mesh) - known) == []
