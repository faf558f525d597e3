"""Export the graph as one self-contained file: Turtle, N-Triples, JSON-LD or TriG nanopublications.

Other tools consume these files and keep them under version control, so an export must be
**byte-identical on every run**, in any process. rdflib's own serialisers are not:

- blank nodes get a fresh random id on every parse, and the evidence of a claim is a tree of blank
  nodes (``oa:SpecificResource`` → selectors);
- the JSON-LD and N-Triples serialisers emit nodes in an order that changes with ``PYTHONHASHSEED``
  (JSON-LD walks ``set(graph.subjects())``), even once blank nodes have stable labels;
- the Turtle serialiser is stable given stable labels, but orders subjects by reference count and,
  for predicates outside PREFIXES (``vann:``), declares the source files' prefix or invents ``ns1:``.

So this module canonicalises blank nodes with W3C RDFC-1.0 (pyoxigraph; milliseconds, where
``rdflib.compare.to_canonical_graph`` takes seconds on this graph) and writes every format itself
from sorted terms. Turtle, TriG and JSON-LD nest each blank node that is referenced once under its
parent, ordered by its own content, so they carry no blank-node labels at all and a new claim does
not renumber the rest of the file; N-Triples is the canonical form, sorted line by line. Prefixes are
those of :data:`etiograph.vocab.PREFIXES` the output uses, in that order.

``trig`` publishes each claim as a nanopublication (http://www.nanopub.org/nschema#): the claim's
direct triple is the assertion, its claim node (quotes, certainty, mechanism, section, derivation) the
provenance. Everything else stays in the default graph, so the union of the graphs is the source
graph plus the nanopublication bookkeeping.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import write_bytes_atomic
from ..datafiles import read_rdflib
from ..vocab import DCTERMS, ETIO, NP, OWL, PREFIXES, PROV, RDF, RDFS, SKOS, VOID, XSD

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

    Term = ox.NamedNode | ox.BlankNode | ox.Literal
    Subject = ox.NamedNode | ox.BlankNode
    Triple = tuple[Subject, ox.NamedNode, Term]
    #: One graph: subject → predicate → objects.
    Props = dict[Subject, dict[ox.NamedNode, list[Term]]]

#: The formats :func:`serialize` writes, and the file extension each conventionally takes.
FORMATS: dict[str, str] = {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig"}

#: Classes whose instances become nanopublications; subclasses declared in the data count too.
CLAIM_CLASSES = tuple(ETIO + name for name in ("Claim", "CausalClaim", "CounteractingClaim", "AssociationClaim"))

_RDF_TYPE = RDF + "type"
_INDENT = "    "
_ONE_LINE = 100  # longest inline blank node or object list kept on one line, for readability


def serialize(paths: Sequence[Path], fmt: str) -> bytes:
    """The graph read from ``paths`` in format ``fmt`` (one of :data:`FORMATS`), the same bytes on every run.

    ``paths`` usually comes from :func:`etiograph.datafiles.graph_sources`; a file that is not valid
    Turtle raises :class:`etiograph.errors.DataError` naming it and the line.

    >>> from etiograph.datafiles import graph_sources
    >>> nt = serialize(graph_sources(), "nt")
    >>> nt == serialize(graph_sources(), "nt") and nt.splitlines() == sorted(nt.splitlines())
    True
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    triples = _canonical_triples(read_rdflib(paths))
    if fmt == "nt":
        return _ntriples(triples)
    if fmt == "turtle":
        return _turtle(triples)
    if fmt == "jsonld":
        return _jsonld(triples)
    return _trig(triples)


def export_to(path_or_dash: str | Path, data: bytes) -> None:
    """Write an export to a file (atomically: readers never see half of it), or to stdout for ``-``."""
    write_bytes_atomic(path_or_dash, data)


# ---------------------------------------------------------------------------------------------
# Canonical triples
# ---------------------------------------------------------------------------------------------


def _canonical_triples(graph: rdflib.Graph) -> list[Triple]:
    """The graph's triples as pyoxigraph terms, blank nodes relabelled by RDFC-1.0 (``c14n0``, ``c14n1``, …).

    The labels depend only on the graph's content, never on parse order or hash seed.
    """
    import pyoxigraph as ox
    import rdflib

    blanks: dict[rdflib.BNode, ox.BlankNode] = {}

    def convert(term: rdflib.term.Node) -> Term:
        if isinstance(term, rdflib.URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, rdflib.BNode):
            return blanks.setdefault(term, ox.BlankNode())
        if isinstance(term, rdflib.Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
        raise TypeError(f"cannot export {term!r}: only IRIs, blank nodes and literals are RDF terms")

    dataset = ox.Dataset(ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in graph)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [(quad.subject, quad.predicate, quad.object) for quad in dataset]


def _ntriples(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples (pyoxigraph's escaping), one triple a line, lines sorted."""
    import pyoxigraph as ox

    data = ox.serialize((ox.Triple(*t) for t in triples), format=ox.RdfFormat.N_TRIPLES)
    return b"".join(line + b"\n" for line in sorted(data.splitlines()) if line)


# ---------------------------------------------------------------------------------------------
# Layout shared by Turtle, TriG and JSON-LD: which subjects stand alone, which blank nodes nest
# ---------------------------------------------------------------------------------------------


def _index(triples: Iterable[Triple]) -> Props:
    props: Props = {}
    for s, p, o in triples:
        props.setdefault(s, {}).setdefault(p, []).append(o)
    return props


def _nested(graphs: Sequence[Props]) -> set[ox.BlankNode]:
    """Blank nodes written inside their parent (``[ … ]``): referenced exactly once, in one graph only.

    A blank node used as a class (object of rdf:type) keeps its label, as JSON-LD cannot nest one
    there; a cycle of once-referenced blank nodes is broken by giving its first member a label.
    """
    import pyoxigraph as ox

    refs: Counter[ox.BlankNode] = Counter()
    homes: defaultdict[ox.BlankNode, set[int]] = defaultdict(set)
    for number, props in enumerate(graphs):
        for s, pos in props.items():
            if isinstance(s, ox.BlankNode):
                homes[s].add(number)
            for p, objects in pos.items():
                for o in objects:
                    if isinstance(o, ox.BlankNode):
                        refs[o] += 2 if p.value == _RDF_TYPE else 1
                        homes[o].add(number)
    nested = {node for node, count in refs.items() if count == 1 and len(homes[node]) == 1}
    for props in graphs:
        reached = _reach(props, [s for s in props if s not in nested], nested)
        while stranded := sorted((s for s in props if s in nested and s not in reached), key=lambda b: b.value):
            nested.discard(stranded[0])
            reached |= _reach(props, stranded[:1], nested)
    return nested


def _reach(props: Props, starts: Iterable[Subject], nested: set[ox.BlankNode]) -> set[ox.BlankNode]:
    """The nested blank nodes hanging, directly or not, from ``starts``."""
    reached: set[ox.BlankNode] = set()
    todo = list(starts)
    while todo:
        for objects in props.get(todo.pop(), {}).values():
            for o in objects:
                if o in nested and o not in reached:
                    reached.add(o)
                    todo.append(o)
    return reached


def _namespace_rank(iri: str) -> int:
    """Position in PREFIXES of the longest namespace holding ``iri``, so output groups by vocabulary."""
    best, rank = "", len(PREFIXES)
    for position, namespace in enumerate(PREFIXES.values()):
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, rank = namespace, position
    return rank


def _top_subjects(props: Props, nested: set[ox.BlankNode]) -> list[Subject]:
    """Subjects written as their own block: ontology headers first, then IRIs by vocabulary and IRI."""
    import pyoxigraph as ox

    header = ox.NamedNode(OWL + "Ontology")

    def key(subject: Subject) -> tuple[bool, bool, int, str]:
        if isinstance(subject, ox.BlankNode):
            return (True, True, 0, subject.value)
        types = props[subject].get(ox.NamedNode(_RDF_TYPE), [])
        return (header not in types, False, _namespace_rank(subject.value), subject.value)

    return sorted((s for s in props if s not in nested), key=key)


# What a thing is, its name, and a claim's subject-predicate-object read first; then by vocabulary.
_FIRST_PREDICATES = {
    iri: position
    for position, iri in enumerate(
        (_RDF_TYPE, RDFS + "label", SKOS + "prefLabel", RDF + "subject", RDF + "predicate", RDF + "object")
    )
}


def _predicates(pos: dict[ox.NamedNode, list[Term]]) -> list[ox.NamedNode]:
    """A subject's predicates in reading order: :data:`_FIRST_PREDICATES`, then by vocabulary and IRI."""
    first = len(_FIRST_PREDICATES)
    return sorted(pos, key=lambda p: (_FIRST_PREDICATES.get(p.value, first), _namespace_rank(p.value), p.value))


def _list_items(node: Term, props: Props, nested: set[ox.BlankNode]) -> list[Term] | None:
    """The members of a well-formed RDF list starting at ``node`` (written ``( … )``), or None if it is not one."""
    import pyoxigraph as ox

    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    items: list[Term] = []
    while True:
        pos = props.get(node) if node in nested else None
        if not pos or set(pos) != {first, rest} or len(pos[first]) != 1 or len(pos[rest]) != 1:
            return None
        items.append(pos[first][0])
        node = pos[rest][0]
        if node == nil:
            return items


# ---------------------------------------------------------------------------------------------
# Turtle and TriG
# ---------------------------------------------------------------------------------------------

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


def _turtle_string(text: str) -> str:
    r"""A Turtle/N-Triples string literal: quotes, backslashes and control characters escaped.

    >>> print(_turtle_string('say "hi"\n'))
    "say \"hi\"\n"
    """
    return '"' + _STRING_SPECIAL.sub(lambda m: _STRING_ESCAPES.get(m[0], f"\\u{ord(m[0]):04X}"), text) + '"'


class _TurtleWriter:
    """Writes terms and subject blocks in Turtle syntax and remembers which prefixes it used."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        """A prefixed name when a PREFIXES namespace holds the IRI and the rest is a plain local name.

        >>> writer = _TurtleWriter()
        >>> writer.iri("https://w3id.org/etiograph/kg/claim/fever--causes--chills")
        'claim:fever--causes--chills'
        >>> print(writer.iri("https://example.org/a b"))
        <https://example.org/a\\u0020b>
        """
        for prefix, namespace in _NAMESPACES_LONGEST_FIRST:
            if iri.startswith(namespace) and _PN_LOCAL.match(iri, len(namespace)):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(namespace) :]}"
        return "<" + _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m[0]):04X}", iri) + ">"

    def literal(self, literal: ox.Literal) -> str:
        """Numbers and booleans bare when their lexical form allows it; everything else quoted."""
        if literal.language:
            return f"{_turtle_string(literal.value)}@{literal.language}"
        datatype = literal.datatype.value
        if datatype == XSD + "string":
            return _turtle_string(literal.value)
        bare = _BARE_NUMBER.get(datatype)
        if (bare and bare.match(literal.value)) or (datatype == XSD + "boolean" and literal.value in ("true", "false")):
            return literal.value
        return f"{_turtle_string(literal.value)}^^{self.iri(datatype)}"

    def term(self, term: Term, props: Props, nested: set[ox.BlankNode], depth: int) -> str:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if term not in nested:
            return f"_:{term.value}"
        items = _list_items(term, props, nested)
        if items is not None:
            return "(" + "".join(" " + self.term(item, props, nested, depth + 1) for item in items) + " )"
        lines = self.predicate_lines(term, props, nested, depth + 1)
        if not lines:
            return "[]"
        one_line = "[ " + " ; ".join(lines) + " ]"
        if "\n" not in one_line and len(one_line) + len(_INDENT) * depth <= _ONE_LINE:
            return one_line
        inner = _INDENT * (depth + 1)
        return "[\n" + inner + (" ;\n" + inner).join(lines) + "\n" + _INDENT * depth + "]"

    def predicate_lines(self, subject: Subject, props: Props, nested: set[ox.BlankNode], depth: int) -> list[str]:
        """One ``predicate objects`` string per predicate; objects sorted by their own text."""
        lines = []
        for predicate in _predicates(props.get(subject, {})):
            verb = "a" if predicate.value == _RDF_TYPE else self.iri(predicate.value)
            objects = sorted(self.term(o, props, nested, depth) for o in props[subject][predicate])
            joined = ", ".join(objects)
            if len(objects) > 1 and "\n" not in joined and len(verb) + len(joined) + len(_INDENT) * depth > _ONE_LINE:
                joined = (",\n" + _INDENT * (depth + 1)).join(objects)
            lines.append(f"{verb} {joined}")
        return lines

    def block(self, subject: Subject, props: Props, nested: set[ox.BlankNode], depth: int = 0) -> str:
        """A subject and everything said about it (blank nodes nested), ending in `` .``."""
        head = self.term(subject, props, set(), depth)
        lines = self.predicate_lines(subject, props, nested, depth + 1)
        return _INDENT * depth + head + " " + (" ;\n" + _INDENT * (depth + 1)).join(lines) + " ."

    def prologue(self) -> str:
        return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items() if p in self.used)


def _turtle(triples: list[Triple]) -> bytes:
    props = _index(triples)
    nested = _nested([props])
    writer = _TurtleWriter()
    body = "\n\n".join(writer.block(s, props, nested) for s in _top_subjects(props, nested))
    header = (
        f"# etiograph knowledge graph: {len(triples)} triples, written by etiograph.export.\n"
        "# Generated file: edit the Turtle sources (ontology/, graph/) and export again.\n\n"
    )
    return (header + writer.prologue() + "\n" + body + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# TriG: one nanopublication per claim
# ---------------------------------------------------------------------------------------------


def _claim_classes(triples: Iterable[Triple]) -> set[str]:
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


def _closure(subject: Subject, props: Props) -> list[Triple]:
    """The triples about ``subject`` and, recursively, about the blank nodes it points to."""
    import pyoxigraph as ox

    out: list[Triple] = []
    todo, seen = [subject], {subject}
    while todo:
        node = todo.pop()
        for p, objects in props.get(node, {}).items():
            for o in objects:
                out.append((node, p, o))
                if isinstance(o, ox.BlankNode) and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return out


def _publication_info(props: Props) -> list[tuple[ox.NamedNode, Term]]:
    """Creator, creation date and licence for every nanopublication, taken from the data, never the clock.

    Each comes from the dataset description (void:Dataset) if it says, else from the ontology header;
    a value neither gives is left out rather than invented.
    """
    import pyoxigraph as ox

    def described(kind: str) -> list[Subject]:
        return sorted(
            (s for s, pos in props.items() if any(o.value == kind for o in pos.get(ox.NamedNode(_RDF_TYPE), []))),
            key=lambda s: s.value,
        )

    info = []
    for name in ("creator", "created", "license"):
        predicate = ox.NamedNode(DCTERMS + name)
        for kind in (VOID + "Dataset", OWL + "Ontology"):
            values = {o for s in described(kind) for o in props[s].get(predicate, [])}
            if values:
                info += [(predicate, value) for value in sorted(values, key=str)]
                break
    return info


def _trig(triples: list[Triple]) -> bytes:
    import pyoxigraph as ox

    props = _index(triples)
    classes = _claim_classes(triples)
    type_ = ox.NamedNode(_RDF_TYPE)
    claims = sorted(
        (
            s
            for s, pos in props.items()
            if isinstance(s, ox.NamedNode) and any(o.value in classes for o in pos.get(type_, []))
        ),
        key=lambda s: s.value,
    )
    pubinfo = _publication_info(props)

    def np_term(name: str) -> ox.NamedNode:
        return ox.NamedNode(NP + name)

    publications: list[tuple[str, list[tuple[ox.NamedNode, list[Triple]]]]] = []
    moved: set[Triple] = set()
    for claim in claims:
        pos = props[claim]
        statement = [
            (s, p, o)
            for s in pos.get(ox.NamedNode(RDF + "subject"), [])
            for p in pos.get(ox.NamedNode(RDF + "predicate"), [])
            for o in pos.get(ox.NamedNode(RDF + "object"), [])
            if not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
        ]
        if not statement:  # not a well-formed claim: it stays, as data, in the default graph
            continue
        base = claim.value + "/np"
        np_, head, assertion, provenance, info = (
            ox.NamedNode(base + part) for part in ("", "/head", "/assertion", "/provenance", "/pubinfo")
        )
        description = [t for t in _closure(claim, props) if t not in moved]
        derived = [
            (assertion, ox.NamedNode(PROV + "wasDerivedFrom"), source)
            for source in pos.get(ox.NamedNode(PROV + "wasDerivedFrom"), [])
        ]
        moved.update(description)
        moved.update(statement)
        graphs = [
            (
                head,
                [
                    (np_, type_, np_term("Nanopublication")),
                    (np_, np_term("hasAssertion"), assertion),
                    (np_, np_term("hasProvenance"), provenance),
                    (np_, np_term("hasPublicationInfo"), info),
                ],
            ),
            (assertion, statement),
            (provenance, description + derived),
            (info, [(np_, p, o) for p, o in pubinfo]),
        ]
        publications.append((claim.value, graphs))

    default = _index(t for t in triples if t not in moved)
    named = [_index(graph_triples) for _, graphs in publications for _, graph_triples in graphs]
    nested = _nested([default, *named])
    writer = _TurtleWriter()
    parts = [writer.block(s, default, nested) for s in _top_subjects(default, nested)]
    graph_props = iter(named)
    for claim_iri, graphs in publications:
        blocks = []
        for name, _ in graphs:
            graph = next(graph_props)
            inside = "\n".join(writer.block(s, graph, nested, depth=1) for s in _top_subjects(graph, nested))
            blocks.append(f"{writer.iri(name.value)} {{\n{inside}\n}}")
        parts.append(f"# Nanopublication of {writer.iri(claim_iri)}\n" + "\n".join(blocks))
    header = (
        f"# etiograph knowledge graph as TriG: {len(publications)} claims as nanopublications\n"
        "# (http://www.nanopub.org/nschema#: head, assertion, provenance, publication info), everything else\n"
        "# in the default graph. Generated file: edit the Turtle sources (ontology/, graph/) and export again.\n\n"
    )
    return (header + writer.prologue() + "\n" + "\n\n".join(parts) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# JSON-LD
# ---------------------------------------------------------------------------------------------

_JSON_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]{0,17})\Z")  # lexical forms a JSON number gives back unchanged


class _JsonLdWriter:
    """Compacted JSON-LD 1.1 with prefixes as the only context: compact IRIs, nested blank nodes."""

    def __init__(self, props: Props, nested: set[ox.BlankNode]) -> None:
        self.props, self.nested = props, nested
        self.used: set[str] = set()
        self._turtle = _TurtleWriter()  # decides when a prefixed name is safe

    def iri(self, iri: str) -> str:
        compact = self._turtle.iri(iri)
        if compact.startswith("<"):
            return iri
        self.used.add(compact.partition(":")[0])
        return compact

    def value(self, term: Term) -> Any:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return {"@id": self.iri(term.value)}
        if isinstance(term, ox.BlankNode):
            if term not in self.nested:
                return {"@id": f"_:{term.value}"}
            items = _list_items(term, self.props, self.nested)
            return {"@list": [self.value(i) for i in items]} if items is not None else self.node(term)
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD + "string":
            return term.value
        if datatype == XSD + "integer" and _JSON_INTEGER.match(term.value):
            return int(term.value)
        if datatype == XSD + "boolean" and term.value in ("true", "false"):
            return term.value == "true"
        return {"@value": term.value, "@type": self.iri(datatype)}

    def node(self, subject: Subject) -> dict[str, Any]:
        import pyoxigraph as ox

        out: dict[str, Any] = {}
        if isinstance(subject, ox.NamedNode):
            out["@id"] = self.iri(subject.value)
        elif subject not in self.nested:
            out["@id"] = f"_:{subject.value}"
        pos = self.props.get(subject, {})
        for predicate in _predicates(pos):
            values = [self.value(o) for o in pos[predicate]]
            if predicate.value == _RDF_TYPE and all(isinstance(v, dict) and list(v) == ["@id"] for v in values):
                key, values = "@type", [v["@id"] for v in values]
            else:
                key = self.iri(predicate.value)
            values.sort(key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
            out[key] = values[0] if len(values) == 1 else values
        return out


def _jsonld(triples: list[Triple]) -> bytes:
    props = _index(triples)
    nested = _nested([props])
    writer = _JsonLdWriter(props, nested)
    nodes = [writer.node(s) for s in _top_subjects(props, nested)]
    document = {"@context": {p: iri for p, iri in PREFIXES.items() if p in writer.used}, "@graph": nodes}
    return (_json_text(document) + "\n").encode("utf-8")


def _json_text(value: Any, depth: int = 0) -> str:
    """JSON indented by two spaces, but any value that fits in a line kept on one line.

    >>> print(_json_text({"@id": "kg:fever", "kg:p": [{"@id": "kg:" + "x" * 50}, {"@id": "kg:" + "y" * 50}]}))
    {
      "@id": "kg:fever",
      "kg:p": [
        {"@id": "kg:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
        {"@id": "kg:yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}
      ]
    }
    """
    one_line = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, dict | list) or not value or len(one_line) + 2 * depth <= _ONE_LINE:
        return one_line
    inner = "  " * (depth + 1)
    if isinstance(value, list):
        items = [inner + _json_text(item, depth + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    items = [
        f"{inner}{json.dumps(key, ensure_ascii=False)}: {_json_text(item, depth + 1)}" for key, item in value.items()
    ]
    return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
