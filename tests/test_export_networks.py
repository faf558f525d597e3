"""GraphML, Cytoscape.js JSON and CX2 exports: each read back by the tool's own reader and compared
with the causal subgraph the query layer sees (causal and counteracting claims, what ``viz`` draws)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etiograph.causal.source import EdgeFilter
from etiograph.viz import style
from etiograph.vocab import shorten

#: GraphML, Cytoscape.js and CX2 exports read back by networkx and ndex2: ~3 s of CPU.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def causal_subgraph(kg) -> tuple[set[str], set[tuple[str, str]], int]:
    """Nodes, (subject, object) pairs and claim count of the causal + counteracting claims, via the API."""
    predicates = tuple(sorted(set(kg.causal_predicates()) | set(kg.counteracting_predicates())))
    pairs = {(shorten(s), shorten(o)) for s, o in kg.all_edges(EdgeFilter(predicates))}
    claims = kg.query(
        "SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim a/rdfs:subClassOf* etio:Claim ; rdf:subject ?s ; "
        "rdf:predicate ?p ; rdf:object ?o . "
        "?p rdfs:subPropertyOf+ etio:causallyRelatedTo }"
    ).rows[0][0]
    return {n for pair in pairs for n in pair}, pairs, int(claims.value)


def export(cli, tmp_path: Path, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"out.{fmt}"
    result = cli(["export", "--format", fmt, "-o", str(out), *extra])
    assert result.code == 0, result.err
    assert f"wrote {out}" in result.err
    return out


def test_graphml_loads_in_networkx_as_the_causal_subgraph(cli, tmp_path: Path, causal_subgraph) -> None:
    nodes, pairs, claims = causal_subgraph
    graph = nx.read_graphml(export(cli, tmp_path, "graphml"), force_multigraph=True)
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph.nodes) == nodes
    assert {(u, v) for u, v in graph.edges()} == pairs
    assert graph.number_of_edges() == claims
    assert graph.nodes["kg:urinary-tract-infection"]["label"] == "urinary tract infection"
    assert graph.nodes["kg:urinary-tract-infection"]["kind"] == "etio:Infection"
    edge = graph.edges[
        "kg:urinary-tract-infection", "kg:leg-cramps", "claim:urinary-tract-infection--causes--leg-cramps"
    ]
    assert (edge["predicate"], edge["relation"], edge["certainty"]) == ("etio:causes", "causal", "can")
    assert edge["quote"].startswith("Urinary tract infections can indirectly cause leg cramps")
    assert {d["relation"] for _, _, d in graph.edges(data=True)} == {"causal", "counteracting"}


def test_graphml_paths_selection_matches_kg_paths(cli, tmp_path: Path, kg) -> None:
    graph = nx.read_graphml(export(cli, tmp_path, "graphml", "--paths", "UTI", "leg cramps", "--max-hops", "4"))
    found = kg.paths("UTI", "leg cramps", max_hops=4)
    assert set(graph.nodes) == {shorten(n) for p in found.paths for n in p.nodes}
    assert {(u, v) for u, v in graph.edges()} == {
        (shorten(h.subject), shorten(h.object)) for p in found.paths for h in p.hops
    }


def test_cytoscape_json_has_the_elements_and_the_diagram_colours(cli, tmp_path: Path, causal_subgraph) -> None:
    nodes, pairs, claims = causal_subgraph
    document = json.loads(export(cli, tmp_path, "cytoscape").read_text(encoding="utf-8"))
    elements = document["elements"]
    ids = [n["data"]["id"] for n in elements["nodes"]]
    assert set(ids) == nodes and len(ids) == len(nodes)
    assert len(elements["edges"]) == claims == len({e["data"]["id"] for e in elements["edges"]})
    assert {(e["data"]["source"], e["data"]["target"]) for e in elements["edges"]} == pairs
    assert all("position" in n for n in elements["nodes"])  # the diagrams' layout comes along
    rules = {rule["selector"]: rule["style"] for rule in document["style"]}
    for mechanism, colour in style.mechanism_colours(
        {m for e in elements["edges"] for m in e["data"].get("mechanisms", [])}
    ).items():
        used = any(e["data"]["colour_group"] == mechanism for e in elements["edges"])
        if used:
            assert rules[f'edge[colour_group = "{mechanism}"]']["line-color"] == colour
    assert rules['edge[colour_group = "counteracting"]']["line-color"] == style.COUNTERACTING_COLOUR
    assert rules['edge[relation = "counteracting"]']["target-arrow-shape"] == "tee"
    infection = style.NODE_STYLES["https://w3id.org/etiograph/ontology#Infection"]
    assert rules['node[kind = "etio:Infection"]']["background-color"] == infection.fill
    hedged = [e for e in elements["edges"] if e["data"].get("certainty") == "may"]
    assert hedged and all(e["data"]["line"] == "hedged" for e in hedged)
    assert rules['edge[line = "hedged"]']["line-style"] == "dashed"


def test_cx2_loads_with_the_ndex_reference_reader(cli, tmp_path: Path, causal_subgraph) -> None:
    cx2 = pytest.importorskip("ndex2.cx2")
    nodes, pairs, claims = causal_subgraph
    path = export(cli, tmp_path, "cx2")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw[0] == {"CXVersion": "2.0", "hasFragments": False} and raw[-1] == {
        "status": [{"error": "", "success": True}]
    }
    counts = {m["name"]: m["elementCount"] for m in raw[1]["metaData"]}
    aspects = {name: items for block in raw[2:-1] for name, items in block.items()}
    assert counts == {name: len(items) for name, items in aspects.items()}

    network = cx2.CX2Network()
    network.create_from_raw_cx2(str(path))
    graph = cx2.CX2NetworkXFactory().get_graph(network)
    assert graph.number_of_nodes() == len(nodes) and graph.number_of_edges() == claims
    names = {n: d["represents"] for n, d in graph.nodes(data=True)}
    assert {(names[u], names[v]) for u, v in graph.edges()} == pairs
    assert network.get_network_attributes()["name"].startswith("etiograph")


#: The CX2 visual property names Cytoscape Web (NDEx's CX2 viewer) reads, from its
#: src/models/VisualStyleModel/impl/cxVisualPropertyConverter.ts, and the values of the enumerated ones.
CX2_PROPERTIES = {
    *("NODE_SHAPE", "NODE_BORDER_COLOR", "NODE_BORDER_STYLE", "NODE_BORDER_WIDTH", "NODE_BORDER_OPACITY"),
    *("NODE_HEIGHT", "NODE_WIDTH", "NODE_BACKGROUND_COLOR", "NODE_LABEL", "NODE_LABEL_COLOR", "NODE_LABEL_FONT_SIZE"),
    *("NODE_LABEL_FONT_FACE", "NODE_LABEL_POSITION", "NODE_LABEL_ROTATION", "NODE_LABEL_OPACITY"),
    *("NODE_BACKGROUND_OPACITY", "NODE_VISIBILITY", "NODE_SELECTED_PAINT", "NODE_LABEL_MAX_WIDTH", "NODE_Z_LOCATION"),
    *("EDGE_LINE_STYLE", "EDGE_LINE_COLOR", "EDGE_WIDTH", "EDGE_TARGET_ARROW_SHAPE", "EDGE_SOURCE_ARROW_SHAPE"),
    *("EDGE_TARGET_ARROW_COLOR", "EDGE_SOURCE_ARROW_COLOR", "EDGE_LABEL", "EDGE_LABEL_COLOR", "EDGE_LABEL_FONT_SIZE"),
    *("EDGE_LABEL_FONT_FACE", "EDGE_LABEL_ROTATION", "EDGE_LABEL_OPACITY", "EDGE_OPACITY", "EDGE_VISIBILITY"),
    *("EDGE_SELECTED_PAINT", "EDGE_LABEL_MAX_WIDTH", "EDGE_Z_LOCATION", "NETWORK_BACKGROUND_COLOR"),
}
CX2_VALUES = {
    "NODE_SHAPE": {
        "rectangle",
        "diamond",
        "ellipse",
        "hexagon",
        "octagon",
        "rhomboid",
        "round-rectangle",
        "triangle",
        "vee",
    },
    "NODE_BORDER_STYLE": {"solid", "dotted", "dashed", "double"},
    "EDGE_LINE_STYLE": {"solid", "dotted", "dashed"},
    "EDGE_TARGET_ARROW_SHAPE": {"triangle", "circle", "diamond", "square", "tee", "arrow", "none"},
}


def test_cx2_values_match_their_declared_types(cli, tmp_path: Path) -> None:
    raw = json.loads(export(cli, tmp_path, "cx2").read_text(encoding="utf-8"))
    aspects = {name: items for block in raw[2:-1] for name, items in block.items()}
    (declarations,) = aspects["attributeDeclarations"]
    python_types = {"string": str, "integer": int, "boolean": bool, "double": float, "list_of_string": list}
    for aspect in ("nodes", "edges"):
        declared = declarations[aspect]
        for element in aspects[aspect]:
            for key, value in element["v"].items():
                assert key in declared, (aspect, key)
                kind = declared[key]["d"]
                assert isinstance(value, python_types[kind]) and not (kind == "integer" and isinstance(value, bool))
                if kind == "list_of_string":
                    assert all(isinstance(item, str) for item in value)
    ids = {n["id"] for n in aspects["nodes"]}
    assert all(e["s"] in ids and e["t"] in ids for e in aspects["edges"])
    (visual,) = aspects["visualProperties"]
    names = {*visual["default"]["node"], *visual["default"]["edge"], *visual["nodeMapping"], *visual["edgeMapping"]}
    assert names <= CX2_PROPERTIES, names - CX2_PROPERTIES
    assert set(visual["default"]["network"]) <= CX2_PROPERTIES
    for name, allowed in CX2_VALUES.items():
        mapping = visual["nodeMapping"].get(name) or visual["edgeMapping"].get(name) or {"definition": {"map": []}}
        values = [m["vp"] for m in mapping["definition"]["map"]] + [
            d[name] for d in visual["default"].values() if name in d
        ]
        assert values and set(values) <= allowed, (name, values)
    for mapping in (*visual["nodeMapping"].values(), *visual["edgeMapping"].values()):
        assert mapping["type"] in ("DISCRETE", "PASSTHROUGH", "CONTINUOUS")
        assert mapping["definition"]["attribute"] in {**declarations["nodes"], **declarations["edges"]}
    colours = {m["v"]: m["vp"] for m in visual["edgeMapping"]["EDGE_LINE_COLOR"]["definition"]["map"]}
    assert colours["counteracting"] == style.COUNTERACTING_COLOUR
    assert colours["electrolytes"] == style.mechanism_colours(["electrolytes"])["electrolytes"]


def test_mechanism_selection_in_network_formats(cli, tmp_path: Path) -> None:
    document = json.loads(export(cli, tmp_path, "cytoscape", "--mechanism", "referred-pain").read_text())
    edges = document["elements"]["edges"]
    assert edges and all("referred-pain" in e["data"]["mechanisms"] for e in edges)
    assert "referred-pain" in document["data"]["description"]


def test_relations_all_adds_the_descriptive_claims(cli, tmp_path: Path, causal_subgraph) -> None:
    graph = nx.read_graphml(export(cli, tmp_path, "graphml", "--relations", "all"), force_multigraph=True)
    assert graph.number_of_edges() > causal_subgraph[2]
    assert "association" in {d["relation"] for _, _, d in graph.edges(data=True)}


def test_single_file_formats_write_to_standard_output(cli) -> None:
    result = cli(["export", "--format", "cytoscape", "--mechanism", "medication"])
    assert result.code == 0 and json.loads(result.out)["elements"]["edges"]


def test_unindented_graphml_of_large_graphs_reads_back_the_same(kg, monkeypatch) -> None:
    from etiograph.export import graphml
    from etiograph.export.propertygraph import build

    pg = build(kg)
    pretty = nx.parse_graphml(graphml.write(pg).decode("utf-8"), force_multigraph=True)
    monkeypatch.setattr(graphml, "PRETTY_LIMIT", 0)
    flat = graphml.write(pg)
    assert flat.count(b"\n") < len(pg.claims) / 4  # only the line breaks inside multi-quote values
    plain = nx.parse_graphml(flat.decode("utf-8"), force_multigraph=True)
    assert nx.utils.edges_equal(pretty.edges(keys=True, data=True), plain.edges(keys=True, data=True))
    assert dict(pretty.nodes(data=True)) == dict(plain.nodes(data=True))


MECHANISM_NAMES = st.one_of(
    st.sampled_from(["medication", "Kidney involvement", "ELECTROLYTES", "referred-pain", "lifestyle"]),
    st.text(max_size=20),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=MECHANISM_NAMES)
def test_any_mechanism_name_selects_that_mechanism_or_is_refused(kg, name: str) -> None:
    from etiograph.errors import EtiographError
    from etiograph.export.propertygraph import Selection, build

    try:
        pg = build(kg, Selection(relations="causal", mechanism=name))
    except EtiographError as error:
        assert "\n" not in str(error) and "choose one of" in str(error)
        return
    notation = kg.scheme("mechanisms")[kg.mechanism(name)].notation
    assert pg.claims and all(notation in c.mechanisms for c in pg.claims)
    assert set(pg.nodes) == {c.subject for c in pg.claims} | {c.object for c in pg.claims}
