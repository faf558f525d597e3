"""A compact causal index: the causal edges of a pyoxigraph store as integer adjacency (CSR).

Why: a path search over SPARQL pays a query per frontier (milliseconds each at a million claims),
while the same search over two flat integer arrays costs microseconds per visited edge. The store
stays the source of truth: the index holds only structure (which concept leads to which, and
whether through a causal or a counteracting relation); evidence and labels are read from the store
for the hops an answer returns.

Layout, about 10 bytes per edge plus the concept IRIs:

* concepts are numbered in IRI order, their IRIs kept in one UTF-8 blob with offsets (a dict of
  Python strings would cost ~130 bytes per concept), looked up by binary search;
* ``out_offsets``/``out_targets``: successors of each concept, sorted, so a depth-first search
  visits children in IRI order, exactly as the SPARQL implementation does; an edge's id is its
  position in ``out_targets``;
* ``in_offsets``/``in_sources``: predecessors, for upstream searches and distance-to-target;
* one flag byte per edge and direction: ``CAUSAL`` (a sub-property of etio:causesOrContributesTo)
  and/or ``COUNTERACTING`` (below etio:counteracts). Spine triples (the super-property written beside
  each direct triple) join the same pair, so they add no edge.

It is built once per store (a few seconds at a million claims, from ``quads_for_pattern``) and, for
a persistent store (``oxigraph:DIR``), saved inside ``DIR`` keyed by the store's file fingerprint,
so a reopened store reads it back in milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

CAUSAL = 1
COUNTERACTING = 2

#: Integer arrays use a 4-byte type: up to 4 billion concepts and edges.
_INT = next(code for code in "IL" if array(code).itemsize == 4)
_MAGIC = b"etiograph-causal-index 1\n"
#: The file a persistent store keeps its index in (inside the store's folder; RocksDB ignores it).
INDEX_FILE = "etiograph-causal-index.bin"


class NodeTable(Sequence[bytes]):
    """Concept IRIs in sorted order, in one blob: ``table[i]`` is IRI ``i`` as UTF-8 bytes."""

    def __init__(self, blob: bytes, offsets: array):
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def from_sorted(cls, iris: Sequence[str]) -> NodeTable:
        offsets = array(_INT, [0])
        parts = []
        position = 0
        for iri in iris:
            data = iri.encode("utf-8")
            parts.append(data)
            position += len(data)
            offsets.append(position)
        return cls(b"".join(parts), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):  # type: ignore[override]
        return self.blob[self.offsets[i] : self.offsets[i + 1]]

    def iri(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1]].decode("utf-8")

    def find(self, iri: str) -> int | None:
        """The id of ``iri``, or None when no causal edge touches it (UTF-8 order is code point order)."""
        key = iri.encode("utf-8")
        i = bisect_left(self, key)
        return i if i < len(self) and self[i] == key else None


class CausalIndex:
    """Causal and counteracting edges between concepts, as forward and backward CSR arrays."""

    def __init__(
        self,
        nodes: NodeTable,
        out_offsets: array,
        out_targets: array,
        out_flags: array,
        in_offsets: array,
        in_sources: array,
        in_flags: array,
        predicates: dict[str, list[str]],
    ):
        self.nodes = nodes
        self.out_offsets, self.out_targets, self.out_flags = out_offsets, out_targets, out_flags
        self.in_offsets, self.in_sources, self.in_flags = in_offsets, in_sources, in_flags
        #: The predicates each flag stands for when the index was built ("causal", "counteracting").
        self.predicates = predicates

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_edges(
        cls, edges: Iterable[tuple[str, str, int]], predicates: dict[str, list[str]] | None = None
    ) -> CausalIndex:
        """From ``(subject IRI, object IRI, flag)`` triples; repeated pairs merge their flags.

        >>> index = CausalIndex.from_edges([("b", "c", CAUSAL), ("a", "b", CAUSAL), ("a", "b", COUNTERACTING)])
        >>> [index.nodes.iri(i) for i in range(len(index))], index.edge_count
        (['a', 'b', 'c'], 2)
        >>> index.out_flags[index.edge_id(0, 1)] == CAUSAL | COUNTERACTING
        True
        """
        ids: dict[str, int] = {}
        keys = []
        for s, o, flag in edges:
            u = ids.get(s)
            if u is None:
                u = ids[s] = len(ids)
            v = ids.get(o)
            if v is None:
                v = ids[o] = len(ids)
            keys.append((u << 34) | (v << 2) | flag)
        return cls._from_keys(ids, keys, predicates or {})

    @classmethod
    def _from_keys(cls, ids: dict[str, int], keys: list[int], predicates: dict[str, list[str]]) -> CausalIndex:
        iris = sorted(ids)
        rank = array(_INT, bytes(4 * len(iris)))
        for new, iri in enumerate(iris):
            rank[ids[iri]] = new
        del ids
        mask32 = (1 << 32) - 1
        # Renumber to IRI order; key = u << 34 | v << 2 | flag, so sorting orders by (u, v).
        forward = sorted((rank[k >> 34] << 34) | (rank[(k >> 2) & mask32] << 2) | (k & 3) for k in keys)
        del keys
        n = len(iris)
        out_offsets = array(_INT, bytes(4 * (n + 1)))
        out_targets, out_flags = array(_INT), array("B")
        previous = -1
        for key in forward:
            pair = key >> 2
            if pair == previous:
                out_flags[-1] |= key & 3
                continue
            previous = pair
            out_offsets[(key >> 34) + 1] += 1
            out_targets.append(pair & mask32)
            out_flags.append(key & 3)
        del forward
        for i in range(n):
            out_offsets[i + 1] += out_offsets[i]
        # Backward arrays: the same edges sorted by (v, u).
        backward = sorted(
            (out_targets[e] << 34) | (u << 2) | out_flags[e]
            for u in range(n)
            for e in range(out_offsets[u], out_offsets[u + 1])
        )
        in_offsets = array(_INT, bytes(4 * (n + 1)))
        in_sources, in_flags = array(_INT), array("B")
        for key in backward:
            in_offsets[(key >> 34) + 1] += 1
            in_sources.append((key >> 2) & mask32)
            in_flags.append(key & 3)
        for i in range(n):
            in_offsets[i + 1] += in_offsets[i]
        return cls(
            NodeTable.from_sorted(iris),
            out_offsets,
            out_targets,
            out_flags,
            in_offsets,
            in_sources,
            in_flags,
            predicates,
        )

    @classmethod
    def from_store(cls, store: ox.Store, causal: Sequence[str], counteracting: Sequence[str]) -> CausalIndex:
        """Every triple of the default graph whose predicate is causal or counteracting, between IRIs."""
        import pyoxigraph as ox

        named, default = ox.NamedNode, ox.DefaultGraph()
        flags: dict[str, int] = {}
        for p in causal:
            flags[p] = flags.get(p, 0) | CAUSAL
        for p in counteracting:
            flags[p] = flags.get(p, 0) | COUNTERACTING
        ids: dict[str, int] = {}
        keys: list[int] = []
        append = keys.append
        for predicate, flag in sorted(flags.items()):
            # The pattern is answered from the (predicate, object, subject) index: quads come grouped
            # by object, so the object's id is looked up once per group.
            last_object, v_bits = None, 0
            for quad in store.quads_for_pattern(None, named(predicate), None, default):
                s, o = quad.subject, quad.object
                if type(o) is not named or type(s) is not named:
                    continue
                if o != last_object:
                    last_object = o
                    o_iri = o.value
                    v = ids.get(o_iri)
                    if v is None:
                        v = ids[o_iri] = len(ids)
                    v_bits = (v << 2) | flag
                s_iri = s.value
                u = ids.get(s_iri)
                if u is None:
                    u = ids[s_iri] = len(ids)
                append((u << 34) | v_bits)
        predicates = {"causal": sorted(causal), "counteracting": sorted(counteracting)}
        return cls._from_keys(ids, keys, predicates)

    # -- size and persistence -------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.out_targets)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays and the IRI blob (the Python objects around them are ~1 kB)."""
        arrays = (self.out_offsets, self.out_targets, self.out_flags, self.in_offsets, self.in_sources, self.in_flags)
        return (
            len(self.nodes.blob)
            + self.nodes.offsets.itemsize * len(self.nodes.offsets)
            + sum(a.itemsize * len(a) for a in arrays)
        )

    def _arrays(self) -> list[array]:
        return [
            self.nodes.offsets,
            self.out_offsets,
            self.out_targets,
            self.out_flags,
            self.in_offsets,
            self.in_sources,
            self.in_flags,
        ]

    def to_bytes(self, key: str) -> bytes:
        """The index as one file: a JSON header (``key`` names what it was built from), then raw arrays."""
        arrays = self._arrays()
        header = {
            "key": key,
            "byteorder": sys.byteorder,
            "predicates": self.predicates,
            "blob": len(self.nodes.blob),
            "arrays": [[a.typecode, a.itemsize, len(a)] for a in arrays],
        }
        parts = [_MAGIC, json.dumps(header, sort_keys=True).encode() + b"\n", self.nodes.blob]
        parts += [a.tobytes() for a in arrays]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, key: str) -> CausalIndex | None:
        """The index saved by :meth:`to_bytes`, or None when it was built from something else."""
        if not data.startswith(_MAGIC):
            return None
        end = data.find(b"\n", len(_MAGIC))
        try:
            header = json.loads(data[len(_MAGIC) : end])
        except ValueError:
            return None
        if header.get("key") != key or header.get("byteorder") != sys.byteorder:
            return None
        position = end + 1
        blob = data[position : position + header["blob"]]
        position += header["blob"]
        arrays = []
        for typecode, itemsize, length in header["arrays"]:
            a = array(typecode)
            if a.itemsize != itemsize:
                return None
            a.frombytes(data[position : position + itemsize * length])
            position += itemsize * length
            arrays.append(a)
        if position != len(data):
            return None
        node_offsets, *rest = arrays
        return cls(NodeTable(blob, node_offsets), *rest, header["predicates"])

    # -- lookups --------------------------------------------------------------------------------
    def find(self, iri: str) -> int | None:
        return self.nodes.find(iri)

    def iri(self, node: int) -> str:
        return self.nodes.iri(node)

    def edge_id(self, u: int, v: int) -> int | None:
        """The id of edge u → v (its position in ``out_targets``), or None."""
        start, end = self.out_offsets[u], self.out_offsets[u + 1]
        i = bisect_left(self.out_targets, v, start, end)
        return i if i < end and self.out_targets[i] == v else None

    def edge_ends(self, edge: int) -> tuple[int, int]:
        """The (u, v) of an edge id (empty ranges share offsets, so the last u starting at or before it)."""
        from bisect import bisect_right

        return bisect_right(self.out_offsets, edge) - 1, self.out_targets[edge]

    def out_degree(self, u: int) -> int:
        return self.out_offsets[u + 1] - self.out_offsets[u]

    def in_degree(self, v: int) -> int:
        return self.in_offsets[v + 1] - self.in_offsets[v]

    def successors(self, u: int, mask: int) -> Iterator[int]:
        targets, flags = self.out_targets, self.out_flags
        for e in range(self.out_offsets[u], self.out_offsets[u + 1]):
            if flags[e] & mask:
                yield targets[e]

    def predecessors(self, v: int, mask: int) -> Iterator[int]:
        sources, flags = self.in_sources, self.in_flags
        for e in range(self.in_offsets[v], self.in_offsets[v + 1]):
            if flags[e] & mask:
                yield sources[e]

    # -- searches -------------------------------------------------------------------------------
    def reach(
        self, start: int, mask: int, forward: bool, max_hops: int | None, limit: int | None = None
    ) -> tuple[dict[int, int], list[tuple[int, int]], bool]:
        """Breadth-first reach: distances, the edges seen (u, v), and whether ``limit`` cut it short.

        Frontiers are expanded in concept order, so where ``limit`` cuts a level is deterministic.
        """
        offsets, others, flags = (
            (self.out_offsets, self.out_targets, self.out_flags)
            if forward
            else (self.in_offsets, self.in_sources, self.in_flags)
        )
        distance = {start: 0}
        edges: list[tuple[int, int]] = []
        frontier = [start]
        depth = 0
        while frontier and (max_hops is None or depth < max_hops):
            depth += 1
            next_frontier = []
            for node in sorted(frontier):
                for e in range(offsets[node], offsets[node + 1]):
                    if not flags[e] & mask:
                        continue
                    other = others[e]
                    edges.append((node, other) if forward else (other, node))
                    if other not in distance:
                        distance[other] = depth
                        next_frontier.append(other)
                        if limit is not None and len(distance) - 1 > limit:
                            return distance, edges, True
            frontier = next_frontier
        return distance, edges, False

    def _toward(self, source: int, target: int, max_hops: int, mask: int) -> tuple[dict[int, int], int, bool]:
        """Distances to ``target``, exact up to the returned bound; True when they are complete.

        Grows whichever side has the smaller frontier (source forward, target backward) until the two
        depths add up to ``max_hops``: a hub target then costs a hop or two backward, not its whole ball.
        """
        forward_seen, forward_frontier, forward_depth = {source}, [source], 0
        backward, backward_frontier, backward_depth = {target: 0}, [target], 0
        while forward_depth + backward_depth < max_hops:
            if not backward_frontier:
                return backward, backward_depth, True
            if not forward_frontier:
                break
            if len(forward_frontier) < len(backward_frontier):
                forward_depth += 1
                next_frontier = []
                for u in forward_frontier:
                    for v in self.successors(u, mask):
                        if v not in forward_seen:
                            forward_seen.add(v)
                            next_frontier.append(v)
                forward_frontier = next_frontier
            else:
                backward_depth += 1
                next_frontier = []
                for v in backward_frontier:
                    for u in self.predecessors(v, mask):
                        if u not in backward:
                            backward[u] = backward_depth
                            next_frontier.append(u)
                backward_frontier = next_frontier
        return backward, backward_depth, not backward_frontier

    def simple_paths(
        self,
        source: int,
        target: int,
        max_hops: int,
        mask: int = CAUSAL,
        accept: Callable[[int], bool] | None = None,
    ) -> Iterator[tuple[int, ...]]:
        """Every simple path source → target of at most ``max_hops`` edges, children in IRI order.

        Depth-first; a branch is cut when the distance left to the target (from :meth:`_toward`)
        exceeds the hops left. ``accept(edge_id)`` can refuse edges (claim-level filters); it is
        asked only for edges a path could still use.
        """
        if source == target or max_hops < 1:
            return
        to_target, bound, complete = self._toward(source, target, max_hops, mask)
        offsets, targets, flags = self.out_offsets, self.out_targets, self.out_flags
        path = [source]
        on_path = {source}
        stack = [[offsets[source], offsets[source + 1]]]
        while stack:
            top = stack[-1]
            e = top[0]
            if e == top[1]:
                stack.pop()
                on_path.discard(path.pop())
                continue
            top[0] = e + 1
            if not flags[e] & mask:
                continue
            v = targets[e]
            if v in on_path:
                continue
            depth = len(path)  # edges once v is appended
            if v == target:
                if accept is None or accept(e):
                    yield (*path, v)
                continue
            left = max_hops - depth
            if left <= 0:
                continue
            if left <= bound or complete:
                d = to_target.get(v)
                if d is None or d > left:
                    continue
            if accept is not None and not accept(e):
                continue
            path.append(v)
            on_path.add(v)
            stack.append([offsets[v], offsets[v + 1]])


def load_or_build(path: Path | None, key: str | None, build: Callable[[], CausalIndex]) -> CausalIndex:
    """The index saved at ``path`` for ``key``, or a fresh one (saved there when a path is given)."""
    if path is not None and key is not None:
        try:
            found = CausalIndex.from_bytes(path.read_bytes(), key)
        except OSError:
            found = None
        if found is not None:
            return found
    index = build()
    if path is not None and key is not None:
        from ..atomic import OutputError, write_bytes_atomic

        # A read-only store folder: the index still serves this process.
        with contextlib.suppress(OSError, OutputError):
            write_bytes_atomic(path, index.to_bytes(key))
    return index
