"""Package attributes imported on first use (PEP 562), written once.

A package names the module each public name lives in; importing the package then costs nothing until
a name is used, so ``etiograph --help`` does not load the query layer, pyoxigraph or the server stack.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def exports(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: each name of ``homes`` is imported from
    ``package.<home>`` when first asked for, then kept in the package's namespace.

    >>> import etiograph.sparql as sparql
    >>> "get_query" in dir(sparql) and sparql.get_query is sparql.named.get_query
    True
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
