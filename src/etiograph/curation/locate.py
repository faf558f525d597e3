"""Find a quote in a source text: verbatim up to whitespace, offsets computed, ambiguity reported.

Offsets are Python string indices (Unicode code points), as ``oa:TextPositionSelector`` takes them
throughout the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    exact: str  # the text's own characters between start and end
    count: int  # how many times the quote occurs in the text


@lru_cache(maxsize=65536)
def _pattern(quote: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` stands in ``text``, runs of whitespace matching any whitespace.

    >>> occurrences("Drink water.\\nDrink  water.", "Drink water.")
    [(0, 12), (13, 26)]
    """
    if not quote.split():
        return []
    return [m.span() for m in _pattern(quote).finditer(text)]


def locate(text: str, quote: str, occurrence: int | None = None) -> Located | None:
    """Where the quote stands (its ``occurrence``-th place, 1-based; the first by default), or None."""
    found = occurrences(text, quote)
    if not found:
        return None
    index = (occurrence or 1) - 1
    if index >= len(found):
        return None
    start, end = found[index]
    return Located(start, end, text[start:end], len(found))


def read_text(path) -> str:
    """A source text as the graph's offsets count it (UTF-8, newlines kept as they are)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()
