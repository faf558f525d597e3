"""Where an answer lands decides its shape: a terminal's width, or none for a pipe or a ``-o`` file."""

from __future__ import annotations

import argparse


def columns_for(args: argparse.Namespace) -> int | None:
    """The width to fit: the terminal's (or ``$COLUMNS``) for standard output, None for a file."""
    from ..render.terminal import width

    output = getattr(args, "output", None)
    if output and output != "-":
        return None
    return width()
