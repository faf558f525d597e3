"""The README runs as written: every block marked ``<!-- runnable -->`` runs, in order, against the installed package.

Blocks run in one scratch folder (with ``queries/`` linked in, as in a clone), with the venv's
``bin`` first on PATH (what ``. .venv/bin/activate`` does) and ``COLUMNS=100``. Shell blocks run
under ``bash -e -o pipefail``; Python blocks with this interpreter. A block marked
``<!-- runnable: serve -->`` runs while ``etiograph serve`` listens; the README's port 7878 is
replaced by a free one. A failure names the README line the block starts on.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"^\s*<!--\s*runnable(?::\s*(?P<kind>[\w-]+))?\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>\w+)\s*$")


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    lang: str
    kind: str | None
    code: str


def runnable_blocks(text: str) -> list[Block]:
    """The fenced blocks right after a runnable marker (blank lines between are allowed)."""
    lines = text.splitlines()
    blocks = []
    for i, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        assert fence, f"README.md:{i + 1}: a runnable marker must stand right before a ``` block"
        end = next(k for k in range(j + 1, len(lines)) if lines[k].strip() == "```")
        code = textwrap.dedent("\n".join(lines[j + 1 : end]))
        blocks.append(Block(j + 1, fence.group("lang"), marker.group("kind"), code + "\n"))
    return blocks


BLOCKS = runnable_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_marks_its_examples_runnable():
    langs = {b.lang for b in BLOCKS}
    assert len(BLOCKS) >= 4 and {"sh", "python"} <= langs
    assert any(b.kind == "serve" for b in BLOCKS)
    assert all(b.lang in ("sh", "python") for b in BLOCKS), "runnable blocks are sh or python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    (folder / "queries").symlink_to(ROOT / "queries")
    return folder


@pytest.fixture(scope="module")
def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "100"
    return env


@pytest.fixture(scope="module")
def server(environment: dict[str, str], workdir: Path):
    """``etiograph serve`` on a free port, for the blocks marked ``serve``; stopped by its PID afterwards."""
    port = free_port()
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("etiograph")), "serve", "--port", str(port)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"etiograph serve did not start: {(workdir / 'serve.log').read_text()}")
            time.sleep(0.3)
    yield port
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.parametrize("block", BLOCKS, ids=[f"line{b.line}-{b.lang}" for b in BLOCKS])
def test_readme_block_runs(block: Block, workdir: Path, environment: dict[str, str], request):
    code = block.code
    if block.kind == "serve":
        port = request.getfixturevalue("server")
        code = code.replace("127.0.0.1:7878", f"127.0.0.1:{port}")
    command = ["bash", "-e", "-o", "pipefail", "-c", code] if block.lang == "sh" else [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=600)
    where = f"README.md:{block.line} ({block.lang} block)"
    assert done.returncode == 0, f"{where} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), f"{where} printed nothing"
    assert "Traceback" not in done.stderr, f"{where}: {done.stderr[-3000:]}"
    if block.kind == "serve" and block.lang == "sh" and 'etiograph query "$Q"' in code:
        # the same query text answers the same in the CLI and over HTTP: the CSV appears twice in a row
        lines = done.stdout.replace("\r\n", "\n").splitlines()
        header = lines[0]
        second = lines.index(header, 1)
        assert lines[:second] == lines[second : 2 * second], done.stdout
