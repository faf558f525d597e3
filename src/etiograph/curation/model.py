"""Resolve the sheets into claims: names to concepts and terms, quotes to offsets, rows to claim nodes.

Nothing here writes files. Every problem found is collected as a :class:`Problem` (file, row, column),
so ``check`` can list them all and ``build`` can refuse to write anything while one is an error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

from ..records import field, record
from ..vocab import expand_curie
from . import hedges
from .locate import locate, read_text
from .sheets import ClaimRow, ConceptRow, Section, SourceSheet, Workspace
from .vocabulary import Term, Vocabulary

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

#: The section a claim falls in when its source declares none.
WHOLE_TEXT = Section("text", "Full text")


@record(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    code: str  # a short name for the kind of problem (see checks.CODES)
    path: str
    row: int | None
    column: str | None
    message: str

    def location(self) -> str:
        where = self.path + (f":{self.row}" if self.row is not None else "")
        return where + (f" [{self.column}]" if self.column else "")

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.path,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@record
class Evidence:
    row: ClaimRow
    exact: str
    start: int | None
    end: int | None


@record
class Claim:
    local: str  # the claim IRI's local name (after claim:)
    source: SourceSheet
    subject: str
    predicate: Term
    object: str
    family: str  # causal, counteracting, association
    certainty: Term | None = None
    certainty_derived: bool = False
    mechanisms: list[Term] = field(default_factory=list)
    section: Section = WHOLE_TEXT
    indirect: bool | None = None
    summary: bool = False  # a total effect the source then explains through mediators (etio:SummaryClaim)
    risk: Term | None = None
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def rows(self) -> list[ClaimRow]:
        return [e.row for e in self.evidence]


@record
class Compiled:
    workspace: Workspace
    vocab: Vocabulary
    concepts: dict[str, ConceptRow]
    kinds: dict[str, Term]
    claims: list[Claim]
    problems: list[Problem]
    #: source id → its text, when at hand
    texts: dict[str, str | None]
    #: source id → the offsets computed from the text (None when the text was not at hand)
    offsets: dict[str, dict[tuple[str, int], tuple[int, int, str]] | None]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def kebab(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def _same_concept(a: ConceptRow, b: ConceptRow) -> bool:
    fields = ("id", "pref_label", "alt_labels", "kind", "definition", "exact_match", "close_match", "broader")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


class ConceptIndex:
    """Concept ids, labels and alt labels (case-insensitive) → concept ids."""

    def __init__(self, concepts: Mapping[str, ConceptRow]):
        self.concepts = concepts
        self.by_name: dict[str, set[str]] = {}
        for row in concepts.values():
            for name in (row.id, row.pref_label, *row.alt_labels):
                self.by_name.setdefault(name.lower(), set()).add(row.id)

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """(concept id, None) or (None, why not — with the closest labels)."""
        text = name.strip()
        if text.startswith("kg:"):
            text = text[3:]
        if text in self.concepts:
            return text, None
        ids = self.by_name.get(text.lower(), set())
        if len(ids) == 1:
            return next(iter(ids)), None
        if len(ids) > 1:
            labels = ", ".join(sorted(f"{i} ({self.concepts[i].pref_label})" for i in ids))
            return None, f"{name!r} is ambiguous: it names {labels}; write the concept id"
        return None, f"unknown concept {name!r}" + self.hint(text)

    def hint(self, text: str) -> str:
        close = difflib.get_close_matches(text.lower(), list(self.by_name), n=6, cutoff=0.6)
        close += [n for n in self.by_name if len(text) > 3 and (text.lower() in n or n in text.lower()) and n not in close]
        labels: list[str] = []
        for key in close:
            for cid in sorted(self.by_name[key]):
                label = self.concepts[cid].pref_label
                if label not in labels:
                    labels.append(label)
        if not labels:
            return "; declare it in concepts.tsv"
        return "; closest labels: " + ", ".join(repr(label) for label in labels[:3]) + " (or declare it in concepts.tsv)"


def compile_workspace(
    workspace: Workspace, ontology: Path, articles: Mapping[str, Path] | None = None
) -> Compiled:
    """Resolve every sheet of the workspace. ``articles`` maps source ids to their text files."""
    from .vocabulary import load_vocabulary

    vocab = load_vocabulary(ontology)
    problems: list[Problem] = []

    def problem(severity: str, code: str, path: Path, row: int | None, column: str | None, message: str) -> None:
        problems.append(Problem(severity, code, str(path), row, column, message))

    concepts: dict[str, ConceptRow] = {}
    kinds: dict[str, Term] = {}
    for row in workspace.concepts:
        if not _ID.match(row.id):
            problem("error", "bad-value", row.path, row.row, "id", f"{row.id!r} is not a concept id: use lower-case words joined by '-' (e.g. low-potassium)")
            continue
        if row.id in concepts:
            first = concepts[row.id]
            if _same_concept(first, row):
                continue  # the same concept copied into a second sheet (a standalone source's concepts.tsv)
            problem("error", "duplicate-concept", row.path, row.row, "id", f"concept {row.id!r} is declared twice, differently (first at {first.path}:{first.row})")
            continue
        kind = vocab.lookup("kinds", row.kind)
        if kind is None:
            problem("error", "unknown-name", row.path, row.row, "kind", f"unknown kind {row.kind!r}; kinds: " + ", ".join(vocab.names("kinds")))
            continue
        for column, values in (("exactMatch", row.exact_match), ("closeMatch", row.close_match)):
            for value in values:
                if expand_curie(value) is None:
                    problem("error", "bad-value", row.path, row.row, column, f"{value!r} is not a CURIE with a known prefix (mesh:D014552, MONDO:0005015, wd:Q12206)")
        concepts[row.id] = row
        kinds[row.id] = kind
    for row in concepts.values():
        for parent in row.broader:
            if parent not in concepts:
                problem("error", "unknown-name", row.path, row.row, "broader", f"unknown concept id {parent!r}" + ConceptIndex(concepts).hint(parent))
    index = ConceptIndex(concepts)
    for name, ids in sorted(index.by_name.items()):
        if len(ids) > 1:
            rows = sorted((concepts[i] for i in ids), key=lambda r: r.row)
            problem("warning", "ambiguous-label", rows[-1].path, rows[-1].row, "altLabels", f"the name {name!r} belongs to several concepts: " + ", ".join(r.id for r in rows))

    claims: dict[str, Claim] = {}
    texts: dict[str, str | None] = {}
    computed: dict[str, dict[tuple[str, int], tuple[int, int, str]] | None] = {}
    for source in workspace.sources:
        text_path = (articles or {}).get(source.id) or source.text_file()
        texts[source.id] = read_text(text_path) if text_path else None
        computed[source.id] = {} if texts[source.id] is not None else None
        _compile_source(source, vocab, index, texts[source.id], computed[source.id], claims, problem)
    mechanisms_required(claims.values(), vocab, problem)
    return Compiled(workspace, vocab, concepts, kinds, list(claims.values()), problems, texts, computed)


def mechanisms_required(claims, vocab: Vocabulary, problem) -> None:
    for claim in claims:
        if claim.family != "association" and not claim.mechanisms:
            row = claim.evidence[0].row
            problem("error", "missing-value", row.path, row.row, "mechanism", f"a {claim.family} claim needs a mechanism: " + ", ".join(vocab.names("mechanisms")))


def _compile_source(source, vocab, index, text, offsets, claims, problem) -> None:
    sections = {s.key: s for s in source.sections} or {WHOLE_TEXT.key: WHOLE_TEXT}
    default_section = (source.sections or [WHOLE_TEXT])[0]
    for row in source.rows:
        subject, why = index.resolve(row.subject)
        if why:
            problem("error", "unknown-name", row.path, row.row, "subject", why)
        obj, why_object = index.resolve(row.object)
        if why_object:
            problem("error", "unknown-name", row.path, row.row, "object", why_object)
        predicate = vocab.lookup("predicates", row.predicate)
        if predicate is None:
            close = vocab.suggest("predicates", row.predicate)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            problem("error", "unknown-name", row.path, row.row, "predicate", f"unknown predicate {row.predicate!r}{hint} (predicates: {', '.join(vocab.names('predicates'))})")
        if row.id and not _CLAIM_ID.match(row.id):
            problem("error", "bad-value", row.path, row.row, "id", f"{row.id!r} cannot be part of an IRI: use letters, digits, '-' and '_'")
            continue
        # the quote, located in the text or in the recorded offsets
        evidence = _evidence(source, row, text, offsets, problem)
        if subject is None or obj is None or predicate is None or evidence is None:
            continue
        local = source.claim_id_prefix + (row.id or f"{subject}--{kebab(predicate.name)}--{obj}")
        claim = claims.get(local)
        if claim is None:
            claim = claims[local] = Claim(local, source, subject, predicate, obj, vocab.family(predicate))
            claim.section = default_section
        elif claim.source is not source:
            problem("error", "duplicate-id", row.path, row.row, "id", f"claim id {local!r} is used by source {claim.source.id!r} too")
            continue
        elif (claim.subject, claim.predicate, claim.object) != (subject, predicate, obj):
            first = claim.evidence[0].row
            problem("error", "duplicate-id", row.path, row.row, "id", f"claim id {local!r} names another triple at row {first.row}")
            continue
        if any(e.row.quote == row.quote and e.row.occurrence == row.occurrence for e in claim.evidence):
            first = next(e.row for e in claim.evidence if e.row.quote == row.quote)
            problem("warning", "duplicate", row.path, row.row, "quote", f"same triple and quote as row {first.row}: delete one of them")
            continue
        _claim_level(claim, row, vocab, sections, problem)
        claim.evidence.append(evidence)
    for claim in claims.values():
        if claim.source is source and claim.certainty is None:
            first = claim.evidence[0]
            claim.certainty = vocab.lookup("certainties", hedges.derive(first.row.quote))
            claim.certainty_derived = True


def _evidence(source, row, text, offsets, problem) -> Evidence | None:
    occurrence = row.occurrence or 1
    if text is not None:
        found = locate(text, row.quote, row.occurrence)
        if found is None:
            if row.occurrence and locate(text, row.quote) is not None:
                problem("error", "quote-not-found", row.path, row.row, "occurrence", f"the quote occurs fewer than {row.occurrence} times in the text")
            else:
                problem("error", "quote-not-found", row.path, row.row, "quote", "not found in the text (whitespace-normalised): copy the sentence exactly")
            return None
        if found.count > 1 and row.occurrence is None:
            problem("error", "ambiguous-quote", row.path, row.row, "quote", f"the quote occurs {found.count} times in the text: quote more words or set the occurrence column (1-{found.count})")
            return None
        exact = row.quote if found.exact == row.quote else found.exact
        offsets[(row.quote, occurrence)] = (found.start, found.end, "" if exact == row.quote else exact)
        return Evidence(row, exact, found.start, found.end)
    recorded = source.offsets.get((row.quote, occurrence))
    if recorded is None:
        problem("error", "no-offsets", row.path, row.row, "quote", f"the text of source {source.id!r} is not at hand and offsets.tsv has no position for this quote: pass --article FILE")
        return None
    start, end, exact = recorded
    return Evidence(row, exact or row.quote, start, end)


def _claim_level(claim: Claim, row: ClaimRow, vocab: Vocabulary, sections, problem) -> None:
    """Fill the claim's own fields from a row; rows of one claim must agree where they fill a cell."""
    first = claim.evidence[0].row if claim.evidence else None

    def disagree(column: str, old: object, new: object) -> None:
        where = f"row {first.row}" if first else "an earlier row"
        problem("error", "conflict", row.path, row.row, column, f"this claim's {column} is {old!r} on {where}, {new!r} here: rows of one claim must agree (give a second claim its own id)")

    if row.certainty:
        term = vocab.lookup("certainties", row.certainty)
        if term is None:
            close = vocab.suggest("certainties", row.certainty)
            problem("error", "unknown-name", row.path, row.row, "certainty", f"unknown certainty {row.certainty!r}" + (f"; did you mean {' or '.join(map(repr, close))}?" if close else "") + " (levels: " + ", ".join(vocab.names("certainties")) + "; or leave it empty to derive it from the quote)")
        elif claim.certainty is None:
            claim.certainty = term
        elif claim.certainty != term:
            disagree("certainty", claim.certainty.name, term.name)
    if row.mechanism:
        terms = []
        for name in row.mechanism:
            term = vocab.lookup("mechanisms", name)
            if term is None:
                problem("error", "unknown-name", row.path, row.row, "mechanism", f"unknown mechanism {name!r}; mechanisms: " + ", ".join(vocab.names("mechanisms")))
            else:
                terms.append(term)
        if not claim.mechanisms:
            claim.mechanisms = terms
        elif {t.iri for t in claim.mechanisms} != {t.iri for t in terms}:
            disagree("mechanism", "|".join(t.name for t in claim.mechanisms), "|".join(t.name for t in terms))
    if row.section:
        section = sections.get(row.section)
        if section is None:
            close = difflib.get_close_matches(row.section, list(sections), n=3)
            problem("error", "unknown-name", row.path, row.row, "section", f"unknown section {row.section!r}" + (f"; did you mean {' or '.join(map(repr, close))}?" if close else "") + " (sections are declared in source.yaml)")
        elif first is None or not any(e.row.section for e in claim.evidence):
            claim.section = section
        elif claim.section != section:
            disagree("section", claim.section.key, section.key)
    if row.indirect:
        value = row.indirect == "true"
        if claim.indirect is None:
            claim.indirect = value
        elif claim.indirect != value:
            disagree("indirect", claim.indirect, value)
    if row.summary == "true":
        claim.summary = True
    if row.risk:
        term = vocab.lookup("risks", row.risk)
        if term is None:
            problem("error", "unknown-name", row.path, row.row, "risk", f"unknown risk level {row.risk!r}; levels: " + ", ".join(vocab.names("risks")))
        elif claim.risk is None:
            claim.risk = term
        elif claim.risk != term:
            disagree("risk", claim.risk.name, term.name)
    if row.note:
        if not claim.note:
            claim.note = row.note
        elif claim.note != row.note:
            disagree("note", claim.note, row.note)
