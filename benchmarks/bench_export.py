"""Export sizes and times of the network formats, next to the N-Triples export of the same data.

    python benchmarks/bench_export.py                      # the article and 100k synthetic claims
    python benchmarks/bench_export.py --claims 10000,100000 --repeat 3

Each (data, format) runs in a fresh subprocess: load the graph (pyoxigraph, in memory), build the
property graph (claims, concepts, labels), write the files. The peer is ``etiograph export --format
nt`` (the canonical RDF writer) on the same data in the same run; ``×nt`` is the format's total time
over the peer's. Synthetic graphs come from ``generate.py`` (written to ``--data-dir`` once and
reused). Prints one table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = ("nt", "kgx", "kgx-tsv", "graphml", "cytoscape", "cx2")

WORKER = r"""
import json, sys, time
from pathlib import Path
fmt, out, data = sys.argv[1], Path(sys.argv[2]), sys.argv[3:] or None
t0 = time.perf_counter()
if fmt == "nt":
    from etiograph.datafiles import graph_sources
    from etiograph.export import serialize
    payload = serialize(graph_sources(data), "nt")
    t1 = t2 = time.perf_counter()
    out.write_bytes(payload)
    nodes = edges = None
else:
    from etiograph.graph import KnowledgeGraph
    from etiograph.export.propertygraph import Selection, build
    kg = KnowledgeGraph.load(data=data)
    t1 = time.perf_counter()
    pg = build(kg, Selection(relations="all" if fmt.startswith("kgx") else "causal"))
    t2 = time.perf_counter()
    if fmt.startswith("kgx"):
        from etiograph.export import kgx
        kgx.write(pg, out, "jsonl" if fmt == "kgx" else "tsv")
    else:
        import importlib
        out.write_bytes(importlib.import_module(f"etiograph.export.{fmt}").write(pg))
    nodes, edges = len(pg.nodes), len(pg.claims)
t3 = time.perf_counter()
size = sum(f.stat().st_size for f in out.iterdir()) if out.is_dir() else out.stat().st_size
print(json.dumps({"load": t1 - t0, "build": t2 - t1, "write": t3 - t2, "total": t3 - t0, "bytes": size,
                  "nodes": nodes, "edges": edges}))
"""


def run_one(fmt: str, data: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="etiograph-export-") as tmp:
        out = Path(tmp) / ("out" if fmt.startswith("kgx") else f"out.{fmt}")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", WORKER, fmt, str(out), *data], capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"{fmt} failed:\n{done.stderr}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["wall"] = wall
        return result


def dataset(claims: int, data_dir: Path) -> list[str]:
    path = data_dir / f"claims-{claims}.nt"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--claims", str(claims), "-o", str(path)], check=True
        )
    return [str(path)]


def human(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return str(size)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", default="100000", help="synthetic sizes, comma-separated (default 100000; 0: none)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the median is shown (default 1)")
    parser.add_argument("--data-dir", default="/tmp/etiograph-bench", help="where generated graphs are kept")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--json", metavar="FILE", help="also write every figure here")
    args = parser.parse_args()

    sets = [("article", [])] + [
        (f"{int(n):,} claims", dataset(int(n), Path(args.data_dir))) for n in args.claims.split(",") if int(n)
    ]
    formats = [f for f in args.formats.split(",") if f]
    if "nt" not in formats:
        formats.insert(0, "nt")
    print(
        f"# export benchmark, {time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.2f}, "
        f"median of {args.repeat}; peer: --format nt on the same data"
    )
    header = (
        f"{'data':<16} {'format':<10} {'nodes':>8} {'edges':>8} {'size':>9} {'load s':>7} {'build s':>8} "
        f"{'write s':>8} {'total s':>8} {'wall s':>7} {'×nt':>6}"
    )
    print(header)
    print("-" * len(header))
    everything = []
    for name, data in sets:
        peer = None
        for fmt in formats:
            runs = [run_one(fmt, data) for _ in range(args.repeat)]
            cell = {
                k: statistics.median(r[k] for r in runs) if isinstance(runs[0][k], float) else runs[0][k]
                for k in runs[0]
            }
            if fmt == "nt":
                peer = cell
            ratio = cell["total"] / peer["total"] if peer else float("nan")
            everything.append({"data": name, "format": fmt, **cell, "ratio_to_nt": ratio})
            print(
                f"{name:<16} {fmt:<10} {cell['nodes'] if cell['nodes'] is not None else '':>8} "
                f"{cell['edges'] if cell['edges'] is not None else '':>8} {human(cell['bytes']):>9} "
                f"{cell['load']:>7.2f} {cell['build']:>8.2f} {cell['write']:>8.2f} {cell['total']:>8.2f} "
                f"{cell['wall']:>7.2f} {ratio:>6.2f}"
            )
    print(f"# end, load average {os.getloadavg()[0]:.2f}. nt has no load/build split (it parses and writes).")
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
