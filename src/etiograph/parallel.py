"""Two halves of one job at once, on two cores: the first in a forked child, the second here.

Laying out an export is pure Python, so threads cannot share it out (the GIL); a forked child starts
in about a millisecond with everything already computed (the nanopublications, the prefixes), which
is what ``export --split`` and ``--format trig`` need to halve the layout of two hundred
nanopublications. Used only where it is safe: ``os.fork`` exists, this process may run on two cores
or more, and no thread runs but this one and the CLI's main thread waiting for it (a fork copies
only the calling thread; a lock another thread held would stay locked in the child).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The forked half raised: its message, as the child said it."""


def may_fork() -> bool:
    """Whether a second process can help here and forking is safe (see the module's docstring)."""
    if not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threading = sys.modules.get("threading")
    return cores >= 2 and (threading is None or threading.active_count() <= 2)


def in_two(first: Callable[[], bytes], second: Callable[[], T]) -> tuple[bytes, T]:
    """``(first(), second())``, the first computed in a forked child at the same time as the second here
    when :func:`may_fork`, else one after the other. The child's bytes come back through a pipe; if it
    raises, :class:`ChildFailed` is raised here with its message, once both halves are done."""
    if not may_fork():
        return first(), second()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its half, then out, without this process's exit handlers or buffers
        code, data = 0, b""
        try:
            os.close(reader)
            data = b"+" + first()
        except BaseException as error:  # whatever it is, said through the pipe
            code, data = 1, b"-" + str(getattr(error, "strerror", None) or error).encode("utf-8", "replace")
        try:
            write_all(writer, data)
        finally:
            os._exit(code)
    os.close(writer)
    try:
        mine = second()
    finally:
        with os.fdopen(reader, "rb") as pipe:  # read before waiting: a full pipe would block the child
            data = pipe.read()
        _, status = os.waitpid(child, 0)
    if status != 0 or not data.startswith(b"+"):
        raise ChildFailed(data[1:].decode("utf-8", "replace") or f"the forked half ended with status {status}")
    return data[1:], mine


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to the file descriptor ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
