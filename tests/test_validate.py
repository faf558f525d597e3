"""``etiograph validate``: the pyoxigraph SHACL engine against pySHACL, progress, speed, fallbacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etiograph import resources
from etiograph.datafiles import graph_sources
from etiograph.validation.report import validate
from etiograph.validation.shacl import ShapesGraph, Unsupported, compile_shapes

CASES = sorted((Path(__file__).parent / "data" / "shapes").glob("*/*.ttl"))


def shacl_problems(report) -> set[tuple]:
    return {(p.focus, p.path, p.message, p.severity) for p in report.problems if p.kind == "shacl"}


@pytest.mark.slow
@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_oxigraph_engine_reports_what_pyshacl_reports(path: Path):
    fast, reference = validate([path]), validate([path], engine="pyshacl")
    assert fast.conforms == reference.conforms
    assert shacl_problems(fast) == shacl_problems(reference)


@pytest.mark.slow
def test_engines_agree_on_the_shipped_graph():
    fast, reference = validate(graph_sources()), validate(graph_sources(), engine="pyshacl")
    assert fast.conforms and reference.conforms, reference.text()
    assert (fast.triples, fast.claims, fast.concepts) == (reference.triples, reference.claims, reference.concepts)


def test_every_constraint_of_the_shapes_compiles():
    _, checks = compile_shapes(ShapesGraph.parse(str(resources.shapes_file())))
    assert len(checks) > 50
    assert sum(c.templated for c in checks) == 5  # the sh:sparql constraints


@pytest.mark.slow
def test_an_unsupported_shape_feature_falls_back_to_pyshacl(tmp_path: Path, monkeypatch):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        resources.shapes_file().read_text(encoding="utf-8")
        + "\n<https://w3id.org/etiograph/shapes#X> a sh:NodeShape ; sh:targetClass etio:Claim ;"
        + " sh:closed true .\n",
        encoding="utf-8",
    )
    with pytest.raises(Unsupported, match="closed"):
        compile_shapes(ShapesGraph.parse(str(shapes)))
    monkeypatch.setattr(resources, "shapes_file", lambda: shapes)
    lines: list[str] = []
    case = next(p for p in CASES if p.parent.name == "valid")
    report = validate([case], progress=lines.append)
    assert any("running pySHACL" in line for line in lines)
    assert any("pySHACL" in line for line in lines[1:])
    assert report.problems or report.conforms


@pytest.mark.slow
def test_validate_command_reports_progress_on_stderr_and_the_verdict_on_stdout():
    done = subprocess.run([sys.executable, "-m", "etiograph", "validate"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("conforms: ")
    assert "read " in done.stderr and "SHACL constraints" in done.stderr
    if resources.article_file() is not None:
        assert "quotes against" in done.stderr


@pytest.mark.slow
def test_validate_reference_engine_from_the_command_line(cli):
    case = next(p for p in CASES if p.parent.name == "invalid")
    fast = cli(["validate", "--data", str(case)])
    reference = cli(["validate", "--data", str(case), "--engine", "pyshacl"])
    assert fast.code == reference.code == 1
    assert fast.out == reference.out


# -- random claims: the compiled engine and pySHACL agree on graphs nobody wrote by hand -----------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PREAMBLE = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix source: <https://w3id.org/etiograph/kg/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
source:doc a etio:SourceDocument .
source:doc--intro a etio:SourceSection .
"""

concept = st.fixed_dictionaries(
    {
        "types": st.sampled_from(
            ["etio:SignOrSymptom, skos:Concept", "skos:Concept", "etio:Concept", "etio:Infection, skos:Concept"]
        ),
        "labels": st.sampled_from(['"fever"@en', '"fever"@en, "hot"@en', '"fever"', "", '"fever"@en, "Fieber"@de']),
        "definition": st.booleans(),
        "scheme": st.booleans(),
        "alt": st.sampled_from(
            ["", 'skos:altLabel "pyrexia"@en ;', "skos:altLabel kg:x ;", 'skos:altLabel "a"^^xsd:string ;']
        ),
    }
)
claim = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["etio:CausalClaim", "etio:CounteractingClaim", "etio:AssociationClaim", "rdf:Statement"]
        ),
        "predicate": st.sampled_from(
            ["etio:causes", "etio:treats", "etio:contributesTo", "skos:related", "etio:madeUp"]
        ),
        "direct": st.booleans(),
        "certainties": st.lists(
            st.sampled_from(["cert:can", "cert:may", "mech:kidney", "kg:fever"]), max_size=2, unique=True
        ),
        "mechanisms": st.lists(
            st.sampled_from(["mech:electrolytes", "mech:kidney", "cert:can"]), max_size=2, unique=True
        ),
        "section": st.sampled_from(["etio:inSection source:doc--intro ;", "", "etio:inSection source:doc ;"]),
        "provenance": st.sampled_from(["prov:wasDerivedFrom source:doc ;", "", 'prov:wasDerivedFrom "doc" ;']),
        "indirect": st.sampled_from(
            ["", "etio:indirect false ;", 'etio:indirect "no" ;', "etio:indirect true, false ;"]
        ),
        "evidence": st.sampled_from(["none", "plain", "no-source", "two-quotes", "no-type", "empty-exact"]),
        "position": st.sampled_from(
            [
                "",
                "[ a oa:TextPositionSelector ; oa:start 5 ; oa:end 10 ]",
                "[ a oa:TextPositionSelector ; oa:start -1 ; oa:end 10 ]",
                "[ a oa:TextPositionSelector ; oa:start 9 ; oa:end 3 ]",
                '[ a oa:TextPositionSelector ; oa:start "x" ; oa:end 3 ]',
            ]
        ),
    }
)


def turtle(c: dict, k: dict) -> str:
    label = f"skos:prefLabel {c['labels']} ;" if c["labels"] else ""
    lines = [
        f"kg:fever a {c['types']} ; {label} {c['alt']}"
        + (' skos:definition "A raised temperature."@en ;' if c["definition"] else "")
        + (" skos:inScheme kg:concepts ;" if c["scheme"] else "")
        + " .",
        'kg:dehydration a etio:PhysiologicalState, skos:Concept ; skos:inScheme kg:concepts ; skos:prefLabel "dehydration"@en ;'
        ' skos:definition "Too little water."@en .',
    ]
    if k["direct"]:
        lines.append(f"kg:fever {k['predicate']} kg:dehydration .")
    selectors = {
        "plain": '[ a oa:TextQuoteSelector ; oa:exact "Fever dehydrates." ]',
        "no-source": '[ a oa:TextQuoteSelector ; oa:exact "Fever dehydrates." ]',
        "two-quotes": '[ a oa:TextQuoteSelector ; oa:exact "A." ], [ a oa:TextQuoteSelector ; oa:exact "B." ]',
        "no-type": '[ oa:exact "Fever dehydrates." ]',
        "empty-exact": '[ a oa:TextQuoteSelector ; oa:exact "" ]',
    }
    evidence = ""
    if k["evidence"] != "none":
        chosen = [selectors[k["evidence"]]] + ([k["position"]] if k["position"] else [])
        source = "" if k["evidence"] == "no-source" else "oa:hasSource source:doc ;"
        evidence = f"etio:evidence [ a oa:SpecificResource ; {source} oa:hasSelector {', '.join(chosen)} ] ;"
    certainty = f"etio:certainty {', '.join(k['certainties'])} ;" if k["certainties"] else ""
    mechanism = f"etio:mechanism {', '.join(k['mechanisms'])} ;" if k["mechanisms"] else ""
    lines.append(
        f"claim:c a {k['kind']} ; rdf:subject kg:fever ; rdf:predicate {k['predicate']} ; rdf:object kg:dehydration ;"
        f" {certainty} {mechanism} {k['section']} {k['provenance']} {k['indirect']} {evidence} ."
    )
    return PREAMBLE + "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(concept, claim)
def test_engines_agree_on_random_claims(tmp_path_factory: pytest.TempPathFactory, c: dict, k: dict):
    path = tmp_path_factory.mktemp("random") / "claim.ttl"
    path.write_text(turtle(c, k), encoding="utf-8")
    fast, reference = validate([path]), validate([path], engine="pyshacl")
    assert fast.conforms == reference.conforms
    assert shacl_problems(fast) == shacl_problems(reference), path.read_text()
