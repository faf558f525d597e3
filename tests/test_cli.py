"""The ``etiograph`` command as users run it: paths in every format, reach, explain, output files, data files."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import data
import jsonschema
import pyoxigraph as ox
import pytest

from etiograph.certainty import LEVELS
from etiograph.render import PATHS_SCHEMA, schema
from etiograph.render.paths import schema_registry
from etiograph.vocab import SOURCE

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_PREDICATE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")


def etiograph_command() -> list[str]:
    found = shutil.which("etiograph") or str(Path(sys.executable).with_name("etiograph"))
    return [found] if Path(found).is_file() else [sys.executable, "-m", "etiograph"]


def run(*args: str, timeout: float = 120, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process, its output a pipe; ``columns`` sets ``$COLUMNS``.

    A fresh interpreter costs 0.3-1 s of CPU: tests that call this are marked ``slow``."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([*etiograph_command(), *args], capture_output=True, text=True, timeout=timeout, env=env)


def run_here(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    """``etiograph ARGS`` in this process, as :func:`run` gets it from a fresh one (output to a pipe,
    ``$COLUMNS`` only when given), for tenths of a second less CPU each; the module's fixtures use it.
    ``test_the_installed_command_prints_what_main_prints`` checks that both give the same output."""
    from etiograph.cli import main

    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))  # with .buffer, as a pipe
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.delenv("COLUMNS", raising=False)
        if columns is not None:
            patch.setenv("COLUMNS", str(columns))
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    text = [stream.flush() or stream.buffer.getvalue().decode("utf-8") for stream in (out, err)]
    return subprocess.CompletedProcess(["etiograph", *args], code, *text)


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def squeeze(text: str) -> str:
    """Text with its line breaks and indents folded, to find a wrapped sentence in it."""
    return " ".join(text.split())


# -- paths --format json: the published schema ------------------------------------------------------


@pytest.fixture(scope="module")
def paths_schema() -> dict:
    document = schema()
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def check_paths_document(document: dict, paths_schema: dict) -> None:
    """Valid against the shipped JSON Schema, and consistent where a schema cannot say it."""
    jsonschema.Draft202012Validator(paths_schema).validate(document)
    assert document["schema"] == PATHS_SCHEMA == "etiograph.paths/2"
    assert document["returned"] == len(document["paths"]) <= document["total"]
    edges = document["edges"]
    keys = [(e["subject"]["iri"], e["predicate"]["iri"], e["object"]["iri"]) for e in edges]
    assert len(keys) == len(set(keys)), "an edge is listed twice"
    used = set()
    for path in document["paths"]:
        assert len(path["nodes"]) == len(path["labels"]) == path["length"] + 1 == len(path["edges"]) + 1
        assert path["nodes"][0] == document["source"]["iri"] and path["nodes"][-1] == document["target"]["iri"]
        for i, ref in enumerate(path["edges"]):
            edge = edges[ref]
            used.add(ref)
            assert (edge["subject"]["iri"], edge["object"]["iri"]) == (path["nodes"][i], path["nodes"][i + 1])
            assert edge["subject"]["label"] == path["labels"][i]
        assert path["rank"] == min(edges[r]["rank"] for r in path["edges"])
    assert used == set(range(len(edges))), "an edge no path uses"
    for edge in edges:
        assert edge["predicate"]["curie"].startswith("etio:")
        assert edge["rank"] == max((c["rank"] for c in edge["claims"]), default=0)


@pytest.fixture(scope="module")
def paths_json() -> dict:
    done = run_here("paths", "UTI", "leg cramps", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (("paths", "UTI", "leg cramps", "--format", "json"), None),
        (("paths", "UTI", "leg cramps", "--max-hops", "3", "--format", "turtle"), None),
        (("paths", "UTI", "leg cramps"), 100),
        (("explain", "dehydration"), 100),
        (("explain", "dehydration", "--format", "json"), None),
    ],
    ids=["paths-json", "paths-turtle", "paths-text", "explain-text", "explain-json"],
)
def test_the_installed_command_prints_what_main_prints(args: tuple[str, ...], columns: int | None):
    """The fixtures of this module call main() in this process: the installed command must agree."""
    installed, here = run(*args, columns=columns), run_here(*args, columns=columns)
    assert installed.returncode == here.returncode == 0, installed.stderr + here.stderr
    assert installed.stderr == here.stderr
    if "turtle" in args:  # blank-node labels differ from run to run: the same graph
        installed_graph, here_graph = (canonical_graph(done.stdout) for done in (installed, here))
        assert len(installed_graph) > 0 and installed_graph == here_graph
    else:
        assert installed.stdout == here.stdout


def canonical_graph(turtle: str) -> ox.Dataset:
    graph = ox.Dataset(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    graph.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return graph


@pytest.mark.slow
def test_paths_json_follows_the_published_schema(paths_json: dict, paths_schema: dict):
    check_paths_document(paths_json, paths_schema)
    assert paths_json["source"] == {"iri": data.UTI, "label": "urinary tract infection"}
    assert paths_json["target"] == {"iri": data.LEG_CRAMPS, "label": "leg cramps"}
    assert paths_json["returned"] == paths_json["total"] > 10  # json holds every path unless --limit
    assert list(data.ELECTROLYTE_CHAIN_LABELS) in [p["labels"] for p in paths_json["paths"]]
    assert paths_json["no_path"] is None


def test_paths_json_lists_each_edge_once(paths_json: dict):
    hops = sum(p["length"] for p in paths_json["paths"])
    distinct = {(n[i], n[i + 1]) for p in paths_json["paths"] for n in [p["nodes"]] for i in range(p["length"])}
    assert len(paths_json["edges"]) == len(distinct) < hops / 5


def test_paths_json_predicate_has_one_shape_everywhere(paths_json: dict, cli):
    explained = json.loads(cli(["explain", "dehydration", "--format", "json"]).out)
    edges = paths_json["edges"] + explained["causes"] + explained["effects"] + explained["counteracted_by"]
    predicates = [e["predicate"] for e in edges] + [c["predicate"] for e in edges for c in e["claims"]]
    assert predicates and all(set(p) == {"iri", "curie", "label"} for p in predicates)
    assert {"iri": data.ETIO + "contributesTo", "curie": "etio:contributesTo", "label": "contributes to"} in predicates


def test_paths_json_sections_carry_their_titles(paths_json: dict):
    sections = [c["section"] for e in paths_json["edges"] for c in e["claims"] if c["section"]]
    assert sections and all(s["title"] for s in sections)
    assert {"iri": SOURCE + "can-a-uti-cause-leg-cramps--introduction", "title": "Introduction"} in sections


def test_paths_json_with_filters_and_limit(cli, paths_schema: dict):
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--mechanism", "medication", "--limit", "1"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    check_paths_document(document, paths_schema)
    assert document["filters"] == {"mechanism": "medication", "mechanism_hops": "any"}
    assert document["returned"] == 1 < document["total"]
    assert document["paths"][0]["nodes"] == list(data.MEDICATION_CHAIN)


def test_paths_json_says_why_there_is_no_path(cli, paths_schema: dict):
    result = cli(["paths", "fluoroquinolones", "leg cramps", "--format", "json"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    check_paths_document(document, paths_schema)
    assert document["paths"] == [] and document["edges"] == []
    assert document["no_path"]["reason"] == "unreachable"
    assert "muscle spasms" in document["no_path"]["source_reaches"]


def test_paths_csv_has_a_header_and_one_row_per_hop(cli, paths_json: dict):
    result = cli(["paths", "UTI", "leg cramps", "--format", "csv"])
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    header = ["path", "length", "hop", "subject", "predicate", "object", "certainty", "mechanisms", "claim", "quote"]
    assert rows[0] == header
    body = rows[1:]
    assert len(body) == sum(p["length"] for p in paths_json["paths"])
    assert all(len(row) == len(header) for row in body)
    first = [dict(zip(header, row)) for row in body if row[0] == "1"]
    labels = paths_json["paths"][0]["labels"]
    assert [(r["subject"], r["object"]) for r in first] == list(itertools.pairwise(labels))
    assert all(r["claim"].startswith(data.CLAIM_NS) and r["quote"] for r in (dict(zip(header, row)) for row in body))


TURTLE_ARGS = ("paths", "UTI", "leg cramps", "--max-hops", "3")  # 3 hops already reach the hops the tests need


@pytest.fixture(scope="module")
def paths_turtle() -> list[ox.Triple]:
    done = run_here(*TURTLE_ARGS, "--format", "turtle")
    assert done.returncode == 0, done.stderr
    return [quad.triple for quad in ox.parse(done.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE)]


@pytest.fixture(scope="module")
def turtle_paths_json() -> dict:
    done = run_here(*TURTLE_ARGS, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_paths_turtle_holds_each_hops_triple_and_a_claim_for_it(paths_turtle: list[ox.Triple], turtle_paths_json):
    triples = set(paths_turtle)
    claims_of = {}
    for t in paths_turtle:
        if t.predicate == RDF_SUBJECT:
            claims_of.setdefault(t.subject, {})["s"] = t.object
        elif t.predicate == RDF_PREDICATE:
            claims_of.setdefault(t.subject, {})["p"] = t.object
        elif t.predicate == RDF_OBJECT:
            claims_of.setdefault(t.subject, {})["o"] = t.object
    statements = {(c.get("s"), c.get("p"), c.get("o")) for c in claims_of.values()}
    assert turtle_paths_json["paths"]
    for hop in turtle_paths_json["edges"]:
        s, p, o = (ox.NamedNode(hop[k]["iri"]) for k in ("subject", "predicate", "object"))
        assert ox.Triple(s, p, o) in triples
        assert (s, p, o) in statements, f"no claim node for {hop['subject']['label']} → {hop['object']['label']}"


def test_paths_turtle_has_no_repeated_triples(paths_turtle: list[ox.Triple]):
    assert len(paths_turtle) == len(set(paths_turtle))


def test_paths_turtle_holds_every_hops_reported_claim(paths_turtle: list[ox.Triple], turtle_paths_json: dict):
    subjects = {t.subject for t in paths_turtle}
    claims = {c["claim"] for edge in turtle_paths_json["edges"] for c in edge["claims"]}
    assert claims
    assert {c for c in claims if ox.NamedNode(c) not in subjects} == set()


# -- paths as text: a summary that fits a screen -----------------------------------------------------


@pytest.fixture(scope="module")
def summary() -> str:
    done = run_here("paths", "UTI", "leg cramps", columns=100)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_paths_summary_fits_a_100_column_screen(summary: str, paths_json: dict):
    lines = summary.splitlines()
    assert len(lines) <= 60 and widest(summary) <= 100, summary
    assert lines[0].startswith(f"urinary tract infection → leg cramps: {paths_json['total']} causal paths")
    numbered = [int(m.group(1)) for line in lines if (m := re.match(r"\s*(\d+)\. ", line))]
    assert numbered == list(range(1, 11))
    assert f"{paths_json['total'] - 10} more paths: --all" in summary


def test_paths_summary_puts_hubs_before_the_paths_and_names_weakest_links(summary: str, paths_json: dict):
    hubs = summary.index("Hubs")
    assert hubs < summary.index(" 1. ")
    top = paths_json["mediators"][0]
    assert f"{top['label']} ({top['paths_through']})" in squeeze(summary[hubs:])
    first_ten = paths_json["paths"][:10]
    for n, path in enumerate(first_ten, 1):
        row = squeeze(summary[summary.index(f"{n:>2}. ") :].split(f"\n{n + 1:>2}. ")[0])
        assert " → ".join(path["labels"]) in row
        assert f"{path['length']} hop" in row and path["weakest"] in row


@pytest.mark.slow
def test_paths_limit_and_all(cli):
    three = cli(["paths", "UTI", "leg cramps", "--limit", "3"]).out
    assert " 3. " not in three and "3. " in three and "4. " not in three
    everything = run("paths", "UTI", "leg cramps", "--all", columns=100).stdout
    assert "more paths" not in everything
    assert widest(everything) <= 100
    assert cli(["paths", "UTI", "leg cramps", "--limit", "0"]).code == 2


@pytest.mark.slow
def test_paths_all_evidence_gives_every_hops_quote_and_claim(paths_json: dict):
    done = run("paths", "UTI", "leg cramps", "--all", "--evidence", columns=100)
    assert done.returncode == 0, done.stderr
    assert widest(done.stdout) <= 100
    text = squeeze(done.stdout)
    assert " → ".join(data.ELECTROLYTE_CHAIN_LABELS) in text
    for edge in paths_json["edges"]:
        for claim in edge["claims"]:
            assert "claim:" + claim["claim"].removeprefix(data.CLAIM_NS) in text
            for quote in claim["quotes"]:
                assert squeeze(quote.strip("| ")) in text


def test_paths_short_evidence_flag(cli):
    assert (
        cli(["paths", "UTI", "leg cramps", "-v", "--limit", "1"]).out
        == cli(["paths", "UTI", "leg cramps", "--evidence", "--limit", "1"]).out
    )


@pytest.mark.slow
def test_paths_to_a_pipe_is_plain_and_unwrapped():
    done = run("paths", "UTI", "leg cramps", "--all")
    assert "\x1b[" not in done.stdout
    long_chain = [line for line in done.stdout.splitlines() if line.count("→") >= 5]
    assert long_chain and max(len(line) for line in long_chain) > 100  # to a file: one line per path


@pytest.mark.slow
def test_no_path_at_any_depth_says_so_and_what_each_end_reaches():
    done = run("paths", "fluoroquinolones", "leg cramps", columns=100)
    assert done.returncode == 0
    text = squeeze(done.stdout)
    assert "at any depth" in text and "larger --max-hops will not help" in text
    assert "fluoroquinolones leads to: muscle spasms, tendinitis" in text
    assert "leg cramps is reached from: " in text
    assert widest(done.stdout) <= 100


def test_no_path_within_max_hops_names_the_shortest(cli):
    result = cli(["paths", "fever", "leg cramps", "--max-hops", "1"])
    assert result.code == 0
    assert "the shortest causal chain from fever to leg cramps has 2 hops" in squeeze(result.out)
    assert "Try --max-hops 2." in result.out


def test_no_path_because_of_filters_counts_the_unfiltered_paths(cli):
    unfiltered = json.loads(cli(["paths", "UTI", "leg cramps", "--max-hops", "2", "--format", "json"]).out)
    assert unfiltered["total"] > 1
    result = cli(["paths", "UTI", "leg cramps", "--max-hops", "2", "--mechanism", "lifestyle"])
    text = squeeze(result.out)
    assert "No path passes the filters (mechanism lifestyle on at least one hop)" in text
    assert f"without them there are {unfiltered['total']} paths of at most 2 hops" in text


def test_no_path_because_the_only_short_chain_is_a_summary_claim(cli):
    result = cli(["paths", "UTI", "leg cramps", "--max-hops", "1"])
    assert "No mechanistic path of at most 1 hop" in squeeze(result.out) and "--include-summary" in result.out
    summary = json.loads(
        cli(["paths", "UTI", "leg cramps", "--max-hops", "1", "--include-summary", "--format", "json"]).out
    )
    assert summary["total"] >= 1 and summary["filters"] == {"include_summary": "true"}


def test_mechanism_means_any_hop_unless_every_hop(cli):
    def paths(*extra: str) -> list[dict]:
        result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--mechanism", "medication", *extra])
        assert result.code == 0, result.err
        document = json.loads(result.out)
        return [[document["edges"][i] for i in p["edges"]] for p in document["paths"]]

    def medication(edge: dict) -> bool:
        return any("medication" in c["mechanisms"] for c in edge["claims"])

    anywhere, everywhere = paths(), paths("--every-hop")
    assert all(any(medication(e) for e in p) for p in anywhere)
    assert all(all(medication(e) for e in p) for p in everywhere)
    assert len(everywhere) < len(anywhere)
    assert [[e["subject"]["iri"] for e in p] + [p[-1]["object"]["iri"]] for p in everywhere] == [
        list(data.MEDICATION_CHAIN)
    ]
    assert cli(["paths", "UTI", "leg cramps", "--every-hop"]).code == 2


def test_min_certainty_choices_are_in_rank_order(cli, kg):
    result = cli(["paths", "UTI", "leg cramps", "--min-certainty", "maybe"])
    assert result.code == 2
    levels = sorted(kg.scheme("certainty").values(), key=lambda t: (-(t.rank or 0), t.notation))
    assert ", ".join(t.notation for t in levels) in result.err
    listed = result.err.split("choose one of: ")[1].strip().split(", ")
    assert listed.index("asserted") < listed.index("may") < listed.index("rare")
    # the CLI's words are those of etiograph.certainty, which the diagram legend reads too
    assert [level.notation for level in LEVELS] == [t.notation for t in levels]


# -- reach and explain ------------------------------------------------------------------------------


def test_upstream_lists_dehydration(cli):
    result = cli(["upstream", "leg cramps"])
    assert result.code == 0
    assert "dehydration" in result.out
    reach = json.loads(cli(["upstream", "leg cramps", "--format", "json"]).out)
    assert {"iri": data.DEHYDRATION, "label": "dehydration", "distance": 1} in reach["reached"]
    assert reach["direction"] == "upstream" and reach["schema"] == "etiograph.reach/1"
    jsonschema.Draft202012Validator(schema("reach"), registry=schema_registry()).validate(reach)


@pytest.mark.slow
def test_upstream_wraps_its_lists_to_the_screen():
    done = run("upstream", "leg cramps", columns=100)
    assert done.returncode == 0
    assert widest(done.stdout) <= 100
    reach = json.loads(run("upstream", "leg cramps", "--format", "json").stdout)["reached"]
    assert done.stdout.startswith(f"{len(reach)} concepts can lead to leg cramps, nearest first:")
    text = squeeze(done.stdout)
    one_hop = [r["label"] for r in reach if r["distance"] == 1]
    assert "1 hop: " + ", ".join(one_hop) in text  # every name, none cut, items never split


def test_downstream_lists_leg_cramps(cli):
    result = cli(["downstream", "UTI"])
    assert result.code == 0
    assert "leg cramps" in result.out and result.out.startswith("urinary tract infection can lead to ")
    rows = list(csv.DictReader(io.StringIO(cli(["downstream", "UTI", "--format", "csv"]).out)))
    assert {"iri": data.LEG_CRAMPS, "label": "leg cramps", "distance": "1"} in rows


@pytest.fixture(scope="module")
def explained() -> tuple[str, dict]:
    text = run_here("explain", "dehydration", columns=100)
    document = run_here("explain", "dehydration", "--format", "json")
    assert text.returncode == document.returncode == 0, text.stderr + document.stderr
    return text.stdout, json.loads(document.stdout)


def test_explain_dehydration_shows_causes_and_counteracting_interventions(explained):
    text, document = explained
    causes = text[text.index("Direct causes") : text.index("Direct effects")]
    assert "fever" in causes and "fluid loss" in causes
    counter = text[text.index("Counteracted by") :]
    assert "hydration" in counter or "limiting caffeine and alcohol" in counter
    counteracting = {h["subject"]["iri"] for h in document["counteracted_by"]}
    assert counteracting & {data.HYDRATION, data.LIMITING_CAFFEINE_ALCOHOL}
    assert {h["subject"]["iri"] for h in document["causes"]} >= {data.FEVER, data.FLUID_LOSS}
    assert document["schema"] == "etiograph.explain/1"
    jsonschema.Draft202012Validator(schema("explain"), registry=schema_registry()).validate(document)


def test_explain_fits_the_screen_and_quotes_effects_as_it_quotes_causes(explained):
    text, document = explained
    assert widest(text) <= 100
    effects = squeeze(text[text.index("Direct effects") : text.index("Counteracted by")])
    for effect in document["effects"]:
        assert squeeze(effect["claims"][0]["quotes"][0]) in effects


def test_every_published_schema_is_valid_and_rejects_unknown_keys(explained):
    _, document = explained
    for name in ("paths", "reach", "explain"):
        jsonschema.Draft202012Validator.check_schema(schema(name))
    broken = json.loads(json.dumps(document))
    broken["effects"][0]["quote"] = "a key the schema does not define"
    errors = list(jsonschema.Draft202012Validator(schema("explain"), registry=schema_registry()).iter_errors(broken))
    assert errors


def test_explain_says_what_a_counter_measure_counters(cli):
    text = squeeze(cli(["explain", "fluoroquinolones"]).out)
    assert "counter-measure for urinary tract infection: antibiotics —treats→ urinary tract infection" in text
    assert "countered by: antibiotics" not in text


def test_explain_glosses_betweenness_and_ranks_certainties(explained):
    text, _ = explained
    flat = squeeze(text)
    assert "betweenness" in flat and "pass through each concept" in flat
    listed = flat.split("certainty of its claims, firmest first: ")[1].split(" Direct causes")[0].split(", ")
    ranks = {"asserted": 8, "often": 7, "can": 6, "recommended": 5, "may": 4, "linked": 3, "sometimes": 3}
    assert [ranks[w] for w in listed] == sorted((ranks[w] for w in listed), reverse=True)


def test_explain_marks_table_rows_instead_of_printing_markdown(explained):
    text, _ = explained
    assert "table row “Sodium (Na+) | Keeps nerve" in text
    assert "“| Sodium" not in text


# -- query and queries: tables that wrap, records when rows are wide -------------------------------------


@pytest.mark.slow
def test_query_edge_evidence_keeps_the_whole_quote_within_100_columns():
    done = run("query", "edge-evidence", "--param", "subject=fever", "--param", "object=dehydration", columns=100)
    assert done.returncode == 0, done.stderr
    assert widest(done.stdout) <= 100
    quote = "Kidney infections provoke systemic inflammatory responses that can intensify dehydration through fever and vomiting."
    assert quote in squeeze(done.stdout)
    assert "…" not in done.stdout


@pytest.mark.slow
def test_query_table_to_a_pipe_keeps_each_row_on_one_line():
    done = run("query", "edge-evidence", "--param", "subject=fever", "--param", "object=dehydration")
    rows = [line for line in done.stdout.splitlines() if line.startswith("kg:fever")]
    assert len(rows) == 2 and all("through fever and vomiting." in row for row in rows)


def test_query_records_format(cli):
    result = cli(["query", "infection-comparison", "--format", "records"])
    assert result.code == 0
    assert result.out.count("-[ ") == 2 and "(2 rows)" in result.out
    assert "infectionLabel  cystitis" in result.out


NARROW_COMMANDS = [
    ["paths", "UTI", "leg cramps"],
    ["paths", "UTI", "leg cramps", "--limit", "2", "--evidence"],
    ["paths", "fluoroquinolones", "leg cramps"],
    ["upstream", "leg cramps"],
    ["explain", "dehydration"],
    ["query", "edge-evidence", "--param", "subject=fever", "--param", "object=dehydration"],
]


@pytest.mark.slow
@pytest.mark.parametrize("columns", [30, 60])
@pytest.mark.parametrize("argv", NARROW_COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_no_line_is_wider_than_a_narrow_terminal(argv: list[str], columns: int):
    done = run(*argv, columns=columns)
    assert done.returncode == 0, done.stderr
    assert widest(done.stdout) <= columns, done.stdout


@pytest.mark.slow
def test_queries_list_fits_a_narrow_screen():
    done = run("queries", columns=60)
    assert done.returncode == 0 and widest(done.stdout) <= 60
    assert "edge-evidence" in done.stdout and "--param subject=…" in squeeze(done.stdout)


# -- output files -----------------------------------------------------------------------------------


def test_output_file_is_written_atomically(cli, tmp_path: Path, paths_schema: dict):
    folder = tmp_path / "out"
    target = folder / "paths.json"
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--max-hops", "3", "-o", str(target)])
    assert result.code == 0 and result.out == ""
    first = json.loads(target.read_text(encoding="utf-8"))
    check_paths_document(first, paths_schema)
    # overwrite in place: still one file, no temporary left behind
    result = cli(["paths", "UTI", "leg cramps", "--format", "json", "--max-hops", "2", "-o", str(target)])
    assert result.code == 0
    assert [p.name for p in folder.iterdir()] == ["paths.json"]
    assert json.loads(target.read_text(encoding="utf-8"))["max_hops"] == 2


def test_output_file_matches_standard_output(cli, tmp_path: Path):
    target = tmp_path / "up.csv"
    assert cli(["upstream", "leg cramps", "--format", "csv", "-o", str(target)]).code == 0
    assert target.read_text(encoding="utf-8") == cli(["upstream", "leg cramps", "--format", "csv"]).out
    assert [p.name for p in tmp_path.iterdir()] == ["up.csv"]


# -- --data ---------------------------------------------------------------------------------------

BROKEN = """@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:a skos:prefLabel "alpha"@en ;
    skos:altLabel "unterminated .
"""

CUSTOM = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kg:heat a etio:Concept, skos:Concept ; skos:prefLabel "heat wave"@en .
kg:sweat a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "heavy sweating"@en .
kg:thirst a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "thirst"@en ; skos:altLabel "feeling thirsty"@en .

kg:heat etio:causes kg:sweat .
claim:heat--causes--sweat a etio:CausalClaim ;
    rdf:subject kg:heat ; rdf:predicate etio:causes ; rdf:object kg:sweat ;
    etio:certainty cert:asserted ; etio:mechanism mech:lifestyle ;
    etio:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Heat makes you sweat." ] ] .

kg:sweat etio:contributesTo kg:thirst .
claim:sweat--contributes-to--thirst a etio:CausalClaim ;
    rdf:subject kg:sweat ; rdf:predicate etio:contributesTo ; rdf:object kg:thirst ;
    etio:certainty cert:can ; etio:mechanism mech:electrolytes ;
    etio:evidence [ a oa:SpecificResource ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Sweating can make you thirsty." ] ] .
"""


@pytest.mark.slow
def test_malformed_data_file_exits_2_naming_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    done = run("paths", "alpha", "beta", "--data", str(path))
    assert done.returncode == 2
    assert f"{path}:4:" in done.stderr, done.stderr  # the line of the unterminated string
    assert "invalid Turtle" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_data_file_exits_2(cli, tmp_path: Path):
    result = cli(["paths", "a", "b", "--data", str(tmp_path / "nowhere.ttl")])
    assert result.code == 2
    assert "nowhere.ttl" in result.err


def test_custom_data_file_works_for_paths(cli, tmp_path: Path, paths_schema: dict):
    path = tmp_path / "custom.ttl"
    path.write_text(CUSTOM, encoding="utf-8")
    result = cli(["paths", "heat wave", "feeling thirsty", "--data", str(path), "--format", "json"])
    assert result.code == 0, result.err
    document = json.loads(result.out)
    check_paths_document(document, paths_schema)
    assert [p["labels"] for p in document["paths"]] == [["heat wave", "heavy sweating", "thirst"]]
    hops = [document["edges"][i] for i in document["paths"][0]["edges"]]
    assert [h["claims"][0]["quotes"] for h in hops] == [["Heat makes you sweat."], ["Sweating can make you thirsty."]]
    assert [h["certainty"] for h in hops] == ["asserted", "can"]
    # the bundled graph is replaced, not added to
    assert cli(["paths", "UTI", "leg cramps", "--data", str(path)]).code == 2


TWO_SOURCES = """@prefix etio: <https://w3id.org/etiograph/ontology#> .
@prefix kg: <https://w3id.org/etiograph/kg/> .
@prefix claim: <https://w3id.org/etiograph/kg/claim/> .
@prefix source: <https://w3id.org/etiograph/kg/source/> .
@prefix cert: <https://w3id.org/etiograph/ontology/certainty/> .
@prefix mech: <https://w3id.org/etiograph/ontology/mechanism/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

# Test fixture, not from the article: two made-up documents, one claim each.
source:a--one a etio:SourceSection ; dcterms:title "Heat"@en ; dcterms:isPartOf source:a .
source:b--one a etio:SourceSection ; dcterms:title "Thirst"@en ; dcterms:isPartOf source:b .
kg:heat a etio:Concept, skos:Concept ; skos:prefLabel "heat wave"@en .
kg:sweat a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "heavy sweating"@en .
kg:thirst a etio:SignOrSymptom, skos:Concept ; skos:prefLabel "thirst"@en .
kg:heat etio:causes kg:sweat .
claim:h a etio:CausalClaim ; rdf:subject kg:heat ; rdf:predicate etio:causes ; rdf:object kg:sweat ;
    etio:certainty cert:asserted ; etio:mechanism mech:lifestyle ; etio:inSection source:a--one .
kg:sweat etio:contributesTo kg:thirst .
claim:s a etio:CausalClaim ; rdf:subject kg:sweat ; rdf:predicate etio:contributesTo ; rdf:object kg:thirst ;
    etio:certainty cert:can ; etio:mechanism mech:electrolytes ; etio:inSection source:b--one .
"""


def test_paths_summary_counts_sources_once_there_are_several(cli, tmp_path: Path):
    path = tmp_path / "two-sources.ttl"
    path.write_text(TWO_SOURCES, encoding="utf-8")
    several = cli(["paths", "heat wave", "thirst", "--data", str(path)])
    assert several.code == 0, several.err
    assert "sources" in several.out and "2 sources" in several.out
    single = cli(["paths", "UTI", "leg cramps"])
    assert "sources" not in single.out.split("Each hop")[0].split("more path")[0]  # one article: no column
    evidence = cli(["paths", "heat wave", "thirst", "--data", str(path), "--evidence"])
    assert "section “Heat”" in evidence.out and "section “Thirst”" in evidence.out


@pytest.mark.slow
def test_custom_data_file_works_with_rdflib_store(cli, tmp_path: Path):
    path = tmp_path / "custom.ttl"
    path.write_text(CUSTOM, encoding="utf-8")
    result = cli(["paths", "heat wave", "thirst", "--data", str(path), "--store", "rdflib", "--format", "csv"])
    assert result.code == 0, result.err
    assert len(list(csv.reader(io.StringIO(result.out)))) == 3


@pytest.mark.slow
def test_cold_start_wall_time_is_reported():
    start = time.perf_counter()
    done = run("paths", "UTI", "leg cramps")
    elapsed = time.perf_counter() - start
    assert done.returncode == 0
    print(f"cold start: `etiograph paths UTI 'leg cramps'` took {elapsed:.2f} s wall time")
