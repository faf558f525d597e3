"""Regression tests for the curator's review of 2026-11-30 (`shared/reviews/2026-11-30-fidelity.md`).

One test per finding that was fixed, named after it (W1–W5 wrong claims, Q questionable ones, M missing
statements, §4 concepts, §5 identifiers, §6 tables), so the same mistake cannot come back through a sheet
edit. Each asserts the corrected triple, certainty, quote or absence on the built graph.
"""

from __future__ import annotations

import re
import subprocess
import sys
from itertools import pairwise

import data
import pytest

from etiograph import KnowledgeGraph

KG, ETIO, CERT, MECH = data.KG, data.ETIO, "https://w3id.org/etiograph/ontology/certainty/", "https://w3id.org/etiograph/ontology/mechanism/"
MESH, OBO = "http://id.nlm.nih.gov/mesh/", "http://purl.obolibrary.org/obo/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def rows(kg: KnowledgeGraph, query: str) -> list[dict[str, str]]:
    result = kg.query(query)
    return [{k: (v.value if v is not None else None) for k, v in zip(result.variables, row, strict=True)} for row in result.rows]


def claims(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> list[dict[str, str]]:
    """Every claim node of a triple, with its certainty notation, mechanisms and quotes (one row per quote)."""
    return rows(
        kg,
        f"""SELECT ?claim ?cert ?quote ?note WHERE {{
          ?claim rdf:subject <{KG}{subject}> ; rdf:predicate <{ETIO}{predicate}> ; rdf:object <{KG}{obj}> ;
                 etio:certainty ?c ; etio:evidence/oa:hasSelector/oa:exact ?quote .
          ?c skos:notation ?cert . OPTIONAL {{ ?claim rdfs:comment ?note }}
        }}""",
    )


def mechanisms(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> set[str]:
    found = rows(
        kg,
        f"""SELECT ?m WHERE {{ ?claim rdf:subject <{KG}{subject}> ; rdf:predicate <{ETIO}{predicate}> ;
            rdf:object <{KG}{obj}> ; etio:mechanism/skos:notation ?m }}""",
    )
    return {r["m"] for r in found}


def has_triple(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> bool:
    return kg.query(f"ASK {{ <{KG}{subject}> <{ETIO}{predicate}> <{KG}{obj}> }}").value


def alt_labels(kg: KnowledgeGraph, concept: str) -> set[str]:
    return {r["l"] for r in rows(kg, f"SELECT ?l WHERE {{ <{KG}{concept}> skos:altLabel ?l }}")}


# -- §0.1 the wrong claims ------------------------------------------------------------------------------
def test_W1_this_irritation_provokes_cramps_is_said_of_nerve_irritation_not_referred_pain(kg: KnowledgeGraph):
    assert not has_triple(kg, "referred-pain", "contributesTo", "leg-cramps")
    quotes = {r["quote"] for r in claims(kg, "nerve-irritation", "causes", "leg-cramps")}
    assert any(q.startswith("This irritation may provoke muscle cramps") for q in quotes)


@pytest.mark.parametrize("low", ["low-sodium", "low-potassium", "low-calcium", "low-magnesium"])
def test_W2_dehydration_disrupts_electrolytes_it_does_not_lower_them(kg: KnowledgeGraph, low: str):
    assert not has_triple(kg, "dehydration", "causes", low)
    depletion = claims(kg, "fever", "causes", low) + claims(kg, "increased-urination", "causes", low)
    assert depletion and all("get depleted faster than normal" in r["quote"] for r in depletion)
    assert has_triple(kg, "dehydration", "causes", "electrolyte-imbalance")


def test_W3_mild_exercise_and_circulation_cite_the_sentence_that_says_so(kg: KnowledgeGraph):
    found = claims(kg, "mild-exercise", "prevents", "restricted-circulation")
    assert found and all("boosts circulation" in r["quote"] for r in found)


def test_W4_nothing_says_blood_sugar_monitoring_prevents_high_glucose(kg: KnowledgeGraph):
    assert not kg.query(f"ASK {{ <{KG}blood-sugar-monitoring> ?p <{KG}high-blood-glucose> }}").value


def test_W5_early_intervention_eases_cramps_and_the_tips_lower_their_risk(kg: KnowledgeGraph):
    assert not has_triple(kg, "early-treatment", "prevents", "leg-cramps")
    assert any("easing muscular distress" in r["quote"] for r in claims(kg, "early-treatment", "alleviates", "leg-cramps"))
    assert any("preventive tips" in r["quote"] for r in claims(kg, "preventive-measures", "reducesRiskOf", "leg-cramps"))


# -- §1.2 questionable claims ------------------------------------------------------------------------------
ASSOCIATION = re.compile(r"\b(linked (to|with)|associated with)\b", re.I)


def test_Q_association_wording_is_never_firmer_than_linked(kg: KnowledgeGraph):
    """The association rule: a causal claim whose only quotes state a link carries cert:linked."""
    found = rows(
        kg,
        """SELECT ?claim ?cert (GROUP_CONCAT(?q; separator="\\u0001") AS ?quotes) WHERE {
          ?claim a etio:CausalClaim ; etio:certainty/skos:notation ?cert ; etio:evidence/oa:hasSelector/oa:exact ?q .
        } GROUP BY ?claim ?cert""",
    )
    only_links = [r for r in found if all(ASSOCIATION.search(q) for q in r["quotes"].split("\u0001"))]
    assert len(only_links) >= 6  # the L4 trio, fluoroquinolones ×2, sulfonamides, the comparison (L31)
    assert {r["cert"] for r in only_links} == {"linked"}


def test_Q_linked_ranks_below_every_causal_hedge(kg: KnowledgeGraph):
    ranks = {r["n"]: int(r["r"]) for r in rows(kg, "SELECT ?n ?r WHERE { ?c etio:certaintyRank ?r ; skos:notation ?n }")}
    assert ranks["linked"] < min(rank for name, rank in ranks.items() if name != "linked")


def test_Q_min_certainty_rare_leaves_association_edges_out(kg: KnowledgeGraph):
    every = kg.paths("muscle fatigue", "leg cramps", max_hops=1)
    assert every.paths and every.paths[0].hops[0].evidence[0].certainty.endswith("linked")
    assert kg.paths("muscle fatigue", "leg cramps", max_hops=1, min_certainty="rare").paths == ()


def test_Q_pyelonephritis_cramp_risk_is_not_asserted_from_might(kg: KnowledgeGraph):
    for r in claims(kg, "pyelonephritis", "increasesRiskOf", "leg-cramps"):
        if "might" in r["quote"]:
            assert r["cert"] == "linked"
        else:
            assert r["cert"] == "asserted" and r["quote"].startswith("| Risk of Leg Cramps")


@pytest.mark.parametrize("effect", ["impaired-muscle-relaxation", "muscle-spasms", "leg-cramps"])
def test_Q_the_calcium_row_is_conditional(kg: KnowledgeGraph, effect: str):
    subject = "low-calcium" if effect != "leg-cramps" else "impaired-muscle-relaxation"
    calcium = [r for r in claims(kg, subject, "causes", effect) if "Calcium (Ca²+)" in r["quote"]]
    assert calcium and {r["cert"] for r in calcium} == {"may"}


def test_Q_cystitis_fever_usually_low_grade_or_absent_is_sometimes(kg: KnowledgeGraph):
    assert {r["cert"] for r in claims(kg, "cystitis", "hasSymptom", "fever")} == {"sometimes"}


def test_Q_uti_muscle_pain_in_some_cases_is_sometimes(kg: KnowledgeGraph):
    assert {r["cert"] for r in claims(kg, "urinary-tract-infection", "causes", "muscle-pain")} == {"sometimes"}


@pytest.mark.parametrize("drug", ["fluoroquinolones", "sulfonamides"])
def test_Q_antibiotic_classes_cite_prescribed_for_utis(kg: KnowledgeGraph, drug: str):
    found = claims(kg, "urinary-tract-infection", "promptsUseOf", drug)
    assert found and all("prescribed for UTIs" in r["quote"] for r in found)


def test_Q_cystitis_is_located_in_the_bladder_by_a_quote_that_names_it(kg: KnowledgeGraph):
    assert all("Cystitis" in r["quote"] for r in claims(kg, "cystitis", "locatedIn", "bladder"))


def test_Q_a_uti_does_not_progress_to_its_own_subtype(kg: KnowledgeGraph):
    assert not has_triple(kg, "urinary-tract-infection", "progressesTo", "pyelonephritis")
    assert has_triple(kg, "cystitis", "progressesTo", "pyelonephritis")


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [("leg-cramps", "causes", "muscle-pain"), ("leg-cramps", "causes", "muscle-stiffness"), ("analgesics", "alleviates", "muscle-pain")],
)
def test_Q_a_cramps_own_pain_is_not_inflammation(kg: KnowledgeGraph, subject: str, predicate: str, obj: str):
    assert mechanisms(kg, subject, predicate, obj) == {"muscle"}


def test_Q_pregnancy_raises_cramp_risk_directly_not_through_infection(kg: KnowledgeGraph):
    assert "infection-risk" not in mechanisms(kg, "pregnancy", "increasesRiskOf", "leg-cramps")


def test_Q_inferences_beyond_the_text_are_gone(kg: KnowledgeGraph):
    assert not has_triple(kg, "magnesium-supplements", "replenishes", "low-magnesium")
    assert not has_triple(kg, "poor-hygiene", "contributesTo", "leg-cramps")
    assert not has_triple(kg, "kegel-exercises", "reducesRiskOf", "urinary-tract-infection")
    chain = ("kegel-exercises", "pelvic-floor-strength", "urinary-tract-infection")
    assert has_triple(kg, chain[0], "causes", chain[1]) and has_triple(kg, chain[1], "reducesRiskOf", chain[2])


def test_Q_advice_wording_is_not_read_as_prevents(kg: KnowledgeGraph):
    assert not has_triple(kg, "hydration", "prevents", "leg-cramps")
    assert {r["cert"] for r in claims(kg, "hydration", "reducesRiskOf", "leg-cramps")} == {"recommended"}
    assert not has_triple(kg, "limiting-caffeine-alcohol", "prevents", "dehydration")


# -- §2 missing statements ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("finding", "subject", "predicate", "obj"),
    [
        ("M1", "urinary-tract-infection", "contributesTo", "dehydration"),
        ("M2", "inflammation", "causes", "leg-cramps"),
        ("M3", "pyelonephritis", "causes", "electrolyte-imbalance"),
        ("M4", "cystitis", "contributesTo", "dehydration"),
        ("M6", "reduced-mineral-intake", "causes", "low-magnesium"),
        ("M6", "reduced-mineral-intake", "causes", "low-potassium"),
        ("M7", "bacteria", "causes", "urinary-tract-infection"),
        ("M8", "systemic-inflammation", "exacerbates", "dehydration"),
        ("M9", "urinary-tract-infection", "causes", "systemic-inflammation"),
        ("M10", "inflammation", "causes", "impaired-muscle-function"),
        ("M11", "low-potassium", "causes", "impaired-muscle-function"),
        ("M13", "antibiotics", "alleviates", "systemic-inflammation"),
        ("M15", "adequate-rest", "alleviates", "urinary-tract-infection"),
        ("M16", "urinary-tract-infection", "hasSymptom", "dysuria"),
        ("M17", "early-treatment", "alleviates", "leg-cramps"),
        ("M18", "mineral-rich-foods", "reducesRiskOf", "leg-cramps"),
        ("M19", "hydration", "alleviates", "leg-cramps"),
        ("M20", "pyelonephritis", "hasSymptom", "nausea"),
        ("M21", "referred-pain", "locatedIn", "legs"),
        ("M22", "antibiotics", "exacerbates", "leg-cramps"),
        ("M24", "inflammation", "increasesRiskOf", "systemic-inflammation"),
    ],
)
def test_M_missing_statements_are_modelled(kg: KnowledgeGraph, finding: str, subject: str, predicate: str, obj: str):
    assert claims(kg, subject, predicate, obj), finding


def test_M26_the_l1_l4_route_is_walkable_from_pyelonephritis_and_any_uti(kg: KnowledgeGraph):
    assert kg.query(f"ASK {{ <{KG}l1-l4-nerve-irritation> etio:locatedIn <{data.SPINAL_L1_L4}> }}").value
    from_pyelonephritis = {p.nodes for p in kg.paths("pyelonephritis", "leg cramps", max_hops=3).paths}
    assert data.L1_L4_CHAIN in from_pyelonephritis
    assert data.REFERRED_PAIN_CHAIN in {p.nodes for p in kg.paths("UTI", "leg cramps", max_hops=3).paths}


def test_spine_one_liner_works(kg: KnowledgeGraph):
    assert kg.query(f"ASK {{ <{data.UTI}> etio:causesOrContributesTo+ <{data.LEG_CRAMPS}> }}").value


# -- summary claims ---------------------------------------------------------------------------------------
def test_summary_claims_are_marked_and_left_out_of_paths_by_default(kg: KnowledgeGraph):
    summaries = rows(kg, "SELECT ?s ?o WHERE { ?c a etio:SummaryClaim ; rdf:subject ?s ; rdf:object ?o }")
    assert {(r["s"], r["o"]) for r in summaries} >= {(data.UTI, data.LEG_CRAMPS), (data.UTI, data.DEHYDRATION)}
    default = {p.nodes for p in kg.paths("UTI", "leg cramps", max_hops=4).paths}
    assert (data.UTI, data.LEG_CRAMPS) not in default
    assert (data.UTI, data.DEHYDRATION, data.ELECTROLYTE_IMBALANCE, data.LEG_CRAMPS) not in default
    with_summary = {p.nodes for p in kg.paths("UTI", "leg cramps", max_hops=4, include_summary=True).paths}
    assert (data.UTI, data.LEG_CRAMPS) in with_summary and default < with_summary



def test_summary_claims_are_the_marked_ones(kg: KnowledgeGraph):
    """kg.summary_claims() (what path diagrams leave out as shortcuts): every claim typed etio:SummaryClaim
    or marked etio:indirect true, and nothing else."""
    marked = rows(kg, "SELECT DISTINCT ?c WHERE { { ?c a etio:SummaryClaim } UNION { ?c etio:indirect true } }")
    assert kg.summary_claims() == frozenset(r["c"] for r in marked)
    typed = {r["c"] for r in rows(kg, "SELECT ?c WHERE { ?c a etio:SummaryClaim }")}
    assert typed and typed <= kg.summary_claims()
    assert kg.summary_claims() is kg.summary_claims()  # one query per graph

# -- §4 concepts ---------------------------------------------------------------------------------------------
def test_concepts_a_clinician_keeps_apart_are_apart(kg: KnowledgeGraph):
    assert not {"nausea", "nausea and vomiting"} & alt_labels(kg, "vomiting")
    assert "high fever" not in alt_labels(kg, "fever")
    assert not {"back pain", "flank/back pain"} & alt_labels(kg, "flank-pain")
    assert "pelvic pain" not in alt_labels(kg, "lower-abdominal-pain")
    assert not {"systemic inflammation", "immune response"} & alt_labels(kg, "inflammation")
    for concept in ("nausea", "back-pain", "pelvic-pain", "systemic-inflammation", "immune-response"):
        assert kg.resolve(concept.replace("-", " ")).iri == KG + concept


def test_caffeine_is_a_substance_and_its_intake_a_behaviour(kg: KnowledgeGraph):
    kinds = {r["c"]: r["k"] for r in rows(kg, f"SELECT ?c ?k WHERE {{ VALUES ?c {{ <{KG}caffeine> <{KG}caffeine-intake> <{KG}self-medication> }} ?c a ?k }}")}
    assert kinds[KG + "caffeine"] == ETIO + "Nutrient"
    assert kinds[KG + "caffeine-intake"] == ETIO + "Behaviour"
    assert kinds[KG + "self-medication"] == ETIO + "Behaviour"
    assert "coffee" not in alt_labels(kg, "caffeine")


@pytest.mark.parametrize(
    ("typed", "concept"),
    [
        ("charley horse", "leg-cramps"), ("night cramps", "leg-cramps"), ("nocturnal leg cramps", "leg-cramps"),
        ("upper UTI", "pyelonephritis"), ("bladder infections", "cystitis"), ("hypokalaemia", "low-potassium"),
        ("hypomagnesaemia", "low-magnesium"), ("Ca²+", "calcium"), ("Mg²+", "magnesium"), ("dehydrated", "dehydration"),
        ("urine infection", "urinary-tract-infection"), ("hyperglycaemia", "high-blood-glucose"),
    ],
)
def test_names_users_type_resolve(kg: KnowledgeGraph, typed: str, concept: str):
    assert kg.resolve(typed).iri == KG + concept


def test_legs_are_the_lower_extremity(kg: KnowledgeGraph):
    assert kg.query(f"ASK {{ <{KG}legs> skos:exactMatch <{MESH}D035002> }}").value


def test_cramps_and_spasms_share_one_hp_term_the_same_way(kg: KnowledgeGraph):
    hp = f"<{OBO}HP_0003394>"
    assert not kg.query(f"ASK {{ ?c skos:exactMatch {hp} }}").value
    assert kg.query(f"ASK {{ <{KG}leg-cramps> skos:closeMatch {hp} . <{KG}muscle-spasms> skos:closeMatch {hp} }}").value


def test_no_mechanism_label_collides_with_a_concept_label(kg: KnowledgeGraph):
    clash = f"ASK {{ ?m skos:inScheme etio:mechanisms ; skos:altLabel ?l . ?c skos:prefLabel ?l . FILTER(STRSTARTS(STR(?c), '{KG}')) }}"
    assert not kg.query(clash).value


# -- §5 identifiers and §6 tables --------------------------------------------------------------------------
def test_located_in_is_aligned_to_disease_has_location(kg: KnowledgeGraph):
    assert kg.query(f"ASK {{ etio:locatedIn skos:closeMatch <{OBO}RO_0004026> }}").value
    assert not kg.query(f"ASK {{ etio:locatedIn ?m <{OBO}RO_0001025> }}").value


def test_which_infection_carries_the_higher_cramp_risk_is_one_query(kg: KnowledgeGraph):
    ordered = rows(
        kg,
        "SELECT ?infection WHERE { ?p etio:profileOf ?infection ; etio:legCrampRisk/etio:riskRank ?r } ORDER BY DESC(?r)",
    )
    assert [r["infection"] for r in ordered] == [data.PYELONEPHRITIS, data.CYSTITIS]


# -- the curation check is the worklist, and it is clean ----------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not data.ARTICLE.is_file(), reason="the article text is not beside the checkout")
def test_check_on_the_bundled_source_reports_no_errors():
    done = subprocess.run(
        [sys.executable, "-m", "etiograph", "check", "--article", str(data.ARTICLE)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.search(r"\b0 errors\b", done.stdout)


def test_every_hop_of_the_headline_chains_is_a_direct_claim(kg: KnowledgeGraph):
    for chain in (data.ELECTROLYTE_CHAIN, data.DEPLETION_CHAIN, data.L1_L4_CHAIN):
        for a, b in pairwise(chain):
            assert kg.query(f"ASK {{ <{a}> etio:causesOrContributesTo <{b}> }}").value, (a, b)


def test_each_table_cell_cites_its_own_row(kg: KnowledgeGraph):
    cells = rows(
        kg,
        """SELECT ?cell ?p (COUNT(?q) AS ?n) (SAMPLE(?q) AS ?quote) WHERE {
          ?cell a etio:TableCell ; rdf:subject/a etio:ClinicalProfile ; rdf:predicate ?p ;
                etio:evidence/oa:hasSelector/oa:exact ?q .
        } GROUP BY ?cell ?p""",
    )
    row_of = {"painLocation": "| Pain Location", "feverPattern": "| Fever", "nauseaVomiting": "| Nausea/Vomiting",
              "legCrampRisk": "| Risk of Leg Cramps", "legCrampRiskReason": "| Risk of Leg Cramps"}
    assert len(cells) == 2 * len(row_of)
    for cell in cells:
        assert cell["n"] == "1" and cell["quote"].startswith(row_of[cell["p"].rsplit("#", 1)[-1]]), cell


def test_deficient_or_imbalanced_is_not_narrowed_to_low(kg: KnowledgeGraph):
    roles = rows(kg, "SELECT ?row ?low ?imbalance WHERE { ?row a etio:ElectrolyteRole ; etio:deficiencyState ?low ; etio:imbalanceState ?imbalance }")
    assert len(roles) == 4 and {r["imbalance"] for r in roles} == {data.ELECTROLYTE_IMBALANCE}


def test_explain_shows_the_mechanistic_paths_behind_a_summary_claim(kg: KnowledgeGraph):
    summaries = kg.explain("leg cramps").summaries
    headline = [s for s in summaries if (s.subject, s.object) == (data.UTI, data.LEG_CRAMPS)]
    assert len(headline) == 1 and headline[0].supported
    assert all(p.nodes != (data.UTI, data.LEG_CRAMPS) for p in headline[0].paths.paths)


SUMMARY_ALONE = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
# Test fixture: a summary claim that no mechanistic path supports.
kg:a a etio:Condition ; skos:prefLabel "alpha"@en .
kg:b a etio:SignOrSymptom ; skos:prefLabel "beta"@en .
kg:a etio:causes kg:b .
kg:a-causes-b a etio:CausalClaim, etio:SummaryClaim ; rdf:subject kg:a ; rdf:predicate etio:causes ; rdf:object kg:b ;
    etio:certainty cert:can .
"""


def test_a_summary_claim_no_mechanism_supports_is_flagged(tmp_path):
    fixture = tmp_path / "summary-alone.ttl"
    fixture.write_text(SUMMARY_ALONE, encoding="utf-8")
    small = KnowledgeGraph.load(data=[str(fixture)])
    (support,) = small.summary_support()
    assert not support.supported and support.paths.total == 0
    assert small.paths("alpha", "beta").paths == ()
    assert [p.nodes for p in small.paths("alpha", "beta", include_summary=True).paths] == [(KG + "a", KG + "b")]
