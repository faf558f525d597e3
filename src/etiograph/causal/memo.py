"""The evidence of the edges answers have returned, read from the store once and kept with the index.

Why: an index without an evidence table (a store in memory, or a persistent one whose table is not
built yet) reads each hop's evidence by pattern lookups, ~6 per hop. The table would read every
claim of the store up front, which costs about as much as loading it; this keeps only the records
of the hops answers actually returned, so a hop's lookups are paid once per process, and the table
need not be built for answers to be fast. Records are per edge and independent of any filter (the
filter is applied when answering), so every later answer over the same hop, whatever its filter,
reads them from here. The index is rebuilt when the store is loaded into, and this with it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from .claims import MAX_EDGES, ClaimRecord, EdgeClaims, EvidenceBuilder

if TYPE_CHECKING:
    from .lookup import StoreLookup
    from .source import EdgeFilter, SparqlEdgeReader

class EvidenceMemo(EdgeClaims):
    """Per edge id: its direct predicates (IRIs) and its claims' records, as read from the store."""

    def __init__(self) -> None:
        self._records: dict[int, tuple[tuple[str, ...], list[tuple[frozenset[str], str, dict[str, list[str]]]]]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def evidence_for(
        self,
        lookup: StoreLookup,
        edges: dict[tuple[str, str], tuple[int, int, int | None]],
        degrees: dict[tuple[str, str], tuple[int, int]],
        edge_filter: EdgeFilter,
        reader: SparqlEdgeReader,
    ) -> dict[tuple[str, str], list]:
        """``SparqlEdgeReader.evidence`` for (s, o) → (u, v, edge id), reading only the edges not kept."""
        ids = {pair: edge for pair, (_, _, edge) in edges.items() if edge is not None}
        missing = {pair: edge for pair, edge in ids.items() if edge not in self._records}
        if missing:
            if len(self._records) + len(missing) > MAX_EDGES:
                self._records.clear()
                self.forget()
                missing = ids
            self._records.update(lookup.records(missing, degrees))
        return self.evidence(ids, edge_filter, reader)

    # EdgeClaims: what an answer reads
    def _predicate_keys(self, edge: int) -> tuple:
        return self._records[edge][0]

    def _predicate_text(self, key: Hashable) -> str:
        return key  # type: ignore[return-value]

    def _claims(self, edge: int, builder: EvidenceBuilder) -> list[ClaimRecord]:
        return [
            (
                predicates,
                claim,
                builder.fields(
                    attributes.get("certainty", ()),
                    attributes.get("mechanism", ()),
                    attributes.get("inSection", ()),
                    attributes.get("exact", ()),
                ),
            )
            for predicates, claim, attributes in self._records[edge][1]
        ]
