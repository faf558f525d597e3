"""An empty network namespace: a third, independent lock on the network, where the kernel allows it.

``unshare(CLONE_NEWNET)`` moves the process into a namespace of its own with only a loopback
interface, left down: no route anywhere, not even to the host's ``127.0.0.1``. A process that is
not root needs a user namespace for that (``CLONE_NEWUSER``), which some systems disable
(``kernel.unprivileged_userns_clone=0``, AppArmor's ``restrict_unprivileged_userns``) and which the
kernel refuses to a process with several threads. So this layer is applied when it works and
reported either way; the network promise itself rests on seccomp (:mod:`.seccomp`), which works
everywhere libseccomp does.
"""

from __future__ import annotations

import ctypes
import os

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def apply() -> str | None:
    """Enter an empty network namespace; a description, or None when the kernel refuses (with why)."""
    libc = ctypes.CDLL(None, use_errno=True)
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWNET | CLONE_NEWUSER
    if libc.unshare(ctypes.c_int(flags)) != 0:
        return None
    return "network namespace (empty)" if flags == CLONE_NEWNET else "user + network namespace (empty)"


def why_not() -> str:
    """Why :func:`apply` returned None, from the errno it left."""
    return os.strerror(ctypes.get_errno()) or "refused"
