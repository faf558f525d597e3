"""N-Triples: the canonical form itself, one triple a line, lines sorted, so ``diff`` and ``sort`` just work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from . import canonical

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .canonical import Triple


def write(paths: Sequence[Path]) -> bytes:
    """The N-Triples export of the files ``paths`` (the ``nt`` entry of :mod:`etiograph.formats`)."""
    return serialize(canonical.read(paths))


def serialize(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples (pyoxigraph's escaping), one triple a line, lines sorted."""
    data = ox.serialize((ox.Triple(*t) for t in triples), format=ox.RdfFormat.N_TRIPLES)
    return b"".join(line + b"\n" for line in sorted(data.splitlines()) if line)
