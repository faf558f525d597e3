"""Diagram pages without a browser: self-contained, faithful to kg.paths, styled, escaped, linked.

The browser-side checks (rendering, tooltips, no script running) are in test_viz_browser.py.
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import data
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiograph import KnowledgeGraph
from etiograph.causal.source import EdgeFilter
from etiograph.errors import EtiographError, UnknownConceptError
from etiograph.viz import build_diagram, diagram_html, diagram_iframe, style, write_gallery
from etiograph.viz.layout import layered_layout
from etiograph.viz.model import all_evidence
from etiograph.viz.page import vis_assets

QUESTION = ("UTI", "leg cramps")
DATA_BLOCK = re.compile(r'<script type="application/json" class="etiograph-data">(.*?)</script>', re.S)

# A user's --data file that tries to inject markup through every text the page shows: labels,
# alt labels, definitions, quotes, the dataset title. None of it may reach the DOM as markup.
EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_TTL = """\
@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/evil/> .

ex: a void:Dataset ; dcterms:title "<script>window.__xss = 'title'</script>"@en .
ex:img a etio:SignOrSymptom, skos:Concept ;
    skos:prefLabel "<img src=x onerror=alert(1)>"@en ;
    skos:altLabel "</script><script>window.__xss = 'alt'</script>"@en ;
    skos:definition "\\"><svg onload=\\"window.__xss = 'definition'\\">"@en ;
    skos:exactMatch <https://example.org/evil/id?a=1&b=2> .
ex:cramp a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "cramp & <b>pain</b>"@en .
ex:water a etio:Intervention, skos:Concept ; skos:prefLabel "water <i onmouseover=alert(3)>"@en .
ex:img etio:causes ex:cramp .
ex:water etio:prevents ex:cramp .
ex:claim-1 a etio:CausalClaim ; rdf:subject ex:img ; rdf:predicate etio:causes ; rdf:object ex:cramp ;
    etio:certainty cert:may ; etio:mechanism mech:inflammation ;
    etio:evidence [ oa:hasSelector [ oa:exact "It <script>window.__xss = 'quote'</script> & <img src=y onerror=alert(2)> says so." ] ] .
ex:claim-2 a etio:CounteractingClaim ; rdf:subject ex:water ; rdf:predicate etio:prevents ; rdf:object ex:cramp ;
    etio:certainty cert:can ; etio:mechanism mech:lifestyle .
"""
MARKUP_THAT_MUST_NOT_APPEAR = (
    "<img src=x onerror",
    "<img src=y onerror",
    "<script>window.__xss",
    "<svg onload",
    "<b>pain",
    "<i onmouseover",
)


class Tags(HTMLParser):
    """Every element the browser's parser would create (script and style bodies are text to it too)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.names: list[str] = []
        self.links: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.append(tag)
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


#: The elements a page may contain: no img, b, i, iframe or object, whatever the data says.
PAGE_ELEMENTS = {
    *("html", "head", "meta", "title", "style", "script", "body", "div", "header", "h1", "h2", "h3", "p", "nav", "a"),
    *("aside", "section", "ul", "ol", "li", "span", "noscript", "main", "button", "strong", "q", "figure"),
    *("template", "code", "details", "summary"),
    *("svg", "g", "rect", "path", "polygon", "circle", "line", "text", "tspan"),
}


def page_data(page: str) -> dict:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def links(payload: dict) -> list[dict]:
    """The page's links: one edge each (a long one carries its lane points, ``route``)."""
    return payload["edges"]


def edge_pairs(payload: dict) -> set[tuple[str, str]]:
    return {(e.get("origin", e["from"]), e["to"]) for e in links(payload)}


def concepts(payload: dict) -> list[dict]:
    return [n for n in payload["nodes"] if not n.get("waypoint")]


@pytest.fixture(scope="module")
def classroom(kg: KnowledgeGraph) -> str:
    return diagram_html(kg, *QUESTION)


@pytest.fixture(scope="module")
def everything(kg: KnowledgeGraph) -> str:
    """Every concept in one drawing (``--all`` without concepts)."""
    return diagram_html(kg, whole=True)


@pytest.fixture(scope="module")
def overview(kg: KnowledgeGraph) -> str:
    """The overview by mechanism: what ``etiograph viz`` and serve's /diagram show."""
    return diagram_html(kg)


@pytest.fixture(scope="module")
def evil_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evil") / "evil.ttl"
    path.write_text(EVIL_TTL, encoding="utf-8")
    stamp = datetime(2024, 3, 5, 12, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture(scope="module")
def evil_kg(evil_file: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[evil_file])


# -- self-contained and offline ------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", ["classroom", "everything", "overview"])
def test_page_needs_no_network(name: str, request: pytest.FixtureRequest) -> None:
    page = request.getfixturevalue(name)
    assert not re.search(r"""\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "@import" not in page
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"<iframe\b", page, re.I)
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", page):
        assert url.startswith("data:"), url
    vis_js, vis_css = vis_assets()
    assert "@version 9.1.2" in vis_js
    assert vis_js in page and vis_css in page  # inlined whole, from pyvis's package files
    tags = Tags(page)
    # vis-network, the data block, the runtime; the overview: those two, its own script, one data
    # block per mechanism (in templates): nothing else
    expected = 3 if name != "overview" else 3 + len(DATA_BLOCK.findall(page))
    assert tags.names.count("script") == expected
    assert set(tags.names) <= PAGE_ELEMENTS


def test_page_is_a_complete_document(classroom: str) -> None:
    assert classroom.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in classroom
    assert "<title>How can a urinary tract infection lead to leg cramps?</title>" in classroom


def test_pages_are_deterministic(kg: KnowledgeGraph, classroom: str) -> None:
    assert diagram_html(kg, *QUESTION) == classroom


# -- faithful to the query layer -----------------------------------------------------------------------
def test_counts_match_kg_paths(kg: KnowledgeGraph, classroom: str) -> None:
    result = kg.paths(*QUESTION)
    payload = page_data(classroom)
    assert {n["id"] for n in concepts(payload)} == {n for p in result.paths for n in p.nodes}
    assert edge_pairs(payload) == {(h.subject, h.object) for p in result.paths for h in p.hops}
    assert len(links(payload)) == len(edge_pairs(payload))
    assert payload["totalPaths"] == result.total == len(payload["paths"])
    listed = {tuple(payload["info"]["nodes"][n]["label"] for n in p["nodes"]) for p in payload["paths"]}
    assert listed == {p.labels for p in result.paths}  # every path listed, most informative first
    assert (payload["source"], payload["target"]) == (data.UTI, data.LEG_CRAMPS)
    assert f"{result.total} causal paths from urinary tract infection to leg cramps" in classroom


@pytest.mark.parametrize(
    "names",
    [
        ("kidney infection", "leg cramps"),
        ("kg:pyelonephritis", "kg:leg-cramps"),
        ("https://w3id.org/etiograph/kg/pyelonephritis", "LEG CRAMPS"),
    ],
)
def test_concepts_resolve_like_everywhere(kg: KnowledgeGraph, names: tuple[str, str]) -> None:
    diagram = build_diagram(kg, *names, max_hops=3)
    result = kg.paths("pyelonephritis", "leg cramps", max_hops=3)
    assert {(link.source, link.target) for link in diagram.links} == {
        (h.subject, h.object) for p in result.paths for h in p.hops
    }
    assert diagram.total_paths == result.total > 0


def test_whole_graph_has_every_causal_and_counteracting_link(kg: KnowledgeGraph, everything: str) -> None:
    rows = kg.query(
        """SELECT DISTINCT ?s ?o ?counter WHERE {
             ?s ?p ?o . ?p rdfs:subPropertyOf* ?top .
             VALUES ?top { etio:causesOrContributesTo etio:counteracts }
             BIND(?top = etio:counteracts AS ?counter) FILTER(isIRI(?o)) }"""
    )
    expected = {(s.value, o.value, c.value == "true") for s, o, c in rows}
    payload = page_data(everything)
    drawn = {
        (e.get("origin", e["from"]), e["to"], payload["info"]["edges"][e["id"]]["counteracting"])
        for e in links(payload)
    }
    assert drawn == expected
    assert {n["id"] for n in concepts(payload)} == {n for s, o, _ in expected for n in (s, o)}


def test_long_links_reach_the_page_as_one_edge_through_their_lanes(kg: KnowledgeGraph, everything: str) -> None:
    """The page hands vis-network the concepts and one edge per link: a long link carries the lane
    points the layout routed it through and each stretch's curve (what the slides draw as segments)."""
    from etiograph.viz.network import vis_data

    payload = page_data(everything)
    diagram = build_diagram(kg)  # what `viz --all` draws
    data = vis_data(diagram)
    assert [n["id"] for n in payload["nodes"]] == [n.iri for n in diagram.nodes]
    assert [e["id"] for e in payload["edges"]] == [link.id for link in diagram.links]
    assert not any("partOf" in e or "origin" in e for e in payload["edges"])
    lanes = {n["id"]: [n["x"], n["y"]] for n in data.nodes if n.get("waypoint")}
    page = {e["id"]: e for e in payload["edges"]}
    routed = 0
    for link in diagram.links:
        segments = [e for e in data.edges if e.get("partOf") == link.id]
        edge = page[link.id]
        assert edge["from"] == link.source and edge["to"] == link.target
        if not segments:
            assert "route" not in edge
            continue
        routed += 1
        assert edge["route"] == [lanes[e["to"]] for e in segments]
        last = next(e for e in data.edges if e["id"] == link.id)
        assert edge["bends"] == [e.get("smooth") for e in [*segments, last]]
        marks = [e["arrows"]["middle"] for e in [*segments, last] if "middle" in e["arrows"]]
        assert edge["arrows"] == {"to": last["arrows"]["to"], **({"middle": marks[0]} if marks else {})}
    assert routed > 50


@pytest.mark.slow
@pytest.mark.parametrize("mechanism", [None, "medication", "lifestyle"])
def test_whole_graph_evidence_matches_the_batched_lookup(kg: KnowledgeGraph, mechanism: str | None) -> None:
    """The store lookups the whole-graph view reads its edges and evidence by give what the SPARQL reader gives."""
    predicates = kg.causal_predicates(include_counteracting=True)
    assert kg.causal_index() is not None  # the lookups, not SPARQL again
    assert sorted(kg.all_edges(EdgeFilter(predicates))) == sorted(set(kg.edge_reader.all_edges(EdgeFilter(predicates))))
    iri = kg.mechanism(mechanism) if mechanism else None
    edge_filter = EdgeFilter(predicates, mechanism=iri, mechanism_name=mechanism)
    everything = kg.edge_reader.all_edges(edge_filter)
    sparql = kg.edge_reader.evidence(everything, edge_filter)
    assert kg.edge_evidence(everything, edge_filter) == sparql  # edge by edge
    assert all_evidence(kg, edge_filter) == sparql  # claim by claim (the whole-graph views)
    assert sparql


#: Fixture (not from the article): concepts described in every way _DESCRIBE reads, and some it must skip.
DESCRIBED_TTL = """\
@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/described/> .

ex:a a etio:SignOrSymptom, etio:PhysiologicalState, skos:Concept, [ a ex:Anonymous ] ;
    skos:prefLabel "a"@en ; skos:altLabel "alpha"@en, "alpha"@fr, "Alpha", ex:notALiteral ;
    skos:definition "zeta definition"@en, "alpha definition"@en-GB, "aaa définition"@fr, "plain one", "typed"^^xsd:string ;
    skos:exactMatch <http://purl.obolibrary.org/obo/HP_0003394>, "a literal match" ;
    skos:closeMatch <http://www.wikidata.org/entity/Q1> ; etio:causes ex:b .
ex:b a skos:Concept ; skos:prefLabel "b"@en ; skos:definition "only French"@fr, ex:notALiteral .
ex:c skos:prefLabel "c"@en .
"""


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_concept_descriptions_by_store_lookups_match_the_query(
    source: str, kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Concepts described by a lookup per concept (a pyoxigraph store) are what _DESCRIBE's SPARQL gives."""
    from etiograph.viz.model import _Names

    if source == "fixture":
        path = tmp_path / "described.ttl"
        path.write_text(DESCRIBED_TTL, encoding="utf-8")
        graph = KnowledgeGraph.load(data=[path])
        iris = [f"https://example.org/described/{n}" for n in "abcd"]
    else:
        graph = KnowledgeGraph.load()
        predicates = EdgeFilter(kg.causal_predicates(include_counteracting=True))
        iris = sorted({n for edge in kg.all_edges(predicates) for n in edge})
    assert graph.causal_index() is not None
    looked_up = _Names(graph)._describe(iris)
    monkeypatch.setattr(graph, "causal_index", lambda: None)
    assert looked_up == _Names(graph)._describe(iris)
    if source == "fixture":
        a = looked_up[0]
        assert a.alt_labels == ("Alpha", "alpha", "https://example.org/described/notALiteral")
        assert a.definition == "alpha definition" and looked_up[1].definition is None  # English (or untagged) only
        assert a.mappings == ("a literal match", "obo:HP_0003394", "wd:Q1")
        assert a.kind.endswith("#SignOrSymptom") and looked_up[1].kind is None  # skos:Concept is no kind


@pytest.mark.slow
@pytest.mark.parametrize("mechanism", ["medication", "kidney", "electrolytes"])
def test_mechanism_filter_restricts_paths(kg: KnowledgeGraph, mechanism: str) -> None:
    payload = page_data(diagram_html(kg, *QUESTION, mechanism=mechanism))
    result = kg.paths(*QUESTION, mechanism=mechanism)
    assert edge_pairs(payload) == {(h.subject, h.object) for p in result.paths for h in p.hops}
    assert len(links(payload)) < len(links(page_data(diagram_html(kg, *QUESTION))))
    label = kg.scheme("mechanisms")[kg.mechanism(mechanism)].label
    assert payload["mechanismLabels"][mechanism] == label  # the page names claims' mechanisms from this table
    for edge in links(payload):
        claims = payload["info"]["edges"][edge["id"]]["claims"]
        assert claims and all(mechanism in c["mechanisms"] for c in claims)
        assert edge["color"]["color"] == style.MECHANISM_COLOURS[mechanism]


def test_mechanism_filter_restricts_whole_graph(kg: KnowledgeGraph, everything: str) -> None:
    payload = page_data(diagram_html(kg, mechanism="lifestyle"))
    assert 0 < len(links(payload)) < len(links(page_data(everything)))
    assert payload["mechanismLabels"]["lifestyle"] == "lifestyle factors"
    for edge in links(payload):
        assert all("lifestyle" in c["mechanisms"] for c in payload["info"]["edges"][edge["id"]]["claims"])
    assert "mechanism: lifestyle factors" in payload["caption"]


def test_no_path_says_so(kg: KnowledgeGraph) -> None:
    page = diagram_html(kg, *QUESTION, mechanism="lifestyle")
    payload = page_data(page)
    assert kg.paths(*QUESTION, mechanism="lifestyle").total == 0
    assert [n["id"] for n in payload["nodes"]] == [data.UTI, data.LEG_CRAMPS] and payload["edges"] == []
    assert payload["caption"].startswith("0 causal paths from urinary tract infection to leg cramps")
    assert "No causal path of at most 6 hops leads from urinary tract infection to leg cramps" in page


def test_unknown_mechanism_is_a_user_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(EtiographError, match="choose one of"):
        diagram_html(kg, mechanism="magic")


# -- styles ---------------------------------------------------------------------------------------------
def test_counteracting_links_look_different(everything: str) -> None:
    payload = page_data(everything)
    counter = [e for e in links(payload) if payload["info"]["edges"][e["id"]]["counteracting"]]
    causal = [e for e in links(payload) if not payload["info"]["edges"][e["id"]]["counteracting"]]
    assert counter and causal
    assert {e["arrows"]["to"]["type"] for e in counter} == {"bar"}
    assert {e["color"]["color"] for e in counter} == {style.COUNTERACTING_COLOUR}
    assert {e["arrows"]["to"]["type"] for e in causal} == {"arrow"}
    assert style.COUNTERACTING_COLOUR not in {e["color"]["color"] for e in causal}
    assert "counteracts: treats, prevents" in everything  # and the legend says so


def test_line_style_follows_certainty(kg: KnowledgeGraph, everything: str) -> None:
    diagram = build_diagram(kg)
    payload = page_data(everything)
    by_id = {e["id"]: e for e in payload["edges"]}
    seen = set()
    for link in diagram.links:
        edge, best = by_id[link.id], link.best
        expected = style.line_style(best.certainty if best else None)
        assert edge["width"] == expected.width
        assert edge["dashes"] == (list(expected.dashes) if expected.dashes else False)
        seen.add(best.certainty if best else None)
    assert {"asserted", "can", "may"} <= seen
    assert style.line_style("often").dashes is None
    assert style.line_style("sometimes").dashes and style.line_style("linked").dashes
    assert style.line_style("recommended").dashes is None  # advice is not a hedge
    assert style.line_style("rare").width < style.line_style("may").width < style.line_style("can").width


def test_boxes_follow_concept_kind(everything: str) -> None:
    """Every concept is a box with its label inside (readable); kinds differ by corners, fill, border."""
    payload = page_data(everything)
    looks = {
        n["id"]: (n["shapeProperties"]["borderRadius"], n["color"]["background"], n["borderWidth"])
        for n in concepts(payload)
    }
    assert {n["shape"] for n in concepts(payload)} == {"box"}
    infection = style.NODE_STYLES[style.ETIO + "Infection"]
    assert looks[data.UTI] == (infection.radius, infection.fill, infection.border_width)
    assert looks[data.ANTIBIOTICS][0] != looks[data.UTI][0]
    assert len(set(looks.values())) >= 5


def test_legend_is_html_and_lists_what_is_drawn(classroom: str) -> None:
    legend = classroom[classroom.index('<section class="etg-legend"') :]
    legend = legend[: legend.index("</section>")]
    for text in ("start: urinary tract infection", "end: leg cramps", "infection", "sign or symptom"):
        assert text in legend
    assert "medication side effects" in legend and "inflammation and nerve irritation" in legend
    assert "counteracts" not in legend  # the paths follow causal links only
    # the CLI's certainty words (skos:notation), not the ontology's prefLabels
    assert "asserted, often, can" in legend and "stated" not in legend
    assert "may, sometimes, linked" in legend and "associated" not in legend  # rank order: linked ranks 0


def test_layout_runs_left_to_right(classroom: str) -> None:
    payload = page_data(classroom)
    drawn = [n for n in concepts(payload) if not n.get("hidden")]
    x = {n["id"]: n["x"] for n in drawn}
    assert x[payload["source"]] == min(x.values()) and x[payload["target"]] == max(x.values())
    shown = [e for e in links(payload) if not e.get("hidden")]
    assert all(x[e.get("origin", e["from"])] < x[e["to"]] for e in shown)  # causes left of effects
    assert payload["options"]["physics"] == {"enabled": False}  # positions are final: nothing to settle
    assert payload["detail"] is None  # small: arrowheads and dashes at every zoom


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=14).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n),
        )
    )
)
@pytest.mark.slow
def test_layered_layout_invariants(graph: tuple[int, list, list]) -> None:
    n, edges, weak = graph
    nodes = [f"n{i}" for i in range(n)]
    strong = [(nodes[u], nodes[v]) for u, v in edges]
    counter = [(nodes[u], nodes[v]) for u, v in weak]
    layout = layered_layout(nodes, strong, weak_edges=counter, first="n0")
    assert set(layout.positions) == set(nodes)
    assert len(set(layout.positions.values())) == n  # no two concepts on top of each other
    if not any(v == "n0" != u for u, v in strong + counter):
        assert layout.layers["n0"] == 0  # a path diagram's source: nothing leads into it
    for u, v in strong:
        if u != v and (u, v) not in layout.backward:
            assert layout.layers[u] < layout.layers[v]
            assert layout.positions[u][0] < layout.positions[v][0]


# -- escaping -------------------------------------------------------------------------------------------
def test_injected_markup_stays_text(evil_kg: KnowledgeGraph) -> None:
    overview = diagram_html(evil_kg)
    for markup in MARKUP_THAT_MUST_NOT_APPEAR:
        assert markup not in overview, markup
    assert set(Tags(overview).names) <= PAGE_ELEMENTS
    for page in (
        diagram_html(evil_kg, whole=True),
        diagram_html(evil_kg, EVIL_LABEL, "cramp & <b>pain</b>", title=EVIL_LABEL),
    ):
        for markup in MARKUP_THAT_MUST_NOT_APPEAR:
            assert markup not in page, markup
        tags = Tags(page)
        assert tags.names.count("script") == 3 and set(tags.names) <= PAGE_ELEMENTS
        payload = page_data(page)
        labels = {n["label"] for n in payload["nodes"]}
        assert EVIL_LABEL in labels and "cramp & <b>pain</b>" in labels
        quotes = [q for e in payload["info"]["edges"].values() for c in e["claims"] for q in c["quotes"]]
        assert "It <script>window.__xss = 'quote'</script> & <img src=y onerror=alert(2)> says so." in quotes
    assert "<h1>&lt;img src=x onerror=alert(1)&gt;</h1>" in page
    assert "from &lt;img src=x onerror=alert(1)&gt; to cramp &amp; &lt;b&gt;pain&lt;/b&gt;" in page


def test_iframe_wrapper_escapes_the_page(classroom: str) -> None:
    frame = diagram_iframe(classroom, height=500)
    srcdoc = re.fullmatch(
        r'<iframe srcdoc="([^"]*)" style="[^"]*500px[^"]*" [^<>]*></iframe><script>[^<]*</script>', frame
    )
    assert srcdoc is not None
    assert "<" not in srcdoc.group(1)
    assert html.unescape(srcdoc.group(1)) == classroom


# -- the command ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_writes_the_classroom_diagram(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kg: KnowledgeGraph
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(["viz", "UTI", "leg cramps"])
    assert result.code == 0, result.err
    payload = page_data((tmp_path / "etiograph-diagram.html").read_text(encoding="utf-8"))
    shown = [n for n in concepts(payload) if not n.get("hidden")]
    summary = f"{payload['drawn']} of {payload['totalPaths']} paths, {len(shown)} concepts"
    assert f"wrote etiograph-diagram.html ({summary}" in result.err
    assert payload["drawn"] == 8
    assert payload["totalPaths"] == kg.paths(*QUESTION).total
    assert oct((tmp_path / "etiograph-diagram.html").stat().st_mode & 0o777) == "0o644"


@pytest.mark.slow  # two diagrams through the CLI; test_cli_with_user_data stays fast
def test_cli_output_options(cli, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "diagram.html"
    assert cli(["viz", "--mechanism", "medication", "-o", str(out)]).code == 0
    assert page_data(out.read_text(encoding="utf-8"))["mechanism"] == "medication"
    result = cli(["viz", "UTI", "leg cramps", "--max-hops", "2", "-o", "-"])
    assert result.code == 0 and result.out.startswith("<!DOCTYPE html>")
    assert "at most 2 hops" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["viz", "UTI", "leg crmps"], "did you mean 'leg cramps'"),
        (["viz", "UTl", "leg cramps"], "unknown concept 'UTl'"),
        (["viz", "UTI"], "give both a source and a target"),
        (["viz", "--mechanism", "magic"], "unknown mechanisms 'magic'"),
        (["viz", "UTI", "leg cramps", "--max-hops", "0"], "--max-hops must be at least 1"),
        (["viz", "--gallery", "somewhere", "-o", "x.html"], "leave out -o"),
        (["viz", "--gallery", "somewhere", "--mechanism", "kidney"], "one per mechanism"),
        (["viz", "--data", "no-such-file.ttl"], "no such file"),
        (["viz", "UTI", "leg cramps", "--limit", "0"], "--limit must be at least 1"),
        (["viz", "UTI", "leg cramps", "--limit", "3", "--all"], "give one of them"),
        (["viz", "--story"], "--story tells a path"),
        (["viz", "--png", "x.png"], "one panel per mechanism"),
        (["viz", "--gallery", "somewhere", "--png", "x.png"], "leave out -o"),
        (["viz", "UTI", "leg cramps", "--svg", "-"], "--svg needs a file name"),
    ],
)
def test_cli_errors_exit_2(cli, args: list[str], message: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(args)
    assert result.code == 2
    assert message in result.err
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_unknown_concept_error_carries_suggestions(kg: KnowledgeGraph) -> None:
    with pytest.raises(UnknownConceptError) as error:
        diagram_html(kg, "UTI", "leg crmps")
    assert "leg cramps" in error.value.suggestions


def test_cli_with_user_data(cli, evil_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "evil.html"
    result = cli(["viz", "--data", str(evil_file), "--all", "-o", str(out)])
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    for markup in MARKUP_THAT_MUST_NOT_APPEAR:
        assert markup not in page
    payload = page_data(page)
    assert "data of 2024-03-05" in payload["caption"]  # no declared date: the file's
    assert payload["title"] == "<script>window.__xss = 'title'</script>"
    assert len(concepts(payload)) == 3 and len(links(payload)) == 2
    overview = tmp_path / "overview.html"
    assert cli(["viz", "--data", str(evil_file), "-o", str(overview)]).code == 0
    assert all(markup not in overview.read_text(encoding="utf-8") for markup in MARKUP_THAT_MUST_NOT_APPEAR)


def test_caption_names_the_data_date(classroom: str) -> None:
    assert "data of 2026-11-25" in page_data(classroom)["caption"]


# -- the gallery ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_gallery_pages_link_to_each_other(kg: KnowledgeGraph, tmp_path: Path, cli) -> None:
    assert cli(["viz", "--gallery", str(tmp_path / "site")]).code == 0
    site = tmp_path / "site"
    pages = sorted(site.glob("*.html"))
    mechanisms = {m for link in build_diagram(kg).links for c in link.claims for m in c.mechanisms}
    assert {p.name for p in pages} == {
        "index.html",
        "overview.html",
        "urinary-tract-infection-to-leg-cramps.html",
        *(f"mechanism-{m}.html" for m in mechanisms),
    }
    reached = set()
    for page in pages:
        for href in Tags(page.read_text(encoding="utf-8")).links:
            assert not re.match(r"^[a-z]+:|^/", href), href  # relative links only
            assert (page.parent / href).is_file(), f"{page.name} links to missing {href}"
            reached.add(href)
    assert reached == {p.name for p in pages} | {"ontology/index.html"}
    docs = (site / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "../index.html" in Tags(docs).links  # the documentation links back to the gallery
    headline = page_data((site / "urinary-tract-infection-to-leg-cramps.html").read_text(encoding="utf-8"))
    assert headline["totalPaths"] == kg.paths(*QUESTION).total
    medication = page_data((site / "mechanism-medication.html").read_text(encoding="utf-8"))
    assert medication["mechanism"] == "medication" and medication["edges"]


def test_gallery_without_the_headline_concepts(evil_kg: KnowledgeGraph, tmp_path: Path) -> None:
    files = write_gallery(evil_kg, tmp_path)
    names = {f.name for f in files}
    assert "index.html" in names and "overview.html" in names
    assert not any(n.endswith("-to-leg-cramps.html") for n in names)  # the data has no UTI
    for f in files:
        page = f.read_text(encoding="utf-8")
        assert all(markup not in page for markup in MARKUP_THAT_MUST_NOT_APPEAR)


# -- choosing paths, routing arrows (properties) ---------------------------------------------------------
def _path(nodes: list[int], ranks: list[int], mechanisms: list[str]):
    from etiograph import CausalPath, Evidence, Hop

    hops = []
    for i, (a, b) in enumerate(pairwise(nodes)):
        claim = Evidence(f"c{a}-{b}", "p", None, ranks[i % len(ranks)], (mechanisms[i % len(mechanisms)],), ("q",))
        hops.append(Hop(f"n{a}", f"n{b}", f"n{a}", f"n{b}", "p", (claim,)))
    return CausalPath(tuple(hops))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(1, 8), min_size=0, max_size=4, unique=True),
            st.lists(st.integers(1, 8), min_size=1, max_size=3),
            st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(1, 30),
)
@pytest.mark.slow
def test_informative_paths_properties(raw: list, limit: int) -> None:
    """Distinct indexes, at most ``limit``, every path when the limit allows, shortcuts only last."""
    from etiograph.viz.select import informative

    paths = [_path([0, *middle, 9], ranks, mechanisms) for middle, ranks, mechanisms in raw]
    shortcuts = {("n0", "n9")}  # a direct hop whose ends other paths join step by step
    chosen = informative(paths, limit, shortcuts)
    assert len(chosen) == len(set(chosen)) == min(limit, len(paths))
    assert informative(paths, None, shortcuts) == informative(paths, len(paths), shortcuts)
    direct = [i for i, p in enumerate(paths) if p.length == 1]
    others = [i for i in range(len(paths)) if i not in direct]
    if len(others) >= limit:
        assert not set(chosen) & set(direct)  # the summary shortcut waits while real chains remain
    if chosen and others:
        best_rank = max(paths[i].rank for i in others)
        assert paths[chosen[0]].rank == best_rank or chosen[0] in direct  # the firmest chain comes first


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=2 * n),
            st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=30), min_size=n, max_size=n),
        )
    )
)
@pytest.mark.slow
def test_routed_arrows_clear_other_concepts(graph: tuple[int, list, list]) -> None:
    """Whatever the graph, every arrow route() returns clears every other box, or is reported blocked."""
    from etiograph.viz import geometry

    n, edges, labels = graph
    nodes = [f"n{i}" for i in range(n)]
    pairs = sorted({(nodes[u], nodes[v]) for u, v in edges if u != v})
    layout = layered_layout(nodes, pairs, heights={m: 1.0 for m in nodes})
    sizes = {m: geometry.box_size(labels[i], 22, 170) for i, m in enumerate(nodes)}
    edge_ids = [(f"e{i}", u, v) for i, (u, v) in enumerate(pairs)]
    positions, smooth, blocked = geometry.route(layout.positions, sizes, edge_ids)
    boxes = {m: geometry.Box(*positions[m], *sizes[m]) for m in nodes}
    for edge_id, u, v in edge_ids:
        hit = geometry.blockers(geometry.curve(positions[u], positions[v], smooth[edge_id]), (u, v), boxes, 0.0)
        assert not hit or edge_id in blocked, (edge_id, hit)


def test_a_corroborated_link_says_how_many_sources_back_it() -> None:
    """With the bundled article and the fixture source loaded, a shared edge is backed by two documents."""
    from etiograph import resources

    fixture = Path(__file__).parent / "data" / "sources" / "dehydration-headaches-fixture"
    two = KnowledgeGraph.load(data=[str(resources.data_root() / "graph"), str(fixture)])
    payload = page_data(diagram_html(two, "fever", "dehydration", max_hops=2))
    label = {iri: info["label"] for iri, info in payload["info"]["nodes"].items()}
    counts = {
        (label[e.get("origin", e["from"])], label[e["to"]]): payload["info"]["edges"][e["id"]]["sources"]
        for e in links(payload)
    }
    assert counts[("fever", "fluid loss")] == 2
    assert counts[("fluid loss", "dehydration")] in (1, 2) and min(counts.values()) >= 1
    single = page_data(diagram_html(KnowledgeGraph.load(), "fever", "dehydration", max_hops=2))
    assert {single["info"]["edges"][e["id"]]["sources"] for e in links(single)} == {1}


# -- the speed-ups keep the answers: lazy greedy = full scan, exact sub-curves, no heavy imports ----------
def _full_scan(paths, limit: int, shortcuts) -> list[int]:
    """The path choice as first written: every round rescans every remaining path (the oracle)."""
    from etiograph.viz.select import signature

    hops = [frozenset((h.subject, h.object) for h in p.hops) for p in paths]
    signatures = [frozenset(signature(p)) for p in paths]
    fixed = [(p.rank, -p.length, sum(len(e.quotes) for h in p.hops for e in h.evidence)) for p in paths]
    chosen, edges, mechanisms = [], set(), set()
    for pool in (
        [i for i in range(len(paths)) if not hops[i] & shortcuts],
        [i for i in range(len(paths)) if hops[i] & shortcuts],
    ):
        pool = list(pool)
        while pool and len(chosen) < limit:

            def gain(i: int) -> tuple:
                fresh = len(hops[i] - edges) / max(len(hops[i]), 1)
                return (
                    fresh > 0,
                    bool(signatures[i] - mechanisms),
                    fresh >= 0.5,
                    fixed[i][0],
                    fresh,
                    *fixed[i][1:],
                    -i,
                )

            best = max(pool, key=gain)
            pool.remove(best)
            chosen.append(best)
            edges.update(hops[best])
            mechanisms.update(signatures[best])
    return chosen


@pytest.mark.slow  # hundreds of hypothesis examples: the full run; the page tests above cover the default
@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 9), st.sampled_from(["m1", "m2", "m3"])), min_size=1, max_size=5
        ),
        min_size=1,
        max_size=25,
    ),
    st.one_of(st.none(), st.integers(1, 30)),
    st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=4),
)
def test_lazy_path_choice_equals_the_full_scan(specs, limit, shortcut_pairs) -> None:
    from etiograph import CausalPath, Evidence, Hop
    from etiograph.viz.select import informative

    paths = []
    for spec in specs:
        nodes = [f"n{a}" for a, _, _ in spec] + ["z"]
        hops = tuple(
            Hop(s, o, s, o, "p", (Evidence(f"{s}{o}{rank}", "p", None, rank, (mechanism,), ("q",) * (rank % 3)),))
            for (s, o), (_, rank, mechanism) in zip(pairwise(nodes), spec, strict=False)
        )
        paths.append(CausalPath(hops))
    shortcuts = {(f"n{a}", f"n{b}") for a, b in shortcut_pairs}
    expected = _full_scan(paths, len(paths) if limit is None else limit, shortcuts)
    assert informative(paths, limit, shortcuts) == expected


#: A curve (its two ends, a shape from geometry.CANDIDATES) and two sample indexes along it.
CURVE_PIECES = (
    st.tuples(st.floats(-900, 900), st.floats(-900, 900)),
    st.tuples(st.floats(-900, 900), st.floats(-900, 900)),
    st.integers(0, 13),
    st.integers(0, 40),
    st.integers(0, 40),
)


@pytest.mark.slow  # hundreds of hypothesis examples: the full run; the page tests above cover the default
@settings(max_examples=200, deadline=None)
@given(*CURVE_PIECES)
def test_a_trimmed_curve_is_the_same_curve(a, b, shape: int, i: int, j: int) -> None:
    """The slide's exact sub-curve passes through the samples the page's routing used."""
    from etiograph.viz import geometry

    smooth = geometry.CANDIDATES[shape]
    i, j = sorted((i, j))
    if i == j:
        return
    samples = geometry.curve(a, b, smooth)
    part = geometry.sub_curve(geometry.control_points(a, b, smooth), i / geometry.SAMPLES, j / geometry.SAMPLES)
    assert part[0] == pytest.approx(samples[i], abs=1e-6) and part[-1] == pytest.approx(samples[j], abs=1e-6)
    if j - i >= 2:  # and through every sample in between (de Casteljau at the rescaled parameter)
        k = (i + j) // 2
        t = (k - i) / (j - i)
        level = list(part)
        while len(level) > 1:
            level = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for (x0, y0), (x1, y1) in pairwise(level)]
        assert level[0] == pytest.approx(samples[k], abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(*CURVE_PIECES)
def test_the_slides_written_out_trim_is_the_sub_curve_bit_for_bit(a, b, shape: int, i: int, j: int) -> None:
    """static.trim (de Casteljau written out) gives exactly geometry.sub_curve's numbers, and a path's
    one-format text is what formatting each rounded point gave (so slides stay byte-identical)."""
    from etiograph.viz import geometry, static

    i, j = sorted((i, j))
    if i == j:
        return
    controls = geometry.control_points(a, b, geometry.CANDIDATES[shape])
    part = static.trim(controls, i / geometry.SAMPLES, j / geometry.SAMPLES)
    assert part == geometry.sub_curve(controls, i / geometry.SAMPLES, j / geometry.SAMPLES)
    one_by_one = [f"{round(v, 1):.1f}".removesuffix(".0") for x, y in part for v in (x * 1.37, y * 1.37)]
    text = static._ZERO.sub("", static._PATHS[len(part)] % tuple(v for x, y in part for v in (x * 1.37, y * 1.37)))
    assert re.split(r"[MLQC ,]", text)[1:] == one_by_one


def _main_chains_by_copying_routes(diagram, limit: int = 3) -> tuple[tuple[str, ...], ...]:
    """overview.main_chains' route choice as first written (each node's best route copied whole): the
    reference, on the same acyclic graph."""
    from etiograph.viz.overview import causal_dag

    graph = causal_dag(diagram)
    if not graph:
        return ()
    order = graph.topological_order()
    labels = {n.iri: n.label for n in diagram.nodes}
    covered: set[tuple[str, str]] = set()
    chains: list[tuple[str, ...]] = []
    for _ in range(limit):
        best: dict[str, tuple[float, list[str]]] = {}
        for node in reversed(order):
            options = [
                (score + (1.0 if (node, child) not in covered else 0.01), [node, *route])
                for child in graph.successors(node)
                for score, route in [best[child]]
            ]
            best[node] = max(options, key=lambda o: (o[0], -len(o[1])), default=(0.0, [node]))
        roots = [n for n in order if graph.in_degree(n) == 0]
        score, route = max((best[r] for r in roots), key=lambda o: (o[0], len(o[1])), default=(0.0, []))
        if score < 1 or len(route) < 2:
            break
        covered.update(pairwise(route))
        chains.append(tuple(labels[n] for n in route))
    return tuple(sorted(chains, key=len, reverse=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.booleans()), max_size=40))
def test_main_chains_follow_routes_as_the_copying_version_chose_them(edges) -> None:
    """The overview's chains (routes followed by next-pointers) are the ones the route-copying version
    chose, ties and cycles included, on random graphs."""
    from etiograph.viz.model import Diagram, Link, Node
    from etiograph.viz.overview import main_chains

    links = [Link(f"e{i}", f"n{u}", f"n{v}", counter, (), ()) for i, (u, v, counter) in enumerate(edges) if u != v]
    nodes = [Node(f"n{i}", f"concept {i}", None, None) for i in range(12)]
    diagram = Diagram("graph", "t", "", nodes, links)
    for limit in (1, 3, 5):
        assert main_chains(diagram, limit) == _main_chains_by_copying_routes(diagram, limit)


@pytest.mark.slow
def test_viz_imports_neither_networkx_nor_pyvis(tmp_path: Path) -> None:
    """`etiograph viz` (path page, slide, handout, overview, whole graph) loads no networkx, pyvis or jinja2:
    their imports were most of its cold start (issue 15)."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom etiograph.cli import main\n"
        f"out = {str(tmp_path)!r}\n"
        "assert main(['viz', 'UTI', 'leg cramps', '-o', out + '/a.html', '--svg', out + '/a.svg', '--handout', out + '/h.html']) == 0\n"
        "assert main(['viz', '-o', out + '/o.html']) == 0\n"
        "assert main(['viz', '--all', '-o', out + '/w.html']) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'networkx', 'pyvis', 'jinja2', 'rdflib', 'numpy'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_slide_legend_uses_the_page_legends_certainty_words(kg: KnowledgeGraph):
    # A review found "stated (asserted, often, can)" on slides beside "asserted, often, can" on the page.
    from etiograph.viz import diagram_svg

    svg = diagram_svg(kg, "UTI", "leg cramps")
    page = diagram_html(kg, "UTI", "leg cramps")
    certainty = page.split("Certainty, in the article's words", 1)[1].split("</ul>", 1)[0]
    page_words = set(re.findall(r"<span>([^<]+)</span>", certainty))
    slide_words = {html.unescape(t) for t in re.findall(r"<text [^>]*>([^<]+)</text>", svg)}
    line_words = {line.label for line in style.LINE_STYLES}
    assert page_words and page_words <= line_words
    assert slide_words & line_words == page_words
    assert not any(word.startswith("stated") for word in slide_words)


def test_a_story_step_shows_a_sentence_before_a_table_row(kg) -> None:
    # Review finding (story screenshot): "inflammation causes leg cramps" showed the table row
    # "| Risk of Leg Cramps | … |" although a firm claim of the same hop quotes a sentence.
    from etiograph.causal.model import Evidence, Hop, is_table_row
    from etiograph.viz.model import telling_quote

    row = "| Risk of Leg Cramps | High (due to inflammation) |"
    sentence = "Cramps caused by dehydration or inflammation remain a possible factor in some patients."
    evidence = (Evidence("c1", "p", "asserted", 6, (), (row,)), Evidence("c2", "p", "asserted", 6, (), (sentence,)))
    assert telling_quote(Hop("a", "b", "inflammation", "leg cramps", "p", evidence)) == sentence
    only_rows = (Evidence("c1", "p", "asserted", 6, (), (row,)),)
    assert telling_quote(Hop("a", "b", "inflammation", "leg cramps", "p", only_rows)) == row
    first = build_diagram(kg, "UTI", "leg cramps").paths[0]
    assert first.labels == ("urinary tract infection", "inflammation", "leg cramps")
    assert not is_table_row(first.steps[1].quote) and "inflammation" in first.steps[1].quote
