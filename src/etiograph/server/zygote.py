"""The zygote: loads the graph once, confines itself, then forks query workers on request.

``etiograph serve`` starts one (``python -m etiograph.server.zygote``) with a Unix socket as its
only channel. The zygote loads the data, warms every code path up, applies the kernel sandbox
(:func:`etiograph.server.isolation.confine`), says ``ready``, then answers two requests:

- ``{"fork": true}``: fork a worker, which inherits the loaded graph (copy-on-write: memory is
  shared until written) and the sandbox, lowers its own address-space limit (``RLIMIT_AS``), and
  serves queries on a new socket pair whose other end is passed to the server (``SCM_RIGHTS``)
  with the worker's pid;
- ``{"reap": pid}``: collect a worker the server has stopped, and say how it ended (a worker
  killed by the allocator, SIGABRT, ran out of its memory budget).

A fork takes milliseconds, which is what lets the server kill a runaway or abandoned query and
have a fresh worker at once, and start extra workers when heavy queries hold the usual ones.
"""

from __future__ import annotations

import argparse
import array
import os
import resource
import signal
import socket
import sys
import threading

from .memory import release_free_memory
from .worker import QUERY_STACK, Engine, encode_frame, read_frame, serve, warm_up

#: Address space a worker may add for one query's needs, beyond what the zygote had (the thread
#: stack and malloc arenas are counted on top).
DEFAULT_QUERY_MEMORY = 1024 * 1024 * 1024
_OVERHEAD = QUERY_STACK + 256 * 1024 * 1024


def address_space() -> int:
    """This process's virtual size (bytes), read before the sandbox closes /proc."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _send(control: socket.socket, header: dict, fds: list[int] | None = None) -> None:
    data = encode_frame(header)
    if fds:
        control.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        control.sendall(data)


def _worker(engine: Engine, connection: socket.socket, limit: int) -> None:
    """In the forked child: lower the address-space limit, open the store, serve in a big-stack thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    engine.open()
    threading.stack_size(QUERY_STACK)
    thread = threading.Thread(target=serve, args=(engine, connection), name="queries")
    thread.start()
    thread.join()


def fork_worker(engine: Engine, control: socket.socket, limit: int) -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            control.close()
            theirs.close()
            _worker(engine, ours, limit)
        except BaseException:  # pragma: no cover - say it in the log, never return into the zygote loop
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    ours.close()
    try:
        _send(control, {"forked": pid}, [theirs.fileno()])
    finally:
        theirs.close()


def reap(pid: int) -> dict:
    """Wait for a stopped worker; how it ended."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return {"reaped": pid, "unknown": True}
    if os.WIFSIGNALED(status):
        return {"reaped": pid, "signal": os.WTERMSIG(status)}
    return {"reaped": pid, "exit": os.WEXITSTATUS(status)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etiograph.server.zygote", description=__doc__)
    parser.add_argument("--control", type=int, required=True, help="file descriptor of the server's socket")
    parser.add_argument("--data", action="append", default=[], help="a file to load (repeatable)")
    parser.add_argument("--store", help="oxigraph (default), oxigraph:PATH or rdflib")
    parser.add_argument("--query-memory", type=int, default=DEFAULT_QUERY_MEMORY, help="bytes per worker, 0: none")
    parser.add_argument("--unsafe-no-sandbox", action="store_true", help="skip the kernel sandbox")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    control = socket.socket(fileno=args.control)
    incoming = control.makefile("rb", buffering=0)
    try:
        engine = Engine(args.data, args.store)
        warm_up(engine)
        triples = None
        if engine.graph is not None:  # a persistent store opens after the fork
            # counted here, in the original pages: a worker that scans the graph gets its own copy of
            # every page it reads (pyoxigraph's reads write reference counts), so workers scan only for queries
            triples = engine.graph.triple_count()
        release_free_memory()  # what loading freed goes back to the system, not into every fork
        limit = address_space() + _OVERHEAD + args.query_memory if args.query_memory else 0
    except Exception as error:
        from ..errors import EtiographError

        message = str(error) if isinstance(error, EtiographError) else f"{type(error).__name__}: {error}"
        _send(control, {"ready": False, "error": message})
        return 1
    if args.unsafe_no_sandbox:
        layers = ["none (--unsafe-no-sandbox)"]
    else:
        from . import isolation

        readable = [os.path.dirname(os.path.abspath(p)) for p in args.data]
        if args.store and args.store.startswith("oxigraph:"):
            readable.append(os.path.abspath(args.store.partition(":")[2]))
        try:
            layers = isolation.confine(readable)
        except isolation.Unavailable as error:
            _send(control, {"ready": False, "sandbox": True, "error": str(error)})
            return 1
    _send(control, {"ready": True, "pid": os.getpid(), "sandbox": layers, "triples": triples})
    while True:
        try:
            request, _ = read_frame(incoming)
        except (EOFError, OSError):
            return 0  # the server is gone; our workers see their sockets close and end too
        if request.get("fork"):
            fork_worker(engine, control, limit)
        elif "reap" in request:
            _send(control, reap(int(request["reap"])))


if __name__ == "__main__":
    sys.exit(main())
