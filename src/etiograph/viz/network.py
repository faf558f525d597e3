"""Turn a Diagram into vis-network nodes, edges and options, built with pyvis.

pyvis supplies the node/edge/option structures; its HTML templates are not used (they load
Bootstrap and vis-network from CDNs, and switch to an innerHTML popup when a title holds
"href"). :mod:`etiograph.viz.page` writes the page instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import style
from .layout import LAYER_GAP, NODE_GAP, Layout, layered_layout
from .model import Diagram

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Above this many edges, straight lines (curves cost too much to draw) and no edges while dragging.
LARGE = 600


@dataclass(frozen=True)
class VisData:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    layout: Layout


def vis_data(diagram: Diagram) -> VisData:
    """vis-network nodes (with precomputed positions), edges and options for ``diagram``."""
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    order = [n.iri for n in diagram.nodes]
    layout = layered_layout(
        order,
        [(link.source, link.target) for link in diagram.links if not link.counteracting],
        weak_edges=[(link.source, link.target) for link in diagram.links if link.counteracting],
        first=diagram.source.iri if diagram.source else None,
        last=diagram.target.iri if diagram.target else None,
        heights={node.iri: _rows(node) for node in diagram.nodes},
    )
    if diagram.source and diagram.target and not diagram.links:  # nothing joins them: side by side
        positions = {diagram.source.iri: (0.0, 0.0), diagram.target.iri: (2 * LAYER_GAP, 0.0)}
        layout = Layout(positions, {diagram.source.iri: 0, diagram.target.iri: 2})
    large = len(diagram.links) > LARGE
    net = Network(directed=True, cdn_resources="in_line")
    for node in diagram.nodes:
        x, y = layout.positions[node.iri]
        # What Network.add_node does, without its scan of the node list per node (quadratic).
        look = _node_options(node)
        options = Node(node.iri, look.pop("shape"), label=node.label, x=x, y=y, **look).options
        net.nodes.append(options)
        net.node_ids.append(node.iri)
        net.node_map[node.iri] = options
    colours = style.mechanism_colours({m for link in diagram.links for m in link.mechanisms})
    for link in diagram.links:
        options = _edge_options(link, diagram.mechanism, colours)
        if (link.source, link.target) in layout.backward and not large:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.28}
        # Network.add_edge scans the node list for both ends (quadratic on big graphs); the ends exist.
        net.edges.append(Edge(link.source, link.target, directed=True, **options).options)
    net.options = _options(len(diagram.nodes), large)
    nodes, edges, *_ = net.get_network_data()
    return VisData(list(nodes), list(edges), net.options, layout)


#: Characters per line of a wrapped label (font 19 px, at most 160 px wide), and its line height.
CHARS_PER_LINE = 16
LINE_HEIGHT = 23.0


def _rows(node) -> float:
    """How many layout rows a node takes: more when its label wraps, most when it hangs below a shape."""
    lines = max(1, -(-len(node.label) // CHARS_PER_LINE))
    look = style.node_style(node.kind)
    height = lines * LINE_HEIGHT + (18 if look.label_inside else 2 * 15 + 6)
    return max(1.0, (height + 48) / NODE_GAP)


def _node_options(node) -> dict[str, Any]:
    look = style.node_style(node.kind)
    fill = style.HIGHLIGHT_FILL.get(node.role or "", look.fill)
    border = style.SOURCE_BORDER if node.role else look.border
    options: dict[str, Any] = {
        "shape": look.shape,
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#111827"},
            "hover": {"background": fill, "border": "#111827"},
        },
        "borderWidth": 3.5 if node.role else 1.5,
        "font": {"size": 23 if node.role else 19, "color": "#111827" if node.role else "#1F2933"},
    }
    if look.dashed_border or look.rounded:
        options["shapeProperties"] = {"borderDashes": [5, 3] if look.dashed_border else False}
        if look.rounded:
            options["shapeProperties"]["borderRadius"] = 12
    if not look.label_inside:
        options["size"] = 20 if node.role else 15
    return options


def _edge_options(link, mechanism: str | None, colours: dict[str, str]) -> dict[str, Any]:
    best = link.best
    line = style.line_style(best.certainty if best else None, best.rank if best else 0)
    if link.counteracting:
        colour = style.COUNTERACTING_COLOUR
    else:
        name = link.mechanism(mechanism)
        colour = colours.get(name, style.NO_MECHANISM_COLOUR) if name else style.NO_MECHANISM_COLOUR
    return {
        "id": link.id,
        "color": {"color": colour, "highlight": colour, "hover": colour, "inherit": False, "opacity": 0.92},
        "width": line.width,
        "dashes": list(line.dashes) if line.dashes else False,
        "arrows": {
            "to": {
                "enabled": True,
                "type": "bar" if link.counteracting else "arrow",
                "scaleFactor": 0.9 if link.counteracting else 0.7,
            }
        },
    }


def _options(node_count: int, large: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": node_count <= 100, "hierarchical": {"enabled": False}},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": {"enabled": False},
            "multiselect": False,
        },
        "nodes": {
            "font": {"face": FONT, "size": 19, "color": "#1F2933"},
            "margin": {"top": 8, "bottom": 8, "left": 10, "right": 10},
            "widthConstraint": {"maximum": 160},
            "shadow": False,
        },
        "edges": {
            "smooth": False
            if large
            else {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45},
            "arrowStrikethrough": False,
            "selectionWidth": 1.5,
            "hoverWidth": 1.0,
        },
    }
