"""Interactive causal-path diagrams: one self-contained HTML page per diagram, offline.

``diagram_html(kg, "UTI", "leg cramps")`` draws the most informative causal paths between two
concepts (all of them one click away), left to right, coloured by mechanism, dashed where the
text hedges, each arrow carrying the sentence behind it, with a story mode that tells one path a
step at a time; ``diagram_html(kg)`` is an overview of the whole graph by mechanism.
``write_gallery`` writes a small static site for a class; :mod:`etiograph.viz.static` and
:mod:`etiograph.viz.handout` give slide images and printable handouts. Pages inline vis-network (from pyvis's package files), so they
open from a USB stick, an e-mail attachment or a notebook without any network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import exports
from ..markup import escape

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph
    from .model import Diagram, build_diagram


#: ``Diagram`` and ``build_diagram`` load the model (and pyoxigraph) on first use, not on ``import
#: etiograph.viz``: ``etiograph --help`` imports this package to list the ``viz`` command.
__getattr__, __dir__ = exports(__name__, {"Diagram": "model", "build_diagram": "model"})


__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_OUTPUT",
    "FRAME_MAX_HEIGHT",
    "Diagram",
    "build_diagram",
    "diagram_html",
    "diagram_iframe",
    "diagram_png",
    "diagram_svg",
    "write_gallery",
]

#: Where ``etiograph viz`` writes when no ``-o`` is given.
DEFAULT_OUTPUT = "etiograph-diagram.html"
#: Paths a path diagram draws when it opens (the most informative ones); the rest on request.
DEFAULT_LIMIT = 8


def diagram_html(
    kg: KnowledgeGraph,
    source: str | None = None,
    target: str | None = None,
    max_hops: int = 6,
    mechanism: str | None = None,
    title: str | None = None,
    *,
    data_date: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    story: bool = False,
    whole: bool = False,
) -> str:
    """A complete, self-contained HTML document drawing a diagram of ``kg``.

    With ``source`` and ``target`` (labels, alt labels, CURIEs or IRIs), the causal paths of
    at most ``max_hops`` hops between them, as ``kg.paths`` finds them: the ``limit`` most
    informative drawn when the page opens (``None``: all), the others listed behind "N more";
    ``story`` opens the page telling the first path one step at a time. With neither, an
    overview of the whole graph by mechanism (a panel per mechanism, each opening its diagram),
    or with ``whole=True`` every concept joined by a causal or counteracting claim in one
    drawing. ``mechanism`` (a notation such as ``medication``) keeps only claims of that
    mechanism. ``title`` replaces the default heading; ``data_date`` the date the caption gives
    (default: the dataset's own).

    The string needs no other file and no network: write it to a ``.html`` file, or show it
    in a notebook with ``IPython.display.HTML(diagram_iframe(html))`` (or ``HTML(html)``, as the
    page scopes its styles and finds its own container). Raises ``UnknownConceptError`` (with
    suggestions) for a name that matches no concept.
    """
    from .model import build_diagram
    from .page import render

    if source is None and target is None and mechanism is None and not whole:
        from .overview import overview_html

        return overview_html(kg, title=title, data_date=data_date)
    diagram = build_diagram(
        kg, source, target, max_hops=max_hops, mechanism=mechanism, title=title, data_date=data_date, limit=limit
    )
    return render(diagram, story=story)


def diagram_svg(
    kg: KnowledgeGraph,
    source: str | None = None,
    target: str | None = None,
    max_hops: int = 6,
    mechanism: str | None = None,
    title: str | None = None,
    *,
    data_date: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> str:
    """The diagram ``diagram_html`` would open on, as a static SVG slide (1920×1080, title and legend
    included): the same layout, curves and colours, no script. Show it in a notebook with
    ``IPython.display.SVG(...)``, put it on a slide, print it."""
    from .model import build_diagram
    from .network import vis_data
    from .static import svg

    diagram = build_diagram(
        kg, source, target, max_hops=max_hops, mechanism=mechanism, title=title, data_date=data_date, limit=limit
    )
    return svg(diagram, vis_data(diagram))


def diagram_png(kg: KnowledgeGraph, *args, **kwargs) -> bytes:
    """``diagram_svg`` rasterised to a 1920×1080 PNG by headless Chromium (raises
    ``EtiographError`` when no Chromium is installed)."""
    from .static import png

    return png(diagram_svg(kg, *args, **kwargs))


#: The tallest a notebook frame grows to fit its side panel (CSS px); beyond, the panel scrolls.
FRAME_MAX_HEIGHT = 1600

#: Host-side half of the frame sizing: the page inside posts the height its side panel needs
#: (diagram.js), this grows the iframe to it. Static text: nothing from the data goes in here.
_FRAME_SIZER = (
    "<script>(function () {{ var frames = document.querySelectorAll('iframe[data-etiograph-frame=\"{key}\"]');"
    " window.addEventListener('message', function (event) {{"
    " var wanted = event.data && event.data.etiographHeight; if (typeof wanted !== 'number') {{ return; }}"
    " frames.forEach(function (frame) {{ if (frame.contentWindow === event.source) {{"
    " frame.style.height = Math.max(frame.offsetHeight, Math.min(Math.ceil(wanted), {limit})) + 'px'; }} }}); }});"
    " }})();</script>"
)


def diagram_iframe(html: str, *, height: int = 660, fit: bool = True) -> str:
    """``html`` wrapped in an ``<iframe srcdoc=…>`` (attribute-escaped), isolated from the host page.

    With ``fit`` (the default) a small script beside it lets the frame grow (up to
    ``FRAME_MAX_HEIGHT`` px) to the height the diagram's side panel needs, so its list of paths is
    not cut off in a notebook's output; where the host runs no scripts the panel scrolls instead.

    >>> print(diagram_iframe('<p title="a">x & y</p>', height=200, fit=False))
    <iframe srcdoc="&lt;p title=&quot;a&quot;&gt;x &amp; y&lt;/p&gt;" style="width:100%;height:200px;border:0" sandbox="allow-scripts" title="etiograph diagram"></iframe>
    """
    frame = (
        f'<iframe srcdoc="{escape(html, quote=True)}" style="width:100%;height:{int(height)}px;border:0" '
        'sandbox="allow-scripts" title="etiograph diagram"'
    )
    if not fit:
        return frame + "></iframe>"
    from hashlib import sha256

    key = sha256(html.encode("utf-8")).hexdigest()[:16]
    return f'{frame} data-etiograph-frame="{key}"></iframe>' + _FRAME_SIZER.format(key=key, limit=FRAME_MAX_HEIGHT)


def write_gallery(
    kg: KnowledgeGraph,
    directory: str | Path,
    *,
    source: str = "UTI",
    target: str = "leg cramps",
    max_hops: int = 6,
    data_date: str | None = None,
) -> list[Path]:
    """Write a static site into ``directory``: ``index.html``, the overview by mechanism, the
    headline paths (``source`` → ``target``, left out when the data lacks either concept) and one
    diagram per mechanism, all linked to each other by relative links. Returns the files written."""
    from .gallery import write_gallery as write

    return write(kg, Path(directory), source=source, target=target, max_hops=max_hops, data_date=data_date)
