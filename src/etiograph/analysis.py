"""Graph analytics over causal structure with networkx: hubs, mediators, bottlenecks.

Imported only by the commands that need it (networkx takes ~0.15 s to import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx

from .paths import Path


def to_digraph(adjacency: Mapping[str, set[str]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for u, vs in adjacency.items():
        graph.add_edges_from((u, v) for v in vs)
    return graph


def betweenness_toward(adjacency: Mapping[str, set[str]], target: str) -> dict[str, float]:
    """Betweenness of each node for shortest paths ending at ``target``, highest first.

    >>> betweenness_toward({"a": {"m"}, "b": {"m"}, "m": {"t"}}, "t")
    {'m': 1.0, 'a': 0.0, 'b': 0.0}
    """
    graph = to_digraph(adjacency)
    if target not in graph:
        return {}
    sources = [n for n in graph if n != target and nx.has_path(graph, n, target)]
    scores = nx.betweenness_centrality_subset(graph, sources=sources, targets=[target], normalized=False)
    scores.pop(target, None)
    top = max(scores.values(), default=0) or 1
    return dict(sorted(((n, s / top) for n, s in scores.items()), key=lambda kv: (-kv[1], kv[0])))


def bottlenecks(paths: Sequence[Path], source: str, target: str) -> list[str]:
    """The smallest set of intermediate concepts whose removal cuts every one of ``paths``.

    >>> from etiograph.paths import Hop
    >>> def path(*nodes):
    ...     return Path(tuple(Hop(u, v, u, v, "p", ()) for u, v in zip(nodes, nodes[1:])))
    >>> bottlenecks([path("s", "d", "a", "t"), path("s", "d", "b", "t")], "s", "t")
    ['d']
    """
    graph = nx.DiGraph()
    for p in paths:
        graph.add_edges_from(zip(p.nodes, p.nodes[1:]))
    if source not in graph or target not in graph or graph.has_edge(source, target):
        return []
    return sorted(nx.minimum_node_cut(graph, source, target))
