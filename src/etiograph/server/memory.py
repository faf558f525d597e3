"""Giving freed heap back to the system: what the zygote does after loading and a worker after a large answer."""

from __future__ import annotations

import contextlib


def release_free_memory() -> None:
    """glibc keeps freed heap for reuse; ``malloc_trim`` hands it back (best effort, glibc only)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
