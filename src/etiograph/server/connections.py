"""Connections in front of uvicorn: a deadline for each request, and room for every client.

uvicorn (0.54, h11) waits forever for a request's headers and counts idle sockets towards its
concurrency limit, so the review of 2026-11-30 denied service to everyone with 520 idle TCP
connections (C5, C6, B36, B37). :func:`guarded_protocol` returns uvicorn's own HTTP protocol
(the httptools parser where installed) with three rules added:

- **request deadline**: a request (line, headers and body) must arrive within ``request_timeout``
  seconds of the connection opening, or of the previous answer on a kept-alive connection; if not,
  the connection is closed. Idle kept-alive connections close after uvicorn's 5 s as before;
- **per-client room**: an address may hold ``per_client`` connections; when it opens one more,
  its oldest connection *without a request in progress* is closed to make room (the newest,
  presumably a real request, is kept). So idle connections never lock out the next request,
  from another address or from the same one;
- **total room**: the same across all addresses beyond ``max_connections``.

Connections with a request in progress are never closed by these rules; their number is bounded
by the query pool's limits and the request deadline.
"""

from __future__ import annotations

from collections import OrderedDict


def guarded_protocol(*, request_timeout: float = 10.0, per_client: int = 64, max_connections: int = 2048):
    """A subclass of uvicorn's HTTP protocol (httptools' when installed, else h11's) enforcing the
    rules above; pass it as ``uvicorn.Config(http=…)``."""
    by_client: dict[str, OrderedDict[int, object]] = {}
    everyone: OrderedDict[int, object] = OrderedDict()

    def evict_oldest_idle(connections: OrderedDict) -> bool:
        for protocol in connections.values():
            if not protocol.busy:
                protocol.drop()
                return True
        return False

    class Guard:
        """The rules, mixed into either parser's protocol class."""

        busy = False
        deadline = None
        key = ""
        stats: dict[str, int] = {}  # noqa: RUF012 - one dict per guarded class, shared by its connections

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.key = self.client[0] if self.client else ""
            mine = by_client.setdefault(self.key, OrderedDict())
            if len(mine) >= per_client:
                evict_oldest_idle(mine)
            if len(everyone) >= max_connections:
                evict_oldest_idle(everyone)
            mine[id(self)] = self
            everyone[id(self)] = self
            self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            mine = by_client.get(self.key)
            if mine is not None:
                mine.pop(id(self), None)
                if not mine:
                    del by_client[self.key]
            everyone.pop(id(self), None)
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            self.busy = False
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def headers_in(self) -> None:
            self.busy = True  # a real request: never evicted

        def request_in(self) -> None:
            self._disarm()

        def drop(self) -> None:
            self.stats["dropped"] = self.stats.get("dropped", 0) + 1
            self._disarm()
            self.transport.abort()

        def _arm(self) -> None:
            self._disarm()
            self.deadline = self.loop.call_later(request_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
                self.deadline = None

        def _too_slow(self) -> None:
            self.deadline = None
            if not self.transport.is_closing():
                self.stats["timed_out"] = self.stats.get("timed_out", 0) + 1
                self.transport.abort()

    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools is optional: uvicorn's pure-Python parser then
        import h11
        from uvicorn.protocols.http.h11_impl import H11Protocol

        class GuardedH11(Guard, H11Protocol):
            def data_received(self, data: bytes) -> None:
                super().data_received(data)
                state = self.conn.their_state
                if state is h11.SEND_BODY or state is h11.DONE:
                    self.headers_in()
                if state is h11.DONE or state is h11.MUST_CLOSE or state is h11.CLOSED:
                    self.request_in()

        protocol = GuardedH11
    else:

        class GuardedHttpTools(Guard, HttpToolsProtocol):
            def on_headers_complete(self) -> None:
                super().on_headers_complete()
                self.headers_in()

            def on_message_complete(self) -> None:
                super().on_message_complete()
                self.request_in()

        protocol = GuardedHttpTools
    protocol.stats = {}
    protocol.by_client = by_client
    protocol.everyone = everyone
    return protocol
