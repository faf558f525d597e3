"""Turtle: the graph as one readable, byte-stable file (blank nodes nested, prefixes from the vocabulary).

Written by hand rather than by rdflib or pyoxigraph: rdflib orders subjects by reference count and
invents ``ns1:`` prefixes, pyoxigraph labels every blank node; neither nests evidence under its claim.
:class:`TurtleWriter` is shared with the TriG writer, which is Turtle plus graph blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from ..vocab import PREFIXES, XSD
from . import canonical, layout
from .layout import INDENT, ONE_LINE, RDF_TYPE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .canonical import Subject, Term, Triple
    from .layout import Props

# PN_LOCAL, restricted to ASCII and without escapes: anything else is written as a full <IRI>.
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?\Z")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_BARE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
}
_NAMESPACES_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_NOTHING_INSIDE: frozenset = frozenset()  # a block's own subject is written by name, never nested


def write(paths: Sequence[Path]) -> bytes:
    """The Turtle export of the files ``paths`` (the ``turtle`` entry of :mod:`etiograph.formats`)."""
    return serialize(canonical.read(paths, labels=False))


def serialize(triples: list[Triple]) -> bytes:
    """Turtle for canonical triples: a comment header, the prefixes used, one block per subject."""
    props = layout.index(triples)
    inside = layout.nested([props])
    writer = TurtleWriter()
    body = "\n\n".join(writer.block(s, props, inside) for s in layout.top_subjects(props, inside))
    header = (
        f"# etiograph knowledge graph: {len(triples)} triples, written by etiograph.export.\n"
        "# Generated file: edit the Turtle sources (ontology/, graph/) and export again.\n\n"
    )
    return (header + writer.prologue() + "\n" + body + "\n").encode("utf-8")


@cache  # the same IRIs recur thousands of times in one export
def compact_iri(iri: str) -> tuple[str | None, str]:
    """(prefix used, Turtle text) for ``iri``: a prefixed name if one fits, else ``<…>`` with escapes."""
    if not layout.OTHER_NAMESPACES:  # every namespace ends in / or #: the only candidate is found by lookup
        # A local name holds no / or #, so the namespace is the IRI up to its last one (any shorter
        # namespace would leave a / or # in the local name).
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        found = layout.SEPARATED.get(iri[:cut])
        if found is not None and _PN_LOCAL.match(iri, cut):
            return found[0], f"{found[0]}:{iri[cut:]}"
    else:
        for prefix, namespace in _NAMESPACES_LONGEST_FIRST:
            if iri.startswith(namespace) and _PN_LOCAL.match(iri, len(namespace)):
                return prefix, f"{prefix}:{iri[len(namespace) :]}"
    if _IRI_SPECIAL.search(iri) is None:  # any IRI pyoxigraph accepted: a search is 3x quicker than a sub
        return None, "<" + iri + ">"
    return None, "<" + _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m[0]):04X}", iri) + ">"


@cache  # quotes, offsets and certainty ranks recur; each literal is rendered once
def _literal(literal: ox.Literal) -> tuple[str | None, str]:
    """(prefix used, Turtle text) for a literal."""
    if literal.language:
        return None, f"{turtle_string(literal.value)}@{literal.language}"
    datatype = literal.datatype.value
    if datatype == XSD + "string":
        return None, turtle_string(literal.value)
    bare = _BARE_NUMBER.get(datatype)
    if (bare and bare.match(literal.value)) or (datatype == XSD + "boolean" and literal.value in ("true", "false")):
        return None, literal.value
    prefix, iri = compact_iri(datatype)
    return prefix, f"{turtle_string(literal.value)}^^{iri}"


def turtle_string(text: str) -> str:
    r"""A Turtle/N-Triples string literal: quotes, backslashes and control characters escaped.

    >>> print(turtle_string('say "hi"\n'))
    "say \"hi\"\n"
    """
    if '"' not in text and "\\" not in text and text.isprintable():  # most text: nothing to escape, one C scan
        return '"' + text + '"'
    return '"' + _STRING_SPECIAL.sub(lambda m: _STRING_ESCAPES.get(m[0], f"\\u{ord(m[0]):04X}"), text) + '"'


class TurtleWriter:
    """Writes terms and subject blocks in Turtle syntax and remembers which prefixes it used."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        """A prefixed name when a PREFIXES namespace holds the IRI and the rest is a plain local name.

        >>> writer = TurtleWriter()
        >>> writer.iri("https://w3id.org/etiograph/kg/claim/fever--causes--chills")
        'claim:fever--causes--chills'
        >>> print(writer.iri("https://example.org/a b"))
        <https://example.org/a\\u0020b>
        """
        prefix, text = compact_iri(iri)
        if prefix:
            self.used.add(prefix)
        return text

    def literal(self, literal: ox.Literal) -> str:
        """Numbers and booleans bare when their lexical form allows it; everything else quoted."""
        prefix, text = _literal(literal)
        if prefix:
            self.used.add(prefix)
        return text

    def term(self, term: Term, props: Props, inside: set[ox.BlankNode], depth: int) -> str:
        kind = type(term)
        if kind is ox.NamedNode or kind is ox.Literal:  # the hot path: written once per object
            prefix, text = compact_iri(term.value) if kind is ox.NamedNode else _literal(term)  # type: ignore[arg-type]
            if prefix:
                self.used.add(prefix)
            return text
        if term not in inside:
            return f"_:{term.value}"
        items = layout.list_items(term, props, inside)
        if items is not None:
            return "(" + "".join(" " + self.term(item, props, inside, depth + 1) for item in items) + " )"
        lines = self.predicate_lines(term, props, inside, depth + 1)
        if not lines:
            return "[]"
        one_line = "[ " + " ; ".join(lines) + " ]"
        if "\n" not in one_line and len(one_line) + len(INDENT) * depth <= ONE_LINE:
            return one_line
        inner = INDENT * (depth + 1)
        return "[\n" + inner + (" ;\n" + inner).join(lines) + "\n" + INDENT * depth + "]"

    def predicate_lines(self, subject: Subject, props: Props, inside: set[ox.BlankNode], depth: int) -> list[str]:
        """One ``predicate objects`` string per predicate; objects sorted by their own text."""
        lines = []
        pos = props.get(subject)
        if not pos:
            return lines
        term, used = self.term, self.used
        for predicate, objects in layout.predicate_items(pos):
            iri = predicate.value
            if iri == RDF_TYPE:
                verb = "a"
            else:
                prefix, verb = compact_iri(iri)
                if prefix:
                    used.add(prefix)
            if len(objects) == 1:  # most predicates: no sorting, no joining
                lines.append(f"{verb} {term(objects[0], props, inside, depth)}")
                continue
            texts = sorted([term(o, props, inside, depth) for o in objects])
            joined = ", ".join(texts)
            if "\n" not in joined and len(verb) + len(joined) + len(INDENT) * depth > ONE_LINE:
                joined = (",\n" + INDENT * (depth + 1)).join(texts)
            lines.append(f"{verb} {joined}")
        return lines

    def block(
        self, subject: Subject, props: Props, inside: set[ox.BlankNode], depth: int = 0, lines: list[str] | None = None
    ) -> str:
        """A subject and everything said about it (blank nodes nested), ending in `` .``; ``lines``: its
        :meth:`predicate_lines`, when the caller has them already."""
        head = self.term(subject, props, _NOTHING_INSIDE, depth)
        if lines is None:
            lines = self.predicate_lines(subject, props, inside, depth + 1)
        return INDENT * depth + head + " " + (" ;\n" + INDENT * (depth + 1)).join(lines) + " ."

    def prologue(self) -> str:
        """The ``@prefix`` lines of the prefixes used so far, in the vocabulary's order."""
        return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items() if p in self.used)
