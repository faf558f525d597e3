"""Why ``paths`` found nothing: out of reach at any depth, beyond ``--max-hops``, or removed by the filters.

"Try a larger --max-hops" misleads when the target cannot be reached at all; this module tells
the cases apart with two breadth-first walks (what the source leads to, what leads to the target)
and, when filters were set, one unfiltered search.

>>> from etiograph import KnowledgeGraph
>>> kg = KnowledgeGraph.load()
>>> why = why_no_path(kg, kg.paths("fluoroquinolones", "leg cramps"))
>>> why.reason, why.source_reaches
('unreachable', ('muscle spasms', 'tendinitis'))
>>> why_no_path(kg, kg.paths("UTI", "leg cramps", max_hops=1)).reason
'summary-only'
>>> why_no_path(kg, kg.paths("UTI", "leg cramps", max_hops=2, mechanism="lifestyle")).reason
'filtered'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..records import asdict, record

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph
    from .model import PathsResult

#: How many nearby concepts an answer names on each side.
NEAREST = 8


@record(frozen=True)
class NoPath:
    """Why there is no path, in words, with what each end does connect to.

    ``reason`` is ``same-concept``, ``unreachable`` (at any depth), ``too-far`` (beyond
    ``max_hops``; ``shortest`` says how far), ``filtered`` (paths exist without the filters;
    ``unfiltered`` says how many) or ``summary-only`` (the only short chains use a summary claim,
    which paths leave out unless ``include_summary``).
    """

    reason: str
    message: str
    hint: str | None
    source_label: str
    target_label: str
    shortest: int | None = None
    unfiltered: int | None = None
    #: Nearest concepts the source leads to (None when not looked up).
    source_reaches: tuple[str, ...] | None = None
    #: Nearest concepts that lead to the target.
    target_reached_from: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("source_reaches", "target_reached_from"):
            out[key] = None if out[key] is None else list(out[key])
        return out


def why_no_path(kg: KnowledgeGraph, result: PathsResult) -> NoPath:
    """Explain an empty :class:`PathsResult` (call only when ``result.total == 0``)."""
    source, target = result.source_label, result.target_label
    if result.source == result.target:
        return NoPath("same-concept", f"{source} and {target} are the same concept.", None, source, target)
    down = kg.downstream(result.source, limit=0)
    up = kg.upstream(result.target, limit=0)
    distance = {r.concept: r.distance for r in down.reached}
    nearest_down = tuple(r.label for r in down.reached[:NEAREST])
    nearest_up = tuple(r.label for r in up.reached[:NEAREST])
    if result.target not in distance:
        counter = " or counteracting" if result.filters.get("include_counteracting") else ""
        return NoPath(
            "unreachable",
            f"No path: nothing in the graph leads from {source} to {target} at any depth (along causal{counter} "
            "relations), so a larger --max-hops will not help.",
            "See `etiograph explain` for either concept, or `etiograph upstream`/`downstream`.",
            source,
            target,
            source_reaches=nearest_down,
            target_reached_from=nearest_up,
        )
    shortest = distance[result.target]
    if shortest > result.max_hops:
        return NoPath(
            "too-far",
            f"No path of at most {result.max_hops} hops: the shortest causal chain from {source} to {target} "
            f"has {shortest} hops.",
            f"Try --max-hops {shortest}.",
            source,
            target,
            shortest=shortest,
        )
    with_summary = bool(result.filters.get("include_summary"))
    unfiltered = kg.paths(result.source, result.target, max_hops=result.max_hops, include_summary=with_summary).total
    if not unfiltered and not with_summary:
        hops = f"{result.max_hops} hop{'' if result.max_hops == 1 else 's'}"
        return NoPath(
            "summary-only",
            f"No mechanistic path of at most {hops}: every chain that short from {source} to {target} goes through a "
            "summary claim (the article's total effect, explained elsewhere step by step), which paths leave out so "
            "the mechanism shows.",
            "Try a larger --max-hops for the mechanism, or --include-summary for the summary claim itself.",
            source,
            target,
            shortest=shortest,
        )
    hops = f"{result.max_hops} hop{'' if result.max_hops == 1 else 's'}"
    return NoPath(
        "filtered",
        f"No path passes the filters ({filters_text(result.filters)}): without them there "
        f"{'is' if unfiltered == 1 else 'are'} {unfiltered} path{'' if unfiltered == 1 else 's'} of at most {hops}.",
        "Loosen --mechanism, --min-certainty or --min-sources.",
        source,
        target,
        shortest=shortest,
        unfiltered=unfiltered,
    )


def filters_text(filters: Mapping[str, str]) -> str:
    """The filters as a reader says them (in the no-path message here, and in the header of ``etiograph paths``).

    >>> filters_text({"mechanism": "medication", "mechanism_hops": "any", "min_certainty": "may"})
    'mechanism medication on at least one hop, certainty at least may'
    >>> filters_text({"mechanism": "kidney"})
    'mechanism kidney on every hop'
    """
    parts = []
    if "mechanism" in filters:
        where = "at least one hop" if filters.get("mechanism_hops") == "any" else "every hop"
        parts.append(f"mechanism {filters['mechanism']} on {where}")
    if "min_certainty" in filters:
        parts.append(f"certainty at least {filters['min_certainty']}")
    if filters.get("include_counteracting"):
        parts.append("counteracting relations followed too")
    if filters.get("include_summary"):
        parts.append("summary claims followed too")
    if "min_sources" in filters:
        parts.append(f"every hop backed by at least {filters['min_sources']} sources")
    return ", ".join(parts)
