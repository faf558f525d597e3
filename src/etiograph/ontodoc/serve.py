"""The documentation as a route of ``etiograph serve`` (``/ontology``), so the w3id IRIs of the
ontology and concepts have a page to resolve to in a deployment (``…/ontology#etio-causes``)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def policy(page: str) -> str:
    """A CSP for the page: its one inline style block by hash, nothing else loaded, no script."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in _STYLE.findall(page)
    )
    return (
        f"default-src 'none'; style-src {hashes}; img-src 'self' data:; script-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def ontology_route(data: Sequence[str | Path] | None = None, path: str = "/ontology"):
    """A Starlette ``Route`` serving the documentation of ``data`` (default: the bundled graph), built
    on first request in a worker thread and cached."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    cache: dict[str, str] = {}

    def render() -> str:
        from ..graph import KnowledgeGraph
        from . import page_html

        return page_html(KnowledgeGraph.load(data=data), gallery=None)

    async def ontology(request):
        if "html" not in cache:
            cache["html"] = await run_in_threadpool(render)
            cache["policy"] = policy(cache["html"])
        return HTMLResponse(
            cache["html"], headers={"Content-Security-Policy": cache["policy"], "Cache-Control": "no-cache"}
        )

    return Route(path, ontology, methods=["GET"])
