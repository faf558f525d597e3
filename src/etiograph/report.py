"""Render paths, reach and explanations as text, JSON (a stable schema), CSV or Turtle.

JSON schema of ``etiograph paths --format json`` (version 1)::

    {"schema": "etiograph.paths/1",
     "source": {"iri", "label"}, "target": {"iri", "label"},
     "max_hops": int, "filters": {...}, "total": int, "returned": int, "truncated": bool,
     "paths": [{"length": int, "certainty": {"rank": int, "weakest": str|null},
                "nodes": [iri...], "labels": [str...],
                "hops": [{"subject": {"iri", "label"}, "predicate": {"iri", "curie"},
                          "object": {"iri", "label"}, "claim": iri|null, "certainty": str|null,
                          "rank": int, "mechanisms": [str], "quote": str|null,
                          "evidence": [{"claim", "predicate", "certainty", "rank",
                                        "mechanisms", "quotes", "section"}]}]}],
     "mediators": [{"iri", "label", "paths_through", "share"}]}
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import TYPE_CHECKING, Any

from .paths import Hop, PathsResult
from .vocab import shorten

if TYPE_CHECKING:
    from .graph import Explanation, KnowledgeGraph, ReachResult

PATHS_SCHEMA = "etiograph.paths/1"


def _predicate_words(iri: str) -> str:
    local = shorten(iri).split(":", 1)[-1]
    return "".join(" " + c.lower() if c.isupper() else c for c in local).strip()


def hop_json(hop: Hop) -> dict[str, Any]:
    return {
        "subject": {"iri": hop.subject, "label": hop.subject_label},
        "predicate": {"iri": hop.predicate, "curie": shorten(hop.predicate)},
        "object": {"iri": hop.object, "label": hop.object_label},
        "claim": hop.claim,
        "certainty": hop.certainty,
        "rank": hop.rank,
        "mechanisms": list(hop.mechanisms),
        "quote": hop.quote,
        "evidence": [
            {
                "claim": e.claim,
                "predicate": e.predicate,
                "certainty": e.certainty,
                "rank": e.rank,
                "mechanisms": list(e.mechanisms),
                "quotes": list(e.quotes),
                "section": e.section,
            }
            for e in hop.evidence
        ],
    }


def paths_dict(result: PathsResult) -> dict[str, Any]:
    return {
        "schema": PATHS_SCHEMA,
        "source": {"iri": result.source, "label": result.source_label},
        "target": {"iri": result.target, "label": result.target_label},
        "max_hops": result.max_hops,
        "filters": dict(result.filters),
        "total": result.total,
        "returned": len(result.paths),
        "truncated": result.truncated,
        "paths": [
            {
                "length": p.length,
                "certainty": {"rank": p.rank, "weakest": p.weakest.certainty if p.weakest else None},
                "nodes": list(p.nodes),
                "labels": list(p.labels),
                "hops": [hop_json(h) for h in p.hops],
            }
            for p in result.paths
        ],
        "mediators": [
            {"iri": m.concept, "label": m.label, "paths_through": m.paths_through, "share": round(m.share, 4)}
            for m in result.mediators()
        ],
    }


def paths_json(result: PathsResult) -> str:
    return json.dumps(paths_dict(result), indent=2, ensure_ascii=False) + "\n"


def paths_text(result: PathsResult) -> str:
    head = f"{result.source_label} → {result.target_label}: "
    shown = len(result.paths)
    head += f"{result.total} causal path{'s' if result.total != 1 else ''} of at most {result.max_hops} hops"
    if shown < result.total:
        head += f" (showing {shown}, shortest and strongest first)"
    if result.filters:
        head += " [" + ", ".join(f"{k}={v}" for k, v in result.filters.items()) + "]"
    lines = [head]
    if result.truncated:
        lines.append("note: enumeration stopped at its cap; narrow with --max-hops or --mechanism")
    if not result.paths:
        lines.append("No path found. Try a larger --max-hops, fewer filters, or `etiograph upstream`.")
    for n, path in enumerate(result.paths, 1):
        weakest = path.weakest.certainty if path.weakest else None
        lines.append("")
        lines.append(
            f"{n}. "
            + " → ".join(path.labels)
            + f"   [{path.length} hop{'s' if path.length > 1 else ''}, weakest: {weakest}]"
        )
        for hop in path.hops:
            mech = ", ".join(hop.mechanisms)
            lines.append(
                f"   {hop.subject_label} —{_predicate_words(hop.predicate)}→ {hop.object_label}"
                f"   ({hop.certainty or 'no claim'}{'; ' + mech if mech else ''})"
            )
            if hop.quote:
                quote = textwrap.fill(f"“{hop.quote}”", width=100, initial_indent="      ", subsequent_indent="       ")
                lines.append(quote)
            if hop.claim:
                lines.append(f"      {shorten(hop.claim)}")
    mediators = result.mediators()[:5]
    if mediators and len(result.paths) > 1:
        lines.append("")
        lines.append(
            "Hubs: " + "; ".join(f"{m.label} (on {m.paths_through} of {len(result.paths)} paths)" for m in mediators)
        )
    return "\n".join(lines) + "\n"


def paths_csv(result: PathsResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["path", "length", "hop", "subject", "predicate", "object", "certainty", "mechanisms", "claim", "quote"]
    )
    for n, path in enumerate(result.paths, 1):
        for i, hop in enumerate(path.hops, 1):
            writer.writerow(
                [
                    n,
                    path.length,
                    i,
                    hop.subject_label,
                    shorten(hop.predicate),
                    hop.object_label,
                    hop.certainty or "",
                    " ".join(hop.mechanisms),
                    hop.claim or "",
                    hop.quote or "",
                ]
            )
    return buffer.getvalue()


_SUBGRAPH = """
CONSTRUCT {
  ?s ?p ?o .
  ?claim ?cp ?cv .
  ?cv ?ep ?ev .
  ?ev ?sp ?sv .
  ?node skos:prefLabel ?label .
} WHERE {
  VALUES (?s ?p ?o) { %s }
  ?s ?p ?o .
  { BIND(?s AS ?node) } UNION { BIND(?o AS ?node) }
  ?node skos:prefLabel ?label .
  OPTIONAL {
    ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ?cp ?cv .
    OPTIONAL { ?cv ?ep ?ev . FILTER(isBlank(?cv)) OPTIONAL { ?ev ?sp ?sv . FILTER(isBlank(?ev)) } }
  }
}"""


def paths_turtle(kg: KnowledgeGraph, result: PathsResult) -> bytes:
    """The paths' edges with their claim nodes and evidence, as Turtle loadable anywhere."""
    import pyoxigraph as ox

    from .backends import GraphResult
    from .results_formats import graph_to
    from .vocab import SPARQL_PROLOGUE

    edges = sorted({(h.subject, h.predicate, h.object) for p in result.paths for h in p.hops})
    if not edges:
        return b""
    rows = " ".join(f"({ox.NamedNode(s)} {ox.NamedNode(p)} {ox.NamedNode(o)})" for s, p, o in edges)
    graph = kg.backend.query(SPARQL_PROLOGUE + _SUBGRAPH % rows)
    assert isinstance(graph, GraphResult)
    return graph_to(graph, "turtle")


# -- reach --------------------------------------------------------------------------------------------
def reach_text(result: ReachResult) -> str:
    arrow = "can lead to" if result.direction == "downstream" else "can be led to by"
    lines = [f"{result.label} {arrow} {len(result.reached)} concept{'s' if len(result.reached) != 1 else ''}:"]
    for distance in sorted({r.distance for r in result.reached}):
        names = [r.label for r in result.reached if r.distance == distance]
        lines.append(f"  {distance} hop{'s' if distance > 1 else ' '}: " + ", ".join(names))
    if result.truncated:
        lines.append("(truncated at --limit; pass --limit 0 for all)")
    return "\n".join(lines) + "\n"


def reach_json(result: ReachResult) -> str:
    return (
        json.dumps(
            {
                "concept": {"iri": result.concept, "label": result.label},
                "direction": result.direction,
                "truncated": result.truncated,
                "reached": [{"iri": r.concept, "label": r.label, "distance": r.distance} for r in result.reached],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def reach_csv(result: ReachResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["iri", "label", "distance"])
    writer.writerows([r.concept, r.label, r.distance] for r in result.reached)
    return buffer.getvalue()


# -- explain ------------------------------------------------------------------------------------------
def explain_text(ex: Explanation) -> str:
    c = ex.concept
    lines = [f"{c.label}  ({c.curie}; {', '.join(k.split(':')[-1] for k in c.kinds) or 'concept'})"]
    if c.alt_labels:
        lines.append("  also: " + ", ".join(c.alt_labels))
    if c.mappings:
        lines.append("  ids: " + ", ".join(c.mappings))
    lines.append("  mechanisms: " + (", ".join(ex.mechanisms) or "none"))
    lines.append("")
    lines.append(f"Direct causes ({len(ex.causes)}):")
    for step in ex.causes:
        h = step.hop
        lines.append(
            f"  {h.subject_label} —{_predicate_words(h.predicate)}→ {c.label}  ({h.certainty}; {', '.join(h.mechanisms)})"
        )
        if h.quote:
            lines.append(f"      “{h.quote}”")
        for counter in step.counteracted_by:
            lines.append(f"      countered by: {counter.subject_label} ({_predicate_words(counter.predicate)})")
    lines.append("")
    lines.append(f"Direct effects ({len(ex.effects)}):")
    for step in ex.effects:
        h = step.hop
        lines.append(
            f"  {c.label} —{_predicate_words(h.predicate)}→ {h.object_label}  ({h.certainty}; {', '.join(h.mechanisms)})"
        )
    lines.append("")
    lines.append(f"Counteracted by ({len(ex.counteracted_by)}):")
    for h in ex.counteracted_by:
        lines.append(f"  {h.subject_label} —{_predicate_words(h.predicate)}→ {c.label}  ({h.certainty})")
        if h.quote:
            lines.append(f"      “{h.quote}”")
    if ex.mediators:
        lines.append("")
        lines.append(
            "Mediators upstream (betweenness toward it): " + ", ".join(f"{n} ({s:.2f})" for n, s in ex.mediators)
        )
    return "\n".join(lines) + "\n"


def explain_json(ex: Explanation) -> str:
    c = ex.concept
    data = {
        "concept": {
            "iri": c.iri,
            "label": c.label,
            "kinds": list(c.kinds),
            "alt_labels": list(c.alt_labels),
            "mappings": list(c.mappings),
        },
        "mechanisms": list(ex.mechanisms),
        "causes": [dict(hop_json(s.hop), counteracted_by=[hop_json(h) for h in s.counteracted_by]) for s in ex.causes],
        "effects": [hop_json(s.hop) for s in ex.effects],
        "counteracted_by": [hop_json(h) for h in ex.counteracted_by],
        "mediators": [{"label": n, "betweenness": s} for n, s in ex.mediators],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
