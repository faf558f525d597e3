"""Graph analytics over causal structure: mediators (scored by betweenness), bottlenecks.

``betweenness_toward`` is plain Python (Brandes' algorithm, as networkx runs it), so ``etiograph
explain`` does not pay networkx's ~0.2 s import; ``bottlenecks`` imports networkx when called.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from .model import CausalPath


def betweenness_toward(adjacency: Mapping[str, set[str]], target: str) -> dict[str, float]:
    """Betweenness of each node for shortest paths ending at ``target``, scaled to the highest, highest first.

    The same figures as ``networkx.betweenness_centrality_subset(G, sources=<nodes that reach target>,
    targets=[target], normalized=False)``, from one breadth-first search per source.

    >>> betweenness_toward({"a": {"m"}, "b": {"m"}, "m": {"t"}}, "t")
    {'m': 1.0, 'a': 0.0, 'b': 0.0}
    """
    successors: dict[str, list[str]] = {}
    for u, vs in adjacency.items():
        successors.setdefault(u, []).extend(sorted(vs))
        for v in vs:
            successors.setdefault(v, [])
    if target not in successors:
        return {}
    predecessors: dict[str, list[str]] = {node: [] for node in successors}
    for u, vs in successors.items():
        for v in vs:
            predecessors[v].append(u)
    reaches = _reach(predecessors, target)
    scores = dict.fromkeys(successors, 0.0)
    for source in sorted(successors):
        if source == target or source not in reaches:
            continue
        order, parents, sigma = _shortest_paths(successors, source)
        delta = dict.fromkeys(order, 0.0)
        for w in reversed(order):
            coeff = ((delta[w] + 1.0) if w == target else delta[w]) / sigma[w]
            for v in parents[w]:
                delta[v] += sigma[v] * coeff
            if w != source:
                scores[w] += delta[w]
    scores.pop(target, None)
    top = max(scores.values(), default=0) or 1
    return dict(sorted(((n, s / top) for n, s in scores.items()), key=lambda kv: (-kv[1], kv[0])))


def _reach(edges: Mapping[str, list[str]], start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _shortest_paths(
    successors: Mapping[str, list[str]], source: str
) -> tuple[list[str], dict[str, list[str]], dict[str, float]]:
    """Breadth-first order, shortest-path parents and path counts from ``source`` (Brandes)."""
    order: list[str] = []
    parents: dict[str, list[str]] = {source: []}
    sigma = {source: 1.0}
    depth = {source: 0}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        order.append(v)
        for w in successors[v]:
            if w not in depth:
                depth[w] = depth[v] + 1
                queue.append(w)
                sigma[w] = 0.0
                parents[w] = []
            if depth[w] == depth[v] + 1:
                sigma[w] += sigma[v]
                parents[w].append(v)
    return order, parents, sigma


def bottlenecks(paths: Sequence[CausalPath], source: str, target: str) -> list[str]:
    """The smallest set of intermediate concepts whose removal cuts every one of ``paths``.

    >>> from etiograph.causal.model import Hop
    >>> def path(*nodes):
    ...     return CausalPath(tuple(Hop(u, v, u, v, "p", ()) for u, v in zip(nodes, nodes[1:])))
    >>> bottlenecks([path("s", "d", "a", "t"), path("s", "d", "b", "t")], "s", "t")
    ['d']
    """
    import networkx as nx

    graph = nx.DiGraph()
    for p in paths:
        graph.add_edges_from(zip(p.nodes, p.nodes[1:]))
    if source not in graph or target not in graph or graph.has_edge(source, target):
        return []
    return sorted(nx.minimum_node_cut(graph, source, target))
