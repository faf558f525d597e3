"""The SHACL shapes (ontology/shapes.ttl), driven by the Turtle files in tests/data/shapes/.

Each file in ``valid/`` must conform; each file in ``invalid/`` must break exactly the rule its
name says. Its header names the rule:

    # expect: <a fragment of the sh:message every reported problem must carry>
    # focus: <the CURIE every reported focus node must start with>

Files are validated together with the ontology, which ``validate`` adds by itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from etiograph import resources
from etiograph.datafiles import graph_sources
from etiograph.errors import DataError
from etiograph.validation.report import Problem, ValidationReport, validate

CASES = Path(__file__).parent / "data" / "shapes"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def header(path: Path, key: str) -> str:
    """The value of a ``# key: value`` line at the top of a case file."""
    found = re.search(rf"^# {key}: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"{path.name} has no '# {key}:' line saying what it tests"
    return found.group(1).strip()


@pytest.fixture(scope="session")
def shipped() -> ValidationReport:
    return validate(graph_sources())


def test_there_are_cases_for_both_outcomes():
    assert len(VALID) >= 5
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_case_conforms(path: Path):
    report = validate([path])
    assert report.conforms, report.text()
    assert report.problems == ()


@pytest.mark.slow
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_case_breaks_only_its_rule(path: Path):
    expected, focus = header(path, "expect"), header(path, "focus")
    report = validate([path])
    assert not report.conforms
    assert report.problems, report.text()
    for problem in report.problems:
        assert problem.kind == "shacl"
        assert problem.severity == "Violation"
        assert expected in problem.message, report.text()
        assert problem.focus.startswith(focus), report.text()
    assert expected in report.text()


@pytest.mark.slow  # a whole validation; validate()'s doctest and test_quotes validate the shipped graph in the fast lane
def test_shipped_graph_conforms(shipped: ValidationReport):
    assert shipped.conforms, shipped.text()
    assert shipped.problems == ()
    assert shipped.claims > 0 and shipped.concepts > 0 and shipped.triples > shipped.claims
    assert shipped.text() == (
        f"conforms: {shipped.claims} claims, {shipped.concepts} concepts, {shipped.triples} triples; quotes not checked"
    )


@pytest.mark.slow  # a whole validation; validate()'s doctest and test_quotes validate the shipped graph in the fast lane
def test_shipped_graph_validates_in_seconds(shipped: ValidationReport):
    # about 3 s on a laptop; a shape that makes it many times slower is a regression
    assert shipped.seconds < 30


@pytest.mark.slow
def test_counts_follow_the_data(shipped: ValidationReport):
    graph = rdflib.Graph()
    for path in graph_sources():
        graph.parse(path, format="turtle")
    etio = rdflib.Namespace("https://w3id.org/etiograph/ontology#")
    kinds = (etio.CausalClaim, etio.CounteractingClaim, etio.AssociationClaim)
    claims = {c for kind in kinds for c in graph.subjects(rdflib.RDF.type, kind)}
    concepts = set(graph.subjects(rdflib.SKOS.inScheme, rdflib.URIRef("https://w3id.org/etiograph/kg/concepts")))
    assert (shipped.claims, shipped.concepts, shipped.triples) == (len(claims), len(concepts), len(graph))


def test_ontology_is_added_once():
    case = CASES / "valid" / "causal-claim.ttl"
    assert validate([case]).triples == validate([resources.ontology_file(), case]).triples


def test_problems_are_grouped_by_focus_node():
    report = validate(
        [CASES / "invalid" / "claim-without-quote.ttl", CASES / "invalid" / "concept-without-preflabel.ttl"]
    )
    assert not report.conforms
    assert {p.focus for p in report.problems} == {"claim:fever--causes--dehydration", "kg:leg-cramps"}
    lines = report.text().splitlines()
    assert lines[0].startswith("does not conform: 2 problems on 2 nodes")
    claim_at, concept_at = lines.index("claim:fever--causes--dehydration"), lines.index("kg:leg-cramps")
    assert "claim has no quote" in lines[claim_at + 1]
    assert "concept has no skos:prefLabel" in lines[concept_at + 1]


def test_blank_node_focus_is_named_by_its_claim():
    report = validate([CASES / "invalid" / "quote-selector-without-exact.ttl"])
    [problem] = report.problems
    assert problem == Problem(
        kind="shacl",
        severity="Violation",
        focus="claim:fever--causes--dehydration › etio:evidence › oa:hasSelector",
        path="oa:exact",
        message="quote selector needs exactly one oa:exact: the sentence, copied from the article",
    )


def test_messages_name_terms_as_curies():
    report = validate([CASES / "invalid" / "claim-without-direct-triple.ttl"])
    [problem] = report.problems
    assert "assert kg:fever etio:causes kg:dehydration ." in problem.message
    assert "https://" not in problem.message


def test_bad_turtle_names_file_and_line(tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix kg: <https://w3id.org/etiograph/kg/> .\n\nkg:a kg:b kg:c\nkg:d kg:e kg:f .\n")
    with pytest.raises(DataError) as caught:
        validate([broken])
    assert caught.value.path == str(broken)
    assert caught.value.line in (3, 4)
    assert str(caught.value).startswith(f"{broken}:{caught.value.line}")


def test_every_targeted_rule_has_a_message():
    """A curator reads sh:message, not SHACL internals: every rule that can fire on its own says what to do."""
    shapes = rdflib.Graph().parse(resources.shapes_file(), format="turtle")
    targets = (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode, SH.target)
    node_constraints = (SH["class"], SH["or"], SH.node, SH["not"], SH.nodeKind)
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    assert targeted
    missing = []
    for shape in targeted:
        if any((shape, c, None) in shapes for c in node_constraints) and (shape, SH.message, None) not in shapes:
            missing.append(f"{shape} (node constraint)")
        for prop in shapes.objects(shape, SH.property):
            if (prop, SH.message, None) not in shapes:
                missing.append(f"{shape} sh:property on {shapes.value(prop, SH.path)}")
        for sparql in shapes.objects(shape, SH.sparql):
            if (sparql, SH.message, None) not in shapes:
                missing.append(f"{shape} sh:sparql")
    assert missing == []
