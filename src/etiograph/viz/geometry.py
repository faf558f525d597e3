"""Edge routing: no arrow may pass behind a concept it does not touch.

A student reads an arrow that runs behind "leg cramps" as starting or ending there. The layout
reserves lanes for long edges, but vis-network draws each edge as one curve between its two
ends, so here every edge's curve is computed exactly as vis-network computes it (its
``cubicBezier`` with horizontal tangents, or the quadratic ``curvedCW``/``curvedCCW``), sampled,
and tested against the boxes of the other concepts; the first shape that clears them all is
kept. What no shape clears is fixed by moving the blocking concept out of the way, a few rounds.
Box sizes are estimated from the label (wrapped as vis-network wraps it) with a safety margin.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from operator import neg

from ..records import NamedTuple

#: Glyph widths in font sizes, measured in Chromium for DejaVu Sans (Debian's system-ui, wider
#: than most UI fonts): wrapping is estimated as vis-network does it with these widths.
# fmt: off
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (
            0.32, 0.4, 0.46, 0.84, 0.64, 0.95, 0.78, 0.27, 0.39, 0.39, 0.5, 0.84, 0.32, 0.36, 0.32, 0.34,
            *[0.64] * 10, 0.34, 0.34, 0.84, 0.84, 0.84, 0.53, 1.0,
            0.68, 0.69, 0.7, 0.77, 0.63, 0.58, 0.77, 0.75, 0.29, 0.29, 0.66, 0.56, 0.86, 0.75, 0.79, 0.6, 0.79,
            0.69, 0.63, 0.61, 0.73, 0.68, 0.99, 0.69, 0.61, 0.69, 0.39, 0.34, 0.39, 0.84, 0.5, 0.5,
            0.61, 0.63, 0.55, 0.63, 0.62, 0.35, 0.63, 0.63, 0.28, 0.28, 0.58, 0.28, 0.97, 0.63, 0.61, 0.63,
            0.63, 0.41, 0.52, 0.39, 0.63, 0.59, 0.82, 0.59, 0.59, 0.52, 0.64, 0.34, 0.64, 0.84,
        ),
        strict=True,
    )
)
# fmt: on
#: Any other character (accented letters, CJK): as wide as the widest common ones.
GLYPH = 0.7
LINE = 1.68  # height per label line in vis-network's bounding box, in font sizes
MARGIN_X, MARGIN_Y = 10.0, 8.0
#: Clearance kept between a curve and a box it does not touch.
CLEARANCE = 9.0
SAMPLES = 40
#: Up to this many boxes near a quadratic curve, each is tested sample by sample (stopping at the first
#: sample inside) rather than by bisecting the whole sampled curve: cheaper for a few boxes.
FEW_BOXES = 12
#: Rounding slack around a quadratic curve's extent (canvas units; its samples are computed to ~1e-12).
HAIR = 1e-6
#: Curve shapes tried in order: vis-network smooth options.
CANDIDATES: tuple[dict, ...] = (
    {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45},
    {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.2},
    {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.7},
    {"enabled": False},
    *(
        {"enabled": True, "type": kind, "roundness": r}
        for r in (0.12, 0.25, 0.4, 0.6, 0.85)
        for kind in ("curvedCW", "curvedCCW")
    ),
)


class Box(NamedTuple):
    """A node's box, centred on (x, y)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, px: float, py: float, pad: float = 0.0) -> bool:
        return abs(px - self.x) <= self.width / 2 + pad and abs(py - self.y) <= self.height / 2 + pad


def text_width(text: str, font: float) -> float:
    """Estimated width of ``text`` at ``font`` size (canvas units)."""
    return sum(_WIDTHS.get(c, GLYPH) for c in text) * font


@lru_cache(maxsize=65536)
def wrap(label: str, font: float, max_width: float) -> tuple[str, ...]:
    """``label`` broken into lines at spaces, as vis-network breaks it at ``widthConstraint.maximum``.

    >>> wrap("increased urination frequency", 22, 170)
    ('increased', 'urination', 'frequency')
    >>> wrap("low potassium", 22, 170)
    ('low potassium',)
    """
    lines: list[str] = []
    for word in label.split() or [""]:
        if lines and text_width(lines[-1] + " " + word, font) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


@lru_cache(maxsize=65536)
def box_size(label: str, font: float, max_width: float) -> tuple[float, float]:
    """(width, height) a box node with ``label`` inside may take, in canvas units: as wide as the
    label on one line (capped at ``max_width``), as tall as the wrapped lines in the widest font,
    so a narrower font that wraps less still fits inside the estimate."""
    lines = wrap(label, font, max_width)
    longest_word = max(text_width(word, font) for word in label.split() or [""])
    width = max(min(text_width(label, font), max_width), longest_word)
    # vis-network's bounding box (what the browser tests measure) runs a little past the drawn box
    return width + 2 * MARGIN_X + 12, len(lines) * LINE * font + 2 * MARGIN_Y


def drawn_size(label: str, font: float, max_width: float) -> tuple[float, float]:
    """(width, height) of the box as drawn (static images): the label's lines plus margins."""
    lines = wrap(label, font, max_width)
    width = max(text_width(line, font) for line in lines)
    return width + 2 * MARGIN_X, len(lines) * 1.2 * font + 2 * MARGIN_Y


def curve(a: tuple[float, float], b: tuple[float, float], smooth: Mapping) -> list[tuple[float, float]]:
    """Points along the edge a → b as vis-network 9 draws it with ``smooth``."""
    key = (a, b, smooth.get("enabled"), smooth.get("type"), smooth.get("roundness"))
    found = _CURVES.get(key)
    if found is None:
        if len(_CURVES) > 200_000:
            _CURVES.clear()
        found = _CURVES[key] = _curve(a, b, smooth)
    return found


_CURVES: dict[tuple, list[tuple[float, float]]] = {}


#: Sample parameters and Bernstein weights, computed once with the very expressions the curve
#: formulas use (the sampled points are bit-identical to evaluating them per point).
_TS = [i / SAMPLES for i in range(SAMPLES + 1)]
_CUBIC = [((1 - t) ** 3, 3 * (1 - t) * (1 - t) * t, 3 * (1 - t) * t * t, t**3) for t in _TS]
_QUADRATIC = [((1 - t) ** 2, 2 * t * (1 - t), t * t) for t in _TS]


def _curve(a: tuple[float, float], b: tuple[float, float], smooth: Mapping) -> list[tuple[float, float]]:
    (ax, ay), (bx, by) = a, b
    if not smooth.get("enabled"):
        return [(ax + (bx - ax) * t, ay + (by - ay) * t) for t in _TS]
    r = smooth.get("roundness", 0.5)
    if smooth["type"] == "cubicBezier":  # horizontal: control points level with each end
        dx = ax - bx
        c1x, c2x = ax - r * dx, bx + r * dx
        return [
            (w0 * ax + w1 * c1x + w2 * c2x + w3 * bx, w0 * ay + w1 * ay + w2 * by + w3 * by)
            for w0, w1, w2, w3 in _CUBIC
        ]
    # curvedCW / curvedCCW: a quadratic curve through one via point (BezierEdgeStatic)
    factor = r if smooth["type"] == "curvedCW" else -r
    dx, dy = bx - ax, ay - by
    radius = math.hypot(dx, dy)
    angle = (math.atan2(dy, dx) + (0.5 * factor + 0.5) * math.pi) % (2 * math.pi)
    vx, vy = ax + (0.5 * r + 0.5) * radius * math.sin(angle), ay + (0.5 * r + 0.5) * radius * math.cos(angle)
    return [(w0 * ax + w1 * vx + w2 * bx, w0 * ay + w1 * vy + w2 * by) for w0, w1, w2 in _QUADRATIC]


def control_points(a: tuple[float, float], b: tuple[float, float], smooth: Mapping) -> list[tuple[float, float]]:
    """The Bézier control points of the edge a → b (2 for a line, 3 quadratic, 4 cubic), by the
    formulas :func:`curve` samples."""
    (ax, ay), (bx, by) = a, b
    if not smooth.get("enabled"):
        return [a, b]
    r = smooth.get("roundness", 0.5)
    if smooth["type"] == "cubicBezier":
        dx = ax - bx
        return [a, (ax - r * dx, ay), (bx + r * dx, by), b]
    factor = r if smooth["type"] == "curvedCW" else -r
    dx, dy = bx - ax, ay - by
    radius = math.hypot(dx, dy)
    angle = (math.atan2(dy, dx) + (0.5 * factor + 0.5) * math.pi) % (2 * math.pi)
    return [a, (ax + (0.5 * r + 0.5) * radius * math.sin(angle), ay + (0.5 * r + 0.5) * radius * math.cos(angle)), b]


def sub_curve(points: Sequence[tuple[float, float]], t0: float, t1: float) -> list[tuple[float, float]]:
    """Control points of the part t0..t1 of the Bézier curve with control ``points`` (de Casteljau):
    a static image draws a trimmed arrow as one exact curve instead of a polyline of samples.

    >>> sub_curve([(0.0, 0.0), (10.0, 0.0)], 0.25, 0.5)
    [(2.5, 0.0), (5.0, 0.0)]
    """

    def split(pts: Sequence[tuple[float, float]], t: float) -> tuple[list, list]:
        left, right, level = [pts[0]], [pts[-1]], list(pts)
        while len(level) > 1:
            level = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for (x0, y0), (x1, y1) in pairwise(level)]
            left.append(level[0])
            right.append(level[-1])
        return left, right[::-1]

    head = split(points, t1)[0] if t1 < 1 else list(points)
    return split(head, t0 / t1)[1] if t0 > 0 and t1 > 0 else head


def blockers(
    points: Sequence[tuple[float, float]], ends: tuple[str, ...], boxes: Mapping[str, Box], pad: float
) -> list[str]:
    """Concepts other than ``ends`` whose box (grown by ``pad``) a point of the curve falls in."""
    return _hits(points, ends, _bounds(boxes, pad))


def _bounds(boxes: Mapping[str, Box], pad: float) -> list[tuple[str, float, float, float, float]]:
    """Each box grown by ``pad`` as (name, left, right, top, bottom)."""
    out = []
    for name, box in boxes.items():
        half_w, half_h = box.width / 2 + pad, box.height / 2 + pad
        out.append((name, box.x - half_w, box.x + half_w, box.y - half_h, box.y + half_h))
    return out


def _hits(
    points: Sequence[tuple[float, float]], ends: tuple[str, ...], bounds: list[tuple[str, float, float, float, float]]
) -> list[str]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    hit = []
    for name, x0, x1, y0, y1 in bounds:
        if x1 < left or x0 > right or y1 < top or y0 > bottom or name in ends:
            continue
        for x, y in points:
            if x0 <= x <= x1 and y0 <= y <= y1:
                hit.append(name)
                break
    return hit


def _profile(smooth: Mapping) -> tuple[list[float], list[float]] | None:
    """For shapes whose samples are ``(ax + (bx - ax) * P[i], ay + (by - ay) * Q[i])`` with P and Q
    non-decreasing (a straight line; the horizontal cubic, whose control points sit level with its
    ends): (P, Q). Then which samples fall in a box is two index ranges found by bisection, with no
    sample computed. None for the quadratic shapes (their x can turn back)."""
    if not smooth.get("enabled"):
        return _TS, _TS
    if smooth.get("type") != "cubicBezier":
        return None
    r = smooth.get("roundness", 0.5)
    found = _PROFILES.get(r)
    if found is None:
        along = [w1 * r + w2 * (1 - r) + w3 for _, w1, w2, w3 in _CUBIC]
        across = [w2 + w3 for _, _, w2, w3 in _CUBIC]
        monotone = all(p <= q for p, q in pairwise(along)) and all(p <= q for p, q in pairwise(across))
        found = _PROFILES[r] = (along, across) if monotone else False
    return found or None


_PROFILES: dict[float, tuple[list[float], list[float]] | bool] = {}


class Obstacles:
    """The boxes curves must clear, grown by a clearance, indexed by their left edge: a curve is
    tested only against the boxes that overlap its bounding box (a layered drawing's columns make
    that a few boxes, not all of them). Answers are remembered: a routing attempt that starts from
    the same boxes asks the same questions again."""

    def __init__(self, boxes: Iterable[tuple[str, float, float, float, float]]):
        #: (left, order, name, right, top, bottom), by left edge; order keeps the caller's box order
        self.boxes = sorted((x0, i, name, x1, y0, y1) for i, (name, x0, x1, y0, y1) in enumerate(boxes))
        self.lefts = [b[0] for b in self.boxes]
        self.widest = max((b[3] - b[0] for b in self.boxes), default=0.0)
        self.rects = {name: (x0, x1, y0, y1) for x0, _, name, x1, y0, y1 in self.boxes}
        self.known: dict[tuple, tuple[list[str], bool]] = {}
        #: (from, to, ends, shapes tried first) -> the first shape that clears: an edge routed again as it was
        self.settled: dict[tuple, dict] = {}

    def near(
        self, left: float, right: float, top: float, bottom: float, ends: tuple[str, ...]
    ) -> list[tuple[int, str, float, float, float, float]]:
        """(order, name, left, right, top, bottom) of the boxes other than ``ends`` overlapping the
        rectangle, in the caller's order."""
        first = bisect_left(self.lefts, left - self.widest)
        last = bisect_right(self.lefts, right)
        found = [
            (i, name, x0, x1, y0, y1)
            for x0, i, name, x1, y0, y1 in self.boxes[first:last]
            if x1 >= left and y1 >= top and y0 <= bottom and name not in ends
        ]
        found.sort()
        return found

    def hits(
        self,
        a: tuple[float, float],
        b: tuple[float, float],
        smooth: Mapping,
        ends: tuple[str, ...],
        *,
        limit: int | None = None,
        hint: str | None = None,
    ) -> list[str]:
        """The boxes (not ``ends``) a sample of the curve a → b drawn with ``smooth`` falls in: the
        same answer as testing every sample of :func:`curve` against every box. With ``limit``, the
        list stops at that many boxes (1: whether there is one; then ``hint``, the box that blocked
        the edge's previous shape and most often this one too, is tried first)."""
        key = (a, b, ends, _shape(smooth))
        known = self.known.get(key)
        if known is not None and (known[1] or (limit is not None and len(known[0]) >= limit)):
            return known[0]
        if limit == 1 and hint is not None and hint not in ends and _crosses(a, b, smooth, self.rects[hint]):
            hit = [hint]
        else:
            hit = self._hits(a, b, smooth, ends, limit)
        self.known[key] = (hit, limit is None or len(hit) < limit)
        return hit

    def _hits(
        self, a: tuple[float, float], b: tuple[float, float], smooth: Mapping, ends: tuple[str, ...], limit: int | None
    ) -> list[str]:
        (ax, ay), (bx, by) = a, b
        hit: list[str] = []
        profile = _profile(smooth)
        if profile is not None:  # the samples stay within the ends' rectangle
            near = self.near(min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), ends)
            if not near:
                return hit
            along, across = profile
            dx, dy = bx - ax, by - ay
            for _, name, x0, x1, y0, y1 in near:
                if _in_profile(along, across, ax, ay, dx, dy, x0, x1, y0, y1):
                    hit.append(name)
                    if len(hit) == limit:
                        break
            return hit
        (ax, ay), (vx, vy), (bx, by) = control_points(a, b, smooth)
        near = self.near(*_quadratic_bounds(ax, ay, vx, vy, bx, by), ends)
        if len(near) <= FEW_BOXES:  # a few boxes: each tested sample by sample, up to its first sample inside
            for _, name, x0, x1, y0, y1 in near:
                if _quadratic_in(ax, ay, vx, vy, bx, by, x0, x1, y0, y1):
                    hit.append(name)
                    if len(hit) == limit:
                        break
            return hit
        runs_x, runs_y = _runs(a, b, smooth)
        for _, name, x0, x1, y0, y1 in near:  # every sample lies within the bounds ``near`` was found for
            across = None
            for i, j in _ranges(runs_x, x0, x1):
                across = across if across is not None else _ranges(runs_y, y0, y1)
                if any(max(i, k) < min(j, m) for k, m in across):
                    hit.append(name)
                    break
            if len(hit) == limit:
                break
        return hit


def _shape(smooth: Mapping) -> tuple:
    return (smooth.get("enabled"), smooth.get("type"), smooth.get("roundness"))


def _in_profile(
    along: list[float],
    across: list[float],
    ax: float,
    ay: float,
    dx: float,
    dy: float,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
) -> bool:
    """Whether a sample ``(ax + dx * along[i], ay + dy * across[i])`` lies in [x0, x1] × [y0, y1]:
    the samples within each bound form an index range (the profiles never decrease)."""
    if dx > 0:
        i, j = bisect_left(along, (x0 - ax) / dx), bisect_right(along, (x1 - ax) / dx)
    elif dx < 0:
        i, j = bisect_left(along, (x1 - ax) / dx), bisect_right(along, (x0 - ax) / dx)
    else:
        i, j = (0, len(along)) if x0 <= ax <= x1 else (0, 0)
    if i >= j:
        return False
    if dy > 0:
        k, m = bisect_left(across, (y0 - ay) / dy), bisect_right(across, (y1 - ay) / dy)
    elif dy < 0:
        k, m = bisect_left(across, (y1 - ay) / dy), bisect_right(across, (y0 - ay) / dy)
    else:
        k, m = (0, len(across)) if y0 <= ay <= y1 else (0, 0)
    return max(i, k) < min(j, m)


def inside(
    a: tuple[float, float], b: tuple[float, float], smooth: Mapping, rect: tuple[float, float, float, float]
) -> tuple[int, int] | None:
    """For a straight or horizontal-cubic edge a → b: the indexes [i, j) of the samples of
    :func:`curve` that lie in ``rect`` (left, right, top, bottom), one range as the profiles never
    turn back; found by bisection, no sample computed. None for the quadratic shapes."""
    profile = _profile(smooth)
    if profile is None:
        return None
    return profile_inside(profile, a, b, rect)


def profile_inside(
    profile: tuple[list[float], list[float]],
    a: tuple[float, float],
    b: tuple[float, float],
    rect: tuple[float, float, float, float],
) -> tuple[int, int]:
    """:func:`inside` with the edge's sample profile (``_profile(smooth)``, not None) looked up already,
    for a caller testing several boxes against one edge."""
    along, across = profile
    (ax, ay), (bx, by) = a, b
    i, j = _index_range(along, ax, bx - ax, rect[0], rect[1])
    k, m = _index_range(across, ay, by - ay, rect[2], rect[3])
    return max(i, k), max(min(j, m), max(i, k))


def _index_range(profile: list[float], start: float, delta: float, low: float, high: float) -> tuple[int, int]:
    """Indexes [i, j) of the values ``start + delta * profile[k]`` within [low, high]."""
    if delta > 0:
        return bisect_left(profile, (low - start) / delta), bisect_right(profile, (high - start) / delta)
    if delta < 0:
        return bisect_left(profile, (high - start) / delta), bisect_right(profile, (low - start) / delta)
    return (0, len(profile)) if low <= start <= high else (0, 0)


def point(a: tuple[float, float], b: tuple[float, float], smooth: Mapping, index: int) -> tuple[float, float]:
    """Sample ``index`` of :func:`curve` (the same expressions, so the same value), without the others."""
    (ax, ay), (bx, by) = a, b
    if not smooth.get("enabled"):
        t = _TS[index]
        return (ax + (bx - ax) * t, ay + (by - ay) * t)
    r = smooth.get("roundness", 0.5)
    if smooth["type"] == "cubicBezier":
        dx = ax - bx
        c1x, c2x = ax - r * dx, bx + r * dx
        w0, w1, w2, w3 = _CUBIC[index]
        return (w0 * ax + w1 * c1x + w2 * c2x + w3 * bx, w0 * ay + w1 * ay + w2 * by + w3 * by)
    return curve(a, b, smooth)[index]


def _crosses(
    a: tuple[float, float], b: tuple[float, float], smooth: Mapping, rect: tuple[float, float, float, float]
) -> bool:
    """Whether a sample of the curve a → b falls in ``rect`` (left, right, top, bottom), sample by sample."""
    x0, x1, y0, y1 = rect
    (ax, ay), (bx, by) = a, b
    profile = _profile(smooth)
    if profile is not None:
        return _in_profile(*profile, ax, ay, bx - ax, by - ay, x0, x1, y0, y1)
    _, (vx, vy), _ = control_points(a, b, smooth)
    left, right, top, bottom = _quadratic_bounds(ax, ay, vx, vy, bx, by)
    if x1 < left or x0 > right or y1 < top or y0 > bottom:
        return False  # no sample can be in the box
    return _quadratic_in(ax, ay, vx, vy, bx, by, x0, x1, y0, y1)


def _quadratic_bounds(
    ax: float, ay: float, vx: float, vy: float, bx: float, by: float
) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) of the quadratic curve (a, via v, b), a hair wider for rounding: every
    sample lies inside. Tighter than the control points' hull (the curve reaches halfway to v)."""
    return (*_extent(ax, vx, bx), *_extent(ay, vy, by))


def _extent(a: float, v: float, b: float) -> tuple[float, float]:
    """Least and greatest value of (1-t)²a + 2t(1-t)v + t²b on 0 ≤ t ≤ 1, widened by HAIR."""
    low, high = (a, b) if a <= b else (b, a)
    bend = a - 2 * v + b
    if bend:
        t = (a - v) / bend  # where the derivative is zero
        if 0 < t < 1:
            turn = (1 - t) * (1 - t) * a + 2 * t * (1 - t) * v + t * t * b
            low, high = min(low, turn), max(high, turn)
    return low - HAIR, high + HAIR


def _quadratic_in(
    ax: float, ay: float, vx: float, vy: float, bx: float, by: float, x0: float, x1: float, y0: float, y1: float
) -> bool:
    """Whether a sample of the quadratic curve (a, via v, b) lies in [x0, x1] × [y0, y1]: the samples
    :func:`curve` gives (the same expressions), computed up to the first inside."""
    for w0, w1, w2 in _QUADRATIC:
        x = w0 * ax + w1 * vx + w2 * bx
        if x0 <= x <= x1 and y0 <= w0 * ay + w1 * vy + w2 * by <= y1:
            return True
    return False


def _runs(a: tuple[float, float], b: tuple[float, float], smooth: Mapping) -> tuple[list, list]:
    """A quadratic curve's samples per axis as monotone runs, for bisection.

    Each coordinate of a quadratic turns at most once, at its extreme sample: one or two runs of
    (start, end, ascending, values) per axis, neighbouring runs sharing the turning sample. The
    values are those :func:`curve` gives (the same expressions)."""
    key = (a, b, smooth.get("type"), smooth.get("roundness"))
    found = _RUNS.get(key)
    if found is None:
        if len(_RUNS) > 100_000:
            _RUNS.clear()
        (ax, ay), via, (bx, by) = control_points(a, b, smooth)
        vx, vy = via
        xs = [w0 * ax + w1 * vx + w2 * bx for w0, w1, w2 in _QUADRATIC]
        ys = [w0 * ay + w1 * vy + w2 * by for w0, w1, w2 in _QUADRATIC]
        found = _RUNS[key] = (_monotone(xs, ax - 2 * vx + bx), _monotone(ys, ay - 2 * vy + by))
    return found


_RUNS: dict[tuple, tuple[list, list]] = {}


def _monotone(values: list[float], bend: float) -> list[tuple[int, int, bool, list[float]]]:
    """``values`` of a quadratic (``bend``: its second difference's sign) cut at the extreme sample."""
    last = len(values) - 1
    turn = values.index(max(values) if bend < 0 else min(values)) if bend else 0
    if turn in (0, last):
        return [(0, len(values), values[last] >= values[0], values)]
    return [(0, turn + 1, bend < 0, values), (turn, len(values), bend > 0, values)]


def _ranges(runs: list[tuple[int, int, bool, list[float]]], low: float, high: float) -> list[tuple[int, int]]:
    """Index ranges [i, j) of the samples in [low, high], one per run that has any."""
    out = []
    for start, end, up, values in runs:
        if up:
            i, j = bisect_left(values, low, start, end), bisect_right(values, high, start, end)
        else:
            i, j = bisect_left(values, -high, start, end, key=neg), bisect_right(values, -low, start, end, key=neg)
        if i < j:
            out.append((i, j))
    return out


def route(
    positions: dict[str, tuple[float, float]],
    sizes: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str, str]],
    *,
    preferred: Mapping[str, dict] | None = None,
    obstacles: Iterable[str] | None = None,
    owners: Mapping[str, tuple[str, str]] | None = None,
    rounds: int = 8,
    verdict: bool = False,
    known: dict[tuple, Obstacles] | None = None,
) -> tuple[dict[str, tuple[float, float]], dict[str, dict], list[str]]:
    """Curve shapes for ``edges`` (id, from, to) that clear every box; moves blocking nodes if needed.

    Returns the (possibly adjusted) positions, a smooth option per edge id, and the ids of edges
    still blocked after ``rounds`` rounds (none in practice; reported, not hidden). Only
    ``obstacles`` (default: every positioned node) block curves and move; the others (the lane
    points long edges pass through) are fixed. ``owners`` gives, for a segment of a longer edge,
    the edge's own two concepts, which the segment may touch too.

    ``verdict``: the caller wants only which edges are blocked (it routes again if any is), so a
    blocked edge's shape is any failing one, found without listing every blocker. ``known``: the
    answers of earlier calls, by obstacle boxes (pass the same dict to calls on the same layout).
    """
    owners = owners or {}
    known = {} if known is None else known
    solid = set(positions if obstacles is None else obstacles)
    edges = list(edges)
    positions = dict(positions)
    preferred = preferred or {}
    smooth: dict[str, dict] = {}
    blocked: list[str] = []
    for round_ in range(rounds + 1):
        boxes = tuple(_grown(positions, sizes, solid, CLEARANCE))
        index = known.get(boxes)
        if index is None:
            index = known[boxes] = Obstacles(boxes)
        blocked, pushes = [], {}
        for edge_id, u, v in edges:
            if u == v:
                continue
            first = preferred.get(edge_id)
            order = ([first] if first is not None else []) + list(CANDIDATES)
            best, fewest = None, None
            a, b, ends = positions[u], positions[v], (u, v, *owners.get(edge_id, ()))
            settled = (a, b, ends, _shape(first) if first is not None else None)
            if settled in index.settled:  # the same question as in an earlier attempt
                smooth[edge_id] = index.settled[settled]
                continue
            hint = None
            for candidate in order:  # the first shape that clears: a blocker each is enough to rule one out
                hit = index.hits(a, b, candidate, ends, limit=1, hint=hint)
                if not hit:
                    best = candidate
                    break
                hint = hit[0]
            if best is not None:
                smooth[edge_id] = index.settled[settled] = best
                continue
            blocked.append(edge_id)
            if verdict:
                smooth[edge_id] = order[0]
                continue
            for candidate in order:  # none clears: the first with fewest blockers
                if fewest is not None and len(fewest[1]) == 1:
                    break  # every shape has one at least
                # counting stops where a shape can no longer have fewer than the best so far
                hit = index.hits(a, b, candidate, ends, limit=None if fewest is None else len(fewest[1]))
                if fewest is None or len(hit) < len(fewest[1]):
                    fewest = (candidate, hit)
            smooth[edge_id] = fewest[0]
            for name in fewest[1]:  # push the blocker away from the straight line u → v
                (ux, uy), (vx, vy) = positions[u], positions[v]
                x, y = positions[name]
                side = (vx - ux) * (y - uy) - (vy - uy) * (x - ux)
                pushes[name] = pushes.get(name, 0.0) + (1 if side >= 0 else -1)
        if not blocked or round_ == rounds:
            break
        for name, direction in pushes.items():
            x, y = positions[name]
            positions[name] = (x, round(y + math.copysign(sizes[name][1] * 0.6 + 12, direction), 1))
        positions.update(separate({n: positions[n] for n in solid}, sizes, first=set(pushes)))
    return positions, smooth, blocked


def _grown(
    positions: Mapping[str, tuple[float, float]], sizes: Mapping[str, tuple[float, float]], solid: set[str], pad: float
) -> list[tuple[str, float, float, float, float]]:
    """The ``solid`` nodes' boxes grown by ``pad``, as (name, left, right, top, bottom), in position order."""
    out = []
    for name, (x, y) in positions.items():
        if name in solid:
            width, height = sizes[name]
            half_w, half_h = width / 2 + pad, height / 2 + pad
            out.append((name, x - half_w, x + half_w, y - half_h, y + half_h))
    return out


def separate(
    positions: Mapping[str, tuple[float, float]],
    sizes: Mapping[str, tuple[float, float]],
    *,
    first: set[str],
    gap: float = 22.0,
) -> dict[str, tuple[float, float]]:
    """Positions with no two boxes of one column overlapping: pushed nodes keep their place, the
    others in their column move away from them (up above, down below)."""
    columns: dict[float, list[str]] = {}
    for name, (x, _) in positions.items():
        columns.setdefault(round(x, 1), []).append(name)
    out = dict(positions)
    for members in columns.values():
        members.sort(key=lambda n: (out[n][1], n not in first))
        for above, below in pairwise(members):
            need = (sizes[above][1] + sizes[below][1]) / 2 + gap
            if out[below][1] - out[above][1] < need:
                out[below] = (out[below][0], round(out[above][1] + need, 1))
    return out
