"""The one export-format registry (etiograph.formats): what the CLI offers, guesses and imports."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from etiograph import export, formats
from etiograph.cli import build_parser, main

HEAVY = ("rdflib", "networkx", "pyvis", "starlette", "uvicorn", "pyshacl", "igraph")


def export_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["export"]


def test_names_extensions_and_media_types_are_unique() -> None:
    table = formats.EXPORT_FORMATS.values()
    names = [f.name for f in table]
    extensions = [f.extension for f in table if f.extension]  # "" is a folder
    assert len(set(names)) == len(names) and len(set(extensions)) == len(extensions)
    assert all(f.extension == "" or f.extension.startswith(".") for f in table)
    assert all("/" in f.media_type and f.model in ("rdf", "property graph") for f in table)


def test_the_cli_offers_exactly_the_registry() -> None:
    action = next(a for a in export_parser()._actions if "--format" in a.option_strings)
    assert list(action.choices) == formats.names()


def test_every_writer_resolves() -> None:
    for fmt in formats.EXPORT_FORMATS.values():
        assert callable(fmt.load_writer()), fmt.name


def test_export_formats_are_the_rdf_entries() -> None:
    assert list(export.FORMATS) == formats.of_model("rdf") == ["turtle", "nt", "jsonld", "trig"]
    assert all(export.FORMATS[name] == formats.by_name(name).extension for name in export.FORMATS)


def test_lookups() -> None:
    assert formats.by_extension("OUT/Graph.TTL").name == "turtle"
    assert formats.by_extension("graph.cyjs").name == "cytoscape"
    assert formats.by_extension("graph.txt") is None
    assert formats.by_media_type("application/ld+json; charset=utf-8").name == "jsonld"
    assert formats.by_media_type("text/html") is None
    with pytest.raises(ValueError, match="choose one of turtle, nt, jsonld, trig"):
        formats.by_name("rdfxml")


def test_a_clashing_registration_is_refused() -> None:
    turtle = formats.by_name("turtle")
    with pytest.raises(ValueError, match="clashes"):
        formats.register(turtle._replace(name="turtle2"))  # same extension
    with pytest.raises(ValueError, match="clashes"):
        formats.register(turtle._replace(extension=".ttl2"))  # same name
    assert "turtle2" not in formats.EXPORT_FORMATS


@pytest.mark.slow  # a whole export per format
@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig"])
def test_the_format_follows_the_output_extension(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / f"graph{formats.by_name(fmt).extension}"
    assert main(["export", "-o", str(target)]) == 0
    assert f"bytes, {fmt})" in capsys.readouterr().err
    assert target.read_bytes() == export.serialize(export_sources(), fmt)


def export_sources() -> list[Path]:
    from etiograph.datafiles import graph_sources

    return graph_sources()


@pytest.mark.slow  # a fresh interpreter per format
@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig"])
def test_an_export_imports_nothing_heavy(fmt: str, tmp_path: Path) -> None:
    # The cold-start budget (0.3 s) has no room for rdflib (the old parser) or the property-graph stack.
    script = (
        "import sys; from etiograph.cli import main; "
        f"code = main(['export', '--format', {fmt!r}, '-o', {str(tmp_path / 'out')!r}]); "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules}))); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.strip().split(","))
    assert "pyoxigraph" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
