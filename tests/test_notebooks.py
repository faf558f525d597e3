"""The notebooks run top to bottom in a fresh kernel, show what they promise, and are stored clean.

Outputs are never stored in the notebooks: these tests execute them (nbclient, kernel ``python3``,
working directory ``notebooks/``, as a reader opening them would) and look for key outputs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
RESEARCHER = NOTEBOOKS / "01-researcher-sparql.ipynb"
EDUCATOR = NOTEBOOKS / "02-educator-causal-paths.ipynb"
STORED = sorted(NOTEBOOKS.glob("*.ipynb"))

FEVER_CHAIN = "urinary tract infection → fever → low magnesium → leg cramps"
MEDICATION_CHAIN = "urinary tract infection → antibiotics → leg cramps"
#: A path on this machine or another that would break the notebook in a fresh clone.
ABSOLUTE_PATH = re.compile(r"""["'](?:/(?:home|root|work|tmp|Users|mnt)/|[A-Za-z]:\\)""")


class Executed:
    """An executed notebook, its outputs as text and HTML, and the files it left beside itself."""

    def __init__(self, path: Path):
        # imported here: the stored-form tests below are in the fast lane and need only nbformat
        nbclient = pytest.importorskip("nbclient")
        pytest.importorskip("ipykernel")
        before = set(NOTEBOOKS.iterdir())
        self.nb = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            self.nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}}
        )
        client.execute()
        self.left_behind = sorted(p.name for p in set(NOTEBOOKS.iterdir()) - before)
        self.outputs = [o for cell in self.nb.cells if cell.cell_type == "code" for o in cell.outputs]

    @property
    def errors(self) -> list[str]:
        return [f"{o.ename}: {o.evalue}" for o in self.outputs if o.output_type == "error"]

    @property
    def stderr(self) -> str:
        """Warnings and log lines: noise for a reader, so the notebooks must not produce any."""
        return "".join(o.text for o in self.outputs if o.output_type == "stream" and o.name == "stderr")

    @property
    def text(self) -> str:
        parts = [o.text for o in self.outputs if o.output_type == "stream"]
        parts += [o.data["text/plain"] for o in self.outputs if "text/plain" in o.get("data", {})]
        return "\n".join(parts)

    @property
    def html(self) -> list[str]:
        return [o.data["text/html"] for o in self.outputs if "text/html" in o.get("data", {})]

    @property
    def frames(self) -> list[str]:
        return [h for h in self.html if "<iframe" in h]


# Tests that use an executed notebook start a Jupyter kernel (a subprocess, seconds): marked slow and external.
@pytest.fixture(scope="module")
def researcher() -> Executed:
    return Executed(RESEARCHER)


@pytest.fixture(scope="module")
def educator() -> Executed:
    return Executed(EDUCATOR)


# -- stored form ----------------------------------------------------------------------------------
def test_both_notebooks_are_shipped():
    assert {RESEARCHER, EDUCATOR} <= set(STORED)


@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} keep outputs; clear them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, "keep notebook metadata minimal"


@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_no_absolute_paths(path: Path):
    nb = nbformat.read(path, as_version=4)
    found = [c.source for c in nb.cells if ABSOLUTE_PATH.search(c.source)]
    assert not found, f"{path.name} uses an absolute path; use tempfile or a path relative to notebooks/"


# -- 01: researcher -------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.external
def test_researcher_runs_cleanly(researcher: Executed):
    assert researcher.errors == []
    assert researcher.stderr == ""
    assert researcher.left_behind == [], "write outputs to a temporary directory, not beside the notebook"


@pytest.mark.slow
@pytest.mark.external
def test_researcher_shows_named_queries(researcher: Executed):
    for name in ("infection-comparison", "electrolyte-roles", "edge-evidence", "claims-by-certainty"):
        assert name in researcher.text
    assert "pyelonephritis" in researcher.text and "high" in researcher.text  # the comparison table
    assert any("<table>" in h and "magnesium" in h for h in researcher.html)


@pytest.mark.slow
@pytest.mark.external
def test_researcher_shows_a_path_with_its_evidence(researcher: Executed):
    assert FEVER_CHAIN in researcher.text
    assert "“UTIs often cause symptoms like fever" in researcher.text
    assert MEDICATION_CHAIN in researcher.text
    assert "dehydration" in researcher.text.split("mediator", 1)[-1]  # the hubs table


@pytest.mark.slow
@pytest.mark.external
def test_researcher_export_is_self_contained(researcher: Executed):
    assert "same as the graph above: True" in researcher.text
    assert "fever contributesTo dehydration" in researcher.text


# -- 02: educator ---------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.external
def test_educator_runs_cleanly(educator: Executed):
    assert educator.errors == []
    assert educator.stderr == ""
    assert educator.left_behind == [], "diagrams must be inline, not files beside the notebook"


@pytest.mark.slow
@pytest.mark.external
def test_educator_diagrams_are_inline_iframes(educator: Executed):
    frames = educator.frames
    assert frames, "no diagram displayed"
    for frame in frames:
        assert re.search(r"<iframe srcdoc=\"[^\"]*etiograph-data", frame), "the diagram's page travels in srcdoc"
        assert not re.search(r"<iframe[^>]*\ssrc=", frame), "an iframe to a file stays blank in VS Code and Colab"
        page = html.unescape(frame)
        assert "vis.Network" in page  # vis-network is inlined, not fetched: the diagram works offline
        assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"']?https?:", page), (
            "a page must not need the network"
        )


@pytest.mark.slow
@pytest.mark.external
def test_educator_draws_one_diagram_per_mechanism(educator: Executed):
    from etiograph import KnowledgeGraph

    mechanisms = KnowledgeGraph.load().run_named("mechanism-summary").values("name")
    frames = "\n".join(educator.frames)
    missing = [m for m in mechanisms if html.escape(f'"mechanism":"{m}"', quote=True) not in frames]
    assert not missing, f"no diagram for mechanism(s) {missing}"


@pytest.mark.slow
@pytest.mark.external
def test_educator_prints_paths(educator: Executed):
    assert MEDICATION_CHAIN in educator.text
    assert "“Antibiotics prescribed for UTIs sometimes have side effects" in educator.text
