"""``etiograph docs``: an entry for every class, property and concept, the claims each concept is in,
nothing loaded from elsewhere (checked in headless Chromium with the network blocked), and the page
served by ``etiograph serve`` at /ontology."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from etiograph.ontodoc.serve import policy

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
PORT = 18411


class Page(HTMLParser):
    """Entries (data-iri → kind), in-page links, and every attribute that could load something."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.entries: dict[str, str] = {}
        self.ids: set[str] = set()
        self.anchors: list[str] = []
        self.loads: list[tuple[str, str]] = []
        self.tags: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if "data-iri" in a:
            self.entries[a["data-iri"]] = a["data-kind"]
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.anchors.append(a["href"][1:])
        for name in ("src", "srcset", "poster", "data"):
            if name in a:
                self.loads.append((tag, a[name]))
        if tag == "link":
            self.loads.append((tag, a.get("href", "")))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from etiograph.cli import main

    folder = tmp_path_factory.mktemp("docs") / "site"
    assert main(["docs", "-o", str(folder), "--gallery", "../index.html"]) == 0
    return folder / "index.html"


@pytest.fixture(scope="module")
def page(docs: Path) -> Page:
    return Page(docs.read_text(encoding="utf-8"))


def iris(kg, query: str) -> set[str]:
    return {row[0].value for row in kg.query(query)}


@pytest.mark.slow  # the whole site through the CLI; the page_html doctest stays fast
def test_every_class_property_and_concept_has_an_entry(page: Page, kg) -> None:
    classes = iris(kg, "SELECT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) }")
    properties = iris(kg, "SELECT ?p WHERE { VALUES ?k { owl:ObjectProperty owl:DatatypeProperty } ?p a ?k }")
    concepts = iris(kg, "SELECT ?c WHERE { ?c skos:inScheme ?s FILTER(isIRI(?c)) }")
    assert classes and properties and len(concepts) > 90
    assert {i for i, k in page.entries.items() if k == "class"} == classes
    assert {i for i, k in page.entries.items() if k.endswith("property")} == properties
    assert {i for i, k in page.entries.items() if k == "concept"} == concepts
    assert set(page.anchors) <= page.ids, "an in-page link points nowhere"


def entry_html(docs: Path, anchor: str) -> str:
    html = docs.read_text(encoding="utf-8")
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</article>", start)]


@pytest.mark.slow  # the whole site through the CLI; the page_html doctest stays fast
def test_ontology_fragments_land_on_their_entry(docs: Path, page: Page) -> None:
    """https://w3id.org/etiograph/ontology#causes redirected to the page keeps #causes: it must land on etio:causes."""
    assert '<span id="causes"></span>' in entry_html(docs, "etio-causes")
    assert '<span id="Infection"></span>' in entry_html(docs, "etio-Infection")
    assert {"causes", "Infection", "certaintyRank"} <= page.ids


@pytest.mark.slow  # the whole site through the CLI; the page_html doctest stays fast
def test_properties_show_domain_range_parents_and_mappings(docs: Path) -> None:
    causes = entry_html(docs, "etio-causes")
    assert "biolink:causes" in causes and "obo:RO_0003303" in causes and 'href="#etio-causesOrContributesTo"' in causes
    profile = entry_html(docs, "etio-profileOf")
    assert "Domain" in profile and 'href="#etio-ClinicalProfile"' in profile
    rank = entry_html(docs, "etio-certaintyRank")
    assert "Range" in rank and "xsd:integer" in rank


@pytest.mark.slow  # the whole site through the CLI; the page_html doctest stays fast
def test_concepts_list_their_claims_with_quotes(docs: Path, kg) -> None:
    fever = entry_html(docs, "kg-fever")
    (count,) = kg.query(
        "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim rdf:predicate ?p . "
        "{ ?claim rdf:subject kg:fever } UNION { ?claim rdf:object kg:fever } }"
    ).rows[0]
    assert f"Claims ({count.value})" in fever
    assert fever.count("<li>") == int(count.value)
    assert "mesh:D005334" in fever and "obo:HP_0001945" in fever  # its exact mappings
    assert "<q>" in fever
    medication = entry_html(docs, "mech-medication")
    assert "Claims (" in medication and "antibiotics" in medication


@pytest.mark.slow  # the whole site through the CLI; the page_html doctest stays fast
def test_page_needs_nothing_from_elsewhere(page: Page, docs: Path) -> None:
    assert "script" not in page.tags
    assert page.loads == []
    html = docs.read_text(encoding="utf-8")
    assert "url(" not in html and "@import" not in html


def test_docs_errors_are_one_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli(["docs", "-o", str(blocker)])
    assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err
    result = cli(["docs", "-o", str(tmp_path / "d"), "--data", str(tmp_path / "missing.ttl")])
    assert result.code == 2 and "missing.ttl" in result.err


def test_policy_allows_exactly_the_page_style() -> None:
    csp = policy("<style>a{}</style><p>x</p>")
    assert "style-src 'sha256-" in csp and "script-src 'none'" in csp and "default-src 'none'" in csp


@pytest.mark.browser
def test_docs_open_offline_in_chromium(docs: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()

            def route(r):
                if r.request.url != docs.as_uri() and not r.request.url.startswith(docs.as_uri() + "#"):
                    requested.append(r.request.url)
                    r.abort()
                else:
                    r.continue_()

            page.route("**/*", route)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(docs.as_uri() + "#kg-leg-cramps")
            assert page.title().endswith("documentation")
            assert page.locator("article.entry").count() > 150
            target = page.locator("#kg-leg-cramps")
            assert target.is_visible() and "leg cramps" in target.inner_text()
            box = target.bounding_box()
            assert box is not None and box["y"] < 400  # the fragment scrolled it into view
            page.click('nav a[href="#etio-causes"]')
            assert page.evaluate("location.hash") == "#etio-causes"
            assert requested == [] and errors == []
        finally:
            browser.close()


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.external
def test_serve_answers_ontology(tmp_path: Path) -> None:
    if not _free(PORT):
        pytest.skip(f"port {PORT} is taken")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "etiograph", "serve", "--port", str(PORT), "--workers", "1", "--quiet"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while _free(PORT):
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/ontology", timeout=60) as answer:
            html = answer.read().decode("utf-8")
            csp = answer.headers["Content-Security-Policy"]
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
        served = Page(html)
        assert "https://w3id.org/etiograph/ontology#causes" in served.entries
        assert "https://w3id.org/etiograph/kg/fever" in served.entries
        assert csp == policy(html)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


EVIL = """\
# Fixture, not from the article: hostile labels, definitions, quotes and IRIs a --data file could carry.
@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix ex: <https://example.org/evil/> .

ex:scheme a skos:ConceptScheme ; skos:prefLabel "<script>window.__x = 1</script>"@en .
ex:a a etio:Condition, skos:Concept ; skos:inScheme ex:scheme ;
    skos:prefLabel "<img src=x onerror=alert(1)>"@en ;
    skos:definition "\\"><svg onload=alert(2)>"@en ;
    skos:exactMatch <javascript:alert(3)>, <data:text/html,hi> .
ex:b a etio:SignOrSymptom, skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "b & <b>c</b>"@en .
ex:a etio:causes ex:b .
ex:claim a etio:CausalClaim ; rdf:subject ex:a ; rdf:predicate etio:causes ; rdf:object ex:b ;
    etio:evidence [ oa:hasSelector [ oa:exact "It <script>alert(4)</script> says so." ] ] .
"""


def test_hostile_data_stays_text(cli, tmp_path: Path) -> None:
    data = tmp_path / "evil.ttl"
    data.write_text(EVIL, encoding="utf-8")
    assert cli(["docs", "-o", str(tmp_path / "d"), "--data", str(data)]).code == 0
    html = (tmp_path / "d" / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "script" not in page.tags and "img" not in page.tags and "svg" not in page.tags
    assert page.loads == []
    assert "javascript:" not in "".join(a for a in re.findall(r'href="([^"]*)"', html))
    assert "data:text" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "It &lt;script&gt;alert(4)&lt;/script&gt; says so." in html
    assert "https://example.org/evil/a" in page.entries
