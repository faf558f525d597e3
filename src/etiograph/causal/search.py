"""Causal path search: plain functions over a small adjacency.

The search never loads the whole graph. :mod:`etiograph.causal.source` expands breadth-first from
the source and from the target at once (so a 4-hop search reaches 2 hops each way), and only the
edges that can lie on a short enough path come here. Enumeration is a bounded depth-first
search; tests check it against ``networkx.all_simple_paths``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import CausalPath

__all__ = ["Adjacency", "distances", "order_key", "prune", "reverse", "simple_paths"]

Adjacency = Mapping[str, set[str]]


def distances(adjacency: Adjacency, start: str, limit: int) -> dict[str, int]:
    """Breadth-first hop counts from ``start`` along ``adjacency``, up to ``limit`` hops.

    >>> distances({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a", 5)
    {'a': 0, 'b': 1, 'c': 2}
    """
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] >= limit:
            continue
        for nxt in adjacency.get(node, ()):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return seen


def reverse(adjacency: Adjacency) -> dict[str, set[str]]:
    """The same edges pointing the other way."""
    out: dict[str, set[str]] = {}
    for u, vs in adjacency.items():
        for v in vs:
            out.setdefault(v, set()).add(u)
    return out


def prune(adjacency: Adjacency, source: str, target: str, max_hops: int) -> dict[str, set[str]]:
    """Keep only edges that lie on some walk source → target of at most ``max_hops`` hops.

    >>> prune({"s": {"a", "x"}, "a": {"t"}, "x": {"y"}}, "s", "t", 3)
    {'s': {'a'}, 'a': {'t'}}
    """
    forward = distances(adjacency, source, max_hops)
    backward = distances(reverse(adjacency), target, max_hops)
    kept: dict[str, set[str]] = {}
    for u, vs in adjacency.items():
        if u not in forward:
            continue
        for v in vs:
            if v in backward and forward[u] + 1 + backward[v] <= max_hops:
                kept.setdefault(u, set()).add(v)
    return kept


def simple_paths(adjacency: Adjacency, source: str, target: str, max_hops: int) -> Iterator[tuple[str, ...]]:
    """Every simple path (no node twice) from ``source`` to ``target`` with at most ``max_hops`` edges.

    Depth-first over a pruned adjacency; lazily yielded, so callers can stop early.

    >>> sorted(simple_paths({"s": {"a", "t"}, "a": {"t", "s"}}, "s", "t", 3))
    [('s', 'a', 't'), ('s', 't')]
    """
    if source == target or max_hops < 1:
        return
    graph = prune(adjacency, source, target, max_hops)
    to_target = distances(reverse(graph), target, max_hops)
    stack: list[tuple[str, Iterator[str]]] = [(source, iter(sorted(graph.get(source, ()))))]
    on_path = [source]
    visited = {source}
    while stack:
        _node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            visited.discard(on_path.pop())
            continue
        if child in visited:
            continue
        depth = len(on_path)  # edges used once child is appended
        if child == target:
            yield (*on_path, child)
            continue
        if depth + to_target.get(child, max_hops + 1) > max_hops:
            continue
        on_path.append(child)
        visited.add(child)
        stack.append((child, iter(sorted(graph.get(child, ())))))


def order_key(path: CausalPath) -> tuple:
    """Shortest first, then strongest weakest link, then best supported (the most claims behind its
    thinnest hop: a chain is as well supported as that link), then alphabetically for a stable order."""
    support = min((len(h.evidence) for h in path.hops), default=0)
    return (path.length, -path.rank, -support, path.labels)
