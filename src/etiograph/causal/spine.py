"""Materialise the causal spine: the RDFS entailment of the causal sub-property hierarchy.

The claims assert their most specific relation (``kg:fever etio:causes kg:dehydration``). The
ontology puts every causal relation under ``etio:causesOrContributesTo`` and every counteracting one
under ``etio:counteracts``, both under ``etio:causallyRelatedTo``. RDFS rule rdfs7 (``p
rdfs:subPropertyOf q`` and ``s p o`` entail ``s q o``) makes ``kg:fever etio:causesOrContributesTo
kg:dehydration`` true; a store without a reasoner does not know it. Written down once, in
``graph/spine.ttl``, the one-liner a researcher types works on every engine::

    ASK { kg:urinary-tract-infection etio:causesOrContributesTo+ kg:leg-cramps }

and no query has to climb ``rdfs:subPropertyOf*`` at query time (Virtuoso 7.2 silently drops rows
when such a path is joined with data triples; rdflib is slow on it).

The file holds, for every triple ``s p o`` whose ``p`` is a property of the spine (``etio:causallyRelatedTo``
or anything below it), ``s q o`` for each strict super-property ``q`` of ``p`` in the spine; and, by rule
rdfs5, ``p rdfs:subPropertyOf q`` for every such pair (declared ones repeated), so a one-step ``?p rdfs:subPropertyOf
etio:counteracts`` is exact however deep the hierarchy grows. Super-properties outside the spine (the
RO alignment ``obo:RO_0002410``) are left to reasoners. The output is sorted and the same bytes on
every run; it is generated (``etiograph build``, or ``python -m etiograph.causal.spine``), never
written by hand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..diagnostics import turtle_syntax_error as syntax_error
from ..errors import DataError
from ..vocab import CAUSALLY_RELATED_TO, RDFS

_SUB_PROPERTY_OF = ox.NamedNode(RDFS + "subPropertyOf")

HEADER = b"""# The causal spine: RDFS entailment of the causal sub-property hierarchy (rules rdfs5, rdfs7).
# GENERATED from ontology/etiograph.ttl and graph/*.ttl by `etiograph build`
# (or `python -m etiograph.causal.spine`): do not edit by hand; rebuild after changing a claim.
# For every direct triple `s p o` with p below etio:causallyRelatedTo, this file states `s q o` for each
# super-property q of p up to etio:causallyRelatedTo, so `etio:causesOrContributesTo+` and
# `etio:counteracts` can be queried directly on any engine, without a reasoner.
"""

_PREFIXES = {
    "etio": "https://w3id.org/etiograph/ontology#",
    "kg": "https://w3id.org/etiograph/kg/",
    "rdfs": RDFS,
}


def _triples(paths: Iterable[Path]) -> Iterable[ox.Triple]:
    """Every triple of the files; a syntax error becomes a DataError naming file and line."""
    for path in paths:
        rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        try:
            yield from ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri())
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise DataError(path, f"cannot read: {error}") from None


#: Inputs up to this size are parsed once and kept in memory (~1 kB per triple) rather than twice.
ONE_PASS_BYTES = 16_000_000


def _total_size(paths: Sequence[Path]) -> int:
    """Bytes of the files (a missing one counts as large: the parse then names it)."""
    try:
        return sum(path.stat().st_size for path in paths)
    except OSError:
        return ONE_PASS_BYTES + 1


def _ntriples_lines(path: Path, predicates: set[bytes]) -> Iterator[bytes] | None:
    """The lines of an N-Triples file whose predicate is one of ``predicates`` (``<iri>`` bytes); None
    when the file writes IRIs with escapes (``\\u``), which only a full parse reads right.

    Why: the spine needs a few percent of a large file's triples; a regular expression finds their
    lines in the memory-mapped file at C speed, where parsing every triple into Python objects costs
    ~4 µs each (99 s CPU and 1.5 GB for a million claims).
    """
    import mmap
    import re

    with path.open("rb") as file:
        try:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return iter(())
    if data.find(b"\\u") >= 0 or data.find(b"\\U") >= 0:
        data.close()
        return None
    # One expression per namespace: a literal prefix is searched at memchr speed, an alternation of
    # whole IRIs (or a leading character class) character by character, ten times slower.
    groups: dict[bytes, list[bytes]] = {}
    for iri in sorted(predicates):
        cut = max(iri.rfind(b"#"), iri.rfind(b"/")) + 1
        groups.setdefault(iri[:cut], []).append(iri[cut:])
    patterns = [
        re.compile(re.escape(prefix) + rb"(?:" + b"|".join(re.escape(local) for local in locals_) + rb")(?=[ \t])")
        for prefix, locals_ in groups.items()
    ]

    def lines() -> Iterator[bytes]:
        with data:
            for pattern in patterns:
                for match in pattern.finditer(data):
                    # A predicate is the second term of its line: whitespace, the IRI, whitespace.
                    if data[match.start() - 1 : match.start()] not in (b" ", b"\t"):
                        continue
                    start = data.rfind(b"\n", 0, match.start()) + 1
                    end = data.find(b"\n", match.end())
                    line = data[start : end if end >= 0 else len(data)]
                    parts = line.split(None, 2)
                    if len(parts) > 2 and parts[1] == match.group():
                        yield line + b"\n"

    return lines()


def _selected(paths: Iterable[Path], predicates: set[str]) -> Iterator[ox.Triple]:
    """Every triple of the files whose predicate is in ``predicates``: N-Triples files by line
    filtering (falling back to a full parse to report a syntax error), others by a full parse."""
    wanted = {f"<{p}>".encode() for p in predicates}
    for path in paths:
        if _is_ntriples(path):
            try:
                selected = _ntriples_lines(path, wanted) if wanted else iter(())
                if selected is not None:
                    # Streamed, not listed: a syntax error part-way falls back to the full parse below,
                    # which names the line; the triples already given come again, and sets absorb them.
                    for triple in ox.parse(input=b"".join(selected), format=ox.RdfFormat.N_TRIPLES):
                        if triple.predicate.value in predicates:
                            yield triple
                    continue
            except OSError as error:
                raise DataError(path, f"cannot read: {error}") from None
            except (SyntaxError, ValueError):
                pass  # the full parse below says where
        for triple in _triples([path]):
            if triple.predicate.value in predicates:
                yield triple


def _selector(files: Sequence[Path]) -> Callable[[set[str]], Iterator[ox.Triple]]:
    """How each pass reads the triples with given predicates. N-Triples files: by line filtering, each
    pass. Other files, when all inputs are small (the article's graph, `etiograph build`): parsed once
    and kept; when large: parsed again each pass, so memory stays small at any size."""
    small = _total_size(files) <= ONE_PASS_BYTES
    kept = {path: list(_triples([path])) for path in files if small and not _is_ntriples(path)}

    def select(predicates: set[str]) -> Iterator[ox.Triple]:
        for path in files:
            if path in kept:
                yield from (t for t in kept[path] if t.predicate.value in predicates)
            else:
                yield from _selected([path], predicates)

    return select


def _is_ntriples(path: Path) -> bool:
    return ox.RdfFormat.from_extension(path.suffix.lstrip(".")) == ox.RdfFormat.N_TRIPLES


def spine_ancestors(parents: dict[str, set[str]], top: str = CAUSALLY_RELATED_TO) -> dict[str, set[str]]:
    """For each property at or below ``top``: its strict super-properties that are at or below ``top``.

    >>> e = "https://w3id.org/etiograph/ontology#"
    >>> found = spine_ancestors({e + "causes": {e + "causesOrContributesTo"},
    ...                          e + "causesOrContributesTo": {e + "causallyRelatedTo"},
    ...                          e + "causallyRelatedTo": {"http://purl.obolibrary.org/obo/RO_0002410"}})
    >>> sorted(a.rsplit("#")[1] for a in found[e + "causes"])
    ['causallyRelatedTo', 'causesOrContributesTo']
    >>> found[e + "causallyRelatedTo"]
    set()
    """

    def above(prop: str) -> set[str]:
        seen: set[str] = set()
        stack = [prop]
        while stack:  # cycles in a hand-edited hierarchy terminate too
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        seen.discard(prop)
        return seen

    closure = {prop: above(prop) for prop in set(parents) | {top}}
    in_spine = {prop for prop, ups in closure.items() if prop == top or top in ups}
    return {prop: closure[prop] & in_spine for prop in in_spine}


def spine_triples(ontology: Path, graph_files: Sequence[Path]) -> list[ox.Triple]:
    """The entailed spine triples of ``graph_files`` under ``ontology``'s hierarchy, sorted.

    The hierarchy is read from every file (a data file may declare a sub-property too). Triples
    already asserted are kept: the closure is idempotent, so feeding the output back in changes nothing.
    """
    return list(_sorted_spine(ontology, graph_files))


def _sorted_spine(ontology: Path, graph_files: Sequence[Path]) -> Iterator[ox.Triple]:
    """The spine triples in (subject, predicate, object) order, held as N-Triples lines, not objects.

    A line sorts as its three terms do: a term is followed by a space, which sorts before any
    character an IRI or blank node label may hold, and the object comes last.
    """
    files = [ontology, *(p for p in graph_files if p != ontology)]
    select = _selector(files)
    parents: dict[str, set[str]] = {}
    for triple in select({_SUB_PROPERTY_OF.value}):  # first pass: the hierarchy only
        if isinstance(triple.object, ox.NamedNode):
            parents.setdefault(triple.subject.value, set()).add(triple.object.value)
    ancestors = spine_ancestors(parents)
    out: set[str] = set()
    for prop, ups in ancestors.items():
        for up in ups:  # rdfs5: the whole closure, declared pairs included, so the output is idempotent
            out.add(f"<{prop}> {_SUB_PROPERTY_OF} <{up}> .")
    uppers = {prop: [str(ox.NamedNode(up)) for up in ups] for prop, ups in ancestors.items() if ups}
    for triple in select(set(uppers)):  # second pass: rdfs7 on the spine's data triples
        subject, obj = str(triple.subject), str(triple.object)
        for up in uppers[triple.predicate.value]:
            out.add(f"{subject} {up} {obj} .")
    lines = sorted(out)
    del out
    return (quad.triple for quad in ox.parse(input="\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def spine_turtle(ontology: Path, graph_files: Sequence[Path]) -> bytes:
    """``graph/spine.ttl`` as bytes: a header comment, then the spine triples, deterministic.

    >>> from etiograph import resources
    >>> text = spine_turtle(resources.ontology_file(), resources.source_graph_files()).decode()
    >>> "etio:causes rdfs:subPropertyOf etio:causallyRelatedTo" in text
    True
    """
    body = ox.serialize(_sorted_spine(ontology, graph_files), format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES)
    return HEADER + b"\n" + body


def write_spine(target: Path | None = None, ontology: Path | None = None, graph_files: Sequence[Path] | None = None) -> bool:
    """Write the bundled graph's spine (default ``graph/spine.ttl``) atomically; True when it changed."""
    from .. import resources
    from ..atomic import write_bytes_atomic

    target = target or resources.spine_file()
    content = spine_turtle(ontology or resources.ontology_file(), graph_files or resources.source_graph_files())
    if target.is_file() and target.read_bytes() == content:
        return False
    write_bytes_atomic(target, content)
    return True


def is_up_to_date(target: Path | None = None) -> bool:
    """Whether ``graph/spine.ttl`` holds exactly what the ontology and the claims entail."""
    from .. import resources

    target = target or resources.spine_file()
    expected = spine_turtle(resources.ontology_file(), resources.source_graph_files())
    return target.is_file() and target.read_bytes() == expected


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m etiograph.causal.spine [--check]``: regenerate or check ``graph/spine.ttl``."""
    from ..errors import EtiographError

    parser = argparse.ArgumentParser(prog="python -m etiograph.causal.spine", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if graph/spine.ttl is stale, write nothing")
    args = parser.parse_args(argv)
    try:
        if args.check:
            fresh = is_up_to_date()
            print("graph/spine.ttl is up to date" if fresh else "graph/spine.ttl is stale: run `python -m etiograph.causal.spine`")
            return 0 if fresh else 1
        changed = write_spine()
    except EtiographError as error:
        print(f"etiograph: error: {error}", file=sys.stderr)
        return error.exit_code
    print("wrote graph/spine.ttl" if changed else "graph/spine.ttl was already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
