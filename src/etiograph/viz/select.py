"""Which paths a classroom diagram draws by default: the k most informative ones.

143 paths from UTI to leg cramps make a hairball; a teacher wants the few routes that are
mechanistically distinct and best supported. The choice is greedy: each round takes the path
that brings a mechanism not yet shown, then the firmest weakest link, then the most new arrows,
then the shortest. Summary shortcuts (claims marked ``etio:SummaryClaim`` or ``etio:indirect
true`` whose two ends the other paths also join step by step) are left out while other paths
remain: the step-by-step chain is the lesson, the shortcut restates it.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..causal.model import CausalPath
    from ..graph import KnowledgeGraph


def summary_claims(kg: KnowledgeGraph, claims: Collection[str]) -> set[str]:
    """The claims among ``claims`` marked as summaries of a chain; empty when the data marks none."""
    return set(claims) & kg.summary_claims()


def shortcut_hops(paths: Sequence[CausalPath], summaries: Collection[str]) -> set[tuple[str, str]]:
    """Hops (subject, object) backed only by summary claims whose ends another path joins in two
    or more steps: the shortcuts a default diagram leaves out."""
    if not summaries:
        return set()
    summaries = set(summaries)
    candidates: set[tuple[str, str]] = set()
    seen: set[int] = set()
    for path in paths:  # kg.paths' paths share their hops: each looked at once
        for hop in path.hops:
            if id(hop) in seen:
                continue
            seen.add(id(hop))
            claims = {e.claim for e in hop.evidence}
            if claims and claims <= summaries:
                candidates.add((hop.subject, hop.object))
    out = set()
    for path in paths:  # which of them another path joins step by step
        remaining = candidates - out
        if not remaining:
            break
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for i, node in enumerate(path.nodes):
            first.setdefault(node, i)
            last[node] = i
        for a, b in remaining:  # a somewhere before b, two steps or more
            if a in first and b in last and last[b] >= first[a] + 2:
                out.add((a, b))
    return out


def informative(paths: Sequence[CausalPath], limit: int | None, shortcuts: Collection[tuple[str, str]] = ()) -> list[int]:
    """Indexes of the paths to draw, most informative first; all of them (reordered) when ``limit`` is None.

    >>> from etiograph import CausalPath, Evidence, Hop
    >>> def hop(s, o, rank, mechanism):
    ...     return Hop(s, o, s, o, "p", (Evidence(f"{s}{o}", "p", None, rank, (mechanism,), ("q",)),))
    >>> paths = [
    ...     CausalPath((hop("a", "b", 8, "m1"), hop("b", "z", 8, "m1"))),
    ...     CausalPath((hop("a", "c", 8, "m1"), hop("c", "z", 8, "m1"))),
    ...     CausalPath((hop("a", "d", 4, "m2"), hop("d", "z", 4, "m2"))),
    ... ]
    >>> informative(paths, 2)  # the second mechanism beats a second route of the first
    [0, 2]
    """
    return _greedy(paths, len(paths) if limit is None else max(limit, 0), shortcuts)


def _greedy(paths: Sequence[CausalPath], limit: int, shortcuts: Collection[tuple[str, str]]) -> list[int]:
    """Each round the path of highest gain. A path's gain never rises from one round to the next
    (every part of it is fixed or only falls as arrows and mechanisms get shown), so a gain computed
    in an earlier round bounds it from above: a lazy greedy recomputes only the heap's top until it
    stays on top, and picks what the full scan picks (ties cannot happen: the index is part of the gain)."""
    shortcut = set(shortcuts)
    # one pass over the evidence, once per hop (kg.paths' paths share them): what signature(),
    # CausalPath.rank and the quotes give
    facts: dict[int, tuple[tuple[str, str], int, set[str], int]] = {}  # id(hop) -> (ends, strength, mechanisms, quotes)
    hops: list[frozenset[tuple[str, str]]] = []
    sizes: list[int] = []
    signatures, fixed = [], []
    for p in paths:
        counts: dict[str, int] = {}
        rank, quotes, pairs = None, 0, []
        for hop in p.hops:
            known = facts.get(id(hop))
            if known is None:
                evidence = hop.evidence
                known = facts[id(hop)] = (
                    (hop.subject, hop.object),
                    max([e.rank for e in evidence], default=0),
                    {m for e in evidence for m in e.mechanisms},
                    sum([len(e.quotes) for e in evidence]),
                )
            pair, strength, named, count = known
            pairs.append(pair)
            rank = strength if rank is None or strength < rank else rank
            for mechanism in named:
                counts[mechanism] = counts.get(mechanism, 0) + 1
            quotes += count
        ends = frozenset(pairs)
        hops.append(ends)
        sizes.append(max(len(ends), 1))
        signatures.append(frozenset(m for m, n in counts.items() if 2 * n >= len(p.hops)))
        # what does not change between rounds: firmness, length, how many quotes back the path
        fixed.append((rank or 0, -len(p.hops), quotes))
    plain = [i for i in range(len(paths)) if hops[i].isdisjoint(shortcut)]
    rest = [i for i in range(len(paths)) if not hops[i].isdisjoint(shortcut)]
    chosen: list[int] = []
    edges: set[tuple[str, str]] = set()
    mechanisms: set[str] = set()

    def cost(i: int) -> tuple:
        """The gain, every part negated: Python's min-heap then keeps the highest gain on top,
        compared as plain tuples (no Python-level comparison per heap step)."""
        fresh = len(hops[i] - edges) / sizes[i]
        rank, shorter, quotes = fixed[i]
        # the three yes/no parts in one number (4, 2, 1: the same order as the three of them in turn)
        flags = 4 * (fresh > 0) + 2 * (not signatures[i] <= mechanisms) + (fresh >= 0.5)
        return (-flags, -rank, -fresh, -shorter, -quotes, i)

    for pool in (plain, rest):
        heap = [cost(i) for i in pool]  # the path's index ends its gain
        heapq.heapify(heap)
        while heap and len(chosen) < limit:
            best = heapq.heappop(heap)[-1]
            current = cost(best)
            if heap and heap[0] < current:  # an older bound beats it now: look again
                heapq.heappush(heap, current)
                continue
            chosen.append(best)
            edges.update(hops[best])
            mechanisms.update(signatures[best])
        if len(chosen) >= limit:
            break
    return chosen


def signature(path: CausalPath) -> set[str]:
    """The mechanisms that carry a path: those named on at least half of its hops."""
    counts: dict[str, int] = {}
    for hop in path.hops:
        for mechanism in hop.mechanisms:
            counts[mechanism] = counts.get(mechanism, 0) + 1
    return {m for m, n in counts.items() if 2 * n >= path.length}
