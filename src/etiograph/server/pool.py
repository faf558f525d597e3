"""The query workers, driven from the server's event loop without ever blocking it.

One *zygote* process (:mod:`etiograph.server.zygote`) loads the graph once and forks workers;
each answers one query at a time. The pool keeps ``size`` workers ready and, when they are all
busy, forks more, up to ``max_workers``: two heavy queries do not make a simple one wait. A
worker is killed (SIGKILL: pyoxigraph's evaluation is native code that no Python-level
interruption reaches) and replaced in milliseconds when

- its query runs past the timeout (503);
- its client goes away (the server cancels the request: :meth:`WorkerPool.run` is cancelled);
- it dies: the allocator aborts when a query passes the worker's memory limit (503), or a crash (500).

A query that runs longer than ``heavy_after`` seconds is *long*: its worker's CPU priority is
lowered (``nice`` 10), so the cheap queries beside it keep their share of the processors, and the
worker is retired once it answers. Each client address may run at most ``per_client`` long
queries at once; one more that turns long is stopped at once (503). Short queries are never
limited per client: they only wait, briefly, for a free worker. When every worker is busy for
longer than ``patience`` seconds, another is forked (up to ``max_workers``); extra workers idle
for a few seconds are retired.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from .worker import FRAME, MEMORY_MESSAGE, Answer, encode_frame

log = logging.getLogger("etiograph.server")


class WorkerError(Exception):
    """The zygote or a worker could not start, or stopped unexpectedly."""


class SandboxError(WorkerError):
    """The kernel sandbox is unavailable on this machine."""


def _recv_exactly(sock: socket.socket, size: int, data: bytes = b"") -> bytes:
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _recv_frame(sock: socket.socket, with_fd: bool = False) -> tuple[dict, list[int]]:
    fds: list[int] = []
    if with_fd:
        first, fds, _, _ = socket.recv_fds(sock, FRAME.size, 1)
        if not first:
            raise EOFError
    else:
        first = b""
    head = _recv_exactly(sock, FRAME.size, first)
    head_size, body_size = FRAME.unpack(head)
    header = json.loads(_recv_exactly(sock, head_size))
    if body_size:
        _recv_exactly(sock, body_size)
    return header, fds


class Zygote:
    """The process that holds the loaded graph and forks workers. Its methods block: call them
    from a thread (``asyncio.to_thread``); a lock keeps one request at a time."""

    def __init__(self, argv: Sequence[str]):
        self.argv = list(argv)
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.sandbox: list[str] = []
        self.triples: int | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.process = subprocess.Popen(
                [*self.argv, "--control", str(theirs.fileno())], pass_fds=[theirs.fileno()], env=worker_env()
            )
        finally:
            theirs.close()
        self.control = ours
        try:
            header, _ = _recv_frame(ours)
        except (EOFError, OSError) as error:
            self.close()
            raise WorkerError("the query process exited while loading the graph (see the messages above)") from error
        if not header.get("ready"):
            self.close()
            if header.get("sandbox"):
                raise SandboxError(header.get("error", "the sandbox is unavailable"))
            raise WorkerError(str(header.get("error", "unknown error")))
        self.sandbox = list(header.get("sandbox") or [])
        self.triples = header.get("triples")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def fork(self) -> tuple[int, socket.socket]:
        with self._lock:
            if self.control is None:
                raise WorkerError("the query process is not running")
            try:
                self.control.sendall(encode_frame({"fork": True}))
                header, fds = _recv_frame(self.control, with_fd=True)
            except (EOFError, OSError) as error:
                raise WorkerError("the query process stopped unexpectedly") from error
        if not fds:
            raise WorkerError("the query process sent no worker")
        return int(header["forked"]), socket.socket(fileno=fds[0])

    def reap(self, pid: int) -> dict:
        with self._lock:
            if self.control is None:
                return {}
            try:
                self.control.sendall(encode_frame({"reap": pid}))
                header, _ = _recv_frame(self.control)
            except (EOFError, OSError):
                return {}
            return header

    def close(self) -> None:
        if self.control is not None:
            with contextlib.suppress(OSError):
                self.control.close()
            self.control = None
        if self.process is not None:
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Worker:
    """One forked worker: its pid and the server's end of its socket."""

    def __init__(self, pid: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.pid = pid
        self.reader = reader
        self.writer = writer
        self.heavy = False
        self.evicted = False
        self.idle_since = 0.0

    async def ask(self, request: dict) -> tuple[dict, bytes]:
        self.writer.write(encode_frame(request))
        await self.writer.drain()
        head_size, body_size = FRAME.unpack(await self.reader.readexactly(FRAME.size))
        header = json.loads(await self.reader.readexactly(head_size))
        body = await self.reader.readexactly(body_size) if body_size else b""
        return header, body

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)
        self.writer.close()


@dataclass
class PoolStats:
    answered: int = 0
    timed_out: int = 0
    crashed: int = 0
    out_of_memory: int = 0
    cancelled: int = 0
    evicted: int = 0
    replaced: int = 0
    forked: int = 0


class WorkerPool:
    """``size`` ready workers (up to ``max_workers`` when busy); :meth:`run` answers within ``timeout`` s."""

    def __init__(
        self,
        argv: Sequence[str],
        size: int,
        timeout: float,
        *,
        max_workers: int | None = None,
        per_client: int | None = None,
        heavy_after: float = 1.0,
    ):
        self.zygote = Zygote(argv)
        self.size = size
        self.max_workers = max(size, max_workers or size * 2 + 2)
        self.per_client = per_client or max(1, self.max_workers // 3)
        self.timeout = timeout
        self.heavy_after = heavy_after
        self.patience = 0.05
        self.idle_extra = 3.0
        self.stats = PoolStats()
        self.dataset: dict | None = None
        self._statistics: dict | None = None
        self._idle: deque[Worker] = deque()
        self._waiters: deque[asyncio.Future] = deque()
        self._count = 0  # workers alive or being forked
        self._long: dict[str, int] = {}  # long queries running, per client address
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self.started = False

    @property
    def triples(self) -> int | None:
        return self.dataset["triples"] if self.dataset else None

    @property
    def workers(self) -> int:
        return self._count

    # -- life cycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Load the graph (in the zygote), fork the ready workers, read the statistics. Once."""
        if self.started:
            return
        self.started = True
        await asyncio.to_thread(self.zygote.start)
        for _ in range(self.size):
            self._idle.append(await self._fork())
        triples = self.zygote.triples
        if triples is None:  # a persistent store: only the workers open it
            worker = self._idle.popleft()
            try:
                header, _ = await worker.ask({"stats": "count"})
            finally:
                self._idle.appendleft(worker)
            triples = header["triples"]
        self.dataset = {"triples": triples}
        self._spawn(self._trim())

    async def statistics(self) -> dict:
        """The dataset's VoID statistics, computed by a worker the first time they are asked for
        (grouping every triple takes seconds on a large graph: not at start-up)."""
        if self._statistics is None:
            worker = await self._fork()  # its own worker, retired after: the scans copy the pages they read
            try:
                header, _ = await worker.ask({"stats": "full"})
            finally:
                self._retire(worker, quietly=True)
            self._statistics = header["stats"]
        return self._statistics

    async def _fork(self) -> Worker:
        self._count += 1
        try:
            try:
                pid, sock = await asyncio.to_thread(self.zygote.fork)
            except WorkerError:
                if self._closed or self.zygote.alive:
                    raise
                log.error("the query process stopped; loading the graph again")
                self.zygote.close()
                await asyncio.to_thread(self.zygote.start)
                pid, sock = await asyncio.to_thread(self.zygote.fork)
            sock.setblocking(False)  # a socket received over SCM_RIGHTS starts blocking: it would stall the loop
            reader, writer = await asyncio.open_unix_connection(sock=sock, limit=1 << 20)
        except BaseException:
            self._count -= 1
            raise
        self.stats.forked += 1
        return Worker(pid, reader, writer)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        while self._idle:
            worker = self._idle.popleft()
            worker.writer.close()
        self._count = 0
        await asyncio.to_thread(self.zygote.close)

    # -- answering -----------------------------------------------------------------------------
    async def run(self, request: dict, client: str = "") -> Answer:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        worker = await self._borrow(deadline)
        if worker is None:
            return Answer.text(
                503, f"all {self.max_workers} query workers stayed busy for {self.timeout:g} s; try again later"
            )
        return await self._ask(worker, request, client, max(0.001, deadline - loop.time()))

    async def _ask(self, worker: Worker, request: dict, client: str, budget: float) -> Answer:
        loop = asyncio.get_running_loop()
        started = loop.time()
        slow = loop.call_later(self.heavy_after, self._turned_long, worker, client)
        try:
            async with asyncio.timeout(budget):
                header, body = await worker.ask(request)
        except TimeoutError:
            self.stats.timed_out += 1
            log.warning("query stopped after %.1f s (worker %s killed)", loop.time() - started, worker.pid)
            self._retire(worker)
            return Answer.text(
                503,
                f"the query ran longer than this server's {self.timeout:g} s limit and was stopped; "
                "narrow it (more specific patterns, LIMIT) and try again",
            )
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError, json.JSONDecodeError):
            worker.kill()  # before reaping: a reaped pid may be reused
            if worker.evicted:
                self._retire(worker, reaped=False, killed=True)
                return Answer.text(
                    503,
                    f"this client already runs {self.per_client} long queries (over {self.heavy_after:g} s); this one "
                    "was stopped: wait for them to finish (the server's per-client limit)",
                )
            ended = await asyncio.to_thread(self.zygote.reap, worker.pid)
            self._retire(worker, reaped=True)
            if ended.get("signal") in (signal.SIGABRT, signal.SIGBUS):  # the allocator gave up at RLIMIT_AS
                self.stats.out_of_memory += 1
                log.warning("a query passed the worker memory limit (worker %s ended: %s)", worker.pid, ended)
                return Answer.text(503, MEMORY_MESSAGE)
            self.stats.crashed += 1
            log.error("a query worker stopped unexpectedly (%s); starting another", ended or "unknown")
            return Answer.text(500, "the query worker stopped unexpectedly; the query was not answered")
        except BaseException:  # cancelled: the client is gone, or the server stops
            self.stats.cancelled += 1
            self._retire(worker)
            raise
        finally:
            slow.cancel()
            if worker.heavy:
                self._long[client] -= 1
                if not self._long[client]:
                    del self._long[client]
        self.stats.answered += 1
        if worker.heavy:
            self._retire(worker, quietly=True)  # its priority stays lowered: a fresh one replaces it
        else:
            self._release(worker)
        return Answer(header["status"], header["content_type"], body, header.get("headers") or {})

    def _turned_long(self, worker: Worker, client: str) -> None:
        """A query passed ``heavy_after``: lower its priority, or stop it if its client has enough long ones."""
        if self._long.get(client, 0) >= self.per_client:
            self.stats.evicted += 1
            worker.evicted = True
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(worker.pid, signal.SIGKILL)  # the pending read ends; _ask answers 503
            return
        worker.heavy = True
        self._long[client] = self._long.get(client, 0) + 1
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.pid, 10)

    # -- borrowing workers -----------------------------------------------------------------------
    async def _borrow(self, deadline: float) -> Worker | None:
        """An idle worker; else the next one freed; after ``patience`` s without one, a new fork
        (when below ``max_workers``); None at the deadline."""
        if self._idle:
            return self._idle.popleft()
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self._waiters.append(waiter)
        forking = False
        try:
            while True:
                wait = max(0.001, deadline - loop.time())
                if not forking and self._count < self.max_workers:
                    wait = min(wait, self.patience)
                try:
                    return await asyncio.wait_for(asyncio.shield(waiter), wait)
                except TimeoutError:
                    if loop.time() >= deadline:
                        break
                    if not forking and self._count < self.max_workers:
                        forking = True  # the fork joins the pool; this request takes whichever comes first
                        self._spawn(self._grow())
        except BaseException:
            self._give_back(waiter)
            raise
        self._give_back(waiter)
        return None

    def _give_back(self, waiter: asyncio.Future) -> None:
        """A wait that ended without taking its worker: a worker handed over meanwhile goes back."""
        if waiter.done() and not waiter.cancelled():
            self._release(waiter.result())
        waiter.cancel()

    async def _grow(self) -> None:
        try:
            worker = await self._fork()
        except (WorkerError, OSError) as error:
            log.error("could not start a query worker: %s", error)
            return
        self._release(worker)

    async def _trim(self) -> None:
        """Retire extra workers (beyond ``size``) that stayed idle for ``idle_extra`` seconds."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            await asyncio.sleep(1.0)
            now = loop.time()
            while self._count > self.size and self._idle and now - self._idle[0].idle_since > self.idle_extra:
                self._retire(self._idle.popleft(), quietly=True)

    def _release(self, worker: Worker) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        worker.idle_since = asyncio.get_running_loop().time()
        self._idle.append(worker)

    def _retire(self, worker: Worker, quietly: bool = False, reaped: bool = False, killed: bool = False) -> None:
        """Kill a worker; fork a replacement when below ``size`` or when queries wait."""
        if not reaped and not killed:
            worker.kill()
        self._count -= 1
        self._spawn(self._reap_and_replace(worker, quietly, reaped))

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reap_and_replace(self, worker: Worker, quietly: bool, reaped: bool) -> None:
        if not reaped:
            ended = await asyncio.to_thread(self.zygote.reap, worker.pid)
            if not quietly:
                log.debug("worker %s ended: %s", worker.pid, ended)
        delay = 0.05
        while not self._closed and (self._count < self.size or (self._waiters and self._count < self.max_workers)):
            try:
                replacement = await self._fork()
            except (WorkerError, OSError) as error:
                log.error("could not start a query worker: %s; retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            if self._closed:
                replacement.kill()
                return
            self.stats.replaced += 1
            self._release(replacement)


def worker_env() -> dict[str, str]:
    """The server's environment, with this very etiograph first on the path (not another installed copy)."""
    from pathlib import Path

    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    env.setdefault("MALLOC_ARENA_MAX", "2")  # each thread's malloc arena reserves 64 MiB of address space
    return env


def zygote_argv(
    paths: Sequence[str], store: str | None, *, sandbox: bool = True, query_memory: int | None = None
) -> list[str]:
    """The command line that starts the zygote (the server adds ``--control FD``)."""
    argv = [sys.executable, "-m", "etiograph.server.zygote"]
    for path in paths:
        argv += ["--data", str(path)]
    if store:
        argv += ["--store", store]
    if query_memory is not None:
        argv += ["--query-memory", str(query_memory)]
    if not sandbox:
        argv.append("--unsafe-no-sandbox")
    return argv
