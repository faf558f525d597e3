"""``etiograph draft ARTICLE [-o claims.tsv]``: candidate claim rows for a new article (see etiograph.curation.draft)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", help="the article's plain text (UTF-8)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the sheet (default: standard output)")
    parser.add_argument("--source-id", metavar="ID", help="the bundled source the rows are for: its concepts.tsv is matched too and its sections filled in")
    parser.add_argument(
        "--concepts",
        action="append",
        metavar="FILE",
        help="a concepts.tsv whose labels are matched (default: the bundled graph/concepts.tsv; repeatable)",
    )
    parser.add_argument("--against", metavar="CLAIMS_TSV", help="also print recall and precision of subject-object pairs against this curated sheet")


def _with_sections(rows: list, text: str, folder) -> list:
    """Each row's section: the last source.yaml section whose title stands as a line above the quote."""
    import re
    from dataclasses import replace

    from ..curation.sheets import read_source

    sections = read_source(folder).sections
    if not sections:
        return rows
    starts = []
    for section in sections:
        found = re.search(r"^[ \t]*" + re.escape(section.title) + r"[ \t]*$", text, re.MULTILINE)
        if found:
            starts.append((found.start(), section.key))
    starts.sort()
    out = []
    for row in rows:
        position = max(text.find(row.quote), 0)
        key = sections[0].key
        for begin, name in starts:
            if begin <= position:
                key = name
        out.append(replace(row, section=key))
    return out


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from ..cli import emit
    from ..curation.build import default_root
    from ..curation.draft import draft, draft_tsv, pair_recall
    from ..curation.locate import read_text
    from ..curation.sheets import read_claims, read_concepts
    from ..errors import DataError

    article = Path(args.article)
    if not article.is_file():
        raise DataError(article, "no such file (pass the article's plain text)")
    try:
        text = read_text(article)
    except UnicodeDecodeError as error:
        raise DataError(article, f"not UTF-8 text: {error.reason}") from None
    files = [Path(f) for f in args.concepts] if args.concepts else [default_root() / "concepts.tsv"]
    folder = default_root() / "sources" / args.source_id if args.source_id else None
    if folder is not None and (folder / "concepts.tsv").is_file():
        files.append(folder / "concepts.tsv")  # the concepts that source introduces
    concepts = [row for f in files for row in read_concepts(f)]
    rows = draft(text, concepts)
    if folder is not None and (folder / "source.yaml").is_file():
        rows = _with_sections(rows, text, folder)
    emit(args, draft_tsv(rows))
    print(f"drafted {len(rows)} candidate rows from {article.name}: edit them, then `etiograph check` and `etiograph build`", file=sys.stderr)
    if args.against:
        curated = read_claims(Path(args.against))
        from ..curation.model import ConceptIndex

        index = ConceptIndex({c.id: c for c in concepts})
        pairs = []
        for row in curated:
            s, _ = index.resolve(row.subject)
            o, _ = index.resolve(row.object)
            pairs.append((s or row.subject, o or row.object))
        score = pair_recall(rows, pairs)
        print(
            f"subject-object pairs: recall {score.recall:.0%} ({score.found} of {score.curated} curated pairs drafted), "
            f"precision {score.precision:.0%} ({score.found} of {score.drafted} drafted pairs curated)",
            file=sys.stderr,
        )
    return 0
