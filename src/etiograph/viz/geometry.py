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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

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


@dataclass(frozen=True)
class Box:
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
    """Each box grown by ``pad`` as (name, left, right, top, bottom): computed once per routing round."""
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


def route(
    positions: dict[str, tuple[float, float]],
    sizes: Mapping[str, tuple[float, float]],
    edges: Iterable[tuple[str, str, str]],
    *,
    preferred: Mapping[str, dict] | None = None,
    obstacles: Iterable[str] | None = None,
    owners: Mapping[str, tuple[str, str]] | None = None,
    rounds: int = 8,
) -> tuple[dict[str, tuple[float, float]], dict[str, dict], list[str]]:
    """Curve shapes for ``edges`` (id, from, to) that clear every box; moves blocking nodes if needed.

    Returns the (possibly adjusted) positions, a smooth option per edge id, and the ids of edges
    still blocked after ``rounds`` rounds (none in practice; reported, not hidden). Only
    ``obstacles`` (default: every positioned node) block curves and move; the others (the lane
    points long edges pass through) are fixed. ``owners`` gives, for a segment of a longer edge,
    the edge's own two concepts, which the segment may touch too.
    """
    owners = owners or {}
    solid = set(positions if obstacles is None else obstacles)
    edges = list(edges)
    positions = dict(positions)
    preferred = preferred or {}
    smooth: dict[str, dict] = {}
    blocked: list[str] = []
    for round_ in range(rounds + 1):
        bounds = _bounds({n: Box(x, y, *sizes[n]) for n, (x, y) in positions.items() if n in solid}, CLEARANCE)
        blocked, pushes = [], {}
        for edge_id, u, v in edges:
            if u == v:
                continue
            order = ([preferred[edge_id]] if edge_id in preferred else []) + list(CANDIDATES)
            best, fewest = None, None
            for candidate in order:
                hit = _hits(curve(positions[u], positions[v], candidate), (u, v, *owners.get(edge_id, ())), bounds)
                if not hit:
                    best = candidate
                    break
                if fewest is None or len(hit) < len(fewest[1]):
                    fewest = (candidate, hit)
            if best is not None:
                smooth[edge_id] = best
                continue
            smooth[edge_id] = fewest[0]
            blocked.append(edge_id)
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
