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
    """One claim's nanopublication: its IRI and its four named graphs (name, triples), head first.

    A record (:mod:`etiograph.records`): a dataclass would import ``dataclasses``, and a NamedTuple
    compiles each of its (string) annotations at import.
    """

    claim: ox.NamedNode
    iri: ox.NamedNode
    graphs: tuple[tuple[ox.NamedNode, list[Triple]], ...]

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
    drafts: list[tuple[ox.NamedNode, ox.NamedNode, list[tuple[ox.NamedNode, list[Triple]]]]] = []
    # What went into the nanopublications, kept so that each triple is found in O(1) without hashing it whole:
    # every triple about a ``closed`` node is in some provenance graph; the claims' direct triples are ``stated``.
    closed: set[Subject] = set()
    stated: set[Triple] = set()
    stated_subjects: set[Subject] = set()
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
        np_, head, assertion, provenance, info = (
            ox.NamedNode(base + part) for part in ("", "/head", "/assertion", "/provenance", "/pubinfo")
        )
        description = [
            t for t in closure(claim, props, closed) if t[0] not in stated_subjects or t not in stated
        ]
        # The provenance graph must say something about the assertion: where it comes from.
        sources = pos.get(derived_from) or [claim]
        derived = [(assertion, derived_from, source) for source in sources]
        stated.update(statement)
        stated_subjects.update(t[0] for t in statement)
        graphs = [
            (
                head,
                [
                    (np_, type_, np_type),
                    (np_, has_assertion, assertion),
                    (np_, has_provenance, provenance),
                    (np_, has_info, info),
                ],
            ),
            (assertion, statement),
            (provenance, description + derived),
            (info, [(np_, p, o) for p, o in pubinfo]),
        ]
        drafts.append((claim, np_, graphs))

    skolem = skolem_iris(props, [(claim, graphs[2][1]) for claim, _, graphs in drafts])
    publications = [  # the head is made of the nanopublication's own IRIs: nothing to rename
        Nanopublication(claim, np_, (graphs[0], *((name, _rename(graph, skolem)) for name, graph in graphs[1:])))
        for claim, np_, graphs in drafts
    ]
    if not default:
        return {}, publications
    return _rest(props, closed, stated, stated_subjects, skolem), publications


def _rest(props: Props, closed: set, stated: set[Triple], stated_subjects: set, skolem: dict) -> Props:
    """What stays in the default graph: the subjects no nanopublication took, less the claims' direct
    triples, skolemised objects renamed; a subject's dictionary is shared with ``props`` when unchanged."""
    blank = ox.BlankNode
    rest: Props = {}
    for subject, pos in props.items():
        if subject in closed:
            continue
        if subject in stated_subjects:
            pos = {p: kept for p, objects in pos.items() if (kept := [o for o in objects if (subject, p, o) not in stated])}
            if not pos:
                continue
        # A skolemised node was taken whole into a provenance graph (it is closed), so it is never a
        # subject here, only, where the data shares it, an object.
        if skolem and any(type(o) is blank and o in skolem for objects in pos.values() for o in objects):
            pos = {p: [skolem.get(o, o) if type(o) is blank else o for o in objects] for p, objects in pos.items()}
        rest[subject] = pos
    return rest


def skolem_iris(props: Props, owners: Iterable[tuple[Subject, list[Triple]]]) -> dict[ox.BlankNode, ox.NamedNode]:
    """An IRI for every blank node in the ``owners``' triples: ``{parent}/{predicate local name}/{hash}``.

    The hash covers the node's content (its triples, nested blank nodes included) and nothing else;
    siblings with the same content get ``-2``, ``-3``… in the order of their canonical labels.
    """
    names: dict[ox.BlankNode, ox.NamedNode] = {}
    taken: set[str] = set()
    contents = _Contents(props)
    blank = ox.BlankNode
    for owner, owned in owners:
        children: dict[Subject, list[tuple[ox.NamedNode, ox.BlankNode]]] = {}
        for s, p, o in owned:
            if type(o) is blank:
                children.setdefault(s, []).append((p, o))
        todo = [owner] if children else []
        while todo:
            parent = todo.pop(0)
            parent_iri = parent.value if type(parent) is ox.NamedNode else names[parent].value
            pairs = [(p, o) for p, o in children.get(parent, ()) if o not in names]
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
    return names


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


def _rename(triples: list[Triple], names: dict[ox.BlankNode, ox.NamedNode]) -> list[Triple]:
    if not names:
        return triples
    blank = ox.BlankNode
    return [
        (names.get(t[0], t[0]), t[1], names.get(t[2], t[2])) if type(t[0]) is blank or type(t[2]) is blank else t  # type: ignore[misc]
        for t in triples
    ]


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


def closure(subject: Subject, props: Props, closed: set[Subject] | None = None) -> list[Triple]:
    """The triples about ``subject`` and, recursively, about the blank nodes it points to.

    Nodes in ``closed`` (their triples already taken) are left out, with what hangs from them; the
    nodes visited are added to it.
    """
    seen = set() if closed is None else closed
    if subject in seen:
        return []
    seen.add(subject)
    out: list[Triple] = []
    todo = [subject]
    blank = ox.BlankNode
    while todo:
        node = todo.pop()
        for p, objects in props.get(node, {}).items():
            for o in objects:
                out.append((node, p, o))
                if type(o) is blank and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return out


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
