"""``etiograph explain``: a concept's causes and effects with their quotes, what counters each, where routes converge."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..certainty import rank_order, word
from .paths import claim_order, display_quote, hop_json
from .terminal import join_wrapped, wrap

if TYPE_CHECKING:
    from ..causal.model import Hop
    from ..graph import Explanation

EXPLAIN_SCHEMA = "etiograph.explain/1"
#: What the mediator scores mean, said once in plain words.
CONVERGENCE_GLOSS = (
    "share of the shortest causal routes into it that pass through each concept (betweenness), "
    "relative to the busiest = 1.00"
)


def quote_lines(hop: Hop, columns: int | None, indent: str) -> list[str]:
    """The quotes of the claim the hop stands on (its strongest), each wrapped under the indent."""
    best = claim_order(hop)
    lines: list[str] = []
    for quote in best[0].quotes if best else ():
        lines += wrap(display_quote(quote), columns, indent, indent + " ")
    return lines


def _hop_line(hop: Hop, columns: int | None) -> list[str]:
    mechanisms = ", ".join(hop.mechanisms)
    text = (
        f"{hop.subject_label} —{hop.predicate_label}→ {hop.object_label}"
        f"  ({word(hop.certainty)}{'; ' + mechanisms if mechanisms else ''})"
    )
    return wrap(text, columns, "  ", "    ")


def explain_text(ex: Explanation, columns: int | None = None) -> str:
    """The explanation as the terminal shows it: the concept, then its causes, effects and what counteracts it, wrapped to ``columns``."""
    c = ex.concept
    kinds = ", ".join(k.split(":")[-1].rsplit("#", 1)[-1] for k in c.kinds) or "concept"
    lines = wrap(f"{c.label}  ({c.curie}; {kinds})", columns)
    if c.alt_labels:
        lines += join_wrapped(list(c.alt_labels), columns, "  also: ", "        ")
    if c.mappings:
        lines += join_wrapped(list(c.mappings), columns, "  ids: ", "       ")
    lines += join_wrapped(list(ex.mechanisms) or ["none"], columns, "  mechanisms: ", "              ")
    certainties = sorted(
        {h.certainty for h in (*[s.hop for s in ex.causes], *[s.hop for s in ex.effects]) if h.certainty},
        key=rank_order,
    )
    if certainties:
        lines += join_wrapped(
            [word(x) for x in certainties], columns, "  certainty of its claims, firmest first: ", "    "
        )

    lines += ["", *wrap(f"Direct causes ({len(ex.causes)}), firmest first:", columns)]
    for step in ex.causes:
        lines += _hop_line(step.hop, columns)
        lines += quote_lines(step.hop, columns, "      ")
        for counter in step.counteracted_by:
            lines += wrap(
                f"counter-measure for {counter.object_label}: {counter.subject_label} —{counter.predicate_label}→ "
                f"{counter.object_label}  ({word(counter.certainty)})",
                columns,
                "      ",
                "        ",
            )
    lines += ["", *wrap(f"Direct effects ({len(ex.effects)}), firmest first:", columns)]
    for step in ex.effects:
        lines += _hop_line(step.hop, columns)
        lines += quote_lines(step.hop, columns, "      ")
    lines += ["", *wrap(f"Counteracted by ({len(ex.counteracted_by)}):", columns)]
    for hop in ex.counteracted_by:
        lines += _hop_line(hop, columns)
        lines += quote_lines(hop, columns, "      ")
    if ex.summaries:
        lines += [
            "",
            *wrap(
                "Summary claims (a total effect the article explains through mediators; left out of paths):", columns
            ),
        ]
        for summary in ex.summaries:
            found = summary.paths
            head = f"{found.source_label} → {found.target_label}: "
            if summary.supported:
                best = " → ".join(found.paths[0].labels)
                lines += wrap(
                    head + f"accounted for by {found.total} mechanistic paths, e.g. {best}", columns, "  ", "    "
                )
            else:
                lines += wrap(
                    head + f"NOT accounted for by any mechanistic path of at most {found.max_hops} hops",
                    columns,
                    "  ",
                    "    ",
                )
    if ex.mediators:
        lines.append("")
        lines += wrap(f"Where the routes into {c.label} converge ({CONVERGENCE_GLOSS}):", columns)
        lines += join_wrapped([f"{n} {s:.2f}" for n, s in ex.mediators], columns, "  ", "  ")
    return "\n".join(lines) + "\n"


def explain_dict(ex: Explanation) -> dict:
    """The explanation as plain data (schema ``EXPLAIN_SCHEMA``), for programs; ``explain_json`` writes it."""
    c = ex.concept
    return {
        "schema": EXPLAIN_SCHEMA,
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
        "summary_claims": [
            {"claim": x.claim, "subject": x.subject, "object": x.object, "mechanistic_paths": x.paths.total}
            for x in ex.summaries
        ],
    }


def explain_json(ex: Explanation) -> str:
    """The explanation as a JSON document (``explain --format json``)."""
    return json.dumps(explain_dict(ex), indent=2, ensure_ascii=False) + "\n"
