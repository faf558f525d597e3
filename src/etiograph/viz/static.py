"""Static images of a diagram for slides and handouts: SVG written from the computed layout, and
PNG rasterised from that SVG by headless Chromium when it is installed.

The SVG draws exactly what the page draws when it opens (same positions, same curve for each
arrow, same colours, marks and dashes), sized for a 16:9 slide (1920×1080) with the title on
top and a one-line legend at the bottom. Every text is escaped; the SVG needs no font file and
no network.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import EtiographError
from ..markup import escape
from . import geometry, style
from .model import Diagram
from .network import FONT, FONT_SIZE, LABEL_WIDTH, ROLE_FONT_SIZE, VisData

SLIDE = (1920, 1080)
TITLE_BAND = 110
LEGEND_BAND = 96
PAD = 40


def svg(diagram: Diagram, data: VisData, *, size: tuple[int, int] = SLIDE, chrome: bool = True) -> str:
    """The drawing as an SVG document of ``size`` (title and legend included when ``chrome``)."""
    width, height = size
    nodes = [n for n in data.nodes if not n.get("hidden")]
    edges = [e for e in data.edges if not e.get("hidden")]
    boxes = {}
    for node in nodes:
        if node.get("waypoint"):
            boxes[node["id"]] = geometry.Box(node["x"], node["y"], 0.0, 0.0)
            continue
        font = node.get("font", {}).get("size", FONT_SIZE)
        w, h = geometry.drawn_size(node["label"], font, LABEL_WIDTH)
        if font >= ROLE_FONT_SIZE:  # drawn bold
            w *= 1.12
        boxes[node["id"]] = geometry.Box(node["x"], node["y"], w, h)
    top = TITLE_BAND if chrome else PAD
    bottom = LEGEND_BAND if chrome else PAD
    rects = {
        name: (box.x - box.width / 2, box.x + box.width / 2, box.y - box.height / 2, box.y + box.height / 2)
        for name, box in boxes.items()
    }
    if rects:
        left, right = min(r[0] for r in rects.values()), max(r[1] for r in rects.values())
        upper, lower = min(r[2] for r in rects.values()), max(r[3] for r in rects.values())
    else:
        left = upper = 0.0
        right = lower = 1.0
    span_x, span_y = max(right - left, 1.0), max(lower - upper, 1.0)
    scale = min((width - 2 * PAD) / span_x, (height - top - bottom) / span_y, 1.6)
    offset_x = PAD + (width - 2 * PAD - span_x * scale) / 2 - left * scale
    offset_y = top + (height - top - bottom - span_y * scale) / 2 - upper * scale

    def at(x: float, y: float) -> tuple[float, float]:
        return (round(x * scale + offset_x, 1), round(y * scale + offset_y, 1))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(FONT, quote=True)}" role="img" aria-label="{escape(diagram.title, quote=True)}">',
        f"<title>{escape(diagram.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if chrome:
        out.append(
            f'<text x="{PAD}" y="58" font-size="40" font-weight="650" fill="#1F2933">{escape(diagram.title)}</text>'
        )
        out.append(f'<text x="{PAD}" y="94" font-size="22" fill="#52606D">{escape(diagram.caption)}</text>')
    positions = {n["id"]: (n["x"], n["y"]) for n in nodes}
    links = {e["id"]: e for e in data.edges if "partOf" not in e}
    place = (scale, offset_x, offset_y)
    for edge in edges:
        if "partOf" in edge:  # a segment of a long link: drawn in its link's colour, width and dashes
            link = links[edge["partOf"]]
            edge = {**edge, "color": link["color"], "width": link["width"], "dashes": link["dashes"]}
        if edge["from"] not in positions or edge["to"] not in positions:
            continue
        out.append(_edge(edge, positions, rects, boxes[edge["to"]].width == 0, place))
    for node in nodes:
        if not node.get("waypoint"):
            out.append(_node(node, boxes[node["id"]], at, scale))
    if chrome:
        out.append(_legend(diagram, width, height))
    out.append("</svg>")
    return "\n".join(out) + "\n"


#: A trimmed arrow's path, by its number of control points: its numbers to one decimal, then each
#: "x.0" shortened to "x" (_ZERO). Formatting an unrounded number to one decimal gives the string of
#: the number rounded to one decimal (both are correctly rounded), so the points need no round().
_PATHS = {2: "M%.1f,%.1fL%.1f,%.1f", 3: "M%.1f,%.1fQ%.1f,%.1f %.1f,%.1f", 4: "M%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1f"}
_ZERO = re.compile(r"\.0(?![0-9])")


def _edge(edge: dict, positions, rects, waypoint: bool, place: tuple[float, float, float]) -> str:
    smooth = edge.get("smooth") or geometry.CANDIDATES[0]
    a, b = positions[edge["from"]], positions[edge["to"]]
    end = rects[edge["to"]]
    # the first and last samples outside both boxes (the boxes hold the curve's two ends)
    span = _outside(a, b, smooth, rects[edge["from"]], end)
    if span is None:
        return ""
    first_out, last_out = span
    first = first_out - 1 if first_out else 0
    last = geometry.SAMPLES if waypoint else last_out  # a waypoint: the next segment carries on
    scale, offset_x, offset_y = place
    colour = edge["color"]["color"]
    width = max(edge.get("width", 2) * scale, 1.2)
    dash = ""
    if edge.get("dashes"):
        dash = f' stroke-dasharray="{" ".join(str(round(d * scale, 1)) for d in edge["dashes"])}"'
    # the visible part as one exact Bézier segment (a polyline of the samples made slides 5x bigger)
    trimmed = trim(geometry.control_points(a, b, smooth), first / geometry.SAMPLES, last / geometry.SAMPLES)
    numbers = [v for x, y in trimmed for v in (x * scale + offset_x, y * scale + offset_y)]
    path = _ZERO.sub("", _PATHS[len(trimmed)] % tuple(numbers))
    parts = [f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width:.1f}"{dash}/>']

    def at(x: float, y: float) -> tuple[float, float]:
        return (round(x * scale + offset_x, 1), round(y * scale + offset_y, 1))

    (x1, y1), (x2, y2) = at(*geometry.point(a, b, smooth, last - 1)), at(*geometry.point(a, b, smooth, last))
    angle = math.atan2(y2 - y1, x2 - x1)
    head = 16 * scale + 4
    if not edge["arrows"]["to"].get("enabled", True):
        pass
    elif edge["arrows"]["to"].get("type") == "bar":
        dx, dy = -math.sin(angle) * head * 0.7, math.cos(angle) * head * 0.7
        parts.append(
            f'<line x1="{x2 + dx:.1f}" y1="{y2 + dy:.1f}" x2="{x2 - dx:.1f}" y2="{y2 - dy:.1f}" stroke="{colour}" stroke-width="{width + 2:.1f}"/>'
        )
    else:
        left = (x2 - head * math.cos(angle - 0.42), y2 - head * math.sin(angle - 0.42))
        right = (x2 - head * math.cos(angle + 0.42), y2 - head * math.sin(angle + 0.42))
        parts.append(
            f'<polygon points="{x2},{y2} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}" fill="{colour}"/>'
        )
    middle = edge["arrows"].get("middle")
    if middle:
        half = (geometry.SAMPLES + 1) // 2  # the middle sample
        mx, my = at(*geometry.point(a, b, smooth, half))
        (px, py), (qx, qy) = at(*geometry.point(a, b, smooth, half - 1)), at(*geometry.point(a, b, smooth, half + 1))
        angle = math.degrees(math.atan2(qy - py, qx - px))
        parts.append(_rotated(style.marker_svg(middle["type"], 0, 0, colour, 9 * scale + 3), mx, my, angle))
    return "".join(parts)


def trim(points: list[tuple[float, float]], t0: float, t1: float) -> list[tuple[float, float]]:
    """``geometry.sub_curve(points, t0, t1)``, the same numbers (the same operations in the same
    order), with de Casteljau's steps written out for the 2, 3 or 4 control points an edge has.

    >>> trim([(0.0, 0.0), (10.0, 0.0)], 0.25, 0.5)
    [(2.5, 0.0), (5.0, 0.0)]
    """
    head = _split(points, t1)[0] if t1 < 1 else points
    return _split(head, t0 / t1)[1] if t0 > 0 and t1 > 0 else list(head)


def _split(points: list[tuple[float, float]], t: float) -> tuple[list, list]:
    """The control points of the parts before and after ``t`` (de Casteljau, as geometry.sub_curve)."""
    if len(points) == 2:
        (ax, ay), (bx, by) = points
        m = (ax + (bx - ax) * t, ay + (by - ay) * t)
        return [points[0], m], [m, points[1]]
    if len(points) == 3:
        (ax, ay), (bx, by), (cx, cy) = points
        abx, aby, bcx, bcy = ax + (bx - ax) * t, ay + (by - ay) * t, bx + (cx - bx) * t, by + (cy - by) * t
        m = (abx + (bcx - abx) * t, aby + (bcy - aby) * t)
        return [points[0], (abx, aby), m], [m, (bcx, bcy), points[2]]
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
    abx, aby, bcx, bcy = ax + (bx - ax) * t, ay + (by - ay) * t, bx + (cx - bx) * t, by + (cy - by) * t
    cdx, cdy = cx + (dx - cx) * t, cy + (dy - cy) * t
    abcx, abcy, bcdx, bcdy = abx + (bcx - abx) * t, aby + (bcy - aby) * t, bcx + (cdx - bcx) * t, bcy + (cdy - bcy) * t
    m = (abcx + (bcdx - abcx) * t, abcy + (bcdy - abcy) * t)
    return [points[0], (abx, aby), (abcx, abcy), m], [m, (bcdx, bcdy), (cdx, cdy), points[3]]


def _outside(a, b, smooth, start: tuple, end: tuple) -> tuple[int, int] | None:
    """(first, last) indexes of the samples outside both end boxes (left, right, top, bottom), when
    two or more are; else None."""
    profile = geometry._profile(smooth)
    if profile is not None:  # geometry.inside for both boxes, one profile lookup
        head, tail = geometry.profile_inside(profile, a, b, start), geometry.profile_inside(profile, a, b, end)
        if head[0] == 0 and tail[1] == geometry.SAMPLES + 1:
            first, last = head[1], tail[0] - 1  # each box holds a run of samples from its end
            return (first, last) if first < last else None
    rects = (start, end)
    points = geometry.curve(a, b, smooth)
    out = [i for i, (x, y) in enumerate(points) if not any(x0 <= x <= x1 and y0 <= y <= y1 for x0, x1, y0, y1 in rects)]
    first, last = (out[0], out[-1]) if out else (0, 0)
    return (first, last) if first < last else None


def _rotated(body: str, x: float, y: float, degrees: float) -> str:
    return f'<g transform="translate({x},{y}) rotate({degrees:.1f})">{body}</g>' if body else ""


def _node(node: dict, box: geometry.Box, at, scale: float) -> str:
    colour = node["color"]
    shape = node.get("shapeProperties", {})
    radius = shape.get("borderRadius", 3) * scale
    dash = ' stroke-dasharray="6 4"' if shape.get("borderDashes") else ""
    x, y = at(box.x - box.width / 2, box.y - box.height / 2)
    font = node.get("font", {}).get("size", FONT_SIZE)
    lines = geometry.wrap(node["label"], font, LABEL_WIDTH)
    text_x, text_y = at(box.x, box.y)
    size = font * scale
    first = text_y - (len(lines) - 1) * size * 1.15 / 2 + size * 0.35
    tspans = "".join(
        f'<tspan x="{text_x}" y="{first + i * size * 1.15:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    weight = ' font-weight="600"' if font >= ROLE_FONT_SIZE else ""
    return (
        f'<rect x="{x}" y="{y}" width="{box.width * scale:.1f}" height="{box.height * scale:.1f}" rx="{radius:.1f}" '
        f'fill="{colour["background"]}" stroke="{colour["border"]}" stroke-width="{node.get("borderWidth", 1.5) * scale:.1f}"{dash}/>'
        f'<text text-anchor="middle" font-size="{size:.1f}" fill="{node.get("font", {}).get("color", "#1F2933")}"{weight}>{tspans}</text>'
    )


def _legend(diagram: Diagram, width: int, height: int) -> str:
    drawn = diagram.drawn_links
    links = [link for link in diagram.links if link.id in drawn]
    names = sorted(
        {link.mechanism(diagram.mechanism) or "" for link in links if not link.counteracting}, key=style.mechanism_order
    )
    looks = style.mechanism_looks({m for link in diagram.links for m in link.mechanisms})
    items = []
    for name in names:
        colour, marker = (
            looks.get(name, (style.NO_MECHANISM_COLOUR, None)) if name else (style.NO_MECHANISM_COLOUR, None)
        )
        items.append(
            (style.line_icon(colour, marker=marker), diagram.mechanism_labels.get(name, name) or "no mechanism")
        )
    if any(link.counteracting for link in links):
        items.append((style.line_icon(style.COUNTERACTING_COLOUR, counteracting=True), "counteracts"))
    # The certainty lines with the page legend's words (etiograph.certainty), for the styles drawn here.
    used = {
        style.line_style(link.best.certainty if link.best else None, link.best.rank if link.best else 0).key
        for link in links
    }
    items += [(style.line_icon("#4A5563", line), line.label) for line in style.LINE_STYLES if line.key in used]
    x, y = PAD, height - LEGEND_BAND + 22
    out = ['<g font-size="20" fill="#1F2933">']
    for icon, label in items:
        body = icon.split(">", 1)[1].rsplit("</svg>", 1)[0]
        out.append(f'<g transform="translate({x},{y}) scale(1.3)">{body}</g>')
        out.append(f'<text x="{x + 64}" y="{y + 15}">{escape(label)}</text>')
        x += 64 + 11 * len(label) + 36
        if x > width - 300:
            x, y = PAD, y + 30
    out.append("</g>")
    return "".join(out)


# -- PNG, through headless Chromium --------------------------------------------------------------
def chromium() -> str | None:
    """The Chromium to rasterise with: /usr/bin/chromium (Debian) or one on PATH."""
    import shutil  # here, not at import: every page's handout imports this module for its SVG

    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def png(svg_text: str, size: tuple[int, int] = SLIDE) -> bytes:
    """``svg_text`` rasterised at ``size`` by headless Chromium (offline: a local file, no network)."""
    import subprocess
    import tempfile

    browser = chromium()
    if browser is None:
        raise EtiographError("--png needs Chromium (apt-get install chromium); --svg writes an image without it")
    with tempfile.TemporaryDirectory(prefix="etiograph-png-") as folder:
        page = Path(folder) / "slide.html"
        page.write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{{margin:0;background:#fff}}</style>'
            f"</head><body>{svg_text}</body></html>",
            encoding="utf-8",
        )
        out = Path(folder) / "slide.png"
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise EtiographError(f"Chromium could not draw the image: {error}") from error
        if not out.is_file() or out.stat().st_size == 0:
            raise EtiographError(f"Chromium wrote no image ({browser}); --svg writes an image without it")
        return out.read_bytes()
