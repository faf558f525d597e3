"""``etiograph check [SOURCE…] [--article FILE] [--format json]``: the curation checks (see etiograph.curation.checks)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="source ids of the bundled graph, or sheet folders (a sheet root, or a source folder checked beside the bundled concepts); default: every bundled source",
    )
    parser.add_argument("--article", action="append", metavar="[SOURCE=]FILE", help="the source's text (default: the path in its source.yaml; repeatable)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here (default: standard output)")


def sheet_folders(names: list[str]) -> tuple[list, list[str] | None]:
    """Folders to compile and the source ids to report (None: all)."""
    from pathlib import Path

    from ..curation.sheets import default_root, is_sheet_folder, read_workspace
    from ..errors import EtiographError

    root = default_root()
    folders: list[Path] = []
    ids: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir() and is_sheet_folder(path):
            folders.append(path)
            ids += [s.id for s in read_workspace([path]).sources]
        else:
            known = [s.id for s in read_workspace([root]).sources]
            if name not in known:
                raise EtiographError(f"{name!r} is neither a sheet folder nor a bundled source (sources: {', '.join(known)})")
            ids.append(name)
    roots = [f for f in folders if (f / "sources").is_dir() or (f / "graph.yaml").is_file()]
    if not roots:
        folders = [root, *folders]
    return folders, ids or None


def run(args: argparse.Namespace) -> int:
    from ..cli import emit
    from ..curation.checks import run_checks
    from .build import articles_option

    folders, only = sheet_folders(args.sources)
    articles = None
    if args.article:
        from ..curation.sheets import read_workspace

        articles = articles_option(args.article, only or [s.id for s in read_workspace(folders).sources])
    report = run_checks(folders, articles, only)
    emit(args, report.as_json() if args.format == "json" else report.as_text())
    return 1 if report.errors else 0
