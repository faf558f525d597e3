"""A small pool of query workers, driven from the server's event loop without ever blocking it.

Each worker is a process (:mod:`etiograph.server.worker`) with its own copy of the graph. A
request borrows an idle worker, sends it the query and awaits the answer. When the answer does
not come within the timeout, the worker is killed (SIGKILL: pyoxigraph's evaluation is native
code that no Python-level interruption reaches) and a fresh one is started in the background,
while the other workers keep answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from .worker import FRAME, Answer

log = logging.getLogger("etiograph.server")


class WorkerError(Exception):
    """A worker that could not start or that stopped unexpectedly."""


class Worker:
    """One worker process and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.triples: int | None = None

    @classmethod
    async def start(cls, argv: Sequence[str]) -> Worker:
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None, env=worker_env()
        )
        worker = cls(process)
        try:
            header, _ = await worker._read()
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            await worker.kill()
            raise WorkerError("a query worker exited while starting (see the messages above)") from error
        if not header.get("ready"):
            await worker.kill()
            raise WorkerError(f"a query worker could not load the graph: {header.get('error', 'unknown error')}")
        worker.triples = header.get("triples")
        return worker

    async def _read(self) -> tuple[dict, bytes]:
        assert self.process.stdout is not None
        head_size, body_size = FRAME.unpack(await self.process.stdout.readexactly(FRAME.size))
        header = json.loads(await self.process.stdout.readexactly(head_size))
        body = await self.process.stdout.readexactly(body_size) if body_size else b""
        return header, body

    async def ask(self, request: dict) -> Answer:
        assert self.process.stdin is not None
        data = json.dumps(request).encode()
        self.process.stdin.write(FRAME.pack(len(data), 0) + data)
        await self.process.stdin.drain()
        header, body = await self._read()
        return Answer(header["status"], header["content_type"], body, header.get("headers") or {})

    async def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        with contextlib.suppress(Exception):
            await self.process.wait()

    async def close(self) -> None:
        """Ask politely (close its input), then kill if it lingers."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 2)
        except TimeoutError:
            await self.kill()


@dataclass
class PoolStats:
    answered: int = 0
    timed_out: int = 0
    crashed: int = 0
    replaced: int = 0


class WorkerPool:
    """``size`` workers started with ``argv``; :meth:`run` answers one query within ``timeout`` seconds."""

    def __init__(self, argv: Sequence[str], size: int, timeout: float):
        self.argv = list(argv)
        self.size = size
        self.timeout = timeout
        self.stats = PoolStats()
        self.triples: int | None = None
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._all: set[Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self.started = False

    async def start(self) -> None:
        """Start the workers and wait until each has loaded the graph (once; later calls do nothing)."""
        if self.started:
            return
        self.started = True
        workers = await asyncio.gather(*(Worker.start(self.argv) for _ in range(self.size)), return_exceptions=True)
        failures = [w for w in workers if isinstance(w, BaseException)]
        for worker in workers:
            if isinstance(worker, Worker):
                self._all.add(worker)
                self._idle.put_nowait(worker)
                self.triples = worker.triples
        if failures:
            await self.close()
            raise WorkerError(str(failures[0]))

    async def run(self, request: dict) -> Answer:
        loop = asyncio.get_running_loop()
        worker = await self._borrow()
        if worker is None:
            return Answer.text(
                503, f"all {self.size} query workers stayed busy for {self.timeout:g} s; try again in a moment"
            )
        started = loop.time()
        try:
            reply = await asyncio.wait_for(worker.ask(request), self.timeout)
        except TimeoutError:
            self.stats.timed_out += 1
            log.warning("query stopped after %.1f s (worker %s killed)", loop.time() - started, worker.process.pid)
            self._replace(worker)
            return Answer.text(
                503,
                f"the query ran longer than this server's {self.timeout:g} s limit and was stopped; "
                "narrow it (more specific patterns, LIMIT) and try again",
            )
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError, json.JSONDecodeError) as error:
            self.stats.crashed += 1
            log.error("a query worker stopped unexpectedly (%s); starting another", type(error).__name__)
            self._replace(worker)
            return Answer.text(500, "the query worker stopped unexpectedly; the query was not answered")
        except BaseException:  # cancelled (client gone, shutdown): the worker's state is unknown
            self._replace(worker)
            raise
        self.stats.answered += 1
        self._idle.put_nowait(worker)
        return reply

    async def _borrow(self) -> Worker | None:
        """An idle worker within the timeout, or None. Never loses one: a worker handed over just as
        the wait ends (or as the request is cancelled) goes back to the queue."""
        getter = asyncio.ensure_future(self._idle.get())
        try:
            done, _ = await asyncio.wait({getter}, timeout=self.timeout)
        except BaseException:
            getter.cancel()
            self._return_if_taken(getter)
            raise
        if done:
            return getter.result()
        getter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getter
        if getter.cancelled():
            return None
        return getter.result()

    def _return_if_taken(self, getter: asyncio.Future) -> None:
        def give_back(future: asyncio.Future) -> None:
            if not future.cancelled() and future.exception() is None:
                self._idle.put_nowait(future.result())

        getter.add_done_callback(give_back)

    def _replace(self, worker: Worker) -> None:
        self._all.discard(worker)
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, old: Worker) -> None:
        await old.kill()
        delay = 0.5
        while not self._closed:
            try:
                worker = await Worker.start(self.argv)
            except (WorkerError, OSError) as error:
                log.error("could not start a query worker: %s; retrying in %.1f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            if self._closed:
                await worker.kill()
                return
            self.stats.replaced += 1
            self._all.add(worker)
            self._idle.put_nowait(worker)
            return

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*(w.close() for w in list(self._all)), return_exceptions=True)
        self._all.clear()


def worker_env() -> dict[str, str]:
    """The server's environment, with this very etiograph first on the path (not another installed copy)."""
    import os
    from pathlib import Path

    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    return env


def worker_argv(paths: Sequence[str], store: str | None, sandbox: bool = True) -> list[str]:
    """The command line that starts one worker."""
    argv = [sys.executable, "-m", "etiograph.server.worker"]
    for path in paths:
        argv += ["--data", str(path)]
    if store:
        argv += ["--store", store]
    if not sandbox:
        argv.append("--no-sandbox")
    return argv
