"""Curation: claim sheets a person edits in a spreadsheet, compiled to the graph's Turtle.

The sheets are the source of truth of the bundled graph (``graph/concepts.tsv``,
``graph/sources/<source-id>/{source.yaml,claims.tsv}``); ``etiograph build`` turns them into
``graph/*.ttl`` and ``etiograph check`` reviews them against the article's own words. The format
is described in :mod:`etiograph.curation.sheets`; the hedge rules in :mod:`etiograph.curation.hedges`.

Internal: the sheets' format and ``etiograph build``/``check``/``draft`` are the interface; these
modules may move.
"""
