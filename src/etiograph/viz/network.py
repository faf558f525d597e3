"""Turn a Diagram into vis-network nodes, edges and options: plain dicts, as vis-network reads them.

No pyvis here: its node/edge classes only fill dicts (and its import costs a cold start ~0.1 s);
its HTML templates load Bootstrap and vis-network from CDNs. :mod:`etiograph.viz.page` writes the
page and inlines the vis-network script pyvis ships.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ..records import NamedTuple
from . import geometry, style
from .layout import NODE_GAP, Layout, layered_layout
from .model import Diagram

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Between layers: room for a 190-unit box and the curves between boxes.
LAYER_GAP = 235.0
#: Mechanism and whole-graph pages: denser, and opened on a readable part when too big; more room for turns.
GRAPH_LAYER_GAP = 300.0
#: Above this many edges, straight lines (curves cost too much to draw) and no edges while dragging.
LARGE = 600


class VisData(NamedTuple):
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    layout: Layout
    #: Positions and curve shapes with every listed path drawn ("N more"), when that differs.
    expanded: dict[str, Any] | None = None
    #: Edges no curve shape could keep clear of foreign concepts (empty unless the graph is huge).
    blocked: tuple[str, ...] = ()
    #: Estimated box sizes (canvas units), for static images.
    sizes: dict[str, tuple[float, float]] | None = None


#: Label font sizes (canvas units): at the smallest scale a page opens on, 14 px on screen or more.
FONT_SIZE = 22
ROLE_FONT_SIZE = 25
#: Widest label line, canvas units.
LABEL_WIDTH = 170
#: Above this many links, no edge routing (it is quadratic); such pages open on a readable part.
ROUTED = 160


def vis_data(diagram: Diagram) -> VisData:
    """vis-network nodes (with precomputed positions), edges and options for ``diagram``.

    Links that skip layers are drawn through the lanes the layout reserved for them: invisible
    waypoint nodes (``waypoint: true``) joined by segments (``partOf``: the link's id); the last
    segment keeps the link's id and its arrowhead. With "N more", the page moves every concept
    to ``expanded`` positions and draws each link as one curve again.
    """
    drawn_links = diagram.drawn_links
    drawn_nodes = diagram.drawn_nodes
    sizes = node_sizes(diagram)
    placed = _placed(diagram, drawn_links, sizes)
    expanded = None
    if len(drawn_links) < len(diagram.links):
        every = _placed(diagram, {link.id for link in diagram.links}, sizes, lanes=False)
        expanded = {
            "positions": {n: [x, y] for n, (x, y) in every.positions.items()},
            "smooth": {e: shape for e, shape in every.smooth.items() if shape != geometry.CANDIDATES[0]},
        }
    large = len(diagram.links) > LARGE
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for node in diagram.nodes:
        x, y = placed.positions.get(node.iri, (0.0, 0.0))
        options = {"id": node.iri, "label": node.label, "x": x, "y": y, **_node_options(node)}
        if node.iri not in drawn_nodes:
            options["hidden"] = True
        nodes.append(options)
    looks = style.mechanism_looks({m for link in diagram.links for m in link.mechanisms})
    for link in diagram.links:
        options = _edge_options(link, diagram.mechanism, looks)
        hidden = link.id not in drawn_links
        points = placed.waypoints.get(link.id, [])
        if points:
            names = [waypoint_id(link.id, i) for i in range(len(points))]
            for name, (x, y) in zip(names, points, strict=True):
                nodes.append(_waypoint(name, x, y, link.id))
            chain = [link.source, *names, link.target]
            ids = segment_ids(link.id, len(points))
            middle = len(ids) // 2
            for index, (edge_id, (a, b)) in enumerate(zip(ids, pairwise(chain), strict=True)):
                shape = _shape(placed.smooth.get(edge_id, geometry.CANDIDATES[0]), large)
                last = edge_id == link.id
                arrows: dict[str, Any] = {"to": options["arrows"]["to"] if last else {"enabled": False}}
                if index == middle and "middle" in options["arrows"]:
                    arrows["middle"] = options["arrows"]["middle"]
                if last:  # the last segment: the link's own edge, with everything
                    part = dict(options, arrows=arrows, origin=link.source, to=b) | shape
                    part["from"] = a
                    if hidden:
                        part["hidden"] = True
                    edges.append(part)
                else:  # the others take colour, width and dashes from it on the page (smaller pages)
                    segment = {"id": edge_id, "from": a, "to": b, "partOf": link.id, "arrows": arrows} | shape
                    edges.append(segment | ({"hidden": True} if hidden else {}))
            continue
        if link.id in placed.smooth:
            options |= _shape(placed.smooth[link.id], large)
        elif (link.source, link.target) in placed.layout.backward and not large:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.28}
        if hidden:
            options["hidden"] = True
        options["from"], options["to"] = link.source, link.target
        edges.append(options)
    options = _options(len(diagram.nodes), large)
    return VisData(nodes, edges, options, placed.layout, expanded, tuple(placed.blocked), sizes)


def page_items(data: VisData) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges the page hands to vis-network: each long link one edge again, from its
    source to its target, with ``route`` (its lane points, in order) and ``bends`` (each stretch's
    curve; None: the page's default curve), which the page draws itself (ROUTE in diagram.js).

    vis-network spends ~0.2 ms creating each node and each edge; as invisible waypoint nodes and
    segment edges, the lanes of the whole-graph page were 400 nodes and 400 edges more (the SVG
    slides keep drawing them as segments: :mod:`etiograph.viz.static` reads ``data`` itself).
    """
    points = {n["id"]: [n["x"], n["y"]] for n in data.nodes if n.get("waypoint")}
    if not points:
        return data.nodes, data.edges
    segments: dict[str, list[dict[str, Any]]] = {}
    for edge in data.edges:
        if "partOf" in edge:
            segments.setdefault(edge["partOf"], []).append(edge)
    edges = []
    for edge in data.edges:
        if "partOf" in edge:
            continue
        parts = segments.get(edge["id"])
        if not parts:
            edges.append(edge)
            continue
        pieces = [*parts, edge]  # in drawing order: vis_data lists a link's segments before its last
        marked = next((p["arrows"]["middle"] for p in pieces if "middle" in p["arrows"]), None)
        link = {k: v for k, v in edge.items() if k not in ("origin", "smooth", "arrows")}
        link["from"] = edge["origin"]
        link["arrows"] = {"to": edge["arrows"]["to"], **({"middle": marked} if marked else {})}
        link["route"] = [points[p["to"]] for p in parts]
        link["bends"] = [p.get("smooth") for p in pieces]
        edges.append(link)
    return [n for n in data.nodes if not n.get("waypoint")], edges


def _shape(smooth: dict, large: bool) -> dict[str, Any]:
    """An edge's curve option, left out when it is the page's default (the page fills it in again)."""
    return {} if smooth == geometry.CANDIDATES[0] and not large else {"smooth": smooth}


def _waypoint(name: str, x: float, y: float, link_id: str) -> dict[str, Any]:
    """An invisible point a long link passes through (not a concept: no label, no tooltip); the
    page gives it its look (WAYPOINT in diagram.js)."""
    return {"id": name, "x": x, "y": y, "waypoint": True, "partOf": link_id}


def node_sizes(diagram: Diagram) -> dict[str, tuple[float, float]]:
    """Estimated box sizes of the diagram's concepts (canvas units)."""
    sizes = {}
    for n in diagram.nodes:
        width, height = geometry.box_size(n.label, ROLE_FONT_SIZE if n.role else FONT_SIZE, LABEL_WIDTH)
        sizes[n.iri] = (width + 8, height + 14) if n.role else (width, height)  # thick border, larger font
    return sizes


class Placed(NamedTuple):
    """Where everything goes for one set of links: concept positions, lane points of long links
    (``waypoints[link id]``, in order), and a curve shape per drawn edge or edge segment."""

    positions: dict[str, tuple[float, float]]
    layout: Layout
    smooth: dict[str, dict]
    blocked: list[str]
    waypoints: dict[str, list[tuple[float, float]]]


def segment_ids(link_id: str, count: int) -> list[str]:
    """Edge ids of a link drawn through ``count`` lane points: the last keeps the link's own id.

    >>> segment_ids("e4", 2)
    ['e4~0', 'e4~1', 'e4']
    """
    return [f"{link_id}~{i}" for i in range(count)] + [link_id]


def waypoint_id(link_id: str, index: int) -> str:
    return f"{link_id}~w{index}"


def _placed(diagram: Diagram, link_ids: set[str], sizes: dict[str, tuple[float, float]], lanes: bool = True) -> Placed:
    """Layout and routed curves of the diagram's concepts joined by ``link_ids``."""
    links = [link for link in diagram.links if link.id in link_ids]
    ends = {n for link in links for n in (link.source, link.target)}
    ends |= {n.iri for n in (diagram.source, diagram.target) if n is not None}
    order = [n.iri for n in diagram.nodes if n.iri in ends or diagram.mode != "paths"]
    anchored = {n.iri for n in diagram.nodes if n.kind in style.ORIGIN_KINDS}
    layout = layered_layout(
        order,
        [(link.source, link.target) for link in links if not link.counteracting],
        weak_edges=[(link.source, link.target) for link in links if link.counteracting],
        first=diagram.source.iri if diagram.source else None,
        last=diagram.target.iri if diagram.target else None,
        heights={iri: (sizes[iri][1] + 34) / NODE_GAP for iri in order},
        layer_gap=LAYER_GAP if diagram.mode == "paths" else GRAPH_LAYER_GAP,
        anchored=anchored,
        wrap=len(links) > ROUTED,
    )
    if diagram.source and diagram.target and not links:  # nothing joins them: side by side
        positions = {diagram.source.iri: (0.0, 0.0), diagram.target.iri: (2 * LAYER_GAP, 0.0)}
        layout = Layout(positions, {diagram.source.iri: 0, diagram.target.iri: 2})
    if len(links) > ROUTED:
        return Placed(layout.positions, layout, {}, [], {})
    chains: dict[str, list[tuple[float, float]]] = {}  # link id -> the points it passes through
    preferred: dict[str, dict] = {}
    for link in links:
        points = layout.lanes.get((link.source, link.target), []) if lanes else []
        if (link.source, link.target) in layout.backward:
            preferred[link.id] = {"enabled": True, "type": "curvedCW", "roundness": 0.28}
            points = []
        start_x = layout.positions[link.source][0]
        chains[link.id] = sorted(points, key=lambda p: abs(p[0] - start_x))

    known: dict = {}  # the answers of the first attempt, for the second (same boxes in its first round)

    def attempt(rounds: int, verdict: bool = False):
        positions = dict(layout.positions)
        all_sizes = dict(sizes)
        pieces = []
        for link in links:
            names = [waypoint_id(link.id, i) for i in range(len(chains[link.id]))]
            for name, point in zip(names, chains[link.id], strict=True):
                positions[name] = point
                all_sizes[name] = (0.0, 0.0)
            chain = [link.source, *names, link.target]
            ids = segment_ids(link.id, len(names))
            pieces += [(edge, a, b) for edge, (a, b) in zip(ids, pairwise(chain), strict=True)]
        owners = {
            edge: (link.source, link.target) for link in links for edge in segment_ids(link.id, len(chains[link.id]))
        }
        return geometry.route(
            positions,
            all_sizes,
            pieces,
            preferred=preferred,
            obstacles=order,
            owners=owners,
            rounds=rounds,
            verdict=verdict,
            known=known,
        )

    moved, smooth, blocked = attempt(0, verdict=lanes)  # with lanes, anything blocked is routed again
    if (
        blocked and lanes
    ):  # the "N more" view (no lanes) keeps the best curve per link, unmoved  # leave and enter blocked segments level with their ends, beside the columns
        _add_ports(chains, blocked, {link.id: link for link in links}, layout.positions, sizes)
        moved, smooth, blocked = attempt(8)
    waypoints = {
        link_id: [moved[waypoint_id(link_id, i)] for i in range(len(points))]
        for link_id, points in chains.items()
        if points
    }
    concepts = {n: p for n, p in moved.items() if n in layout.positions}
    return Placed(concepts, layout, smooth, blocked, waypoints)


def _add_ports(chains, blocked, links, positions, sizes) -> None:
    """For each blocked segment a → b: two more points, level with a just right of a's column and
    level with b just left of b's column, so the turn happens between the columns, where no
    concept stands (columns never overlap: the layer gap is wider than any box)."""
    half: dict[float, float] = {}
    for name, (x, _) in positions.items():
        half[x] = max(half.get(x, 0.0), sizes[name][0] / 2)
    for piece in sorted(blocked, reverse=True):  # later segments first: indexes stay valid
        link_id, _, index = piece.partition("~")
        link = links[link_id]
        points = chains[link_id]
        position = len(points) if not index else int(index)
        chain = [positions[link.source], *points, positions[link.target]]
        (ax, ay), (bx, by) = chain[position], chain[position + 1]
        if ax == bx:
            continue
        step = 1 if bx > ax else -1
        out_x = ax + step * (half.get(ax, 0.0) + 8)
        in_x = bx - step * (half.get(bx, 0.0) + 8)
        if (in_x - out_x) * step <= 0:
            continue
        points[position:position] = [(out_x, ay), (in_x, by)]


def _node_options(node) -> dict[str, Any]:
    look = style.node_style(node.kind)
    fill = style.HIGHLIGHT_FILL.get(node.role or "", look.fill)
    border = style.SOURCE_BORDER if node.role else look.border
    options = {  # highlight and hover colours (the fill, a dark border) are the page's to add
        "shape": "box",
        "color": {"background": fill, "border": border},
        "borderWidth": 3.5 if node.role else look.border_width,
        "shapeProperties": {"borderDashes": [5, 3] if look.dashed_border else False, "borderRadius": look.radius},
    }
    if node.role:  # the others take the page-wide font (options.nodes.font)
        options["font"] = {"size": ROLE_FONT_SIZE, "color": "#111827"}
    return options


def _edge_options(link, mechanism: str | None, looks: dict[str, tuple[str, str | None]]) -> dict[str, Any]:
    best = link.best
    line = style.line_style(best.certainty if best else None, best.rank if best else 0)
    marker = None
    colour = style.NO_MECHANISM_COLOUR
    if link.counteracting:
        colour = style.COUNTERACTING_COLOUR
    else:
        name = link.mechanism(mechanism)
        if name in looks:
            colour, marker = looks[name]
    # sizes, "enabled" and the highlight/hover colours are the page's to add (diagram.js, fullEdge)
    arrows: dict[str, Any] = {"to": {"type": "bar" if link.counteracting else "arrow"}}
    if marker:
        arrows["middle"] = {"type": marker}
    return {
        "id": link.id,
        "color": {"color": colour},
        "width": line.width,
        "dashes": list(line.dashes) if line.dashes else False,
        "arrows": arrows,
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
            "font": {"face": FONT, "size": FONT_SIZE, "color": "#1F2933"},
            "margin": {"top": 8, "bottom": 8, "left": 10, "right": 10},
            "widthConstraint": {"maximum": LABEL_WIDTH + 20},
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
