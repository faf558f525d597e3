"""Split a source text into sentences with their character offsets (pysbd, a maintained rule-based
sentence boundary detector), so coverage and drafting can point at exact spans.

Each line is split on its own: in plain-text articles a line is a heading, a paragraph, a list item
or a table row, and none of these should run into the next.

pysbd costs ~0.15 s per article (its import and a few hundred regular expressions per line), half of
``etiograph check``'s cold start, and an article rarely changes between runs. So the boundaries are
kept in the user's cache folder, keyed by the text's SHA-256 and pysbd's version: a cached answer is
pysbd's own answer for that exact text, never an approximation of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from ..records import record

#: Bump when ``_pysbd_spans`` changes what it returns for a text, so older cache entries are not read.
CACHE_FORMAT = "1"


@record(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@cache
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order, trimmed of surrounding whitespace.

    >>> [s.text for s in split("Heading\\nFever causes sweating. Drink water!\\n")]
    ['Heading', 'Fever causes sweating.', 'Drink water!']
    >>> s = split("A.\\nThe kidney is here. It hurts.")[2]
    >>> (s.start, s.end, s.text)
    (23, 32, 'It hurts.')
    """
    entry = _cache_entry(text)
    spans = _read_cached(entry, len(text)) if entry else None
    if spans is None:
        spans = _pysbd_spans(text)
        if entry:
            _write_cached(entry, spans)
    return [Sentence(start, end, text[start:end]) for start, end in spans]


def split_uncached(text: str) -> list[Sentence]:
    """``split`` computed by pysbd every time (the reference the cache is tested against)."""
    return [Sentence(start, end, text[start:end]) for start, end in _pysbd_spans(text)]


def _pysbd_spans(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            for span in _segmenter().segment(line):
                piece = line[span.start : span.end]
                stripped = piece.strip()
                if stripped:
                    start = offset + span.start + len(piece) - len(piece.lstrip())
                    out.append((start, start + len(stripped)))
        offset += len(line)
    return out


# -- the cache ------------------------------------------------------------------------------------
def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "etiograph" / "sentences"


def _cache_entry(text: str) -> Path | None:
    """The cache file for ``text`` under the installed pysbd, or None when pysbd's version is unknown."""
    version = _pysbd_version()
    if version is None:
        return None
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{version}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return cache_folder() / f"{digest.hexdigest()[:40]}.json"


@cache
def _pysbd_version() -> str | None:
    """pysbd's version, read from its ``about.py`` without importing pysbd (the import is what we save)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("pysbd")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    about = Path(next(iter(spec.submodule_search_locations))) / "about.py"
    try:
        found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", about.read_text(encoding="utf-8"))
    except OSError:
        return None
    return f"{found.group(1)}:{about.parent}" if found else None


def _read_cached(entry: Path, length: int) -> list[tuple[int, int]] | None:
    """The spans kept in ``entry``; None when absent or not a well-formed answer for a text this long."""
    try:
        data = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, list):
        return None
    spans: list[tuple[int, int]] = []
    previous = 0
    for item in data:
        if not (isinstance(item, list) and len(item) == 2 and all(type(v) is int for v in item)):
            return None
        start, end = item
        if not previous <= start < end <= length:
            return None
        spans.append((start, end))
        previous = end
    return spans


def _write_cached(entry: Path, spans: list[tuple[int, int]]) -> None:
    """Keep the answer for next time; a cache that cannot be written only costs the next run time."""
    from ..atomic import OutputError, write_bytes_atomic

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(entry, json.dumps(spans, separators=(",", ":")).encode())
    except (OSError, OutputError):
        pass
