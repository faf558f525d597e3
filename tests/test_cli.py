"""The ``etiograph`` command as users run it: paths in every format, reach, explain, output files, data files."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import data
import pyoxigraph as ox
import pytest

from etiograph.report import PATHS_SCHEMA

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_PREDICATE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")


def etiograph_command() -> list[str]:
    found = shutil.which("etiograph")
    return [found] if found else [sys.executable, "-m", "etiograph"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*etiograph_command(), *args], capture_output=True, text=True, timeout=timeout)


# -- paths --format json: the documented schema ------------------------------------------------------


def is_str_or_none(value: object) -> bool:
    return value is None or isinstance(value, str)


def check_iri_label(value: dict) -> None:
    assert set(value) == {"iri", "label"}
    assert isinstance(value["iri"], str) and value["iri"].startswith(("http://", "https://"))
    assert isinstance(value["label"], str) and value["label"]


def check_paths_schema(document: dict) -> None:
    """The schema documented in etiograph.report (version 1), key by key and type by type."""
    assert set(document) == {
        "schema",
        "source",
        "target",
        "max_hops",
        "filters",
        "total",
        "returned",
        "truncated",
        "paths",
        "mediators",
    }
    assert document["schema"] == PATHS_SCHEMA == "etiograph.paths/1"
    check_iri_label(document["source"])
    check_iri_label(document["target"])
    assert isinstance(document["max_hops"], int) and not isinstance(document["max_hops"], bool)
    assert isinstance(document["filters"], dict) and all(isinstance(v, str) for v in document["filters"].values())
    assert isinstance(document["total"], int) and isinstance(document["returned"], int)
    assert isinstance(document["truncated"], bool)
    assert document["returned"] == len(document["paths"]) <= document["total"]
    for path in document["paths"]:
        assert set(path) == {"length", "certainty", "nodes", "labels", "hops"}
        assert set(path["certainty"]) == {"rank", "weakest"}
        assert isinstance(path["certainty"]["rank"], int) and is_str_or_none(path["certainty"]["weakest"])
        assert len(path["nodes"]) == len(path["labels"]) == path["length"] + 1 == len(path["hops"]) + 1
        assert all(isinstance(n, str) for n in path["nodes"] + path["labels"])
        assert path["nodes"][0] == document["source"]["iri"] and path["nodes"][-1] == document["target"]["iri"]
        for i, hop in enumerate(path["hops"]):
            assert set(hop) == {
                "subject",
                "predicate",
                "object",
                "claim",
                "certainty",
                "rank",
                "mechanisms",
                "quote",
                "evidence",
            }
            check_iri_label(hop["subject"])
            check_iri_label(hop["object"])
            assert (hop["subject"]["iri"], hop["object"]["iri"]) == (path["nodes"][i], path["nodes"][i + 1])
            assert set(hop["predicate"]) == {"iri", "curie"}
            assert hop["predicate"]["curie"].startswith("etio:")
            assert is_str_or_none(hop["claim"]) and is_str_or_none(hop["certainty"]) and is_str_or_none(hop["quote"])
            assert isinstance(hop["rank"], int)
            assert isinstance(hop["mechanisms"], list) and all(isinstance(m, str) for m in hop["mechanisms"])
            for evidence in hop["evidence"]:
                assert set(evidence) == {"claim", "predicate", "certainty", "rank", "mechanisms", "quotes", "section"}
                assert isinstance(evidence["claim"], str) and isinstance(evidence["predicate"], str)
                assert is_str_or_none(evidence["certainty"]) and is_str_or_none(evidence["section"])
                assert isinstance(evidence["rank"], int)
                assert all(isinstance(q, str) for q in evidence["quotes"])
                assert all(isinstance(m, str) for m in evidence["mechanisms"])
    for mediator in document["mediators"]:
        assert set(mediator) == {"iri", "label", "paths_through", "share"}
        assert isinstance(mediator["paths_through"], int) and isinstance(mediator["share"], float | int)
        assert 0 < mediator["share"] <= 1


@pytest.fixture(scope="module")
def paths_json() -> dict:
    done = run("paths", "UTI", "leg cramps", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_paths_json_follows_the_documented_schema(paths_json: dict):
    check_paths_schema(paths_json)
    assert paths_json["source"] == {"iri": data.UTI, "label": "urinary tract infection"}
    assert paths_json["target"] == {"iri": data.LEG_CRAMPS, "label": "leg cramps"}
    assert paths_json["returned"] == paths_json["total"] > 10
    assert list(data.ELECTROLYTE_CHAIN_LABELS) in [p["labels"] for p in paths_json["paths"]]


def test_paths_json_with_filters_and_limit(cli):
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--mechanism", "medication", "--limit", "1"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    check_paths_schema(document)
    assert document["filters"] == {"mechanism": "medication"}
    assert document["returned"] == 1
    assert document["paths"][0]["nodes"] == list(data.MEDICATION_CHAIN)


def test_paths_csv_has_a_header_and_one_row_per_hop(cli, paths_json: dict):
    result = cli(["paths", "UTI", "leg cramps", "--format", "csv"])
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    header = ["path", "length", "hop", "subject", "predicate", "object", "certainty", "mechanisms", "claim", "quote"]
    assert rows[0] == header
    body = rows[1:]
    assert len(body) == sum(p["length"] for p in paths_json["paths"])
    assert all(len(row) == len(header) for row in body)
    first = [dict(zip(header, row)) for row in body if row[0] == "1"]
    assert [(r["subject"], r["object"]) for r in first] == [("urinary tract infection", "leg cramps")]
    assert all(r["claim"].startswith(data.CLAIM_NS) and r["quote"] for r in (dict(zip(header, row)) for row in body))


TURTLE_ARGS = ("paths", "UTI", "leg cramps", "--max-hops", "3")  # 3 hops already reach the hops the tests need


@pytest.fixture(scope="module")
def paths_turtle() -> list[ox.Triple]:
    done = run(*TURTLE_ARGS, "--format", "turtle")
    assert done.returncode == 0, done.stderr
    return [quad.triple for quad in ox.parse(done.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)]


@pytest.fixture(scope="module")
def turtle_paths_json() -> dict:
    done = run(*TURTLE_ARGS, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_paths_turtle_holds_each_hops_triple_and_a_claim_for_it(paths_turtle: list[ox.Triple], turtle_paths_json):
    triples = set(paths_turtle)
    claims_of = {}
    for t in paths_turtle:
        if t.predicate == RDF_SUBJECT:
            claims_of.setdefault(t.subject, {})["s"] = t.object
        elif t.predicate == RDF_PREDICATE:
            claims_of.setdefault(t.subject, {})["p"] = t.object
        elif t.predicate == RDF_OBJECT:
            claims_of.setdefault(t.subject, {})["o"] = t.object
    statements = {(c.get("s"), c.get("p"), c.get("o")) for c in claims_of.values()}
    assert turtle_paths_json["paths"]
    for path in turtle_paths_json["paths"]:
        for hop in path["hops"]:
            s, p, o = (ox.NamedNode(hop[k]["iri"]) for k in ("subject", "predicate", "object"))
            assert ox.Triple(s, p, o) in triples
            assert (s, p, o) in statements, f"no claim node for {hop['subject']['label']} → {hop['object']['label']}"


def test_paths_turtle_has_no_repeated_triples(paths_turtle: list[ox.Triple]):
    assert len(paths_turtle) == len(set(paths_turtle))


def test_paths_turtle_holds_every_hops_reported_claim(paths_turtle: list[ox.Triple], turtle_paths_json: dict):
    subjects = {t.subject for t in paths_turtle}
    hops = [h for p in turtle_paths_json["paths"] for h in p["hops"]]
    missing = {h["claim"] for h in hops if ox.NamedNode(h["claim"]) not in subjects}
    assert missing == set()


def test_paths_text_shows_the_chain_quotes_and_claims(cli):
    result = cli(["paths", "UTI", "leg cramps", "--max-hops", "4"])
    assert result.code == 0
    assert " → ".join(data.ELECTROLYTE_CHAIN_LABELS) in result.out
    assert "“" in result.out and "claim:" in result.out


def test_no_path_says_what_to_try(cli):
    result = cli(["paths", "leg cramps", "UTI"])
    assert result.code == 0
    assert "No path found" in result.out


# -- reach and explain ------------------------------------------------------------------------------


def test_upstream_lists_dehydration(cli):
    result = cli(["upstream", "leg cramps"])
    assert result.code == 0
    assert "dehydration" in result.out
    reach = json.loads(cli(["upstream", "leg cramps", "--format", "json"]).out)
    assert {"iri": data.DEHYDRATION, "label": "dehydration", "distance": 1} in reach["reached"]
    assert reach["direction"] == "upstream"


def test_downstream_lists_leg_cramps(cli):
    result = cli(["downstream", "UTI"])
    assert result.code == 0
    assert "leg cramps" in result.out
    rows = list(csv.DictReader(io.StringIO(cli(["downstream", "UTI", "--format", "csv"]).out)))
    assert {"iri": data.LEG_CRAMPS, "label": "leg cramps", "distance": "1"} in rows


def test_explain_dehydration_shows_causes_and_counteracting_interventions(cli):
    result = cli(["explain", "dehydration"])
    assert result.code == 0
    text = result.out
    causes = text[text.index("Direct causes") : text.index("Direct effects")]
    assert "fever" in causes and "fluid loss" in causes
    counter = text[text.index("Counteracted by") :]
    assert "hydration" in counter or "limiting caffeine and alcohol" in counter
    document = json.loads(cli(["explain", "dehydration", "--format", "json"]).out)
    counteracting = {h["subject"]["iri"] for h in document["counteracted_by"]}
    assert counteracting & {data.HYDRATION, data.LIMITING_CAFFEINE_ALCOHOL}
    assert {h["subject"]["iri"] for h in document["causes"]} >= {data.FEVER, data.FLUID_LOSS}


# -- output files -----------------------------------------------------------------------------------


def test_output_file_is_written_atomically(cli, tmp_path: Path):
    folder = tmp_path / "out"
    target = folder / "paths.json"
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--max-hops", "3", "-o", str(target)])
    assert result.code == 0 and result.out == ""
    first = json.loads(target.read_text(encoding="utf-8"))
    check_paths_schema(first)
    # overwrite in place: still one file, no temporary left behind
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--max-hops", "2", "-o", str(target)])
    assert result.code == 0
    assert [p.name for p in folder.iterdir()] == ["paths.json"]
    assert json.loads(target.read_text(encoding="utf-8"))["max_hops"] == 2


def test_output_file_matches_standard_output(cli, tmp_path: Path):
    target = tmp_path / "up.csv"
    assert cli(["upstream", "leg cramps", "--format", "csv", "-o", str(target)]).code == 0
    assert target.read_text(encoding="utf-8") == cli(["upstream", "leg cramps", "--format", "csv"]).out
    assert [p.name for p in tmp_path.iterdir()] == ["up.csv"]


# -- --data ---------------------------------------------------------------------------------------

BROKEN = """@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:a skos:prefLabel "alpha"@en ;
    skos:altLabel "unterminated .
"""

CUSTOM = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kg:heat a etio:Concept, skos:Concept ; skos:prefLabel "heat wave"@en .
kg:sweat a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "heavy sweating"@en .
kg:thirst a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "thirst"@en ; skos:altLabel "feeling thirsty"@en .

kg:heat etio:causes kg:sweat .
claim:heat--causes--sweat a etio:CausalClaim ;
    rdf:subject kg:heat ; rdf:predicate etio:causes ; rdf:object kg:sweat ;
    etio:certainty cert:asserted ; etio:mechanism mech:lifestyle ;
    etio:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Heat makes you sweat." ] ] .

kg:sweat etio:contributesTo kg:thirst .
claim:sweat--contributes-to--thirst a etio:CausalClaim ;
    rdf:subject kg:sweat ; rdf:predicate etio:contributesTo ; rdf:object kg:thirst ;
    etio:certainty cert:can ; etio:mechanism mech:electrolytes ;
    etio:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Sweating can make you thirsty." ] ] .
"""


def test_malformed_data_file_exits_2_naming_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    done = run("paths", "alpha", "beta", "--data", str(path))
    assert done.returncode == 2
    assert f"{path}:4:" in done.stderr, done.stderr  # the line of the unterminated string
    assert "invalid Turtle" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_data_file_exits_2(cli, tmp_path: Path):
    result = cli(["paths", "a", "b", "--data", str(tmp_path / "nowhere.ttl")])
    assert result.code == 2
    assert "nowhere.ttl" in result.err


def test_custom_data_file_works_for_paths(cli, tmp_path: Path):
    path = tmp_path / "custom.ttl"
    path.write_text(CUSTOM, encoding="utf-8")
    result = cli(["paths", "heat wave", "feeling thirsty", "--data", str(path), "--format", "json"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    check_paths_schema(document)
    assert [p["labels"] for p in document["paths"]] == [["heat wave", "heavy sweating", "thirst"]]
    hops = document["paths"][0]["hops"]
    assert [h["quote"] for h in hops] == ["Heat makes you sweat.", "Sweating can make you thirsty."]
    assert [h["certainty"] for h in hops] == ["asserted", "can"]
    # the bundled graph is replaced, not added to
    assert cli(["paths", "UTI", "leg cramps", "--data", str(path)]).code == 2


def test_custom_data_file_works_with_rdflib_store(cli, tmp_path: Path):
    path = tmp_path / "custom.ttl"
    path.write_text(CUSTOM, encoding="utf-8")
    result = cli(["paths", "heat wave", "thirst", "--data", str(path), "--store", "rdflib", "--format", "csv"])
    assert result.code == 0, result.err
    assert len(list(csv.reader(io.StringIO(result.out)))) == 3


def test_cold_start_wall_time_is_reported():
    start = time.perf_counter()
    done = run("paths", "UTI", "leg cramps")
    elapsed = time.perf_counter() - start
    assert done.returncode == 0
    print(f"cold start: `etiograph paths UTI 'leg cramps'` took {elapsed:.2f} s wall time")
