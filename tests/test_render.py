"""The terminal layout rules (etiograph.render.terminal), checked on any text hypothesis can think of."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiograph.render.terminal import join_wrapped, records, table, wrap

#: Hypothesis over terminal widths and texts (~4.6 s of CPU for the file): out of the edit-run lane.
pytestmark = pytest.mark.slow

# printable text with spaces and hyphens (what labels, CURIEs and quotes are made of), no line breaks
words = st.text(
    st.characters(categories=("L", "N", "P", "S"), exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    min_size=1,
    max_size=30,
)
cells = st.lists(words, min_size=0, max_size=6).map(" ".join)


def ink(text: str) -> Counter:
    """The characters that are not whitespace: wrapping may move them, never drop them."""
    return Counter(c for c in text if not c.isspace())


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(words, min_size=n, max_size=n),
            st.lists(st.lists(cells, min_size=n, max_size=n), max_size=5),
        )
    ),
    st.integers(20, 140),
)
def test_table_fits_the_width_and_keeps_every_character(shape, columns: int):
    headers, rows = shape
    out = "\n".join(table(headers, rows, columns))
    assert max(len(line) for line in out.splitlines()) <= columns
    assert not ink("".join(headers) + "".join(c for row in rows for c in row)) - ink(out)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cells, min_size=2, max_size=2), max_size=4))
def test_table_to_a_pipe_keeps_each_row_on_one_line(rows):
    out = table(["a", "b"], rows, None)
    assert len(out) == 2 + len(rows)


@settings(max_examples=200, deadline=None)
@given(cells, st.integers(10, 120), st.sampled_from(["", "  ", "  1 hop: "]))
def test_wrap_fits_and_keeps_every_character(text: str, columns: int, indent: str):
    lines = wrap(text, columns, indent, " " * len(indent))
    assert all(len(line) <= columns for line in lines)
    assert not ink(text) - ink("".join(lines))


@settings(max_examples=100, deadline=None)
@given(st.lists(cells.filter(bool), min_size=1, max_size=12), st.integers(30, 100))
def test_join_wrapped_breaks_only_between_items_that_fit(items, columns: int):
    lines = join_wrapped(items, columns, "  x: ", "     ")
    assert all(len(line) <= columns for line in lines)
    text = " ".join(line.strip() for line in lines)
    for item in items:
        if len(item) + 7 <= columns // 2:  # an item that fits a line is never split across two
            assert item in text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=3), st.integers(24, 100))
def test_records_fit_and_number_every_row(rows, columns: int):
    out = records(["subject", "predicate", "quote"], rows, columns)
    assert all(len(line) <= columns for line in out)
    assert sum(line.startswith("-[ ") for line in out) == len(rows)
