"""Defence in depth for the server's main process: PEP 578 audit hooks that refuse to reach out.

The query workers are confined by the kernel (:mod:`etiograph.server.isolation`). These hooks
are a Python-level second line, in the main process (which must keep its listening socket, so
the kernel rules do not fit it) and in each worker (rdflib's SERVICE and FROM go through
``urllib``; a bug could ``open`` a file):

- ``urllib.Request``: refused (the server never fetches a URL);
- ``socket.connect`` / ``http.client.connect``: refused unless to a loopback address or a Unix socket;
- ``open`` (``open()``, ``os.open``, imports): refused outside the allowed roots (Python's own
  folders, etiograph's package and data, the data files' folders, ``/dev/null``, ``/dev/urandom``),
  and refused for writing anywhere;
- in query workers only, also starting programs (``subprocess.Popen``, ``os.system``, ``os.exec*``,
  ``os.posix_spawn``, ``os.fork``).

Audit hooks cannot be removed once added, so :func:`install` runs only in ``etiograph serve``'s
own process and in its query workers, never in a library user's process. They see Python-level
operations only: pyoxigraph's Rust code (its HTTP client for SERVICE, its file reads) is
invisible to them, which is why the workers are confined by the kernel instead.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Iterable
from pathlib import Path

_installed = False
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty")


class SandboxViolation(PermissionError):
    """An operation the server's sandbox refuses (a PermissionError, so callers treat it as one)."""


def default_roots(extra: Iterable[str | Path] = ()) -> list[str]:
    """Folders the process may read: Python's, the site-packages on sys.path, etiograph's, plus ``extra``.

    >>> roots = default_roots()
    >>> any(Path(r).name == "etiograph" for r in roots), "/" in roots
    (True, False)
    """
    from ... import resources

    package = Path(__file__).resolve().parents[2]
    # sys.path's installation folders, not its first entry: with `python -m`, that is the working directory
    installed = [p for p in sys.path if p and Path(p).name in ("site-packages", "dist-packages")]
    candidates: list[str | Path] = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        package,
        package.parent,  # a source checkout's src/ (editable install)
        resources.data_root(),
        *installed,
        *extra,
    ]
    roots = set()
    for candidate in candidates:
        if candidate:
            try:
                roots.add(os.path.realpath(candidate))
            except (OSError, ValueError):
                continue
    roots.discard("/")  # "" on sys.path is the working directory; never allow the whole disk
    return sorted(roots)


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path or abstract socket
        return True
    if isinstance(address, tuple) and address:
        host = address[0]
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False
    return False


def make_hook(roots: Iterable[str], *, forbid_processes: bool = False):
    """The audit hook; separate from :func:`install` so it can be tested without installing it."""
    allowed = tuple(r.rstrip("/") + "/" for r in roots)
    devices = ("/dev/null", "/dev/urandom", "/dev/random")

    def readable(path: str) -> bool:
        real = os.path.realpath(path)
        return real in devices or real.startswith(allowed) or (real + "/") in allowed

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (*tuple(args), None, None, None)[:3]
            if isinstance(path, int) or path is None:  # an already open descriptor
                return
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            path = str(path)
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS
            )
            if writing and path not in devices:
                raise SandboxViolation(f"etiograph serve does not write files (refused: {path})")
            if not readable(path):
                raise SandboxViolation(f"etiograph serve reads only its own data (refused: {path})")
        elif event == "urllib.Request":
            raise SandboxViolation(f"etiograph serve never fetches URLs (refused: {args[0] if args else '?'})")
        elif event == "socket.connect":
            if len(args) > 1 and not _is_loopback(args[1]):
                raise SandboxViolation(f"etiograph serve connects to nothing but loopback (refused: {args[1]!r})")
        elif event == "http.client.connect":
            if len(args) > 1 and not _is_loopback((args[1],)):
                raise SandboxViolation(f"etiograph serve connects to nothing but loopback (refused: {args[1]!r})")
        elif forbid_processes and event.startswith(_PROCESS_EVENTS):
            raise SandboxViolation(f"a query worker starts no programs (refused: {event})")

    return hook


def install(extra_roots: Iterable[str | Path] = (), *, forbid_processes: bool = False) -> bool:
    """Add the audit hook to this process (once). Returns False when it was already there.

    Call it after the process has loaded what it needs (data, templates, mimetypes): from then on
    only reads under the allowed roots succeed.
    """
    global _installed
    if _installed:
        return False
    import mimetypes

    mimetypes.init()  # reads /etc/mime.types now, not on the first static file
    sys.addaudithook(make_hook(default_roots(extra_roots), forbid_processes=forbid_processes))
    _installed = True
    return True
