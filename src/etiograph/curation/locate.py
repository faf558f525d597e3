"""Find a quote in a source text: verbatim up to whitespace, offsets computed, ambiguity reported.

Offsets are Python string indices (Unicode code points), as ``oa:TextPositionSelector`` takes them
throughout the graph.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..records import record


@record(frozen=True)
class Located:
    start: int
    end: int
    exact: str  # the text's own characters between start and end
    count: int  # how many times the quote occurs in the text


@lru_cache(maxsize=65536)
def _pattern(quote: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


class TextIndex:
    """Where each whitespace-separated token pair starts, so a quote is verified at a few candidate
    places instead of scanning the whole text (10,000 quotes in a 500 kB text: milliseconds, not minutes)."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = []
        self.tokens: list[str] = []
        for m in re.finditer(r"\S+", text):
            self.starts.append(m.start())
            self.tokens.append(m.group(0))
        self.pairs: dict[tuple[str, str], list[int]] = {}
        self.firsts: dict[str, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.firsts.setdefault(token, []).append(i)
            if i + 1 < len(self.tokens):
                self.pairs.setdefault((token, self.tokens[i + 1]), []).append(i)

    def occurrences(self, quote: str) -> list[tuple[int, int]]:
        words = quote.split()
        if not words:
            return []
        k = len(words)
        candidates = self.pairs.get((words[0], words[1]), []) if k > 2 else self.firsts.get(words[0], [])
        found = []
        for i in candidates:  # whole tokens, except that the quote may stop inside its last token
            if i + k <= len(self.tokens) and self.tokens[i : i + k - 1] == words[:-1] and self.tokens[i + k - 1].startswith(words[-1]):
                found.append((self.starts[i], self.starts[i + k - 1] + len(words[-1])))
        if found:
            return found
        # a quote starting inside a token ("UTIs)" of "(UTIs)"): scan the whole text
        return [m.span() for m in _pattern(quote).finditer(self.text)]


@lru_cache(maxsize=8)
def _index(text: str) -> TextIndex:
    return TextIndex(text)


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` stands in ``text``, runs of whitespace matching any whitespace.

    >>> occurrences("Drink water.\\nDrink  water.", "Drink water.")
    [(0, 12), (13, 26)]
    >>> occurrences("infections (UTIs) are common", "UTIs) are")
    [(12, 21)]
    """
    if not quote.split():
        return []
    return _index(text).occurrences(quote)


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
