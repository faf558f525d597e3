"""``etiograph draft``: candidate claim rows for a new article, offline and deterministic.

For every sentence (pysbd) with causal or counteracting language (:mod:`.cues`): the concepts it
mentions (labels and alt labels of the concept sheet, longest first, plural-tolerant); for each cue,
every concept written before it paired with every one after it (the other way round for "due to",
"because of" …), with the cue's predicate; the certainty from the hedge rules; the sentence as quote.
Where one side of a cue mentions no known concept, the words next to the cue are proposed as a new
concept (``note`` says so). Precision is not the goal; recall is: the curator deletes rows, and
should rarely have to find one the draft missed. The result is a sheet to edit, never graph data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import hedges
from .checks import is_statement
from .cues import CausalCue, causal_cues
from .sentences import split
from .sheets import CLAIM_COLUMNS, ConceptRow, tsv_text

_STOP = {
    "a", "an", "the", "this", "that", "these", "those", "its", "their", "your", "our", "his", "her", "and", "or",
    "of", "in", "on", "to", "for", "with", "by", "as", "at", "from", "is", "are", "be", "been", "can", "may",
    "might", "could", "also", "more", "less", "very", "such", "which", "who", "it", "they", "them", "some",
    "many", "both", "not", "into", "during", "while", "when", "if", "than", "like", "other", "so",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    concept: str  # a concept id, or "" for a proposed new concept
    text: str


@dataclass(frozen=True)
class DraftRow:
    subject: str
    predicate: str
    object: str
    certainty: str
    quote: str
    note: str
    section: str = ""

    def as_row(self) -> dict[str, str]:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "certainty": self.certainty, "quote": self.quote, "note": self.note, "section": self.section}


class Matcher:
    """Finds concept mentions: one regular expression of every label, longest first."""

    def __init__(self, concepts: Iterable[ConceptRow]):
        names: dict[str, str] = {}
        for row in concepts:
            for name in (row.pref_label, *row.alt_labels, row.id.replace("-", " ")):
                key = _stem_key(name)
                if len(name.strip()) > 2 and key not in names:
                    names[key] = row.id
        self.names = names
        #: a label's stem key → concepts whose label is that label plus one word ("sodium" → low-sodium)
        self.wider: dict[str, list[str]] = {}
        for key, concept in names.items():
            words = key.split()
            if len(words) == 2:
                for part in words:
                    if part in names:
                        self.wider.setdefault(part, [])
                        if concept not in self.wider[part]:
                            self.wider[part].append(concept)
        # each word of a label matches any word with the same stem ("inflammation" ~ "inflammatory")
        alternatives = sorted({_stem_pattern(key) for key in names}, key=len, reverse=True)
        body = "|".join(alternatives) or r"(?!x)x"
        self.pattern = re.compile(rf"\b(?:{body})\b", re.IGNORECASE)

    def mentions(self, sentence: str) -> list[Mention]:
        out = []
        for m in self.pattern.finditer(sentence):
            key = _stem_key(m.group(0))
            concept = self.names.get(key)
            if concept:
                out.append(Mention(m.start(), m.end(), concept, m.group(0)))
                # "sodium" may stand for "low sodium", "electrolyte" for "electrolyte imbalance": the
                # curator picks; recall first
                out += [Mention(m.start(), m.end(), other, m.group(0)) for other in self.wider.get(key, ()) if other != concept]
        return out


_SUFFIXES = ("ations", "ation", "ories", "atory", "ory", "ions", "ion", "ness", "ities", "ity", "ing", "ed", "es", "s", "y", "e")


def _stem(word: str) -> str:
    """A crude, deterministic stem: enough to let "dehydrated" find "dehydration"."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _stem_key(name: str) -> str:
    return " ".join(_stem(w) for w in re.findall(r"[A-Za-z0-9]+", name))


def _stem_pattern(key: str) -> str:
    return r"[\s\-]+".join(re.escape(w) + r"[a-z]*" for w in key.split())


def _phrase(sentence: str, start: int, forward: bool) -> Mention | None:
    """Up to four content words next to a cue (after it, or before it), as a proposed new concept."""
    words = list(_WORD.finditer(sentence))
    picked = []
    stream = [w for w in words if w.start() >= start] if forward else [w for w in reversed(words) if w.end() <= start]
    for w in stream:
        gap = sentence[picked[-1].end() : w.start()] if forward and picked else sentence[w.end() : picked[-1].start()] if picked else ""
        if picked and re.search(r"[,.;:!?()—–]", gap):
            break
        if w.group(0).lower() in _STOP:
            if picked:
                break
            continue
        picked.append(w)
        if len(picked) == 4:
            break
    if not picked:
        return None
    first, last = (picked[0], picked[-1]) if forward else (picked[-1], picked[0])
    return Mention(first.start(), last.end(), "", sentence[first.start() : last.end()].lower())


_ASSOCIATION = re.compile(r"linked|associated|tied", re.IGNORECASE)


def draft_sentence(sentence: str, matcher: Matcher, context: Sequence[Mention] = ()) -> list[DraftRow]:
    """Candidate rows of one sentence.

    >>> from pathlib import Path
    >>> c = [ConceptRow(Path("c.tsv"), 2, "fever", "fever", (), "SignOrSymptom", "", (), (), ()),
    ...      ConceptRow(Path("c.tsv"), 3, "fluid-loss", "fluid loss", (), "PhysiologicalProcess", "", (), (), ())]
    >>> for r in draft_sentence("Fever can lead to fluid loss.", Matcher(c)):
    ...     print(r.subject, r.predicate, r.object, r.certainty, "weak" if "weak" in r.note else "strong")
    fever causes fluid-loss can strong
    fluid-loss causes fever can weak
    """
    cues = causal_cues(sentence)
    if not cues:
        return []
    mentions = [m for m in matcher.mentions(sentence) if not any(c.start < m.end and m.start < c.end for c in cues)]
    certainty = hedges.derive(sentence)
    rows: dict[tuple[str, str, str], DraftRow] = {}
    for cue in cues:
        before = [m for m in mentions if m.end <= cue.start]
        after = [m for m in mentions if m.start >= cue.end]
        # "This irritation may …", "- Poor hydration …": the cause may stand in the sentence before
        before = before or list(context) or [p for p in [_phrase(sentence, cue.start, forward=False)] if p]
        after = after or [p for p in [_phrase(sentence, cue.end, forward=True)] if p]
        causes, effects = (before, after) if cue.direction == "forward" else (after, before)
        pairs = [(s, o) for s in causes for o in effects]
        if cue.predicate == "contributesTo" and cue.direction == "forward" and _ASSOCIATION.match(cue.text):
            pairs += [(o, s) for s, o in pairs]  # "A is linked to B" says nothing of direction
        for s, o in pairs:
            if s.concept and s.concept == o.concept:
                continue
            rows.setdefault((s.concept or s.text, cue.predicate, o.concept or o.text), _row(s, cue, o, certainty, sentence))
    # chains ("harsh soaps irritating urethral tissues reducing inflammation"): each mention with the next,
    # under the nearest cue before the second one
    for s, o in itertools.pairwise(mentions):
        cue = next((c for c in reversed(cues) if c.start < o.start), cues[0])
        if s.concept != o.concept:
            rows.setdefault((s.concept, cue.predicate, o.concept), _row(s, cue, o, certainty, sentence))
    # recall last: every other ordered pair of the sentence's concepts (and the previous sentence's, as
    # causes), marked weak so the curator can sort them to the end
    pairs_seen = {(r.subject, r.object) for r in rows.values()}
    for s in [*mentions, *context]:
        for o in mentions:
            if s.concept and o.concept and s.concept != o.concept and (s.concept, o.concept) not in pairs_seen:
                pairs_seen.add((s.concept, o.concept))
                cue = next((c for c in reversed(cues) if c.start < o.start), cues[0])
                row = _row(s, cue, o, certainty, sentence)
                rows[(s.concept, "weak", o.concept)] = DraftRow(row.subject, row.predicate, row.object, row.certainty, row.quote, row.note + "; weak: no cue between them in this order")
    return list(rows.values())


def _row(s: Mention, cue: CausalCue, o: Mention, certainty: str, sentence: str) -> DraftRow:
    new = [m.text for m in (s, o) if not m.concept]
    note = f"draft: cue {cue.text!r}"
    if new:
        note += "; new concept? " + ", ".join(repr(n) for n in new) + " (declare it in concepts.tsv or pick an existing one)"
    return DraftRow(s.concept or s.text, cue.predicate, o.concept or o.text, certainty, sentence, note)


def draft(text: str, concepts: Sequence[ConceptRow]) -> list[DraftRow]:
    """Candidate rows for a whole text, in reading order."""
    matcher = Matcher(concepts)
    out: list[DraftRow] = []
    previous: list[Mention] = []
    for sentence in split(text):
        if is_statement(sentence, text):
            out += draft_sentence(sentence.text, matcher, previous)
        found = matcher.mentions(sentence.text)
        if found:
            previous = [Mention(-1, -1, m.concept, m.text) for m in found]
    return out


def draft_tsv(rows: Sequence[DraftRow]) -> str:
    return tsv_text(CLAIM_COLUMNS, (r.as_row() for r in rows))


@dataclass(frozen=True)
class Recall:
    drafted: int
    curated: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.curated if self.curated else 0.0

    @property
    def precision(self) -> float:
        return self.found / self.drafted if self.drafted else 0.0


def pair_recall(drafted: Iterable[DraftRow], curated: Iterable[tuple[str, str]]) -> Recall:
    """Recall and precision of (subject, object) concept pairs: drafted rows against a curated sheet."""
    ours = {(r.subject, r.object) for r in drafted}
    theirs = set(curated)
    return Recall(len(ours), len(theirs), len(ours & theirs))
