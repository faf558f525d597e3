"""Write the README's scale tables from ``bench_scale.py --json`` output, so no figure is typed by hand.

    python benchmarks/bench_scale.py --json benchmarks/results/scale.json
    python benchmarks/scale_table.py benchmarks/results/scale.json            # print the Markdown
    python benchmarks/scale_table.py benchmarks/results/scale.json --write README.md

``--write`` replaces what lies between ``<!-- scale-table:start -->`` and ``<!-- scale-table:end -->``.
Several JSON files may be given (e.g. a 10k/100k run and a separate 1M run); sizes are merged in
order, a later file winning for a size both hold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

START, END = "<!-- scale-table:start -->", "<!-- scale-table:end -->"
PEERS = (("sparql", "SPARQL path"), ("raw", "raw SPARQL"), ("networkx", "networkx"), ("igraph", "igraph"))


def short(claims: int) -> str:
    return f"{claims // 1_000_000}M" if claims >= 1_000_000 else f"{claims // 1000}k"


def ms(op: dict | None) -> str:
    if not op or "ms" not in op:
        return "timeout" if op and "timeout" in op else "—"
    value = op["ms"]
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


STORES = {"oxigraph": "in memory", "oxigraph-dir": "on disk"}


def sizes(reports: list[dict]) -> list[tuple[dict, dict, str, dict]]:
    """(report, size meta, backend, summary) per size and pyoxigraph store, later reports winning."""
    found: dict[tuple[int, str], tuple[dict, dict, str, dict]] = {}
    for report in reports:
        for size in report["sizes"]:
            for backend in STORES:
                entry = size["backends"].get(backend, {})
                if "summary" in entry:
                    found[(size["meta"]["claims"], backend)] = (report, size["meta"], backend, entry["summary"])
    order = list(STORES)
    return [found[k] for k in sorted(found, key=lambda k: (k[0], order.index(k[1])))]


def libraries(reports: list[dict], claims: int) -> dict:
    """networkx and igraph figures of a size: they run beside the in-memory store only (the graph they
    search is extracted into memory either way)."""
    for report in reversed(reports):
        for size in report["sizes"]:
            summary = size["backends"].get("oxigraph", {}).get("summary")
            if size["meta"]["claims"] == claims and summary:
                return {k: v for k, v in summary["ops"].items() if k in ("networkx", "igraph")}
    return {}


def with_cpu(op: dict | None) -> str:
    text = ms(op)
    if op and op.get("cpu_ms"):
        text += f" ({ms({'ms': op['cpu_ms']})} CPU)"
    return text


def markdown(reports: list[dict]) -> str:
    rows = sizes(reports)
    lines = [
        "| claims (triples), store | load, triples/s (vs raw) | memory peak / resident, B/triple | causal index: build (share of load, wall / CPU), size |",
        "|---|---|---|---|",
    ]
    for report, meta, backend, summary in rows:
        loads, index = summary["loads"], summary.get("index")
        e, r = loads.get("etiograph"), loads.get("raw")
        triples = meta["triples"] + report["ontology_triples"]
        reused = bool(e) and e.get("store") == "reopened"
        if reused:
            rate, memory = f"reopened in {e['load_s']:.2f} s", "—"
        else:
            rate = f"{e['rate'] / 1000:.0f}k/s" + (f" ({e['rate'] / r['rate']:.2f}×)" if r else "") if e else "—"
            memory = f"{e['peak_bpt']:.0f} / {e['rss_bpt']:.0f}" if e else "—"
        built = "—"
        if index:
            share = "" if reused else f" ({index['share_of_load']:.0%}" + (
                f" / {index['cpu_share_of_load']:.0%})" if index.get("cpu_share_of_load") else ")"
            )
            tables = " + evidence table" if index.get("evidence_bytes") else ""
            built = f"{index['build_s']:.2f} s{share}{tables}, {index['bytes_per_edge']:.0f} B/edge × {index['edges']:,} edges"
            if index.get("evidence_bytes"):
                built += f" (+{index['evidence_bytes'] / max(index['edges'], 1):.0f} B/edge evidence, memory-mapped)"
        lines.append(f"| {short(meta['claims'])} ({triples / 1e6:.1f}M), {STORES[backend]} | {rate} | {memory} | {built} |")
    lines += [
        "",
        "| claims, store | operation | etiograph, wall (CPU) | " + " | ".join(title for _, title in PEERS) + " |",
        "|---|---|---|" + "---|" * len(PEERS),
    ]
    titles = {
        "paths": "paths ≤4 hops + evidence",
        "up_small": "small upstream",
        "up_large": "large upstream (cap 1,000)",
    }
    for _, meta, backend, summary in rows:
        ops = {**libraries(reports, meta["claims"]), **summary["ops"]}
        for i, (op, title) in enumerate(titles.items()):
            ours = ops.get("etiograph", {}).get(op)
            cells = []
            for key, _ in PEERS:
                theirs = ops.get(key, {}).get(op)
                ratio = (
                    f" ({ours['ms'] / theirs['ms']:.2g}×)"
                    if ours and theirs and "ms" in ours and "ms" in theirs
                    else ""
                )
                cells.append(ms(theirs) + ratio)
            claims = f"{short(meta['claims'])}, {STORES[backend]}" if i == 0 else ""
            lines.append(f"| {claims} | {title} | **{with_cpu(ours)}** | " + " | ".join(cells) + " |")
    notes = []
    spines = [
        f"{short(size['meta']['claims'])} {size['spine_s']:.0f} s"
        for report in reports
        if report.get("spine_cache") == "fresh"  # else the file's spine may have been cached already
        for size in report["sizes"]
        if "spine_s" in size
    ]
    if spines:
        notes.append(
            "not in the loads above: on first use of a `--data` file, etiograph derives its causal spine "
            f"(then cached): {', '.join(spines)}"
        )
    for _, meta, _, summary in rows:
        extract = summary.get("extract")
        if extract:
            libs = "; ".join(
                f"{lib} graph built in {summary[lib]['build_s']:.2f} s"
                for lib in ("networkx", "igraph")
                if lib in summary
            )
            notes.append(
                f"{short(meta['claims'])}: graph libraries need the causal graph, evidence and labels extracted first "
                f"({extract['s']:.1f} s, +{extract['rss_kib'] / 1024:.0f} MiB of dicts); {libs}"
            )
    firsts = [
        f"{short(meta['claims'])} {STORES[backend]} {ms(summary['cold']['paths'])}"
        for _, meta, backend, summary in rows
        if summary.get("cold", {}).get("paths", {}).get("ms") is not None
    ]
    if firsts:
        notes.append(
            "first `paths` answer on a fresh `KnowledgeGraph` (its caches empty: schemes, summary edges, concept "
            "descriptions; its hops' evidence read from the store, then kept; the table's figures are later "
            f"answers): {', '.join(firsts)}"
        )
    # The latest run that measured each: a 1M run may reuse a store and skip what a 100k run measured.
    cli = next((r["cli"] for r in reversed(reports) if r.get("cli", {}).get("persistent")), None)
    if cli and cli.get("persistent"):
        p = cli["persistent"]
        first = (
            f"first `paths` run {p['first_s']:.0f} s (loads, builds and saves the index, {p.get('index_mb') or 0:.0f} MB)"
            if not p.get("store_reused")
            else f"index file {p.get('index_mb') or 0:.0f} MB"
        )
        cpu = f" ({p['second_cpu_s']:.2f} s CPU)" if p.get("second_cpu_s") is not None else ""
        notes.append(
            f"persistent store (`--store oxigraph:DIR`), {short(p['claims'])} claims: {first}; "
            f"`etiograph paths` from a fresh process on the reopened store: {p['second_s']:.2f} s wall{cpu}"
        )
    cli = next((r["cli"] for r in reversed(reports) if r.get("cli", {}).get("article", {}).get("median_s")), None)
    if cli:
        notes.append(
            f'article `etiograph paths UTI "leg cramps"`: {cli["article"]["median_s"]:.2f} s wall from a cold start'
        )
    started = sorted(
        {
            f"{r.get('started', '?')} (load average {r['machine'].get('load_average_start', [0])[0]:.0f} on "
            f"{r['machine'].get('cpus')} CPUs)"
            for r in reports
        }
    )
    sources = sorted(
        {
            r.get("source", "?").split(" ", 1)[0]
            + (" + uncommitted changes" if "uncommitted" in r.get("source", "") else "")
            for r in reports
        }
    )
    lines += [
        "",
        f"Generated by `benchmarks/scale_table.py` from runs started {', '.join(started)} (commit {'; '.join(sources)}).",
    ]
    lines += [""] + [f"* {n}." for n in notes]
    return "\n".join(lines) + "\n"


def write(readme: Path, table: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no {START} … {END} block to replace")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table}{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="+", type=Path, help="bench_scale.py --json output(s)")
    parser.add_argument("--write", type=Path, metavar="README", help="replace the scale-table block in this file")
    args = parser.parse_args(argv)
    reports = [json.loads(path.read_text(encoding="utf-8")) for path in args.json]
    table = markdown(reports)
    if args.write:
        write(args.write, table)
        print(f"wrote the scale tables into {args.write}", file=sys.stderr)
    else:
        print(table, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
