"""Property tests for the curation parsers: TSV round trips, quote location, the hedge rules."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiograph.curation import hedges
from etiograph.curation.locate import locate
from etiograph.curation.sheets import SheetError, read_tsv, tsv_text

#: Hypothesis over sheets, whitespace and sentences (~5 s of CPU for the file): out of the edit-run lane.
pytestmark = pytest.mark.slow

COLUMNS = ("subject", "predicate", "quote")
cell = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell).filter(any), min_size=1, max_size=5))
def test_tsv_round_trip(rows: list[tuple[str, str, str]]) -> None:
    """Whatever a cell holds (quotes, '|', unicode), writing then reading gives it back."""
    data = [dict(zip(COLUMNS, row)) for row in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.tsv"
        path.write_text(tsv_text(COLUMNS, data), encoding="utf-8")
        assert [cells for _, cells in read_tsv(path, COLUMNS)] == data


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_is_a_sheet_error_or_rows(data: bytes) -> None:
    """Any bytes: rows, or one SheetError naming the file — never another exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.tsv"
        path.write_bytes(b"subject\tpredicate\tquote\n" + data)
        try:
            for row, cells in read_tsv(path, COLUMNS):
                assert row >= 2 and set(cells) == set(COLUMNS)
        except SheetError as error:
            assert str(error).startswith(str(path))


words = st.lists(st.from_regex(r"[A-Za-z]{1,8}[.,]?", fullmatch=True), min_size=3, max_size=25)
spaces = st.lists(st.sampled_from([" ", "  ", "\n", "\t", " \n "]), min_size=25, max_size=25)


@settings(max_examples=200, deadline=None)
@given(words, spaces, st.data())
def test_locate_finds_a_slice_whatever_the_whitespace(ws: list[str], gaps: list[str], data: st.DataObject) -> None:
    text = "".join(w + g for w, g in zip(ws, gaps))
    i = data.draw(st.integers(0, len(ws) - 1))
    j = data.draw(st.integers(i + 1, len(ws)))
    quote = " ".join(ws[i:j])
    found = locate(text, quote)
    assert found is not None
    assert " ".join(text[found.start : found.end].split()) == quote
    assert found.start <= sum(len(w) + len(g) for w, g in zip(ws[:i], gaps[:i]))


hedge_words = st.sampled_from(
    ["can", "may", "might", "often", "sometimes", "rarely", "linked to", "associated with", "usually linked to",
     "less common", "occasionally", "should", "if", "fever", "causes", "leg", "cramps", "the", "and", "Drink"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(hedge_words, min_size=1, max_size=12))
def test_a_derived_certainty_never_contradicts_its_own_sentence(parts: list[str]) -> None:
    sentence = " ".join(parts) + "."
    level = hedges.derive(sentence)
    assert level in hedges.RANKS
    finding = hedges.judge(level, sentence)
    assert finding is None or finding.severity == "warning"


def test_hedge_table_examples() -> None:
    assert hedges.derive("Kidney infections might be more strongly linked with leg cramps.") == "linked"
    assert hedges.derive("Cramps if low calcium delays relaxation.") == "may"
    assert hedges.derive("In some cases, antibiotics cause cramps.") == "sometimes"
    assert hedges.judge("can", "In some cases, antibiotics cause cramps.").severity == "error"
    assert hedges.judge("recommended", "Drink plenty of water.") is None



@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("title: a\nnote: bell \x07 here\n", "invalid YAML: unacceptable character #x0007: special characters", None),
        ("title: [unclosed\n", "invalid YAML: expected ',' or ']'", 2),
    ],
)
def test_bad_yaml_is_one_sheet_error(tmp_path: Path, text: str, message: str, line: int | None) -> None:
    """The pure loader words YAML errors; its non-printable check (a pattern compiled on first use, see
    ``sheets._yaml``) still refuses control characters."""
    import yaml

    from etiograph.curation.sheets import read_yaml

    path = tmp_path / "source.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SheetError, match=message) as error:
        read_yaml(path)
    assert error.value.line == line
    assert yaml.reader.Reader.NON_PRINTABLE.search("ok \x07").start() == 3
    path.write_text("title: fine\n", encoding="utf-8")
    assert read_yaml(path) == {"title": "fine"}
