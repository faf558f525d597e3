"""Many strings in one blob with offsets: what the causal index keeps instead of Python strings.

Why: a Python ``str`` costs ~50 bytes of overhead and a dict entry ~100 more; a million IRIs or quotes
as one UTF-8 blob plus a 4-byte offset each cost their bytes and 4. The blob may be a ``bytes`` object
or a memory-mapped file (slicing either gives ``bytes``), so a saved index is used without reading it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

#: Integer arrays use a 4-byte type: up to 4 billion items.
INT = next(code for code in "IL" if array(code).itemsize == 4)


class StringTable(Sequence[bytes]):
    """``table[i]`` is string ``i`` as UTF-8 bytes, ``table.text(i)`` as ``str``.

    ``blob[base + offsets[i] : base + offsets[i + 1]]`` holds it: ``base`` lets the strings sit inside
    a larger buffer (the index file) without a copy.
    """

    def __init__(self, blob, offsets: Sequence[int], base: int = 0):
        self.blob = blob
        self.offsets = offsets
        self.base = base

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> StringTable:
        offsets = array(INT, [0])
        parts = []
        position = 0
        for text in strings:
            data = text.encode("utf-8")
            parts.append(data)
            position += len(data)
            offsets.append(position)
        return cls(b"".join(parts), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):  # type: ignore[override]
        base = self.base
        return self.blob[base + self.offsets[i] : base + self.offsets[i + 1]]

    def text(self, i: int) -> str:
        base = self.base
        return self.blob[base + self.offsets[i] : base + self.offsets[i + 1]].decode("utf-8")

    def data(self) -> bytes:
        """The strings' bytes (a copy when the table lives in a larger buffer)."""
        return bytes(self.blob[self.base : self.base + self.offsets[-1]])

    @property
    def nbytes(self) -> int:
        return self.offsets[-1] + len(self.offsets) * 4

    def find(self, text: str) -> int | None:
        """The position of ``text`` in a table sorted by UTF-8 bytes (code point order), or None."""
        key = text.encode("utf-8")
        i = bisect_left(self, key)
        return i if i < len(self) and self[i] == key else None
