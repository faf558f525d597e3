"""Old module paths that still answer for one release, warning where they are used.

A module that moves (``etiograph.paths`` → ``etiograph.causal.model``) leaves a file at its old path
whose ``__getattr__`` is made here: every name it is asked for is looked up in the new modules and
handed over with a ``DeprecationWarning`` naming the new home, pointing at the line that used it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from .errors import warn_deprecated

#: The release in which the old paths go.
REMOVED_IN = "etiograph 0.2"


def forwarding(
    old: str, new: tuple[str, ...], renamed: Mapping[str, tuple[str, str]] | None = None
) -> Callable[[str], object]:
    """A module ``__getattr__`` for the old path ``old`` that forwards to the modules ``new``.

    ``renamed`` maps an old name to ``(new name, warning)`` for a name that changed as well as moved.
    """
    renamed = dict(renamed or {})

    def __getattr__(name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        if name in renamed:
            target, warning = renamed[name]
            warn_deprecated(warning)
            return _find(target)[1]
        home, value = _find(name)
        warn_deprecated(f"{old} has moved: import {name} from {home}; the old path goes in {REMOVED_IN}")
        return value

    def _find(name: str) -> tuple[str, object]:
        for module in new:
            found = importlib.import_module(module)
            if hasattr(found, name):
                return module, getattr(found, name)
        raise AttributeError(f"module {old!r} has no attribute {name!r}")

    return __getattr__
