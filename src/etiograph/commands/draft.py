"""``etiograph draft ARTICLE [-o claims.tsv]``: candidate claim rows for a new article (see etiograph.curation.draft)."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", help="the article's plain text (UTF-8)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the sheet (default: standard output)")
    parser.add_argument("--source-id", metavar="ID", help="the source the rows are for (checks its folder's concepts.tsv too)")
    parser.add_argument(
        "--concepts",
        action="append",
        metavar="FILE",
        help="a concepts.tsv whose labels are matched (default: the bundled graph/concepts.tsv; repeatable)",
    )
    parser.add_argument("--against", metavar="CLAIMS_TSV", help="also print recall and precision of subject-object pairs against this curated sheet")


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
    concepts = [row for f in files for row in read_concepts(f)]
    rows = draft(text, concepts)
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
