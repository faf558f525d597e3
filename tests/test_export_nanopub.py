"""TriG nanopublications: one file per claim with --split, each valid for the PyPI `nanopub` package.

`nanopub` (2.0.1, the last release for Python 3.11) validates a nanopublication structurally
(``Nanopub.is_valid``: four non-empty graphs, provenance about the assertion, publication info about
the nanopublication) and signs it offline with an RSA key (``sign``: trusty URI and signature, no
network). Publishing is the only step that needs the network, and no test does it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from data import snapshot_graph_sources
from hypothesis import given
from hypothesis import strategies as st

from etiograph.cli import main
from etiograph.commands.export import UsageError, check_creator, write_split
from etiograph.export import canonical, nanopub, trig
from etiograph.vocab import CLAIM, DCTERMS, KG, NP, RDF, RDFS, SPARQL_PROLOGUE, XSD

#: One nanopublication per claim, each validated by the nanopub package: ~19 s of CPU.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*is deprecated:DeprecationWarning")]

ORCID = "https://orcid.org/0000-0002-1825-0097"  # ORCID's documented example iD (Josiah Carberry)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return snapshot_graph_sources(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def triples(sources: list[Path]) -> list:
    return canonical.read(sources)


@pytest.fixture(scope="module")
def claims(triples: list) -> set[str]:
    """Claim IRIs found by class, not by the exporter's own list."""
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in triples)
    query = SPARQL_PROLOGUE + "SELECT ?c WHERE { ?c a/rdfs:subClassOf* etio:Claim ; rdf:subject ?s }"
    return {row["c"].value for row in store.query(query)}


@pytest.fixture(scope="module")
def split_dir(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nanopubs")
    write_split(sources, folder)
    return folder


def quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


# ---------------------------------------------------------------------------------------------
# --split: one file per nanopublication
# ---------------------------------------------------------------------------------------------


def test_split_writes_one_file_per_claim(split_dir: Path, claims: set[str]) -> None:
    files = sorted(split_dir.glob("*.trig"))
    assert len(files) == len(claims) > 100
    described = set()
    for path in files:
        heads = [
            q for q in quads(path) if q.predicate.value == RDF + "type" and q.object.value == NP + "Nanopublication"
        ]
        assert len(heads) == 1, path
        described.add(heads[0].subject.value.removesuffix("/np"))
        assert path.name == heads[0].subject.value.removeprefix(CLAIM).removesuffix("/np") + ".trig"
    assert described == claims


def test_split_files_hold_four_graphs_and_no_blank_nodes(split_dir: Path) -> None:
    for path in split_dir.glob("*.trig"):
        found = quads(path)
        assert len({q.graph_name for q in found}) == 4, path
        assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in found), path
        assert not any(isinstance(t, ox.BlankNode) for q in found for t in (q.subject, q.object)), path


def test_split_files_are_the_nanopublications_of_the_whole_export(split_dir: Path, triples: list) -> None:
    whole = ox.Dataset(ox.parse(trig.serialize(triples), format=ox.RdfFormat.TRIG))
    for path in split_dir.glob("*.trig"):
        for quad in quads(path):
            assert quad in whole, (path.name, quad)


def test_a_new_folder_holds_the_same_bytes_written_by_two_processes(
    split_dir: Path, triples: list, sources: list[Path], tmp_path: Path
) -> None:
    # A folder that does not exist yet is laid out by a forked child (first half) and this process.
    from etiograph.commands import export as command

    assert len(list(split_dir.glob("*.trig"))) >= command.PARALLEL_FROM
    files, written, _ = write_split(sources, tmp_path / "new")
    assert written == len(files)
    expected = trig.split(triples)
    assert {p.name: p.read_bytes() for p in files} == expected
    assert {p.name: p.read_bytes() for p in split_dir.glob("*.trig")} == expected  # into an existing folder


def test_trig_is_the_same_laid_out_by_one_process_or_two(triples: list, tmp_path: Path) -> None:
    assert len({p.claim for p in nanopub.publish(triples)[1]}) >= trig.PARALLEL_FROM
    assert trig.serialize(triples) == trig.serialize(triples, parallel=False)
    # A fixture where only the first claim (laid out by the forked half) uses a prefix (mesh:): the
    # document's @prefix lines must still declare it.
    lines = ["@prefix etio: <https://w3id.org/etiograph/ontology#> .", f"@prefix rdf: <{RDF}> ."]
    for number in range(trig.PARALLEL_FROM + 2):
        claim = f"<{CLAIM}c{number:03d}>"
        lines.append(
            f"{claim} a etio:CausalClaim ; rdf:subject <{KG}a{number}> ; rdf:predicate etio:causes ;"
            f" rdf:object <{KG}b{number}> ."
        )
    lines.append(f"<{CLAIM}c000> <{DCTERMS}subject> <http://id.nlm.nih.gov/mesh/D014552> .")
    fixture = tmp_path / "claims.ttl"
    fixture.write_text("\n".join(lines) + "\n", encoding="utf-8")
    few = canonical.read([fixture])
    together = trig.serialize(few)
    assert together == trig.serialize(few, parallel=False)
    assert b"@prefix mesh: <http://id.nlm.nih.gov/mesh/> ." in together and b"mesh:D014552" in together


def test_split_is_byte_stable_and_replaces_only_its_own_stale_files(sources: list[Path], tmp_path: Path) -> None:
    first, written, _ = write_split(sources, tmp_path)
    assert written == len(first)
    before = {p.name: p.read_bytes() for p in first}
    stale = tmp_path / "retracted-claim.trig"
    stale.write_text(f"{trig.SPLIT_MARK} of <{CLAIM}retracted-claim>, written by etiograph export --split.\n")
    mine = tmp_path / "notes.trig"
    mine.write_text("# the user's own file\n")
    again, written, removed = write_split(sources, tmp_path)
    assert {p.name: p.read_bytes() for p in again} == before
    assert removed == 1 and not stale.exists() and mine.exists()
    assert written == 0  # every file already held its nanopublication


def test_split_rewrites_only_the_files_that_changed(sources: list[Path], tmp_path: Path) -> None:
    files, _, _ = write_split(sources, tmp_path)
    edited, truncated = files[0], files[1]
    expected = {p: p.read_bytes() for p in (edited, truncated)}
    edited.write_bytes(expected[edited].replace(b"Nanopublication", b"Nanopublicatio", 1))
    truncated.write_bytes(expected[truncated][:-1])
    untouched = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files[2:]}
    again, written, _ = write_split(sources, tmp_path)
    assert written == 2 and again == files
    assert all(p.read_bytes() == data for p, data in expected.items())
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files[2:]} == untouched
    assert not list(tmp_path.glob(".*.tmp"))


def test_split_from_the_command_line(sources: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = [arg for path in sources for arg in ("--data", str(path))]
    assert main(["export", *data, "--no-ontology", "--split", str(tmp_path / "out"), "--creator", ORCID]) == 0
    assert "nanopublications" in capsys.readouterr().err
    files = list((tmp_path / "out").glob("*.trig"))
    assert files and all(f"<{ORCID}>" in f.read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "nt", "--split", "x"], "--split and --creator apply to --format trig"),
        (["--format", "trig", "--creator", "Jane Doe"], "is not an IRI"),
        (["--format", "trig", "--creator", "https://orcid.org/0000-0002-1825-0098"], "check digit"),
        (["--format", "trig", "--creator", "https://orcid.org/0000-0002-1825"], "looks like"),
        (["--split", "x", "-o", "y.trig"], "leave out -o"),
    ],
)
def test_bad_nanopublication_options_are_one_line_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_split_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.trig"
    target.write_text("x")
    assert main(["export", "--split", str(target)]) == 2
    assert "it is a file" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# Publication info and evidence
# ---------------------------------------------------------------------------------------------


def test_creator_is_an_iri_and_created_a_datetime_from_the_data(triples: list) -> None:
    _, publications = nanopub.publish(triples)
    dataset_created = {t[2].value for t in triples if t[1].value == DCTERMS + "created" and t[0].value.endswith("/kg/")}
    for publication in publications:
        name, info = publication.graphs[3]
        assert name.value.endswith("/np/pubinfo")
        values = {p.value: o for s, p, o in info if s == publication.iri}
        assert values[DCTERMS + "creator"] == ox.NamedNode(nanopub.PROJECT_IRI)
        created = values[DCTERMS + "created"]
        assert created.datatype == ox.NamedNode(XSD + "dateTime")
        assert created.value == max(dataset_created) + "T00:00:00Z"


def test_creator_option_replaces_the_project(triples: list) -> None:
    _, publications = nanopub.publish(triples, creator=ORCID)
    assert all((p.iri, ox.NamedNode(DCTERMS + "creator"), ox.NamedNode(ORCID)) in p.graphs[3][1] for p in publications)


def test_a_blank_node_in_the_publication_info_keeps_its_description(sources: list[Path], tmp_path: Path) -> None:
    # The licence is one node shared by every publication info graph and described in the default
    # graph: the writers must label it (not nest it) so that all of them still point at that description.
    extra = tmp_path / "licence.ttl"
    extra.write_text(
        f'<{KG}> <{DCTERMS}license> [ <{RDFS}label> "a licence told in words" ] .\n', encoding="utf-8"
    )
    dataset = ox.Dataset(ox.parse(trig.write([*sources, extra]), format=ox.RdfFormat.TRIG))
    licences = {
        q.object
        for q in dataset.quads_for_predicate(ox.NamedNode(DCTERMS + "license"))
        if isinstance(q.object, ox.BlankNode) and str(q.graph_name).endswith("/np/pubinfo>")
    }
    assert len(licences) == 1
    (licence,) = licences
    described = [q for q in dataset.quads_for_subject(licence) if q.graph_name == ox.DefaultGraph()]
    assert [q.object.value for q in described] == ["a licence told in words"]


def test_evidence_iris_are_stable_when_another_claim_is_added(sources: list[Path], tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix etio: <https://w3id.org/etiograph/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        f"<{CLAIM}x--causes--y> a etio:CausalClaim ; rdf:subject <https://w3id.org/etiograph/kg/x> ;\n"
        "  rdf:predicate etio:causes ; rdf:object <https://w3id.org/etiograph/kg/y> ;\n"
        '  etio:evidence [ oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "X causes Y." ] ] .\n',
        encoding="utf-8",
    )

    def evidence_iris(paths: list[Path]) -> set[str]:
        _, publications = nanopub.publish(canonical.read(paths))
        return {t[0].value for p in publications for t in p.graphs[2][1] if "/evidence/" in t[0].value}

    before = evidence_iris(sources)
    after = evidence_iris([*sources, extra])
    assert before and before < after and len(after - before) == 2  # the new evidence and its selector


def test_skolem_iris_are_outside_the_nanopublication_namespace(triples: list) -> None:
    # nanopub-py rewrites every IRI under <np>/ when it signs; evidence must not be among them.
    _, publications = nanopub.publish(triples)
    for publication in publications:
        namespace = publication.iri.value + "/"
        for _, graph in publication.graphs[1:3]:
            for s, _, o in graph:
                for term in (s, o):
                    if isinstance(term, ox.NamedNode) and "/evidence/" in term.value:
                        assert not term.value.startswith(namespace)
                        assert term.value.startswith(publication.claim.value + "/evidence/")


# ---------------------------------------------------------------------------------------------
# The nanopub package: validation of every nanopublication, offline signing of a few
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_nanopublication_validates_with_nanopub(split_dir: Path) -> None:
    from nanopub import Nanopub

    files = sorted(split_dir.glob("*.trig"))
    for path in files:
        publication = Nanopub(rdf=path)
        assert publication.is_valid, path.name
        assert publication.metadata.np_uri.endswith("/np"), path.name


@pytest.mark.slow
def test_signing_leaves_the_evidence_alone(split_dir: Path) -> None:
    from nanopub import Nanopub, NanopubConf, Profile

    logging.getLogger().setLevel(logging.WARNING)  # nanopub logs every signature at INFO
    profile = Profile(orcid_id=ORCID, name="Josiah Carberry")  # generates an RSA key pair, offline
    for path in sorted(split_dir.glob("*.trig"))[:3]:
        publication = Nanopub(rdf=path, conf=NanopubConf(profile=profile))
        unsigned = {(str(s), str(p), str(o)) for s, p, o, _ in publication.rdf.quads()}
        np_iri = str(publication.metadata.np_uri)  # signing renames it and everything under it
        publication.sign()
        assert publication.has_valid_signature and publication.has_valid_trusty
        assert str(publication.metadata.np_uri).startswith(np_iri + "/RA")  # the trusty URI
        signed = {(str(s), str(p), str(o)) for s, p, o, _ in publication.rdf.quads()}
        outside = {t for t in unsigned if not any(term == np_iri or term.startswith(np_iri + "/") for term in t)}
        assert outside and outside <= signed  # assertion and evidence triples untouched by signing
        assert not any("#_" in term for t in signed for term in t)  # no blank node was renamed


@given(st.lists(st.integers(0, 9), min_size=15, max_size=15), st.sampled_from("0123456789X"))
def test_orcid_check_character_follows_iso_7064(digits: list[int], last: str) -> None:
    # ISO 7064 MOD 11-2 as ORCID documents it; exactly one last character is right for 15 digits.
    total = 0
    for digit in digits:
        total = (total + digit) * 2
    expected = (12 - total % 11) % 11
    right = "X" if expected == 10 else str(expected)
    text = "".join(map(str, digits)) + last
    orcid = "https://orcid.org/" + "-".join(text[i : i + 4] for i in range(0, 16, 4))
    if last == right:
        check_creator(orcid)
    else:
        with pytest.raises(UsageError, match="check digit"):
            check_creator(orcid)


@pytest.mark.parametrize(
    "orcid",
    ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"],  # ORCID's documented examples
)
def test_documented_orcid_ids_are_accepted(orcid: str) -> None:
    assert check_creator(f"https://orcid.org/{orcid}") is None  # accepted: no UsageError
    typo = orcid[:-1] + ("1" if orcid[-1] == "0" else "0")
    with pytest.raises(UsageError, match="check digit"):
        check_creator(f"https://orcid.org/{typo}")


def test_a_split_that_cannot_finish_leaves_no_temporary_file(sources: list[Path], tmp_path: Path) -> None:
    from etiograph.atomic import OutputError

    files, _, _ = write_split(sources, tmp_path)
    blocked = files[len(files) // 2]
    blocked.unlink()
    (blocked / "inside").mkdir(parents=True)  # a folder where a file should go: rename cannot replace it
    files[0].write_bytes(b"stale")
    with pytest.raises(OutputError, match="cannot write nanopublications"):
        write_split(sources, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert blocked.is_dir()


@pytest.mark.parametrize("letter", ["a", "x"])  # the failing file sorts first (the forked writer's half) or last
def test_a_new_folder_appears_whole_or_not_at_all(sources: list[Path], tmp_path: Path, letter: str) -> None:
    from etiograph.atomic import OutputError

    files, written, _ = write_split(sources, tmp_path / "a" / "new")
    assert written == len(files) and all(path.is_file() for path in files)
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["new"]  # written beside it, renamed into place
    # A claim whose file name is too long for the file system: the files before it are written, then
    # that one fails; the folder must not appear half made, nor its staging copy stay behind.
    long = tmp_path / "long.ttl"
    long.write_text(
        "@prefix etio: <https://w3id.org/etiograph/ontology#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        f"<{CLAIM}{letter * 300}> a etio:CausalClaim ; rdf:subject <{KG}x> ; rdf:predicate etio:causes ;\n"
        f"  rdf:object <{KG}y> .\n",
        encoding="utf-8",
    )
    with pytest.raises(OutputError, match=r"cannot write nanopublications to .*: File name too long"):
        write_split([*sources, long], tmp_path / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "long.ttl"]


def test_ctrl_c_removes_a_staging_folder_and_temporary_files(tmp_path: Path) -> None:
    # What `_run_interruptibly` calls when Ctrl-C stops a command mid-write, from the main thread.
    from etiograph.atomic import discard_pending, track, untrack

    staging = tmp_path / ".nanopubs.123.tmp"
    staging.mkdir()
    (staging / "a.trig").write_text("half")
    loose = tmp_path / ".b.trig.123.tmp"
    loose.write_text("half")
    kept = tmp_path / "kept.trig"
    kept.write_text("done")
    track(str(staging))
    track(str(loose))
    discard_pending()
    untrack(str(staging))
    untrack(str(loose))
    assert [p.name for p in tmp_path.iterdir()] == ["kept.trig"]
