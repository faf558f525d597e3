"""Engine messages → messages for people: the one place that turns parse errors into user errors with positions.

pyoxigraph's syntax errors list every token the parser could have accepted, Unicode character classes
included (four lines of ``'\\u{3001}'..='\\u{D7FF}'``). Users need the position and a few words.
Data files (Turtle: :func:`turtle_syntax_error`), queries on pyoxigraph (:func:`query_syntax_error`),
on rdflib (:func:`rdflib_syntax_error`) and in the endpoint's gate (:func:`sparql_syntax_message`) all
say ``file:line`` or ``line L, column C`` the same way; :func:`shift_lines` and :func:`with_caret`
place a position in the user's own text.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import DataError, QueryError

_PYOX_POSITION = re.compile(r"line (\d+) column (\d+)")
_CLASS_MARKS = ("[", "]", "|", "..=", "\\u{")


def tidy_engine_message(message: str, most: int = 12) -> str:
    """Keep the words of an "expected one of …" list, or the one sentence that says what is wrong.

    >>> tidy_engine_message("SPARQL syntax error at line 1, column 9: expected one of IF, TZ, The SELECT "
    ...     "contains a variable that is unbound, ['0' ..= '9'], [_]")
    'SPARQL syntax error at line 1, column 9: The SELECT contains a variable that is unbound'
    >>> tidy_engine_message("error at 1:26: expected one of \\",\\", \\".\\", \\"}\\", ['A' ..= 'Z'\\n| 'a' ..= 'z'], [_]")
    'error at 1:26: expected one of ",", ".", "}", …'
    """
    message = " ".join(message.split())  # one line, whatever the engine wrote
    head, found, rest = message.partition("expected one of ")
    if not found:
        return message if len(message) <= 400 else message[:399] + "…"
    items = _split_items(rest)
    words = [item for item in items if item and not any(mark in item for mark in _CLASS_MARKS) and item != "[_]"]
    sentences = [word for word in words if " " in word and word[:1].isupper()]
    if sentences:
        return head + sentences[0]
    classes = any(any(mark in item for mark in _CLASS_MARKS) and item != "[_]" for item in items)
    shown = ", ".join(words[:most]) + (", …" if len(words) > most else "")
    if classes:
        shown = f"{shown}, …" if shown else "unexpected text"
    return head + (f"expected one of {shown}" if shown else "unexpected text")


def _split_items(text: str) -> list[str]:
    """Split on commas that are not inside quotes or brackets."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    escaped = False
    for char in text:
        if quote:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    items.append("".join(current).strip())
    return items


def turtle_syntax_error(path: Path, error: SyntaxError) -> DataError:
    """Turn a pyoxigraph parse error into a DataError naming file, line and column (1-based)."""
    message = str(error.args[0]) if error.args else str(error)
    line = column = None
    if len(error.args) > 1 and isinstance(error.args[1], tuple) and len(error.args[1]) >= 3:
        line, column = error.args[1][1], error.args[1][2]
    else:
        found = _PYOX_POSITION.search(message)
        if found:
            line, column = int(found.group(1)), int(found.group(2))
    message = re.sub(r"^Parser error (between|at) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    return DataError(path, f"invalid Turtle: {message}", line, column)


def sparql_syntax_message(what: str, line: int | None = None, column: int | None = None) -> str:
    """How every engine's SPARQL syntax error reads: the position first (when known), then what is wrong.

    >>> sparql_syntax_message("expected one of ...", 1, 9)
    'SPARQL syntax error at line 1, column 9: expected one of ...'
    """
    where = f"line {line}, column {column}: " if line else ""
    return f"SPARQL syntax error at {where}{what}"


def query_syntax_error(error: SyntaxError) -> QueryError:
    """pyoxigraph says ``error at 3:14: expected ...``: keep the position as line and column."""
    message = str(error.args[0]) if error.args else str(error)
    found = re.search(r"error at (\d+):(\d+)", message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    text = tidy_engine_message(re.sub(r"^error at \d+:\d+: ", "", message))
    return QueryError(sparql_syntax_message(text, line, column), line, column)


def rdflib_syntax_error(sparql: str, error: Exception) -> QueryError:
    """rdflib's parser (pyparsing) gives ``lineno`` and ``col``."""
    line = getattr(error, "lineno", None)
    column = getattr(error, "col", None)
    return QueryError(sparql_syntax_message(str(getattr(error, "msg", error)), line, column), line, column)


def shift_lines(error: QueryError, lines: int) -> QueryError:
    """Report a syntax error's line in the user's text, not in the prologue we prepended."""
    if error.line is None or error.line <= lines:
        return error
    line = error.line - lines
    message = str(error).replace(f"line {error.line},", f"line {line},", 1)
    return QueryError(message, line, error.column)


def with_caret(message: str, text: str, line: int | None, column: int | None) -> str:
    """The message, then the offending line and a caret under the column (when it is short).

    >>> print(with_caret("SPARQL syntax error at line 1, column 10: oops", "SELECT * WHERE", 1, 10))
    SPARQL syntax error at line 1, column 10: oops
      SELECT * WHERE
               ^
    """
    if not line or not column:
        return message
    lines = text.split("\n")
    if line > len(lines) or len(lines[line - 1]) > 200:
        return message
    return f"{message}\n  {lines[line - 1]}\n  {' ' * (column - 1)}^"
