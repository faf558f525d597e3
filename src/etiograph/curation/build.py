"""``etiograph build``: compile the sheets into ``graph/*.ttl``, or say whether the Turtle is stale.

Everything is computed in memory first; when a sheet has an error nothing is written, and each file is
then replaced atomically (a reader sees the old file or the new one). Outputs:

- ``claims.ttl``, ``concepts.ttl``, ``source.ttl`` from the sheets; ``tables.ttl`` from the sources'
  hand-kept Turtle;
- ``spine.ttl``, the causal spine, when :mod:`etiograph.causal.spine` is installed (its
  ``spine_turtle(ontology, files)`` computes it from the files above);
- each source's ``offsets.tsv``, when its text is at hand (so a checkout without the text builds the
  same bytes).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import resources
from ..errors import EtiographError
from .model import Compiled, Problem, compile_workspace
from .sheets import SheetError, offsets_text, read_workspace
from .turtle import claims_ttl, concepts_ttl, source_ttl, tables_ttl

#: The generated files, in the order they are written.
GENERATED = ("concepts.ttl", "source.ttl", "claims.ttl", "tables.ttl", "spine.ttl")


class BuildError(SheetError):
    """A sheet error that stops the build; carries every error found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''}: run `etiograph check`)" if more else ""
        super().__init__(first.path, first.message + suffix, first.row, first.column)


@dataclass
class BuildResult:
    compiled: Compiled
    #: path → bytes, everything the build produces
    outputs: dict[Path, bytes] = field(default_factory=dict)
    changed: list[Path] = field(default_factory=list)


def default_root() -> Path:
    return resources.data_root() / "graph"


def compile_outputs(
    folders: Sequence[Path], out_dir: Path, articles: Mapping[str, Path] | None = None, *, spine: bool = True
) -> BuildResult:
    """Compile the sheet folders; the bytes of every output file (nothing written yet).

    Raises :class:`BuildError` (exit 2) at the first error, counting the others.
    """
    workspace = read_workspace(folders)
    compiled = compile_workspace(workspace, resources.ontology_file(), articles)
    if compiled.errors:
        raise BuildError(compiled.errors)
    outputs: dict[Path, bytes] = {
        out_dir / "concepts.ttl": concepts_ttl(compiled).encode("utf-8"),
        out_dir / "source.ttl": source_ttl(compiled).encode("utf-8"),
        out_dir / "claims.ttl": claims_ttl(compiled).encode("utf-8"),
    }
    tables = tables_ttl(compiled)
    if tables is not None:
        outputs[out_dir / "tables.ttl"] = tables.encode("utf-8")
    for source in workspace.sources:
        offsets = compiled.offsets.get(source.id)
        if offsets is not None:
            outputs[source.offsets_path] = offsets_text(offsets).encode("utf-8")
    if spine:
        spine_bytes = _spine(outputs, out_dir)
        if spine_bytes is not None:
            outputs[out_dir / "spine.ttl"] = spine_bytes
    return BuildResult(compiled, outputs)


def _spine(outputs: Mapping[Path, bytes], out_dir: Path) -> bytes | None:
    """The causal spine of the new Turtle, computed by etiograph.causal.spine when that module exists."""
    try:
        from ..causal.spine import spine_turtle
    except ImportError:  # the spine materialiser is not part of this installation
        return None
    with tempfile.TemporaryDirectory(prefix="etiograph-build-") as tmp:
        files = []
        for path, data in outputs.items():
            if path.parent == out_dir and path.suffix == ".ttl":
                target = Path(tmp) / path.name
                target.write_bytes(data)
                files.append(target)
        return spine_turtle(resources.ontology_file(), sorted(files))


def build(
    folders: Sequence[Path] | None = None,
    out_dir: Path | None = None,
    articles: Mapping[str, Path] | None = None,
    *,
    check: bool = False,
) -> BuildResult:
    """Compile and (unless ``check``) write what changed. ``result.changed`` lists stale or rewritten files."""
    from ..atomic import write_bytes_atomic

    root = default_root()
    folders = list(folders or [root])
    out_dir = out_dir or folders[0]
    result = compile_outputs(folders, out_dir, articles)
    for path, data in result.outputs.items():
        try:
            current = path.read_bytes() if path.is_file() else None
        except OSError as error:
            raise EtiographError(f"{path}: cannot read: {error.strerror or error}") from None
        if current != data:
            result.changed.append(path)
    if not check:
        for path in result.changed:
            write_bytes_atomic(path, result.outputs[path])
    return result


# ---------------------------------------------------------------------------------------------
# --data FOLDER: sheets compiled on the fly into a cache, so every command reads them as Turtle
# ---------------------------------------------------------------------------------------------


def compiled_turtle(folders: Sequence[Path]) -> list[Path]:
    """Turtle files compiled from sheet folders, cached by content (the same paths on every run).

    Offsets come from each source's text when ``source.yaml`` points to it, else from ``offsets.tsv``.
    """
    from .. import __version__
    from ..atomic import write_bytes_atomic

    digest = hashlib.sha256(__version__.encode())
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".tsv", ".yaml", ".ttl") and not path.name.startswith("."):
                digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes())
    digest.update(resources.ontology_file().read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "etiograph" / "sheets"
    target = cache / digest.hexdigest()[:32]
    names = target / "files.txt"
    if names.is_file():
        files = [target / name for name in names.read_text().split()]
        if all(f.is_file() for f in files):
            return files
    result = compile_outputs(folders, target, spine=False)
    files = []
    try:
        for path, data in result.outputs.items():
            if path.parent == target:
                write_bytes_atomic(path, data)
                files.append(path)
        write_bytes_atomic(names, "\n".join(p.name for p in files).encode())
    except OSError:  # no writable cache: a private temporary folder for this process
        target = Path(tempfile.mkdtemp(prefix="etiograph-sheets-"))
        files = []
        for path, data in result.outputs.items():
            if path.parent.name == names.parent.name:
                (target / path.name).write_bytes(data)
                files.append(target / path.name)
    return files
