"""`-o`, argv and Ctrl-C as an attacker or a careless user meets them (security review, cases E109–E147).

Each test runs the real `etiograph` command in a fresh process: these are the paths where a traceback,
a replaced device node or a query that ignores Ctrl-C used to escape.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: Every test runs etiograph in a subprocess (0.3-1 s of CPU each): out of the edit-run lane.
pytestmark = pytest.mark.slow

ETIOGRAPH = [sys.executable, "-m", "etiograph"]
IS_ROOT = os.geteuid() == 0


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*ETIOGRAPH, *args], capture_output=True, timeout=120, **kwargs)


def assert_one_line_error(result: subprocess.CompletedProcess[bytes], *words: str) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("etiograph: error: "), err
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def export_bytes() -> bytes:
    result = run(["export", "--format", "nt"])
    assert result.returncode == 0
    return result.stdout


def test_output_onto_a_folder_is_a_one_line_error_and_the_folder_survives(tmp_path: Path):
    folder = tmp_path / "adir"
    folder.mkdir()
    (folder / "keep.txt").write_text("kept")
    line = assert_one_line_error(run(["export", "-o", str(folder)]), str(folder), "folder")
    assert "name a file" in line
    assert folder.is_dir() and (folder / "keep.txt").read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["adir"]


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
def test_output_onto_a_device_node_writes_through_and_keeps_the_node(tmp_path: Path):
    node = tmp_path / "fakenull"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    result = run(["export", "--format", "nt", "-o", str(node)])
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(node).st_mode) and os.stat(node).st_rdev == os.makedev(1, 3)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_output_onto_dev_full_reports_a_full_disk_and_the_device_survives():
    before = os.stat("/dev/full")
    line = assert_one_line_error(run(["export", "-o", "/dev/full"]), "/dev/full")
    assert "no space" in line
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [["paths", "UTI", "leg cramps"], ["export", "--format", "nt"]])
def test_standard_output_onto_a_full_disk_is_a_one_line_error(args: list[str]):
    # `etiograph paths … > /dev/full`: the shell's redirection, not -o, so the write to stdout itself fails.
    with open("/dev/full", "wb") as full:
        result = subprocess.run([*ETIOGRAPH, *args], stdout=full, stderr=subprocess.PIPE, timeout=120)
    line = assert_one_line_error(result, "standard output")
    assert "no space" in line.lower()


def test_output_onto_a_fifo_is_written_through(tmp_path: Path, export_bytes: bytes):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = tmp_path / "received.nt"
    with received.open("wb") as sink:  # a file, not a pipe: a full pipe buffer would block both sides
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        result = run(["export", "--format", "nt", "-o", str(fifo)])
        reader.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received.read_bytes() == export_bytes
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_onto_dev_stdout_and_a_link_to_it_reaches_standard_output(tmp_path: Path):
    direct = run(["upstream", "leg cramps", "--format", "csv"])
    via_dev = run(["upstream", "leg cramps", "--format", "csv", "-o", "/dev/stdout"])
    link = tmp_path / "fakestdout"
    link.symlink_to("/proc/self/fd/1")
    via_link = run(["upstream", "leg cramps", "--format", "csv", "-o", str(link)])
    assert direct.returncode == via_dev.returncode == via_link.returncode == 0
    assert direct.stdout and via_dev.stdout == direct.stdout and via_link.stdout == direct.stdout
    assert link.is_symlink()


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path, export_bytes: bytes):
    target = tmp_path / "real.nt"
    target.write_text("old")
    link = tmp_path / "link.nt"
    link.symlink_to(target.name)
    assert run(["export", "--format", "nt", "-o", str(link)]).returncode == 0
    assert link.is_symlink() and target.read_bytes() == export_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.nt", "real.nt"]


def test_output_onto_a_dangling_symlink_is_refused(tmp_path: Path):
    link = tmp_path / "dangling.ttl"
    link.symlink_to(tmp_path / "nowhere" / "target.ttl")
    assert_one_line_error(run(["export", "-o", str(link)]), "does not exist")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder the test process cannot write into, whoever it runs as (root ignores mode bits)."""
    if IS_ROOT:
        return Path("/sys")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.parametrize("command", [["export"], ["paths", "UTI", "fever"], ["viz", "UTI", "fever"]])
def test_output_into_a_read_only_folder_is_a_one_line_error(tmp_path: Path, command: list[str]):
    folder = _unwritable_folder(tmp_path)
    assert_one_line_error(run([*command, "-o", str(folder / "out.html")]), "cannot write", "permission denied")
    assert not (folder / "out.html").exists()


def test_output_whose_folder_cannot_be_made_is_a_one_line_error(tmp_path: Path):
    folder = _unwritable_folder(tmp_path) / "sub"
    assert_one_line_error(run(["export", "-o", str(folder / "x.ttl")]), "cannot make the folder")


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path):
    target = tmp_path / "kept.ttl"
    target.write_text("previous")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    assert run(["export", "--data", str(broken), "-o", str(target)]).returncode == 2
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl", "kept.ttl"]


def test_a_non_utf8_argument_is_a_one_line_error():
    result = subprocess.run([*ETIOGRAPH, "explain", b"\xff\xfe"], capture_output=True, timeout=60)
    assert_one_line_error(result, "not valid UTF-8", "\\xff")


@pytest.mark.parametrize(
    "query",
    ["SELECT * WHERE { ?s ?p ?o", "SELECT * WHERE { ?s <p ?o }", "SELECT * { ?s ?p ?o } LIMIT x"],
)
def test_a_malformed_query_is_one_short_line_with_its_position(query: str):
    line = assert_one_line_error(run(["query", query]), "line 1, column")
    assert "\\u{" not in line and "..=" not in line and len(line) < 200


def test_ctrl_c_stops_a_long_query_at_once_and_exits_130():
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    process = subprocess.Popen([*ETIOGRAPH, "query", heavy], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)  # past start-up and loading: the engine is counting
    assert process.poll() is None, "the heavy query finished before it could be interrupted"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert time.monotonic() - sent < 3
    assert process.returncode == 130
    assert b"Traceback" not in err and b"interrupted" in err
