"""The data every RDF export starts from: the source files' triples, blank nodes named by RDFC-1.0.

The files are parsed with pyoxigraph, which is also what canonicalises them, so the terms need no
conversion and rdflib is never imported (it cost an export most of its cold start). Blank nodes
are renamed apart per file, as a merge of separate documents requires, then relabelled ``c14n0``,
``c14n1``, … by W3C RDFC-1.0: the labels depend only on the graph's content, never on file order,
parse order or hash seed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from ..diagnostics import turtle_syntax_error as syntax_error
from ..errors import DataError
from ..vocab import RDF

_RDF_TYPE = RDF + "type"

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    Term = ox.NamedNode | ox.BlankNode | ox.Literal
    Subject = ox.NamedNode | ox.BlankNode
    Triple = tuple[Subject, ox.NamedNode, Term]


def read(paths: Sequence[Path], *, labels: bool = True) -> list[Triple]:
    """The triples of the Turtle files ``paths``, canonical blank-node labels, in no particular order.

    ``labels=False`` is for the writers that nest each blank node referenced once (Turtle, TriG,
    JSON-LD): when *every* blank node is referenced exactly once, never as a class, and hangs from an
    IRI (no cycle), they print no label and order nothing by one, so the parser's labels are kept and
    RDFC-1.0 (a third of reading) is skipped; any other graph is canonicalised as usual.
    A file that is not valid Turtle raises :class:`~etiograph.errors.DataError` naming it and the line.

    >>> from etiograph.datafiles import graph_sources
    >>> triples = read(graph_sources())
    >>> all(t[0].value.startswith("c14n") for t in triples if type(t[0]).__name__ == "BlankNode")
    True
    """
    # RDFC-1.0 labels depend only on the quads that mention a blank node, so only those go through the
    # (comparatively slow) Dataset; the others are kept as they are, deduplicated by a set.
    plain: set[Triple] = set()
    with_blanks: list[ox.Quad] = []
    for path in paths:
        try:
            for quad in ox.parse(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,  # `_:a` in two files is two nodes
            ):
                subject, obj = quad.subject, quad.object
                if type(subject) is ox.BlankNode or type(obj) is ox.BlankNode:
                    with_blanks.append(quad)
                else:
                    plain.add((subject, quad.predicate, obj))
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DataError(path, f"cannot read: {error}") from None
    if not labels:
        unique = set(with_blanks)  # a triple stated twice (in two files) is one triple
        if all_nested(unique):
            return [*plain, *((quad.subject, quad.predicate, quad.object) for quad in unique)]
    dataset = ox.Dataset(with_blanks)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [*plain, *((quad.subject, quad.predicate, quad.object) for quad in dataset)]


def all_nested(quads: set[ox.Quad]) -> bool:
    """Whether every blank node of ``quads`` (those that mention one) is the object of exactly one
    triple, not an rdf:type one, and hangs from an IRI through such triples: no label can show."""
    blank = ox.BlankNode
    parent: dict[ox.BlankNode, Subject] = {}
    subjects: set[ox.BlankNode] = set()
    for quad in quads:
        subject, obj = quad.subject, quad.object
        if type(subject) is blank:
            subjects.add(subject)
        if type(obj) is blank:
            if obj in parent or quad.predicate.value == _RDF_TYPE:
                return False
            parent[obj] = subject
    if not subjects <= parent.keys():  # a blank subject nothing points to is written with its label
        return False
    return rooted(parent, parent)  # then the nodes with a parent are the blank nodes: a cycle needs a label


def rooted(nested: Collection[Subject], parent: Mapping[Subject, Subject]) -> bool:
    """Whether every node of ``nested`` hangs from a node that is not, following each node's one
    ``parent`` (through nested nodes): False when a cycle of nested nodes has no way out."""
    done: set[Subject] = set()
    for node in nested:
        path: list[Subject] = []
        while node in nested and node not in done:
            if node in path:
                return False
            path.append(node)
            node = parent[node]
        done.update(path)
    return True
