"""``etiograph validate``: the pyoxigraph SHACL engine against pySHACL, progress, speed, fallbacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etiograph import resources
from etiograph.datafiles import graph_sources
from etiograph.validate import validate
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


def test_validate_command_reports_progress_on_stderr_and_the_verdict_on_stdout():
    done = subprocess.run([sys.executable, "-m", "etiograph", "validate"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("conforms: ")
    assert "read " in done.stderr and "SHACL constraints" in done.stderr
    if resources.article_file() is not None:
        assert "quotes against" in done.stderr


def test_validate_reference_engine_from_the_command_line(cli):
    case = next(p for p in CASES if p.parent.name == "invalid")
    fast = cli(["validate", "--data", str(case)])
    reference = cli(["validate", "--data", str(case), "--engine", "pyshacl"])
    assert fast.code == reference.code == 1
    assert fast.out == reference.out
