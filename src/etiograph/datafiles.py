"""Which Turtle files make up a graph, and reading them with errors that name file and line.

The bundled graph is ``ontology/etiograph.ttl`` + ``graph/*.ttl``. ``--data FILE`` (repeatable)
replaces ``graph/`` with the user's own files; the ontology stays, because the causal spine
(which predicates are causal) lives there, and the spine those files entail (``graph/spine.ttl`` for
the bundled graph; derived and cached for the user's files) is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from . import resources
from .diagnostics import turtle_syntax_error as syntax_error  # its old name and place
from .errors import DataError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


def graph_sources(data: Sequence[str | Path] | None = None, *, with_ontology: bool = True) -> list[Path]:
    """The files to load: the ontology (unless told not to) then the user's files or the bundled graph."""
    files = sheet_folders_as_turtle([Path(p) for p in data]) if data else resources.graph_files()
    for path in files:
        if not path.is_file():
            raise DataError(path, "no such file (pass a Turtle file to --data)")
    ontology = resources.ontology_file()
    head = [ontology] if with_ontology and ontology not in files else []
    if data and with_ontology and not any(path.name == "spine.ttl" for path in files):
        files = [*files, derived_spine(ontology, files)]
    return head + files


def derived_spine(ontology: Path, files: Sequence[Path]) -> Path:
    """The causal spine of the user's ``--data`` files, so spine queries work on them as on the bundled graph.

    The bundled graph ships ``graph/spine.ttl``; a user's files usually do not. It is computed once per
    version of the files and kept in the user's cache folder, so a persistent store sees the same file
    on every run and does not reload. A version is the files' paths, sizes and modification times, as
    for the store's own fingerprint: hashing their bytes would cost ~3 s per reopen at a million claims
    (1.8 GB), ten times the 0.3 s a reopened store takes to answer.
    """
    import os

    from .digest import sha256

    digest = sha256()
    for path in [ontology, *files]:
        try:
            stat = path.stat()
        except OSError as error:
            raise DataError(path, f"cannot read: {error}") from None
        digest.update(f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "etiograph" / "spine"
    target = cache / f"{digest.hexdigest()[:32]}.ttl"
    if target.is_file():
        return target  # a reopened store's path: the spine reader and tempfile are not even imported
    import tempfile

    from .atomic import OutputError, write_bytes_atomic
    from .causal.spine import spine_turtle

    content = spine_turtle(ontology, files)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, content)
    except (OSError, OutputError):  # no writable cache: a private temporary folder for this process
        target = Path(tempfile.mkdtemp(prefix="etiograph-spine-")) / "spine.ttl"
        target.write_bytes(content)
    return target


def sheet_folders_as_turtle(paths: Sequence[Path]) -> list[Path]:
    """``--data`` may name a folder of claim sheets (``concepts.tsv``, ``sources/``, or one source's
    ``source.yaml`` + ``claims.tsv``): such folders are compiled together into cached Turtle files."""
    if not any(path.is_dir() for path in paths):
        return list(paths)  # files only: the sheet reader is not even imported (CLI start-up)
    from .curation.sheets import is_sheet_folder

    folders = [path for path in paths if is_sheet_folder(path)]
    if not folders:
        return list(paths)
    from .curation.build import compiled_turtle

    out: list[Path] = []
    for path in paths:
        if path not in folders:
            out.append(path)
        elif path == folders[0]:
            out += compiled_turtle(folders)
    return out


def check_turtle(paths: Iterable[Path]) -> None:
    """Parse each file with pyoxigraph (fast) and raise DataError at the first syntax error."""
    import pyoxigraph as ox

    for path in paths:
        try:
            for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
                pass
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DataError(path, f"cannot read: {error}") from None


def read_store(paths: Sequence[Path]) -> pyoxigraph.Store:
    """All files in one in-memory pyoxigraph Store (default graph): what a check needs that only reads
    a few quads, without rdflib's ~0.3 s import and parse; a syntax error names file and line."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in paths:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DataError(path, f"cannot read: {error}") from None
    return store


def read_rdflib(paths: Sequence[Path]) -> rdflib.Graph:
    """All files in one rdflib Graph, prefixes bound; syntax checked first so errors name the line."""
    import rdflib

    from .vocab import PREFIXES

    check_turtle(paths)
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for path in paths:
        try:
            graph.parse(str(path), format="turtle")
        except Exception as error:  # rdflib raises many types; pyoxigraph already accepted the file
            raise DataError(path, f"rdflib could not read it: {error}") from None
    return graph
