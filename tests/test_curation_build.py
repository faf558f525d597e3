"""`etiograph build`: the bundled Turtle is exactly what the sheets compile to, on every run, with or
without the article at hand; a failed build writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etiograph import resources
from etiograph.cli import main
from etiograph.curation.build import GENERATED, build, compile_outputs
from etiograph.export import serialize

GRAPH = resources.data_root() / "graph"
SOURCE = GRAPH / "sources" / "can-a-uti-cause-leg-cramps"


def test_build_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    """Sheets and committed Turtle can never drift: this fails as soon as one is edited alone."""
    assert main(["build", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def _copy_graph(tmp_path: Path) -> Path:
    root = tmp_path / "graph"
    shutil.copytree(GRAPH, root)
    return root


def test_build_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    root = _copy_graph(tmp_path)
    first = compile_outputs([root], root).outputs
    second = compile_outputs([root], root).outputs
    assert first == second
    for name in GENERATED:
        if (root / name) in first:
            assert first[root / name] == (GRAPH / name).read_bytes(), name


def test_build_without_the_text_uses_the_recorded_offsets(tmp_path: Path) -> None:
    """A fresh clone without ../shared/source builds the same bytes from offsets.tsv."""
    root = _copy_graph(tmp_path)
    meta = root / "sources" / SOURCE.name / "source.yaml"
    meta.write_text(meta.read_text().replace("text: ../../../../shared/source/", "text: missing/"))
    result = compile_outputs([root], root)
    assert result.compiled.texts[SOURCE.name] is None
    for name in ("claims.ttl", "concepts.ttl", "source.ttl", "tables.ttl"):
        assert result.outputs[root / name] == (GRAPH / name).read_bytes(), name


def test_check_reports_a_stale_file_and_build_rewrites_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_graph(tmp_path)
    claims = root / "claims.ttl"
    claims.write_text(claims.read_text().replace("cert:can", "cert:may", 1))
    assert main(["build", str(root), "--check"]) == 1
    assert "stale:" in capsys.readouterr().out and claims.read_bytes() != (GRAPH / "claims.ttl").read_bytes()
    assert main(["build", str(root)]) == 0
    assert claims.read_bytes() == (GRAPH / "claims.ttl").read_bytes()


def test_a_failed_build_leaves_the_previous_turtle_intact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy_graph(tmp_path)
    sheet = root / "sources" / SOURCE.name / "claims.tsv"
    lines = sheet.read_text().splitlines(keepends=True)
    lines[5] = lines[5].replace("leg-cramps", "leg-crmps", 1)
    sheet.write_text("".join(lines))
    before = {name: (root / name).read_bytes() for name in ("claims.ttl", "concepts.ttl", "source.ttl")}
    assert main(["build", str(root)]) == 2
    err = capsys.readouterr().err
    assert "claims.tsv:6: column 'object': unknown concept 'leg-crmps'" in err and "'leg cramps'" in err
    assert {name: (root / name).read_bytes() for name in before} == before
    assert not list(root.glob(".*.tmp"))


@pytest.mark.slow
def test_data_accepts_a_sheet_folder(tmp_path: Path) -> None:
    """`--data graph/` compiles the sheets; the export equals the bundled graph's."""
    root = _copy_graph(tmp_path)
    for name in GENERATED:
        (root / name).unlink(missing_ok=True)
    from etiograph.datafiles import graph_sources

    ours = serialize(graph_sources([root]), "nt")
    assert ours == serialize(graph_sources([*(p for p in resources.graph_files() if p.name != "spine.ttl")]), "nt")


def test_build_api_writes_only_what_changed(tmp_path: Path) -> None:
    root = _copy_graph(tmp_path)
    assert build([root]).changed == []


@pytest.mark.slow  # two whole builds; the stale-file check above stays fast
def test_a_generated_file_no_longer_produced_is_stale_and_removed(tmp_path: Path) -> None:
    """Remove the last hand-kept table: graph/tables.ttl goes too, and --check says so first."""
    root = _copy_graph(tmp_path)
    (root / "sources" / SOURCE.name / "tables.ttl").unlink()
    assert build([root], check=True).changed == [root / "tables.ttl"]
    assert (root / "tables.ttl").is_file()
    build([root])
    assert not (root / "tables.ttl").exists()
    assert build([root], check=True).changed == []
