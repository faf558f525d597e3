"""Where the bundled data lives: inside the wheel, or at the top of a source checkout.

`ontology/`, `graph/` and `queries/` are product data. A wheel carries them under
``etiograph/data/``; an editable install or a checkout reads them from the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding ``ontology/``, ``graph/`` and ``queries/``."""
    for candidate in (_PACKAGE / "data", _PACKAGE.parent.parent):
        if (candidate / "ontology" / "etiograph.ttl").is_file():
            return candidate
    from .errors import InstallationError

    raise InstallationError(
        f"etiograph's bundled data (ontology/, graph/, queries/) is missing from this installation "
        f"(looked in {_PACKAGE / 'data'} and {_PACKAGE.parent.parent}): reinstall etiograph"
    )


def ontology_file() -> Path:
    return data_root() / "ontology" / "etiograph.ttl"


def shapes_file() -> Path:
    return data_root() / "ontology" / "shapes.ttl"


def graph_files() -> list[Path]:
    """The bundled graph files, in a stable order (the generated ``spine.ttl`` included)."""
    return sorted((data_root() / "graph").glob("*.ttl"))


def spine_file() -> Path:
    """``graph/spine.ttl``: the causal spine entailed by the claims (generated, see ``etiograph.causal.spine``)."""
    return data_root() / "graph" / "spine.ttl"


def source_graph_files() -> list[Path]:
    """The curated files the spine is computed from: every graph file except the spine itself."""
    spine = spine_file()
    return [path for path in graph_files() if path != spine]


def queries_dir() -> Path:
    return data_root() / "queries"


def article_file() -> Path | None:
    """The source article, when a checkout has ``../shared/source/`` beside it (used for quote checks)."""
    for base in (data_root(), Path.cwd()):
        for candidate in (base.parent / "shared" / "source" / "can-a-uti-cause-leg-cramps.txt",):
            if candidate.is_file():
                return candidate
    return None
