"""A static gallery for a class: an index page and one diagram per question and mechanism."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnknownConceptError
from ..graph import KnowledgeGraph
from ..markup import escape
from ..records import NamedTuple
from .model import Diagram, build_diagram, dataset_date, dataset_title
from .overview import overview_html, panels
from .page import render, runtime_assets, write_page


class Entry(NamedTuple):
    file: str
    heading: str
    caption: str
    diagram: Diagram | None  # None: the overview by mechanism


def slug(text: str) -> str:
    """A file-name-safe form of ``text``.

    >>> slug("Referred pain via L1-L4 / <b>")
    'referred-pain-via-l1-l4-b'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "diagram"


def write_gallery(
    kg: KnowledgeGraph, directory: Path, *, source: str, target: str, max_hops: int, data_date: str | None
) -> list[Path]:
    data_date = data_date or dataset_date(kg)
    found = panels(kg, data_date)
    mechanism_files = {p.notation: f"mechanism-{slug(p.notation)}.html" for p in found}
    overview_caption = "One panel per mechanism with its main chains; each opens the mechanism's diagram."
    entries = [Entry("overview.html", "Overview by mechanism", overview_caption, None)]
    try:
        headline = build_diagram(kg, source, target, max_hops=max_hops, data_date=data_date)
    except UnknownConceptError:
        headline = None
    if headline is not None and headline.source and headline.target:
        name = f"{slug(headline.source.label)}-to-{slug(headline.target.label)}.html"
        entries.insert(0, Entry(name, headline.title, headline.caption, headline))
    entries += [Entry(mechanism_files[p.notation], p.diagram.title, p.diagram.caption, p.diagram) for p in found]

    written = []
    for entry in entries:
        nav = [("All diagrams", "index.html", False)] + [(e.heading, e.file, e is entry) for e in entries]
        path = directory / entry.file
        if entry.diagram is None:
            page = overview_html(kg, data_date=data_date, nav=nav, links=mechanism_files, found=found)
        else:
            page = render(entry.diagram, nav=nav)
        write_page(path, page)
        written.append(path)
    from ..ontodoc import write_docs

    # The ontology and concept documentation, so a reader of the diagrams can look up every term.
    written += write_docs(kg, directory / "ontology", gallery="../index.html")
    docs = Entry("ontology/index.html", "Ontology and concepts", "Every class, property and concept, with its claims.", None)
    index = directory / "index.html"
    write_page(index, _index([*entries, docs], kg, data_date))
    return [index, *written]


def _index(entries: list[Entry], kg: KnowledgeGraph, data_date: str | None) -> str:
    _, css = runtime_assets()
    cards = "".join(
        f'<li><a href="{escape(e.file)}">{escape(e.heading)}</a><p>{escape(e.caption)}</p></li>' for e in entries
    )
    title = dataset_title(kg) or "etiograph diagrams"
    when = f"Data of {data_date}." if data_date else "Data date unknown."
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}: diagrams</title>
<style>{css}
.etiograph-diagram.etg-index {{ height: auto; min-height: 100vh; }}
.etg-index main {{ max-width: 880px; padding: 20px; }}
.etg-index ul {{ list-style: none; padding: 0; }}
.etg-index li {{ margin: 0 0 14px; padding: 12px 14px; border: 1px solid var(--etg-line); border-radius: 8px; }}
.etg-index li a {{ font-size: 16px; font-weight: 600; color: #1d5fa8; text-decoration: none; }}
.etg-index li p {{ margin: 4px 0 0; color: var(--etg-muted); }}
</style>
</head>
<body style="margin:0">
<div class="etiograph-diagram etg-index">
<header class="etg-header"><h1>{escape(title)}</h1>
<p class="etg-caption">Interactive diagrams: hover over an arrow to read the sentence behind it. {escape(when)}</p></header>
<main><ul>{cards}</ul></main>
</div>
</body>
</html>
"""
