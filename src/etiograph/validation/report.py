"""Validate a graph: the SHACL shapes of ``ontology/shapes.ttl``, then the quotes against the article.

``validate(paths)`` is what ``etiograph validate`` runs. The ontology is part of the data graph
(sub-classes, sub-properties and declared relations live there), so it is added when missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import resources
from ..datafiles import read_rdflib
from ..errors import DataError
from ..records import record
from ..vocab import ETIO, RDF, RDFS, SH, SKOS, shorten

if TYPE_CHECKING:
    import rdflib

    from .quotes import QuoteProblem

__all__ = ["Problem", "ValidationReport", "validate"]

# SHACL-instances of etio:Claim and members of the concept scheme, for the report's counts.
_COUNTS = f"""
SELECT
    (COUNT(DISTINCT ?claim) AS ?claims)
    (COUNT(DISTINCT ?concept) AS ?concepts)
WHERE {{
    {{ ?claim <{RDF}type>/<{RDFS}subClassOf>* <{ETIO}Claim> }}
    UNION
    {{ ?concept <{SKOS}inScheme> <https://w3id.org/etiograph/kg/concepts> }}
}}
"""

# Top-level results only: nested ones (sh:detail) repeat what their parent's message says.
_RESULTS = f"""
SELECT ?result ?focus ?path ?message ?severity ?value WHERE {{
    ?report <{SH}result> ?result .
    ?result <{SH}focusNode> ?focus ;
        <{SH}resultSeverity> ?severity .
    OPTIONAL {{ ?result <{SH}resultPath> ?path }}
    OPTIONAL {{ ?result <{SH}resultMessage> ?message }}
    OPTIONAL {{ ?result <{SH}value> ?value }}
}}
"""


@record(frozen=True)
class Problem:
    """One thing wrong with the graph.

    ``kind`` is ``"shacl"`` (a shape of ``ontology/shapes.ttl``) or ``"quote"`` (a quote not in the
    article); ``severity`` is ``"Violation"``, ``"Warning"`` or ``"Info"``; ``focus`` names the
    node at fault as a CURIE where possible (``claim:fever--causes--dehydration``); ``path`` the
    property involved, if any; ``message`` says what is wrong and what to do.
    """

    kind: str
    severity: str
    focus: str
    path: str | None
    message: str


@record(frozen=True)
class ValidationReport:
    """What ``validate`` found, with counts of what it looked at.

    ``quotes`` is the number of quotes checked against the article, or None when no article was
    given. ``seconds`` is how long SHACL validation took.

    Examples
    --------
    >>> report = ValidationReport(conforms=True, problems=(), triples=10, claims=1, concepts=2, quotes=1)
    >>> print(report.text())
    conforms: 1 claims, 2 concepts, 10 triples; all 1 quotes verbatim in the article
    >>> problem = Problem("quote", "Violation", "claim:a--causes--b", None, "not in the article")
    >>> report = ValidationReport(conforms=False, problems=(problem,), triples=10, claims=1, concepts=2)
    >>> print(report.text())
    does not conform: 1 problem on 1 node (1 claims, 2 concepts, 10 triples; quotes not checked)
    <BLANKLINE>
    claim:a--causes--b
      - [quote] not in the article
    """

    conforms: bool
    problems: tuple[Problem, ...]
    triples: int
    claims: int
    concepts: int
    quotes: int | None = None
    seconds: float = 0.0

    def text(self) -> str:
        """A readable report: one summary line, then the problems grouped by focus node."""
        counts = f"{self.claims} claims, {self.concepts} concepts, {self.triples} triples"
        if self.quotes is None:
            quotes = "quotes not checked"
        elif self.conforms or not any(p.kind == "quote" for p in self.problems):
            quotes = f"all {self.quotes} quotes verbatim in the article"
        else:
            quotes = f"{self.quotes} quotes checked against the article"
        if not self.problems:
            return f"conforms: {counts}; {quotes}"
        by_focus: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_focus.setdefault(problem.focus, []).append(problem)
        n, nodes = len(self.problems), len(by_focus)
        verdict = "conforms" if self.conforms else "does not conform"
        lines = [
            f"{verdict}: {n} problem{'s' * (n != 1)} on {nodes} node{'s' * (nodes != 1)} ({counts}; {quotes})",
        ]
        for focus, problems in by_focus.items():
            lines += ["", focus]
            for problem in problems:
                severity = "" if problem.severity == "Violation" else f"{problem.severity.lower()}: "
                where = f"{problem.path}: " if problem.path else ""
                lines.append(f"  - [{problem.kind}] {severity}{where}{problem.message}")
        return "\n".join(lines)


def validate(
    paths: Sequence[Path],
    article: Path | None = None,
    *,
    engine: str = "oxigraph",
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the Turtle files ``paths`` against the shapes, and their quotes against ``article``.

    ``paths`` are read as one graph (``etiograph.datafiles.graph_sources()`` gives the bundled
    ontology and graph); the ontology is added if it is not among them. A file that is not valid
    Turtle raises ``etiograph.errors.DataError`` naming the file and line. With ``article`` (the
    source text, e.g. ``etiograph.resources.article_file()``), every ``oa:exact`` quote must be in
    it verbatim and sit at its ``oa:start``/``oa:end``; without it, quotes are not checked.

    ``engine="oxigraph"`` (default) compiles each shape constraint into one SPARQL query that
    pyoxigraph runs over the whole graph (:mod:`etiograph.validation.shacl`, well under a second);
    ``engine="pyshacl"`` runs pySHACL, the reference (seconds). Shapes the compiler cannot
    handle fall back to pySHACL. ``progress`` receives a line per stage.

    Examples
    --------
    >>> from etiograph.datafiles import graph_sources
    >>> report = validate(graph_sources())
    >>> report.conforms, report.problems
    (True, ())
    """
    if engine not in ("oxigraph", "pyshacl"):
        raise ValueError(f"engine is 'oxigraph' or 'pyshacl', not {engine!r}")
    say = progress or (lambda _line: None)
    files = [Path(p) for p in paths]
    ontology = resources.ontology_file()
    if all(p.resolve() != ontology.resolve() for p in files):
        files.insert(0, ontology)
    if engine == "oxigraph":
        from .shacl import Unsupported

        try:
            return _validate_oxigraph(files, article, say)
        except Unsupported as error:
            say(f"the shapes use {error}, which the fast engine does not compile: running pySHACL")
    return _validate_pyshacl(files, article, say)


def _validate_oxigraph(files: list[Path], article: Path | None, say: Callable[[str], None]) -> ValidationReport:
    import time

    import pyoxigraph as ox

    from ..diagnostics import turtle_syntax_error as syntax_error
    from .shacl import ShapesGraph, compile_shapes, run_checks

    started = time.perf_counter()
    store = ox.Store()
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        except (OSError, ValueError) as error:
            raise DataError(path, f"cannot read: {error}") from None
    say(f"read {len(files)} files: {len(store):,} triples ({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    prefixes, checks = compile_shapes(ShapesGraph.parse(str(resources.shapes_file())))
    violations = list(run_checks(store, prefixes, checks))
    seconds = time.perf_counter() - started
    found = f"{len(violations)} violation{'' if len(violations) == 1 else 's'}"
    say(f"checked {len(checks)} SHACL constraints: {found} ({seconds:.2f} s)")
    problems = sorted(
        {
            Problem("shacl", v.severity, _describe_ox(store, v.focus), v.path, _shorten_iris(v.message))
            for v in violations
        },
        key=lambda p: (p.focus, p.path or "", p.message),
    )
    shacl_conforms = not any(v.severity == "Violation" for v in violations)

    quotes = None
    if article is not None:
        started = time.perf_counter()
        quotes, quote_problems = _check_quotes(store, article)
        problems += [_quote_problem_ox(store, problem) for problem in quote_problems]
        say(f"checked {quotes} quotes against {article.name} ({time.perf_counter() - started:.2f} s)")

    counts = next(iter(store.query(_COUNTS)))
    return ValidationReport(
        conforms=shacl_conforms and not any(p.kind == "quote" for p in problems),
        problems=tuple(problems),
        triples=len(store),
        claims=int(counts[0].value),
        concepts=int(counts[1].value),
        quotes=quotes,
        seconds=seconds,
    )


def _check_quotes(graph: object, article: Path) -> tuple[int, list[QuoteProblem]]:
    from .quotes import check_quotes, count_quotes

    with open(article, encoding="utf-8", newline="") as handle:  # newline="": offsets count every character
        article_text = handle.read()
    return count_quotes(graph), check_quotes(graph, article_text)  # type: ignore[arg-type]


def _describe_ox(store: object, node: object) -> str:
    """:func:`_describe` for a pyoxigraph store: blank nodes named by the IRI they hang from."""
    import pyoxigraph as ox

    steps: list[str] = []
    seen = set()
    while isinstance(node, ox.BlankNode) and node not in seen and len(steps) < 4:
        seen.add(node)
        parents = sorted(store.quads_for_pattern(None, None, node), key=lambda q: (str(q.subject), str(q.predicate)))  # type: ignore[attr-defined]
        if not parents:
            break
        node, predicate = parents[0].subject, parents[0].predicate
        steps.insert(0, shorten(predicate.value))
    head = shorten(node.value) if isinstance(node, ox.NamedNode) else f"_:{node.value}"  # type: ignore[attr-defined]
    return " › ".join([head, *steps])


def _quote_problem_ox(store: object, problem: QuoteProblem) -> Problem:
    import pyoxigraph as ox

    try:
        node: object = ox.NamedNode(problem.subject)
    except ValueError:
        node = ox.BlankNode(problem.subject)
    quote = problem.quote if len(problem.quote) <= 80 else problem.quote[:77] + "..."
    return Problem("quote", "Violation", _describe_ox(store, node), "oa:exact", f"{problem.reason}: {quote!r}")


def _validate_pyshacl(files: list[Path], article: Path | None, say: Callable[[str], None]) -> ValidationReport:
    import time

    import pyshacl
    import rdflib

    started = time.perf_counter()
    graph = read_rdflib(files)
    shapes = rdflib.Graph().parse(str(resources.shapes_file()), format="turtle")
    say(f"read {len(files)} files: {len(graph):,} triples ({time.perf_counter() - started:.2f} s)")

    started = time.perf_counter()
    # No inference: SHACL follows rdfs:subClassOf in the data graph by itself (sh:targetClass,
    # sh:class). advanced=True enables the SPARQL-based constraints and targets of the shapes.
    shacl_conforms, results, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    seconds = time.perf_counter() - started
    problems = _shacl_problems(graph, results)
    say(f"checked the shapes with pySHACL: {len(problems)} problems ({seconds:.2f} s)")

    quotes = None
    if article is not None:
        quotes, quote_problems = _check_quotes(graph, article)
        problems += [_quote_problem(graph, problem) for problem in quote_problems]

    claims, concepts = next(iter(graph.query(_COUNTS)))  # type: ignore[misc]
    return ValidationReport(
        conforms=bool(shacl_conforms) and not any(p.kind == "quote" for p in problems),
        problems=tuple(problems),
        triples=len(graph),
        claims=int(claims),
        concepts=int(concepts),
        quotes=quotes,
        seconds=seconds,
    )


def _shacl_problems(graph: rdflib.Graph, results: rdflib.Graph) -> list[Problem]:
    """The validation results as Problems, sorted by focus node, path and message."""
    problems = set()
    for row in results.query(_RESULTS):
        _, focus, path, message, severity, value = row  # type: ignore[misc]
        text = _shorten_iris(str(message)) if message is not None else _default_message(value)
        problems.add(
            Problem(
                kind="shacl",
                severity=str(severity).removeprefix(SH),
                focus=_describe(graph, focus),
                path=_path_text(results, path),
                message=text,
            )
        )
    return sorted(problems, key=lambda p: (p.focus, p.path or "", p.message))


def _quote_problem(graph: rdflib.Graph, problem: QuoteProblem) -> Problem:
    import rdflib

    node = rdflib.URIRef(problem.subject) if ":" in problem.subject else rdflib.BNode(problem.subject)
    quote = problem.quote if len(problem.quote) <= 80 else problem.quote[:77] + "..."
    return Problem("quote", "Violation", _describe(graph, node), "oa:exact", f"{problem.reason}: {quote!r}")


def _default_message(value: object) -> str:
    return f"does not conform (value {value})" if value is not None else "does not conform"


def _shorten_iris(text: str) -> str:
    """Write the full IRIs pySHACL puts into messages as CURIEs."""
    import re

    return re.sub(r"<?(https?://[^\s<>\"']*[^\s<>\"'.,:;)])>?", lambda m: shorten(m.group(1)), text)


def _describe(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A CURIE for an IRI; for a blank node (an evidence, a selector), the IRI that points to it.

    ``claim:x › etio:evidence › oa:hasSelector`` says where a nested node hangs.
    """
    import rdflib

    steps: list[str] = []
    seen = set()
    while isinstance(node, rdflib.BNode) and node not in seen and len(steps) < 4:
        seen.add(node)
        parent = next(iter(graph.subject_predicates(node)), None)
        if parent is None:
            break
        node, predicate = parent
        steps.insert(0, shorten(str(predicate)))
    head = shorten(str(node)) if isinstance(node, rdflib.URIRef) else f"_:{node}"
    return " › ".join([head, *steps])


def _path_text(results: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A property path as SPARQL-like text: ``etio:evidence/oa:hasSelector``, ``^rdf:subject``."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return shorten(str(path))
    sh = rdflib.Namespace(SH)
    if (path, rdflib.RDF.first, None) in results:
        return "/".join(_path_text(results, step) or "?" for step in Collection(results, path))
    for predicate, template in (
        (sh.inversePath, "^{}"),
        (sh.zeroOrMorePath, "{}*"),
        (sh.oneOrMorePath, "{}+"),
        (sh.zeroOrOnePath, "{}?"),
    ):
        inner = results.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(results, inner))
    alternatives = results.value(path, sh.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(results, step) or "?" for step in Collection(results, alternatives))
    return str(path)
