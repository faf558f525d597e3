"""The named SPARQL queries of ``queries/`` and ``etiograph query``: they parse, document themselves,
their documented examples work, and results come out in valid W3C SPARQL 1.1 results formats."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from etiograph.sparql.named import NamedQuery, all_queries

QUERIES = all_queries()
NAMES = sorted(QUERIES)
EXAMPLES = [(name, example) for name in NAMES for example in QUERIES[name].examples]
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
FORMATS = ["json", "xml", "csv", "tsv"]


def test_there_are_named_queries():
    assert len(NAMES) >= 10
    assert {"causal-paths", "edge-evidence", "concepts", "infection-comparison", "electrolyte-roles"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_parses_in_pyoxigraph_as_is(name: str):
    parsed = ox.Store().query(QUERIES[name].text)  # raises SyntaxError otherwise
    assert isinstance(parsed, ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_parses_in_rdflib_as_is(name: str):
    parsed = prepareQuery(QUERIES[name].text)  # raises a ParseException otherwise
    assert parsed.algebra.name in {"SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"}


@pytest.mark.parametrize("name", NAMES)
def test_header_has_title_description_and_examples(name: str):
    query: NamedQuery = QUERIES[name]
    assert re.search(r"^# title: \S", query.text, re.MULTILINE), "no '# title:' line"
    assert query.title and query.title != name
    assert len(query.description) > 20
    assert query.examples
    for example in query.examples:
        assert shlex.split(example)[:3] == ["etiograph", "query", name]


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_projected_variables(name: str):
    """Bound parameters keep their column on every engine only if SELECT projects them."""
    query = QUERIES[name]
    projection = query.text[query.text.upper().index("SELECT") : query.text.index("{")]
    for parameter in query.parameters:
        assert re.search(rf"\?{parameter.name}\b", projection), f"?{parameter.name} is not projected"


def table_rows(output: str) -> int:
    found = re.search(r"^\((\d+) rows?\)$", output, re.MULTILINE)
    assert found, f"no row count in:\n{output}"
    return int(found.group(1))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXAMPLES)])
def test_header_example_runs_and_finds_rows(cli, name: str, example: str):
    result = cli(shlex.split(example)[1:])
    assert result.code == 0, result.err
    assert table_rows(result.out) >= 1


@pytest.mark.parametrize("columns", [None, "80", "60"])
def test_queries_lists_every_name(cli, monkeypatch: pytest.MonkeyPatch, columns: str | None):
    # At 80 columns 'counteracting-interventions' used to break after its hyphen: a name a user types.
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    result = cli(["queries"])
    assert result.code == 0
    listed = {line.split()[0] for line in result.out.splitlines() if line.strip() and not line.startswith("Run")}
    assert set(NAMES) <= listed
    flowing = " ".join(result.out.split())  # a title may wrap on a narrow terminal
    for name in NAMES:
        assert QUERIES[name].title in flowing


def example_args(name: str) -> list[str]:
    return shlex.split(QUERIES[name].examples[0])[1:]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_json_results(cli, name: str):
    result = cli([*example_args(name), "--format", "json"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    variables = document["head"]["vars"]
    assert variables and all(isinstance(v, str) for v in variables)
    bindings = document["results"]["bindings"]
    assert bindings
    for binding in bindings:
        assert set(binding) <= set(variables)
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode")
            assert isinstance(term["value"], str)
            assert not ("xml:lang" in term and "datatype" in term)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_xml_results(cli, name: str):
    result = cli([*example_args(name), "--format", "xml"])
    assert result.code == 0, result.err
    root = ET.fromstring(result.out.encode("utf-8"))
    assert root.tag == f"{SPARQL_RESULTS}sparql"
    variables = [v.get("name") for v in root.find(f"{SPARQL_RESULTS}head").findall(f"{SPARQL_RESULTS}variable")]
    assert variables
    results = root.find(f"{SPARQL_RESULTS}results").findall(f"{SPARQL_RESULTS}result")
    assert results
    for row in results:
        for binding in row.findall(f"{SPARQL_RESULTS}binding"):
            assert binding.get("name") in variables
            (term,) = list(binding)
            assert term.tag in {f"{SPARQL_RESULTS}{kind}" for kind in ("uri", "literal", "bnode")}
    as_json = json.loads(cli([*example_args(name), "--format", "json"]).out)
    assert variables == as_json["head"]["vars"]
    assert len(results) == len(as_json["results"]["bindings"])


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_csv_results(cli, name: str):
    result = cli([*example_args(name), "--format", "csv"])
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out, newline="")))
    as_json = json.loads(cli([*example_args(name), "--format", "json"]).out)
    assert rows[0] == as_json["head"]["vars"]
    assert len(rows) - 1 == len(as_json["results"]["bindings"]) >= 1
    assert "\r\n" in result.out  # RFC 4180 line ends, as SPARQL 1.1 CSV asks


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_tsv_results(cli, name: str):
    result = cli([*example_args(name), "--format", "tsv"])
    assert result.code == 0, result.err
    lines = result.out.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert all(h.startswith("?") for h in header)
    as_json = json.loads(cli([*example_args(name), "--format", "json"]).out)
    assert [h[1:] for h in header] == as_json["head"]["vars"]
    assert len(lines) - 1 == len(as_json["results"]["bindings"])
    for line in lines[1:]:
        assert len(line.split("\t")) == len(header)
        for cell in line.split("\t"):
            assert cell == "" or cell[0] in '<"_' or re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?|true|false", cell)


def test_ask_results(cli):
    result = cli(["query", "ASK { ?s etio:causes ?o }", "--format", "json"])
    assert result.code == 0
    assert json.loads(result.out) == {"head": {}, "boolean": True}
    root = ET.fromstring(cli(["query", "ASK { ?s etio:causes ?o }", "--format", "xml"]).out.encode())
    assert root.find(f"{SPARQL_RESULTS}boolean").text == "true"


def test_construct_as_n_triples(cli):
    result = cli(["query", "CONSTRUCT { ?s etio:causes ?o } WHERE { ?s etio:causes ?o }", "--format", "nt"])
    assert result.code == 0
    triples = list(ox.parse(result.out.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) > 20


def test_ad_hoc_sparql_can_use_the_shared_prefixes(cli):
    result = cli(["query", "SELECT ?label WHERE { kg:fever skos:prefLabel ?label }", "--format", "csv"])
    assert result.code == 0
    assert result.out.splitlines()[1] == "fever"


# -- errors ---------------------------------------------------------------------------------------


def test_bad_sparql_exits_2_with_line_and_column(cli):
    result = cli(["query", "SELECT ?x WHERE {\n  ?x ?y }"])
    assert result.code == 2
    assert "line 2" in result.err and "column" in result.err
    assert "Traceback" not in result.err


@pytest.mark.slow
def test_bad_sparql_on_rdflib_exits_2_with_line_and_column(cli):
    result = cli(["query", "SELECT ?x WHERE {\n  ?x ?y }", "--store", "rdflib"])
    assert result.code == 2
    assert "line" in result.err and "column" in result.err


def test_bad_sparql_in_a_query_file_names_the_line(cli, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y ?z .\n  BIND(1 AS 2)\n}\n", encoding="utf-8")
    result = cli(["query", str(path)])
    assert result.code == 2
    assert "line 4, column" in result.err


def test_unknown_query_name_exits_2_with_a_suggestion(cli):
    result = cli(["query", "concept"])
    assert result.code == 2
    assert "did you mean 'concepts'" in result.err


def test_unknown_parameter_exits_2_naming_the_known_ones(cli):
    result = cli(["query", "edge-evidence", "--param", "cause=fever"])
    assert result.code == 2
    assert "'cause'" in result.err and "subject" in result.err and "object" in result.err


def test_parameter_without_value_exits_2(cli):
    result = cli(["query", "edge-evidence", "--param", "subject"])
    assert result.code == 2
    assert "name=value" in result.err


def test_unknown_concept_in_a_parameter_exits_2(cli):
    result = cli(["query", "edge-evidence", "--param", "subject=fevre", "--param", "object=dehydration"])
    assert result.code == 2
    assert "did you mean 'fever'" in result.err


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_graph_format_for_a_select_query_is_a_user_error(cli, fmt: str):
    result = cli(["query", "concepts", "--format", fmt])
    assert result.code == 2
    assert "CONSTRUCT" in result.err or "select" in result.err.lower()
