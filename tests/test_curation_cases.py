"""Data-driven curation checks: every case in tests/data/curation/{valid,invalid}/*.yaml is written out
as a sheet root and run through the real `etiograph check` and `etiograph build`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from etiograph.cli import main

CASES = Path(__file__).parent / "data" / "curation"
#: Errors of judgement (check exits 1) that do not stop a build: the Turtle still says what the sheet says.
JUDGEMENTS = {"hedge", "table-quote"}
FILES = sorted((CASES / "valid").glob("*.yaml")) + sorted((CASES / "invalid").glob("*.yaml"))


def write_case(case: dict, root: Path) -> Path:
    """The case as a sheet root: concepts.tsv, sources/case/{source.yaml, claims.tsv, article.txt}."""
    folder = root / "sources" / "case"
    folder.mkdir(parents=True)
    concepts = case.get("concepts") or (CASES / "concepts.tsv").read_text(encoding="utf-8")
    (root / "concepts.tsv").write_text(concepts, encoding="utf-8")
    (folder / "article.txt").write_text(case["article"], encoding="utf-8")
    (folder / "claims.tsv").write_bytes(case["claims"].encode(case.get("claims_encoding", "utf-8")))
    if "tables" in case:  # hand-kept Turtle beside the sheet (the bundled article's tables)
        (folder / "tables.ttl").write_text(case["tables"], encoding="utf-8")
    meta = {"title": "A test case (fixture)", "text": "article.txt", **case.get("source", {})}
    (folder / "source.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return root


@pytest.fixture(params=FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def case(request: pytest.FixtureRequest) -> dict:
    data = yaml.safe_load(request.param.read_text(encoding="utf-8"))
    data["kind"] = request.param.parent.name
    return data


@pytest.mark.slow
def test_case(case: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_case(case, tmp_path / "graph")
    expect = case["expect"]
    if expect.get("exit") == 2:  # malformed input: one line naming file, row and column; nothing written
        for command in (["check", str(root)], ["build", str(root)]):
            assert main(command) == 2
            err = capsys.readouterr().err
            assert expect["message"] in err, err
            assert err.count("\n") == 1 and "Traceback" not in err
        assert not list(root.glob("*.ttl")) and not (root / "sources" / "case" / "offsets.tsv").exists()
        return
    code = main(["check", str(root), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    errors = {p["code"] for p in report["problems"] if p["severity"] == "error"}
    warnings = {p["code"] for p in report["problems"] if p["severity"] == "warning"}
    assert errors == set(expect["errors"]), report["problems"]
    assert warnings == set(expect["warnings"]), report["problems"]
    assert code == (1 if errors else 0)
    for problem in report["problems"]:  # every problem names the row it is about (or the Turtle file)
        assert (problem["file"].endswith("claims.tsv") and problem["row"] >= 2) or problem["file"].endswith("tables.ttl")
    [coverage] = report["coverage"]
    assert len(coverage["uncited"]) == expect["uncited"]
    if "cited" in expect:
        assert f"{coverage['cited']} of {coverage['causal_sentences']}" == expect["cited"]
    if "message" in expect:
        assert any(expect["message"] in p["message"] for p in report["problems"]), report["problems"]
    built = main(["build", str(root)])
    err = capsys.readouterr().err
    if errors - JUDGEMENTS:  # a sheet that cannot be compiled: build refuses (exit 2)
        assert built == 2
        assert not list(root.glob("*.ttl")), "a failed build writes nothing"
        assert err.startswith("etiograph: error: ") and err.count("\n") == 1
    else:
        assert built == 0, err
        assert (root / "claims.ttl").is_file() and (root / "sources" / "case" / "offsets.tsv").is_file()
        if "claims" in expect:
            assert (root / "claims.ttl").read_text().count(" a etio:") == expect["claims"]
    if case["kind"] == "valid":
        assert not errors and not warnings


def test_text_report_ends_with_the_coverage_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = yaml.safe_load((CASES / "invalid" / "coverage-gap.yaml").read_text(encoding="utf-8"))
    root = write_case(case, tmp_path / "graph")
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == "1 of 2 causal sentences cited"
    assert "Fever leads to sweating." in out
