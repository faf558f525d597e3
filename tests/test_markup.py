"""``etiograph.markup.escape`` is :func:`html.escape` (kept apart so that pages need not import ``html``)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from etiograph.markup import escape


@given(st.text(), st.booleans())
def test_markup_escape_is_htmls(text: str, quote: bool) -> None:
    assert escape(text, quote) == html.escape(text, quote)
