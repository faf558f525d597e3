"""The answers of the causal layer: evidence, hops, paths, reach and explanations.

Plain frozen records, shared by every engine (SPARQL edge reader, compact index) and every face
(CLI text, JSON, diagrams, exports), so an answer means the same thing wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..records import field, record
from ..vocab import predicate_label

if TYPE_CHECKING:
    from .concepts import Concept


def is_table_row(quote: str) -> bool:
    """Whether a quote is a row of one of the article's tables (``| cell | cell |``), not a sentence.

    >>> is_table_row("| Sodium (Na+) | Keeps nerve impulses firing |"), is_table_row("Fever dehydrates.")
    (True, False)
    """
    text = quote.strip()
    return len(text) > 1 and text.startswith("|") and text.endswith("|")


@record(frozen=True)
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


@record(frozen=True)
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


@record(frozen=True)
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


@record(frozen=True)
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


@record(frozen=True)
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


@record(frozen=True)
class Reach:
    """A concept reachable upstream or downstream, at its shortest distance."""

    concept: str
    label: str
    distance: int


@record(frozen=True)
class ReachResult:
    concept: str
    label: str
    direction: str
    reached: tuple[Reach, ...]
    truncated: bool


@record(frozen=True)
class Step:
    """One direct cause, effect or counteracting edge of a concept, with its evidence."""

    hop: Hop
    counteracted_by: tuple[Hop, ...] = ()


@record(frozen=True)
class SummarySupport:
    """A summary claim and the mechanistic paths between its two concepts (``paths.total == 0``: unsupported)."""

    claim: str
    subject: str
    object: str
    paths: PathsResult

    @property
    def supported(self) -> bool:
        return self.paths.total > 0


@record(frozen=True)
class Explanation:
    concept: Concept
    mechanisms: tuple[str, ...]
    causes: tuple[Step, ...]
    effects: tuple[Step, ...]
    counteracted_by: tuple[Hop, ...]
    #: Mediators on the causal routes into the concept (see :class:`~etiograph.causal.model.Mediator` for the
    #: one meaning), as (label, betweenness toward the concept), highest first.
    mediators: tuple[tuple[str, float], ...] = field(default=())
    #: Summary claims the concept takes part in, each with the mechanistic paths that account for it.
    summaries: tuple[SummarySupport, ...] = field(default=())
