"""The import graph of a cold start: what ``etiograph --help``, the query commands, ``check``, ``build``,
``validate`` and ``export`` load.

Each command runs in a fresh interpreter (``python -c``) and reports ``sys.modules`` afterwards;
heavy libraries must appear only in the commands that use them. Times are measured by
``benchmarks/bench_cold_start.py``, never asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Every test starts etiograph in a fresh interpreter: out of the edit-run lane.
pytestmark = pytest.mark.slow

HEAVY = ("networkx", "pyvis", "rdflib", "starlette", "uvicorn", "pyshacl", "jinja2", "numpy", "igraph", "pyparsing")
#: Standard-library modules no article command needs: ``dataclasses`` imports ``inspect`` (with ``ast``, ``dis``,
#: ``tokenize``) and compiles every class's methods at import; etiograph's records come from etiograph.records.
SLOW_STDLIB = ("dataclasses", "inspect", "ast", "html.entities")  # html.entities: 8 M instructions, for unescape

PROBE = """
import contextlib, io, json, os, sys
from etiograph.cli import main
devnull = os.open(os.devnull, os.O_WRONLY)
saved = os.dup(1)
os.dup2(devnull, 1)
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
finally:
    sys.stdout.flush()
    os.dup2(saved, 1)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def modules_after(*argv: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]} | set(report["modules"])


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("paths", "UTI", "leg cramps"),
        ("upstream", "leg cramps"),
        ("downstream", "UTI", "--max-hops", "2"),
        ("explain", "leg cramps"),
        ("query", "infection-comparison"),
        ("check", "-o", "{tmp}/check.txt"),
        ("build", "--check"),
        ("build", "-o", "{tmp}/built"),
        ("validate",),
        *(("export", "--format", fmt, "-o", f"{{tmp}}/graph.{fmt}") for fmt in ("turtle", "nt", "jsonld", "trig")),
        ("export", "--split", "{tmp}/nanopubs"),
        ("viz", "UTI", "leg cramps", "-o", "{tmp}/diagram.html"),
    ],
    ids=[
        "help",
        "paths",
        "upstream",
        "downstream",
        "explain",
        "query",
        "check",
        "build-check",
        "build-o",
        "validate",
        "export-turtle",
        "export-nt",
        "export-jsonld",
        "export-trig",
        "export-split",
        "viz",
    ],
)
def test_article_commands_load_no_heavy_library(argv: tuple[str, ...], tmp_path):
    code, modules = modules_after(*(a.format(tmp=tmp_path) for a in argv))
    assert code in (0, None)
    assert sorted(modules & set(HEAVY)) == []
    assert sorted(modules & set(SLOW_STDLIB)) == []


def test_check_reuses_sentence_boundaries_without_pysbd(tmp_path):
    """The first ``check`` of a text runs pysbd and keeps its boundaries; the next one does not import it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = modules_after("check", "-o", str(tmp_path / "first.txt"), env=env)[1]
    second = modules_after("check", "-o", str(tmp_path / "second.txt"), env=env)[1]
    assert "pysbd" in first and "pysbd" not in second
    assert (tmp_path / "first.txt").read_bytes() == (tmp_path / "second.txt").read_bytes()


def test_help_does_not_load_the_query_layer():
    _, modules = modules_after("--help")
    assert not modules & {"pyoxigraph", "etiograph.graph", "etiograph.causal.source", "etiograph.causal.index"}


def test_paths_uses_the_causal_index_on_the_default_store():
    code, modules = modules_after("paths", "UTI", "leg cramps")
    assert code == 0
    assert {"etiograph.causal.index", "etiograph.causal.lookup"} <= modules


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("paths", "UTI", "leg cramps"), ("export", "--format", "trig", "-o", "{tmp}/graph.trig")],
    ids=["help", "paths", "export-trig"],
)
def test_the_parser_finds_the_terminal_width_without_shutil(argv: tuple[str, ...], tmp_path):
    """argparse imports shutil (with bz2, lzma, fnmatch) for the width; cli.HelpFormatter finds it itself."""
    _, modules = modules_after(*(a.format(tmp=tmp_path) for a in argv))
    assert not modules & {"shutil", "bz2", "lzma"}


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        *(("export", "--format", fmt, "-o", f"{{tmp}}/graph.{fmt}") for fmt in ("turtle", "nt", "jsonld", "trig")),
        ("export", "--split", "{tmp}/nanopubs"),
    ],
    ids=["help", "export-turtle", "export-nt", "export-jsonld", "export-trig", "export-split"],
)
def test_help_and_the_rdf_exports_do_not_import_typing(argv: tuple[str, ...], tmp_path):
    """Their modules read ``TYPE_CHECKING`` by name (typing is ~2 % of an export's cold start)."""
    _, modules = modules_after(*(a.format(tmp=tmp_path) for a in argv))
    assert "typing" not in modules
