"""etiograph.digest gives hashlib's SHA-256 digests (stores and spine caches keep their keys)."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from etiograph.digest import sha256


@given(chunks=st.lists(st.binary(max_size=300), max_size=5))
def test_sha256_equals_hashlib(chunks):
    ours, theirs = sha256(), hashlib.sha256()
    for chunk in chunks:
        ours.update(chunk)
        theirs.update(chunk)
    assert ours.hexdigest() == theirs.hexdigest() and ours.digest() == theirs.digest()
    assert sha256(b"".join(chunks)).hexdigest() == theirs.hexdigest()
