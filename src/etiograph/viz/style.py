"""How a diagram looks: colours by mechanism, shapes by concept kind, line styles by certainty.

Plain data, no imports beyond the standard library: the page, the legend and the tests read
the same tables, so the legend cannot drift from what the canvas draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab import ETIO

# -- mechanisms: edge colours (Okabe-Ito and Tol hues, none of them the counteracting green) ------
MECHANISM_COLOURS: dict[str, str] = {
    "inflammation": "#D55E00",
    "electrolytes": "#0072B2",
    "medication": "#AA4499",
    "kidney": "#882255",
    "referred-pain": "#E69F00",
    "lifestyle": "#999933",
    "infection-risk": "#44546A",
}
#: For mechanisms a user's data adds: assigned in order of first appearance.
EXTRA_COLOURS = ("#56B4E9", "#CC6677", "#332288", "#44AA99", "#DDCC77", "#6F4E37")
NO_MECHANISM_COLOUR = "#8A8F98"
COUNTERACTING_COLOUR = "#1B9E4B"
MUTED_TEXT = "#4A5563"


def mechanism_order(notation: str) -> tuple[int, str]:
    """Sort key: the ontology's mechanisms in a fixed order, then the others alphabetically."""
    names = list(MECHANISM_COLOURS)
    return (names.index(notation), "") if notation in names else (len(names), notation)


def mechanism_colours(notations: list[str] | set[str] | tuple[str, ...]) -> dict[str, str]:
    """A colour for each mechanism notation, stable for the known ones."""
    out: dict[str, str] = {}
    extra = 0
    for name in sorted(set(notations), key=mechanism_order):
        if name in MECHANISM_COLOURS:
            out[name] = MECHANISM_COLOURS[name]
        else:
            out[name] = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
    return out


# -- certainty: line style ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LineStyle:
    key: str
    label: str
    width: float
    dashes: tuple[int, ...] | None  # None: solid


FIRM = LineStyle("firm", "stated, often, can", 3.2, None)
HEDGED = LineStyle("hedged", "may, associated, sometimes, recommended", 2.4, (9, 6))
WEAK = LineStyle("weak", "occasionally, less common, rare", 1.3, (3, 5))
UNRATED = LineStyle("unrated", "certainty not given", 1.8, (1, 5))
LINE_STYLES = (FIRM, HEDGED, WEAK, UNRATED)

_BY_NOTATION = {
    **dict.fromkeys(("asserted", "often", "can"), FIRM),
    **dict.fromkeys(("may", "linked", "sometimes", "recommended"), HEDGED),
    **dict.fromkeys(("occasionally", "less-common", "rare"), WEAK),
}


def line_style(certainty: str | None, rank: int = 0) -> LineStyle:
    """The line for a certainty notation; levels a user's data adds fall back on their rank."""
    if certainty in _BY_NOTATION:
        return _BY_NOTATION[certainty]
    if certainty is None:
        return UNRATED
    return FIRM if rank >= 6 else HEDGED if rank >= 3 else WEAK


# -- concept kinds: node shapes and fills --------------------------------------------------------------
@dataclass(frozen=True)
class NodeStyle:
    shape: str  # a vis-network shape
    fill: str
    border: str
    dashed_border: bool = False
    rounded: bool = False

    @property
    def label_inside(self) -> bool:
        return self.shape in ("box", "ellipse", "circle", "database", "text")


#: Most specific first: a concept typed Infection and Condition is drawn as an infection.
NODE_STYLES: dict[str, NodeStyle] = {
    ETIO + "Infection": NodeStyle("ellipse", "#F9D5D3", "#B23A32"),
    ETIO + "Condition": NodeStyle("ellipse", "#FBE7E5", "#B23A32", dashed_border=True),
    ETIO + "SignOrSymptom": NodeStyle("box", "#FFF1CC", "#A86B00"),
    ETIO + "PhysiologicalState": NodeStyle("box", "#DDEBFA", "#2F5F98", rounded=True),
    ETIO + "PhysiologicalProcess": NodeStyle("box", "#EAF2FC", "#2F5F98", dashed_border=True, rounded=True),
    ETIO + "AnatomicalEntity": NodeStyle("database", "#EEE6F7", "#6B4E99"),
    ETIO + "DrugClass": NodeStyle("hexagon", "#F4DDEE", "#8E3B7D"),
    ETIO + "Nutrient": NodeStyle("dot", "#E3F1D7", "#4E7A27"),
    ETIO + "Food": NodeStyle("star", "#E3F1D7", "#4E7A27"),
    ETIO + "Behaviour": NodeStyle("triangle", "#ECEDEF", "#5B6573"),
    ETIO + "Intervention": NodeStyle("square", "#D8F0E1", "#1B7A3D"),
}
OTHER_KIND = NodeStyle("box", "#F4F5F7", "#5B6573")
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
    """A 28x20 inline SVG of a node shape, as the legend shows it."""
    fill, stroke = style.fill, style.border
    dash = ' stroke-dasharray="3 2"' if style.dashed_border else ""
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.6"{dash}'
    shapes = {
        "ellipse": f'<ellipse cx="14" cy="10" rx="12" ry="7.5" {common}/>',
        "box": f'<rect x="2.5" y="3" width="23" height="14" rx="{6 if style.rounded else 2}" {common}/>',
        "database": f'<path d="M5 5 v10 a9 3 0 0 0 18 0 v-10 a9 3 0 0 0 -18 0 a9 3 0 0 0 18 0" {common}/>',
        "hexagon": f'<polygon points="8,2.5 20,2.5 25.5,10 20,17.5 8,17.5 2.5,10" {common}/>',
        "dot": f'<circle cx="14" cy="10" r="6.5" {common}/>',
        "star": f'<polygon points="14,1.8 16.4,7.2 22.2,7.6 17.8,11.4 19.2,17.2 14,14.1 8.8,17.2 10.2,11.4 5.8,7.6 11.6,7.2" {common}/>',
        "triangle": f'<polygon points="14,2.5 22.5,17.5 5.5,17.5" {common}/>',
        "square": f'<rect x="7.5" y="3.5" width="13" height="13" {common}/>',
    }
    body = shapes.get(style.shape, shapes["box"])
    return f'<svg class="etg-icon" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true">{body}</svg>'


def line_icon(colour: str, style: LineStyle = FIRM, counteracting: bool = False) -> str:
    """A 44x14 inline SVG of an edge: its colour, dashes and head (arrow, or a bar for counteracting)."""
    dash = f' stroke-dasharray="{" ".join(map(str, style.dashes))}"' if style.dashes else ""
    width = max(style.width * 0.8, 1.2)
    line = f'<line x1="2" y1="7" x2="{33 if counteracting else 34}" y2="7" stroke="{colour}" stroke-width="{width}"{dash}/>'
    if counteracting:
        head = f'<line x1="37" y1="1" x2="37" y2="13" stroke="{colour}" stroke-width="3"/>'
    else:
        head = f'<polygon points="42,7 33,2.5 33,11.5" fill="{colour}"/>'
    return f'<svg class="etg-icon" width="44" height="14" viewBox="0 0 44 14" aria-hidden="true">{line}{head}</svg>'
