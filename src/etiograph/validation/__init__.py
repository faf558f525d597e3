"""Checking a graph: SHACL shapes evaluated by pyoxigraph (:mod:`.shacl`); ``etiograph.validate`` runs it.

Internal: ``etiograph validate`` is the interface; these modules may move.
"""
