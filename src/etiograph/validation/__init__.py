"""Checking a graph: :mod:`.report` (``validate``, what ``etiograph validate`` runs) evaluates the SHACL shapes
with pyoxigraph (:mod:`.shacl`), then checks every quote against the article (:mod:`.quotes`).

Internal: ``etiograph validate`` is the interface; these modules may move.
"""
