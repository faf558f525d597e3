"""Engine messages → messages for people: one place that knows how pyoxigraph words its errors.

pyoxigraph's syntax errors list every token the parser could have accepted, Unicode character classes
included (four lines of ``'\\u{3001}'..='\\u{D7FF}'``). Users need the position and a few words.
"""

from __future__ import annotations

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
