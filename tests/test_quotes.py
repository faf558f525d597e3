"""Quote fidelity: every quote of the graph stands verbatim in the article (etiograph.validation.quotes)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import rdflib
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from etiograph import resources
from etiograph.datafiles import graph_sources, read_rdflib
from etiograph.validation.quotes import QuoteProblem, check_quotes, count_quotes, normalise_whitespace
from etiograph.validation.report import validate

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
ETIO = rdflib.Namespace("https://w3id.org/etiograph/ontology#")
CLAIM = rdflib.URIRef("https://w3id.org/etiograph/kg/claim/fever--causes--dehydration")


@cache
def _article_text() -> str | None:
    path = resources.article_file()
    if path is None:
        return None
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def article_text() -> str:
    """The source article, or skip: it lives beside the checkout (../shared/source/), not in the wheel."""
    text = _article_text()
    if text is None:
        reason = "the article ../shared/source/can-a-uti-cause-leg-cramps.txt is not beside this checkout"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    return text


@pytest.fixture(scope="session")
def shipped_graph() -> rdflib.Graph:
    return read_rdflib(graph_sources())


def graph_with_quote(quote: str, start: int | None = None, end: int | None = None) -> rdflib.Graph:
    """A claim with one evidence: a quote selector and, given offsets, a position selector."""
    graph = rdflib.Graph()
    evidence, selector = rdflib.BNode(), rdflib.BNode()
    graph.add((CLAIM, ETIO.evidence, evidence))
    graph.add((evidence, rdflib.RDF.type, OA.SpecificResource))
    graph.add((evidence, OA.hasSelector, selector))
    graph.add((selector, rdflib.RDF.type, OA.TextQuoteSelector))
    graph.add((selector, OA.exact, rdflib.Literal(quote)))
    if start is not None and end is not None:
        position = rdflib.BNode()
        graph.add((evidence, OA.hasSelector, position))
        graph.add((position, rdflib.RDF.type, OA.TextPositionSelector))
        graph.add((position, OA.start, rdflib.Literal(start)))
        graph.add((position, OA.end, rdflib.Literal(end)))
    return graph


# --- the shipped graph ------------------------------------------------------------------------


@pytest.mark.slow
def test_every_shipped_quote_is_verbatim_in_the_article(shipped_graph: rdflib.Graph):
    problems = check_quotes(shipped_graph, article_text())
    assert problems == [], "\n".join(f"{p.subject}: {p.reason}: {p.quote!r}" for p in problems)
    assert count_quotes(shipped_graph) > 0


def test_validate_reports_all_quotes_verbatim():
    path = resources.article_file()
    article_text()  # skips when the article is absent
    report = validate(graph_sources(), article=path)
    assert report.conforms, report.text()
    assert report.quotes is not None and report.quotes > 0
    assert report.text().endswith(f"; all {report.quotes} quotes verbatim in the article")


def _first_quote(graph: rdflib.Graph) -> tuple[rdflib.term.Node, rdflib.Literal]:
    return min(graph.subject_objects(OA.exact), key=lambda pair: str(pair[1]))  # type: ignore[return-value]


def _owner(graph: rdflib.Graph, selector: rdflib.term.Node) -> str:
    resource = graph.value(predicate=OA.hasSelector, object=selector)
    return str(graph.value(predicate=ETIO.evidence, object=resource))


@pytest.mark.slow
def test_a_mutated_quote_is_reported(shipped_graph: rdflib.Graph):
    text = article_text()
    graph = rdflib.Graph() + shipped_graph
    selector, exact = _first_quote(graph)
    mutated = str(exact).replace(" ", " never ", 1)
    assert normalise_whitespace(mutated) not in normalise_whitespace(text)
    graph.set((selector, OA.exact, rdflib.Literal(mutated)))
    assert check_quotes(graph, text) == [
        QuoteProblem(_owner(graph, selector), mutated, "not in the article (whitespace-normalised)")
    ]


def test_validate_reports_a_mutated_quote(tmp_path: Path):
    text = article_text()
    quote = normalise_whitespace(text)[:40]
    data = tmp_path / "claims.ttl"
    data.write_text(
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix etio: <https://w3id.org/etiograph/ontology#> .\n"
        f"<{CLAIM}> etio:evidence [ a oa:SpecificResource ;\n"
        f'    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "X{quote}" ] ] .\n',
        encoding="utf-8",
    )
    report = validate([data], article=resources.article_file())
    assert not report.conforms
    assert [(p.kind, p.focus, p.path) for p in report.problems if p.kind == "quote"] == [
        ("quote", "claim:fever--causes--dehydration", "oa:exact")
    ]
    assert "not in the article" in report.text()


@pytest.mark.slow
def test_a_shifted_position_is_reported(shipped_graph: rdflib.Graph):
    text = article_text()
    graph = rdflib.Graph() + shipped_graph
    # a quote that stands once in the article, with its position beside it
    selector, exact = next((s, e) for s, e in sorted(graph.subject_objects(OA.exact)) if text.count(str(e)) == 1)
    resource = graph.value(predicate=OA.hasSelector, object=selector)
    position = next(s for s in graph.objects(resource, OA.hasSelector) if (s, OA.start, None) in graph)
    start, end = graph.value(position, OA.start).toPython(), graph.value(position, OA.end).toPython()
    graph.set((position, OA.start, rdflib.Literal(start + 1)))
    graph.set((position, OA.end, rdflib.Literal(end + 1)))
    [problem] = check_quotes(graph, text)
    assert problem.quote == str(exact)
    assert problem.reason.startswith(f"article_text[{start + 1}:{end + 1}] is ")
    assert f"oa:start {start} ; oa:end {end}" in problem.reason  # says where the quote really is


def test_a_position_outside_the_article_is_reported():
    text = "Fever can cause dehydration."
    [problem] = check_quotes(graph_with_quote(text, 0, len(text) + 5), text)
    assert "outside the article" in problem.reason


def test_whitespace_differences_are_not_problems():
    article = "Fever can\ncause  dehydration.\n"
    assert check_quotes(graph_with_quote("Fever can cause dehydration."), article) == []
    assert check_quotes(graph_with_quote(" Fever\tcan cause\n dehydration. "), article) == []
    assert check_quotes(graph_with_quote("Fever can cause dehydration"), "Fever cannot cause dehydration") != []


def test_an_empty_quote_is_reported():
    assert check_quotes(graph_with_quote("  "), "anything") == [QuoteProblem(str(CLAIM), "  ", "the quote is empty")]


# --- properties over the real article ---------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_any_substring_of_the_article_passes(data: st.DataObject):
    text = article_text()
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, min(len(text), start + 400)), label="end")
    raw = text[start:end]
    assume(normalise_whitespace(raw))
    assert check_quotes(graph_with_quote(raw, start, end), text) == []
    assert check_quotes(graph_with_quote(normalise_whitespace(raw)), text) == []


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_a_character_foreign_to_the_article_fails(data: st.DataObject):
    text = article_text()
    known = set(text)
    foreign = data.draw(
        st.characters(exclude_categories=("Cs",)).filter(lambda c: c not in known and not c.isspace()),
        label="foreign",
    )
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    piece = text[start : start + data.draw(st.integers(0, 200), label="length")]
    at = data.draw(st.integers(0, len(piece)), label="at")
    quote = piece[:at] + foreign + piece[at:]
    problems = check_quotes(graph_with_quote(quote), text)
    assert problems == [QuoteProblem(str(CLAIM), quote, "not in the article (whitespace-normalised)")]
