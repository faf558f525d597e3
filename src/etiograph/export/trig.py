"""TriG: each claim as a nanopublication (four named graphs), the rest of the graph in the default graph.

The quads come from :mod:`etiograph.export.nanopub`; this module only writes them, with the Turtle
writer's layout inside each graph block. :func:`split` writes one document per nanopublication,
which is what nanopub tools sign and publish one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from . import canonical, layout, nanopub
from .turtle import TurtleWriter

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .canonical import Subject, Triple
    from .layout import Props

#: First line of every ``--split`` file: how a later export recognises the files it may replace.
SPLIT_MARK = "# etiograph nanopublication"


def write(paths: Sequence[Path], creator: str | None = None) -> bytes:
    """The TriG export of the files ``paths`` (the ``trig`` entry of :mod:`etiograph.formats`)."""
    return serialize(canonical.read(paths, labels=False), creator)


#: Fewer nanopublications than this are laid out by one process: a second one would cost more than it saves.
PARALLEL_FROM = 64


def serialize(triples: list[Triple], creator: str | None = None, *, parallel: bool = True) -> bytes:
    """One TriG document: the default graph, then each nanopublication's head, assertion, provenance, pubinfo.

    Laying out the nanopublications is most of the work; with ``parallel`` (and two cores), a forked
    child lays out the first half while this process writes the default graph and the second half
    (:func:`etiograph.parallel.in_two`): the same bytes either way.
    """
    default, publications = nanopub.publish_graphs(triples, creator)
    # Skolemisation leaves the nanopublications without blank nodes as a rule: only graphs that still
    # have some take part in deciding which blank nodes nest.
    with_blanks = [publication.indexed[k][1] for publication in publications for k in publication.with_blank_nodes]
    inside = layout.nested([default, *with_blanks])
    writer = TurtleWriter()

    def sections(chunk: list[nanopub.Nanopublication], writer: TurtleWriter) -> str:
        shared = SharedLines()
        return "\n\n".join(
            f"# Nanopublication of {writer.iri(publication.claim.value)}\n"
            + _graph_blocks(writer, publication, inside, shared)
            for publication in chunk
        )

    def default_and_sections(chunk: list[nanopub.Nanopublication]) -> list[str]:
        blocks = "\n\n".join(writer.block(s, default, inside) for s in layout.top_subjects(default, inside))
        return [blocks, sections(chunk, writer)]

    if parallel and len(publications) >= PARALLEL_FROM:
        from ..parallel import in_two

        half = len(publications) // 2

        def first_half() -> bytes:  # in the child: its text, and the prefixes it used, on the first line
            own = TurtleWriter()
            text = sections(publications[:half], own)
            return (" ".join(sorted(own.used)) + "\n" + text).encode("utf-8")

        data, (blocks, second) = in_two(first_half, lambda: default_and_sections(publications[half:]))
        used, _, first = data.decode("utf-8").partition("\n")
        writer.used.update(used.split())
        texts = [blocks, first, second]
    else:
        texts = default_and_sections(publications)
    header = (
        f"# etiograph knowledge graph as TriG: {len(publications)} claims as nanopublications\n"
        "# (http://www.nanopub.org/nschema#: head, assertion, provenance, publication info), everything else\n"
        "# in the default graph. Generated file: edit the Turtle sources (ontology/, graph/) and export again.\n\n"
    )
    body = "\n\n".join(text for text in texts if text)
    return (header + writer.prologue() + "\n" + body + "\n").encode("utf-8")


def split(triples: list[Triple], creator: str | None = None) -> dict[str, bytes]:
    """One TriG document per nanopublication, by file name (see :attr:`Nanopublication.file_name`)."""
    shared = SharedLines()
    return {name: document(publication, shared) for name, publication in named_publications(triples, creator)}


def named_publications(triples: list[Triple], creator: str | None = None) -> list[tuple[str, nanopub.Nanopublication]]:
    """Each nanopublication with the name of its ``--split`` file; two claim IRIs that differ only in
    unsafe characters get ``-2``, ``-3``… in claim order."""
    _, publications = nanopub.publish_graphs(triples, creator, default=False)
    named: list[tuple[str, nanopub.Nanopublication]] = []
    taken: set[str] = set()
    for publication in publications:
        name, number = publication.file_name, 1
        while name in taken:
            number += 1
            name = f"{publication.file_name[: -len('.trig')]}-{number}.trig"
        taken.add(name)
        named.append((name, publication))
    return named


def document(publication: nanopub.Nanopublication, shared: SharedLines | None = None) -> bytes:
    """One nanopublication as a TriG document of its own (``shared``: lines laid out for an earlier one)."""
    inside = layout.nested([publication.indexed[k][1] for k in publication.with_blank_nodes])
    writer = TurtleWriter()
    body = _graph_blocks(writer, publication, inside, shared or SharedLines())
    header = (
        f"{SPLIT_MARK} of <{publication.claim.value}>, written by etiograph export --split.\n"
        "# Generated file: edit the Turtle sources (ontology/, graph/) and export again.\n\n"
    )
    return (header + writer.prologue() + "\n" + body + "\n").encode("utf-8")


def _graph_blocks(
    writer: TurtleWriter,
    publication: nanopub.Nanopublication,
    inside: set[ox.BlankNode],
    shared: SharedLines,
) -> str:
    blocks = []
    for kind, (name, graph) in zip(nanopub.GRAPH_NAMES, publication.indexed):
        if kind == "pubinfo" and len(graph) == 1:
            ((subject, pos),) = graph.items()
            body = writer.block(subject, graph, inside, depth=1, lines=shared.lines(writer, pos, graph, subject, inside))
        else:
            body = "\n".join(writer.block(s, graph, inside, depth=1) for s in layout.top_subjects(graph, inside))
        blocks.append(f"{writer.iri(name.value)} {{\n{body}\n}}")
    return "\n".join(blocks)


class SharedLines:
    """The publication info says the same of every nanopublication (creator, date, licence): its
    predicate lines are written once and reused, with the prefixes they use."""

    def __init__(self) -> None:
        self.said: list | None = None
        self.written: list[str] = []
        self.used: set[str] = set()

    def lines(self, writer: TurtleWriter, pos: dict, graph: Props, subject: Subject, inside: set) -> list[str]:
        said = list(pos.items())  # the same term objects each time: compared by identity first
        if said != self.said:
            fresh = TurtleWriter()
            self.written = fresh.predicate_lines(subject, graph, inside, 2)
            self.said, self.used = said, fresh.used
        writer.used |= self.used
        return self.written
