"""The IRIs, labels and reference files the query-layer tests use, named once.

Plain strings, like ``etiograph.vocab``: tests compare them with ``.value`` of pyoxigraph terms,
``str()`` of rdflib terms and the IRIs the API returns.
"""

from __future__ import annotations

from pathlib import Path

from etiograph import resources
from etiograph.vocab import CERT, CLAIM, ETIO, KG, MECH, MESH, OBO, RISK

# -- concepts -------------------------------------------------------------------------------------
UTI = KG + "urinary-tract-infection"
CYSTITIS = KG + "cystitis"
PYELONEPHRITIS = KG + "pyelonephritis"
LEG_CRAMPS = KG + "leg-cramps"
FEVER = KG + "fever"
SWEATING = KG + "sweating"
VOMITING = KG + "vomiting"
DEHYDRATION = KG + "dehydration"
FLUID_LOSS = KG + "fluid-loss"
ELECTROLYTE_IMBALANCE = KG + "electrolyte-imbalance"
LOW_MAGNESIUM = KG + "low-magnesium"
LOW_POTASSIUM = KG + "low-potassium"
LOW_CALCIUM = KG + "low-calcium"
LOW_SODIUM = KG + "low-sodium"
SODIUM = KG + "sodium"
POTASSIUM = KG + "potassium"
CALCIUM = KG + "calcium"
MAGNESIUM = KG + "magnesium"
INFLAMMATION = KG + "inflammation"
NERVE_IRRITATION = KG + "nerve-irritation"
REFERRED_PAIN = KG + "referred-pain"
SPINAL_L1_L4 = KG + "spinal-segments-l1-l4"
L1_L4_NERVE_IRRITATION = KG + "l1-l4-nerve-irritation"
ABNORMAL_NERVE_SIGNALLING = KG + "abnormal-nerve-signalling"
SYSTEMIC_INFLAMMATION = KG + "systemic-inflammation"
IMPAIRED_MUSCLE_FUNCTION = KG + "impaired-muscle-function"
NAUSEA = KG + "nausea"
LEGS = KG + "legs"
MUSCLE_SPASMS = KG + "muscle-spasms"
MUSCLE_PAIN = KG + "muscle-pain"
TENDINITIS = KG + "tendinitis"
ANTIBIOTICS = KG + "antibiotics"
FLUOROQUINOLONES = KG + "fluoroquinolones"
SULFONAMIDES = KG + "sulfonamides"
CAFFEINE = KG + "caffeine"
ALCOHOL = KG + "alcohol"
HYDRATION = KG + "hydration"
BANANAS = KG + "bananas"
NUTS = KG + "nuts"
DAIRY = KG + "dairy-products"
MINERAL_RICH_FOODS = KG + "mineral-rich-foods"
STRETCHING = KG + "stretching"
LIMITING_CAFFEINE_ALCOHOL = KG + "limiting-caffeine-alcohol"
SODIUM_ROLE = KG + "sodium-role"  # a row of the electrolyte table

#: Concepts the article only ever offers as remedies: they counteract, they never cause.
COUNTERACTING_ONLY = (HYDRATION, BANANAS, NUTS, DAIRY, MINERAL_RICH_FOODS, STRETCHING)

# -- ontology terms -------------------------------------------------------------------------------
CAUSALLY_RELATED_TO = ETIO + "causallyRelatedTo"
CAUSES_OR_CONTRIBUTES_TO = ETIO + "causesOrContributesTo"
COUNTERACTS = ETIO + "counteracts"
CAUSES = ETIO + "causes"
CONTRIBUTES_TO = ETIO + "contributesTo"
HAS_ADVERSE_EFFECT = ETIO + "hasAdverseEffect"
PROMPTS_USE_OF = ETIO + "promptsUseOf"
PREVENTS = ETIO + "prevents"
ALLEVIATES = ETIO + "alleviates"
REPLENISHES = ETIO + "replenishes"
REDUCES_RISK_OF = ETIO + "reducesRiskOf"
TRANSMITTED_VIA = ETIO + "transmittedVia"
HAS_SYMPTOM = ETIO + "hasSymptom"
CLAIM_CLASS = ETIO + "Claim"
CLINICAL_PROFILE = ETIO + "ClinicalProfile"
ELECTROLYTE_ROLE = ETIO + "ElectrolyteRole"

MECH_MEDICATION = MECH + "medication"
MECH_ELECTROLYTES = MECH + "electrolytes"
CERT_ASSERTED = CERT + "asserted"
RISK_LOW_TO_MODERATE = RISK + "low-to-moderate"
RISK_HIGH = RISK + "high"

#: Mechanism notations (what ``--mechanism`` takes) and certainty notations (``--min-certainty``).
MECHANISMS = ("inflammation", "electrolytes", "medication", "kidney", "referred-pain", "lifestyle", "infection-risk")
CERTAINTIES = (
    "asserted",
    "often",
    "can",
    "recommended",
    "may",
    "linked",
    "sometimes",
    "occasionally",
    "less-common",
    "rare",
)

# -- claims and external identifiers --------------------------------------------------------------
CLAIM_NS = CLAIM
CLAIM_ELECTROLYTE_IMBALANCE_CAUSES_LEG_CRAMPS = CLAIM + "electrolyte-imbalance--causes--leg-cramps"
MESH_UTI = MESH + "D014552"
HP_FEVER = OBO + "HP_0001945"

# -- labels as users see them ---------------------------------------------------------------------
ELECTROLYTE_CHAIN_LABELS = ("urinary tract infection", "fever", "dehydration", "electrolyte imbalance", "leg cramps")
ELECTROLYTE_CHAIN = (UTI, FEVER, DEHYDRATION, ELECTROLYTE_IMBALANCE, LEG_CRAMPS)
#: "these minerals get depleted" (L64): fever depletes magnesium, low magnesium can cause cramps.
DEPLETION_CHAIN = (UTI, FEVER, LOW_MAGNESIUM, LEG_CRAMPS)
#: The product card's "pyelonephritis → L1–L4 nerve irritation → cramps", and the same route from any UTI.
L1_L4_CHAIN = (PYELONEPHRITIS, L1_L4_NERVE_IRRITATION, ABNORMAL_NERVE_SIGNALLING, LEG_CRAMPS)
REFERRED_PAIN_CHAIN = (UTI, L1_L4_NERVE_IRRITATION, ABNORMAL_NERVE_SIGNALLING, LEG_CRAMPS)
MEDICATION_CHAIN = (UTI, ANTIBIOTICS, LEG_CRAMPS)
#: A real path that exists only when counteracting edges are followed: antibiotics alleviate inflammation.
COUNTERACTING_CHAIN = (UTI, ANTIBIOTICS, INFLAMMATION, NERVE_IRRITATION, LEG_CRAMPS)

# -- reference files beside the checkout (optional) -----------------------------------------------
SHARED = resources.data_root().parent / "shared"
ARTICLE: Path = SHARED / "source" / "can-a-uti-cause-leg-cramps.txt"
MESH_DESCRIPTORS: Path = SHARED / "reference" / "mesh-2015-descriptors.tsv"


def snapshot_graph_sources(folder: Path) -> list[Path]:
    """Copies of the bundled ontology and graph files, so edits made while the tests run cannot change the answer."""
    from etiograph.datafiles import graph_sources

    copies = []
    for number, path in enumerate(graph_sources()):
        copy = folder / f"{number}-{path.name}"
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    return copies
