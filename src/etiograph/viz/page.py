"""Write a diagram as one self-contained HTML document: no CDN, no external file, no network.

vis-network's JavaScript and CSS are inlined from the copy pyvis ships (read from its package
folder, pyvis itself is not imported; only the style rules the page can use); the diagram travels as
JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, parsed
with ``JSON.parse``; every other text is HTML-escaped here. The page works as a file, in an
iframe ``srcdoc`` and inline in a notebook output.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..markup import escape
from . import style
from .model import Diagram
from .network import VisData, page_items, vis_data

#: Paths listed in the side panel; all of them are drawn.
LISTED_PATHS = 300
#: Above this many links, arrowheads and dashes are drawn only when zoomed in past DETAIL_SCALE
#: (in a 10,000-link overview they take ~90% of each frame and are too small to see).
DETAIL_LINKS = 2000
DETAIL_SCALE = 0.9
#: Smallest on-screen label size a page opens on (CSS px): 14 px on a 1366×768 projector, 16 px
#: from WIDE_SCREEN px wide (1920×1080). A diagram too big for that opens on a readable part.
READABLE_PX = 14
READABLE_WIDE_PX = 16
WIDE_SCREEN = 1800
#: The vis-network release pyvis bundles, preferred when several are present.
VIS_VERSION = "9.1.2"


#: vis-network's style rules for features the pages switch off (navigation buttons, the manipulation
#: toolbar, the configurator and its colour picker): ~215 kB of inlined PNG icons no page shows.
UNUSED_VIS_CSS = (
    *("vis-navigation", "vis-manipulation", "vis-edit-mode", "vis-close"),
    *("vis-configuration", "vis-configuration-wrapper", "vis-configuration-popup", "vis-color-picker"),
)


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's (JavaScript, CSS) from pyvis's package files, ready to inline (the CSS without the
    rules of switched-off features)."""
    folder = _vis_folder()
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = used_css((folder / "vis-network.css").read_text(encoding="utf-8"))
    return _safe_script(js), re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def used_css(css: str, unused: Sequence[str] = UNUSED_VIS_CSS) -> str:
    """``css`` without the rules whose selectors name one of the ``unused`` classes (a rule listing
    several selectors keeps the others). vis-network's stylesheet is flat: no @media, no nesting.

    >>> used_css(".vis-a{x:1}div.vis-navigation .vis-b,.vis-c{y:2}.vis-close{z:3}", ["vis-navigation", "vis-close"])
    '.vis-a{x:1}.vis-c{y:2}'
    """
    names = re.compile("|".join(rf"\.{re.escape(name)}(?![\w-])" for name in unused))
    out = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        kept = [s for s in selectors.split(",") if not names.search(s)]
        if kept:
            out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def _vis_folder() -> Path:
    # find_spec locates the package without importing it (pyvis imports jinja2 and networkx)
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        from ..errors import InstallationError

        raise InstallationError(
            "pyvis is not installed: etiograph's diagrams inline the vis-network it ships (pip install pyvis)"
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    candidates = [package / "lib" / f"vis-{VIS_VERSION}", package / "templates" / "lib" / f"vis-{VIS_VERSION}"]
    candidates += sorted(package.glob("**/vis-*/"), reverse=True)
    for folder in candidates:
        if (folder / "vis-network.min.js").is_file() and (folder / "vis-network.css").is_file():
            return folder
    from ..errors import InstallationError

    raise InstallationError(f"vis-network is missing from pyvis's package files under {package}: reinstall pyvis")


#: etiograph's own scripts and styles, beside this module (a plain folder: importlib.resources would
#: cost the command ~10 ms of imports for the same two files).
ASSETS = Path(__file__).with_name("assets")


@cache
def runtime_assets() -> tuple[str, str]:
    """etiograph's own (JavaScript, CSS) for the page."""
    js = (ASSETS / "diagram.js").read_text(encoding="utf-8")
    css = (ASSETS / "diagram.css").read_text(encoding="utf-8")
    return _safe_script(js), css


def write_page(path: str | Path, html: str) -> None:
    """Write a page atomically as UTF-8 (``-``: standard output), readable by others like any web page."""
    write_text_atomic(path, html)
    if str(path) != "-":
        os.chmod(path, 0o644)  # the atomic writer's temporary file is private (0600)


def _safe_script(js: str) -> str:
    """JavaScript that cannot end its <script> element early."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")


#: Compact, UTF-8 as is; no check for circular data (page data is a tree: the check took ~10% of the time).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped.

    >>> script_json({"label": "<img src=x onerror=alert(1)> & </script>"})
    '{"label":"\\\\u003cimg src=x onerror=alert(1)\\\\u003e \\\\u0026 \\\\u003c/script\\\\u003e"}'
    >>> json.loads(script_json({"a": "<&>"})) == {"a": "<&>"}
    True
    """
    text = _ENCODER.encode(value)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def render(
    diagram: Diagram, nav: Sequence[tuple[str, str, bool]] = (), *, story: bool = False, data: VisData | None = None
) -> str:
    """The page for ``diagram``; ``nav`` adds links (text, relative href, is-current) under the caption.

    ``story`` opens the page in story mode (path diagrams): the first path, one hop at a time.
    ``data``: the diagram's vis-network data when the caller has it already (static images use it too).
    """
    data = data or vis_data(diagram)
    vis_js, vis_css = vis_assets()
    runtime_js, runtime_css = runtime_assets()
    title = escape(diagram.title)
    nav_html = ""
    if nav:
        current_mark = ' aria-current="page"'
        links = "".join(
            f'<a href="{escape(href)}"{current_mark if current else ""}>{escape(text)}</a>'
            for text, href, current in nav
        )
        nav_html = f'<nav class="etg-nav" aria-label="Diagrams">{links}</nav>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="etiograph">
<title>{title}</title>
<style>{vis_css}</style>
<style>{runtime_css}</style>
<script>{vis_js}</script>
</head>
<body style="margin:0">
{diagram_div(diagram, data, nav_html=nav_html, story=story, script=runtime_js)}
</body>
</html>
"""


def diagram_div(diagram: Diagram, data: VisData, *, nav_html: str = "", story: bool = False, script: str = "") -> str:
    """The diagram's own element: header, drawing, story panel, side panel, handout and data;
    ``script`` (the runtime, once per page) goes last inside it so it finds its container."""
    title = escape(diagram.title)
    tools = ['<button type="button" class="etg-print">Print handout</button>']
    if diagram.mode == "paths" and diagram.paths:
        tools.insert(
            0, '<button type="button" class="etg-story-start" aria-pressed="false">Tell it as a story</button>'
        )
    runtime = f"<script>{script}</script>" if script else ""
    return f"""<div class="etiograph-diagram" data-mode="{escape(diagram.mode)}"{' data-story="1"' if story else ""}>
<header class="etg-header">
<div class="etg-titles"><h1>{title}</h1>
<p class="etg-caption">{escape(diagram.caption)}</p>
{nav_html}</div>
<div class="etg-tools">{"".join(tools)}</div>
</header>
<div class="etg-body">
<div class="etg-main">
<div class="etg-network" role="img" aria-label="{escape(diagram.caption)}"><noscript>This diagram needs JavaScript.</noscript></div>
<section class="etg-story" aria-label="Story" hidden>
<div class="etg-story-text" aria-live="polite" aria-atomic="true"></div>
<div class="etg-story-controls"><button type="button" class="etg-story-back">\u2190 Back</button>
<span class="etg-story-count"></span>
<button type="button" class="etg-story-next">Next \u2192</button>
<button type="button" class="etg-story-exit">Close story</button></div>
</section>
</div>
<aside class="etg-side">
<details class="etg-legend-box" open><summary>Legend</summary>{legend(diagram, data)}</details>
<section class="etg-paths" hidden></section>
<p class="etg-help">{escape(_help(diagram))}</p>
</aside>
</div>
{handout_section(diagram, data)}
<script type="application/json" class="etiograph-data">{script_json(page_data(diagram, data))}</script>
{runtime}
</div>"""


def _help(diagram: Diagram) -> str:
    text = "Hover over an arrow to read the sentence behind it, over a concept for its other names and identifiers. Drag to move, scroll to zoom."
    if diagram.mode == "paths" and diagram.paths:
        text += " Story mode: \u2192 or Page Down for the next step, \u2190 or Page Up to go back, Esc to close."
    return text


def page_data(diagram: Diagram, data: VisData) -> dict[str, Any]:
    """The JSON the page's script reads: vis nodes, edges and options, and the text of every tooltip."""
    mechanism_label = diagram.mechanism_labels
    listed = diagram.paths[:LISTED_PATHS]
    on_paths = {n for p in listed for n in p.nodes}
    # every step and every sentence once: paths share steps (the page rebuilds each path's labels,
    # links and steps from its concepts and step numbers)
    quotes = list(dict.fromkeys(step.quote for p in listed for step in p.steps if step.quote))
    quote_index = {q: i for i, q in enumerate(quotes)}
    sections = sorted({c.section for link in diagram.links for c in link.claims if c.section})
    section_index = {section: i for i, section in enumerate(sections)}
    steps = list(dict.fromkeys(step for p in listed for step in p.steps))
    step_index = {step: i for i, step in enumerate(steps)}
    nodes, edges = page_items(data)
    return {
        "version": 2,
        "mode": diagram.mode,
        "title": diagram.title,
        "caption": diagram.caption,
        "source": diagram.source.iri if diagram.source else None,
        "target": diagram.target.iri if diagram.target else None,
        "mechanism": diagram.mechanism,
        "nodes": nodes,
        "edges": edges,
        "options": data.options,
        "expanded": data.expanded,
        "readable": {"px": READABLE_PX, "wide": READABLE_WIDE_PX, "wideFrom": WIDE_SCREEN},
        "detail": {"minScale": DETAIL_SCALE} if len(diagram.links) > DETAIL_LINKS else None,
        "certaintySentences": {
            **style.CERTAINTY_SENTENCES,
            **{
                c.certainty: style.certainty_sentence(c.certainty)
                for link in diagram.links
                for c in link.claims
                if c.certainty
            },
        },
        "mechanismLabels": mechanism_label,
        "info": {
            "nodes": {n.iri: _node_info(n) for n in diagram.nodes},
            "edges": {
                link.id: {  # its ends' labels come from "nodes" on the page
                    "counteracting": link.counteracting,
                    "sources": link.sources,
                    "claims": [
                        {  # mechanisms by notation (the page names them from mechanismLabels), sections by number
                            "predicate": c.predicate_label,
                            "certainty": c.certainty_label,
                            "mechanisms": list(c.mechanisms),
                            "quotes": list(c.quotes),
                            "section": section_index[c.section] if c.section else None,
                        }
                        for c in link.claims
                    ],
                }
                for link in diagram.links
            },
            "sections": sections,
        },
        "paths": [
            {"nodes": list(p.nodes), "certainty": p.certainty, "steps": [step_index[s] for s in p.steps]}
            for p in listed
        ],
        "steps": [
            {
                "edge": step.link,
                "predicate": step.predicate_label,
                "certainty": step.certainty,
                "mechanisms": [mechanism_label.get(m, m) for m in step.mechanisms],
                "quote": quote_index.get(step.quote) if step.quote else None,
            }
            for step in steps
        ],
        "quotes": quotes,
        "drawn": min(diagram.drawn, len(listed)),
        "totalPaths": diagram.total_paths,
        "counters": {
            iri: [
                {"from": c.source_label, "predicate": c.predicate_label, "certainty": c.certainty, "quote": c.quote}
                for c in counters
            ]
            for iri, counters in diagram.counters.items()
            if iri in on_paths
        },
    }


def _node_info(node) -> dict[str, Any]:
    """What a concept's tooltip shows; empty fields left out."""
    info: dict[str, Any] = {"label": node.label}
    for key, value in (
        ("kind", node.kind_label),
        ("alt", list(node.alt_labels)),
        ("ids", list(node.mappings)),
        ("definition", node.definition),
    ):
        if value:
            info[key] = value
    return info


def legend(diagram: Diagram, data: VisData) -> str:
    """The legend as HTML: only the kinds, mechanisms and line styles this diagram uses."""
    parts = ['<section class="etg-legend" aria-label="Legend">']
    if diagram.source and diagram.target:
        parts.append("<h2>Question</h2><ul>")
        for node, fill in (
            (diagram.source, style.HIGHLIGHT_FILL["source"]),
            (diagram.target, style.HIGHLIGHT_FILL["target"]),
        ):
            look = style.node_style(node.kind)
            icon = style.shape_icon(style.NodeStyle(fill, style.SOURCE_BORDER, radius=look.radius, border_width=2.4))
            role = "start" if node.role == "source" else "end"
            parts.append(f"<li>{icon}<span>{role}: {escape(node.label)}</span></li>")
        parts.append("</ul>")
    drawn = diagram.drawn_nodes if diagram.mode == "paths" else None  # other diagrams draw every concept
    kinds: dict[str | None, str] = {}
    for node in diagram.nodes:
        if drawn is None or node.iri in drawn:
            kinds.setdefault(node.kind, node.kind_label or "other concept")
    place = {kind: i for i, kind in enumerate(style.NODE_STYLES)}
    ordered = sorted(kinds, key=lambda k: (place.get(k, 99), kinds[k]))
    parts.append("<h2>Concepts (box)</h2><ul>")
    parts += [f"<li>{style.shape_icon(style.node_style(k))}<span>{escape(kinds[k])}</span></li>" for k in ordered]
    parts.append("</ul>")

    if not diagram.links:
        parts.append(f'<p class="etg-empty">{escape(_nothing_drawn(diagram))}</p></section>')
        return "".join(parts)
    causal = [link for link in diagram.links if not link.counteracting]
    names = sorted({link.mechanism(diagram.mechanism) or "" for link in causal}, key=style.mechanism_order)
    looks = style.mechanism_looks({m for link in diagram.links for c in link.claims for m in c.mechanisms})
    parts.append("<h2>Mechanism (colour and mark)</h2><ul>")
    for name in names:
        colour, marker = (
            looks.get(name, (style.NO_MECHANISM_COLOUR, None)) if name else (style.NO_MECHANISM_COLOUR, None)
        )
        label = diagram.mechanism_labels.get(name, name) if name else "no mechanism given"
        parts.append(f"<li>{style.line_icon(colour, marker=marker)}<span>{escape(label)}</span></li>")
    if any(link.counteracting for link in diagram.links):
        parts.append(
            f"<li>{style.line_icon(style.COUNTERACTING_COLOUR, counteracting=True)}"
            "<span>counteracts: treats, prevents, eases, replenishes</span></li>"
        )
    parts.append("</ul>")

    used = set()
    for link in diagram.links:
        best = link.best
        used.add(style.line_style(best.certainty if best else None, best.rank if best else 0).key)
    parts.append("<h2>Certainty, in the article's words (line)</h2><ul>")
    for line in style.LINE_STYLES:
        if line.key in used:
            parts.append(f"<li>{style.line_icon('#4A5563', line)}<span>{escape(line.label)}</span></li>")
    parts.append("</ul></section>")
    return "".join(parts)


def handout_section(diagram: Diagram, data: VisData) -> str:
    """What printing the page gives (hidden on screen): the diagram as a static image, then each
    listed path as numbered steps with its sentence and certainty, then the source."""
    from .handout import handout_body

    return f'<section class="etg-handout" aria-hidden="true">{handout_body(diagram, data)}</section>'


def _nothing_drawn(diagram: Diagram) -> str:
    """Why a diagram has no arrows, in words."""
    which = (
        f" of the mechanism {diagram.mechanism_labels.get(diagram.mechanism, diagram.mechanism)}"
        if diagram.mechanism
        else ""
    )
    if diagram.source and diagram.target:
        return (
            f"No causal path of at most {diagram.max_hops} hops leads from {diagram.source.label} "
            f"to {diagram.target.label}{' through claims' + which if which else ''}. "
            "Try more hops or another mechanism."
        )
    return f"The data holds no causal or counteracting claims{which}."
