"""``etiograph build [--check]``: compile the claim sheets into the graph's Turtle (see etiograph.curation)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders",
        nargs="*",
        metavar="FOLDER",
        help="sheet folders to compile together (default: the bundled graph/); the Turtle goes to the first",
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    parser.add_argument(
        "--article",
        action="append",
        metavar="[SOURCE=]FILE",
        help="a source's text, to compute quote offsets (default: the path in its source.yaml; repeatable)",
    )
    parser.add_argument("-o", "--output-dir", metavar="DIR", help="write the Turtle here instead of the first folder")


def articles_option(values: list[str] | None, source_ids: list[str]) -> dict:
    """``--article FILE`` (one source) or ``--article ID=FILE`` (any) → {source id: Path}."""
    from pathlib import Path

    from ..errors import EtiographError

    out: dict[str, Path] = {}
    for value in values or []:
        name, sep, file = value.partition("=")
        if not sep or name not in source_ids:
            if len(source_ids) != 1:
                raise EtiographError(
                    f"--article {value!r}: with several sources, write --article SOURCE=FILE (sources: {', '.join(source_ids)})"
                )
            name, file = source_ids[0], value
        path = Path(file)
        if not path.is_file():
            raise EtiographError(f"--article {file}: no such file")
        out[name] = path
    return out


def source_ids(folders: list) -> list[str]:
    from ..curation.sheets import read_workspace

    return [s.id for s in read_workspace(folders).sources]


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from ..curation.build import build, default_root

    folders = [Path(f) for f in args.folders] or [default_root()]
    articles = articles_option(args.article, source_ids(folders)) if args.article else None
    out_dir = Path(args.output_dir) if args.output_dir else None
    result = build(folders, out_dir, articles, check=args.check)
    compiled = result.compiled
    rows = sum(len(s.rows) for s in compiled.workspace.sources)
    summary = f"{len(compiled.concepts)} concepts, {rows} claim rows -> {len(compiled.claims)} claims"
    missing = [s.id for s in compiled.workspace.sources if compiled.texts.get(s.id) is None]
    if missing:
        print(
            f"note: no text at hand for {', '.join(missing)}: offsets taken from offsets.tsv (pass --article)",
            file=sys.stderr,
        )
    if args.check:
        if result.changed:
            for path in result.changed:
                print(f"stale: {path}")
            print(f"{len(result.changed)} generated file(s) out of date with the sheets: run `etiograph build`")
            return 1
        print(f"up to date ({summary})")
        return 0
    for path in result.changed:
        print(f"wrote {path}" if path in result.outputs else f"removed {path} (no longer generated)")
    print(f"{'built' if result.changed else 'already up to date'}: {summary}")
    return 0
