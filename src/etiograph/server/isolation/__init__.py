"""Confinement of the query workers by the kernel: no network, no programs, only their own data.

A query worker loads its data, then calls :func:`confine` before it reads its first query.
From then on, whatever the query says and whatever any parser or engine makes of it, the kernel
refuses what the worker must never do:

======================  ====================================================  =========
layer                   what it refuses                                       required
======================  ====================================================  =========
seccomp (:mod:`.seccomp`)    every ``socket``, ``connect``, ``bind``, ``execve``,      yes
                        ``io_uring``, ``ptrace``
Landlock (:mod:`.landlock`)  opening any file outside the data and Python's own      yes
                        folders; any write; TCP connect/bind (ABI 4+)
netns (:mod:`.netns`)        every route: an empty network namespace                 no
audit hooks (:mod:`.audit`)  Python-level ``open``/``urllib``/``subprocess``          no
======================  ====================================================  =========

Where a required layer is missing (no libseccomp, a kernel without Landlock), :func:`confine`
raises :class:`Unavailable` and ``etiograph serve`` refuses to start, saying which layer and
why, unless it is run with ``--unsafe-no-sandbox``. It never degrades silently.

>>> from etiograph.server.isolation import readable_roots
>>> any(r.endswith("site-packages") for r in readable_roots([]))
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

#: How ``etiograph serve`` is told to run without the kernel layers (development, odd kernels).
UNSAFE_FLAG = "--unsafe-no-sandbox"


class Unavailable(RuntimeError):
    """A required layer cannot be applied on this machine."""


def readable_roots(data: Iterable[str | Path]) -> list[str]:
    """What a confined worker may still read: Python's and etiograph's folders, the system's shared
    libraries (extensions are loaded lazily), the data, and a few device files."""
    from .audit import default_roots

    roots = set(default_roots(data))
    for lib in ("/usr/lib", "/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/usr/share/zoneinfo"):
        roots.add(lib)
    roots.update(("/dev/null", "/dev/urandom", "/dev/random"))
    return sorted(r for r in roots if r != "/")


def check() -> list[str]:
    """The required layers this machine offers, or :class:`Unavailable` naming what is missing."""
    from . import landlock, seccomp

    layers = []
    for module in (seccomp, landlock):
        try:
            layers.append(module.check())
        except (seccomp.Unavailable, landlock.Unavailable) as error:
            raise Unavailable(f"{error}; the query workers cannot be confined") from None
    return layers


def confine(data: Iterable[str | Path]) -> list[str]:
    """Apply every layer to this process (single-threaded: call it before starting threads).

    Returns what was applied, for the server's start-up line. Irreversible.
    """
    from . import landlock, netns, seccomp

    check()
    applied = []
    namespace = netns.apply()
    applied.append(namespace or f"no network namespace ({netns.why_not()})")
    try:
        landlock.apply(readable_roots(data))
        applied.append(landlock.check())
        seccomp.apply()
        applied.append(seccomp.check())
    except (landlock.Unavailable, seccomp.Unavailable) as error:
        raise Unavailable(str(error)) from None
    return applied


def unsafe_reason() -> str:
    """How the server says it runs unconfined."""
    return f"UNCONFINED ({UNSAFE_FLAG}): queries run without the kernel sandbox"


def is_confined() -> bool:
    """Whether this process runs under a seccomp filter (for tests and the status line)."""
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            return any(line.startswith("Seccomp:") and line.split()[1] != "0" for line in status)
    except OSError:
        return sys.platform != "linux"
