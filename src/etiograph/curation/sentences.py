"""Split a source text into sentences with their character offsets (pysbd, a maintained rule-based
sentence boundary detector), so coverage and drafting can point at exact spans.

Each line is split on its own: in plain-text articles a line is a heading, a paragraph, a list item
or a table row, and none of these should run into the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
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
    out: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            for span in _segmenter().segment(line):
                piece = line[span.start : span.end]
                stripped = piece.strip()
                if stripped:
                    lead = len(piece) - len(piece.lstrip())
                    start = offset + span.start + lead
                    out.append(Sentence(start, start + len(stripped), stripped))
        offset += len(line)
    return out
