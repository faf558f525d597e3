"""``etiograph paths`` as a screen-sized summary, with evidence, as JSON (a published schema), CSV or Turtle.

The text summary shows the hubs first, then the best paths one line each (hop count, weakest
certainty, the chain), then how many more there are. ``--evidence`` adds every hop's claims and
quotes. JSON lists each edge once, with its claims, and paths refer to edges by index; its
schema ships as ``etiograph/render/schemas/paths.schema.json`` (:func:`schema`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..causal.model import Evidence, Hop, PathsResult, is_table_row
from ..causal.reachability import filters_text
from ..certainty import word
from ..records import field, record
from ..vocab import predicate_label, shorten
from .terminal import join_wrapped, wrap

if TYPE_CHECKING:
    from ..causal.reachability import NoPath
    from ..graph import KnowledgeGraph

PATHS_SCHEMA = "etiograph.paths/2"
#: Paths the text summary shows unless ``--limit`` or ``--all`` says otherwise.
DEFAULT_LIMIT = 10
ARROW = " → "


@record(frozen=True)
class Sections:
    """What the renderers know about the sections the evidence cites: titles, and the document each is part of."""

    titles: Mapping[str, str] = field(default_factory=dict)
    documents: Mapping[str, str] = field(default_factory=dict)

    def sources(self, evidence: Sequence[Evidence]) -> set[str]:
        """The source documents behind some evidence (a section's document, else the section itself)."""
        return {self.documents.get(e.section, e.section) for e in evidence if e.section}


def predicate_json(iri: str) -> dict[str, str]:
    """The one shape of a predicate everywhere in etiograph's JSON: IRI, CURIE and words."""
    return {"iri": iri, "curie": shorten(iri), "label": predicate_label(iri)}


def claim_order(hop: Hop) -> list[Evidence]:
    """A hop's claims, the one the summary quotes first (as :attr:`Hop.best` picks it), then by strength."""
    return sorted(hop.evidence, key=lambda e: (-e.rank, e.predicate != hop.predicate, -len(e.quotes), e.claim))


def evidence_json(e: Evidence, sections: Sections) -> dict[str, Any]:
    return {
        "claim": e.claim,
        "predicate": predicate_json(e.predicate),
        "certainty": e.certainty,
        "rank": e.rank,
        "mechanisms": list(e.mechanisms),
        "quotes": list(e.quotes),
        "section": None if e.section is None else {"iri": e.section, "title": sections.titles.get(e.section)},
    }


def hop_json(hop: Hop, sections: Sections | None = None) -> dict[str, Any]:
    """One edge with all its claims (best first): the element of ``edges`` in paths JSON, and of explain JSON."""
    sections = sections or Sections()
    return {
        "subject": {"iri": hop.subject, "label": hop.subject_label},
        "predicate": predicate_json(hop.predicate),
        "object": {"iri": hop.object, "label": hop.object_label},
        "certainty": hop.certainty,
        "rank": hop.rank,
        "mechanisms": list(hop.mechanisms),
        "claims": [evidence_json(e, sections) for e in claim_order(hop)],
        "sources": len(sections.sources(hop.evidence)),
    }


def paths_dict(
    result: PathsResult, limit: int | None = None, sections: Sections | None = None, no_path: NoPath | None = None
) -> dict[str, Any]:
    """The JSON document (schema ``etiograph.paths/2``): edges once, paths as lists of edge indexes.

    ``limit`` keeps the best paths; ``total`` and the mediators still count every path found.
    """
    shown = result.paths[:limit] if limit else result.paths
    index: dict[tuple[str, str, str], int] = {}
    edges: list[dict[str, Any]] = []
    paths = []
    for path in shown:
        refs = []
        for hop in path.hops:
            key = (hop.subject, hop.predicate, hop.object)
            if key not in index:
                index[key] = len(edges)
                edges.append(hop_json(hop, sections))
            refs.append(index[key])
        paths.append(
            {
                "length": path.length,
                "rank": path.rank,
                "weakest": path.weakest.certainty if path.weakest else None,
                "nodes": list(path.nodes),
                "labels": list(path.labels),
                "edges": refs,
            }
        )
    return {
        "schema": PATHS_SCHEMA,
        "source": {"iri": result.source, "label": result.source_label},
        "target": {"iri": result.target, "label": result.target_label},
        "max_hops": result.max_hops,
        "filters": dict(result.filters),
        "total": result.total,
        "returned": len(paths),
        "truncated": result.truncated,
        "edges": edges,
        "paths": paths,
        "mediators": [
            {"iri": m.concept, "label": m.label, "paths_through": m.paths_through, "share": round(m.share, 4)}
            for m in result.mediators()
        ],
        "no_path": no_path.as_dict() if no_path is not None else None,
    }


def paths_json(
    result: PathsResult, limit: int | None = None, sections: Sections | None = None, no_path: NoPath | None = None
) -> str:
    """The paths as a JSON document (``paths --format json``, schema ``PATHS_SCHEMA``); see :func:`paths_dict`."""
    import json

    return json.dumps(paths_dict(result, limit, sections, no_path), indent=2, ensure_ascii=False) + "\n"


def schema(name: str = "paths") -> dict[str, Any]:
    """A published JSON Schema shipped in the package: ``paths``, ``reach`` or ``explain``.

    >>> schema()["properties"]["schema"]["const"], schema("reach")["properties"]["schema"]["const"]
    ('etiograph.paths/2', 'etiograph.reach/1')
    """
    import json
    from importlib import resources

    if name not in ("paths", "reach", "explain"):
        raise ValueError(f"no schema named {name!r}: paths, reach or explain")
    text = resources.files("etiograph.render").joinpath(f"schemas/{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def schema_registry():  # -> referencing.Registry (jsonschema's), for validating reach/explain documents
    """The three schemas in a ``referencing`` registry, so their references to each other resolve offline."""
    from referencing import Registry, Resource

    documents = [schema(name) for name in ("paths", "reach", "explain")]
    return Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)


# -- text -----------------------------------------------------------------------------------------------
def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def paths_text(
    result: PathsResult,
    *,
    limit: int | None = DEFAULT_LIMIT,
    evidence: bool = False,
    columns: int | None = None,
    sections: Sections | None = None,
    no_path: NoPath | None = None,
) -> str:
    """The answer for a terminal: hubs, then the best ``limit`` paths (None: all), one line each or with evidence."""
    sections = sections or Sections()
    shown = result.paths[:limit] if limit else result.paths
    head = f"{result.source_label}{ARROW}{result.target_label}: "
    head += f"{_plural(result.total, 'causal path')} of at most {_plural(result.max_hops, 'hop')}"
    if result.filters:
        head += " [" + filters_text(result.filters) + "]"
    if 0 < len(shown) < result.total:
        head += f"; the best {len(shown)} below"
    lines = wrap(head, columns)
    if result.truncated:
        lines += wrap("note: enumeration stopped at its cap; narrow with --max-hops or --mechanism", columns)
    if not result.paths:
        lines += _no_path_lines(no_path, columns)
        return "\n".join(lines) + "\n"
    hubs = result.mediators()[:5]
    if hubs and result.total > 1:
        items = [f"{m.label} ({m.paths_through})" for m in hubs]
        lines += join_wrapped(items, columns, f"Hubs (paths through each, of {result.total}): ", "  ", sep="; ")
    several_sources = len(sections.sources([e for p in result.paths for h in p.hops for e in h.evidence])) > 1
    lines.append("")
    if evidence:
        for n, path in enumerate(shown, 1):
            lines += _path_with_evidence(n, path, columns, sections)
    else:
        lines += _summary_lines(shown, columns, sections if several_sources else None)
    rest = result.total - len(shown)
    if lines[-1] != "":
        lines.append("")
    if rest > 0:
        lines += wrap(
            f"{_plural(rest, 'more path')}: --all (or --limit N)"
            + ("" if evidence else "; each hop's quote and claim: --evidence"),
            columns,
        )
    elif not evidence:
        lines += wrap("Each hop's quote and claim: --evidence", columns)
    return "\n".join(lines) + "\n"


def _summary_lines(paths: Sequence, columns: int | None, sections: Sections | None) -> list[str]:
    """One row per path: number, hops, weakest certainty (and sources), then the chain, wrapped under itself."""
    number_width = len(str(len(paths)))
    weakest_width = max([len("weakest")] + [len(word(p.weakest.certainty if p.weakest else None)) for p in paths])
    header = f"{'#'.rjust(number_width)}  {'length'.ljust(7)} {'weakest'.ljust(weakest_width)}"
    if sections is not None:
        header += f" {'sources'.ljust(10)}"
    # a narrow terminal: the chain goes under its row instead of beside it
    narrow = columns is not None and columns - len(header) - 2 < 20
    lines = [header.rstrip() if narrow else f"{header}  path"]
    for n, path in enumerate(paths, 1):
        weakest = word(path.weakest.certainty if path.weakest else None)
        meta = f"{str(n).rjust(number_width)}. {_plural(path.length, 'hop').ljust(7)} {weakest.ljust(weakest_width)}"
        if sections is not None:
            count = len(sections.sources([e for h in path.hops for e in h.evidence]))
            meta += f" {_plural(count, 'source').ljust(10)}"
        if columns is None:
            lines.append(f"{meta}  {ARROW.join(path.labels)}")
        elif narrow:
            lines += [*wrap(meta.rstrip(), columns), *_chain_lines(path.labels, columns, "    ", "    ")]
        else:
            lines += _chain_lines(path.labels, columns, meta + "  ", " " * (len(meta) + 2))
    return lines


def _chain_lines(labels: Sequence[str], columns: int, indent: str, hang: str) -> list[str]:
    """Labels joined by arrows, wrapped before an arrow (a label is split only if it is wider than a line)."""
    lines: list[str] = []
    current = indent
    for i, label in enumerate(labels):
        piece = label if i == 0 else ARROW.strip() + " " + label
        glue = "" if i == 0 else " "
        if i and len(current) + len(glue) + len(piece) > columns:
            lines.append(current.rstrip())
            current = hang
            glue = ""
        if len(current) + len(glue) + len(piece) > columns:  # one label longer than the line
            lines += wrap(piece, columns, current + glue, hang)
            current = lines.pop()
            continue
        current += glue + piece
    lines.append(current.rstrip())
    return lines


def _path_with_evidence(n: int, path, columns: int | None, sections: Sections) -> list[str]:
    weakest = word(path.weakest.certainty if path.weakest else None)
    head = f"{n}. " + ARROW.join(path.labels) + f"   [{_plural(path.length, 'hop')}, weakest: {weakest}]"
    lines = wrap(head, columns, hang="   ")
    for hop in path.hops:
        mechanisms = ", ".join(hop.mechanisms)
        lines += wrap(
            f"{hop.subject_label} —{hop.predicate_label}→ {hop.object_label}"
            f"   ({word(hop.certainty)}{'; ' + mechanisms if mechanisms else ''})",
            columns,
            "   ",
            "     ",
        )
        lines += evidence_lines(hop, columns, "      ", sections)
    lines.append("")
    return lines


def display_quote(quote: str) -> str:
    """A quote as a reader meets it: a markdown table row is marked as one, without its outer bars.

    >>> display_quote("| Sodium (Na+) | Keeps nerve impulses firing |")
    'table row “Sodium (Na+) | Keeps nerve impulses firing”'
    >>> display_quote("Fever dehydrates.")
    '“Fever dehydrates.”'
    """
    text = quote.strip()
    if is_table_row(text):
        return f"table row “{text.strip('|').strip()}”"
    return f"“{text}”"


def evidence_lines(hop: Hop, columns: int | None, indent: str, sections: Sections | None = None) -> list[str]:
    """Every claim behind a hop, best first: its quotes, then the claim's CURIE, certainty and section."""
    sections = sections or Sections()
    lines: list[str] = []
    claims = claim_order(hop)
    for e in claims:
        for quote in e.quotes:
            lines += wrap(display_quote(quote), columns, indent, indent + " ")
        about = [word(e.certainty)]
        if e.predicate != hop.predicate:
            about.append(e.predicate_label)
        if e.section and e.section in sections.titles:
            about.append(f"section “{sections.titles[e.section]}”")
        lines += wrap(f"{shorten(e.claim)} ({'; '.join(about)})", columns, indent, indent + "  ")
    return lines


def _no_path_lines(no_path: NoPath | None, columns: int | None) -> list[str]:
    if no_path is None:
        return wrap("No path found.", columns)
    lines = wrap(no_path.message, columns)
    if no_path.source_reaches is not None:
        items = list(no_path.source_reaches) or ["nothing"]
        lines += join_wrapped(items, columns, f"  {no_path.source_label} leads to: ", "    ")
    if no_path.target_reached_from is not None:
        items = list(no_path.target_reached_from) or ["nothing"]
        lines += join_wrapped(items, columns, f"  {no_path.target_label} is reached from: ", "    ")
    if no_path.hint:
        lines += wrap(no_path.hint, columns)
    return lines


# -- csv and turtle ---------------------------------------------------------------------------------------
def paths_csv(result: PathsResult, limit: int | None = None) -> str:
    """One row per hop of each path, for spreadsheets (``paths --format csv``)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["path", "length", "hop", "subject", "predicate", "object", "certainty", "mechanisms", "claim", "quote"]
    )
    for n, path in enumerate(result.paths[:limit] if limit else result.paths, 1):
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
  # Each branch binds ?node from its own pattern: a BIND of an outer variable inside a group sees it
  # unbound (SPARQL's bottom-up evaluation), which labelled every concept on pyoxigraph, none on Virtuoso.
  { ?s skos:prefLabel ?label . BIND(?s AS ?node) } UNION { ?o skos:prefLabel ?label . BIND(?o AS ?node) }
  OPTIONAL {
    ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ?cp ?cv .
    OPTIONAL { ?cv ?ep ?ev . FILTER(isBlank(?cv)) OPTIONAL { ?ev ?sp ?sv . FILTER(isBlank(?ev)) } }
  }
}"""


def paths_turtle(kg: KnowledgeGraph, result: PathsResult, limit: int | None = None) -> bytes:
    """The paths' edges with every claim behind them (as JSON lists them) and their evidence, as Turtle."""
    import pyoxigraph as ox

    from ..backends import GraphResult
    from ..sparql.results import graph_to
    from ..vocab import SPARQL_PROLOGUE

    paths = result.paths[:limit] if limit else result.paths
    edges = sorted(
        {
            (h.subject, p, h.object)
            for path in paths
            for h in path.hops
            for p in {h.predicate, *(e.predicate for e in h.evidence)}
        }
    )
    if not edges:
        return b""
    rows = " ".join(f"({ox.NamedNode(s)} {ox.NamedNode(p)} {ox.NamedNode(o)})" for s, p, o in edges)
    graph = kg.query(SPARQL_PROLOGUE + _SUBGRAPH % rows)
    assert isinstance(graph, GraphResult)
    return graph_to(graph, "turtle")
