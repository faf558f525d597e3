"""``etiograph check``: review the sheets against the article's own words, as a curator's worklist.

Errors (exit 1): unknown names (with the closest labels), quotes not found or ambiguous, rows of one
claim that disagree, hedges firmer than the quote (:mod:`.hedges`), table quotes whose offsets are off.
Warnings: hedges that differ from the quote's words, wording that does not fit the predicate
(:mod:`.wording`), labels shared by two concepts, duplicates and conflicts. Coverage: every sentence
with causal or counteracting language (:mod:`.cues`) that no claim or table row cites; the report
ends with "N of M causal sentences cited".

Hedge and table-quote errors are judgements on what the sheet says: ``check`` exits 1 on them, but
``build`` still compiles the sheet as written. Every other error means the sheet cannot be compiled,
and ``build`` refuses (exit 2) and writes nothing.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import resources
from ..records import field, record
from . import hedges
from .cues import causal_cues
from .model import Claim, Compiled, Problem, compile_workspace
from .sentences import Sentence, split
from .sheets import read_workspace
from .wording import wording_warnings

#: Problem codes and what they mean (the JSON report uses them).
CODES = {
    "unknown-name": "a concept, predicate, certainty, mechanism, section or kind the sheets do not declare",
    "bad-value": "a cell whose value cannot be used (id, CURIE)",
    "missing-value": "a cell the claim needs (e.g. a mechanism for a causal claim)",
    "quote-not-found": "a quote that is not in the source text",
    "ambiguous-quote": "a quote that occurs several times without an occurrence number",
    "no-offsets": "no text at hand and no recorded position for a quote",
    "conflict": "rows of one claim that disagree on a claim-level cell",
    "duplicate-concept": "a concept id declared twice",
    "duplicate-id": "a claim id reused for another triple or source",
    "ambiguous-label": "a label or alt label shared by several concepts",
    "hedge": "a certainty that does not fit the quote's hedge words",
    "wording": "quote wording that does not fit the predicate",
    "duplicate": "the same triple and quote twice",
    "pair-conflict": "one pair claimed as causing and as counteracting",
    "certainty-conflict": "one sentence giving one pair different certainties",
    "table-quote": "a quote in a source's hand-kept Turtle that does not match the text",
}


@record
class Coverage:
    source: str
    causal: list[Sentence] = field(default_factory=list)
    uncited: list[Sentence] = field(default_factory=list)

    @property
    def cited(self) -> int:
        return len(self.causal) - len(self.uncited)


@record
class CheckReport:
    compiled: Compiled
    sources: list[str]
    problems: list[Problem]
    coverage: list[Coverage]
    no_text: list[str]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> dict:
        count = Counter((p.code, p.severity) for p in self.problems)
        by_code = {f"{code} {severity}s": n for (code, severity), n in sorted(count.items())}
        causal = sum(len(c.causal) for c in self.coverage)
        uncited = sum(len(c.uncited) for c in self.coverage)
        return {
            "errors": len(self.errors),
            "warnings": len(self.problems) - len(self.errors),
            "hedge errors": count[("hedge", "error")],
            "hedge warnings": count[("hedge", "warning")],
            "wording warnings": count[("wording", "warning")],
            "causal sentences": causal,
            "causal sentences cited": causal - uncited,
            "uncited causal sentences": uncited,
            "by code": by_code,
        }

    def as_json(self) -> str:
        data = {
            "sources": self.sources,
            "summary": self.summary(),
            "problems": [p.as_dict() for p in self.problems],
            "coverage": [
                {
                    "source": c.source,
                    "causal_sentences": len(c.causal),
                    "cited": c.cited,
                    "uncited": [{"start": s.start, "end": s.end, "sentence": s.text, "cues": [q.text for q in causal_cues(s.text)]} for s in c.uncited],
                }
                for c in self.coverage
            ],
            "sources_without_text": self.no_text,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def as_text(self) -> str:
        rows = sum(len(s.rows) for s in self.compiled.workspace.sources if s.id in self.sources)
        claims = sum(1 for c in self.compiled.claims if c.source.id in self.sources)
        lines = [f"etiograph check: {', '.join(self.sources) or 'no source'} — {rows} rows, {claims} claims"]
        for title, severity in (("Errors", "error"), ("Warnings", "warning")):
            items = [p for p in self.problems if p.severity == severity]
            if items:
                lines += ["", f"{title} ({len(items)})"]
                lines += [f"  {_short(p.location())}: {p.code}: {p.message}" for p in items]
        for c in self.coverage:
            if c.uncited:
                lines += ["", f"Causal sentences no claim cites: {c.source} ({len(c.uncited)})"]
                for s in c.uncited:
                    cue = ", ".join(dict.fromkeys(q.text.lower() for q in causal_cues(s.text)))
                    lines.append(f"  [{s.start}-{s.end}] ({cue}) {s.text}")
        for source in self.no_text:
            lines += ["", f"note: no text at hand for {source}: quotes not re-checked, coverage skipped (pass --article FILE)"]
        summary = self.summary()
        lines += [
            "",
            "Summary",
            f"  {summary['errors']} errors, {summary['warnings']} warnings: {summary['hedge errors']} hedge errors, "
            f"{summary['hedge warnings']} hedge warnings, {summary['wording warnings']} wording warnings, "
            f"{summary['uncited causal sentences']} uncited causal sentences",
        ]
        others = {k: v for k, v in summary["by code"].items() if not k.startswith(("hedge ", "wording "))}
        if others:
            lines.append("  also: " + ", ".join(f"{n} {k}" for k, n in others.items()))
        for c in self.coverage:
            lines.append(f"  {c.source}: {c.cited} of {len(c.causal)} causal sentences cited")
        if len(self.coverage) > 1:
            lines.append(f"{summary['causal sentences cited']} of {summary['causal sentences']} causal sentences cited")
        elif self.coverage:
            c = self.coverage[0]
            lines.append(f"{c.cited} of {len(c.causal)} causal sentences cited")
        return "\n".join(lines) + "\n"


def _short(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def run_checks(
    folders: Sequence[Path], articles: Mapping[str, Path] | None = None, only: Sequence[str] | None = None
) -> CheckReport:
    """Every check on the sheet folders; ``only`` limits the report to these source ids."""
    workspace = read_workspace(folders)
    compiled = compile_workspace(workspace, resources.ontology_file(), articles)
    sources = [s.id for s in workspace.sources if not only or s.id in only]
    wanted = set(sources)
    problems = [p for p in compiled.problems if _in(p, compiled, wanted)]
    claims = [c for c in compiled.claims if c.source.id in wanted]
    problems += _row_checks(claims)
    problems += _pair_checks(compiled.claims, wanted)
    coverage: list[Coverage] = []
    no_text: list[str] = []
    for source in workspace.sources:
        if source.id not in wanted:
            continue
        text = compiled.texts.get(source.id)
        if text is None:
            no_text.append(source.id)
            continue
        spans = [(e.start, e.end) for c in claims if c.source is source for e in c.evidence if e.start is not None]
        table_spans, table_problems = _table_quotes(source, text)
        problems += table_problems
        coverage.append(_coverage(source.id, text, spans + table_spans))
    order = {"error": 0, "warning": 1}
    problems.sort(key=lambda p: (order[p.severity], p.path, p.row or 0, p.code))
    return CheckReport(compiled, sources, problems, coverage, no_text)


def _in(problem: Problem, compiled: Compiled, wanted: set[str]) -> bool:
    """Problems of the reported sources, plus every problem of the concept sheets."""
    for source in compiled.workspace.sources:
        if Path(problem.path).parent == source.folder:
            return source.id in wanted
    return True


#: A note that starts with this tells the hedge check which clause a hedge word belongs to (e.g. "hedge:
#: 'often' qualifies how often UTIs cause the symptoms, not that they contribute to fluid loss"): the
#: error becomes a warning that quotes the note, so a reviewer still sees every such judgement.
HEDGE_SCOPE_NOTE = "hedge:"


def _row_checks(claims: Sequence[Claim]) -> list[Problem]:
    out: list[Problem] = []
    for claim in claims:
        stated = claim.certainty.name if claim.certainty else None
        for e in claim.evidence:
            row = e.row
            if stated:
                finding = hedges.judge(stated, row.quote)
                if finding:
                    derived = " (derived from the first quote)" if claim.certainty_derived else ""
                    severity, message = finding.severity, finding.message + derived
                    if severity == "error" and row.note.lower().startswith(HEDGE_SCOPE_NOTE):
                        # The curator says which clause the cue qualifies: a reviewed judgement, still listed.
                        severity, message = "warning", message + f"; the row's note scopes it: {row.note}"
                    out.append(Problem(severity, "hedge", str(row.path), row.row, "certainty", message))
            for message in wording_warnings(claim.predicate.name, claim.family, row.quote):
                out.append(Problem("warning", "wording", str(row.path), row.row, "predicate", message))
    return out


def _pair_checks(claims: Sequence[Claim], wanted: set[str]) -> list[Problem]:
    """Duplicates (same triple and quote in two claims) and conflicts, across all sources."""
    out: list[Problem] = []
    by_triple_quote: dict[tuple, list[tuple[Claim, object]]] = defaultdict(list)
    by_pair_quote: dict[tuple, list[tuple[Claim, object]]] = defaultdict(list)
    families: dict[tuple[str, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        families[(claim.subject, claim.object)][claim.family].append(claim)
        for e in claim.evidence:
            by_triple_quote[(claim.subject, claim.predicate.name, claim.object, e.row.quote)].append((claim, e.row))
            by_pair_quote[(claim.subject, claim.object, e.row.quote)].append((claim, e.row))
    for (s, p, o, _), items in by_triple_quote.items():
        owners = {c.local for c, _ in items}
        if len(owners) > 1 and any(c.source.id in wanted for c, _ in items):
            first, later = items[0][1], items[-1][1]
            out.append(Problem("warning", "duplicate", str(later.path), later.row, "quote", f"{s} {p} {o} with this quote is also claim {items[0][0].local} (row {first.row})"))
    for (s, o, _), items in by_pair_quote.items():
        levels = {c.certainty.name for c, _ in items if c.certainty}
        if len(levels) > 1 and any(c.source.id in wanted for c, _ in items):
            row = items[-1][1]
            out.append(Problem("warning", "certainty-conflict", str(row.path), row.row, "certainty", f"one sentence gives {s} → {o} different certainties: " + ", ".join(f"{c.local} ({c.certainty.name})" for c, _ in items if c.certainty)))
    for (s, o), fam in families.items():
        if fam.get("causal") and fam.get("counteracting"):
            involved = fam["causal"] + fam["counteracting"]
            if any(c.source.id in wanted for c in involved):
                row = fam["counteracting"][0].evidence[0].row
                names = ", ".join(f"{c.local} [{c.source.id}]" for c in involved)
                out.append(Problem("warning", "pair-conflict", str(row.path), row.row, "predicate", f"{s} is claimed both to cause and to counteract {o}: {names}"))
    return out


def _coverage(source_id: str, text: str, spans: Sequence[tuple[int, int]]) -> Coverage:
    import bisect

    coverage = Coverage(source_id)
    ordered = sorted(spans)
    starts = [start for start, _ in ordered]
    longest = max((end - start for start, end in ordered), default=0)
    for sentence in split(text):
        if not causal_cues(sentence.text) or not is_statement(sentence, text):
            continue
        coverage.causal.append(sentence)
        # spans that start before the sentence ends and end after it starts (longest bounds the look-back)
        low = bisect.bisect_left(starts, sentence.start - longest)
        high = bisect.bisect_left(starts, sentence.end)
        if not any(sentence.start < end for _, end in ordered[low:high]):
            coverage.uncited.append(sentence)
    return coverage


def is_statement(sentence: Sentence, text: str) -> bool:
    """Headings and questions state nothing: a question ends with '?'; a heading is a whole line
    without closing punctuation ("Treatment Approaches: Managing Leg Cramps Linked With UTIs")."""
    if sentence.text.endswith("?"):
        return False
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    whole_line = text[line_start : len(text) if line_end < 0 else line_end].strip() == sentence.text
    return not (whole_line and sentence.text[-1].isalnum())


def _table_quotes(source, text: str) -> tuple[list[tuple[int, int]], list[Problem]]:
    """Spans of the quotes in a source's hand-kept Turtle, and any that do not match the text.

    Read with pyoxigraph: rdflib's import and parse cost ``check`` ~0.35 s of its cold start."""
    if not source.extra_turtle:
        return [], []
    from ..datafiles import read_store
    from ..validation.quotes import check_quotes, ox_number
    from ..vocab import OA

    store = read_store(source.extra_turtle)
    spans = []
    for start, end in store.query(f"SELECT ?s ?e WHERE {{ ?p <{OA}start> ?s ; <{OA}end> ?e }}"):
        first, last = ox_number(start), ox_number(end)
        if isinstance(first, int) and isinstance(last, int):  # other values: a table-quote error below
            spans.append((first, last))
    problems = [
        Problem("error", "table-quote", str(source.extra_turtle[0]), None, None, f"{p.subject}: {p.reason}: {p.quote[:80]!r}")
        for p in check_quotes(store, text)
    ]
    return spans, problems
