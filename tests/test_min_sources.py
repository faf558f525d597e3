"""Corroboration on paths: how many independent sources back each hop, and ``--min-sources N``.

Two sources: the bundled article and the labelled fixture article in ``tests/data/sources/`` (written for
these tests), which share concepts and corroborate a few edges.
"""

from __future__ import annotations

import json
from pathlib import Path

import data
import pytest

from etiograph import EtiographError, KnowledgeGraph, resources
from etiograph.cli import main

GRAPH = resources.data_root() / "graph"
FIXTURE = Path(__file__).parent / "data" / "sources" / "dehydration-headaches-fixture"


@pytest.fixture(scope="module")
def two_sources() -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[str(GRAPH), str(FIXTURE)])


def test_a_corroborated_hop_passes_min_sources_2_and_a_single_source_one_does_not(two_sources: KnowledgeGraph):
    corroborated = two_sources.paths("dehydration", "electrolyte imbalance", max_hops=1, min_sources=2)
    assert [p.nodes for p in corroborated.paths] == [(data.DEHYDRATION, data.ELECTROLYTE_IMBALANCE)]
    assert corroborated.filters == {"min_sources": "2"}
    single = two_sources.paths("electrolyte imbalance", "leg cramps", max_hops=1)
    assert single.paths and not two_sources.paths("electrolyte imbalance", "leg cramps", max_hops=1, min_sources=2).paths


def test_min_sources_keeps_exactly_the_paths_whose_every_hop_is_corroborated(two_sources: KnowledgeGraph):
    documents = two_sources.section_documents()
    every = two_sources.paths("fever", "dehydration", max_hops=4)
    kept = two_sources.paths("fever", "dehydration", max_hops=4, min_sources=2)

    def corroborated(path) -> bool:
        return all(len({documents[e.section] for e in h.evidence if e.section}) >= 2 for h in path.hops)
    assert {p.nodes for p in kept.paths} == {p.nodes for p in every.paths if corroborated(p)}
    assert kept.paths and len(kept.paths) < len(every.paths)


def test_one_source_alone_has_no_corroborated_path(kg: KnowledgeGraph):
    assert kg.paths("UTI", "leg cramps", max_hops=3, min_sources=2).paths == ()
    with pytest.raises(EtiographError):
        kg.paths("UTI", "leg cramps", min_sources=0)


def test_paths_json_counts_the_sources_of_each_edge(capsys: pytest.CaptureFixture[str]):
    args = ["paths", "dehydration", "headache", "--data", str(GRAPH), "--data", str(FIXTURE), "--format", "json"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    counts = {(e["subject"]["label"], e["object"]["label"]): e["sources"] for e in document["edges"]}
    assert counts[("dehydration", "electrolyte imbalance")] == 2
    assert counts[("electrolyte imbalance", "headache")] == 1
