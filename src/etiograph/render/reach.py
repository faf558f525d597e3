"""``etiograph upstream`` / ``downstream``: concepts by distance, as wrapped text, JSON or CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .terminal import join_wrapped, wrap

if TYPE_CHECKING:
    from ..graph import ReachResult

REACH_SCHEMA = "etiograph.reach/1"


def reach_text(result: ReachResult, columns: int | None = None) -> str:
    """One wrapped list per distance, nearest first."""
    n = len(result.reached)
    concepts = f"{n} concept{'' if n == 1 else 's'}"
    if result.direction == "downstream":
        head = f"{result.label} can lead to {concepts}, nearest first:"
    else:
        head = f"{concepts} can lead to {result.label}, nearest first:"
    lines = wrap(head, columns)
    distances = sorted({r.distance for r in result.reached})
    label_width = max((len(f"{d} hops:") for d in distances), default=0)
    for distance in distances:
        names = [r.label for r in result.reached if r.distance == distance]
        tag = f"{distance} hop{'s' if distance > 1 else ''}:".ljust(label_width)
        lines += join_wrapped(names, columns, f"  {tag} ", " " * (label_width + 3))
    if result.truncated:
        lines += wrap("(cut at --limit; pass --limit 0 for all)", columns)
    return "\n".join(lines) + "\n"


def reach_dict(result: ReachResult) -> dict:
    """The reach listing as plain data (schema ``REACH_SCHEMA``), for programs."""
    return {
        "schema": REACH_SCHEMA,
        "concept": {"iri": result.concept, "label": result.label},
        "direction": result.direction,
        "truncated": result.truncated,
        "reached": [{"iri": r.concept, "label": r.label, "distance": r.distance} for r in result.reached],
    }


def reach_json(result: ReachResult) -> str:
    """The reach listing as a JSON document (``upstream``/``downstream --format json``)."""
    import json

    return json.dumps(reach_dict(result), indent=2, ensure_ascii=False) + "\n"


def reach_csv(result: ReachResult) -> str:
    """One row per reached concept with its distance, for spreadsheets."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["iri", "label", "distance"])
    writer.writerows([r.concept, r.label, r.distance] for r in result.reached)
    return buffer.getvalue()
