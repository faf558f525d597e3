"""Landlock: after it has loaded its data, a query worker may read only what it was given.

Landlock (Linux 5.13+, unprivileged) lets a process drop rights for itself and its future
children. The worker keeps read access under a short list of folders (the data files' folders,
a persistent store's folder, Python's and etiograph's own) and loses the rest of the file
system: no other file can be opened, nothing can be written, created, removed or executed.
Where the kernel's Landlock is new enough (ABI 4, Linux 6.7) TCP ``connect`` and ``bind`` are
denied too (seccomp denies every socket already: a second, independent lock), and from ABI 6 the
worker cannot signal processes or reach abstract Unix sockets outside its own domain.

Three system calls, called through ctypes: the kernel's interface is stable and documented
(``Documentation/userspace-api/landlock.rst``), and no maintained Python package covers the
network rights.
"""

from __future__ import annotations

import ctypes
import os
import platform
from collections.abc import Iterable

_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# File-system rights, by the ABI that introduced them.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_ABI1_FS = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1


class Unavailable(RuntimeError):
    """This kernel has no Landlock (too old, or not in its list of security modules)."""


class _Ruleset(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _numbers() -> tuple[int, int, int]:
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None or platform.system() != "Linux":
        raise Unavailable(f"Landlock is for Linux on x86-64 or arm64, not {platform.system()} {platform.machine()}")
    return numbers


def abi_version() -> int:
    """The kernel's Landlock ABI version (1, 2, …), or :class:`Unavailable`."""
    create, _, _ = _numbers()
    version = _libc().syscall(create, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    if version < 0:
        error = ctypes.get_errno()
        why = "disabled at boot" if error == 95 else os.strerror(error)
        raise Unavailable(f"this kernel has no Landlock ({why})")
    return version


def check() -> str:
    """What :func:`apply` would enforce here, or :class:`Unavailable`."""
    abi = abi_version()
    extra = ", no TCP" if abi >= 4 else ""
    return f"landlock ABI {abi} (read-only, listed folders only{extra})"


def apply(readable: Iterable[str]) -> None:
    """Confine this thread and its future children: read under ``readable``, nothing else.

    Call it while the process is single-threaded (Landlock applies to the calling thread and
    what it starts afterwards).
    """
    abi = abi_version()
    create, add_rule, restrict_self = _numbers()
    libc = _libc()
    handled = _ABI1_FS
    if abi >= 2:
        handled |= _REFER
    if abi >= 3:
        handled |= _TRUNCATE
    if abi >= 5:
        handled |= _IOCTL_DEV
    ruleset = _Ruleset(handled_access_fs=handled)
    size = 8
    if abi >= 4:
        ruleset.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        ruleset.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    fd = libc.syscall(create, ctypes.byref(ruleset), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        raise Unavailable(f"cannot create a Landlock ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        for path in sorted(set(readable)):
            try:
                parent = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a folder that does not exist here grants nothing
            try:
                is_dir = os.path.isdir(path)
                rule = _PathBeneath(allowed_access=(READ_FILE | READ_DIR) if is_dir else READ_FILE, parent_fd=parent)
                if libc.syscall(add_rule, ctypes.c_int(fd), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule), 0):
                    raise Unavailable(f"cannot add a Landlock rule for {path}: {os.strerror(ctypes.get_errno())}")
            finally:
                os.close(parent)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
            raise Unavailable(f"cannot set no_new_privs: {os.strerror(ctypes.get_errno())}")
        if libc.syscall(restrict_self, ctypes.c_int(fd), ctypes.c_uint32(0)):
            raise Unavailable(f"cannot enforce the Landlock ruleset: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)
