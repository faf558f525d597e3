"""Browsable, offline documentation of the ontology and its concept schemes (``etiograph docs``).

One static page: every class and property with its definition, IRI, domain, range, parents and
``skos`` mappings (to RO, Biolink, Wikidata), then every concept scheme (the article's concepts,
mechanisms, certainty levels, risk levels) with each concept's labels, definition, mappings and
the claims it takes part in, each with its quote.

Why not pyLODE, the field's standard? Tried (pyLODE 3.4.1, the release pip resolves here): the
installed wheel fails at import (it reads a ``pyproject.toml`` that the wheel does not ship); once
patched, its OntPub profile merges the three concept schemes into the ontology's title and IRI,
shows no ``skos`` mappings (so none of the Biolink/RO alignments) and no concepts or claims, and its
VocPub profile covers the schemes but not the OWL terms. Neither profile can list the claims a
concept appears in, so this is a small template of our own.

>>> from etiograph.graph import KnowledgeGraph
>>> html = page_html(KnowledgeGraph.load())
>>> 'id="etio-causes"' in html and 'id="kg-fever"' in html and "<script" not in html
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["page_html", "write_docs"]


def page_html(kg: KnowledgeGraph, *, gallery: str | None = None) -> str:
    """The documentation page for the ontology and data in ``kg``."""
    from .model import collect
    from .page import render

    return render(collect(kg), gallery=gallery)


def write_docs(kg: KnowledgeGraph, directory: str | Path, *, gallery: str | None = None) -> list[Path]:
    """Write ``index.html`` into ``directory`` (made if missing); returns the files written."""
    from ..atomic import write_text_atomic

    path = Path(directory) / "index.html"
    write_text_atomic(path, page_html(kg, gallery=gallery))
    return [path]
