"""Nanopublications (http://www.nanopub.org/nschema#) of the claims, as quads: no syntax here.

Each claim becomes one nanopublication, ready for nanopub tools to sign and publish:

- **assertion**: the claim's direct triple;
- **provenance**: the claim node (quotes, certainty, mechanism, section, derivation) and
  ``prov:wasDerivedFrom`` from the assertion to the claim's sources;
- **publication info**: ``dcterms:creator`` (an IRI: ``--creator``, else the data's own creator IRI,
  else :data:`PROJECT_IRI`), ``dcterms:created`` (an ``xsd:dateTime`` taken from the data's
  ``dcterms:created``, never from the clock, so exports stay byte-stable) and the licence.

Signing a nanopublication rewrites every blank node into an IRI of its own namespace, so the evidence
(a tree of blank nodes in the sources) is skolemised first: each blank node gets an IRI under the
node that points to it, named by predicate and a hash of its content, e.g.
``…/claim/fever--causes--chills/evidence/3f09c1d2e4ab``. The names depend only on that node's content
and its place, so adding a claim renames nothing else, and they lie outside the nanopublication's
own namespace (``…/np/``), so signing leaves them alone.

Everything that is not a claim stays in the default graph: the union of the graphs, with the skolem
IRIs read as blank nodes again, is the source graph plus the nanopublication bookkeeping (plus the
direct triple of a claim that the source states only as a claim node, which the shapes forbid).
:mod:`etiograph.export.trig` writes the syntax.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from ..records import record
from ..vocab import CLAIM, DCTERMS, ETIO, NP, OWL, PROV, RDF, RDFS, VOID, XSD
from . import layout
from .layout import RDF_TYPE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from .canonical import Subject, Term, Triple
    from .layout import Props

#: Classes whose instances become nanopublications; subclasses declared in the data count too.
CLAIM_CLASSES = tuple(ETIO + name for name in ("Claim", "CausalClaim", "CounteractingClaim", "AssociationClaim"))

#: Who publishes when neither ``--creator`` nor the data names an IRI: the project itself.
PROJECT_IRI = "https://w3id.org/etiograph"

#: The four graphs of a nanopublication, in the order they are written.
GRAPH_NAMES = ("head", "assertion", "provenance", "pubinfo")

_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\Z")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_HASH_LENGTH = 12  # hex digits: 48 bits, far from a collision among one claim's evidence


@record(frozen=True)
class Nanopublication:
    """One claim's nanopublication: its IRI and its four named graphs, head first, each as its name and
    its triples indexed by subject (subject → predicate → objects, as the writers read them).

    A record (:mod:`etiograph.records`): a dataclass would import ``dataclasses``, and a NamedTuple
    compiles each of its (string) annotations at import.
    """

    claim: ox.NamedNode
    iri: ox.NamedNode
    indexed: tuple[tuple[ox.NamedNode, Props], ...]
    #: Positions (in ``indexed``) of the graphs that still hold a blank node: skolemisation leaves none as a
    #: rule, so the writers look for nesting only there.
    with_blank_nodes: tuple[int, ...] = ()

    @property
    def graphs(self) -> list[tuple[ox.NamedNode, list[Triple]]]:
        """The four graphs as (name, triples), head first."""
        return [
            (name, [(s, p, o) for s, pos in props.items() for p, objects in pos.items() for o in objects])
            for name, props in self.indexed
        ]

    @property
    def file_name(self) -> str:
        """A file name for ``--split``: the claim's local name, made safe (``fever--causes--chills.trig``)."""
        local = self.claim.value[len(CLAIM) :] if self.claim.value.startswith(CLAIM) else self.claim.value
        return (_UNSAFE.sub("_", local).strip("._") or "claim") + ".trig"


def publish(triples: list[Triple], creator: str | None = None) -> tuple[list[Triple], list[Nanopublication]]:
    """The default graph's triples and one :class:`Nanopublication` per well-formed claim, by claim IRI.

    Blank nodes that end up inside a nanopublication are skolemised everywhere they occur.
    ``creator`` (an IRI, e.g. an ORCID) overrides the creator the data gives.
    """
    default, publications = publish_graphs(triples, creator)
    return [(s, p, o) for s, pos in default.items() for p, objects in pos.items() for o in objects], publications


def publish_graphs(
    triples: list[Triple], creator: str | None = None, *, default: bool = True
) -> tuple[Props, list[Nanopublication]]:
    """:func:`publish` with the default graph indexed (subject → predicate → objects), as the TriG writer
    reads it; ``default=False`` leaves it empty (``--split`` writes only the nanopublications)."""
    props = layout.index(triples)
    sub_class_of = ox.NamedNode(RDFS + "subClassOf")
    classes = claim_classes((s, sub_class_of, o) for s, pos in props.items() for o in pos.get(sub_class_of, ()))
    type_ = ox.NamedNode(RDF_TYPE)
    subject_, predicate_, object_ = (ox.NamedNode(RDF + name) for name in ("subject", "predicate", "object"))
    derived_from = ox.NamedNode(PROV + "wasDerivedFrom")
    np_type, has_assertion, has_provenance, has_info = (
        ox.NamedNode(NP + name) for name in ("Nanopublication", "hasAssertion", "hasProvenance", "hasPublicationInfo")
    )
    claims = sorted(
        (
            s
            for s, pos in props.items()
            if isinstance(s, ox.NamedNode) and any(o.value in classes for o in pos.get(type_, []))
        ),
        key=lambda s: s.value,
    )
    pubinfo = publication_info(props, creator)
    publications: list[Nanopublication] = []
    # What went into the nanopublications, kept so that each triple is found in O(1) without hashing it whole:
    # every triple about a ``closed`` node is in some provenance graph; the claims' direct triples are ``stated``.
    closed: set[Subject] = set()
    stated: set[Triple] = set()
    stated_subjects: set[Subject] = set()
    skolem = _Skolem(props)
    info: dict[ox.NamedNode, list[Term]] = {}  # one dictionary for every nanopublication: nobody changes it
    for p, o in pubinfo:
        info.setdefault(p, []).append(o)
    blank = ox.BlankNode
    blank_info = any(type(o) is blank for _, o in pubinfo)
    for claim in claims:
        pos = props[claim]
        statement = [
            (s, p, o)
            for s in pos.get(subject_, [])
            for p in pos.get(predicate_, [])
            for o in pos.get(object_, [])
            if not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
        ]
        if not statement:  # not a well-formed claim: it stays, as data, in the default graph
            continue
        base = claim.value + "/np"
        np_, head, assertion, provenance, pubinfo_name = (
            ox.NamedNode(base + part) for part in ("", "/head", "/assertion", "/provenance", "/pubinfo")
        )
        description, children = _described(claim, props, closed, stated, stated_subjects)
        # Each claim's blank nodes are named when it is published: a name depends only on earlier claims.
        skolem.name(claim, children)
        description, blank_description = skolem.rename(description, children)
        statement = skolem.rename_triples(statement)
        # The provenance graph must say something about the assertion: where it comes from.
        description[assertion] = {derived_from: list(pos.get(derived_from) or [claim])}
        stated.update(statement)
        stated_subjects.update(t[0] for t in statement)
        head_graph = {
            np_: {type_: [np_type], has_assertion: [assertion], has_provenance: [provenance], has_info: [pubinfo_name]}
        }
        # The head is made of the nanopublication's own IRIs: nothing to rename.
        graphs = (
            (head, head_graph),
            (assertion, layout.index(statement)),
            (provenance, description),
            (pubinfo_name, {np_: info}),
        )
        blank_statement = any(type(s) is blank or type(o) is blank for s, _, o in statement)
        with_blanks = (1,) * blank_statement + (2,) * blank_description + (3,) * blank_info
        publications.append(Nanopublication(claim, np_, graphs, with_blanks))
    if not default:
        return {}, publications
    return _rest(props, closed, stated, stated_subjects, skolem.names), publications


def _described(
    claim: Subject, props: Props, closed: set, stated: set[Triple], stated_subjects: set
) -> tuple[Props, dict[Subject, list[tuple[ox.NamedNode, ox.BlankNode]]]]:
    """The triples about the claim node and, recursively, the blank nodes it points to (its provenance),
    less the direct triples earlier claims ``stated``; and, by subject, the (predicate, blank node) pairs
    among them. Nodes in ``closed`` (taken by an earlier claim) are left out, with what hangs from them;
    the nodes visited are added to it. Subjects' dictionaries are shared with ``props`` (nobody changes them).
    """
    description: Props = {}
    children: dict[Subject, list[tuple[ox.NamedNode, ox.BlankNode]]] = {}
    if claim in closed:
        return description, children
    closed.add(claim)
    blank = ox.BlankNode
    todo = [claim]
    for node in todo:  # grows while it is read
        pos = props.get(node)
        if not pos:
            continue
        pairs = []
        for p, objects in pos.items():
            for o in objects:
                if type(o) is blank:
                    pairs.append((p, o))
                    if o not in closed:
                        closed.add(o)
                        todo.append(o)
        if node in stated_subjects:
            pos = _unstated(node, pos, stated)
            if not pos:
                continue
            pairs = [(p, o) for p, o in pairs if (node, p, o) not in stated]
        description[node] = pos
        if pairs:
            children[node] = pairs
    return description, children


def _rest(props: Props, closed: set, stated: set[Triple], stated_subjects: set, skolem: dict) -> Props:
    """What stays in the default graph: the subjects no nanopublication took, less the claims' direct
    triples, skolemised objects renamed; a subject's dictionary is shared with ``props`` when unchanged."""
    blank = ox.BlankNode
    rest: Props = {}
    for subject, pos in props.items():
        if subject in closed:
            continue
        if subject in stated_subjects:
            pos = _unstated(subject, pos, stated)
            if not pos:
                continue
        # A skolemised node was taken whole into a provenance graph (it is closed), so it is never a
        # subject here, only, where the data shares it, an object.
        if skolem and any(type(o) is blank and o in skolem for objects in pos.values() for o in objects):
            pos = {p: [skolem.get(o, o) if type(o) is blank else o for o in objects] for p, objects in pos.items()}
        rest[subject] = pos
    return rest


def _unstated(subject: Subject, pos: dict, stated: set[Triple]) -> dict:
    """``subject``'s predicates and objects less the triples a claim ``stated`` (a nanopublication's
    assertion holds those), predicates left with no object dropped."""
    return {p: kept for p, objects in pos.items() if (kept := [o for o in objects if (subject, p, o) not in stated])}


class _Skolem:
    """Skolem IRIs for the blank nodes of the provenance graphs, claim by claim:
    ``{parent}/{predicate local name}/{hash}``.

    The hash covers the node's content in ``props`` (its triples, nested blank nodes included) and
    nothing else; siblings with the same content get ``-2``, ``-3``… in the order of their canonical labels.
    """

    def __init__(self, props: Props) -> None:
        self.names: dict[ox.BlankNode, ox.NamedNode] = {}
        self.taken: set[str] = set()
        self.contents = _Contents(props)

    def name(self, owner: Subject, children: dict[Subject, list[tuple[ox.NamedNode, ox.BlankNode]]]) -> None:
        """Names the blank nodes hanging from ``owner`` through ``children`` (parent → (predicate, node)
        pairs), parents breadth first, siblings by predicate and content; nodes named before keep their name."""
        names, taken, contents = self.names, self.taken, self.contents
        todo = [owner] if children else []
        for parent in todo:  # grows while it is read
            pairs = [(p, o) for p, o in children.get(parent, ()) if o not in names]
            if not pairs:
                continue
            parent_iri = parent.value if type(parent) is ox.NamedNode else names[parent].value
            if len(pairs) > 1:
                pairs.sort(key=lambda pair: (layout.predicate_key(pair[0]), contents.hash(pair[1]), pair[1].value))
            for predicate, child in pairs:
                if child in names:  # the same node twice under one parent
                    continue
                iri = f"{parent_iri}/{_segment(predicate.value)}/{contents.hash(child)}"
                number, candidate = 1, iri
                while candidate in taken:
                    number += 1
                    candidate = f"{iri}-{number}"
                taken.add(candidate)
                names[child] = ox.NamedNode(candidate)
                todo.append(child)

    def rename(
        self, graph: Props, children: dict[Subject, list[tuple[ox.NamedNode, ox.BlankNode]]]
    ) -> tuple[Props, bool]:
        """``graph`` with its named blank nodes replaced by their IRIs, and whether a blank node is left;
        ``children``: the subjects whose objects hold blank nodes, and which (only those lists are rebuilt)."""
        names, blank = self.names, ox.BlankNode
        renamed: Props = {}
        left = False
        for subject, pos in graph.items():
            pairs = children.get(subject)
            if pairs:
                pos = dict(pos)
                for p in {p for p, _ in pairs}:
                    pos[p] = [names.get(o, o) if type(o) is blank else o for o in pos[p]]
                left = left or any(o not in names for _, o in pairs)
            if type(subject) is blank:
                left = left or subject not in names
                subject = names.get(subject, subject)
                if subject in renamed:  # a skolem IRI the data also uses as a subject: one node, as in RDF
                    earlier = renamed[subject]
                    pos = {**earlier, **{p: [*earlier.get(p, ()), *objects] for p, objects in pos.items()}}
            renamed[subject] = pos
        return renamed, left

    def rename_triples(self, triples: list[Triple]) -> list[Triple]:
        names, blank = self.names, ox.BlankNode
        return [
            (names.get(s, s), p, names.get(o, o)) if type(s) is blank or type(o) is blank else (s, p, o)  # type: ignore[misc]
            for s, p, o in triples
        ]


@cache
def _segment(predicate: str) -> str:
    """A path segment naming a predicate: its local name, made safe (``evidence``, ``hasSelector``)."""
    return _UNSAFE.sub("_", re.split(r"[#/]", predicate.rstrip("#/"))[-1]) or "node"


def content_hash(node: ox.BlankNode, props: Props) -> str:
    """The first hex digits of SHA-256 over the node's content, blank nodes inside it expanded in place."""
    return _Contents(props).hash(node)


class _Contents:
    """Each blank node's content as text (``<p> object ; …``, sorted, nested nodes in ``[ ]``), computed once."""

    def __init__(self, props: Props) -> None:
        self.props = props
        self.texts: dict[ox.BlankNode, str] = {}  # nodes whose text does not depend on where it is read from
        self.hashes: dict[ox.BlankNode, str] = {}
        self.active: set[Subject] = set()

    def hash(self, node: ox.BlankNode) -> str:
        if node not in self.hashes:
            from ..digest import sha256  # CPython's own SHA-256: the same digest, without OpenSSL's start-up

            digest = sha256(self.text(node)[0].encode("utf-8")).hexdigest()
            self.hashes[node] = digest[:_HASH_LENGTH]
        return self.hashes[node]

    def text(self, node: Subject) -> tuple[str, bool]:
        """The content text, and whether it reached back to a node being described (then it is not kept)."""
        if node in self.texts:
            return self.texts[node], False
        self.active.add(node)
        cyclic, parts = False, []
        for predicate, objects in self.props.get(node, {}).items():
            name = str(predicate)
            for o in objects:
                if type(o) is ox.BlankNode:
                    if o in self.active:  # a cycle back to a node being described: named by its canonical label
                        inner, cyclic = f"_:{o.value}", True
                    else:
                        text, inner_cyclic = self.text(o)
                        inner, cyclic = f"[{text}]", cyclic or inner_cyclic
                else:
                    inner = str(o)
                parts.append(f"{name} {inner}")
        self.active.discard(node)
        text = " ; ".join(sorted(parts))
        if not cyclic:
            self.texts[node] = text  # type: ignore[index]
        return text, cyclic


def claim_classes(triples: Iterable[Triple]) -> set[str]:
    """CLAIM_CLASSES and every class the data declares beneath them (rdfs:subClassOf, transitively)."""
    parents = defaultdict(set)
    for s, p, o in triples:
        if p.value == RDFS + "subClassOf":
            parents[o.value].add(s.value)
    found, todo = set(CLAIM_CLASSES), list(CLAIM_CLASSES)
    while todo:
        for child in parents[todo.pop()] - found:
            found.add(child)
            todo.append(child)
    return found


def publication_info(props: Props, creator: str | None = None) -> list[tuple[ox.NamedNode, Term]]:
    """Creator, creation time and licence for every nanopublication, taken from the data, never the clock.

    Each comes from the dataset description (void:Dataset) if it says, else from the ontology header.
    The creator is an IRI (``creator`` if given, else the first IRI the data names, else
    :data:`PROJECT_IRI`); the creation time is the latest ``dcterms:created`` as an ``xsd:dateTime``
    (a date becomes midnight UTC), or left out if the data gives none, rather than invented.
    """
    kinds = (VOID + "Dataset", OWL + "Ontology")
    rdf_type = ox.NamedNode(RDF_TYPE)
    described: dict[str, list[Subject]] = {kind: [] for kind in kinds}
    for subject, pos in props.items():
        for o in pos.get(rdf_type, []):
            if o.value in described:
                described[o.value].append(subject)

    def values(name: str) -> list[Term]:
        predicate = ox.NamedNode(DCTERMS + name)
        for kind in kinds:
            found = {o for s in described[kind] for o in props[s].get(predicate, [])}
            if found:
                return sorted(found, key=str)
        return []

    iris = [v.value for v in values("creator") if isinstance(v, ox.NamedNode)]
    info: list[tuple[ox.NamedNode, Term]] = [
        (ox.NamedNode(DCTERMS + "creator"), ox.NamedNode(creator or (iris[0] if iris else PROJECT_IRI)))
    ]
    times = [t for t in (date_time(v) for v in values("created")) if t is not None]
    if times:
        info.append((ox.NamedNode(DCTERMS + "created"), max(times, key=lambda t: t.value)))
    info += [(ox.NamedNode(DCTERMS + "license"), v) for v in values("license")]
    return info


def date_time(value: Term) -> ox.Literal | None:
    """``value`` as an ``xsd:dateTime`` literal: a dateTime as is, a date at midnight (UTC unless zoned).

    >>> import pyoxigraph as ox
    >>> date_time(ox.Literal("2026-11-25", datatype=ox.NamedNode(XSD + "date"))).value
    '2026-11-25T00:00:00Z'
    >>> date_time(ox.Literal("soon")) is None
    True
    """
    if not isinstance(value, ox.Literal):
        return None
    datatype = value.datatype.value if value.datatype else ""
    if datatype == XSD + "dateTime":
        return value
    match = _DATE.match(value.value) if datatype in (XSD + "date", XSD + "string") else None
    if match is None:
        return None
    day = value.value[: match.start(1)] if match.group(1) else value.value
    return ox.Literal(f"{day}T00:00:00{match.group(1) or 'Z'}", datatype=ox.NamedNode(XSD + "dateTime"))
