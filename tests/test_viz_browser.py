"""Diagram pages in a real headless Chromium, with the network blocked.

Each page is opened as a file:// URL; every request other than the page itself is aborted and
recorded. Checks what a student sees: the drawing, the counts, the sentence behind an arrow on
hover, and that a hostile --data file runs nothing. Also writes docs/img/classroom-diagram.png.
Skips (saying why) only when no Chromium is installed.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from etiograph import KnowledgeGraph
from etiograph.cli import main
from etiograph.viz import diagram_html, diagram_iframe
from etiograph.viz import page as viz_page

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "img" / "classroom-diagram.png"
VIEWPORT = {"width": 1400, "height": 800}
QUESTION = ("UTI", "leg cramps")

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
    skos:definition "\\"><svg onload=\\"window.__xss = 'definition'\\">"@en .
ex:cramp a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "cramp & <b>pain</b>"@en .
ex:water a etio:Intervention, skos:Concept ; skos:prefLabel "water <i onmouseover=alert(3)>"@en .
ex:img etio:causes ex:cramp .
ex:water etio:prevents ex:cramp .
ex:claim-1 a etio:CausalClaim ; rdf:subject ex:img ; rdf:predicate etio:causes ; rdf:object ex:cramp ;
    etio:certainty cert:may ; etio:mechanism mech:inflammation ;
    etio:evidence [ oa:hasSelector [ oa:exact "It <script>window.__xss = 'quote'</script> & <img src=y onerror=alert(2)> says so." ] ] .
"""
EVIL_QUOTE = "It <script>window.__xss = 'quote'</script> & <img src=y onerror=alert(2)> says so."

# Where the page draws an edge or a node, in page (CSS) pixels; None when something else is on top.
EDGE_POINT = """([id, viewport]) => {
  const net = window.etiographNetwork;
  const edge = net.body.edges[id];
  const dom = net.canvasToDOM(edge.edgeType.getPoint(0.5));
  if (net.getEdgeAt(dom) !== id || net.getNodeAt(dom) !== undefined) { return null; }
  const box = net.canvas.frame.canvas.getBoundingClientRect();
  return [box.left + dom.x, box.top + dom.y];
}"""
NODE_POINT = """(id) => {
  const net = window.etiographNetwork;
  const dom = net.canvasToDOM(net.getPositions([id])[id]);
  const box = net.canvas.frame.canvas.getBoundingClientRect();
  return [box.left + dom.x, box.top + dom.y];
}"""
TOOLTIP_SHOWN = (
    "() => { const t = document.querySelector('.vis-tooltip'); return !!t && t.style.visibility === 'visible'; }"
)
# Non-white pixels of a PNG, decoded by the browser itself (data: URLs are not network requests).
INK = """async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) { if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) { ink++; } }
  return [ink, img.width * img.height];
}"""


@dataclass
class Visit:
    """A page opened with the network blocked, and everything it tried to do."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.blocked == [], self.blocked
        assert self.failed == [], self.failed
        assert [r for r in self.requests if not r.startswith("data:")] == ([self.url] if self.url else [])

    def data(self, expression: str):
        return self.page.evaluate(f"() => {expression}")

    def hover(self, point: list[float]) -> str:
        corner = self.page.locator(".etg-network canvas").bounding_box()
        self.page.mouse.move(corner["x"] + 4, corner["y"] + 4)  # empty canvas: any open tooltip closes
        self.page.wait_for_function(f"() => !({TOOLTIP_SHOWN})()", timeout=5_000)
        self.page.mouse.move(*point, steps=4)
        self.page.wait_for_function(TOOLTIP_SHOWN, timeout=5_000)
        return self.page.locator(".vis-tooltip").inner_text()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM:
        reason = "no Chromium: neither /usr/bin/chromium nor `chromium` on PATH"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator:
    contexts = []

    def open_page(path: Path | None = None, content: str | None = None, ready: bool = True) -> Visit:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        url = path.resolve().as_uri() if path else ""
        seen = Visit(page, url)

        def route(request_route) -> None:
            if request_route.request.url == url:
                request_route.continue_()
            else:
                seen.blocked.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("requestfailed", lambda request: seen.failed.append(request.url))
        page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
        if path:
            page.goto(url)
        else:
            page.set_content(content or "")
        if ready:
            page.wait_for_function("() => window.__etiographReady === true", timeout=20_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages an educator makes, written by the command itself."""
    folder = tmp_path_factory.mktemp("pages")
    evil = folder / "evil.ttl"
    evil.write_text(EVIL_TTL, encoding="utf-8")
    commands = {
        "classroom": ["viz", *QUESTION],
        "overview": ["viz"],
        "evil-paths": ["viz", "--data", str(evil), EVIL_LABEL, "cramp & <b>pain</b>"],
        "evil-graph": ["viz", "--data", str(evil)],
    }
    out = {}
    for name, args in commands.items():
        out[name] = folder / f"{name}.html"
        assert main([*args, "-o", str(out[name])]) == 0
    with pytest.MonkeyPatch.context() as patch:  # the article's graph, treated as a big one
        patch.setattr(viz_page, "DETAIL_LINKS", 10)
        patch.setattr(viz_page, "DETAIL_SCALE", 1.0)
        out["detail"] = folder / "detail.html"
        out["detail"].write_text(diagram_html(KnowledgeGraph.load()), encoding="utf-8")
    return out


def test_classroom_diagram(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    seen = visit(pages["classroom"])
    result = kg.paths(*QUESTION)
    hops = {(h.subject, h.object): h for p in result.paths for h in p.hops}
    assert seen.data("window.etiographNetwork.body.data.nodes.length") == len(
        {n for p in result.paths for n in p.nodes}
    )
    assert seen.data("window.etiographNetwork.body.data.edges.length") == len(hops)
    assert seen.data("window.etiographNetwork.getSelectedNodes().length") == 0

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    seen.page.screenshot(path=str(SCREENSHOT))
    drawing = seen.page.locator(".etg-network").screenshot()
    ink, total = seen.page.evaluate(INK, base64.b64encode(drawing).decode())
    assert ink > 0.03 * total, f"only {ink} of {total} pixels drawn"

    # hover the middle of an arrow: the tooltip gives the exact sentence of that claim
    edges = seen.data("window.etiographNetwork.body.data.edges.get().map(e => [e.id, e.from, e.to])")
    headline = [kg.resolve("UTI").iri, kg.resolve("leg cramps").iri]
    preferred = sorted(edges, key=lambda e: (e[1:] != headline, e[0]))  # the article's headline claim first
    point = edge = None
    for edge in preferred:
        point = seen.page.evaluate(EDGE_POINT, [edge[0], VIEWPORT])
        if point:
            break
    assert point, "no arrow has a free midpoint to hover"
    text = seen.hover(point)
    hop = hops[(edge[1], edge[2])]
    assert hop.quote and hop.quote in text
    assert f"{hop.subject_label} → {hop.object_label}" in text
    assert f"certainty: {hop.certainty}" in text

    # hover a concept: its other names and external identifiers
    text = seen.hover(seen.page.evaluate(NODE_POINT, kg.resolve("UTI").iri))
    assert "urinary tract infection" in text and "UTI" in text and "mesh:D014552" in text

    # pick one path in the side panel: the others fade
    second = "2. " + " → ".join(result.paths[1].labels)
    seen.page.locator(".etg-paths button").filter(has_text=re.compile("^" + re.escape(second))).click()
    faded = seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.color.opacity < 0.2).length")
    assert faded == len(hops) - len(result.paths[1].hops)
    seen.assert_clean()


def test_whole_graph(visit, pages: dict[str, Path]) -> None:
    seen = visit(pages["overview"])
    payload = seen.data("document.querySelector('.etiograph-diagram').etiograph.data")
    assert seen.data("window.etiographNetwork.body.data.nodes.length") == len(payload["nodes"]) > 50
    assert seen.data("window.etiographNetwork.body.data.edges.length") == len(payload["edges"]) > 100
    bars = seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.arrows.to.type === 'bar').length")
    assert bars == sum(e["counteracting"] for e in payload["info"]["edges"].values()) > 0
    assert seen.page.locator(".etg-legend").get_by_text("counteracts: treats, prevents").is_visible()
    seen.assert_clean()


def test_hostile_data_runs_nothing(visit, pages: dict[str, Path]) -> None:
    for name in ("evil-paths", "evil-graph"):
        seen = visit(pages[name])
        page = seen.page
        ids = seen.data("window.etiographNetwork.body.data.nodes.getIds()")
        labels = seen.data("window.etiographNetwork.body.data.nodes.get().map(n => n.label)")
        assert EVIL_LABEL in labels and "cramp & <b>pain</b>" in labels
        evil_id = ids[labels.index(EVIL_LABEL)]
        text = seen.hover(page.evaluate(NODE_POINT, evil_id))
        assert EVIL_LABEL in text and "</script><script>window.__xss = 'alt'</script>" in text
        causal = seen.data(
            "window.etiographNetwork.body.data.edges.get().filter(e => e.arrows.to.type === 'arrow')[0].id"
        )
        point = page.evaluate(EDGE_POINT, [causal, VIEWPORT])
        if point:
            assert EVIL_QUOTE in seen.hover(point)
        if name == "evil-paths":
            assert page.locator("h1").inner_text() == f"How can {EVIL_LABEL} lead to cramp & <b>pain</b>?"
            assert EVIL_LABEL in page.locator(".etg-caption").inner_text()
        else:
            assert page.locator("h1").inner_text() == "<script>window.__xss = 'title'</script>"
        assert page.evaluate("() => window.__xss") is None
        assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed, b, i').length") == 0
        seen.assert_clean()


def test_notebook_embeddings(visit, kg: KnowledgeGraph) -> None:
    """In an iframe srcdoc (diagram_iframe) and inline, twice on one page, as notebooks show them."""
    page_html = diagram_html(kg, *QUESTION, max_hops=3)
    seen = visit(content=f"<div>{diagram_iframe(page_html, height=640)}</div>", ready=False)
    frame = seen.page.frames[1]
    frame.wait_for_function("() => window.__etiographReady === true", timeout=20_000)
    assert frame.evaluate("() => window.etiographNetwork.body.data.edges.length") > 0
    seen.assert_clean()

    seen = visit(content=f"<div>{page_html}</div><div>{diagram_html(kg, mechanism='kidney')}</div>", ready=False)
    seen.page.wait_for_function("() => (window.etiographDiagrams || []).length === 2", timeout=20_000)
    counts = seen.data("window.etiographDiagrams.map(d => d.network.body.data.nodes.length)")
    roots = seen.page.locator(".etiograph-diagram[data-ready='1']").count()
    assert roots == 2 and counts[0] != counts[1]
    seen.assert_clean()


def test_big_graphs_draw_details_when_zoomed_in(visit, pages: dict[str, Path]) -> None:
    """Above DETAIL_LINKS links, a zoomed-out view skips arrowheads and dashes; zooming in brings them back."""
    seen = visit(pages["detail"])
    page = seen.page
    total = seen.data("window.etiographNetwork.body.data.edges.length")
    with_arrows = "window.etiographNetwork.body.data.edges.get().filter(e => e.arrows.to.enabled !== false).length"
    assert seen.data("window.etiographNetwork.getScale()") < 1.0
    assert seen.data(with_arrows) == 0
    assert seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.dashes).length") == 0
    box = page.locator(".etg-network canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(40):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(20)
        if seen.data("window.etiographNetwork.getScale()") >= 1.0:
            break
    page.wait_for_function(f"() => {with_arrows} === {total}", timeout=5_000)
    assert seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.dashes).length") > 0
    seen.assert_clean()
