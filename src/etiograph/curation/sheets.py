"""Read and write the curation sheets: tab-separated files a spreadsheet opens, one record a line.

A *sheet root* (the bundled one is ``graph/``) holds:

- ``concepts.tsv``: one concept a row (:data:`CONCEPT_COLUMNS`);
- ``graph.yaml``: the dataset's own description (optional outside the bundled graph);
- ``sources/<source-id>/source.yaml``: the source's metadata and sections;
- ``sources/<source-id>/claims.tsv``: one quote a row (:data:`CLAIM_COLUMNS`). Several rows with the
  same subject, predicate and object (and the same ``id``, usually empty) are one claim backed by
  several sentences; a second claim node for the same triple gets its own ``id``;
- ``sources/<source-id>/offsets.tsv``: where each quote stands in the text, *written by*
  ``etiograph build`` when the text is at hand and read when it is not (never typed);
- ``sources/<source-id>/*.ttl``: hand-kept Turtle for what a claim sheet cannot say (the bundled
  article's two tables), copied into ``graph/tables.ttl``; ``etiograph check`` verifies their quotes.

A single source folder (``source.yaml`` + ``claims.tsv``, maybe its own ``concepts.tsv`` for the
concepts it introduces) can be given to ``--data`` beside a sheet root.

Files are UTF-8 (a byte-order mark from Excel is accepted), tab-separated, with a header row; cells
holding a tab, a newline or a double quote are quoted the way spreadsheets export them. Every problem
is a :class:`SheetError` naming file, row (the line number a spreadsheet shows) and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError
from ..records import field, record

if TYPE_CHECKING:
    import re

#: Columns of ``concepts.tsv``; ``id``, ``prefLabel`` and ``kind`` are required cells.
CONCEPT_COLUMNS = ("id", "prefLabel", "altLabels", "kind", "definition", "exactMatch", "closeMatch", "broader")
CONCEPT_REQUIRED = ("id", "prefLabel", "kind")

#: Columns of ``claims.tsv``, in the order ``build`` and ``draft`` write them.
CLAIM_COLUMNS = (
    "subject",
    "predicate",
    "object",
    "certainty",
    "mechanism",
    "section",
    "indirect",
    "quote",
    "note",
    "risk",
    "occurrence",
    "id",
    "summary",
)
#: Header names every claims.tsv must have (the others are optional).
CLAIM_HEADERS_REQUIRED = ("subject", "predicate", "object", "certainty", "mechanism", "quote")
#: Cells that may not be empty on any row.
CLAIM_REQUIRED = ("subject", "predicate", "object", "quote")

OFFSET_COLUMNS = ("quote", "occurrence", "start", "end", "exact")

#: ``|`` separates several values in one cell (alt labels, mappings, mechanisms).
SEPARATOR = "|"


class SheetError(DataError):
    """A problem in a sheet: names the file, the row (spreadsheet line number) and the column."""

    def __init__(self, path: Path | str, message: str, row: int | None = None, column: str | None = None):
        self.row = row
        self.column_name = column
        text = f"column {column!r}: {message}" if column else message
        super().__init__(path, text, row)


@record(frozen=True)
class ConceptRow:
    """One row of ``concepts.tsv``."""

    path: Path
    row: int
    id: str
    pref_label: str
    alt_labels: tuple[str, ...]
    kind: str
    definition: str
    exact_match: tuple[str, ...]
    close_match: tuple[str, ...]
    broader: tuple[str, ...]


@record(frozen=True)
class ClaimRow:
    """One row of ``claims.tsv``: one quote backing one claim."""

    path: Path
    row: int
    subject: str
    predicate: str
    object: str
    certainty: str
    mechanism: tuple[str, ...]
    section: str
    indirect: str
    quote: str
    note: str
    risk: str
    occurrence: int | None
    id: str
    summary: str = ""


@record(frozen=True)
class Section:
    key: str
    title: str


@record
class SourceSheet:
    """A source folder: its metadata (``source.yaml``), its claim rows and its recorded offsets."""

    id: str
    folder: Path
    meta: dict
    sections: list[Section]
    rows: list[ClaimRow]
    offsets: dict[tuple[str, int], tuple[int, int, str]] = field(default_factory=dict)
    extra_turtle: list[Path] = field(default_factory=list)

    @property
    def claims_path(self) -> Path:
        return self.folder / "claims.tsv"

    @property
    def offsets_path(self) -> Path:
        return self.folder / "offsets.tsv"

    @property
    def claim_id_prefix(self) -> str:
        prefix = self.meta.get("claim_id_prefix")
        return f"{self.id}--" if prefix is None else str(prefix)

    def text_file(self) -> Path | None:
        """Where ``source.yaml`` says the text is (relative to the folder), if it is there."""
        text = self.meta.get("text")
        if not text:
            return None
        path = (self.folder / str(text)).resolve()
        return path if path.is_file() else None


@record
class Workspace:
    """Everything to compile: concept rows, sources, and the dataset description."""

    roots: list[Path]
    concepts: list[ConceptRow]
    sources: list[SourceSheet]
    dataset: dict


# ---------------------------------------------------------------------------------------------
# TSV
# ---------------------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetError(path, f"cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SheetError(
            path, f"not UTF-8 text (byte 0x{data[error.start]:02x}): save the sheet as UTF-8", line
        ) from None


def read_tsv(
    path: Path, known: Sequence[str], required_headers: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a sheet as (row number, {column: cell}); the header is checked first.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.tsv"
    >>> _ = p.write_text("id\\tprefLabel\\nfever\\tfever\\n")
    >>> read_tsv(p, ("id", "prefLabel"))
    [(2, {'id': 'fever', 'prefLabel': 'fever'})]
    >>> _ = p.write_text("id\\tlabel\\n")
    >>> read_tsv(p, ("id", "prefLabel"))
    Traceback (most recent call last):
    ...
    etiograph.curation.sheets.SheetError: ...c.tsv:1: column 'label': unknown column; known columns: id, prefLabel
    """
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel-tab", strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise SheetError(path, "empty file: the first row must name the columns (" + ", ".join(known) + ")", 1)
        header = [name.strip() for name in header]
        for name in header:
            if name not in known:
                raise SheetError(path, "unknown column; known columns: " + ", ".join(known), 1, name or "(empty)")
        seen: set[str] = set()
        for name in header:
            if name in seen:
                raise SheetError(path, "column named twice", 1, name)
            seen.add(name)
        for name in required_headers:
            if name not in seen:
                raise SheetError(path, "missing column (the header row must have it, even if its cells are empty)", 1, name)
        rows: list[tuple[int, dict[str, str]]] = []
        start = reader.line_num + 1
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                start = reader.line_num + 1
                continue
            if len(cells) != len(header):
                raise SheetError(
                    path, f"{len(cells)} cells where the header has {len(header)} columns (a stray or missing tab?)", start
                )
            rows.append((start, {name: cell.strip() for name, cell in zip(header, cells)}))
            start = reader.line_num + 1
    except csv.Error as error:
        raise SheetError(path, f"malformed TSV: {error}", reader.line_num) from None
    return rows


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """Write a sheet atomically, columns in the given order, LF line ends."""
    from ..atomic import write_text_atomic

    write_text_atomic(path, tsv_text(columns, rows))


def tsv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    return buffer.getvalue()


def split_cell(cell: str) -> tuple[str, ...]:
    """``a | b|c`` → ``('a', 'b', 'c')``; an empty cell → ``()``."""
    return tuple(part.strip() for part in cell.split(SEPARATOR) if part.strip())


# ---------------------------------------------------------------------------------------------
# Concepts, claims, offsets, source.yaml
# ---------------------------------------------------------------------------------------------


def read_concepts(path: Path) -> list[ConceptRow]:
    out: list[ConceptRow] = []
    for row, cells in read_tsv(path, CONCEPT_COLUMNS, CONCEPT_REQUIRED):
        for name in CONCEPT_REQUIRED:
            if not cells.get(name):
                raise SheetError(path, "empty cell: every concept needs an id, a prefLabel and a kind", row, name)
        out.append(
            ConceptRow(
                path=path,
                row=row,
                id=cells["id"],
                pref_label=cells["prefLabel"],
                alt_labels=split_cell(cells.get("altLabels", "")),
                kind=cells["kind"],
                definition=cells.get("definition", ""),
                exact_match=split_cell(cells.get("exactMatch", "")),
                close_match=split_cell(cells.get("closeMatch", "")),
                broader=split_cell(cells.get("broader", "")),
            )
        )
    return out


def read_claims(path: Path) -> list[ClaimRow]:
    out: list[ClaimRow] = []
    for row, cells in read_tsv(path, CLAIM_COLUMNS, CLAIM_HEADERS_REQUIRED):
        for name in CLAIM_REQUIRED:
            if not cells.get(name):
                raise SheetError(path, "empty cell: every claim row needs subject, predicate, object and quote", row, name)
        occurrence = cells.get("occurrence", "")
        number: int | None = None
        if occurrence:
            if not occurrence.isdigit() or int(occurrence) < 1:
                raise SheetError(path, f"{occurrence!r} is not a whole number from 1 (which occurrence of the quote)", row, "occurrence")
            number = int(occurrence)
        indirect = cells.get("indirect", "").lower()
        if indirect not in ("", "true", "false", "yes", "no"):
            raise SheetError(path, f"{cells['indirect']!r} is not true or false", row, "indirect")
        summary = cells.get("summary", "").lower()
        if summary not in ("", "true", "false", "yes", "no"):
            raise SheetError(path, f"{cells['summary']!r} is not true or false", row, "summary")
        out.append(
            ClaimRow(
                path=path,
                row=row,
                subject=cells["subject"],
                predicate=cells["predicate"],
                object=cells["object"],
                certainty=cells.get("certainty", ""),
                mechanism=split_cell(cells.get("mechanism", "")),
                section=cells.get("section", ""),
                indirect={"yes": "true", "no": "false"}.get(indirect, indirect),
                quote=cells["quote"],
                note=cells.get("note", ""),
                risk=cells.get("risk", ""),
                occurrence=number,
                id=cells.get("id", ""),
                summary={"yes": "true", "no": "false"}.get(summary, summary),
            )
        )
    return out


def read_offsets(path: Path) -> dict[tuple[str, int], tuple[int, int, str]]:
    """``offsets.tsv``: (quote, occurrence) → (start, end, exact text when it differs from the quote)."""
    if not path.is_file():
        return {}
    out: dict[tuple[str, int], tuple[int, int, str]] = {}
    for row, cells in read_tsv(path, OFFSET_COLUMNS, ("quote", "start", "end")):
        try:
            start, end = int(cells["start"]), int(cells["end"])
            occurrence = int(cells.get("occurrence") or 1)
        except ValueError:
            raise SheetError(path, "start, end and occurrence must be whole numbers (this file is written by `etiograph build`)", row) from None
        out[(cells["quote"], occurrence)] = (start, end, cells.get("exact", ""))
    return out


def offsets_text(offsets: Mapping[tuple[str, int], tuple[int, int, str]]) -> str:
    rows = [
        {"quote": q, "occurrence": n, "start": s, "end": e, "exact": x}
        for (q, n), (s, e, x) in sorted(offsets.items(), key=lambda item: (item[1][0], item[0]))
    ]
    return tsv_text(OFFSET_COLUMNS, rows)


SOURCE_KEYS = (
    "title",
    "kind",
    "format",
    "language",
    "description",
    "url",
    "licence",
    "retrieved",
    "retrieval_note",
    "text",
    "claim_id_prefix",
    "sections",
)


def read_yaml(path: Path) -> dict:
    yaml = _yaml()
    text = _decode(path)
    try:
        # libyaml's loader when PyYAML has it (~10x faster); the pure one says what is wrong, as before
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        data = _pure_yaml(yaml, path, text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SheetError(path, "expected `key: value` lines at the top level", 1)
    return data


#: PyYAML's pure reader's ``Reader.NON_PRINTABLE``: a character class spanning all of Unicode.
_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _yaml():
    """PyYAML, imported without compiling ``Reader.NON_PRINTABLE`` up front.

    ``yaml.reader`` compiles that pattern at import: ~18 ms, a fifteenth of ``etiograph build``'s cold
    start, for a pattern only the pure-Python reader uses (etiograph parses with libyaml, and falls back
    to the pure loader only to word an error). It is compiled on its first use instead.
    """
    import sys

    if "yaml" in sys.modules:
        return sys.modules["yaml"]
    import re

    compile_now = re.compile

    def compile_later(pattern, flags=0):
        if pattern == _NON_PRINTABLE and not flags:
            return _DeferredPattern(pattern)
        return compile_now(pattern, flags)

    re.compile = compile_later
    try:
        import yaml
    finally:
        re.compile = compile_now
    return yaml


class _DeferredPattern:
    """A regular expression compiled when first used (see :func:`_yaml`)."""

    def __init__(self, pattern: str) -> None:
        self._source = pattern
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:
        if self._compiled is None:
            import re

            self._compiled = re.compile(self._source)
        return getattr(self._compiled, name)


def _pure_yaml(yaml, path: Path, text: str) -> object:
    """Parse with PyYAML's pure-Python safe loader: its error names the problem and line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SheetError(path, f"invalid YAML: {problem}", mark.line + 1 if mark else None) from None


def _line_of(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def read_source(folder: Path) -> SourceSheet:
    """A source folder: ``source.yaml``, ``claims.tsv``, ``offsets.tsv`` if present, extra ``*.ttl``."""
    path = folder / "source.yaml"
    if not path.is_file():
        raise SheetError(folder, "not a source folder: source.yaml is missing (`etiograph new-source` makes one)")
    meta = read_yaml(path)
    for key in meta:
        if key not in SOURCE_KEYS:
            raise SheetError(path, f"unknown key {key!r}; known keys: " + ", ".join(SOURCE_KEYS), _line_of(path, str(key)))
    if not meta.get("title"):
        raise SheetError(path, "the source needs a title", _line_of(path, "title"))
    sections: list[Section] = []
    raw_sections = meta.get("sections") or []
    if not isinstance(raw_sections, list):
        raise SheetError(path, "sections must be a list of {key, title}", _line_of(path, "sections"))
    for item in raw_sections:
        if not isinstance(item, dict) or not item.get("key") or not item.get("title"):
            raise SheetError(path, f"each section needs a key and a title, found {item!r}", _line_of(path, "sections"))
        sections.append(Section(str(item["key"]), str(item["title"])))
    if len({s.key for s in sections}) != len(sections):
        raise SheetError(path, "two sections share a key", _line_of(path, "sections"))
    claims = folder / "claims.tsv"
    rows = read_claims(claims) if claims.is_file() else []
    extra = sorted(p for p in folder.glob("*.ttl"))
    return SourceSheet(
        id=folder.name,
        folder=folder,
        meta=meta,
        sections=sections,
        rows=rows,
        offsets=read_offsets(folder / "offsets.tsv"),
        extra_turtle=extra,
    )


def default_root() -> Path:
    """The bundled graph's sheet root (``graph/``): here rather than in :mod:`.build`, so ``check``
    finds it without importing the Turtle writer."""
    from .. import resources

    return resources.data_root() / "graph"


def is_sheet_folder(path: Path) -> bool:
    """A sheet root (``concepts.tsv`` or ``sources/``) or a single source folder (``source.yaml``)."""
    return path.is_dir() and (
        (path / "concepts.tsv").is_file() or (path / "sources").is_dir() or (path / "source.yaml").is_file()
    )


def read_workspace(folders: Sequence[Path]) -> Workspace:
    """Read sheet roots and source folders together, in the order given (concepts first to last)."""
    concepts: list[ConceptRow] = []
    sources: list[SourceSheet] = []
    dataset: dict = {}
    for folder in folders:
        if not folder.is_dir():
            raise SheetError(folder, "no such folder")
        if (folder / "source.yaml").is_file():
            source_folders = [folder]
        else:
            base = folder / "sources"
            source_folders = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        if (folder / "concepts.tsv").is_file():
            concepts += read_concepts(folder / "concepts.tsv")
        if (folder / "graph.yaml").is_file() and not dataset:
            dataset = read_yaml(folder / "graph.yaml")
        for sub in source_folders:
            sources.append(read_source(sub))
            if sub != folder and (sub / "concepts.tsv").is_file():  # concepts a source introduces
                concepts += read_concepts(sub / "concepts.tsv")
    ids = [s.id for s in sources]
    for source in sources:
        if ids.count(source.id) > 1:
            raise SheetError(source.folder, f"two source folders are named {source.id!r}: source ids must be unique")
    return Workspace(roots=list(folders), concepts=concepts, sources=sources, dataset=dataset)
