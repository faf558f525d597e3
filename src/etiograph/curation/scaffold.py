"""``etiograph new-source``: a new source folder — metadata, sections found in the text, and an empty
or drafted claim sheet — ready to edit in a spreadsheet.

Sections are the text's headings: a whole line with no closing punctuation, followed by more text
("Kidney Infection vs Bladder Infection Symptoms Comparison"). The text before the first heading is
the introduction. The curator renames or merges them in ``source.yaml`` at will.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EtiographError
from .sheets import CLAIM_COLUMNS, CONCEPT_COLUMNS, ConceptRow, Section, tsv_text

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Heading:
    start: int
    section: Section


def slug(text: str, taken: set[str]) -> str:
    """A section key from a heading: lower-case words joined by '-', at most six, unique.

    >>> slug("2. Electrolyte Imbalance and Dehydration", set())
    'electrolyte-imbalance-and-dehydration'
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    words = [w for w in words if not w.isdigit()] or words or ["section"]
    base = "-".join(words[:6])
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def headings(text: str) -> list[Heading]:
    """The text's headings with where each section starts; an introduction first if text precedes them.

    >>> [(h.start, h.section.key) for h in headings("Intro text.\\nCauses of Cramps\\nFever causes sweating.\\n")]
    [(0, 'introduction'), (12, 'causes-of-cramps')]
    """
    taken: set[str] = set()
    found: list[Heading] = []
    offset = 0
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        stripped = line.strip()
        rest = "".join(lines[number + 1 :]).strip()
        if stripped and rest and len(stripped) <= 120 and _looks_like_heading(stripped):
            if not found and text[:offset].strip():
                found.append(Heading(0, Section(slug("introduction", taken), "Introduction")))
            found.append(Heading(offset, Section(slug(stripped, taken), stripped)))
        offset += len(line)
    if not found:
        found.append(Heading(0, Section("text", "Full text")))
    return found


def _looks_like_heading(line: str) -> bool:
    """No closing punctuation ("Causes of Cramps"), or a question in Title Case ("Can A Uti Cause Leg
    Cramps?", unlike an FAQ's "Can a UTI cause leg cramps?")."""
    if line.startswith(("-", "|", "*")) or len(line) < 4 or not (line[0].isupper() or line[0].isdigit()):
        return False
    if line[-1].isalnum():
        return True
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z']*", line) if len(w) > 3]
    return line.endswith("?") and len(words) >= 2 and all(w[0].isupper() for w in words)


def section_at(marks: list[Heading], position: int) -> Section:
    current = marks[0].section
    for mark in marks:
        if mark.start <= position:
            current = mark.section
    return current


def new_source(
    source_id: str, article: Path, root: Path, *, title: str | None = None, drafted: bool = False, concepts: list[ConceptRow] | None = None
) -> list[Path]:
    """Create ``root/sources/<source_id>/`` (refusing to overwrite); returns the files written."""
    import yaml

    from ..atomic import write_text_atomic
    from .locate import read_text

    if not _ID.match(source_id):
        raise EtiographError(f"source id {source_id!r}: use lower-case words joined by '-' (e.g. my-article)")
    if not article.is_file():
        raise EtiographError(f"--article {article}: no such file")
    folder = root / "sources" / source_id
    if folder.exists():
        raise EtiographError(f"{folder} already exists: pick another id or edit that folder")
    try:
        text = read_text(article)
    except UnicodeDecodeError as error:
        raise EtiographError(f"--article {article}: not UTF-8 text ({error.reason})") from None
    marks = headings(text)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), source_id)
    meta = {
        "title": title or first_line[:200],
        "kind": "Text",
        "format": "text/plain",
        "language": "en",
        "description": None,
        "url": None,
        "licence": "unknown: the text belongs to its publisher and is not shipped with the graph",
        "retrieved": "unknown",
        "retrieval_note": None,
        "text": os.path.relpath(article.absolute(), folder.absolute()),
        "sections": [{"key": m.section.key, "title": m.section.title} for m in marks],
    }
    header = (
        f"# Source {source_id}: metadata for the graph (title, kind, language, where its text is).\n"
        "# The text itself is not copied into the graph; quotes are. Sections were found from the text's headings.\n"
    )
    written = []
    rows: list[dict] = []
    used: set[str] = set()
    if drafted:
        from .draft import draft

        for row in draft(text, concepts or []):
            position = text.find(row.quote)
            item = row.as_row()
            item["section"] = section_at(marks, max(position, 0)).key
            rows.append(item)
            used.update((row.subject, row.object))
    write_text_atomic(folder / "claims.tsv", tsv_text(CLAIM_COLUMNS, rows))
    written.append(folder / "claims.tsv")
    write_text_atomic(folder / "source.yaml", header + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=110))
    written.append(folder / "source.yaml")
    sheet = root / "concepts.tsv"
    if not sheet.exists():
        known = [c for c in concepts or [] if c.id in used]
        write_text_atomic(sheet, tsv_text(CONCEPT_COLUMNS, (_concept_cells(c) for c in known)))
        written.append(sheet)
    return written


def _concept_cells(row: ConceptRow) -> dict[str, str]:
    return {
        "id": row.id,
        "prefLabel": row.pref_label,
        "altLabels": "|".join(row.alt_labels),
        "kind": row.kind,
        "definition": row.definition,
        "exactMatch": "|".join(row.exact_match),
        "closeMatch": "|".join(row.close_match),
        "broader": "|".join(row.broader),
    }
