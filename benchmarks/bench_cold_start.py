"""Cold start of the CLI on the article: each command in a fresh process, median of N runs, beside a peer.

    python benchmarks/bench_cold_start.py            # 5 runs each (median of 5), interleaved
    python benchmarks/bench_cold_start.py --runs 9 --json results/cold-start.json

Commands run round-robin (one run of each, then the next round), so machine load hits them all
alike. Each row names its peer, measured in the same run:

* ``python -c pass`` (the interpreter alone) and ``etiograph --help`` (the CLI's floor);
* ``validate`` beside ``validate --engine pyshacl`` (pySHACL, the reference implementation);
* ``paths``/``query`` beside a raw pyoxigraph script that loads the same files and runs one query;
* ``viz`` beside ``paths`` (same graph loaded, then the drawing);
* ``export --format F`` (each RDF format, and ``--split``) beside a raw pyoxigraph script that parses the
  same files, canonicalises blank nodes and writes N-Triples;
* ``--before DIR``: every etiograph row again with another source tree, beside the current one
  (``git archive <commit> src ontology graph queries | tar -x -C DIR``); run from the checkout, so the
  article is found at ``../shared`` from the working directory.

Other helpers: add rows to ``COMMANDS`` (name, argv after ``etiograph``, peer name, target seconds).
Wall time on a shared machine is noisy; user+system CPU time of the child is printed beside it, with
its own ratio to the peer's (the steadier comparison under load).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
ETIOGRAPH = str(BIN / "etiograph") if (BIN / "etiograph").is_file() else "etiograph"

RAW_PYOXIGRAPH = """
import pyoxigraph as ox
from etiograph.datafiles import graph_sources
store = ox.Store()
for path in graph_sources():
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
rows = list(store.query('SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 5'))
print(len(rows))
"""


@dataclass
class Command:
    name: str
    argv: list[str]
    peer: str | None = None
    target: float | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: An output folder that must be new at each run: ``{run}`` in the arguments becomes a name never used
    #: before (removing and re-creating one folder measures ext4 recycling its inodes, up to 4x slower).
    fresh: bool = False
    runs: int = 0
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    failures: int = 0


def commands(scratch: Path) -> list[Command]:
    return [
        Command("python -c pass", [sys.executable, "-c", "pass"]),
        Command("raw pyoxigraph: load + query", [sys.executable, "-c", RAW_PYOXIGRAPH], "python -c pass"),
        Command("etiograph --help", [ETIOGRAPH, "--help"], "python -c pass"),
        Command(
            "paths UTI 'leg cramps'", [ETIOGRAPH, "paths", "UTI", "leg cramps"], "raw pyoxigraph: load + query", 0.3
        ),
        Command(
            "query edge-evidence",
            [ETIOGRAPH, "query", "edge-evidence", "--param", "subject=fever", "--param", "object=dehydration"],
            "raw pyoxigraph: load + query",
        ),
        # Issue 15's rows: every article command under 0.3 s (the query layer, the causal index, curation).
        Command("upstream 'leg cramps'", [ETIOGRAPH, "upstream", "leg cramps"], "raw pyoxigraph: load + query", 0.3),
        Command("downstream UTI", [ETIOGRAPH, "downstream", "UTI"], "raw pyoxigraph: load + query", 0.3),
        Command("explain 'leg cramps'", [ETIOGRAPH, "explain", "leg cramps"], "raw pyoxigraph: load + query", 0.3),
        Command(
            "query infection-comparison",
            [ETIOGRAPH, "query", "infection-comparison"],
            "raw pyoxigraph: load + query",
            0.3,
        ),
        Command("check", [ETIOGRAPH, "check", "-o", str(scratch / "check.txt")], "python -c pass", 0.3),
        # the first check of a text (or after an edit): no cache to keep sentence boundaries in, pysbd splits
        Command(
            "check, no sentence cache",
            [ETIOGRAPH, "check", "-o", str(scratch / "check-uncached.txt")],
            "check",
            env={"XDG_CACHE_HOME": os.devnull},
        ),
        Command("build --check", [ETIOGRAPH, "build", "--check"], "python -c pass", 0.3),
        Command("build -o DIR", [ETIOGRAPH, "build", "-o", str(scratch / "built")], "python -c pass", 0.3),
        Command("validate", [ETIOGRAPH, "validate"], "validate --engine pyshacl", 1.0),
        Command("validate --engine pyshacl", [ETIOGRAPH, "validate", "--engine", "pyshacl"], "python -c pass"),
        Command(
            "viz UTI 'leg cramps'",
            [ETIOGRAPH, "viz", "UTI", "leg cramps", "-o", str(scratch / "classroom.html")],
            "paths UTI 'leg cramps'",
            0.3,
        ),
        Command("raw pyoxigraph: parse + c14n + nt", [sys.executable, "-c", RAW_EXPORT], "python -c pass"),
        *export_commands(scratch),
    ]


# The floor for an RDF export: pyoxigraph parses the same files, canonicalises blank nodes (RDFC-1.0)
# and writes N-Triples, with nothing else imported.
RAW_EXPORT = """
import sys, pyoxigraph as ox
from etiograph.datafiles import graph_sources
dataset = ox.Dataset()
for path in graph_sources():
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
        dataset.add(quad)
dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
sys.stdout.buffer.write(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS))
"""

#: `--before DIR`: also time the export rows with the etiograph source tree DIR/src (e.g. an old commit's
#: `git archive`), so before and after come from the same run.
BEFORE: Path | None = None


def export_commands(scratch: Path) -> list[Command]:
    """One row per RDF export format (and `--split`), each against the raw pyoxigraph floor, target 0.3 s."""
    peer = "raw pyoxigraph: parse + c14n + nt"
    rows = [
        Command(
            f"export --format {fmt}", [ETIOGRAPH, "export", "--format", fmt, "-o", str(scratch / f"x.{fmt}")], peer, 0.3
        )
        for fmt in ("turtle", "nt", "jsonld", "trig")
    ]
    # Into the same folder again (its files already hold their nanopublications: left untouched), and
    # into a new folder each run (every file written and flushed).
    again, new = str(scratch / "nanopubs"), str(scratch / "nanopubs-new-{run}")
    rows.append(Command("export --split DIR (again)", [ETIOGRAPH, "export", "--split", again], peer, 0.3))
    rows.append(Command("export --split NEW_DIR", [ETIOGRAPH, "export", "--split", new], peer, 0.3, fresh=True))
    return rows


def before_commands(table: list[Command], scratch: Path) -> list[Command]:
    """``--before DIR``: every etiograph row again with the source tree DIR/src, its peer the row itself,
    so the ratio is before ÷ after, both from this run (outputs go to their own scratch folder)."""
    if BEFORE is None:
        return []
    old = [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(BEFORE / 'src')!r}); from etiograph.cli import main; sys.exit(main())",
    ]
    moved = str(scratch / "before")
    return [
        Command(
            f"before: {c.name}",
            [*old, *(a.replace(str(scratch), moved) for a in c.argv[1:])],
            c.name,
            env=c.env,
            fresh=c.fresh,
        )
        for c in table
        if c.argv[0] == ETIOGRAPH
    ]


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """What a user's shell gives: bytecode caches on (a PYTHONDONTWRITEBYTECODE=1 environment would make every
    run compile etiograph from source, ~0.2 s of each cold start), a 100-column terminal width."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COLUMNS"] = "100"
    return env | (extra or {})


def argv_of(command: Command) -> list[str]:
    """The command's arguments, a new output folder name in place of ``{run}`` when it needs one."""
    if not command.fresh:
        return command.argv
    command.runs += 1
    return [a.replace("{run}", str(command.runs)) for a in command.argv]


def run_once(command: Command) -> None:
    argv = argv_of(command)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, timeout=600, env=child_environment(command.env))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        command.failures += 1
        print(
            f"  {command.name}: exit {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}", file=sys.stderr
        )
        return
    command.wall.append(wall)
    command.cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command (default 5: median of 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--only", metavar="TEXT", help="only commands whose name contains TEXT (and their peers)")
    parser.add_argument(
        "--skip", metavar="TEXT", action="append", default=[], help="leave out commands whose name contains TEXT"
    )
    parser.add_argument(
        "--before", metavar="DIR", type=Path, help="also time every etiograph row with the source tree DIR/src"
    )
    args = parser.parse_args()
    global BEFORE
    BEFORE = args.before

    with tempfile.TemporaryDirectory(prefix="etiograph-cold-") as scratch:
        table = commands(Path(scratch))
        table += before_commands(table, Path(scratch))
        if args.only:
            wanted = {c.name for c in table if args.only in c.name}
            wanted |= {c.peer for c in table if c.name in wanted and c.peer}
            table = [c for c in table if c.name in wanted]
        table = [c for c in table if not any(text in c.name for text in args.skip)]
        for command in table:  # one warm-up each: the OS file cache, .pyc files
            subprocess.run(argv_of(command), capture_output=True, timeout=600, env=child_environment(command.env))
        for _ in range(args.runs):
            for command in table:
                run_once(command)

    by_name = {c.name: c for c in table}
    print(f"cold start, fresh process each, median of {args.runs} (interleaved); load average {os.getloadavg()[0]:.1f}")
    header = (
        f"{'command':32} {'median s':>9} {'min-max s':>13} {'cpu s':>7}  {'peer':32} {'peer s':>7} {'ratio':>6} "
        f"{'cpu ratio':>9}  target"
    )
    print(header)
    print("-" * len(header))
    out = []
    for c in table:
        if not c.wall:
            print(f"{c.name:32} {'failed':>9}")
            continue
        median, cpu = statistics.median(c.wall), statistics.median(c.cpu)
        peer = by_name.get(c.peer or "")
        peer_median = statistics.median(peer.wall) if peer and peer.wall else None
        ratio = f"{median / peer_median:.2f}×" if peer_median else ""
        peer_cpu = statistics.median(peer.cpu) if peer and peer.cpu else None
        cpu_ratio = f"{cpu / peer_cpu:.2f}×" if peer_cpu else ""
        verdict = ""
        if c.target is not None:
            verdict = f"{'PASS' if median < c.target else 'MISS'} < {c.target:g} s"
        spread = f"{min(c.wall):.3f}-{max(c.wall):.3f}"
        peer_text = f"{peer_median:.3f}" if peer_median else ""
        print(
            f"{c.name:32} {median:9.3f} {spread:>13} {cpu:7.3f}  {c.peer or '':32} {peer_text:>7} {ratio:>6} "
            f"{cpu_ratio:>9}  {verdict}"
        )
        out.append(
            {
                "command": c.name,
                "argv": c.argv[1:],
                "runs": c.wall,
                "cpu": c.cpu,
                "median": median,
                "peer": c.peer,
                "peer_median": peer_median,
                "cpu_median": cpu,
                "peer_cpu_median": peer_cpu,
                "target": c.target,
                "failures": c.failures,
            }
        )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 1 if any(c.failures for c in table) else 0


if __name__ == "__main__":
    sys.exit(main())
