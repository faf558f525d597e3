"""CX2, the network format Cytoscape desktop (3.10+) and NDEx read: attributes, nodes, edges and a style.

Written to the CX 2.0 specification
(https://cytoscape.org/cx/cx2/specification/cytoscape-exchange-format-specification-(version-2)):
a descriptor, pre-metadata counting each aspect, ``attributeDeclarations`` (every node, edge and
network attribute with its data type), ``networkAttributes``, ``nodes`` (integer ids, values, and
the diagrams' positions), ``edges``, ``visualProperties`` (defaults plus DISCRETE and PASSTHROUGH
mappings with the diagrams' colours, shapes and line styles; property names and values as the CX2
visual style reference and Cytoscape Web, NDEx's own CX2 reader, spell them) and a final ``status``. The ``ndex2`` package writes CX2 too, but brings pandas and
numpy; this writer is plain JSON, and the tests read its output back with ``ndex2``'s reader.
"""

from __future__ import annotations

import json
from typing import Any

from ..viz import style
from ..vocab import shorten
from .cytoscape import DASHED, DOTTED, SOLID, Looks, claim_attributes, node_shape, positions
from .graphml import node_attributes
from .propertygraph import PropertyGraph

LINE_STYLES = {SOLID: "solid", DASHED: "dashed", DOTTED: "dotted"}

NODE_ATTRIBUTES = {
    "name": "string",
    "represents": "string",
    "iri": "string",
    "kind": "string",
    "kind_label": "string",
    "definition": "string",
    "alt_labels": "list_of_string",
    "exact_matches": "list_of_string",
    "close_matches": "list_of_string",
    "mechanisms": "list_of_string",
}
EDGE_ATTRIBUTES = {
    "interaction": "string",
    "claim": "string",
    "predicate": "string",
    "relation": "string",
    "certainty": "string",
    "certainty_rank": "integer",
    "mechanisms": "list_of_string",
    "colour_group": "string",
    "line": "string",
    "quote": "string",
    "quotes": "list_of_string",
    "section": "string",
    "indirect": "boolean",
}
NETWORK_ATTRIBUTES = {"name": "string", "description": "string", "generated_by": "string"}


def document(pg: PropertyGraph) -> list[dict[str, Any]]:
    """The CX2 document as a Python list of aspects."""
    looks = Looks(pg)
    placed = positions(pg)
    ids = {iri: n for n, iri in enumerate(sorted(pg.nodes))}
    nodes = []
    for iri, number in ids.items():
        attributes = node_attributes(pg, iri)
        values = {
            "name": attributes["label"],
            "represents": shorten(iri),
            "iri": iri,
            "kind": attributes["kind"],
            "kind_label": attributes["kind_label"],
            "definition": attributes["definition"],
            "alt_labels": list(pg.nodes[iri].alt_labels),
            "exact_matches": [shorten(m) for m in pg.nodes[iri].exact_matches],
            "close_matches": [shorten(m) for m in pg.nodes[iri].close_matches],
            "mechanisms": list(pg.nodes[iri].mechanisms),
        }
        element: dict[str, Any] = {"id": number, "v": _present(values)}
        if iri in placed:
            element["x"], element["y"] = round(placed[iri][0], 1), round(placed[iri][1], 1)
        nodes.append(element)
    edges = []
    for number, claim in enumerate(pg.claims):
        values = {
            "interaction": pg.label(claim.predicate),
            "claim": shorten(claim.iri),
            **claim_attributes(claim, looks),
        }
        edges.append({"id": number, "s": ids[claim.subject], "t": ids[claim.object], "v": _present(values)})
    network = {"name": pg.title or "etiograph", "description": pg.description, "generated_by": "etiograph"}
    aspects: list[tuple[str, list[Any]]] = [
        (
            "attributeDeclarations",
            [
                {
                    "networkAttributes": {k: {"d": d} for k, d in NETWORK_ATTRIBUTES.items()},
                    "nodes": {k: {"d": d} for k, d in NODE_ATTRIBUTES.items()},
                    "edges": {k: {"d": d} for k, d in EDGE_ATTRIBUTES.items()},
                }
            ],
        ),
        ("networkAttributes", [network]),
        ("nodes", nodes),
        ("edges", edges),
        ("visualProperties", [visual_properties(looks)]),
    ]
    return [
        {"CXVersion": "2.0", "hasFragments": False},
        {"metaData": [{"name": name, "elementCount": len(items)} for name, items in aspects]},
        *({name: items} for name, items in aspects),
        {"status": [{"error": "", "success": True}]},
    ]


def visual_properties(looks: Looks) -> dict[str, Any]:
    """Defaults and mappings: node fill, border and shape by kind; edge colour by mechanism (green for
    counteracting), line style and width by certainty, arrow head by relation."""
    other = style.OTHER_KIND
    kinds = looks.kinds()
    groups = looks.groups()
    widths = {line.key: line.width for line in style.LINE_STYLES}
    dashes = {
        line.key: SOLID if not line.dashes else DASHED if line.dashes[0] > 4 else DOTTED for line in style.LINE_STYLES
    }
    return {
        "default": {
            "network": {"NETWORK_BACKGROUND_COLOR": "#FFFFFF"},
            "node": {
                "NODE_SHAPE": "round-rectangle",
                "NODE_BACKGROUND_COLOR": other.fill,
                "NODE_BORDER_COLOR": other.border,
                "NODE_BORDER_WIDTH": 1.6,
                "NODE_WIDTH": 110.0,
                "NODE_HEIGHT": 40.0,
                "NODE_LABEL_FONT_SIZE": 11,
                "NODE_LABEL_MAX_WIDTH": 100.0,
            },
            "edge": {
                "EDGE_LINE_COLOR": style.NO_MECHANISM_COLOUR,
                "EDGE_TARGET_ARROW_COLOR": style.NO_MECHANISM_COLOUR,
                "EDGE_TARGET_ARROW_SHAPE": "triangle",
                "EDGE_LINE_STYLE": "solid",
                "EDGE_WIDTH": style.FIRM.width,
            },
        },
        "nodeMapping": {
            "NODE_LABEL": _passthrough("name"),
            "NODE_BACKGROUND_COLOR": _discrete("kind", {k: n.fill for k, n in kinds.items()}),
            "NODE_BORDER_COLOR": _discrete("kind", {k: n.border for k, n in kinds.items()}),
            "NODE_SHAPE": _discrete("kind", {k: _shape(n) for k, n in kinds.items()}),
            "NODE_BORDER_WIDTH": _discrete("kind", {k: node_shape(n)[2] for k, n in kinds.items()}),
            "NODE_BORDER_STYLE": _discrete(
                "kind", {k: "dashed" if n.dashed_border else "solid" for k, n in kinds.items()}
            ),
        },
        "edgeMapping": {
            "EDGE_LINE_COLOR": _discrete("colour_group", groups),
            "EDGE_TARGET_ARROW_COLOR": _discrete("colour_group", groups),
            "EDGE_TARGET_ARROW_SHAPE": _discrete("relation", {"counteracting": "tee"}),
            "EDGE_LINE_STYLE": _discrete("line", {k: LINE_STYLES[v] for k, v in dashes.items()}),
            "EDGE_WIDTH": _discrete("line", widths),
        },
    }


def _shape(node: style.NodeStyle) -> str:
    return node_shape(node)[0]


def _passthrough(attribute: str) -> dict[str, Any]:
    return {"type": "PASSTHROUGH", "definition": {"attribute": attribute, "type": "string"}}


def _discrete(attribute: str, mapping: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "DISCRETE",
        "definition": {
            "attribute": attribute,
            "type": "string",
            "map": [{"v": k, "vp": v} for k, v in mapping.items()],
        },
    }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def write(pg: PropertyGraph) -> bytes:
    """The CX2 document (UTF-8 JSON)."""
    return (json.dumps(document(pg), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
