"""Moved to :mod:`etiograph.causal.analysis`; this path answers for one release, with a DeprecationWarning naming the new home."""

from ._moved import forwarding

__getattr__ = forwarding(__name__, ("etiograph.causal.analysis",))
