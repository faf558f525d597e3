"""Diagram pages in a real headless Chromium, with the network blocked.

Each page is opened as a file:// URL; every request other than the page itself is aborted and
recorded, and every visit asserts none was even attempted and no console error happened. Checks
what a class sees at projector resolutions: label sizes, no arrow running behind a concept it
does not touch, causes left of effects, story mode with the keyboard, the overview by mechanism,
slide images, the printed handout, and that a hostile --data file runs nothing. Writes only into
pytest's temporary folders (the README's screenshots come from docs/img/make_screenshots.py).
Skips (saying why) only when no Chromium is installed.
"""

from __future__ import annotations

import base64
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from etiograph import KnowledgeGraph
from etiograph.cli import main
from etiograph.viz import FRAME_MAX_HEIGHT, build_diagram, diagram_html, diagram_iframe, style, write_gallery
from etiograph.viz import page as viz_page

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else shutil.which("chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECTOR = {"width": 1366, "height": 768}
FULL_HD = {"width": 1920, "height": 1080}
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

# Where the page draws an edge's middle or a node, in page (CSS) pixels; None when something else is on top.
EDGE_POINT = """(id) => {
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
# What a student sees of a drawing: the on-screen size of the smallest concept label (the
# network's scale times the label's font size), the links drawn, and every arrow that runs
# behind a concept other than its own two ends (each drawn edge's curve sampled at 80 points,
# as vis-network itself computes it, against every other visible concept's bounding box).
GEOMETRY = """(index) => {
  const d = window.etiographDiagrams[index || 0];
  const net = d.network;
  const concepts = d.nodes.get({ filter: (n) => !n.hidden && !n.waypoint });
  const scale = net.getScale();
  const fonts = concepts.map((n) => (n.font && n.font.size) || d.data.options.nodes.font.size);
  const boxes = {};
  concepts.forEach((n) => { boxes[n.id] = net.getBoundingBox(n.id); });
  const ends = {};
  d.data.edges.forEach((e) => {
    const link = e.partOf || e.id;
    const real = d.data.edges.find((x) => x.id === link);
    ends[e.id] = [real.origin || real.from, real.to, e.from, e.to];
  });
  const behind = [];
  const shown = d.edges.get({ filter: (e) => !e.hidden });
  shown.forEach((e) => {
    const edge = net.body.edges[e.id];
    for (let i = 0; i <= 80; i += 1) {
      const p = edge.edgeType.getPoint(i / 80);
      const hit = concepts.find((n) => !ends[e.id].includes(n.id) && p.x > boxes[n.id].left && p.x < boxes[n.id].right
                                     && p.y > boxes[n.id].top && p.y < boxes[n.id].bottom);
      if (hit) { behind.push([e.partOf || e.id, hit.label]); break; }
    }
  });
  const x = {};
  concepts.forEach((n) => { x[n.id] = net.getPosition(n.id).x; });
  const links = shown.filter((e) => !e.partOf).map((e) => [e.origin || e.from, e.to, e.id]);
  return { scale, smallest: scale * Math.min(...fonts), behind, concepts: concepts.length, links, x };
}"""
# The long links, which the page draws through their lane points itself (not vis-network nodes):
# how many nodes and edges vis-network holds; for each lane point, whether the link's curve passes
# through it, and, for those in view and clear of every concept, whether the canvas has ink there;
# and one such point where vis-network finds that link under the pointer (page pixels).
ROUTES = """() => {
  const d = window.etiographDiagrams[0], net = d.network;
  const canvas = net.canvas.frame.canvas, ctx = canvas.getContext('2d'), ratio = canvas.width / canvas.clientWidth;
  const boxes = d.nodes.getIds().map((id) => net.getBoundingBox(id));
  const out = { nodes: net.body.nodeIndices.length, edges: net.body.edgeIndices.length, points: 0, through: 0,
                shown: 0, inked: 0, free: null };
  d.data.edges.filter((e) => e.route).forEach((e) => {
    const type = net.body.edges[e.id].edgeType, n = e.route.length + 1;
    e.route.forEach(([x, y], i) => {
      out.points += 1;
      const p = type.getPoint((i + 1) / n);
      if (Math.hypot(p.x - x, p.y - y) < 1e-6) { out.through += 1; }
      const dom = net.canvasToDOM({ x, y });
      if (dom.x < 8 || dom.y < 8 || dom.x > canvas.clientWidth - 8 || dom.y > canvas.clientHeight - 8) { return; }
      if (boxes.some((b) => x > b.left - 8 && x < b.right + 8 && y > b.top - 8 && y < b.bottom + 8)) { return; }
      out.shown += 1;
      const px = ctx.getImageData(Math.round(dom.x * ratio) - 3, Math.round(dom.y * ratio) - 3, 7, 7).data;
      if (px.some((v, k) => k % 4 === 3 && v > 128)) { out.inked += 1; }
      if (!out.free && net.getEdgeAt(dom) === e.id) {
        const box = canvas.getBoundingClientRect();
        out.free = [e.id, box.left + dom.x, box.top + dom.y];
      }
    });
  });
  return out;
}"""
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
  return [ink, img.width, img.height];
}"""
# The smallest computed font size of any visible text in ``selector``.
SMALLEST_TEXT = """(selector) => {
  let least = Infinity;
  document.querySelectorAll(selector + ' *').forEach((el) => {
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text || !el.getClientRects().length) { return; }
    least = Math.min(least, parseFloat(getComputedStyle(el).fontSize));
  });
  return least;
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
        corner = self.page.locator(".etg-network canvas").first.bounding_box()
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

    def open_page(
        path: Path | None = None, content: str | None = None, ready: bool = True, viewport: dict | None = None
    ) -> Visit:
        context = browser.new_context(viewport=viewport or PROJECTOR)
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
            page.wait_for_function("() => window.__etiographReady === true", timeout=30_000)
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
    out = {name: folder / f"{name}.html" for name in ("classroom", "story", "everything", "overview")}
    out["png"], out["svg"], out["handout"] = folder / "slide.png", folder / "slide.svg", folder / "handout.html"
    commands = {
        "classroom": ["viz", *QUESTION, "-o", str(out["classroom"])],
        "story": [
            *("viz", *QUESTION, "--story", "-o", str(out["story"])),
            *("--png", str(out["png"]), "--svg", str(out["svg"]), "--handout", str(out["handout"])),
        ],
        "everything": ["viz", "--all", "-o", str(out["everything"])],
        "overview": ["viz", "-o", str(out["overview"])],
    }
    for name in ("evil-paths", "evil-graph", "evil-overview"):
        out[name] = folder / f"{name}.html"
    commands["evil-paths"] = [
        "viz",
        "--data",
        str(evil),
        EVIL_LABEL,
        "cramp & <b>pain</b>",
        "-o",
        str(out["evil-paths"]),
    ]
    commands["evil-graph"] = ["viz", "--data", str(evil), "--all", "-o", str(out["evil-graph"])]
    commands["evil-overview"] = ["viz", "--data", str(evil), "-o", str(out["evil-overview"])]
    for args in commands.values():
        assert main(args) == 0
    with pytest.MonkeyPatch.context() as patch:  # the article's graph, treated as a big one
        patch.setattr(viz_page, "DETAIL_LINKS", 10)
        patch.setattr(viz_page, "DETAIL_SCALE", 1.0)
        out["detail"] = folder / "detail.html"
        out["detail"].write_text(diagram_html(KnowledgeGraph.load(), whole=True), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory, kg: KnowledgeGraph) -> list[Path]:
    folder = tmp_path_factory.mktemp("gallery")
    return [f for f in write_gallery(kg, folder) if f.name != "index.html"]


# -- the classroom page ------------------------------------------------------------------------------------
def test_classroom_diagram(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    seen = visit(pages["classroom"])
    diagram = build_diagram(kg, *QUESTION)
    drawn = diagram.paths[: diagram.drawn]
    assert diagram.drawn == 8 < diagram.total_paths
    shown = seen.page.evaluate(GEOMETRY)
    assert shown["concepts"] == len({n for p in drawn for n in p.nodes})
    assert len(shown["links"]) == len({link for p in drawn for link in p.links})
    assert seen.data("window.etiographNetwork.getSelectedNodes().length") == 0

    drawing = seen.page.locator(".etg-network").screenshot()
    ink, width, height = seen.page.evaluate(INK, base64.b64encode(drawing).decode())
    assert ink > 0.03 * width * height, f"only {ink} of {width * height} pixels drawn"

    # hover the middle of an arrow: the tooltip gives the exact sentence of that claim
    hops = {(h.subject, h.object): h for p in kg.paths(*QUESTION).paths for h in p.hops}
    point = link = None
    for origin, target, edge_id in sorted(shown["links"], key=lambda item: item[2]):
        point = seen.page.evaluate(EDGE_POINT, edge_id)
        if point:
            link = (origin, target)
            break
    assert point, "no arrow has a free midpoint to hover"
    text = seen.hover(point)
    hop = hops[link]
    assert f"{hop.subject_label} → {hop.object_label}" in text
    assert any(q in text for e in hop.evidence for q in e.quotes)
    assert f"certainty: {hop.certainty}" in text  # the CLI's word

    # hover a concept: its other names and external identifiers
    text = seen.hover(seen.page.evaluate(NODE_POINT, kg.resolve("UTI").iri))
    assert "urinary tract infection" in text and "UTI" in text and "mesh:D014552" in text

    # pick one path in the side panel: the others fade
    second = "2. " + " → ".join(drawn[1].labels)
    seen.page.locator(".etg-paths button").filter(has_text=re.compile("^" + re.escape(second))).click()
    on = set(drawn[1].links)
    faded = seen.data(
        "window.etiographNetwork.body.data.edges.get().filter(e => !e.hidden && e.color.opacity < 0.2)"
        ".map(e => e.partOf || e.id)"
    )
    assert faded and not on & set(faded)
    assert {link for p in drawn for link in p.links} - on == set(faded)
    seen.assert_clean()


def test_n_more_draws_and_lists_every_path(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    seen = visit(pages["classroom"])
    total = kg.paths(*QUESTION).total
    assert seen.page.locator(".etg-paths li").count() == 8
    more = seen.page.locator(".etg-more-button")
    assert more.inner_text() == f"{total - 8} more"
    more.click()
    assert seen.page.locator(".etg-paths li").count() == total  # the click handler lists them synchronously
    shown = seen.page.evaluate(GEOMETRY)
    assert len(shown["links"]) == len({(h.subject, h.object) for p in kg.paths(*QUESTION).paths for h in p.hops})
    assert shown["smallest"] >= 14 - 1e-6  # still opens on a readable part, never a hairball
    seen.assert_clean()


# Scroll the side panel as Playwright's click does (the button centred), hit-test the point, press the
# mouse, let two frames pass (a loaded machine: the scroll event is handled between press and release),
# release. Returns whether the point hit the button and the side panel's scroll height before and after.
SLOW_CLICK = """async () => {
  const button = document.querySelector('.etg-more-button');
  const side = document.querySelector('.etg-side');
  button.scrollIntoView({ block: 'center' });
  const box = button.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const before = side.scrollHeight;
  const hit = document.elementFromPoint(x, y) === button;
  return { x, y, hit, before };
}"""
FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())))"


def test_n_more_survives_a_slow_click(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    """Regression: "N more" clicked on a loaded machine listed nothing more. The side panel's "more
    below" hint took room; hiding it once the panel was scrolled to its end shrank the panel, its scroll
    position was clamped and the button moved between the press and the release of the click (the
    click then lands on no button). The hint takes no room now: the panel never moves under a pointer."""
    seen = visit(pages["classroom"])
    total = kg.paths(*QUESTION).total
    click = seen.page.evaluate(SLOW_CLICK)
    assert click["hit"], "the button's centre is covered after scrolling it into view"
    seen.page.mouse.move(click["x"], click["y"])
    seen.page.mouse.down()
    seen.page.evaluate(FRAMES)
    assert seen.data("document.querySelector('.etg-side').scrollHeight") == click["before"]
    seen.page.mouse.up()
    assert seen.page.locator(".etg-paths li").count() == total
    seen.assert_clean()


# -- readable from the back of the room, no arrow behind a concept, causes on the left ---------------
@pytest.mark.parametrize("viewport", [PROJECTOR, FULL_HD], ids=["1366x768", "1920x1080"])
def test_labels_readable_on_every_page(visit, pages: dict[str, Path], gallery: list[Path], viewport: dict) -> None:
    least = 14 if viewport is PROJECTOR else 16
    for path in [pages["classroom"], *gallery]:
        seen = visit(path, viewport=viewport)
        if path.name == "overview.html":
            assert seen.page.evaluate(SMALLEST_TEXT, ".etiograph-overview") >= least
        else:
            smallest = seen.page.evaluate(GEOMETRY)["smallest"]
            assert smallest >= least - 1e-6, f"{path.name}: labels {smallest:.1f} px at {viewport}"
        seen.assert_clean()


def test_no_arrow_behind_a_concept_it_does_not_touch(visit, pages: dict[str, Path], gallery: list[Path]) -> None:
    checked = 0
    for path in [pages["classroom"], *gallery]:
        if path.name == "overview.html":
            continue
        seen = visit(path)
        shown = seen.page.evaluate(GEOMETRY)
        assert shown["behind"] == [], f"{path.name}: arrows behind concepts {shown['behind']}"
        # causes left of effects, except where the data loops back (a cycle) or an intervention acts
        # on something before it
        info = seen.data("window.etiographDiagrams[0].data.info.edges")
        causal = [(a, b) for a, b, edge in shown["links"] if not info[edge]["counteracting"]]
        backwards = [(a, b) for a, b in causal if shown["x"][a] >= shown["x"][b] and not _reaches(causal, b, a)]
        assert backwards == [], f"{path.name}: effects left of causes {backwards}"
        checked += 1
        seen.assert_clean()
    assert checked >= 6


def _reaches(links: list[tuple[str, str]], start: str, goal: str) -> bool:
    """Whether ``goal`` can be reached from ``start`` along ``links``."""
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        for a, b in links:
            if a == node and b not in seen:
                if b == goal:
                    return True
                seen.add(b)
                stack.append(b)
    return False


def test_infections_start_on_the_left(visit, gallery: list[Path], kg: KnowledgeGraph) -> None:
    """The review found cystitis and pyelonephritis drawn at the far right of the electrolytes page."""
    page = next(p for p in gallery if p.name == "mechanism-electrolytes.html")
    seen = visit(page)
    shown = seen.page.evaluate(GEOMETRY)
    xs = sorted(shown["x"].values())
    for name in ("cystitis", "pyelonephritis", "urinary tract infection"):
        iri = kg.resolve(name).iri
        if iri in shown["x"]:
            assert shown["x"][iri] <= xs[len(xs) // 3], name
    seen.assert_clean()


def test_palette_is_okabe_ito_with_a_second_cue(pages: dict[str, Path]) -> None:
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(style.MECHANISM_COLOURS.values()) - okabe_ito == {"#7A7A7A"}  # one neutral grey
    marks = [m for m in style.MECHANISM_MARKERS.values() if m]
    assert len(marks) == len(set(marks)) == len(style.MECHANISM_MARKERS) - 1
    # the two oranges and the two blues never share a mark
    assert style.MECHANISM_MARKERS["inflammation"] != style.MECHANISM_MARKERS["referred-pain"]
    assert style.MECHANISM_MARKERS["electrolytes"] != style.MECHANISM_MARKERS["kidney"]


# -- story mode ------------------------------------------------------------------------------------------
def test_story_mode_steps_with_the_keyboard(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    seen = visit(pages["story"])
    page = seen.page
    diagram = build_diagram(kg, *QUESTION)
    first = diagram.paths[0]
    state = "document.querySelector('.etiograph-diagram').etiograph.story.state()"
    visible_links = "window.etiographNetwork.body.data.edges.get().filter(e => !e.hidden).map(e => e.partOf || e.id)"
    text = page.locator(".etg-story-text")
    assert seen.data(state) == {"path": 0, "step": 0}
    assert page.locator(".etg-story-text[aria-live='polite']").count() == 1
    assert set(seen.data(visible_links)) == set()
    for step, key in enumerate(["ArrowRight", "PageDown", "ArrowRight"][: len(first.steps)], start=1):
        page.keyboard.press(key)
        assert seen.data(state) == {"path": 0, "step": step}
        hop = first.steps[step - 1]
        assert hop.quote in text.inner_text()
        sentence = style.certainty_sentence(hop.certainty).format(hop.certainty)
        assert sentence in text.inner_text()
        assert set(seen.data(visible_links)) == set(first.links[:step])
        quote_px = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.etg-story-quote')).fontSize)"
        )
        assert quote_px >= 24
    page.keyboard.press("PageUp")
    assert seen.data(state)["step"] == len(first.steps[:3]) - 1
    page.keyboard.press("ArrowLeft")
    assert first.steps[max(len(first.steps[:3]) - 2, 0)].quote in text.inner_text() or seen.data(state)["step"] == 0
    page.keyboard.press("End")
    assert seen.data(state)["step"] == len(first.steps) + 1
    last = text.inner_text()
    assert "The whole path: " + " → ".join(first.labels) in last
    counters = [c for node in first.nodes for c in diagram.counters.get(node, [])]
    assert "What counteracts each step:" in last and counters
    assert all(f"{c.source_label} {c.predicate_label}" in last for c in counters)
    assert set(seen.data(visible_links)) == set(first.links)
    page.keyboard.press("Escape")
    assert seen.data(state) is None
    assert page.locator(".etg-story").is_hidden()
    seen.assert_clean()


def test_story_button_and_clicks(visit, pages: dict[str, Path]) -> None:
    seen = visit(pages["classroom"])
    page = seen.page
    page.get_by_role("button", name="Tell it as a story").click()
    assert page.locator(".etg-story").is_visible()
    page.get_by_role("button", name="Next →").click()
    page.locator(".etg-story-text").click()  # a click on the sentence goes on, like a clicker
    assert page.locator(".etiograph-diagram").get_attribute("data-story-step") == "2"
    page.get_by_role("button", name="← Back").click()
    assert page.locator(".etiograph-diagram").get_attribute("data-story-step") == "1"
    page.get_by_role("button", name="Close story").click()
    assert page.locator(".etg-story").is_hidden()
    seen.assert_clean()


# -- the overview by mechanism ----------------------------------------------------------------------------
def test_overview_by_mechanism(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    seen = visit(pages["overview"])
    page = seen.page
    panels = page.locator("button.etg-panel")
    mechanisms = {m for link in build_diagram(kg).links for c in link.claims for m in c.mechanisms}
    assert panels.count() == len(mechanisms)
    assert page.locator(".etg-chains li").count() >= panels.count()
    panels.nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !!document.querySelector('.etg-stage .etiograph-diagram[data-ready]')")
    assert page.locator(".etg-overview-home").is_hidden()
    shown = page.evaluate("() => window.etiographDiagrams.length")
    assert shown == 1
    geometry = page.evaluate(GEOMETRY)
    assert geometry["behind"] == [] and geometry["smallest"] >= 14 - 1e-6
    page.get_by_role("button", name="← All mechanisms").click()
    assert page.locator(".etg-overview-home").is_visible()
    seen.assert_clean()


# -- slides and handouts ----------------------------------------------------------------------------------
def test_png_and_svg_slides(visit, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    png = pages["png"].read_bytes()
    assert png.startswith(b"\x89PNG")
    seen = visit(content="<p>decoder</p>", ready=False)
    ink, width, height = seen.page.evaluate(INK, base64.b64encode(png).decode())
    assert (width, height) == (1920, 1080)  # a 16:9 slide
    assert ink > 0.03 * width * height
    svg = ET.fromstring(pages["svg"].read_text(encoding="utf-8"))
    assert svg.get("viewBox") == "0 0 1920 1080"
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    diagram = build_diagram(kg, *QUESTION)
    for path in diagram.paths[: diagram.drawn]:
        for label in path.labels:
            assert all(word in texts for word in label.split())
    seen.assert_clean()


def test_print_gives_the_handout(visit, pages: dict[str, Path], kg: KnowledgeGraph, tmp_path: Path) -> None:
    seen = visit(pages["classroom"])
    page = seen.page
    page.emulate_media(media="print")
    assert page.locator(".etg-handout").is_visible()
    for chrome in (".etg-body", ".etg-header", ".etg-tools"):
        assert page.locator(chrome).first.is_hidden()
    handout = page.locator(".etg-handout").inner_text()
    first = build_diagram(kg, *QUESTION).paths[0]
    assert "Path 1: " + " → ".join(first.labels) in handout
    assert first.steps[0].quote in handout
    assert "Source: “Can A Uti Cause Leg Cramps?”" in handout
    page.pdf(path=str(tmp_path / "handout.pdf"), format="A4")
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")

    standalone = pages["handout"].read_text(encoding="utf-8")
    assert "<script" not in standalone and "@page" in standalone
    seen = visit(pages["handout"], ready=False)
    assert "Path 1: " + " → ".join(first.labels) in seen.page.locator("main").inner_text()
    seen.assert_clean()


# -- safe with any data -----------------------------------------------------------------------------------
def test_whole_graph(visit, pages: dict[str, Path]) -> None:
    seen = visit(pages["everything"])
    payload = seen.data("document.querySelector('.etiograph-diagram').etiograph.data")
    assert seen.page.evaluate(GEOMETRY)["concepts"] == len(payload["nodes"]) > 50
    assert seen.page.evaluate(GEOMETRY)["smallest"] >= 14 - 1e-6  # a readable part, not a hairball
    bars = seen.data(
        "window.etiographNetwork.body.data.edges.get().filter(e => !e.partOf && e.arrows.to.type === 'bar').length"
    )
    assert bars == sum(e["counteracting"] for e in payload["info"]["edges"].values()) > 0
    assert seen.page.locator(".etg-legend").get_by_text("counteracts: treats, prevents").is_visible()
    seen.assert_clean()


def test_long_links_are_drawn_through_their_lanes(visit, pages: dict[str, Path]) -> None:
    """vis-network holds the concepts and one edge per link, nothing else; each long link's curve
    passes through its lane points, is drawn there, and is the link a pointer there hovers."""
    seen = visit(pages["everything"])
    payload = seen.data("document.querySelector('.etiograph-diagram').etiograph.data")
    routes = seen.page.evaluate(ROUTES)
    assert (routes["nodes"], routes["edges"]) == (len(payload["nodes"]), len(payload["edges"]))
    assert routes["through"] == routes["points"] > 200
    assert routes["inked"] == routes["shown"] > 20
    edge_id, *point = routes["free"]
    edge = next(e for e in payload["edges"] if e["id"] == edge_id)
    labels = {iri: info["label"] for iri, info in payload["info"]["nodes"].items()}
    arrow = " ⊣ " if payload["info"]["edges"][edge_id]["counteracting"] else " → "
    assert f"{labels[edge['from']]}{arrow}{labels[edge['to']]}" in seen.hover(point)
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
        point = page.evaluate(EDGE_POINT, causal)
        if point:
            assert EVIL_QUOTE in seen.hover(point)
        if name == "evil-paths":
            assert page.locator(".etg-header h1").inner_text() == f"How can {EVIL_LABEL} lead to cramp & <b>pain</b>?"
            assert EVIL_LABEL in page.locator(".etg-header .etg-caption").inner_text()
            page.get_by_role("button", name="Tell it as a story").click()
            page.keyboard.press("ArrowRight")
            assert EVIL_QUOTE in page.locator(".etg-story-text").inner_text()
            page.emulate_media(media="print")
            assert EVIL_QUOTE in page.locator(".etg-handout").inner_text()
        else:
            assert page.locator(".etg-header h1").inner_text() == "<script>window.__xss = 'title'</script>"
        assert page.evaluate("() => window.__xss") is None
        assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed, b, i').length") == 0
        seen.assert_clean()
    seen = visit(pages["evil-overview"])
    seen.page.locator("button.etg-panel").first.click()
    seen.page.wait_for_function("() => !!document.querySelector('.etg-stage .etiograph-diagram[data-ready]')")
    assert seen.page.evaluate("() => window.__xss") is None
    assert seen.page.evaluate("() => document.querySelectorAll('img, iframe, object, embed, b, i').length") == 0
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


def test_notebook_frame_grows_to_its_side_panel(visit, kg: KnowledgeGraph) -> None:
    """Notebook 02's first diagram in a 960-px output area: the frame grows until the side panel's list
    of paths shows whole (no scroll, no "more below"), and the diagram still opens at a readable size."""
    page_html = diagram_html(kg, *QUESTION, max_hops=4, title="How can a UTI lead to leg cramps?")
    seen = visit(content=f'<div style="width:960px">{diagram_iframe(page_html, height=860)}</div>', ready=False)
    frame = seen.page.frames[1]
    frame.wait_for_function("() => window.__etiographReady === true", timeout=20_000)
    seen.page.wait_for_function("() => document.querySelector('iframe').offsetHeight > 860", timeout=10_000)
    frame.wait_for_function(
        "() => { const s = document.querySelector('.etg-side'); return s.scrollHeight <= s.clientHeight + 1; }",
        timeout=10_000,
    )
    assert frame.evaluate("() => document.querySelector('.etg-more-below').hidden")
    assert frame.locator(".etg-paths li").count() == 8
    height = seen.page.evaluate("() => document.querySelector('iframe').offsetHeight")
    assert height <= FRAME_MAX_HEIGHT
    smallest = frame.evaluate(
        "() => { const d = window.etiographDiagrams[0]; return d.network.getScale() * d.data.options.nodes.font.size; }"
    )
    assert smallest >= 14 - 1e-6
    seen.assert_clean()


def test_big_graphs_draw_details_when_zoomed_in(visit, pages: dict[str, Path]) -> None:
    """Above DETAIL_LINKS links, a zoomed-out view skips arrowheads and dashes; zooming in brings them back."""
    seen = visit(pages["detail"])
    page = seen.page
    page.evaluate("() => { window.etiographNetwork.moveTo({ scale: 0.3, animation: false }); return null; }")
    page.evaluate("() => { window.etiographNetwork.emit('zoom', { scale: 0.3 }); return null; }")
    total = seen.data("window.etiographNetwork.body.data.edges.length")
    with_arrows = "window.etiographNetwork.body.data.edges.get().filter(e => e.arrows.to.enabled !== false).length"
    assert seen.data(with_arrows) == 0
    assert seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.dashes).length") == 0
    box = page.locator(".etg-network canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(40):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(20)
        if seen.data("window.etiographNetwork.getScale()") >= 1.0:
            break
    page.wait_for_function(f"() => {with_arrows} > 0 && {with_arrows} <= {total}", timeout=5_000)
    assert seen.data("window.etiographNetwork.body.data.edges.get().filter(e => e.dashes).length") > 0
    seen.assert_clean()
