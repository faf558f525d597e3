"""The Python API as a notebook user meets it: a pinned public namespace, plain values, doctested types."""

from __future__ import annotations

import doctest
import json

import data
import pytest

import etiograph

PUBLIC = [
    "AskResult",
    "CausalPath",
    "Concept",
    "DataError",
    "EtiographError",
    "Evidence",
    "Explanation",
    "GraphResult",
    "Hop",
    "KnowledgeGraph",
    "Mediator",
    "NoPath",
    "PathsResult",
    "QueryError",
    "Reach",
    "ReachResult",
    "SelectResult",
    "Step",
    "UnknownConceptError",
    "__version__",
    "why_no_path",
]
#: The result types a user holds; each must be shown working in a doctest (its own or the package tour).
TYPES = ["AskResult", "Concept", "Evidence", "Explanation", "GraphResult", "Hop", "KnowledgeGraph", "Mediator"]
TYPES += ["NoPath", "CausalPath", "PathsResult", "Reach", "ReachResult", "SelectResult", "Step"]


def test_public_names_are_pinned():
    assert etiograph.__all__ == PUBLIC  # adding or removing a public name is a decision: change this list too
    for name in PUBLIC:
        assert getattr(etiograph, name) is not None
    assert set(PUBLIC) <= set(dir(etiograph))


def test_causal_path_is_the_public_name_and_path_a_deprecated_alias():
    namespace: dict[str, object] = {}
    exec("from pathlib import Path\nfrom etiograph import *", namespace)
    assert namespace["Path"].__module__ == "pathlib"  # a star import no longer shadows pathlib.Path
    assert namespace["CausalPath"] is etiograph.causal.model.CausalPath
    with pytest.warns(DeprecationWarning, match=r"etiograph\.Path is deprecated .* use etiograph\.CausalPath"):
        old = etiograph.Path
    assert old is etiograph.CausalPath


def doctest_text(obj: object) -> str:
    return "".join(example.source for example in doctest.DocTestParser().get_examples(obj.__doc__ or ""))


@pytest.mark.parametrize("name", TYPES)
def test_each_public_type_is_documented_with_a_doctest(name: str):
    cls = getattr(etiograph, name)
    assert cls.__doc__ and cls.__doc__.strip(), f"{name} has no docstring"
    tour = doctest_text(etiograph)
    own = doctest_text(cls)
    # a type appears in a doctest either in its own docstring or in the package's tour, by name or by use
    uses = {
        "AskResult": "ASK",
        "Concept": "resolve(",
        "Evidence": ".best",
        "Explanation": "explain(",
        "GraphResult": "CONSTRUCT",
        "Hop": ".hops[",
        "KnowledgeGraph": "KnowledgeGraph.load()",
        "Mediator": "mediators()[",
        "NoPath": "why_no_path(",
        "CausalPath": ".paths[",
        "PathsResult": "kg.paths(",
        "Reach": ".reached[0]",
        "ReachResult": "upstream(",
        "SelectResult": "records()",
        "Step": ".causes",
    }
    assert own or uses[name] in tour, f"no doctest shows {name}"


def test_records_are_plain_python_values(kg):
    rows = kg.query(
        "SELECT ?claim ?rank ?label ?indirect WHERE { ?claim etio:certainty ?c . ?c etio:certaintyRank ?rank ;"
        " skos:prefLabel ?label . OPTIONAL { ?claim etio:indirect ?indirect } } ORDER BY ?claim"
    ).records()
    assert rows and all(set(r) == {"claim", "rank", "label", "indirect"} for r in rows)
    assert all(isinstance(r["rank"], int) and isinstance(r["label"], str) for r in rows)
    assert {type(r["indirect"]) for r in rows} <= {bool, type(None)} and any(r["indirect"] is None for r in rows)
    json.dumps(rows)  # nothing pyoxigraph-specific left


@pytest.mark.slow
def test_to_pandas_gives_one_column_per_variable(kg):
    pandas = pytest.importorskip("pandas")
    frame = kg.run_named("infection-comparison").to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns)[:2] == ["infection", "infectionLabel"]
    assert sorted(frame["infectionLabel"]) == ["cystitis", "pyelonephritis"]


def test_hops_carry_predicate_labels_beside_iris(kg):
    hops = [h for p in kg.paths("UTI", "leg cramps", max_hops=4).paths for h in p.hops]
    assert {h.predicate_label for h in hops} >= {"causes", "contributes to", "increases risk of"}
    assert all(h.predicate.startswith(data.ETIO) for h in hops)
    assert all(e.predicate_label for h in hops for e in h.evidence)


def test_readme_api_example_prints_something_a_person_can_read(kg, capsys):
    from etiograph.render import paths_text

    result = kg.paths("UTI", "leg cramps", max_hops=4)
    for hop in result.paths[5].hops:
        print(hop.subject_label, hop.predicate_label, hop.object_label, hop.certainty)
    print(paths_text(result, limit=3, columns=100))
    out = capsys.readouterr().out
    assert "https://" not in out and "NamedNode" not in out
