"""``etiograph queries``: the named SPARQL queries, each with its title and parameters, fitted to the terminal."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    """No options: the list is short."""


def run(args: argparse.Namespace) -> int:
    from ..render.terminal import table, width, wrap
    from ..sparql.named import all_queries

    queries = all_queries()
    columns = width()
    rows = []
    for name, query in queries.items():
        params = " ".join(f"--param {p.name}=…" for p in query.parameters)
        rows.append([name, query.title + (f"  [{params}]" if params else "")])
    lines = table(None, rows, columns, whole=[0])  # a name is typed: never broken
    folder = next(iter(queries.values())).path.parent
    lines += ["", *wrap(f"Run one: etiograph query NAME [--param name=value]. Files: {folder}", columns)]
    print("\n".join(lines))
    return 0
