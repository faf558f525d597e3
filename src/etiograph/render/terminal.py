"""Fit text to a terminal: how wide it is, wrapped paragraphs, tables that wrap cells, record views.

Rules every command follows:

* Width is ``$COLUMNS`` when set, else the terminal's when standard output is one. Output to a
  pipe or a file is not wrapped at all (``None``): plain, complete, one row per line, for grep.
* Nothing the user asked for is cut: long cells wrap inside their column; when the columns cannot
  get a readable width, the table turns into a record view (one ``name  value`` block per row).
* No line is wider than the width: words longer than a line (IRIs) are broken.

Standard library only (``textwrap``), so ``etiograph paths`` starts fast.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from collections.abc import Sequence
from typing import TextIO

#: Column gap.
GAP = "  "


def width(stream: TextIO | None = None) -> int | None:
    """Columns to fit: ``$COLUMNS``, else the terminal's; None (do not wrap) for a pipe or a file.

    >>> import os; os.environ["COLUMNS"] = "72"; width()
    72
    >>> del os.environ["COLUMNS"]
    """
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    stream = stream or sys.stdout
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        pass
    return None


def wrap(text: str, columns: int | None, indent: str = "", hang: str | None = None) -> list[str]:
    """``text`` as lines of at most ``columns`` characters, the first indented by ``indent``, the rest by ``hang``.

    >>> wrap("a b c d e f", 5, hang="  ")
    ['a b c', '  d e', '  f']
    >>> wrap("a b c", None, indent="> ")
    ['> a b c']
    """
    hang = indent if hang is None else hang
    if columns is None:
        return [indent + text]
    if len(hang) > columns // 2:  # a deep indent on a narrow terminal: keep room for the text
        hang = hang[: columns // 4]
    if len(indent) > columns // 2 and indent.strip():  # a long lead-in ("Hubs (...): "): a line of its own
        return wrap(indent.strip(), columns, "", hang) + wrap(text, columns, hang, hang)
    lines = textwrap.wrap(
        text,
        width=max(columns, len(indent) + 1),
        initial_indent=indent,
        subsequent_indent=hang,
        break_on_hyphens=False,
    ) or [indent.rstrip()]
    out: list[str] = []
    for line in lines:  # an indent wider than the terminal: break what still overflows
        while len(line) > columns:
            out.append(line[:columns])
            line = hang + line[columns:]
        out.append(line)
    return out


def join_wrapped(items: Sequence[str], columns: int | None, indent: str, hang: str, sep: str = ", ") -> list[str]:
    """A list as wrapped text that breaks only between items (each item kept whole when it fits a line).

    >>> join_wrapped(["alpha", "beta", "gamma delta"], 18, "  x: ", "     ")
    ['  x: alpha, beta,', '     gamma delta']
    >>> join_wrapped(["alpha", "beta", "gamma delta epsilon"], 18, "  x: ", "     ")
    ['  x: alpha, beta,', '     gamma delta', '     epsilon']
    """
    room = (columns or 0) - len(hang) - len(sep)
    # textwrap breaks only at ASCII whitespace: glue each item that fits on a line, so it stays whole
    glued = [item.replace(" ", "\u00a0") if columns is None or len(item) <= room else item for item in items]
    return [line.replace("\u00a0", " ") for line in wrap(sep.join(glued), columns, indent, hang)]


def _column_widths(natural: list[int], comfortable: list[int], room: int) -> list[int] | None:
    """Widths that sum to at most ``room``, or None when the columns cannot all get a readable width.

    Narrow columns keep their width; each column gets at least its ``comfortable`` width (no word
    broken, room for a few words); what is left goes one character at a time to the column
    missing the largest share of its width, so every wrapped column is cut by about as much.
    """
    if sum(natural) <= room:
        return natural
    if sum(comfortable) > room:
        return None
    widths = list(comfortable)
    for _ in range(room - sum(widths)):
        i = max(range(len(widths)), key=lambda i: ((natural[i] - widths[i]) / natural[i], -i))
        if natural[i] == widths[i]:
            break
        widths[i] += 1
    return widths


def _comfortable(texts: list[str], natural: int) -> int:
    """The width under which a column reads badly: its longest word (up to 24), and at least 16 characters."""
    longest_word = max((len(w) for t in texts for w in re.split(r"[\s-]+", t)), default=0)
    return min(natural, max(min(longest_word, 24), 16))


def table(
    headers: Sequence[str] | None, rows: Sequence[Sequence[str]], columns: int | None, *, whole: Sequence[int] = ()
) -> list[str]:
    """An aligned table fitted to ``columns``: long cells wrap; too many wide columns become records.
    Columns in ``whole`` (names a user types, such as query names) are never broken.

    >>> print("\\n".join(table(["name", "says"], [["fever", "a b c d e f g h i j k l"]], 24)))
    name   says
    -----  -----------------
    fever  a b c d e f g h i
           j k l
    >>> print("\\n".join(table(["name", "says"], [["fever", "a b c d e f g h i j k l"]], 20)))
    -[ 1 ]--------------
    name  fever
    says  a b c d e f g
          h i j k l
    >>> print("\\n".join(table(None, [["counteracting-interventions", "what counteracts a step, one at a time"]], 50, whole=[0])))
    counteracting-interventions  what counteracts a
                                 step, one at a time
    >>> print("\\n".join(table(["a"], [["x"]], None)))
    a
    -
    x
    """
    n = len(headers) if headers is not None else max((len(r) for r in rows), default=0)
    if n == 0:
        return []
    cells = [[str(c) for c in row] + [""] * (n - len(row)) for row in rows]
    head = list(headers) if headers is not None else None
    natural = [max([len(c[i]) for c in cells] + ([len(head[i])] if head else [0])) for i in range(n)]
    natural = [max(w, 1) for w in natural]
    if columns is None:
        widths: list[int] | None = natural
    else:
        room = columns - len(GAP) * (n - 1)
        comfortable = [
            natural[i] if i in whole else _comfortable([c[i] for c in cells] + (head[i : i + 1] if head else []), natural[i])
            for i in range(n)
        ]
        widths = _column_widths(natural, comfortable, room)
        if widths is None and not cells:
            return wrap(GAP.join(head or []), columns)
        if widths is None:
            return records(head or [f"column {i + 1}" for i in range(n)], rows, columns)
    lines: list[str] = []
    if head:
        lines += _row_lines(head, widths)
        lines.append(GAP.join("-" * w for w in widths))
    rendered = [_row_lines(row, widths) for row in cells]
    spaced = sum(len(r) > 1 for r in rendered) * 4 > len(rendered)  # many rows wrap: a blank line between rows
    for i, row_lines in enumerate(rendered):
        if spaced and i:
            lines.append("")
        lines += row_lines
    return lines


def _row_lines(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    wrapped = [_cell(c, w) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    out = []
    for k in range(height):
        parts = [(w[k] if k < len(w) else "").ljust(wd) for w, wd in zip(wrapped, widths)]
        out.append(GAP.join(parts).rstrip())
    return out


def _cell(text: str, column: int) -> list[str]:
    if len(text) <= column and "\n" not in text:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, width=column) or [""]  # breaks after hyphens too: claim CURIEs
    return lines


def records(headers: Sequence[str], rows: Sequence[Sequence[str]], columns: int | None) -> list[str]:
    """One block per row, ``name  value`` per line, values wrapped beside the names (like psql's ``\\x``).

    >>> print("\\n".join(records(["subject", "quote"], [["fever", "one two three four"]], 22)))
    -[ 1 ]----------------
    subject  fever
    quote    one two three
             four
    """
    key = max((len(h) for h in headers), default=0)
    rule_width = columns if columns is not None else 24
    lines: list[str] = []
    for number, row in enumerate(rows, 1):
        label = f"-[ {number} ]"
        lines.append(label + "-" * max(rule_width - len(label), 0))
        for name, value in zip(headers, row):
            lines += wrap(str(value), columns, indent=name.ljust(key) + GAP, hang=" " * (key + len(GAP)))
    return lines
