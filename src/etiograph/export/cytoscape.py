"""Cytoscape.js JSON (``.cyjs``): elements, positions and a style sheet that looks like the diagrams.

The document is what ``cy.json()`` reads (``elements``, ``style``, ``data``) and what Cytoscape
desktop imports as a network (File → Import → Network from File, ``.cyjs``). Colours, shapes and line
styles come from :mod:`etiograph.viz.style`, the tables the HTML diagrams and their legend use, so an
export cannot drift from the diagrams: arrows coloured by mechanism, counteracting claims green with a
flat head, hedged claims dashed, weak ones dotted; node shape and fill by concept kind.

Positions are the diagrams' left-to-right layered layout, for graphs up to :data:`LAYOUT_LIMIT`
concepts; larger ones leave the layout to the tool.
"""

from __future__ import annotations

import json
from typing import Any

from ..records import record
from ..viz import style
from ..vocab import shorten
from .graphml import node_attributes
from .propertygraph import Claim, PropertyGraph

#: Above this many concepts no positions are computed (the layered layout grows faster than linearly).
LAYOUT_LIMIT = 2000


def node_shape(node: style.NodeStyle) -> tuple[str, int, float]:
    """(cytoscape.js shape, corner radius, border width) for a diagram node style.

    The diagrams draw every concept as a box whose corner radius says its kind (a pill for an
    infection); older style tables named vis-network shapes, which map to the nearest box.
    """
    radius = int(getattr(node, "radius", 3))
    width = float(getattr(node, "border_width", 1.6))
    shape = "round-rectangle" if radius >= 8 or getattr(node, "rounded", False) else "rectangle"
    return shape, radius, width


#: Line dashes → the three line styles both cytoscape.js and CX2 know.
SOLID, DASHED, DOTTED = "solid", "dashed", "dotted"


@record(frozen=True)
class EdgeLook:
    colour_group: str  # a mechanism notation, "counteracting" or "none"
    colour: str
    line: str  # firm, hedged, weak, unrated
    line_style: str  # solid, dashed, dotted
    width: float
    arrow: str  # triangle or tee


class Looks:
    """How each claim and concept kind is drawn, from the diagrams' tables."""

    def __init__(self, pg: PropertyGraph):
        self.pg = pg
        self.colours = style.mechanism_colours({m for c in pg.claims for m in c.mechanisms})

    def edge(self, claim: Claim) -> EdgeLook:
        line = style.line_style(claim.certainty, claim.rank)
        dashes = line.dashes
        line_style = SOLID if not dashes else DASHED if dashes[0] > 4 else DOTTED
        if claim.counteracting:
            group, colour, arrow = "counteracting", style.COUNTERACTING_COLOUR, "tee"
        else:
            group = claim.mechanism() or "none"
            colour, arrow = self.colours.get(group, style.NO_MECHANISM_COLOUR), "triangle"
        return EdgeLook(group, colour, line.key, line_style, line.width, arrow)

    def groups(self) -> dict[str, str]:
        """Colour group → colour, for every group the claims use (legend and mappings)."""
        out = {}
        for claim in self.pg.claims:
            look = self.edge(claim)
            out[look.colour_group] = look.colour
        return dict(sorted(out.items()))

    def kinds(self) -> dict[str, style.NodeStyle]:
        """Concept kind CURIE → node style, for every kind the diagrams know."""
        return {shorten(kind): node for kind, node in style.NODE_STYLES.items()}


def positions(pg: PropertyGraph) -> dict[str, tuple[float, float]]:
    """The diagrams' layered layout (causes left of effects), keyed by node IRI; empty when too big."""
    if not pg.nodes or len(pg.nodes) > LAYOUT_LIMIT:
        return {}
    from ..viz.layout import layered_layout

    strong = sorted({(c.subject, c.object) for c in pg.claims if c.kind == "causal" and c.subject != c.object})
    weak = sorted({(c.subject, c.object) for c in pg.claims if c.kind != "causal" and c.subject != c.object})
    return layered_layout(sorted(pg.nodes), strong, weak_edges=weak).positions


def document(pg: PropertyGraph) -> dict[str, Any]:
    """The cytoscape.js JSON document as a Python object."""
    looks = Looks(pg)
    placed = positions(pg)
    nodes = []
    for iri in sorted(pg.nodes):
        element: dict[str, Any] = {"data": {"id": shorten(iri), **_present(node_attributes(pg, iri))}}
        if iri in placed:
            x, y = placed[iri]
            element["position"] = {"x": round(x, 1), "y": round(y, 1)}
        nodes.append(element)
    edges = []
    for claim in pg.claims:
        data = {
            "id": shorten(claim.iri),
            "source": shorten(claim.subject),
            "target": shorten(claim.object),
            "label": pg.label(claim.predicate),
            **claim_attributes(claim, looks),
        }
        edges.append({"data": _present(data)})
    return {
        "format_version": "1.0",
        "generated_by": "etiograph",
        "target_cytoscapejs_version": "~3.30",
        "data": {"name": pg.title or "etiograph", "description": pg.description},
        "elements": {"nodes": nodes, "edges": edges},
        "style": stylesheet(looks),
    }


def claim_attributes(claim: Claim, looks: Looks) -> dict[str, Any]:
    """The attributes every Cytoscape flavour (cytoscape.js JSON, CX2) gives a claim edge, in their order."""
    look = looks.edge(claim)
    return {
        "predicate": shorten(claim.predicate),
        "relation": claim.kind,
        "certainty": claim.certainty,
        "certainty_rank": claim.rank if claim.certainty else None,
        "mechanisms": list(claim.mechanisms),
        "colour_group": look.colour_group,
        "line": look.line,
        "quote": claim.texts[0] if claim.texts else None,
        "quotes": list(claim.texts),
        "section": claim.section_label,
        "indirect": claim.indirect,
    }


def stylesheet(looks: Looks) -> list[dict[str, Any]]:
    """cytoscape.js style rules: node kinds, mechanism colours, certainty line styles, counteracting heads."""
    other = style.OTHER_KIND
    rules: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "text-wrap": "wrap",
                "text-max-width": "120px",
                "text-valign": "center",
                "font-size": 11,
                "color": "#1F2933",
                "width": "label",
                "height": "label",
                "padding": "8px",
                "shape": "round-rectangle",
                "background-color": other.fill,
                "border-color": other.border,
                "border-width": 1.6,
            },
        }
    ]
    for kind, node in looks.kinds().items():
        shape, radius, width = node_shape(node)
        rule = {"shape": shape, "background-color": node.fill, "border-color": node.border, "border-width": width}
        if shape == "round-rectangle":
            rule["corner-radius"] = radius
        if node.dashed_border:
            rule["border-style"] = "dashed"
        rules.append({"selector": f"node[kind = {json.dumps(kind)}]", "style": rule})
    rules.append(
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "line-color": style.NO_MECHANISM_COLOUR,
                "target-arrow-color": style.NO_MECHANISM_COLOUR,
                "width": style.FIRM.width,
                "arrow-scale": 1.1,
            },
        }
    )
    for group, colour in looks.groups().items():
        rules.append(
            {
                "selector": f"edge[colour_group = {json.dumps(group)}]",
                "style": {"line-color": colour, "target-arrow-color": colour},
            }
        )
    for line in style.LINE_STYLES:
        rule: dict[str, Any] = {"width": line.width, "line-style": SOLID}
        if line.dashes:
            rule["line-style"] = DASHED if line.dashes[0] > 4 else DOTTED
            rule["line-dash-pattern"] = list(line.dashes)
        rules.append({"selector": f"edge[line = {json.dumps(line.key)}]", "style": rule})
    rules.append({"selector": 'edge[relation = "counteracting"]', "style": {"target-arrow-shape": "tee"}})
    return rules


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != "" and v != []}


def write(pg: PropertyGraph) -> bytes:
    """The cytoscape.js document (UTF-8 JSON, keys in a fixed order)."""
    return (json.dumps(document(pg), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


__all__ = ["Looks", "document", "positions", "stylesheet", "write"]
