"""The fast edge-routing tests give the answer the sample-by-sample test gives.

Routing asks, thousands of times per page, which concept boxes a candidate curve passes behind.
``geometry.Obstacles`` answers from a box index and the samples' monotone profiles (bisection, no
sample computed for the cubic and straight shapes); ``geometry._hits`` is the plain definition:
every sample of ``geometry.curve`` against every box. Cases where a sample lies within 1e-6 of a
box edge are left out: there the two roundings of the same sample may fall either side.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from etiograph.viz import geometry

coordinate = st.floats(-600, 600, allow_nan=False).map(lambda v: round(v, 1))
points = st.tuples(coordinate, coordinate)
boxes = st.lists(
    st.tuples(points, st.floats(0, 260).map(lambda v: round(v, 1)), st.floats(0, 140).map(lambda v: round(v, 1))),
    min_size=1,
    max_size=12,
)


def _grown(found: list) -> list[tuple[str, float, float, float, float]]:
    return [(f"n{i}", x - w / 2, x + w / 2, y - h / 2, y + h / 2) for i, ((x, y), w, h) in enumerate(found)]


def _near_an_edge(samples, bounds) -> bool:
    return any(
        min(abs(x - x0), abs(x - x1)) < 1e-6 or min(abs(y - y0), abs(y - y1)) < 1e-6
        for x, y in samples
        for _, x0, x1, y0, y1 in bounds
    )


@pytest.mark.slow  # 300 examples, ~2.5 s: out of the edit-run lane (test_viz checks every page geometrically there)
@settings(max_examples=300, deadline=None)
@given(points, points, st.integers(0, len(geometry.CANDIDATES) - 1), boxes, st.integers(0, 3))
def test_indexed_hits_are_the_sampled_hits(a, b, shape: int, found: list, ends: int) -> None:
    smooth = geometry.CANDIDATES[shape]
    bounds = _grown(found)
    samples = geometry.curve(a, b, smooth)
    assume(not _near_an_edge(samples, bounds))
    owners = tuple(f"n{i}" for i in range(ends))
    expected = geometry._hits(samples, owners, bounds)
    index = geometry.Obstacles(bounds)
    assert index.hits(a, b, smooth, owners) == expected
    # stopping early: the first blockers found, in order, never a false "clear"
    first = geometry.Obstacles(bounds).hits(a, b, smooth, owners, limit=1, hint=bounds[-1][0])
    assert bool(first) == bool(expected) and set(first) <= set(expected)
    capped = geometry.Obstacles(bounds).hits(a, b, smooth, owners, limit=2)
    assert capped == expected[:2]
    assert index.hits(a, b, smooth, owners, limit=1) == expected  # a complete answer is reused


@pytest.mark.slow  # 300 examples, ~1.7 s
@settings(max_examples=300, deadline=None)
@given(points, points, st.integers(0, len(geometry.CANDIDATES) - 1), boxes, st.integers(0, 40))
def test_samples_in_a_box_and_single_samples(a, b, shape: int, found: list, index: int) -> None:
    """``inside`` (the run of samples in a box) and ``point`` (one sample) agree with ``curve``."""
    smooth = geometry.CANDIDATES[shape]
    samples = geometry.curve(a, b, smooth)
    assert geometry.point(a, b, smooth, index) == samples[index]
    _, x0, x1, y0, y1 = _grown(found)[0]
    assume(not _near_an_edge(samples, [("n0", x0, x1, y0, y1)]))
    run = geometry.inside(a, b, smooth, (x0, x1, y0, y1))
    if run is None:
        assert smooth.get("type") in ("curvedCW", "curvedCCW")
        return
    within = [i for i, (x, y) in enumerate(samples) if x0 <= x <= x1 and y0 <= y <= y1]
    assert list(range(*run)) == within


@pytest.mark.parametrize("smooth", geometry.CANDIDATES, ids=lambda s: f"{s.get('type')}-{s.get('roundness')}")
def test_every_shape_is_indexed_one_way_or_the_other(smooth: dict) -> None:
    """The straight line and the horizontal cubics have non-decreasing profiles (bisection); the
    quadratic arcs are cut into monotone runs."""
    if smooth.get("type") in ("curvedCW", "curvedCCW"):
        assert geometry._profile(smooth) is None
    else:
        along, across = geometry._profile(smooth)
        assert along == sorted(along) and across == sorted(across)
