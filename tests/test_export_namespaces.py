"""Prefixed names and vocabulary order found by lookup (``turtle.compact_iri``, ``layout.longest_separated``)
equal the scan of every namespace they replace, on IRIs made from the vocabulary's namespaces and hypothesis text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from etiograph.export import layout, turtle
from etiograph.vocab import PREFIXES

_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?\Z")


def scanned_compact(iri: str) -> str | None:
    """The prefix the longest-first scan picks (the writer's rule before the lookup), or None."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and _PN_LOCAL.match(iri, len(namespace)):
            return prefix
    return None


def scanned_rank(iri: str) -> int:
    best, rank = "", len(PREFIXES)
    for position, namespace in enumerate(PREFIXES.values()):
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, rank = namespace, position
    return rank


namespaces = st.sampled_from([*PREFIXES.values(), "https://w3id.org/", "http://", "urn:x:", ""])
tails = st.text(alphabet=st.sampled_from("ab_-.9/#: é%"), max_size=12)


@given(namespaces, tails)
def test_lookup_equals_the_scan(namespace: str, tail: str) -> None:
    iri = namespace + tail
    prefix, text = turtle.compact_iri(iri)
    assert prefix == scanned_compact(iri)
    if prefix:
        assert text == f"{prefix}:{iri[len(PREFIXES[prefix]) :]}"
    assert layout.namespace_rank(iri) == scanned_rank(iri)


def test_every_namespace_is_found_by_lookup_today() -> None:
    """All of PREFIXES end in / or #: no namespace falls back to the scan."""
    assert layout.OTHER_NAMESPACES == []
    for prefix, namespace in PREFIXES.items():
        assert turtle.compact_iri(namespace + "x")[1].endswith(":x")
        assert layout.SEPARATED[namespace][1] <= list(PREFIXES).index(prefix)
