"""Moved to :mod:`etiograph.causal.model` (the answers) and :mod:`etiograph.causal.search` (the search); this path answers for one release, with a DeprecationWarning naming the new home."""

from ._moved import forwarding

__getattr__ = forwarding(
    __name__,
    (
        "etiograph.causal.model",
        "etiograph.causal.search",
    ),
    renamed={
        "Path": (
            "CausalPath",
            "etiograph.paths.Path is deprecated (it shadows pathlib.Path): use etiograph.CausalPath; the old name goes in etiograph 0.2",
        )
    },
)
