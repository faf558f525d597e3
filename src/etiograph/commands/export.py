"""``etiograph export``: pick the format (``--format``, else ``-o``'s extension), write the file or files.

The CLI registers the options and calls :func:`run`; the RDF formats are written here, the network
formats by :mod:`etiograph.export.networks`. Imported when the CLI builds its parser, so it imports
nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import formats
from ..errors import EtiographError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable

    #: File ``i``'s bytes, laid out when it is written.
    Render = Callable[[int], bytes]

# ORCID iDs: 16 digits in groups of four, the last a ISO 7064 MOD 11-2 check character.
_ORCID = re.compile(r"https://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\Z")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")


class UsageError(EtiographError):
    """A combination of export options that cannot work (exit 2, like argparse's own errors)."""


def configure(p: argparse.ArgumentParser) -> None:
    """``etiograph export``'s options: the data, the format (or ``-o``'s extension), the output, then
    the nanopublication and network options."""
    from ..cli import add_data_options
    from ..export import networks

    add_data_options(p, remote=False)
    p.add_argument(
        "--format",
        choices=formats.names(),
        help="default: from -o's extension (.ttl .nt .jsonld .trig ...), else turtle",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default or '-': standard output)")
    p.add_argument("--no-ontology", action="store_true", help="leave the ontology out")
    add_options(p)
    networks.add_options(p)


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--split`` and ``--creator``: the nanopublication options of ``--format trig``."""
    group = parser.add_argument_group("nanopublications (--format trig)")
    group.add_argument(
        "--split",
        metavar="DIR",
        help="write one TriG file per nanopublication into DIR (what nanopub tools sign and publish)",
    )
    group.add_argument(
        "--creator",
        metavar="IRI",
        help="dcterms:creator of every nanopublication, e.g. your ORCID https://orcid.org/0000-0002-1825-0097 "
        "(default: the data's creator IRI, else https://w3id.org/etiograph)",
    )


def chosen_format(args: argparse.Namespace) -> formats.ExportFormat:
    """``--format``, else the format ``-o``/``--split`` implies, else Turtle."""
    if args.format:
        return formats.by_name(args.format)
    if getattr(args, "split", None):
        return formats.by_name("trig")
    output = getattr(args, "output", None)
    guessed = formats.by_extension(output) if output and output != "-" else None
    return guessed or formats.by_name("turtle")


def run(args: argparse.Namespace) -> int:
    """Write the export ``args`` asks for; the RDF formats are byte-identical on every run."""
    from ..export import networks

    fmt = chosen_format(args)
    args.format = fmt.name
    split, creator = getattr(args, "split", None), getattr(args, "creator", None)
    if fmt.model != "rdf":
        if split or creator:
            raise UsageError(f"--split and --creator apply to --format trig, not {fmt.name}")
        return networks.run(args)
    networks.check_options(args)
    if (split or creator) and fmt.name != "trig":
        raise UsageError(f"--split and --creator apply to --format trig (nanopublications), not {fmt.name}")
    if split and args.output:
        raise UsageError("--split DIR writes one file per nanopublication; leave out -o")
    if creator:
        check_creator(creator)

    from ..datafiles import graph_sources

    sources = graph_sources(args.data, with_ontology=not args.no_ontology)
    if split:
        files, written, removed = write_split(sources, Path(split), creator)
        unchanged = len(files) - written
        print(
            f"wrote {written} nanopublications to {Path(split)}/"
            + (f", {unchanged} unchanged" if unchanged else "")
            + (f", removed {removed} stale" if removed else ""),
            file=sys.stderr,
        )
        return 0
    if fmt.name == "trig":
        from ..export import trig

        data = trig.write(sources, creator)
    else:
        data = fmt.write(sources)
    from ..atomic import write_bytes_atomic

    write_bytes_atomic(args.output or "-", data)
    if args.output and args.output != "-":
        print(f"wrote {args.output} ({len(data):,} bytes, {fmt.name})", file=sys.stderr)
    return 0


def write_split(sources: Sequence[Path], folder: Path, creator: str | None = None) -> tuple[list[Path], int, int]:
    """One file per nanopublication in ``folder``, each written atomically; returns the files, how many
    were written and how many stale ones went.

    A file that already holds its nanopublication byte for byte is left untouched (its modification
    time too), so a signing or publishing tool sees only the nanopublications that changed. A ``.trig``
    file in ``folder`` that an earlier ``--split`` wrote (its first line says so) and that this export
    no longer has is removed, so the folder mirrors the claims; any other file is left alone.
    """
    from ..export import canonical, trig

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--split {folder}: it is a file; name a folder (it is made if missing)")
    publications = trig.named_publications(canonical.read(sources, labels=False), creator)
    shared = trig.SharedLines()
    if not folder.exists():  # every file is new: laid out while written, by two processes where there are two cores
        names = [name for name, _ in publications]
        _write_files(folder, names, lambda i: trig.document(publications[i][1], shared))
        return [folder / name for name in names], len(names), 0
    documents = {name: trig.document(publication, shared) for name, publication in publications}
    existing = _trig_files(folder)  # names only: a new folder has none to compare or remove
    changed = {name: data for name, data in documents.items() if name not in existing or not _holds(folder / name, data)}
    _write_files(folder, list(changed), list(changed.values()).__getitem__)
    removed = 0
    for name in sorted(existing - documents.keys()):
        if _written_by_split(folder / name):
            (folder / name).unlink()
            removed += 1
    return [folder / name for name in documents], len(changed), removed


def _trig_files(folder: Path) -> set[str]:
    """The names of the ``.trig`` entries in ``folder`` (none if it is missing), hidden ones left out as
    ``glob("*.trig")`` leaves them."""
    import os

    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries if entry.name.endswith(".trig") and not entry.name.startswith(".")}
    except FileNotFoundError:
        return set()


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at ``path`` holds exactly ``data`` (reading at most one byte more)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:  # missing, a folder, unreadable: written (or refused) as any new file is
        return False


def _sync_file_system(folder: Path) -> None:
    """Flush the file system holding ``folder`` (Linux ``syncfs``); ``os.sync`` where there is none."""
    import ctypes
    import os

    try:  # the process's own symbols include the C library's on Linux
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    finally:
        os.close(fd)


def _write_files(folder: Path, names: list[str], render: Render) -> None:
    """File ``i`` of ``names`` to ``folder`` with the bytes ``render(i)``, each atomically (temporary
    file, then rename), with one flush for all.

    One ``fsync`` per file, as :func:`etiograph.atomic.write_bytes_atomic` does for a single output,
    took seconds for two hundred nanopublications; one ``syncfs`` of the output's file system before the
    renames gives the same guarantee (after a crash each file is the old one or the complete new one)
    without flushing every other disk on the machine, as ``os.sync`` would. A folder that does not exist
    yet is written whole beside it and renamed into place: it appears with every file in it, and one
    rename costs less than two hundred; there the files are laid out as they are written (see
    :func:`_write_all`).
    """
    import os

    from ..atomic import OutputError

    try:
        if names and not os.path.lexists(folder):
            _write_new_folder(folder, names, render)
            return
        folder.mkdir(parents=True, exist_ok=True)
        if names:  # nothing new: nothing to write or flush
            _write_into(folder, {name: render(i) for i, name in enumerate(names)})
    except OSError as error:
        raise OutputError(f"cannot write nanopublications to {folder}: {error.strerror or error}") from None


def _create_flags() -> int:
    """Flags for a file of our own making: O_EXCL refuses anything already there (a link included)."""
    import os

    return os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def _write_file(path: str, data: bytes, flags: int) -> None:
    """``data`` to a new file at ``path``; its mode goes through the umask like any new file's."""
    import os

    from ..parallel import write_all

    fd = os.open(path, flags, 0o666)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def _write_into(folder: Path, documents: dict[str, bytes]) -> None:
    """Into an existing folder: each file under a temporary name of its own, one flush, then the renames."""
    import os

    from ..atomic import remove, track, untrack  # what Ctrl-C removes on its way out

    flags = _create_flags()
    temporary: dict[str, str] = {}  # plain strings and os calls: two hundred Path objects cost more than the writing
    base, pid = os.path.join(folder, ""), os.getpid()
    try:
        for name, data in documents.items():
            # A name of our own (no tempfile: its random names cost more than the writing).
            path = temporary[name] = f"{base}.{name}.{pid}.tmp"
            track(path)
            try:
                _write_file(path, data, flags)
            except FileExistsError:  # left by an interrupted run with the same process id
                os.unlink(path)
                _write_file(path, data, flags)
        _sync_file_system(folder)
        for name, path in list(temporary.items()):
            os.replace(path, base + name)
            del temporary[name]
            untrack(path)
    finally:
        for path in temporary.values():  # left only if something failed before its rename
            remove(path)
            untrack(path)


def _write_new_folder(folder: Path, names: list[str], render: Render) -> None:
    """A folder that does not exist: written under a temporary name beside it, flushed, then renamed."""
    import os

    from ..atomic import remove, track, untrack  # what Ctrl-C removes on its way out

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = os.path.join(folder.parent, f".{folder.name}.{os.getpid()}.tmp")
    remove(staging)  # left by an interrupted run with the same process id
    os.mkdir(staging)
    track(staging)
    try:
        _write_all(staging, names, render)
        _sync_file_system(Path(staging))
        os.rename(staging, folder)  # fails if a folder with files appeared there meanwhile
    except BaseException:
        remove(staging)
        raise
    finally:
        untrack(staging)


#: Fewer files than this are written by one process: a second one would cost more than it saves.
PARALLEL_FROM = 64


def _write_all(base: str, names: list[str], render: Render) -> None:
    """File ``i`` of ``names`` in folder ``base`` holds ``render(i)``; every file is new (O_EXCL).

    Laying the files out is most of the work and each is independent, so where there are two cores a
    forked child lays out and writes the first half while this process does the second
    (:func:`etiograph.parallel.in_two`; the same bytes either way: ``render`` is a pure function).
    """
    import os

    from ..parallel import ChildFailed, in_two

    flags = _create_flags()

    def write(start: int, stop: int) -> bytes:
        for i in range(start, stop):
            _write_file(os.path.join(base, names[i]), render(i), flags)
        return b""

    count = len(names)
    if count < PARALLEL_FROM:
        write(0, count)
        return
    half = count // 2
    try:
        in_two(lambda: write(0, half), lambda: write(half, count))
    except ChildFailed as error:  # the child's half could not be written: said as the OS said it
        raise OSError(0, str(error)) from None


def _written_by_split(path: Path) -> bool:
    from ..export import trig

    try:
        with path.open("rb") as handle:
            return handle.readline().startswith(trig.SPLIT_MARK.encode())
    except OSError:
        return False


def check_creator(creator: str) -> None:
    """Refuse a creator that is not an absolute IRI, or an ORCID iD whose check digit is wrong.

    >>> check_creator("https://orcid.org/0000-0002-1825-0097")
    >>> check_creator("Jane Doe")
    Traceback (most recent call last):
    ...
    etiograph.commands.export.UsageError: --creator 'Jane Doe' is not an IRI: give e.g. https://orcid.org/0000-0002-1825-0097
    """
    if not _IRI.match(creator):
        raise UsageError(f"--creator {creator!r} is not an IRI: give e.g. https://orcid.org/0000-0002-1825-0097")
    if creator.startswith(("https://orcid.org/", "http://orcid.org/")):
        found = _ORCID.match(creator)
        if not found:
            raise UsageError(f"--creator {creator!r}: an ORCID iD looks like https://orcid.org/0000-0002-1825-0097")
        digits = found.group(1).replace("-", "")
        total = 0
        for digit in digits[:-1]:
            total = (total + int(digit)) * 2
        check = (12 - total % 11) % 11
        if digits[-1] != ("X" if check == 10 else str(check)):
            raise UsageError(f"--creator {creator!r}: the ORCID iD's check digit is wrong (a typo?)")
