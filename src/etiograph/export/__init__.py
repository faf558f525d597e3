"""Export the graph as one self-contained file: Turtle, N-Triples, JSON-LD or TriG nanopublications.

Other tools consume these files and keep them under version control, so an export must be
**byte-identical on every run**, in any process. rdflib's own serialisers are not:

- blank nodes get a fresh random id on every parse, and the evidence of a claim is a tree of blank
  nodes (``oa:SpecificResource`` → selectors);
- the JSON-LD and N-Triples serialisers emit nodes in an order that changes with ``PYTHONHASHSEED``
  (JSON-LD walks ``set(graph.subjects())``), even once blank nodes have stable labels;
- the Turtle serialiser is stable given stable labels, but orders subjects by reference count and,
  for predicates outside PREFIXES (``vann:``), declares the source files' prefix or invents ``ns1:``.

So the package works like INDRA's assemblers: one module per format over the same data.
:mod:`~etiograph.export.canonical` parses the sources with pyoxigraph and canonicalises blank nodes
with W3C RDFC-1.0; :mod:`~etiograph.export.layout` decides which blank nodes nest and in what order
things are written; :mod:`~etiograph.export.turtle`, :mod:`~etiograph.export.ntriples`,
:mod:`~etiograph.export.jsonld` and :mod:`~etiograph.export.trig` write the syntax, and
:mod:`~etiograph.export.nanopub` builds the nanopublications' quads. Which format is which lives in
:mod:`etiograph.formats`; :mod:`etiograph.commands.export` is ``etiograph export`` (format from ``-o``,
``--split``, ``--creator``); the property-graph formats (KGX, GraphML, Cytoscape, CX2) are written by
:mod:`~etiograph.export.networks` from :mod:`~etiograph.export.propertygraph`.

Nothing here imports rdflib: the sources are parsed by pyoxigraph, which also canonicalises them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import formats
from ..datafiles import graph_sources

__all__ = ["FORMATS", "graph_sources", "serialize"]

#: The RDF formats, and the file extension each conventionally takes (:func:`serialize` also writes
#: the property-graph formats of :mod:`etiograph.formats`).
FORMATS: dict[str, str] = {name: formats.by_name(name).extension for name in formats.of_model("rdf")}


def serialize(paths: Sequence[Path], fmt: str) -> bytes:
    """The graph read from ``paths`` in format ``fmt`` (one of :data:`FORMATS`), the same bytes on every run.

    ``paths`` usually comes from :func:`graph_sources` (the bundled graph's files, or yours); a file that is not valid
    Turtle raises :class:`etiograph.errors.DataError` naming it and the line.

    >>> from etiograph.export import graph_sources
    >>> nt = serialize(graph_sources(), "nt")
    >>> nt == serialize(graph_sources(), "nt") and nt.splitlines() == sorted(nt.splitlines())
    True
    """
    return formats.by_name(fmt).write(paths)
