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

import pyoxigraph as ox

from ..causal.source import chunks, values
from ..vocab import SPARQL_PROLOGUE

if TYPE_CHECKING:
    from ..causal.model import CausalPath
    from ..graph import KnowledgeGraph


_SUMMARY = """SELECT DISTINCT ?claim WHERE {{ {values}
  {{ ?claim a etio:SummaryClaim }} UNION {{ ?claim etio:indirect true }} }}"""


def summary_claims(kg: KnowledgeGraph, claims: Collection[str]) -> set[str]:
    """The claims among ``claims`` marked as summaries of a chain; empty when the data marks none."""
    found: set[str] = set()
    for batch in chunks(sorted(claims)):
        query = SPARQL_PROLOGUE + _SUMMARY.format(values=values("claim", (ox.NamedNode(c) for c in batch)))
        found.update(row[0].value for row in kg.query(query))
    return found


def shortcut_hops(paths: Sequence[CausalPath], summaries: Collection[str]) -> set[tuple[str, str]]:
    """Hops (subject, object) backed only by summary claims whose ends another path joins in two
    or more steps: the shortcuts a default diagram leaves out."""
    if not summaries:
        return set()
    chained: set[tuple[str, str]] = set()
    for path in paths:
        nodes = path.nodes
        for i, a in enumerate(nodes):
            for b in nodes[i + 2 :]:
                chained.add((a, b))
    summaries = set(summaries)
    out = set()
    for path in paths:
        for hop in path.hops:
            claims = {e.claim for e in hop.evidence}
            if claims and claims <= summaries and (hop.subject, hop.object) in chained:
                out.add((hop.subject, hop.object))
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
    hops = [frozenset((h.subject, h.object) for h in p.hops) for p in paths]
    signatures, fixed = [], []
    for p in paths:  # one pass over the evidence: what signature(), CausalPath.rank and the quotes give
        counts: dict[str, int] = {}
        rank, quotes = None, 0
        for hop in p.hops:
            evidence = hop.evidence
            strength = max((e.rank for e in evidence), default=0)
            rank = strength if rank is None or strength < rank else rank
            for mechanism in {m for e in evidence for m in e.mechanisms}:
                counts[mechanism] = counts.get(mechanism, 0) + 1
            quotes += sum(len(e.quotes) for e in evidence)
        signatures.append(frozenset(m for m, n in counts.items() if 2 * n >= len(p.hops)))
        # what does not change between rounds: firmness, length, how many quotes back the path
        fixed.append((rank or 0, -len(p.hops), quotes))
    plain = [i for i in range(len(paths)) if not hops[i] & shortcut]
    rest = [i for i in range(len(paths)) if hops[i] & shortcut]
    chosen: list[int] = []
    edges: set[tuple[str, str]] = set()
    mechanisms: set[str] = set()

    def cost(i: int) -> tuple:
        """The gain, every part negated: Python's min-heap then keeps the highest gain on top,
        compared as plain tuples (no Python-level comparison per heap step)."""
        fresh = len(hops[i] - edges) / max(len(hops[i]), 1)
        rank, shorter, quotes = fixed[i]
        return (-(fresh > 0), -bool(signatures[i] - mechanisms), -(fresh >= 0.5), -rank, -fresh, -shorter, -quotes, i)

    for pool in (plain, rest):
        heap = [(cost(i), i) for i in pool]
        heapq.heapify(heap)
        while heap and len(chosen) < limit:
            _, best = heapq.heappop(heap)
            current = cost(best)
            if heap and heap[0][0] < current:  # an older bound beats it now: look again
                heapq.heappush(heap, (current, best))
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
