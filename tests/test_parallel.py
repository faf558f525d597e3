"""``etiograph.parallel.in_two``: the first half in a forked child, the second here, same answers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from etiograph.parallel import ChildFailed, in_two, may_fork

needs_fork = pytest.mark.skipif(not may_fork(), reason="needs os.fork and two cores")


@needs_fork
def test_the_first_half_runs_in_another_process() -> None:
    here = os.getpid()
    data, mine = in_two(lambda: str(os.getpid()).encode(), lambda: os.getpid())
    assert mine == here and int(data) != here


@needs_fork
def test_a_large_answer_comes_back_whole() -> None:
    big = bytes(range(256)) * 4096  # 1 MiB: more than a pipe holds, read while the child writes
    assert in_two(lambda: big, lambda: None) == (big, None)


@needs_fork
def test_the_childs_error_is_raised_here_with_its_message_after_both_halves() -> None:
    done = []

    def fail() -> bytes:
        raise OSError(36, "File name too long")

    with pytest.raises(ChildFailed, match="File name too long"):
        in_two(fail, lambda: done.append(True))
    assert done == [True]


@needs_fork
def test_an_error_here_still_waits_for_the_child(tmp_path) -> None:
    note = tmp_path / "child.pid"

    def first() -> bytes:
        note.write_text(str(os.getpid()))
        return b"fine"

    with pytest.raises(ZeroDivisionError):
        in_two(first, lambda: 1 / 0)
    with pytest.raises(ChildProcessError):  # already waited for: no longer a child of this process
        os.waitpid(int(note.read_text()), os.WNOHANG)


def test_no_fork_while_another_thread_runs() -> None:
    # A fork copies only the calling thread: with a third thread running, both halves run here.
    stop = threading.Event()
    extra = [threading.Thread(target=stop.wait) for _ in range(2)]
    for thread in extra:
        thread.start()
    try:
        assert not may_fork()
        assert in_two(lambda: str(os.getpid()).encode(), os.getpid) == (str(os.getpid()).encode(), os.getpid())
    finally:
        stop.set()
        for thread in extra:
            thread.join()


def test_no_fork_on_one_core() -> None:
    # A process allowed one core only (as `taskset -c 0` would run it) does both halves itself.
    probe = "import os; os.sched_setaffinity(0, {0}); from etiograph.parallel import may_fork; print(may_fork())"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
