"""JSON-LD: the graph as compacted JSON-LD 1.1 with a real ``@context``, blank nodes nested, byte-stable.

A JSON consumer should not need to know RDF to read a claim, so the context defines a **term** for
every property and class of the etio vocabulary the document uses, and for a claim's statement parts
(``subject``, ``predicate``, ``object``), its evidence (``hasSource``, ``hasSelector``, ``exact``,
``start``, ``end``) and names (``label``, ``prefLabel``, ``altLabel``, ``definition``, ``comment``),
each with the type of its values::

    "causes": {"@id": "etio:causes", "@type": "@id"}     →  {"@id": "kg:uti", "causes": "kg:leg-cramps"}
    "label": {"@id": "rdfs:label", "@language": "en"}    →  "label": "urinary tract infection"
    "CausalClaim": "etio:CausalClaim"                    →  "@type": "CausalClaim"

Other vocabularies keep their prefixed names (``"biolink:supporting_text"``).

A term is coerced (``@type: @id``, a datatype, or a language) only when *every* value it has in the
document fits, so short values never change meaning; other values are written in full
(``{"@id": …}``, ``{"@value": …, "@type": …}``), which JSON-LD reads the same under any coercion.
Prefixes stay in the context for compact IRIs. rdflib's JSON-LD serialiser walks
``set(graph.subjects())``, so its output changes with ``PYTHONHASHSEED``; this writer orders
everything as the Turtle writer does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox  # this module runs only for an export, which needs pyoxigraph anyway

from ..records import record
from ..vocab import ETIO, OA, PREFIXES, RDF, RDFS, SKOS, XSD
from . import canonical, layout
from .layout import ONE_LINE, RDF_TYPE
from .turtle import compact_iri  # the Turtle writer decides when a prefixed name is safe

TYPE_CHECKING = False  # typing.TYPE_CHECKING, read by type checkers by its name, without importing typing
if TYPE_CHECKING:
    from typing import Any

    from .canonical import Subject, Term, Triple
    from .layout import Props

_JSON_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]{0,17})\Z")  # lexical forms a JSON number gives back unchanged
# Built once: json.dumps with any non-default option builds a new encoder on every call.
_SCALAR = json.JSONEncoder(ensure_ascii=False)
#: What ``_SCALAR.encode`` does for a string, called directly (most scalars and every key are strings).
_STRING = json.encoder.encode_basestring
_SORT_KEY = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")  # a term can never be read as a compact IRI or keyword
#: Terms beyond the etio vocabulary: a claim's statement parts, its evidence (W3C Web Annotation) and names.
_COMMON_TERMS = {
    "subject": RDF + "subject",
    "predicate": RDF + "predicate",
    "object": RDF + "object",
    "hasSource": OA + "hasSource",
    "hasSelector": OA + "hasSelector",
    "exact": OA + "exact",
    "start": OA + "start",
    "end": OA + "end",
    "label": RDFS + "label",
    "comment": RDFS + "comment",
    "prefLabel": SKOS + "prefLabel",
    "altLabel": SKOS + "altLabel",
    "definition": SKOS + "definition",
}


def write(paths: Sequence[Path]) -> bytes:
    """The JSON-LD export of the files ``paths`` (the ``jsonld`` entry of :mod:`etiograph.formats`)."""
    return serialize(canonical.read(paths, labels=False))


def serialize(triples: list[Triple]) -> bytes:
    """One JSON-LD document: ``@context`` (prefixes used, then terms by name) and ``@graph``."""
    props = layout.index(triples)
    inside = layout.nested([props])
    writer = JsonLdWriter(props, inside, context_terms(triples, props, inside))
    nodes = [writer.node(s) for s in layout.top_subjects(props, inside)]
    definitions = {name: writer.definition(term) for name, term in sorted(writer.used_terms.items())}
    context = {p: iri for p, iri in PREFIXES.items() if p in writer.used} | definitions
    return (json_text({"@context": context, "@graph": nodes}) + "\n").encode("utf-8")


@record(frozen=True)  # not a NamedTuple: that compiles each (string) annotation at import
class ContextTerm:
    """A term of the ``@context``: its name and how plain values are read (``@id``, a datatype, a language)."""

    name: str
    coerce: str | None = None  # "@id", a datatype IRI, or None
    language: str | None = None


def context_terms(triples: list[Triple], props: Props, inside: set[ox.BlankNode]) -> dict[str, ContextTerm]:
    """IRI → term for the etio properties and classes (and :data:`_COMMON_TERMS`) in ``triples``.

    A local name that is not a plain name, or that two IRIs or a prefix would share, gets no term.
    """
    objects: dict[str, list[Term]] = {}
    classes: set[str] = set()
    for _, p, o in triples:
        if p.value == RDF_TYPE:
            if isinstance(o, ox.NamedNode):
                classes.add(o.value)
        else:
            objects.setdefault(p.value, []).append(o)
    common = {iri: name for name, iri in _COMMON_TERMS.items()}
    claimants: dict[str, list[str]] = {}
    for iri in sorted(objects.keys() | classes):
        name = iri[len(ETIO) :] if iri.startswith(ETIO) else common.get(iri)
        if name and _TERM.match(name) and name not in PREFIXES:
            claimants.setdefault(name, []).append(iri)
    return {
        iris[0]: _coercion(name, objects.get(iris[0], []), props, inside)
        for name, iris in claimants.items()
        if len(iris) == 1
    }


def _coercion(name: str, values: list[Term], props: Props, inside: set[ox.BlankNode]) -> ContextTerm:
    """The term ``name``, coerced to the kind most of its values are (IRIs, one datatype, one language).

    Plain strings and lists are never coerced. A value of another kind is written in full
    (``{"@id": …}``, ``{"@value": …}``), which JSON-LD reads the same under any coercion, so one odd
    value (a table cell's literal ``rdf:object``) does not change how every claim is written.
    """
    kinds: Counter[tuple[str, str]] = Counter()
    for v in values:
        if isinstance(v, ox.NamedNode):
            kinds["@id", ""] += 1
        elif isinstance(v, ox.BlankNode):
            kinds["@id" if layout.list_items(v, props, inside) is None else "@list", ""] += 1
        elif v.language:
            kinds["@language", v.language] += 1
        else:
            kinds["@type", v.datatype.value] += 1
    if not kinds:  # a class
        return ContextTerm(name)
    (kind, detail), _ = min(kinds.items(), key=lambda item: (-item[1], item[0]))
    if kind == "@id":
        return ContextTerm(name, "@id")
    if kind == "@language":
        return ContextTerm(name, language=detail)
    if kind == "@type" and detail != XSD + "string":
        return ContextTerm(name, detail)
    return ContextTerm(name)


class JsonLdWriter:
    """Compacted JSON-LD 1.1: terms from the context, compact IRIs, nested blank nodes."""

    def __init__(self, props: Props, inside: set[ox.BlankNode], terms: dict[str, ContextTerm] | None = None) -> None:
        self.props, self.inside = props, inside
        self.terms = terms or {}  # predicate or class IRI -> its term
        self.used: set[str] = set()  # prefixes used
        self.used_terms: dict[str, tuple[str, ContextTerm]] = {}  # term name -> (IRI, term)

    def term(self, iri: str) -> ContextTerm | None:
        """The term for ``iri`` if the context has one (and note that the document uses it)."""
        term = self.terms.get(iri)
        if term is not None:
            self.used_terms[term.name] = (iri, term)
        return term

    def definition(self, used: tuple[str, ContextTerm]) -> str | dict[str, str]:
        """A term's entry in ``@context``: the compact IRI alone, or with its coercion."""
        iri, term = used
        definition = {"@id": self.iri(iri)}
        if term.coerce:
            definition["@type"] = term.coerce if term.coerce == "@id" else self.iri(term.coerce)
        if term.language:
            definition["@language"] = term.language
        return definition if len(definition) > 1 else definition["@id"]

    def iri(self, iri: str) -> str:
        """A compact IRI when a prefix fits (the Turtle writer's rule), else the IRI itself."""
        prefix, compact = compact_iri(iri)
        if prefix is None:
            return iri
        self.used.add(prefix)
        return compact

    def value(self, term: Term, context: ContextTerm | None = None) -> Any:
        """``term`` as a JSON value: short when the property's ``context`` term coerces it, explicit otherwise."""
        coerce = context.coerce if context else None
        if type(term) is ox.NamedNode:  # the hot path: most values are IRIs
            prefix, compact = compact_iri(term.value)
            if prefix is None:
                compact = term.value
            else:
                self.used.add(prefix)
            return compact if coerce == "@id" else {"@id": compact}
        coerced = bool(coerce or (context and context.language))
        if isinstance(term, ox.BlankNode):
            if term not in self.inside:
                return f"_:{term.value}" if coerce == "@id" else {"@id": f"_:{term.value}"}
            items = layout.list_items(term, self.props, self.inside)
            if items is None:
                return self.node(term)  # a node object: no coercion applies to it
            return {"@list": [self.explicit(i) if coerced else self.value(i) for i in items]}
        if term.language:
            if context and context.language == term.language:
                return term.value
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        native = self._native(term.value, datatype)
        if coerce == datatype:
            return term.value if native is None else native
        if coerced:
            return self.explicit(term)
        if datatype == XSD + "string":
            return term.value
        if native is not None:
            return native
        return {"@value": term.value, "@type": self.iri(datatype)}

    def explicit(self, term: Term) -> Any:
        """``term`` in a form no coercion can change: ``{"@id": …}``, ``{"@value": …}``, a node object."""
        if isinstance(term, ox.NamedNode | ox.BlankNode):
            return self.value(term)
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD + "string":
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(term.datatype.value)}

    @staticmethod
    def _native(lexical: str, datatype: str) -> int | bool | None:
        """The JSON number or boolean JSON-LD turns back into exactly this literal, if there is one."""
        if datatype == XSD + "integer" and _JSON_INTEGER.match(lexical):
            return int(lexical)
        if datatype == XSD + "boolean" and lexical in ("true", "false"):
            return lexical == "true"
        return None

    def node(self, subject: Subject) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if isinstance(subject, ox.NamedNode):
            out["@id"] = self.iri(subject.value)
        elif subject not in self.inside:
            out["@id"] = f"_:{subject.value}"
        pos = self.props.get(subject, {})
        for predicate, objects in layout.predicate_items(pos):
            iri = predicate.value
            context = self.term(iri)
            values = [self.value(o, context) for o in objects]
            if iri == RDF_TYPE and all(isinstance(v, dict) and list(v) == ["@id"] for v in values):
                key, values = "@type", [self._class(o.value, v["@id"]) for o, v in zip(objects, values)]
            else:
                key = context.name if context else self.iri(iri)
            if len(values) > 1:
                values.sort(key=_sort_text)
            out[key] = values[0] if len(values) == 1 else values
        return out

    def _class(self, iri: str, compact: str) -> str:
        """A ``@type`` value: the class's term when the context has one (``CausalClaim``), else its compact IRI."""
        term = self.term(iri)
        return term.name if term else compact


def json_text(value: Any, depth: int = 0) -> str:
    """JSON indented by two spaces, but any value that fits in a line kept on one line.

    >>> print(json_text({"@id": "kg:fever", "kg:p": [{"@id": "kg:" + "x" * 50}, {"@id": "kg:" + "y" * 50}]}))
    {
      "@id": "kg:fever",
      "kg:p": [
        {"@id": "kg:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
        {"@id": "kg:yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}
      ]
    }
    """
    return _layout(value, depth)[1]


def _layout(value: Any, depth: int) -> tuple[str, str]:
    """(the value on one line, as ``json.dumps`` with ``", "``/``": "`` writes it; the value laid out).

    Each subtree is encoded once and its one-line form reused by its parent, so the layout is linear
    in the document's size. Strings, the most common values, are encoded in place (no call per leaf).
    """
    kind = type(value)  # the writer's own values: dict, list, str, int, bool
    if kind is dict:
        keys = [_STRING(key) for key in value]
        children = [(t := _STRING(item), t) if type(item) is str else _layout(item, depth + 1) for item in value.values()]
        one_line = "{" + ", ".join([f"{key}: {child[0]}" for key, child in zip(keys, children)]) + "}"
        if not value or len(one_line) + 2 * depth <= ONE_LINE:
            return one_line, one_line
        inner = "  " * (depth + 1)
        items = [f"{inner}{key}: {child[1]}" for key, child in zip(keys, children)]
        return one_line, "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if kind is list:
        children = [(t := _STRING(item), t) if type(item) is str else _layout(item, depth + 1) for item in value]
        one_line = "[" + ", ".join([child[0] for child in children]) + "]"
        if not value or len(one_line) + 2 * depth <= ONE_LINE:
            return one_line, one_line
        inner = "  " * (depth + 1)
        return one_line, "[\n" + ",\n".join([inner + child[1] for child in children]) + "\n" + "  " * depth + "]"
    text = _STRING(value) if kind is str else _scalar(value)
    return text, text


def _sort_text(value: Any) -> str:
    """What a property's values are sorted by: each value as JSON with sorted keys (``_SORT_KEY``),
    written directly for the common shapes, a string or ``{"@id": …}``."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is dict and len(value) == 1:
        ((key, item),) = value.items()
        if type(item) is str:
            return "{" + _STRING(key) + ": " + _STRING(item) + "}"
    return _SORT_KEY.encode(value)


def _scalar(value: Any) -> str:
    """A number or boolean as JSON writes it (``json.dumps``), without the encoder's machinery per value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return _SCALAR.encode(value)
