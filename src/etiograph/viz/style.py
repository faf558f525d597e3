"""How a diagram looks: colours by mechanism, shapes by concept kind, line styles by certainty.

Plain data, no imports beyond the standard library: the page, the legend and the tests read
the same tables, so the legend cannot drift from what the canvas draws.
"""

from __future__ import annotations

from .. import certainty
from ..records import NamedTuple
from ..vocab import ETIO

# -- mechanisms: edge colour (Okabe-Ito) and a marker halfway along the arrow -------------------
#: Okabe & Ito's colour-vision-safe palette. Yellow is left out (invisible on white under a
#: projector) and green is the counteracting colour, so the seventh mechanism is neutral grey.
MECHANISM_COLOURS: dict[str, str] = {
    "inflammation": "#D55E00",  # vermillion
    "electrolytes": "#0072B2",  # blue
    "medication": "#CC79A7",  # reddish purple
    "kidney": "#56B4E9",  # sky blue
    "referred-pain": "#E69F00",  # orange
    "lifestyle": "#000000",  # black
    "infection-risk": "#7A7A7A",  # grey
}
#: The second cue: every mechanism also has its own marker halfway along its arrows (vis-network
#: "middle" arrow types), so vermillion/orange and blue/sky blue stay apart on a washed-out
#: projector and for readers who cannot tell the hues apart. Only direction-free or forward shapes.
MECHANISM_MARKERS: dict[str, str | None] = {
    "inflammation": "circle",
    "electrolytes": "box",
    "medication": "diamond",
    "kidney": "bar",
    "referred-pain": "triangle",
    "lifestyle": "vee",
    "infection-risk": None,
}
#: For mechanisms a user's data adds: assigned in order of first appearance.
EXTRA_COLOURS = ("#332288", "#882255", "#117733", "#44AA99", "#AA4499", "#6F4E37")
EXTRA_MARKERS = ("circle", "box", "diamond", "bar", "triangle", "vee")
NO_MECHANISM_COLOUR = "#8A8F98"
COUNTERACTING_COLOUR = "#009E73"  # Okabe-Ito bluish green, with a bar instead of an arrowhead
MUTED_TEXT = "#4A5563"


def mechanism_order(notation: str) -> tuple[int, str]:
    """Sort key: the ontology's mechanisms in a fixed order, then the others alphabetically."""
    names = list(MECHANISM_COLOURS)
    return (names.index(notation), "") if notation in names else (len(names), notation)


def mechanism_colours(notations: list[str] | set[str] | tuple[str, ...]) -> dict[str, str]:
    """A colour for each mechanism notation, stable for the known ones."""
    return {name: look[0] for name, look in mechanism_looks(notations).items()}


def mechanism_looks(notations: list[str] | set[str] | tuple[str, ...]) -> dict[str, tuple[str, str | None]]:
    """(colour, marker) for each mechanism notation, stable for the known ones."""
    out: dict[str, tuple[str, str | None]] = {}
    extra = 0
    for name in sorted(set(notations), key=mechanism_order):
        if name in MECHANISM_COLOURS:
            out[name] = (MECHANISM_COLOURS[name], MECHANISM_MARKERS[name])
        else:
            out[name] = (EXTRA_COLOURS[extra % len(EXTRA_COLOURS)], EXTRA_MARKERS[extra % len(EXTRA_MARKERS)])
            extra += 1
    return out


# -- certainty: the CLI's words, a sentence a student can read aloud, and a line style --------------
#: How each certainty level (its skos:notation, the word `etiograph paths` prints and
#: ``--min-certainty`` takes) reads in a sentence; ``{}`` is the level's own word, shown emphasised.
CERTAINTY_SENTENCES: dict[str, str] = {
    "asserted": "The article states this as a fact ({}).",
    "often": "The article says this {} happens.",
    "can": "The article says this {} happen.",
    "recommended": "The article gives this as advice ({}).",
    "may": "The article says this {} happen.",
    "linked": "The article says these are {}, not that one causes the other.",
    "sometimes": "The article says this {} happens.",
    "occasionally": "The article says this happens {}.",
    "less-common": "The article says this is {} (less common).",
    "rare": "The article says this is {}.",
}


def certainty_sentence(certainty: str | None) -> str:
    """A sentence giving a certainty level in words; ``{}`` marks where the level's word goes.

    >>> certainty_sentence("may").format("may")
    'The article says this may happen.'
    >>> certainty_sentence(None)
    'The article gives no certainty for this.'
    """
    if certainty is None:
        return "The article gives no certainty for this."
    return CERTAINTY_SENTENCES.get(certainty, "The article's wording: {}.")


class LineStyle(NamedTuple):
    key: str
    label: str
    width: float
    dashes: tuple[int, ...] | None  # None: solid


# The words and their grouping come from etiograph.certainty, which the CLI prints from too.
FIRM = LineStyle("firm", certainty.words_of("firm"), 4.0, None)
ADVICE = LineStyle("advice", certainty.words_of("advice") + " (advice)", 4.0, None)  # advice is not a hedge: solid
HEDGED = LineStyle("hedged", certainty.words_of("hedged"), 3.0, (10, 6))
WEAK = LineStyle("weak", certainty.words_of("weak"), 2.2, (3, 5))
UNRATED = LineStyle("unrated", "certainty not given", 2.0, (1, 5))
LINE_STYLES = (FIRM, ADVICE, HEDGED, WEAK, UNRATED)

_BY_NOTATION = {level.notation: {s.key: s for s in LINE_STYLES}[level.strength] for level in certainty.LEVELS}


def line_style(certainty: str | None, rank: int = 0) -> LineStyle:
    """The line for a certainty notation; levels a user's data adds fall back on their rank."""
    if certainty in _BY_NOTATION:
        return _BY_NOTATION[certainty]
    if certainty is None:
        return UNRATED
    return FIRM if rank >= 6 else HEDGED if rank >= 3 else WEAK


# -- concept kinds: box outline, fill and border ---------------------------------------------------------
class NodeStyle(NamedTuple):
    """Every concept is a box with its label inside (readable from the back of a room, and a
    predictable size for edge routing); kinds differ by corner radius, fill and border."""

    fill: str
    border: str
    radius: int = 3  # corner radius: 3 square-ish, 10 rounded, 22 a pill
    dashed_border: bool = False
    border_width: float = 1.6
    shape: str = "box"

    @property
    def label_inside(self) -> bool:
        return True


#: Most specific first: a concept typed Infection and Condition is drawn as an infection.
NODE_STYLES: dict[str, NodeStyle] = {
    ETIO + "Infection": NodeStyle("#F9D5D3", "#B23A32", radius=22, border_width=2.4),
    ETIO + "Condition": NodeStyle("#FBE7E5", "#B23A32", radius=22, dashed_border=True),
    ETIO + "SignOrSymptom": NodeStyle("#FFF1CC", "#A86B00", radius=3),
    ETIO + "PhysiologicalState": NodeStyle("#DDEBFA", "#2F5F98", radius=10),
    ETIO + "PhysiologicalProcess": NodeStyle("#EAF2FC", "#2F5F98", radius=10, dashed_border=True),
    ETIO + "AnatomicalEntity": NodeStyle("#EEE6F7", "#6B4E99", radius=3, dashed_border=True),
    ETIO + "DrugClass": NodeStyle("#F4DDEE", "#8E3B7D", radius=3, border_width=2.8),
    ETIO + "Nutrient": NodeStyle("#E3F1D7", "#4E7A27", radius=22),
    ETIO + "Food": NodeStyle("#E3F1D7", "#4E7A27", radius=3, dashed_border=True),
    ETIO + "Behaviour": NodeStyle("#ECEDEF", "#5B6573", radius=3),
    ETIO + "Intervention": NodeStyle("#D8F0E1", "#1B7A3D", radius=3, border_width=2.8),
}
OTHER_KIND = NodeStyle("#F4F5F7", "#5B6573")
#: Kinds that start a story: kept in the first layer, left of everything they cause.
ORIGIN_KINDS = frozenset({ETIO + "Infection", ETIO + "Condition"})
SOURCE_BORDER = "#111827"
HIGHLIGHT_FILL = {"source": "#FFE08A", "target": "#FFB4A8"}


def primary_kind(kinds: tuple[str, ...] | list[str]) -> str | None:
    """The most specific known kind among a concept's types (IRIs), else the first one."""
    for kind in NODE_STYLES:
        if kind in kinds:
            return kind
    return sorted(kinds)[0] if kinds else None


def node_style(kind: str | None) -> NodeStyle:
    return NODE_STYLES.get(kind or "", OTHER_KIND)


# -- legend icons (static SVG: no user text ever goes in here) -----------------------------------------
def shape_icon(style: NodeStyle) -> str:
    """A 28x20 inline SVG of a concept's box, as the legend shows it."""
    dash = ' stroke-dasharray="3 2"' if style.dashed_border else ""
    radius = min(style.radius, 22) * 7 / 22
    body = (
        f'<rect x="2" y="3" width="24" height="14" rx="{radius:.1f}" fill="{style.fill}" stroke="{style.border}" '
        f'stroke-width="{min(style.border_width, 2.4)}"{dash}/>'
    )
    return f'<svg class="etg-icon" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true">{body}</svg>'


def marker_svg(marker: str | None, x: float, y: float, colour: str, size: float = 5.0) -> str:
    """The mid-arrow marker of a mechanism at (x, y), pointing right (static SVG, no user text)."""
    s = size
    match marker:  # only the shape asked for is written (formatting floats is most of a slide's time)
        case "circle":
            return f'<circle cx="{x}" cy="{y}" r="{s * 0.8:.1f}" fill="{colour}"/>'
        case "box":
            return f'<rect x="{x - s * 0.75:.1f}" y="{y - s * 0.75:.1f}" width="{s * 1.5:.1f}" height="{s * 1.5:.1f}" fill="{colour}"/>'
        case "diamond":
            return f'<polygon points="{x - s},{y} {x},{y - s} {x + s},{y} {x},{y + s}" fill="{colour}"/>'
        case "bar":
            return f'<rect x="{x - 1.4:.1f}" y="{y - s * 1.2:.1f}" width="2.8" height="{s * 2.4:.1f}" fill="{colour}"/>'
        case "triangle":
            return f'<polygon points="{x + s},{y} {x - s},{y - s} {x - s},{y + s}" fill="{colour}"/>'
        case "vee":
            return (
                f'<polygon points="{x + s},{y} {x - s},{y - s} {x - s * 0.3:.1f},{y} {x - s},{y + s}" fill="{colour}"/>'
            )
    return ""


def line_icon(colour: str, style: LineStyle = FIRM, counteracting: bool = False, marker: str | None = None) -> str:
    """A 44x14 inline SVG of an edge: its colour, dashes, mid marker and head (arrow, or a bar for counteracting)."""
    dash = f' stroke-dasharray="{" ".join(map(str, style.dashes))}"' if style.dashes else ""
    width = max(style.width * 0.8, 1.2)
    line = f'<line x1="2" y1="7" x2="{33 if counteracting else 34}" y2="7" stroke="{colour}" stroke-width="{width}"{dash}/>'
    if counteracting:
        head = f'<line x1="37" y1="1" x2="37" y2="13" stroke="{colour}" stroke-width="3"/>'
    else:
        head = f'<polygon points="42,7 33,2.5 33,11.5" fill="{colour}"/>'
    mid = marker_svg(marker, 17, 7, colour, 4.2)
    return (
        f'<svg class="etg-icon" width="44" height="14" viewBox="0 0 44 14" aria-hidden="true">{line}{mid}{head}</svg>'
    )
