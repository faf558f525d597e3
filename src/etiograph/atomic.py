"""Write outputs atomically: a reader sees the old file or the new one, never half of one.

Only a *regular* file is replaced by rename. Anything else a user can name with ``-o`` is written
through, because replacing it would destroy it: a device node (``/dev/null``, ``/dev/full``), a FIFO,
``/dev/stdout`` (a symlink to ``/proc/self/fd/1``). A symlink to a regular file has its *target*
replaced atomically, so the link survives. Every failure becomes an :class:`OutputError` (one line,
exit 2) and leaves the previous file as it was. A missing output folder is made, as ``mkdir -p`` would.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from .errors import EtiographError

#: Temporary files being written right now, so an interrupted command can remove them before it exits.
_pending: set[str] = set()


class OutputError(EtiographError):
    """An output that cannot be written: a folder, a missing or read-only folder, a full disk."""


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path``: ``-`` is standard output, a special file is written through,
    anything else is written to a temporary file in the same folder and renamed over ``path``.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_bytes_atomic(folder / "a.txt", b"one")
    >>> (folder / "a.txt").read_bytes()
    b'one'
    >>> write_bytes_atomic(folder, b"two")
    Traceback (most recent call last):
    ...
    etiograph.atomic.OutputError: cannot write ...: it is a folder; name a file inside it
    """
    if str(path) == "-":
        _write_stdout(data)
        return
    target = Path(path)
    try:
        mode = os.stat(target).st_mode  # follows symlinks: what the name really points at
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _output_error(target, error) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {target}: it is a folder; name a file inside it")
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(target, data)
        return
    if target.is_symlink():
        if mode is None:
            raise OutputError(f"cannot write {target}: it is a symlink to {os.readlink(target)}, which does not exist")
        target = Path(os.path.realpath(target))
    _replace(target, data)


def write_text_atomic(path: str | Path, text: str) -> None:
    """UTF-8 text version of :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _write_stdout(data: bytes) -> None:
    """A closed pipe stays BrokenPipeError (the CLI ends quietly, as ``head`` expects); any other failure
    (a full disk behind ``> file``, an I/O error) becomes one line instead of a traceback."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None


def _write_through(target: Path, data: bytes) -> None:
    """Device nodes, FIFOs and terminals are opened and written, never replaced."""
    try:
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()
    except OSError as error:
        raise _output_error(target, error) from None


def _replace(target: Path, data: bytes) -> None:
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)  # like `mkdir -p`: a new output folder is made
    except FileExistsError:
        raise OutputError(f"cannot write {target}: {folder} is not a folder") from None
    except OSError as error:
        raise OutputError(f"cannot write {target}: cannot make the folder {folder}: {_reason(error)}") from None
    try:
        fd, tmp = _temporary(folder, target.name)
    except OSError as error:
        raise _output_error(target, error) from None
    _pending.add(tmp)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise _output_error(target, error) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _pending.discard(tmp)


def _temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new file ``folder/.NAME.XXXXXXXX.tmp`` opened for writing, mode 0600, as ``tempfile.mkstemp`` makes
    it (O_EXCL: never an existing file or a symlink), without importing tempfile and random (~10 ms of
    a cold start that writes one output)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(folder))


def track(path: str) -> None:
    """Note ``path`` (a temporary file or a staging folder being written) for :func:`discard_pending`."""
    _pending.add(path)


def untrack(path: str) -> None:
    """``path`` is renamed into place or removed: nothing for :func:`discard_pending` to do there."""
    _pending.discard(path)


def discard_pending() -> None:
    """Remove half-written temporary files and staging folders (called when Ctrl-C ends the process from
    another thread)."""
    for tmp in list(_pending):
        remove(tmp)


def remove(path: str) -> None:
    """Remove a temporary file, or a staging folder with the files in it (``export --split`` into a new
    folder), if it is there; what cannot be removed is left, quietly (a cleanup must not fail)."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            for name in os.listdir(path):
                try:  # noqa: SIM105 (contextlib is not loaded on this path)
                    os.unlink(os.path.join(path, name))
                except OSError:
                    pass
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:  # gone already, or not ours to remove
        pass


def _output_error(target: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {target}: {_reason(error)}")


def _reason(error: OSError) -> str:
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.EISDIR: "it is a folder; name a file inside it",
        errno.ENOTDIR: "a part of the path is not a folder",
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))
