"""A left-to-right layered layout for causal diagrams, computed once in Python.

Causes stand left of their effects: each weakly connected component is made acyclic by
dropping the back edges of a depth-first search (started at the diagram's source), layered by
longest path, and ordered within layers by barycentre sweeps to cut crossings. Positions are
handed to vis-network with physics off, so a page with thousands of nodes opens already settled.
Plain Python over ordered dicts (no networkx: ``etiograph viz`` should not pay its import), in the
same orders networkx iterates, so the drawing is the one networkx gave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from types import MappingProxyType

from ..records import NamedTuple

LAYER_GAP = 215.0
NODE_GAP = 92.0
COMPONENT_GAP = 150.0
#: Between the columns a huge layer wraps into.
COLUMN_GAP = 175.0
SWEEPS = 4
#: Aim for drawings this many times wider than high (a laptop screen, less the side panel).
ASPECT = 1.55
#: Height of the lane an edge that skips a layer reserves there, in rows.
LANE = 0.45
#: Most lanes reserved in one drawing; beyond, long edges just cross (huge graphs).
DUMMY_BUDGET = 4000
_DUMMY = "\x00lane:"


class Digraph:
    """A directed graph with ordered nodes and successors (insertion order, as networkx keeps them)."""

    def __init__(self, nodes: Iterable[str] = (), edges: Iterable[tuple[str, str]] = ()):
        self.succ: dict[str, dict[str, None]] = {}
        self.pred: dict[str, dict[str, None]] = {}
        for node in nodes:
            self.add_node(node)
        for u, v in edges:
            self.add_edge(u, v)

    def add_node(self, node: str) -> None:
        if node not in self.succ:
            self.succ[node], self.pred[node] = {}, {}

    def add_edge(self, u: str, v: str) -> None:
        self.add_node(u)
        self.add_node(v)
        self.succ[u][v] = None
        self.pred[v][u] = None

    def remove_edge(self, u: str, v: str) -> None:
        del self.succ[u][v], self.pred[v][u]

    def has_edge(self, u: str, v: str) -> bool:
        return v in self.succ.get(u, ())

    def __contains__(self, node: object) -> bool:
        return node in self.succ

    def __len__(self) -> int:
        return len(self.succ)

    @property
    def nodes(self) -> list[str]:
        return list(self.succ)

    @property
    def edges(self) -> list[tuple[str, str]]:
        return [(u, v) for u, children in self.succ.items() for v in children]

    def successors(self, node: str) -> list[str]:
        return list(self.succ[node])

    def in_degree(self, node: str) -> int:
        return len(self.pred[node])

    def out_degree(self, node: str) -> int:
        return len(self.succ[node])

    def degree(self, node: str) -> int:
        return len(self.pred[node]) + len(self.succ[node])

    def subgraph(self, members: Iterable[str]) -> Digraph:
        """The graph induced by ``members``, in this graph's node and successor order."""
        keep = set(members)
        sub = Digraph(n for n in self.succ if n in keep)
        for u in sub.succ:
            for v in self.succ[u]:
                if v in keep:
                    sub.add_edge(u, v)
        return sub

    def topological_order(self) -> list[str]:
        """Nodes in the order networkx's ``topological_sort`` gives (generation by generation)."""
        waiting = {n: len(p) for n, p in self.pred.items() if p}
        generation = [n for n, p in self.pred.items() if not p]
        order: list[str] = []
        while generation:
            order += generation
            following = []
            for node in generation:
                for child in self.succ[node]:
                    waiting[child] -= 1
                    if not waiting[child]:
                        following.append(child)
                        del waiting[child]
            generation = following
        if waiting:
            raise ValueError("the graph has a cycle")
        return order


def weak_components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """The weakly connected components (edge direction ignored)."""
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for u, v in edges:
        neighbours.setdefault(u, set()).add(v)
        neighbours.setdefault(v, set()).add(u)
    seen: set[str] = set()
    components = []
    for start in neighbours:
        if start in seen:
            continue
        seen.add(start)
        component, stack = {start}, [start]
        while stack:
            for other in neighbours[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    component.add(other)
                    stack.append(other)
        components.append(component)
    return components


class Layout(NamedTuple):
    """Where each node goes, its layer, and the edges drawn against the flow (curved on the page)."""

    positions: dict[str, tuple[float, float]]
    layers: dict[str, int]
    backward: frozenset[tuple[str, str]] = frozenset()
    #: For an edge (u, v) that skips layers: the points of the lane it reserved in each layer it
    #: crosses, left to right (a page routes the edge through them, clear of the concepts there).
    lanes: Mapping[tuple[str, str], list[tuple[float, float]]] = MappingProxyType({})


def layered_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    weak_edges: Iterable[tuple[str, str]] = (),
    first: str | None = None,
    last: str | None = None,
    layer_gap: float = LAYER_GAP,
    node_gap: float = NODE_GAP,
    aspect: float = ASPECT,
    heights: Mapping[str, float] | None = None,
    anchored: Iterable[str] = (),
    wrap: bool = True,
) -> Layout:
    """Positions for ``nodes``: ``edges`` point left to right; ``weak_edges`` only attract.

    A node joined to the rest only by weak edges (an intervention that counteracts a step)
    sits one layer before what it acts on; other root causes sit just before their first
    effect. The search for cycles starts at ``first``, so a cycle through it opens there (a path
    diagram's source, with no incoming edge, lands in layer 0); ``last`` goes to the last layer. Rows
    spread apart (up to twice ``node_gap``) until the drawing is about ``aspect`` times as
    wide as high; edges that skip layers reserve a thin lane in each layer they cross.
    ``heights`` gives a node's height in rows (default 1), for labels that wrap onto more lines.
    ``anchored`` root causes (infections, conditions) stay in the first layer rather than moving
    right to their first effect: the story starts at the left. ``wrap=False`` keeps every layer
    in one column however tall (long edges then get lanes; for diagrams small enough to route).

    >>> layout = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], first="a")
    >>> [layout.layers[n] for n in "abc"], sorted(layout.backward)
    ([0, 1, 2], [('c', 'a')])
    >>> layout.positions["b"]
    (215.0, 0.0)
    """
    strong = Digraph(nodes, ((u, v) for u, v in edges if u != v))
    weak = [(u, v) for u, v in weak_edges if u != v and not strong.has_edge(u, v)]
    order = {n: i for i, n in enumerate(nodes)}
    anchored = set(anchored)

    components = sorted(
        weak_components(strong.nodes, [*strong.edges, *weak]),
        key=lambda c: (first not in c, -len(c), min(order[n] for n in c)),
    )
    placed: list[tuple[dict[int, list[str]], dict[str, int]]] = []
    layers: dict[str, int] = {}
    backward: set[tuple[str, str]] = set()
    budget = DUMMY_BUDGET
    for component in components:
        members = sorted(component, key=order.__getitem__)
        sub = strong.subgraph(members)
        back = _back_edges(sub, members, first)
        dag = sub.subgraph(sub.nodes)
        for u, v in back:
            dag.remove_edge(u, v)
        comp_layers = _longest_path_layers(dag, keep={first, *anchored})
        _place_weak(comp_layers, [(u, v) for u, v in weak if u in component], sub, keep={first})
        if last in component and sub.in_degree(last):
            comp_layers[last] = max(comp_layers.values())
        links = [*dag.edges, *((u, v) for u, v in weak if u in component)]
        span = sum(max(abs(comp_layers[u] - comp_layers[v]) - 1, 0) for u, v in links)
        lanes = span <= budget
        budget -= span if lanes else 0
        placed.append((_order_layers(comp_layers, links, members, lanes), comp_layers))
        layers.update(comp_layers)
        backward.update(back)
    backward.update((u, v) for u, v in [*strong.edges, *weak] if layers[u] >= layers[v])

    spans = max((max(c.values()) for _, c in placed), default=0)
    size = dict(heights or {})
    tallest = max((_rows_height(ranks, size) for ranks, _ in placed), default=1.0)
    columns = _columns(spans, tallest, layer_gap, node_gap, aspect) if wrap else 1
    positions: dict[str, tuple[float, float]] = {}
    lane_points: dict[str, tuple[float, float]] = {}
    offset = 0.0
    if columns == 1:
        gap = min(max(node_gap, spans * layer_gap / aspect / max(tallest - 1, 1)), 2 * node_gap)
        for ranks, _ in placed:
            height = _rows_height(ranks, size)
            for layer, row in ranks.items():
                y = offset + (height - _row_height(row, size)) / 2 * gap
                for node in row:
                    unit = LANE if node.startswith(_DUMMY) else size.get(node, 1.0)
                    if not node.startswith(_DUMMY):
                        positions[node] = (layer * layer_gap, y + unit / 2 * gap)
                    else:
                        lane_points[node] = (layer * layer_gap, y + unit / 2 * gap)
                    y += unit * gap
            offset += height * gap + COMPONENT_GAP
    else:  # huge layers: each wraps, in order, into side-by-side columns (row by row)
        pitch = layer_gap + (columns - 1) * COLUMN_GAP
        for ranks, _ in placed:
            rows = {layer: [n for n in row if not n.startswith(_DUMMY)] for layer, row in ranks.items()}
            height = max(-(-len(row) // columns) for row in rows.values())
            for layer, row in rows.items():
                top = offset + (height - -(-len(row) // columns)) / 2 * node_gap
                for index, node in enumerate(row):
                    column, line = index % columns, index // columns
                    x = layer * pitch + (column - (min(columns, len(row)) - 1) / 2) * COLUMN_GAP
                    positions[node] = (x, top + line * node_gap)
            offset += height * node_gap + COMPONENT_GAP
    if positions:  # centre the drawing on 0
        ys = [y for _, y in positions.values()]
        shift = (max(ys) + min(ys)) / 2
        positions = {n: (x, round(y - shift, 1)) for n, (x, y) in positions.items()}
        lane_points = {n: (x, round(y - shift, 1)) for n, (x, y) in lane_points.items()}
    lanes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for name, point in sorted(lane_points.items(), key=lambda item: item[1][0]):
        u, v, _ = name[len(_DUMMY) :].split("\x00")
        lanes.setdefault((u, v), []).append(point)
    return Layout(positions, layers, frozenset(backward), lanes)


def _columns(spans: int, tallest: float, layer_gap: float, node_gap: float, aspect: float) -> int:
    """Columns per layer: 1, unless the drawing would be far taller than ``aspect`` asks; then
    the fewest that bring it back to that shape."""
    if spans * layer_gap >= aspect / 2.5 * tallest * node_gap:
        return 1
    columns = 1
    while columns < 60:
        columns += 1
        width = spans * (layer_gap + (columns - 1) * COLUMN_GAP) + (columns - 1) * COLUMN_GAP
        if width >= aspect * (tallest / columns) * node_gap:
            break
    return columns


def _row_height(row: list[str], size: Mapping[str, float]) -> float:
    return sum(LANE if n.startswith(_DUMMY) else size.get(n, 1.0) for n in row)


def _rows_height(ranks: dict[int, list[str]], size: Mapping[str, float]) -> float:
    return max((_row_height(row, size) for row in ranks.values()), default=1.0)


def _back_edges(graph: Digraph, members: list[str], first: str | None) -> set[tuple[str, str]]:
    """Edges that close a cycle in a depth-first search from ``first``, then from the roots."""
    roots = [n for n in members if graph.in_degree(n) == 0]
    starts = ([first] if first in graph else []) + roots + members
    index = {n: i for i, n in enumerate(members)}
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    back: set[tuple[str, str]] = set()
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(sorted(graph.successors(start), key=index.__getitem__)))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(graph.successors(child), key=index.__getitem__))))
    return back


def _longest_path_layers(dag: Digraph, keep: set[str | None]) -> dict[str, int]:
    """Longest-path layers, then root causes moved right to sit just before their first effect."""
    order = dag.topological_order()
    layers = dict.fromkeys(dag.nodes, 0)
    for node in order:
        for child in dag.successors(node):
            layers[child] = max(layers[child], layers[node] + 1)
    for node in reversed(order):
        if node not in keep and dag.in_degree(node) == 0 and dag.out_degree(node):
            layers[node] = min(layers[c] for c in dag.successors(node)) - 1
    return layers


def _place_weak(layers: dict[str, int], weak: list[tuple[str, str]], strong: Digraph, keep: set) -> None:
    """Nodes with no strong edge: one layer before what they act on, or one after what acts on them."""
    floating = {n for e in weak for n in e if strong.degree(n) == 0 and n not in keep}
    targets: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for u, v in weak:
        targets.setdefault(u, []).append(v)
        sources.setdefault(v, []).append(u)
    pending = sorted(floating)
    while pending:
        waiting = []
        for node in pending:
            after = [layers[v] for v in targets.get(node, ()) if v not in floating]
            before = [layers[u] for u in sources.get(node, ()) if u not in floating]
            if after or before:
                layers[node] = max(0, min(after) - 1) if after else max(before) + 1
                floating.discard(node)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            break  # only floating neighbours left: they stay in layer 0
        pending = waiting


def _order_layers(
    layers: dict[str, int], links: list[tuple[str, str]], members: list[str], lanes: bool
) -> dict[int, list[str]]:
    """Nodes of each layer (and the lanes of long edges), ordered by barycentre sweeps."""
    ranks: dict[int, list[str]] = {}
    for node in members:
        ranks.setdefault(layers[node], []).append(node)
    preds: dict[str, list[str]] = {n: [] for n in members}
    succs: dict[str, list[str]] = {n: [] for n in members}
    for u, v in links:
        if layers[u] == layers[v]:
            continue
        low, high = (u, v) if layers[u] < layers[v] else (v, u)
        chain = [low]
        if lanes:
            for layer in range(layers[low] + 1, layers[high]):
                lane = f"{_DUMMY}{u}\x00{v}\x00{layer}"
                ranks[layer].append(lane)
                preds[lane], succs[lane] = [], []
                chain.append(lane)
        chain.append(high)
        for a, b in pairwise(chain):
            succs[a].append(b)
            preds[b].append(a)
    ranks = dict(sorted(ranks.items()))

    pos: dict[str, float] = {}

    def centre(row: list[str]) -> None:
        half = (len(row) - 1) / 2
        for i, n in enumerate(row):
            pos[n] = i - half

    for row in ranks.values():
        centre(row)
    at = pos.__getitem__
    still = 0  # sweeps in a row that moved nothing
    for sweep in range(SWEEPS * 2):
        if still == 2:  # a sweep each way left every row as it was: so would every sweep after them
            break
        neighbours = preds if sweep % 2 == 0 else succs
        moved = False
        for layer in list(ranks) if sweep % 2 == 0 else list(reversed(ranks)):
            # (barycentre, place) per node: a row's places differ, so no two keys tie and the sort
            # of these tuples is the sort by that key
            keyed = []
            for n in ranks[layer]:
                near = neighbours[n]
                place = pos[n]
                keyed.append((sum(map(at, near)) / len(near) if near else place, place, n))
            keyed.sort()
            row = [n for _, _, n in keyed]
            if row != ranks[layer]:
                ranks[layer] = row
                centre(row)
                moved = True
        still = 0 if moved else still + 1
    return ranks
