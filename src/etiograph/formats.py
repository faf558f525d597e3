"""The export formats, written once: name ↔ media type ↔ file extension ↔ writer.

The CLI's ``--format`` choices, the guess from ``-o FILE``'s extension and
:func:`etiograph.export.serialize` all read this one table. Importing it costs nothing: a writer is
named as ``"module:function"`` and imported only when that format is written, so ``etiograph
--help`` never loads pyoxigraph, rdflib or a property-graph library.

A new format is one module under ``etiograph/export/`` and one :func:`register` line below. An RDF
format's writer is ``write(paths) -> bytes`` over the Turtle sources; a property-graph format's writer
takes a :class:`etiograph.export.propertygraph.PropertyGraph` and is run by
:func:`etiograph.export.networks.run`, which also applies the selection options (``--paths``,
``--mechanism``). An empty extension means the format writes a folder (``-o DIR``).

>>> by_name("jsonld").media_type
'application/ld+json'
>>> by_extension("claims.nt").name
'nt'
>>> by_media_type("text/turtle; charset=utf-8").name
'turtle'
"""

from __future__ import annotations

import importlib
from collections import namedtuple
from collections.abc import Callable, Sequence
from pathlib import Path

#: A writer turns the Turtle source files (ontology first) into the bytes of one export file.
Writer = Callable[[Sequence[Path]], bytes]


# collections.namedtuple, not typing.NamedTuple: importing typing is ~2 % of an export's cold start.
class ExportFormat(namedtuple("ExportFormat", "name media_type extension writer model summary")):
    """One way to write the graph to a file.

    ``name``: what ``--format`` takes; ``media_type``: IANA media type, for HTTP and for tools that sniff;
    ``extension``: conventional file extension, with the dot; ``writer``: ``"module:function"``, imported
    on first use (a :data:`Writer` for the RDF formats); ``model``: ``"rdf"`` (triples, round-trip to the
    source graph) or ``"property graph"`` (nodes and edges); ``summary``: one line for ``--help`` and the README.
    """

    __slots__ = ()
    name: str
    media_type: str
    extension: str
    writer: str
    model: str
    summary: str

    def load_writer(self) -> Callable[..., object]:
        """This format's writer, its module imported now rather than at start-up."""
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)

    def write(self, paths: Sequence[Path]) -> bytes:
        """An RDF format's bytes for the Turtle files ``paths`` (property graphs go through ``networks.run``)."""
        if self.model != "rdf":
            raise ValueError(f"{self.name} is written from a property graph: use etiograph.export.networks")
        writer: Writer = self.load_writer()  # type: ignore[assignment]
        return writer(paths)


#: Every export format by name, in registration order (the order ``--help`` lists them).
EXPORT_FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    """Add ``fmt`` to :data:`EXPORT_FORMATS`; a second format with the same name or file extension is a bug."""
    for other in EXPORT_FORMATS.values():
        if fmt.name == other.name or (fmt.extension and fmt.extension == other.extension):
            raise ValueError(f"export format {fmt.name!r} ({fmt.extension}) clashes with {other.name!r}")
    EXPORT_FORMATS[fmt.name] = fmt
    return fmt


def names() -> list[str]:
    """The format names, for ``--format`` choices and error messages."""
    return list(EXPORT_FORMATS)


def by_name(name: str) -> ExportFormat:
    """The format called ``name``; ValueError listing the formats if there is none."""
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown export format {name!r}: choose one of {', '.join(EXPORT_FORMATS)}") from None


def by_extension(path: str | Path) -> ExportFormat | None:
    """The format whose extension ``path`` ends with (longest match, case-insensitive), or None."""
    text = str(path).lower()
    matches = [fmt for fmt in EXPORT_FORMATS.values() if fmt.extension and text.endswith(fmt.extension)]
    return max(matches, key=lambda fmt: len(fmt.extension)) if matches else None


def by_media_type(media_type: str) -> ExportFormat | None:
    """The format with this media type (parameters such as ``; charset=`` ignored), or None."""
    bare = media_type.partition(";")[0].strip().lower()
    return next((fmt for fmt in EXPORT_FORMATS.values() if fmt.media_type == bare), None)


def of_model(model: str) -> list[str]:
    """The names of the formats of one data model (``"rdf"`` or ``"property graph"``)."""
    return [name for name, fmt in EXPORT_FORMATS.items() if fmt.model == model]


# -- RDF: one graph, canonical blank nodes, byte-identical on every run (etiograph/export/*.py) ------------
_RDF = "rdf"
register(
    ExportFormat("turtle", "text/turtle", ".ttl", "etiograph.export.turtle:write", _RDF, "Turtle, evidence nested")
)
register(
    ExportFormat("nt", "application/n-triples", ".nt", "etiograph.export.ntriples:write", _RDF, "sorted N-Triples")
)
register(ExportFormat("jsonld", "application/ld+json", ".jsonld", "etiograph.export.jsonld:write", _RDF, "JSON-LD"))
register(ExportFormat("trig", "application/trig", ".trig", "etiograph.export.trig:write", _RDF, "nanopublications"))

# -- Property graphs: nodes and edges for graph tools, written by etiograph.export.networks -----------------
_PG = "property graph"
register(ExportFormat("kgx", "application/x-ndjson", "", "etiograph.export.kgx:write", _PG, "KGX JSON Lines folder"))
register(ExportFormat("kgx-tsv", "text/tab-separated-values", "", "etiograph.export.kgx:write", _PG, "KGX TSV folder"))
register(
    ExportFormat("graphml", "application/graphml+xml", ".graphml", "etiograph.export.graphml:write", _PG, "GraphML")
)
register(
    ExportFormat("cytoscape", "application/json", ".cyjs", "etiograph.export.cytoscape:write", _PG, "Cytoscape.js")
)
register(ExportFormat("cx2", "application/json", ".cx2", "etiograph.export.cx2:write", _PG, "CX2 (Cytoscape, NDEx)"))
