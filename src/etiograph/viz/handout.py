"""A printable handout: the diagram as a static image, each drawn path as numbered steps with its
sentence and certainty in words, what counteracts the steps, and the source's citation.

The same HTML is the print view of every diagram page (hidden on screen) and, wrapped in its own
document, what ``etiograph viz … --handout FILE.html`` writes (no script at all).
"""

from __future__ import annotations

from ..markup import escape
from . import style
from .model import Diagram
from .network import VisData

#: Above this many drawn links the handout leaves the picture out: unreadable on A4 anyway.
FIGURE_LINKS = 80

PRINT_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
.etg-handout { font: 11.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111827; }
.etg-handout h1 { font-size: 19pt; margin: 0 0 2mm; }
.etg-handout .etg-handout-caption { color: #374151; margin: 0 0 4mm; }
.etg-handout figure { margin: 0 0 5mm; break-inside: avoid; }
.etg-handout figure svg { width: 100%; height: auto; border: 0.3mm solid #d1d5db; }
.etg-handout h2 { font-size: 14pt; margin: 5mm 0 2mm; break-after: avoid; }
.etg-handout .etg-handout-path { break-inside: avoid; margin: 0 0 4mm; }
.etg-handout .etg-handout-path h3 { font-size: 12pt; margin: 0 0 1mm; }
.etg-handout ol.etg-handout-steps { margin: 0; padding-left: 7mm; }
.etg-handout ol.etg-handout-steps li { margin: 0 0 1.5mm; }
.etg-handout q { font-style: italic; }
.etg-handout .etg-handout-certainty { color: #374151; }
.etg-handout .etg-handout-source { margin-top: 6mm; padding-top: 2mm; border-top: 0.3mm solid #d1d5db; font-size: 10pt; color: #374151; }
"""


def handout_body(diagram: Diagram, data: VisData) -> str:
    """The handout's HTML (no <html> wrapper): every text escaped."""
    from .static import svg

    parts = [f"<h1>{escape(diagram.title)}</h1>", f'<p class="etg-handout-caption">{escape(diagram.caption)}</p>']
    if len(diagram.drawn_links) <= FIGURE_LINKS:
        parts.append(f"<figure>{svg(diagram, data, chrome=False, size=(1600, 900))}</figure>")
    else:
        parts.append(f"<p>(The diagram has {len(diagram.drawn_links)} links: too many to print legibly on a page.)</p>")
    drawn = diagram.paths[: diagram.drawn]
    if drawn:
        more = diagram.total_paths - len(drawn)
        parts.append(
            f"<h2>{len(drawn)} {'path' if len(drawn) == 1 else 'paths'}, step by step</h2>"
            + (f"<p>{more} more paths are in the data (etiograph paths lists them all).</p>" if more > 0 else "")
        )
        for number, path in enumerate(drawn, 1):
            steps = []
            for i, step in enumerate(path.steps):
                sentence = style.certainty_sentence(step.certainty).format(step.certainty or "")
                mechanisms = ", ".join(diagram.mechanism_labels.get(m, m) for m in step.mechanisms)
                quote = f" <q>{escape(step.quote)}</q>" if step.quote else ""
                steps.append(
                    f"<li><strong>{escape(path.labels[i])} {escape(step.predicate_label)} {escape(path.labels[i + 1])}.</strong>"
                    f'{quote} <span class="etg-handout-certainty">{escape(sentence)}'
                    f"{' Mechanism: ' + escape(mechanisms) + '.' if mechanisms else ''}</span></li>"
                )
            weakest = f" (weakest link: {escape(path.certainty)})" if path.certainty else ""
            parts.append(
                f'<section class="etg-handout-path"><h3>Path {number}: {escape(" → ".join(path.labels))}{weakest}</h3>'
                f'<ol class="etg-handout-steps">{"".join(steps)}</ol></section>'
            )
        counters = _counters(diagram, drawn)
        if counters:
            parts.append("<h2>What counteracts these steps</h2><ul>" + "".join(counters) + "</ul>")
    if diagram.citation:
        parts.append(
            f'<p class="etg-handout-source">Source: {escape(diagram.citation)} '
            f"Every step quotes the article's own sentence. {escape(_dated(diagram))}</p>"
        )
    return "".join(parts)


def _counters(diagram: Diagram, paths) -> list[str]:
    labels = {n.iri: n.label for n in diagram.nodes}
    seen: list[str] = []
    out = []
    for path in paths:
        for iri in path.nodes:
            if iri in seen:
                continue
            seen.append(iri)
            for c in diagram.counters.get(iri, []):
                quote = f" <q>{escape(c.quote)}</q>" if c.quote else ""
                out.append(
                    f"<li><strong>{escape(c.source_label)} {escape(c.predicate_label)} {escape(labels.get(iri, iri))}</strong>"
                    f" ({escape(c.certainty or 'certainty not given')}).{quote}</li>"
                )
    return out


def _dated(diagram: Diagram) -> str:
    return (
        f"Data of {diagram.data_date}; diagram made with etiograph."
        if diagram.data_date
        else "Diagram made with etiograph."
    )


def handout_document(diagram: Diagram, data: VisData) -> str:
    """A standalone, script-free HTML handout ready to print on A4 or Letter."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="etiograph">
<title>{escape(diagram.title)}: handout</title>
<style>{PRINT_CSS}
body {{ margin: 0; background: #ffffff; }}
.etg-handout {{ max-width: 182mm; margin: 10mm auto; }}
@media print {{ .etg-handout {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<main class="etg-handout">{handout_body(diagram, data)}</main>
</body>
</html>
"""
