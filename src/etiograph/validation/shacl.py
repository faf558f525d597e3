"""SHACL validation by pyoxigraph: each constraint of the shapes becomes one SPARQL query over the whole graph.

pySHACL evaluates constraints focus node by focus node and parses each SPARQL-based constraint
again for every focus node (411 parses of 8 texts for the article: 7-12 s). Here every
constraint component the shapes use is compiled once into a SELECT that returns all the
violating (focus node, value) pairs at once, and pyoxigraph runs it in milliseconds.

Supported: targets ``sh:targetClass`` (following ``rdfs:subClassOf``), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, SPARQL targets; paths (predicate, inverse,
sequence, alternative, ``*``/``+``/``?``); ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:minCount``, ``sh:maxCount``, ``sh:hasValue``, ``sh:in``, ``sh:minLength``, ``sh:maxLength``,
``sh:pattern``, ``sh:minInclusive``/``maxInclusive``/``minExclusive``/``maxExclusive``,
``sh:lessThan``, ``sh:uniqueLang``, ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``,
``sh:qualifiedValueShape`` (min/max count), ``sh:sparql`` (SELECT constraints), ``sh:severity``,
``sh:message``, ``sh:deactivated``. A shapes graph using anything else raises
:class:`Unsupported`, and the caller falls back to pySHACL. ``tests/test_shapes.py`` checks this
engine and pySHACL report the same problems on every test case.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from ..records import record
from ..vocab import RDF, RDFS, SH

_TYPE = f"<{RDF}type>/<{RDFS}subClassOf>*"
#: XSD datatypes SPARQL can cast to: a literal that does not survive the cast is ill-formed.
_CASTABLE = {"integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time"}
_NIL = ox.NamedNode(RDF + "nil")

#: Predicates of the SHACL vocabulary this engine understands on a shape.
SUPPORTED = {
    SH + name
    for name in [
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "target",
        "path",
        "property",
        "node",
        "or",
        "and",
        "not",
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "hasValue",
        "in",
        "minLength",
        "maxLength",
        "pattern",
        "flags",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "lessThan",
        "uniqueLang",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "sparql",
        "message",
        "severity",
        "deactivated",
        "name",
        "description",
        "order",
        "group",
    ]
}


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not compile; use pySHACL instead."""


@record(frozen=True)
class Violation:
    """One validation result: focus node, value, the property path as text, message and severity."""

    focus: ox.NamedNode | ox.BlankNode
    path: str | None
    message: str
    severity: str
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None


@record(frozen=True)
class Check:
    """One compiled constraint: the query returning ``?this`` (and ``?value``) for every violation."""

    query: str
    message: str
    severity: str
    path: str | None
    #: For SPARQL constraints: substitute ``{?var}`` in the message and take ``?path`` from the row.
    templated: bool = False


class ShapesGraph:
    """The shapes as a small in-memory index (subject → predicate → objects), read with pyoxigraph."""

    def __init__(self, triples: Sequence[ox.Triple]):
        self.index: dict[object, dict[str, list]] = {}
        for t in triples:
            self.index.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    @classmethod
    def parse(cls, path: str) -> ShapesGraph:
        return cls([q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)])

    def objects(self, node: object, predicate: str) -> list:
        return self.index.get(node, {}).get(predicate, [])

    def value(self, node: object, predicate: str) -> object | None:
        found = self.objects(node, predicate)
        return found[0] if found else None

    def items(self, head: object) -> list:
        """The members of an RDF list."""
        out = []
        while head is not None and head != _NIL:
            out += self.objects(head, RDF + "first")
            head = self.value(head, RDF + "rest")
        return out

    def subjects_with(self, predicate: str) -> list:
        return [s for s, props in self.index.items() if predicate in props]


def term(node: object) -> str:
    """A term as SPARQL text (pyoxigraph escapes it)."""
    return str(node)


class Compiler:
    """Turns shapes into :class:`Check` queries; ``x``-parameterised patterns for nested shapes."""

    def __init__(self, shapes: ShapesGraph):
        self.shapes = shapes
        self.fresh = itertools.count()
        self.prefixes = self._prefixes()

    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def _prefixes(self) -> str:
        lines = []
        for declaration in (
            d for s in self.shapes.subjects_with(SH + "declare") for d in self.shapes.objects(s, SH + "declare")
        ):
            prefix = self.shapes.value(declaration, SH + "prefix")
            namespace = self.shapes.value(declaration, SH + "namespace")
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix.value}: <{namespace.value}>")
        return "\n".join(sorted(set(lines))) + "\n"

    # -- paths ------------------------------------------------------------------------------------
    def path(self, node: object) -> str:
        if isinstance(node, ox.NamedNode):
            return term(node)
        s = self.shapes
        if s.value(node, RDF + "first") is not None:
            return "(" + "/".join(self.path(step) for step in s.items(node)) + ")"
        for predicate, template in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "{}*"),
            ("oneOrMorePath", "{}+"),
            ("zeroOrOnePath", "{}?"),
        ):
            inner = s.value(node, SH + predicate)
            if inner is not None:
                return "(" + template.format(self.path(inner)) + ")"
        alternatives = s.value(node, SH + "alternativePath")
        if alternatives is not None:
            return "(" + "|".join(self.path(step) for step in s.items(alternatives)) + ")"
        raise Unsupported(f"property path {node}")

    def path_text(self, node: object) -> str:
        """The path as a person reads it (CURIEs), for reports."""
        from ..vocab import shorten

        return re.sub(r"<([^>]+)>", lambda m: shorten(m.group(1)), self.path(node)).strip("()")

    # -- targets ----------------------------------------------------------------------------------
    def targets(self, shape: object) -> str | None:
        """A pattern binding ``?this`` to every focus node of ``shape``, or None when it has no target."""
        s = self.shapes
        branches = [f"?this {_TYPE} {term(c)} ." for c in s.objects(shape, SH + "targetClass")]
        branches += [f"VALUES ?this {{ {term(n)} }}" for n in s.objects(shape, SH + "targetNode")]
        branches += [f"?this {term(p)} [] ." for p in s.objects(shape, SH + "targetSubjectsOf")]
        branches += [f"[] {term(p)} ?this ." for p in s.objects(shape, SH + "targetObjectsOf")]
        for target in s.objects(shape, SH + "target"):
            select = s.value(target, SH + "select")
            if select is None:
                raise Unsupported("a sh:target that is not a SPARQL target")
            branches.append("{ " + select.value.replace("$this", "?this") + " }")
        if not branches:
            return None
        return "{ " + " } UNION { ".join(branches) + " }"

    # -- checks for a shape with targets -------------------------------------------------------------
    def checks(self, shape: object) -> list[Check]:
        focus = self.targets(shape)
        if focus is None or self._deactivated(shape):
            return []
        self._supported(shape)
        out = []
        message, severity = self._message(shape), self._severity(shape, SH + "Violation")
        for pattern in self.value_violations(shape, "?value"):
            out.append(
                Check(
                    f"SELECT DISTINCT ?this ?value WHERE {{ {focus} BIND(?this AS ?value) {pattern} }}",
                    message,
                    severity,
                    None,
                )
            )
        for sparql in self.shapes.objects(shape, SH + "sparql"):
            out.append(self._sparql_check(sparql, focus, message, severity))
        for prop in self.shapes.objects(shape, SH + "property"):
            out += self._property_checks(prop, focus, severity)
        return out

    def _property_checks(self, prop: object, focus: str, inherited: str) -> list[Check]:
        s = self.shapes
        if self._deactivated(prop):
            return []
        self._supported(prop)
        path_node = s.value(prop, SH + "path")
        path = self.path(path_node)
        message, severity = self._message(prop), self._severity(prop, inherited)
        where = self.path_text(path_node)
        out = []

        def check(query: str) -> None:
            out.append(Check(query, message, severity, where))

        for pattern in self.value_violations(prop, "?value"):
            check(f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . {pattern} }}")
        for n in s.objects(prop, SH + "minCount"):
            check(
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                f"OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this }} FILTER(?n < {int(n.value)}) }}"
            )
        for n in s.objects(prop, SH + "maxCount"):
            check(
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                f"?this {path} ?value }} GROUP BY ?this }} FILTER(?n > {int(n.value)}) }}"
            )
        for value in s.objects(prop, SH + "hasValue"):
            check(f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {term(value)} }} }}")
        for other in s.objects(prop, SH + "lessThan"):
            check(
                f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value . ?this {term(other)} ?other . "
                "FILTER(!COALESCE(?value < ?other, false)) }"
            )
        if any(v.value == "true" for v in s.objects(prop, SH + "uniqueLang")):
            check(
                f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?a, ?b . "
                'FILTER(!sameTerm(?a, ?b) && LANG(?a) != "" && LANG(?a) = LANG(?b)) }'
            )
        for qualified in s.objects(prop, SH + "qualifiedValueShape"):
            conforms = f"FILTER NOT EXISTS {{ {self.shape_violation(qualified, '?value')} }}"
            for bound, op in ((SH + "qualifiedMinCount", "<"), (SH + "qualifiedMaxCount", ">")):
                for n in s.objects(prop, bound):
                    check(
                        f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus} "
                        f"OPTIONAL {{ ?this {path} ?value . {conforms} }} }} GROUP BY ?this }} FILTER(?n {op} {int(n.value)}) }}"
                    )
        for sparql in s.objects(prop, SH + "sparql"):
            out.append(self._sparql_check(sparql, focus, message, severity, where))
        return out

    def _sparql_check(
        self, constraint: object, focus: str, message: str, severity: str, path: str | None = None
    ) -> Check:
        select = self.shapes.value(constraint, SH + "select")
        if select is None or self._deactivated(constraint):
            raise Unsupported("a sh:sparql constraint without sh:select")
        if "$PATH" in select.value:
            raise Unsupported("$PATH in a SPARQL constraint")
        text = select.value.replace("$this", "?this")
        body = text[text.upper().index("SELECT") :]
        query = f"SELECT * WHERE {{ {focus} {{ {body} }} }}"
        own = self._message(constraint, fallback=message)
        return Check(query, own, self._severity(constraint, severity), path, templated=True)

    # -- value constraints as patterns over a variable ------------------------------------------------------
    def value_violations(self, shape: object, x: str) -> list[str]:
        """Patterns that match when the value node ``x`` breaks one value-type constraint of ``shape``."""
        s = self.shapes
        out = []
        for c in s.objects(shape, SH + "class"):
            out.append(f"FILTER NOT EXISTS {{ {x} {_TYPE} {term(c)} }}")
        for d in s.objects(shape, SH + "datatype"):
            out.append(f"FILTER({self._not_datatype(x, d)})")
        for kind in s.objects(shape, SH + "nodeKind"):
            out.append(f"FILTER(!({self._node_kind(x, kind)}))")
        for head in s.objects(shape, SH + "in"):
            members = ", ".join(term(m) for m in s.items(head))
            out.append(f"FILTER(!COALESCE({x} IN ({members}), false))")
        for n in s.objects(shape, SH + "minLength"):
            out.append(f"FILTER(isBlank({x}) || STRLEN(STR({x})) < {int(n.value)})")
        for n in s.objects(shape, SH + "maxLength"):
            out.append(f"FILTER(isBlank({x}) || STRLEN(STR({x})) > {int(n.value)})")
        for p in s.objects(shape, SH + "pattern"):
            flags = s.value(shape, SH + "flags")
            args = f"{term(ox.Literal(p.value))}" + (f", {term(ox.Literal(flags.value))}" if flags is not None else "")
            out.append(f"FILTER(isBlank({x}) || !REGEX(STR({x}), {args}))")
        for name, op in (("minInclusive", ">="), ("maxInclusive", "<="), ("minExclusive", ">"), ("maxExclusive", "<")):
            for bound in s.objects(shape, SH + name):
                out.append(f"FILTER(!COALESCE({x} {op} {term(bound)}, false))")
        for other in s.objects(shape, SH + "node"):
            out.append(f"FILTER EXISTS {{ {self.shape_violation(other, x)} }}")
        for head in s.objects(shape, SH + "or"):
            alternatives = [f"EXISTS {{ {self.shape_violation(a, x)} }}" for a in s.items(head)]
            out.append(f"FILTER({' && '.join(alternatives)})")
        for head in s.objects(shape, SH + "and"):
            parts = [f"EXISTS {{ {self.shape_violation(a, x)} }}" for a in s.items(head)]
            out.append(f"FILTER({' || '.join(parts)})")
        for negated in s.objects(shape, SH + "not"):
            out.append(f"FILTER NOT EXISTS {{ {self.shape_violation(negated, x)} }}")
        return out

    def shape_violation(self, shape: object, x: str) -> str:
        """A pattern that matches when node ``x`` does not conform to ``shape`` (for sh:node, sh:or, ...)."""
        self._supported(shape)
        s = self.shapes
        path_node = s.value(shape, SH + "path")
        branches: list[str] = []
        if path_node is None:
            branches += [f"{{ {p} }}" for p in self.value_violations(shape, x)]
            for prop in s.objects(shape, SH + "property"):
                branches.append(f"{{ {self.shape_violation(prop, x)} }}")
        else:
            path = self.path(path_node)
            v = self.var()
            branches += [f"{{ {x} {path} {v} . {p} }}" for p in self.value_violations(shape, v)]
            for n in s.objects(shape, SH + "minCount"):
                if int(n.value) > 1:
                    raise Unsupported("sh:minCount above 1 inside a nested shape")
                branches.append(f"{{ FILTER NOT EXISTS {{ {x} {path} {self.var()} }} }}")
            for n in s.objects(shape, SH + "maxCount"):
                if int(n.value) != 1:
                    raise Unsupported("sh:maxCount other than 1 inside a nested shape")
                a, b = self.var(), self.var()
                branches.append(f"{{ {x} {path} {a}, {b} . FILTER(!sameTerm({a}, {b})) }}")
            for value in s.objects(shape, SH + "hasValue"):
                branches.append(f"{{ FILTER NOT EXISTS {{ {x} {path} {term(value)} }} }}")
            for name in ("lessThan", "uniqueLang", "qualifiedValueShape", "sparql"):
                if s.objects(shape, SH + name):
                    raise Unsupported(f"sh:{name} inside a nested shape")
        if not branches:
            return "FILTER(false)"
        return " UNION ".join(branches)

    # -- helpers ------------------------------------------------------------------------------------------
    @staticmethod
    def _not_datatype(x: str, datatype: object) -> str:
        check = f"!isLiteral({x}) || !sameTerm(DATATYPE({x}), {term(datatype)})"
        iri = datatype.value  # type: ignore[attr-defined]
        if iri.removeprefix("http://www.w3.org/2001/XMLSchema#") in _CASTABLE:  # ill-formed: "abc"^^xsd:integer
            check += f" || !COALESCE(sameTerm({term(datatype)}, DATATYPE({term(datatype)}(STR({x})))), false)"
        return check

    @staticmethod
    def _node_kind(x: str, kind: object) -> str:
        kinds = {
            "IRI": f"isIRI({x})",
            "Literal": f"isLiteral({x})",
            "BlankNode": f"isBlank({x})",
            "BlankNodeOrIRI": f"(isBlank({x}) || isIRI({x}))",
            "BlankNodeOrLiteral": f"(isBlank({x}) || isLiteral({x}))",
            "IRIOrLiteral": f"(isIRI({x}) || isLiteral({x}))",
        }
        name = kind.value.removeprefix(SH)  # type: ignore[attr-defined]
        if name not in kinds:
            raise Unsupported(f"sh:nodeKind {name}")
        return kinds[name]

    def _message(self, shape: object, fallback: str | None = None) -> str:
        messages = self.shapes.objects(shape, SH + "message")
        english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
        if english:
            return english[0].value
        return fallback or f"does not conform to the shape {shape}"

    def _severity(self, shape: object, inherited: str) -> str:
        found = self.shapes.value(shape, SH + "severity")
        return found.value if found is not None else inherited  # type: ignore[attr-defined]

    def _deactivated(self, shape: object) -> bool:
        return any(v.value == "true" for v in self.shapes.objects(shape, SH + "deactivated"))

    def _supported(self, shape: object) -> None:
        for predicate in self.shapes.index.get(shape, {}):
            if predicate.startswith(SH) and predicate not in SUPPORTED | {SH + "prefixes", SH + "declare"}:
                raise Unsupported(predicate.removeprefix(SH))


def compile_shapes(shapes: ShapesGraph) -> tuple[str, list[Check]]:
    """The prefixes the shapes declare and one :class:`Check` per constraint of every shape with targets."""
    compiler = Compiler(shapes)
    checks = []
    for shape in list(shapes.index):
        checks += compiler.checks(shape)
    return compiler.prefixes, checks


def run_checks(store: ox.Store, prefixes: str, checks: Sequence[Check]) -> Iterator[Violation]:
    """Evaluate every check on ``store``; one :class:`Violation` per distinct result."""
    from ..vocab import shorten

    for check in checks:
        try:
            solutions = store.query(prefixes + check.query)
        except SyntaxError as error:  # a bug in a shape's own SPARQL: say which
            raise Unsupported(f"cannot compile a constraint ({error}): {check.query[:200]}") from None
        names = [v.value for v in solutions.variables]
        for row in solutions:
            values = dict(zip(names, row))
            focus = values.get("this")
            if focus is None or isinstance(focus, ox.Literal):
                continue
            message, path = check.message, check.path
            if check.templated:
                message = re.sub(
                    r"\{[?$](\w+)\}",
                    lambda m, values=values: _text(values.get(m.group(1)), shorten),
                    message,
                )
                if values.get("path") is not None:
                    path = _text(values["path"], shorten)
            yield Violation(focus, path, message, check.severity.removeprefix(SH), values.get("value"))


def _text(node: object, shorten) -> str:
    if node is None:
        return ""
    if isinstance(node, ox.NamedNode):
        return shorten(node.value)
    return node.value  # type: ignore[attr-defined]
