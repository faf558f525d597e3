"""A compact causal index: the causal edges of a pyoxigraph store as integer adjacency (CSR).

Why: a path search over SPARQL pays a query per frontier (milliseconds each at a million claims),
while the same search over two flat integer arrays costs microseconds per visited edge. The store
stays the source of truth: the index is derived from it, and rebuilt when it changes.

Layout of the structure, about 23 bytes per edge with the concept IRIs:

* concepts are numbered in IRI order, their IRIs kept in one UTF-8 blob with offsets (a dict of
  Python strings would cost ~130 bytes per concept), looked up by binary search;
* ``out_offsets``/``out_targets``: successors of each concept, sorted, so a depth-first search
  visits children in IRI order, exactly as the SPARQL implementation does; an edge's id is its
  position in ``out_targets``;
* ``in_offsets``/``in_sources``: predecessors, for upstream searches and distance-to-target;
* one flag byte per edge and direction: ``CAUSAL`` (a sub-property of etio:causesOrContributesTo)
  and/or ``COUNTERACTING`` (below etio:counteracts). Spine triples (the super-property written beside
  each direct triple) join the same pair, so they add no edge.

Beside it, :class:`~etiograph.causal.labels.LabelTable` (each concept's preferred label, exact label →
concepts: two scans, a few percent of the build). Evidence is read from the store for the hops an
answer returns, the first time it returns them, and kept (:mod:`etiograph.causal.memo`); an
:class:`~etiograph.causal.evidence.EvidenceTable` of every edge's claims can be built on request
(``evidence=True``: one scan per attribute, about as long as the load itself).

It is built once per store from the causal triples (on disk, where each triple read costs ~25 µs of
term decoding, only the spine's two super-properties when the store holds the spine) and, for a
persistent store (``oxigraph:DIR``), saved inside ``DIR`` keyed by the store's file fingerprint; a
reopened store memory-maps the file, so reading it back costs its header, and only the pages an
answer touches are ever read.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from .labels import LabelTable
from .memo import EvidenceMemo
from .strings import INT, StringTable, subject_objects

if TYPE_CHECKING:
    import pyoxigraph as ox

    from .evidence import EvidenceTable

CAUSAL = 1
COUNTERACTING = 2

_INT = INT
_MAGIC = b"etiograph-causal-index 2\n"
#: The file a persistent store keeps its index in (inside the store's folder; RocksDB ignores it).
INDEX_FILE = "etiograph-causal-index.bin"
_MASK32 = (1 << 32) - 1
#: The structure's parts, in the order the constructor takes them.
_STRUCTURE = ("nodes", "out_offsets", "out_targets", "out_flags", "in_offsets", "in_sources", "in_flags")


class CausalIndex:
    """Causal and counteracting edges between concepts, as forward and backward CSR arrays."""

    def __init__(
        self,
        nodes: StringTable,
        out_offsets: Sequence[int],
        out_targets: Sequence[int],
        out_flags: Sequence[int],
        in_offsets: Sequence[int],
        in_sources: Sequence[int],
        in_flags: Sequence[int],
        predicates: dict[str, list[str]],
        evidence: EvidenceTable | None = None,
        labels: LabelTable | None = None,
    ):
        self.nodes = nodes
        self.out_offsets, self.out_targets, self.out_flags = out_offsets, out_targets, out_flags
        self.in_offsets, self.in_sources, self.in_flags = in_offsets, in_sources, in_flags
        #: The predicates each flag stands for when the index was built ("causal", "counteracting").
        self.predicates = predicates
        #: Claims and attributes per edge id (built from a store; None for an index of bare edges).
        self.evidence = evidence
        #: Each concept's preferred label and exact label → concepts (built with the evidence table).
        self.labels = labels
        #: The memory map a saved index reads from (kept open as long as the index lives).
        self._mapped: mmap.mmap | None = None
        self._memo: EvidenceMemo | None = None

    @property
    def memo(self) -> EvidenceMemo:
        """Evidence read from the store for the hops answers returned (where there is no table)."""
        if self._memo is None:
            self._memo = EvidenceMemo()
        return self._memo

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_edges(
        cls, edges: Iterable[tuple[str, str, int]], predicates: dict[str, list[str]] | None = None
    ) -> CausalIndex:
        """From ``(subject IRI, object IRI, flag)`` triples; repeated pairs merge their flags.

        >>> index = CausalIndex.from_edges([("b", "c", CAUSAL), ("a", "b", CAUSAL), ("a", "b", COUNTERACTING)])
        >>> [index.nodes.text(i) for i in range(len(index))], index.edge_count
        (['a', 'b', 'c'], 2)
        >>> index.out_flags[index.edge_id(0, 1)] == CAUSAL | COUNTERACTING
        True
        """
        ids: dict[str, int] = {}
        merged: dict[int, int] = {}
        for s, o, flag in edges:
            u = ids.get(s)
            if u is None:
                u = ids[s] = len(ids)
            v = ids.get(o)
            if v is None:
                v = ids[o] = len(ids)
            pair = (u << 32) | v
            merged[pair] = merged.get(pair, 0) | flag
        return cls._from_pairs(ids, merged, predicates or {})[0]

    @classmethod
    def _from_pairs(
        cls, ids: dict[str, int], merged: dict[int, int], predicates: dict[str, list[str]]
    ) -> tuple[CausalIndex, list[str], list[int]]:
        """The index of ``merged`` ((u << 32 | v) → flags, numbered as ``ids``), its IRIs in order, and
        each concept's new number by its number in ``ids``.

        Flat list comprehensions and sorts of packed integers: about 0.3 µs per edge in Python.
        """
        iris = sorted(ids)
        n = len(iris)
        rank = [0] * n
        for new, iri in enumerate(iris):
            rank[ids[iri]] = new
        del ids
        # Renumbered to IRI order, a pair's key sorts by (u, v); the flags ride in the low two bits.
        forward = sorted(
            (rank[pair >> 32] << 34) | (rank[pair & _MASK32] << 2) | flag for pair, flag in merged.items()
        )
        out_targets = array(_INT, [(key >> 2) & _MASK32 for key in forward])
        out_flags = array("B", [key & 3 for key in forward])
        out_offsets = _offsets([key >> 34 for key in forward], n)
        backward = sorted(((key >> 2) & _MASK32) << 34 | (key >> 34) << 2 | (key & 3) for key in forward)
        del forward
        in_sources = array(_INT, [(key >> 2) & _MASK32 for key in backward])
        in_flags = array("B", [key & 3 for key in backward])
        in_offsets = _offsets([key >> 34 for key in backward], n)
        index = cls(
            StringTable.from_strings(iris),
            out_offsets,
            out_targets,
            out_flags,
            in_offsets,
            in_sources,
            in_flags,
            predicates,
        )
        return index, iris, rank

    @classmethod
    def from_store(
        cls,
        store: ox.Store,
        causal: Sequence[str],
        counteracting: Sequence[str],
        *,
        labels: bool = True,
        evidence: bool = False,
        on_disk: bool = False,
        tops: Sequence[str] = (),
    ) -> CausalIndex:
        """Every triple of the default graph whose predicate is causal or counteracting, between IRIs;
        the concepts' labels (two scans, a few percent of the build); with ``evidence``, the claims
        behind each edge (one scan per attribute: about as long as loading the store took, so it is
        built only when asked for; without it, answers read their hops' evidence from the store and
        keep it, :mod:`etiograph.causal.memo`).

        ``tops``: the super-properties ``causal`` and ``counteracting`` descend from (the spine's
        ``etio:causesOrContributesTo`` and ``etio:counteracts``). On disk, where each triple read costs
        ~25 µs of term decoding, the store is asked (two counts, no term decoded) whether every pair
        linked by a predicate under a top is also linked by the top itself, as the materialised spine
        makes it; then only the tops are read, half the triples, and the index is the same.
        """
        import pyoxigraph as ox

        named = ox.NamedNode
        flags: dict[str, int] = {}
        for p in causal:
            flags[p] = flags.get(p, 0) | CAUSAL
        for p in counteracting:
            flags[p] = flags.get(p, 0) | COUNTERACTING
        ordered = sorted(flags)
        if on_disk and tops and not evidence and _spine_complete(store, tops, (causal, counteracting)):
            ordered = sorted(tops)
        ids: dict[str, int] = {}
        merged: dict[int, int] = {}
        get_id, get_flags = ids.get, merged.get
        direct: list[tuple[int, int]] = []  # (pair, predicate number) of each direct triple, for the evidence table
        for number, predicate in enumerate(ordered):
            flag = flags[predicate]
            # The pattern is answered from the (predicate, object, subject) index: quads come grouped
            # by object, so the object's id is looked up once per group.
            last_object, v = None, 0
            for s, o in subject_objects(store, predicate, on_disk):
                if type(o) is not named or type(s) is not named:
                    continue
                if o != last_object:
                    last_object = o
                    o_iri = o.value
                    v = get_id(o_iri)
                    if v is None:
                        v = ids[o_iri] = len(ids)
                s_iri = s.value
                u = get_id(s_iri)
                if u is None:
                    u = ids[s_iri] = len(ids)
                pair = (u << 32) | v
                merged[pair] = get_flags(pair, 0) | flag
                if evidence:
                    direct.append((pair, number))
        names = {"causal": sorted(causal), "counteracting": sorted(counteracting)}
        index, iris, rank = cls._from_pairs(ids, merged, names)
        del merged
        if labels or evidence:
            node_ids = {iri: i for i, iri in enumerate(iris)}
            del iris
        if labels:
            index.labels = LabelTable.from_store(store, node_ids, on_disk)
        if evidence:
            from .evidence import EvidenceTable

            edge_id = index.edge_id
            index.evidence = EvidenceTable.from_store(
                store,
                node_ids,
                edge_id,
                index.edge_count,
                ((edge_id(rank[pair >> 32], rank[pair & _MASK32]), ordered[p]) for pair, p in direct),  # type: ignore[misc]
                ordered,
            )
        return index

    # -- size and persistence -------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.out_targets)

    @property
    def nbytes(self) -> int:
        """Bytes held by the structure: arrays and the IRI blob (the Python objects around them are ~1 kB).

        The evidence table is counted apart (:attr:`EvidenceTable.nbytes`): it is read from the saved
        file on demand, page by page, not held.
        """
        arrays = (self.out_offsets, self.out_targets, self.out_flags, self.in_offsets, self.in_sources, self.in_flags)
        return self.nodes.nbytes + sum(a.itemsize * len(a) for a in arrays)  # type: ignore[attr-defined]

    def _parts(self) -> list[tuple[str, object]]:
        """(name, array or StringTable) in file order."""
        parts: list[tuple[str, object]] = [(name, getattr(self, name)) for name in _STRUCTURE]
        if self.evidence is not None:
            from .evidence import EvidenceTable

            table = self.evidence
            parts += [("terms", table.terms), ("claims", table.claims), ("quotes", table.quotes)]
            parts += list(zip(EvidenceTable.PARTS, table.arrays(), strict=True))
        if self.labels is not None:
            parts += [("texts", self.labels.texts), ("keys", self.labels.keys)]
            parts += list(zip(LabelTable.PARTS, self.labels.arrays(), strict=True))
        return parts

    def to_bytes(self, key: str) -> bytes:
        """The index as one file: a JSON header (``key`` names what it was built from), then raw arrays.

        Every part starts at a multiple of 8 bytes, so a memory map can read its integers in place.
        """
        chunks: list[bytes] = []
        layout = []
        position = 0
        for name, part in self._parts():
            if isinstance(part, StringTable):
                data = [(part.offsets.tobytes(), "offsets", _INT, 4), (part.data(), "blob", "B", 1)]  # type: ignore[attr-defined]
            else:
                typecode = getattr(part, "typecode", None) or part.format  # an array, or a view of a saved one
                data = [(part.tobytes(), "array", typecode, part.itemsize)]  # type: ignore[attr-defined]
            for raw, kind, typecode, itemsize in data:
                pad = -position % 8
                chunks.append(b"\0" * pad)
                position += pad
                layout.append([name, kind, typecode, itemsize, position, len(raw)])
                chunks.append(raw)
                position += len(raw)
        header = {
            "key": key,
            "byteorder": sys.byteorder,
            "predicates": self.predicates,
            "parts": layout,
        }
        head = _MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n"
        head += b" " * (-len(head) % 8)
        return head + b"".join(chunks)

    @classmethod
    def from_bytes(cls, data, key: str) -> CausalIndex | None:
        """The index saved by :meth:`to_bytes` (``bytes`` or a memory map), or None when it was built
        from something else or the file is damaged. Arrays are views of ``data``: nothing is copied."""
        try:
            return cls._parse(data, key)
        except (KeyError, TypeError, ValueError, IndexError):  # a damaged header: build afresh
            return None

    @classmethod
    def _parse(cls, data, key: str) -> CausalIndex | None:
        if data[: len(_MAGIC)] != _MAGIC:
            return None
        end = data.find(b"\n", len(_MAGIC))
        try:
            header = json.loads(data[len(_MAGIC) : end])
        except ValueError:
            return None
        if header.get("key") != key or header.get("byteorder") != sys.byteorder:
            return None
        start = end + 1 + (-(end + 1) % 8)
        view = memoryview(data)
        found: dict[str, object] = {}
        blobs: dict[str, tuple[int, int]] = {}
        for name, kind, typecode, itemsize, offset, length in header["parts"]:
            offset += start
            if offset + length > len(data) or array(typecode).itemsize != itemsize:
                return None
            if kind == "blob":
                blobs[name] = (offset, length)
            else:
                cast = view[offset : offset + length].cast(typecode)
                if kind == "offsets":
                    found[name] = StringTable(data, cast)
                else:
                    found[name] = cast
        for name, (offset, length) in blobs.items():
            table = found.get(name)
            if not isinstance(table, StringTable) or len(table.offsets) == 0 or table.offsets[-1] != length:
                return None
            table.base = offset
        structure = [found[name] for name in _STRUCTURE]
        evidence = labels = None
        if "terms" in found:
            from .evidence import EvidenceTable

            evidence = EvidenceTable(
                found["terms"], found["claims"], found["quotes"], *(found[name] for name in EvidenceTable.PARTS)  # type: ignore[arg-type]
            )
        if "texts" in found:
            labels = LabelTable(found["texts"], found["keys"], *(found[name] for name in LabelTable.PARTS))  # type: ignore[arg-type]
        return cls(*structure, header["predicates"], evidence, labels)  # type: ignore[arg-type]

    # -- lookups --------------------------------------------------------------------------------
    def find(self, iri: str) -> int | None:
        return self.nodes.find(iri)

    def iri(self, node: int) -> str:
        return self.nodes.text(node)

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
        forward_seen, forward_frontier, forward_depth = {source: 0}, [source], 0
        backward, backward_frontier, backward_depth = {target: 0}, [target], 0
        while forward_depth + backward_depth < max_hops:
            if not backward_frontier:
                return backward, backward_depth, True
            if not forward_frontier:
                break
            if len(forward_frontier) < len(backward_frontier):
                forward_depth += 1
                forward_frontier = _expand(
                    forward_frontier, self.out_offsets, self.out_targets, self.out_flags, mask, forward_seen, forward_depth
                )
            else:
                backward_depth += 1
                backward_frontier = _expand(
                    backward_frontier, self.in_offsets, self.in_sources, self.in_flags, mask, backward, backward_depth
                )
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
        for nodes, _ in self.simple_paths_with_edges(source, target, max_hops, mask, accept):
            yield nodes

    def simple_paths_with_edges(
        self,
        source: int,
        target: int,
        max_hops: int,
        mask: int = CAUSAL,
        accept: Callable[[int], bool] | None = None,
    ) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
        """:meth:`simple_paths`, each with its edge ids (what evidence is looked up by)."""
        if source == target or max_hops < 1:
            return
        to_target, bound, complete = self._toward(source, target, max_hops, mask)
        distance = to_target.get
        offsets, targets, flags = self.out_offsets, self.out_targets, self.out_flags
        path, edges = [source], []
        on_path = {source}

        def children(node: int) -> Iterator[tuple[int, int]]:
            """The node's children a path could still use, with their edges, in IRI order: taken
            when the node is reached (the path above it stays as it is while they are walked)."""
            left = max_hops - len(path)  # hops left once a child is appended
            prune = left <= bound or complete
            start, end = offsets[node], offsets[node + 1]
            out = []
            for e, (v, flag) in enumerate(zip(targets[start:end], flags[start:end]), start):
                if not flag & mask or v in on_path:
                    continue
                if v != target:
                    if left <= 0:
                        continue
                    if prune:
                        d = distance(v)
                        if d is None or d > left:
                            continue
                if accept is None or accept(e):
                    out.append((v, e))
            return iter(out)

        stack = [children(source)]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                on_path.discard(path.pop())
                if edges:
                    edges.pop()
                continue
            v, e = step
            if v == target:
                yield (*path, v), (*edges, e)
                continue
            path.append(v)
            edges.append(e)
            on_path.add(v)
            stack.append(children(v))


def _expand(frontier: list[int], offsets, others, flags, mask: int, seen: dict[int, int], depth: int) -> list[int]:
    """The next breadth-first frontier: unseen neighbours over edges in ``mask``, entered in ``seen`` at ``depth``."""
    found = []
    for node in frontier:
        start, end = offsets[node], offsets[node + 1]
        for other, flag in zip(others[start:end], flags[start:end]):
            if flag & mask and other not in seen:
                seen[other] = depth
                found.append(other)
    return found


def _spine_complete(store: ox.Store, tops: Sequence[str], closures: Sequence[Sequence[str]]) -> bool:
    """Whether each top is the closure holding it and links every (subject, object) pair any predicate
    of that closure links: the distinct pairs counted against the top's triples, in the engine."""
    import pyoxigraph as ox

    for top in tops:
        closure = next((c for c in closures if top in c), None)
        if closure is None:
            return False
        values = " ".join(str(ox.NamedNode(p)) for p in closure)
        pairs = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }} }}"
        linked = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {ox.NamedNode(top)} ?o }}"
        counts = [int(next(iter(store.query(q)))[0].value) for q in (pairs, linked)]  # type: ignore[index,arg-type]
        if counts[0] != counts[1]:
            return False
    return True


def _offsets(starts: list[int], n: int) -> array:
    """CSR offsets (n + 1) of edges listed in order of their start node ``starts``."""
    counts = [0] * (n + 1)
    for node in starts:
        counts[node + 1] += 1
    return array(_INT, accumulate(counts))


def read_saved(path: Path, key: str) -> CausalIndex | None:
    """The index saved at ``path`` for ``key``, memory-mapped (pages are read when a search touches
    them, so reopening costs the header only), or None."""
    try:
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable or empty
        return None
    found = CausalIndex.from_bytes(mapped, key)
    if found is None:
        mapped.close()
        return None
    found._mapped = mapped
    return found


def load_or_build(path: Path | None, key: str | None, build: Callable[[], CausalIndex]) -> CausalIndex:
    """The index saved at ``path`` for ``key``, or a fresh one (saved there when a path is given)."""
    if path is not None and key is not None:
        found = read_saved(path, key)
        if found is not None:
            return found
    index = build()
    if path is not None and key is not None:
        from ..atomic import OutputError, write_bytes_atomic

        # A read-only store folder: the index still serves this process.
        with contextlib.suppress(OSError, OutputError):
            write_bytes_atomic(path, index.to_bytes(key))
    return index
