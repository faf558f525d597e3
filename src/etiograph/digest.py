"""SHA-256 without importing hashlib: what a reopened persistent store's fingerprints need.

Why: ``import hashlib`` loads the OpenSSL binding (7-15 ms on the test machine), a twentieth of the
0.3 s a reopened store has to answer in, for two short digests (the files' fingerprint and the
derived spine's cache key). CPython's own SHA-256 module gives the same digests and loads in under a
millisecond; where it is missing (another interpreter), hashlib does the work.
"""

from __future__ import annotations

from collections.abc import Callable

_make: Callable | None = None


def sha256(data: bytes = b""):
    """A ``hashlib.sha256``-compatible object (``update``, ``hexdigest``, ``digest``).

    >>> sha256(b"abc").hexdigest()[:16]
    'ba7816bf8f01cfea'
    """
    global _make
    if _make is None:
        try:
            from _sha2 import sha256 as make  # CPython 3.12+
        except ImportError:
            try:
                from _sha256 import sha256 as make  # CPython 3.11
            except ImportError:
                from hashlib import sha256 as make
        _make = make
    return _make(data)
