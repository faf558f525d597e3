"""A seccomp filter that leaves a query worker no way to the network and no way to start programs.

Applied with libseccomp (PyPI ``pyseccomp``, a ctypes binding of the ``libseccomp.so.2`` that
every Debian and Ubuntu installs) once the worker has loaded its data. From then on the kernel
answers, whatever the query asks and whatever library asks it:

- ``socket`` → ``EACCES`` for every address family. A worker talks to the server over a socket
  pair it was given, and ``socketpair`` (no address, no peer outside) stays allowed;
- ``connect``, ``bind``, ``listen``, ``accept``, ``accept4`` → ``EACCES``: no client, no server;
- ``execve``, ``execveat`` → ``EACCES``: no programs (``curl`` included);
- ``io_uring_setup`` → ``EACCES``: io_uring can open sockets without the ``socket`` call;
- ``ptrace``, ``process_vm_readv``, ``process_vm_writev`` → ``EPERM``: no reaching into other processes.

The filter is synchronised to every thread of the process (``TSYNC``) and inherited by forks.
``NO_NEW_PRIVS`` is set first (libseccomp does it), so it works without privileges.
"""

from __future__ import annotations

import errno

DENIED_NETWORK = ("socket", "connect", "bind", "listen", "accept", "accept4", "io_uring_setup")
DENIED_PROGRAMS = ("execve", "execveat")
DENIED_PROCESSES = ("ptrace", "process_vm_readv", "process_vm_writev")


class Unavailable(RuntimeError):
    """This machine cannot apply the filter (no libseccomp, or a kernel without seccomp)."""


def _library():
    try:
        import pyseccomp
    except (ImportError, OSError) as error:  # the binding is missing, or libseccomp.so.2 is
        raise Unavailable(f"libseccomp is not available ({error})") from None
    return pyseccomp


def check() -> str:
    """A short description of what :func:`apply` would use, or :class:`Unavailable`.

    Loads the binding now (it looks libseccomp up with ``ldconfig``, a program: after
    :func:`apply`, no program runs).
    """
    seccomp = _library()
    try:
        api = seccomp.get_api()
    except Exception as error:
        raise Unavailable(f"libseccomp cannot talk to this kernel ({error})") from None
    if api < 1:
        raise Unavailable("this kernel does not support seccomp filters")
    return f"seccomp (libseccomp API {api})"


def apply() -> None:
    """Install the filter on every thread of this process; irreversible."""
    seccomp = _library()
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in (*DENIED_NETWORK, *DENIED_PROGRAMS):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), name)
        for name in DENIED_PROCESSES:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
        rules.load()
    except OSError as error:
        raise Unavailable(f"the kernel refused the seccomp filter ({error})") from None
