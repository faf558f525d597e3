"""Layout shared by the Turtle, TriG and JSON-LD writers: which subjects stand alone, which blank nodes nest.

Each blank node referenced once is written inside its parent (``[ … ]`` in Turtle, a nested object
in JSON-LD), ordered by its own content, so the files carry no blank-node labels and a new claim
does not renumber the rest of the file. Subjects and predicates are ordered by vocabulary (the
order of :data:`etiograph.vocab.PREFIXES`) and then by IRI, never by hash or parse order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from operator import itemgetter

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from ..vocab import OWL, PREFIXES, RDF, RDFS, SKOS
from .canonical import rooted

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .canonical import Subject, Term, Triple

    #: One graph: subject → predicate → objects.
    Props = dict[Subject, dict[ox.NamedNode, list[Term]]]

RDF_TYPE = RDF + "type"
INDENT = "    "
ONE_LINE = 100  # longest inline blank node or object list kept on one line, for readability


def index(triples: Iterable[Triple]) -> Props:
    """Subject → predicate → objects, in the triples' order."""
    props: Props = {}
    get = props.get
    for s, p, o in triples:  # no setdefault: it would build a throw-away dict and list per triple
        pos = get(s)
        if pos is None:
            props[s] = {p: [o]}
            continue
        objects = pos.get(p)
        if objects is None:
            pos[p] = [o]
        else:
            objects.append(o)
    return props


def nested(graphs: Sequence[Props]) -> set[ox.BlankNode]:
    """Blank nodes written inside their parent (``[ … ]``): referenced exactly once, in one graph only.

    A blank node used as a class (object of rdf:type) keeps its label, as JSON-LD cannot nest one
    there; a cycle of once-referenced blank nodes is broken by giving its first member a label.
    """
    refs: Counter[ox.BlankNode] = Counter()
    homes: defaultdict[ox.BlankNode, set[int]] = defaultdict(set)
    parent: dict[ox.BlankNode, Subject] = {}  # for a node referenced once: the subject referencing it
    for number, props in enumerate(graphs):
        for s, pos in props.items():
            if isinstance(s, ox.BlankNode):
                homes[s].add(number)
            for p, objects in pos.items():
                for o in objects:
                    if isinstance(o, ox.BlankNode):
                        refs[o] += 2 if p.value == RDF_TYPE else 1
                        homes[o].add(number)
                        parent[o] = s
    inside = {node for node, count in refs.items() if count == 1 and len(homes[node]) == 1}
    if not inside or rooted(inside, parent):  # as a rule: nothing can be stranded
        return inside
    for props in graphs:
        reached = _reach(props, [s for s in props if s not in inside], inside)
        while stranded := sorted((s for s in props if s in inside and s not in reached), key=lambda b: b.value):
            inside.discard(stranded[0])
            reached |= _reach(props, stranded[:1], inside)
    return inside


def _reach(props: Props, starts: Iterable[Subject], inside: set[ox.BlankNode]) -> set[ox.BlankNode]:
    """The nested blank nodes hanging, directly or not, from ``starts``."""
    reached: set[ox.BlankNode] = set()
    todo = list(starts)
    while todo:
        for objects in props.get(todo.pop(), {}).values():
            for o in objects:
                if o in inside and o not in reached:
                    reached.add(o)
                    todo.append(o)
    return reached


def _split_namespaces() -> tuple[dict[str, tuple[str, int]], list[tuple[int, str, str]]]:
    """Namespaces ending in ``/`` or ``#`` (all of PREFIXES today) → (prefix, position of its first entry),
    and the others. Such a namespace holding an IRI is the IRI cut just after one of its own separators,
    so it is found by one dictionary lookup per separator instead of a scan of every namespace (a few
    thousand distinct IRIs per export); any other namespace is scanned, as before."""
    separated: dict[str, tuple[str, int]] = {}
    other: list[tuple[int, str, str]] = []
    for position, (prefix, namespace) in enumerate(PREFIXES.items()):
        if namespace.endswith(("/", "#")):
            separated.setdefault(namespace, (prefix, position))
        else:
            other.append((position, prefix, namespace))
    return separated, other


SEPARATED, OTHER_NAMESPACES = _split_namespaces()


def _by_head() -> tuple[int, dict[str, list[str]]]:
    """The ``/``- or ``#``-ending namespaces grouped by their first ``n`` characters (``n``: the shortest one's
    length), each group longest first: the longest namespace holding an IRI is the first of its group that does."""
    head = min(map(len, SEPARATED), default=0)
    groups: dict[str, list[str]] = {}
    for namespace in sorted(SEPARATED, key=len, reverse=True):
        groups.setdefault(namespace[:head], []).append(namespace)
    return head, groups


_HEAD, _BY_HEAD = _by_head()


def longest_separated(iri: str) -> tuple[str, str, int] | None:
    """(namespace, prefix, position) of the longest ``/``- or ``#``-ending namespace holding ``iri``, or None.

    >>> longest_separated("https://w3id.org/etiograph/kg/claim/x")[:2]
    ('https://w3id.org/etiograph/kg/claim/', 'claim')
    >>> longest_separated("urn:nothing") is None
    True
    """
    for namespace in _BY_HEAD.get(iri[:_HEAD], ()):
        if iri.startswith(namespace):
            return namespace, *SEPARATED[namespace]
    return None


@cache  # a few hundred distinct IRIs, asked about tens of thousands of times
def namespace_rank(iri: str) -> int:
    """Position in PREFIXES of the longest namespace holding ``iri``, so output groups by vocabulary.

    >>> namespace_rank("https://w3id.org/etiograph/kg/claim/x") > namespace_rank("https://w3id.org/etiograph/kg/x")
    True
    >>> namespace_rank("urn:nothing") == len(PREFIXES)
    True
    """
    best, rank = "", len(PREFIXES)
    longest = longest_separated(iri)
    if longest is not None:
        best, _, rank = longest
    for position, _, namespace in OTHER_NAMESPACES:
        if iri.startswith(namespace) and (len(namespace) > len(best) or (len(namespace) == len(best) and position < rank)):
            best, rank = namespace, position
    return rank


_ONTOLOGY = ox.NamedNode(OWL + "Ontology")
_RDF_TYPE = ox.NamedNode(RDF_TYPE)


def top_subjects(props: Props, inside: set[ox.BlankNode]) -> list[Subject]:
    """Subjects written as their own block: ontology headers first, then IRIs by vocabulary and IRI."""
    if len(props) == 1:  # most nanopublication graphs: nothing to order
        return [s for s in props if s not in inside]
    blank = ox.BlankNode
    keyed: list[tuple[tuple[bool, bool, int, str], Subject]] = []
    for subject, pos in props.items():
        if type(subject) is blank:
            if subject not in inside:
                keyed.append(((True, True, 0, subject.value), subject))
            continue
        value = subject.value
        types = pos.get(_RDF_TYPE)
        keyed.append(((not types or _ONTOLOGY not in types, False, namespace_rank(value), value), subject))
    keyed.sort(key=itemgetter(0))  # the keys differ (an IRI or a label in each): subjects are never compared
    return [subject for _, subject in keyed]


# What a thing is, its name, and a claim's subject-predicate-object read first; then by vocabulary.
_FIRST_PREDICATES = {
    iri: position
    for position, iri in enumerate(
        (RDF_TYPE, RDFS + "label", SKOS + "prefLabel", RDF + "subject", RDF + "predicate", RDF + "object")
    )
}


def predicates(pos: dict[ox.NamedNode, list[Term]]) -> list[ox.NamedNode]:
    """A subject's predicates in reading order: type, labels, statement parts, then by vocabulary and IRI."""
    if len(pos) < 2:
        return list(pos)
    return sorted(pos, key=predicate_key)


def predicate_items(pos: dict[ox.NamedNode, list[Term]]) -> list[tuple[ox.NamedNode, list[Term]]]:
    """(predicate, objects) in the order of :func:`predicates`."""
    if len(pos) < 2:
        return list(pos.items())
    return sorted(pos.items(), key=_item_key)


def _item_key(item: tuple[ox.NamedNode, list[Term]]) -> tuple[int, int, str]:
    return _predicate_order(item[0].value)


def predicate_key(predicate: ox.NamedNode) -> tuple[int, int, str]:
    """Sort key putting predicates in reading order (see :func:`predicates`)."""
    return _predicate_order(predicate.value)


@cache  # a graph has a few dozen predicates, sorted thousands of times
def _predicate_order(iri: str) -> tuple[int, int, str]:
    return (_FIRST_PREDICATES.get(iri, len(_FIRST_PREDICATES)), namespace_rank(iri), iri)


_FIRST, _REST, _NIL = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))


def list_items(node: Term, props: Props, inside: set[ox.BlankNode]) -> list[Term] | None:
    """The members of a well-formed RDF list starting at ``node`` (written ``( … )``), or None if it is not one."""
    items: list[Term] = []
    while True:
        pos = props.get(node) if node in inside else None
        if not pos or len(pos) != 2:  # a list node says rdf:first and rdf:rest, nothing else
            return None
        first, rest = pos.get(_FIRST), pos.get(_REST)
        if first is None or rest is None or len(first) != 1 or len(rest) != 1:
            return None
        items.append(first[0])
        node = rest[0]
        if node == _NIL:
            return items
