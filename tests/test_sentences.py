"""Sentence boundaries kept in the cache folder are pysbd's own: the same spans, read back, for the article,
the curation fixtures and hypothesis text; a damaged or foreign cache entry is never believed."""

from __future__ import annotations

from pathlib import Path

import data
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etiograph.curation import sentences
from etiograph.curation.sentences import split, split_uncached

FIXTURES = sorted((Path(__file__).parent / "data" / "curation").glob("*/*.yaml"))


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return sentences.cache_folder()


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_article_cached_equals_pysbd(private_cache: Path) -> None:
    if not data.ARTICLE.is_file():
        pytest.skip(f"the article {data.ARTICLE} is not beside this checkout")
    text = data.ARTICLE.read_text(encoding="utf-8")
    reference = split_uncached(text)
    assert len(reference) > 100
    assert split(text) == reference  # computed, then kept
    [entry] = entries(private_cache)
    assert split(text) == reference  # read back
    assert entries(private_cache) == [entry]


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.stem}" for p in FIXTURES])
def test_fixture_articles_cached_equal_pysbd(path: Path) -> None:
    text = yaml.safe_load(path.read_text(encoding="utf-8")).get("article") or ""
    reference = split_uncached(text)
    assert split(text) == reference
    assert split(text) == reference


# Text with the things that move sentence boundaries: abbreviations, numbers, quotes, brackets, ellipses,
# line breaks, non-ASCII letters and whitespace.
_PIECES = st.sampled_from(
    ["Fever", "causes", "sweating", "Dr.", "e.g.", "U.S.", "3.5", "mg", "(", ")", '"', "'", "...", "?", "!", ".",
     ",", ";", ":", " ", " ", " ", "\n", "\n\n", "\t", "é", "Ω", "UTIs", "i.e.", "No.", "1.", "a", "vs."]
)  # fmt: skip


@pytest.mark.slow  # pysbd on 60 texts, twice each
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40).map("".join))
def test_hypothesis_text_cached_equals_pysbd(text: str) -> None:
    reference = split_uncached(text)
    assert split(text) == reference
    assert split(text) == reference
    for sentence in reference:
        assert text[sentence.start : sentence.end] == sentence.text == sentence.text.strip() != ""


def test_a_damaged_entry_is_recomputed_and_replaced(private_cache: Path) -> None:
    text = "Fever causes sweating. Sweating drains water.\nDrink water!\n"
    reference = split(text)
    [entry] = entries(private_cache)
    for damage in (b"", b"{", b"{}", b"[[0, 9999]]", b'[["0", 5]]', b"[[5, 2]]", b"[[0, 5], [3, 9]]", b"[[0, 5, 6]]"):
        entry.write_bytes(damage)
        assert split(text) == reference, damage
        assert entry.read_bytes() != damage


def test_an_entry_answers_only_for_its_own_text(private_cache: Path) -> None:
    one, other = "Fever causes sweating. Drink water.", "Fever causes sweating; drink water."
    split(one)
    split(other)
    assert len(entries(private_cache)) == 2
    assert [s.text for s in split(other)] == [s.text for s in split_uncached(other)]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    text = "Fever causes sweating. Drink water."
    assert split(text) == split_uncached(text)
