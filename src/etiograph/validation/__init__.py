"""Checking a graph: SHACL shapes evaluated by pyoxigraph (:mod:`.shacl`); ``etiograph.validate`` runs it."""
