"""The whole graph as an overview by mechanism: one readable panel per mechanism, each opening
that mechanism's diagram, instead of every concept in one zoomed-out drawing.

A panel names the mechanism with its colour and mark, counts its concepts and claims, and spells
out its main chains ("urinary tract infection → fever → dehydration → leg cramps") in text large
enough for the back of a room. In one self-contained page (``etiograph viz`` with no concepts,
``serve``'s ``/diagram``) each mechanism's diagram travels in a ``<template>`` and opens in place;
in a gallery the panels link to the mechanism pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise

from ..graph import KnowledgeGraph
from ..markup import escape
from ..records import NamedTuple
from . import style
from .layout import Digraph, _back_edges
from .model import Diagram, count, dataset_date, dataset_title, mechanism_diagrams
from .network import vis_data
from .page import ASSETS, _safe_script, diagram_div, runtime_assets, vis_assets

#: Chains shown per panel, and concepts per chain (longer ones are shortened in the middle).
CHAINS = 3
#: A mechanism with more links than this is not carried inside the overview page (a huge page for
#: a drawing no class could read); its panel says how to write it as a page of its own.
EMBEDDED_LINKS = 600
CHAIN_LENGTH = 6


class Panel(NamedTuple):
    notation: str
    label: str
    diagram: Diagram
    chains: tuple[tuple[str, ...], ...]


def panels(kg: KnowledgeGraph, data_date: str | None) -> list[Panel]:
    """A panel for each mechanism with at least one claim, in the ontology's order."""
    return [
        Panel(d.mechanism or "", d.mechanism_labels.get(d.mechanism or "", ""), d, main_chains(d))
        for d in mechanism_diagrams(kg, data_date)
    ]


def causal_dag(diagram: Diagram) -> Digraph:
    """The diagram's causal links (counteracting ones left out) as a graph, its cycles broken where the
    layout breaks them (:func:`etiograph.viz.layout._back_edges`), so chains can be followed to an end."""
    graph = Digraph(edges=((link.source, link.target) for link in diagram.links if not link.counteracting))
    for u, v in _back_edges(graph, sorted(graph.nodes), None):
        graph.remove_edge(u, v)
    return graph


def main_chains(diagram: Diagram, limit: int = CHAINS) -> tuple[tuple[str, ...], ...]:
    """The mechanism's main causal chains, as labels: each the root-to-end route covering most
    arrows not yet told (so the chains differ), longest first."""
    graph = causal_dag(diagram)
    if not graph:
        return ()
    order = graph.topological_order()
    labels = {n.iri: n.label for n in diagram.nodes}
    covered: set[tuple[str, str]] = set()
    chains: list[tuple[str, ...]] = []
    roots = [n for n in order if graph.in_degree(n) == 0]
    for _ in range(limit):
        # best route from each node to an end, by new arrows: (score, concepts on it, next concept),
        # the first best child winning a tie on (score, fewer concepts); routes are followed, not copied
        best: dict[str, tuple[float, int, str | None]] = {}
        for node in reversed(order):
            top = (0.0, 1, None)
            for child in graph.successors(node):
                score, length, _ = best[child]
                score += 1.0 if (node, child) not in covered else 0.01
                if top[2] is None or score > top[0] or (score == top[0] and length + 1 < top[1]):
                    top = (score, length + 1, child)
            best[node] = top
        start = max(roots, key=lambda r: (best[r][0], best[r][1]), default=None)
        if start is None or best[start][0] < 1 or best[start][1] < 2:
            break
        route = [start]
        while best[route[-1]][2] is not None:
            route.append(best[route[-1]][2])
        covered.update(pairwise(route))
        chains.append(tuple(labels[n] for n in route))
    return tuple(sorted(chains, key=len, reverse=True))


def shorten(chain: Sequence[str], length: int = CHAIN_LENGTH) -> list[str]:
    """A chain of at most ``length`` labels: the start, "…", the end.

    >>> shorten(list("abcdefgh"), 5)
    ['a', 'b', '…', 'g', 'h']
    """
    if len(chain) <= length:
        return list(chain)
    head = (length - 1) // 2
    return [*chain[:head], "…", *chain[len(chain) - (length - 1 - head) :]]


def overview_html(
    kg: KnowledgeGraph,
    *,
    title: str | None = None,
    data_date: str | None = None,
    nav: Sequence[tuple[str, str, bool]] = (),
    links: dict[str, str] | None = None,
    found: list[Panel] | None = None,
) -> str:
    """The overview page; ``links`` (mechanism notation → relative href) makes panels link to
    pages of a gallery instead of carrying their diagrams inside the page; ``found``: the panels,
    when the caller has built them already."""
    data_date = data_date or dataset_date(kg)
    found = panels(kg, data_date) if found is None else found
    heading = title or dataset_title(kg) or "Causal graph"
    concepts = {n.iri for p in found for n in p.diagram.nodes}
    claims = {(link.source, link.target, link.counteracting) for p in found for link in p.diagram.links}
    caption = (
        f"{count(len(found), 'mechanism')} · {count(len(concepts), 'concept')} · {count(len(claims), 'link')} · "
        + (f"data of {data_date}" if data_date else "data date unknown")
    )
    looks = style.mechanism_looks([p.notation for p in found])
    vis_js, vis_css = vis_assets()
    runtime_js, runtime_css = runtime_assets()
    items, templates = [], []
    for panel in found:
        colour, marker = looks[panel.notation]
        chains = "".join(
            "<li>" + " → ".join(escape(label) for label in shorten(chain)) + "</li>" for chain in panel.chains
        )
        diagram = panel.diagram
        causal = sum(not link.counteracting for link in diagram.links)
        counts = f"{count(len(diagram.nodes), 'concept')} · {count(causal, 'causal link')}"
        if causal < len(diagram.links):
            counts += f" · {len(diagram.links) - causal} counteracting"
        body = (
            f"<h2>{style.line_icon(colour, marker=marker)}<span>{escape(panel.label)}</span></h2>"
            f'<p class="etg-panel-count">{escape(counts)}</p>'
            f'<ol class="etg-chains" aria-label="Main chains">{chains}</ol>'
            f'<span class="etg-panel-open" aria-hidden="true">Open the diagram →</span>'
        )
        notation = escape(panel.notation, quote=True)
        if links is None and len(diagram.links) > EMBEDDED_LINKS:
            command = f"etiograph viz --mechanism {panel.notation} -o {panel.notation}.html"
            body = body.replace(
                '<span class="etg-panel-open" aria-hidden="true">Open the diagram →</span>',
                f'<span class="etg-panel-open">Too big to draw here: <code>{escape(command)}</code></span>',
            )
            items.append(f'<li><div class="etg-panel etg-panel-big" data-mechanism="{notation}">{body}</div></li>')
        elif links is not None:
            href = escape(links.get(panel.notation, "#"), quote=True)
            items.append(f'<li><a class="etg-panel" href="{href}" data-mechanism="{notation}">{body}</a></li>')
        else:
            items.append(
                f'<li><button type="button" class="etg-panel" data-mechanism="{notation}" '
                f'aria-label="Open the diagram of {escape(panel.label, quote=True)}">{body}</button></li>'
            )
            data = vis_data(diagram)
            templates.append(f'<template data-mechanism="{notation}">{diagram_div(diagram, data)}</template>')
    nav_html = ""
    if nav:
        current_mark = ' aria-current="page"'
        nav_links = "".join(
            f'<a href="{escape(href)}"{current_mark if current else ""}>{escape(text)}</a>'
            for text, href, current in nav
        )
        nav_html = f'<nav class="etg-nav" aria-label="Diagrams">{nav_links}</nav>'
    help_text = (
        "Each panel is one mechanism the article describes, with its main chains of causes. "
        "Click a panel (or Tab to it and press Enter) to open its diagram."
    )
    overview_js = _overview_js()
    scripts = f"<script>{vis_js}</script>\n<script>{runtime_js}</script>" if templates else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="etiograph">
<title>{escape(heading)}: overview by mechanism</title>
<style>{vis_css if templates else ""}</style>
<style>{runtime_css}</style>
{scripts}
</head>
<body style="margin:0">
<div class="etiograph-overview">
<div class="etg-overview-home">
<header class="etg-header"><div class="etg-titles"><h1>{escape(heading)}</h1>
<p class="etg-caption">{escape(caption)}</p>{nav_html}</div></header>
<main class="etg-overview-main">
<p class="etg-overview-help">{escape(help_text)}</p>
<ul class="etg-panels">{"".join(items)}</ul>
</main>
</div>
<div class="etg-stage" hidden><div class="etg-stage-bar"><button type="button" class="etg-stage-back">← All mechanisms</button></div></div>
{"".join(templates)}
</div>
<script>{overview_js}</script>
</body>
</html>
"""


@cache
def _overview_js() -> str:
    """The overview's script, read once per process like the diagram runtime (page.runtime_assets)."""
    return _safe_script((ASSETS / "overview.js").read_text(encoding="utf-8"))
