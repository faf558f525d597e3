"""Causal path search: plain functions over a small adjacency, plus the result types.

The search never loads the whole graph. :mod:`etiograph.edges` expands breadth-first from the
source and from the target at once (so a 4-hop search reaches 2 hops each way), and only the
edges that can lie on a short enough path come here. Enumeration is a bounded depth-first
search; tests check it against ``networkx.all_simple_paths``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .errors import warn_deprecated
from .vocab import predicate_label

Adjacency = Mapping[str, set[str]]


@dataclass(frozen=True)
class Evidence:
    """One claim behind a hop: how firmly the source says it, in which mechanism, in which words."""

    claim: str
    predicate: str
    certainty: str | None
    rank: int
    mechanisms: tuple[str, ...]
    quotes: tuple[str, ...]
    section: str | None = None

    @property
    def predicate_label(self) -> str:
        """The claim's relation in words (``contributes to``)."""
        return predicate_label(self.predicate)


@dataclass(frozen=True)
class Hop:
    """One edge of a path, with the strongest claim's fields up front and every claim in ``evidence``."""

    subject: str
    object: str
    subject_label: str
    object_label: str
    predicate: str
    evidence: tuple[Evidence, ...]

    @property
    def predicate_label(self) -> str:
        """The relation in words, as the CLI prints it.

        >>> Hop("kg:a", "kg:b", "fever", "dehydration", "https://w3id.org/etiograph/ontology#contributesTo", ()).predicate_label
        'contributes to'
        """
        return predicate_label(self.predicate)

    @property
    def rank(self) -> int:
        """The hop's strength: its strongest claim's certainty rank (0 with no claim)."""
        return max((e.rank for e in self.evidence), default=0)

    @property
    def best(self) -> Evidence | None:
        return max(self.evidence, key=lambda e: (e.rank, e.predicate == self.predicate, len(e.quotes)), default=None)

    @property
    def claim(self) -> str | None:
        return self.best.claim if self.best else None

    @property
    def certainty(self) -> str | None:
        return self.best.certainty if self.best else None

    @property
    def mechanisms(self) -> tuple[str, ...]:
        return tuple(sorted({m for e in self.evidence for m in e.mechanisms}))

    @property
    def quote(self) -> str | None:
        best = self.best
        return best.quotes[0] if best and best.quotes else None


@dataclass(frozen=True)
class CausalPath:
    """A simple causal path; its certainty is its weakest hop's (a chain is as strong as that link)."""

    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def nodes(self) -> tuple[str, ...]:
        return (self.hops[0].subject, *(h.object for h in self.hops)) if self.hops else ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.hops[0].subject_label, *(h.object_label for h in self.hops)) if self.hops else ()

    @property
    def rank(self) -> int:
        return min((h.rank for h in self.hops), default=0)

    @property
    def weakest(self) -> Hop | None:
        return min(self.hops, key=lambda h: h.rank, default=None)


@dataclass(frozen=True)
class Mediator:
    """A mediator on the found paths, with how many of them pass through it.

    *Mediator* has one meaning in etiograph, the causal-inference one: a concept that lies strictly
    between a cause and an effect on a causal path (UTI → fever → dehydration: fever mediates).
    Listings differ only in how they score mediators, and each names its score: here (``etiograph
    paths``) the number and share of the found paths through it; in an explanation (``etiograph
    explain``) betweenness on the causal routes into the concept. A *hub* is a mediator many paths share.
    """

    concept: str
    label: str
    paths_through: int
    share: float


@dataclass(frozen=True)
class PathsResult:
    source: str
    target: str
    source_label: str
    target_label: str
    max_hops: int
    paths: tuple[CausalPath, ...]
    total: int
    truncated: bool = False
    filters: Mapping[str, str] = field(default_factory=dict)

    def mediators(self) -> list[Mediator]:
        """The mediators of the returned paths (:class:`Mediator`), most paths through them first."""
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for path in self.paths:
            for node, label in zip(path.nodes[1:-1], path.labels[1:-1]):
                counts[node] = counts.get(node, 0) + 1
                labels[node] = label
        n = max(len(self.paths), 1)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], labels[kv[0]]))
        return [Mediator(c, labels[c], k, k / n) for c, k in ranked]


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


def __getattr__(name: str) -> object:
    """``paths.Path``, the class's old name, for one release: it shadowed ``pathlib.Path``."""
    if name == "Path":
        warn_deprecated(
            "etiograph.paths.Path is deprecated (it shadows pathlib.Path): use etiograph.CausalPath; "
            "the old name goes in etiograph 0.2"
        )
        return CausalPath
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
