"""Several sources: the bundled article and a fixture article (written for these tests) that shares
concepts with it, giving corroborated edges and one conflict; drafting measured on the fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etiograph import KnowledgeGraph, resources
from etiograph.cli import main
from etiograph.curation.draft import draft, pair_recall
from etiograph.curation.locate import read_text
from etiograph.curation.sheets import read_claims, read_concepts
from etiograph.vocab import CLAIM, KG, PROV, RDF, SOURCE

GRAPH = resources.data_root() / "graph"
FIXTURE = Path(__file__).parent / "data" / "sources" / "dehydration-headaches-fixture"


@pytest.fixture(scope="module")
def both() -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[str(GRAPH), str(FIXTURE)])


def _query(kg: KnowledgeGraph, text: str) -> list:
    return list(kg.query(text))


def test_the_fixture_says_it_is_a_fixture() -> None:
    assert read_text(FIXTURE / "article.txt").startswith("FIXTURE ARTICLE")
    assert "not a real publication" in (FIXTURE / "source.yaml").read_text()


def test_one_direct_triple_and_one_claim_node_per_source(both: KnowledgeGraph) -> None:
    """fluid loss causes dehydration: both sources claim it; one triple, two claim nodes, each naming its source."""
    rows = _query(
        both,
        f"""SELECT ?claim ?source WHERE {{
            ?claim <{RDF}subject> <{KG}fluid-loss> ; <{RDF}predicate> <https://w3id.org/etiograph/ontology#causes> ;
                   <{RDF}object> <{KG}dehydration> ; <{PROV}wasDerivedFrom> ?source }} ORDER BY ?claim""",
    )
    found = {(r[0].value, r[1].value) for r in rows}
    assert found == {
        (CLAIM + "fluid-loss--causes--dehydration", SOURCE + "can-a-uti-cause-leg-cramps"),
        (CLAIM + "dehydration-headaches-fixture--fluid-loss--causes--dehydration", SOURCE + "dehydration-headaches-fixture"),
    }
    triples = _query(both, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{KG}fluid-loss> <https://w3id.org/etiograph/ontology#causes> <{KG}dehydration> }}")
    assert int(triples[0][0].value) == 1


def test_corroborated_edges_query(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "corroborated-edges", "--data", str(GRAPH), "--data", str(FIXTURE), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    edges = {(r["subjectLabel"]["value"], r["predicate"]["value"], r["objectLabel"]["value"]): int(r["sourceCount"]["value"]) for r in rows}
    assert edges[("fluid loss", "causes", "dehydration")] == 2
    assert edges[("hydration", "prevents", "dehydration")] == 2
    assert all(count == 2 for count in edges.values())
    assert ("dehydration", "causes", "headache") not in edges  # only the fixture says it
    assert main(["query", "corroborated-edges"]) == 0  # the bundled graph alone: one source, no corroboration
    assert "(0 rows)" in capsys.readouterr().out


def test_conflict_between_sources(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled article: caffeine causes fluid loss; the fixture: coffee replenishes lost fluid."""
    assert main(["query", "source-conflicts", "--data", str(GRAPH), "--data", str(FIXTURE), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert [(r["subjectLabel"]["value"], r["objectLabel"]["value"], r["causalSource"]["value"], r["counterSource"]["value"]) for r in rows] == [
        ("caffeine", "fluid loss", "can-a-uti-cause-leg-cramps", "dehydration-headaches-fixture")
    ]
    assert main(["check", str(FIXTURE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    conflicts = [p for p in report["problems"] if p["code"] == "pair-conflict"]
    assert len(conflicts) == 1 and "caffeine" in conflicts[0]["message"]
    assert report["coverage"][0]["cited"] == report["coverage"][0]["causal_sentences"]


def test_paths_cross_sources(both: KnowledgeGraph) -> None:
    """A path only the two sources together make: UTI → … → dehydration (bundled) → headache (fixture)."""
    result = both.paths("UTI", "headache", max_hops=4)
    assert result.paths
    assert all(path.nodes[-1] == KG + "headache" for path in result.paths)
    assert any(KG + "dehydration" in path.nodes for path in result.paths)


def test_draft_recall_on_the_fixture() -> None:
    """Recall first: the draft finds most of the fixture sheet's subject-object pairs."""
    concepts = read_concepts(GRAPH / "concepts.tsv") + read_concepts(FIXTURE / "concepts.tsv")
    rows = draft(read_text(FIXTURE / "article.txt"), concepts)
    curated = [(r.subject, r.object) for r in read_claims(FIXTURE / "claims.tsv")]
    score = pair_recall(rows, curated)
    assert score.curated == 14
    assert score.recall >= 0.8, score
    assert all(r.quote in read_text(FIXTURE / "article.txt") for r in rows)


def test_draft_and_new_source_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "mine"
    assert main(["new-source", "headaches", "--article", str(FIXTURE / "article.txt"), "--root", str(root), "--draft"]) == 0
    folder = root / "sources" / "headaches"
    rows = read_claims(folder / "claims.tsv")
    assert rows and {r.section for r in rows} <= {"introduction", "dehydration-and-headaches", "drinks-and-headaches"}
    assert (root / "concepts.tsv").is_file()
    assert main(["new-source", "headaches", "--article", str(FIXTURE / "article.txt"), "--root", str(root)]) == 2
    assert "already exists" in capsys.readouterr().err
    out = tmp_path / "draft.tsv"
    assert main(["draft", str(FIXTURE / "article.txt"), "-o", str(out), "--concepts", str(GRAPH / "concepts.tsv"),
                 "--concepts", str(FIXTURE / "concepts.tsv"), "--against", str(FIXTURE / "claims.tsv")]) == 0
    assert "recall" in capsys.readouterr().err
    assert out.read_text().splitlines()[0].split("\t")[:3] == ["subject", "predicate", "object"]
