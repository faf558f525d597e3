"""Regenerate the README's educator screenshots (run by hand, not by the test suite).

    .venv/bin/python docs/img/make_screenshots.py

Writes, next to this file: the classroom diagram at a projector's 1366×768, a story step, the
overview by mechanism, and the first page of the printed handout (A4, print stylesheet), each
made with the same commands the README shows, opened in headless Chromium with the network
blocked. Pages are written to a temporary folder; only the PNGs land here.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from etiograph.cli import main

HERE = Path(__file__).resolve().parent
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


def run() -> None:
    if not CHROMIUM:
        sys.exit("no Chromium: install it (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="etiograph-docs-") as folder:
        out = Path(folder)
        classroom, overview = out / "classroom.html", out / "overview.html"
        assert main(["viz", "UTI", "leg cramps", "-o", str(classroom)]) == 0
        assert main(["viz", "-o", str(overview)]) == 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def open_page(path: Path, viewport: dict = PROJECTOR):
                page = browser.new_context(viewport=viewport).new_page()
                url = path.as_uri()
                page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
                page.goto(url)
                page.wait_for_function("() => window.__etiographReady === true", timeout=60_000)
                page.wait_for_timeout(300)
                return page

            page = open_page(classroom)
            page.screenshot(path=str(HERE / "classroom-1366x768.png"))

            page.get_by_role("button", name="Tell it as a story").click()
            for _ in range(2):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(300)
            page.screenshot(path=str(HERE / "story-step.png"))

            page = open_page(overview)
            page.screenshot(path=str(HERE / "overview-by-mechanism.png"))

            page = open_page(classroom, {"width": 794, "height": 1123})  # A4 at 96 dpi
            page.emulate_media(media="print")
            page.add_style_tag(content="body { padding: 14mm; }")  # the @page margins a printer adds
            page.wait_for_timeout(200)
            page.screenshot(path=str(HERE / "handout-page.png"))
            browser.close()
    for name in ("classroom-1366x768.png", "story-step.png", "overview-by-mechanism.png", "handout-page.png"):
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    run()
