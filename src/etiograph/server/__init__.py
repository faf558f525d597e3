"""``etiograph serve``: the graph as a read-only SPARQL 1.1 endpoint, with a query page.

>>> from etiograph.server import create_app   # an ASGI app; run it with uvicorn or any ASGI server

The server stack (Starlette, uvicorn) is imported only when the app is built, so that
``etiograph --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

__all__ = ["create_app"]

if TYPE_CHECKING:
    from .app import create_app


__getattr__, __dir__ = exports(__name__, {"create_app": "app"})
