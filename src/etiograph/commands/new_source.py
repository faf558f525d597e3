"""``etiograph new-source ID --article FILE``: scaffold a source folder (see etiograph.curation.scaffold)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the source id: lower-case words joined by '-' (becomes source:<id>)")
    parser.add_argument("--article", required=True, metavar="FILE", help="the source's plain text (UTF-8); stays where it is")
    parser.add_argument("--root", metavar="DIR", default="graph", help="the sheet root to add it to (default: ./graph)")
    parser.add_argument("--title", help="the source's title (default: its first line)")
    parser.add_argument("--draft", action="store_true", help="fill claims.tsv with drafted candidate rows (etiograph draft)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..curation.build import default_root
    from ..curation.scaffold import new_source
    from ..curation.sheets import read_concepts

    root = Path(args.root)
    concepts = []
    if args.draft:
        sheets = [default_root() / "concepts.tsv"]
        if (root / "concepts.tsv").is_file() and (root / "concepts.tsv").resolve() != sheets[0].resolve():
            sheets.insert(0, root / "concepts.tsv")
        concepts = [c for sheet in sheets for c in read_concepts(sheet)]
    for path in new_source(args.id, Path(args.article), root, title=args.title, drafted=args.draft, concepts=concepts):
        print(f"wrote {path}")
    print(f"next: edit {root / 'sources' / args.id / 'claims.tsv'} (and concepts.tsv), then `etiograph check {root}` and `etiograph build {root}`")
    return 0
