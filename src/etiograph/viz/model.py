"""What a diagram shows, read from a KnowledgeGraph: concepts, links with their claims, paths.

Two views. With a source and a target, the links are the hops of ``kg.paths`` (so names, alt
labels, CURIEs and IRIs resolve as everywhere, and the counts match ``etiograph paths``).
Without them, every concept joined by a causal or counteracting relation. Both can be limited
to one mechanism. Every query binds store-provided terms only, as :mod:`etiograph.causal.source` does.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..causal.model import Evidence, Hop, is_table_row
from ..causal.source import EdgeFilter, chunks, values
from ..errors import EtiographError
from ..graph import KnowledgeGraph
from ..records import NamedTuple
from ..vocab import RDF, SKOS, SPARQL_PROLOGUE, shorten
from . import DEFAULT_LIMIT, select, style

#: Paths ranked by the informative-first choice; beyond, the engine's order (shortest first).
SELECTED = 300
#: Concepts whose counteracting claims a story's last step can show.
LISTED_COUNTERS = 400


class Claim(NamedTuple):
    """One sentence-backed claim behind a link, with labels ready to show."""

    predicate: str
    predicate_label: str
    certainty: str | None
    certainty_label: str | None
    rank: int
    mechanisms: tuple[str, ...]
    quotes: tuple[str, ...]
    section: str | None
    #: The source document the claim comes from (its section's document), to count corroboration.
    document: str | None = None


class Link(NamedTuple):
    """A drawn arrow: one source, one target, one polarity, all the claims that back it."""

    id: str
    source: str
    target: str
    counteracting: bool
    predicates: tuple[str, ...]
    claims: tuple[Claim, ...]

    @property
    def best(self) -> Claim | None:
        claims = self.claims
        if len(claims) == 1:  # most links (asked for by the styling, the legend and the slides)
            return claims[0]
        return max(claims, key=lambda c: (c.rank, len(c.quotes)), default=None)

    @property
    def sources(self) -> int:
        """How many independent source documents back the link (1 for a single article)."""
        return len({c.document for c in self.claims if c.document})

    @property
    def mechanisms(self) -> tuple[str, ...]:
        found = {m for c in self.claims for m in c.mechanisms}
        return tuple(found) if len(found) < 2 else tuple(sorted(found, key=style.mechanism_order))

    def mechanism(self, preferred: str | None = None) -> str | None:
        """The mechanism that colours the link: the filter's, else the one most of its claims name."""
        names = self.mechanisms
        if preferred in names:
            return preferred
        if len(names) < 2:  # most links: the one mechanism their claims name, or none
            return names[0] if names else None
        counts = {m: sum(m in c.mechanisms for c in self.claims) for m in names}
        return max(names, key=lambda m: (counts[m], -style.mechanism_order(m)[0]))


class Node(NamedTuple):
    iri: str
    label: str
    kind: str | None
    kind_label: str | None
    alt_labels: tuple[str, ...] = ()
    mappings: tuple[str, ...] = ()
    definition: str | None = None
    role: str | None = None  # "source", "target" or None


class Step(NamedTuple):
    """One hop of a path as story mode tells it: the claim the CLI shows for that hop."""

    link: str
    predicate_label: str
    certainty: str | None
    mechanisms: tuple[str, ...]
    quote: str | None


class PathSummary(NamedTuple):
    labels: tuple[str, ...]
    links: tuple[str, ...]
    certainty: str | None
    steps: tuple[Step, ...] = ()
    nodes: tuple[str, ...] = ()


class Counter(NamedTuple):
    """Something the source says counteracts a concept (for the last step of a story)."""

    source_label: str
    predicate_label: str
    target: str
    certainty: str | None
    quote: str | None


class Diagram:
    """Everything a page needs; built by :func:`build_diagram`, drawn by :mod:`etiograph.viz.page`.

    A plain class, not a dataclass (``etiograph viz`` should not pay for :mod:`dataclasses` at start):
    the fields below, by position or keyword, compared and shown field by field."""

    __slots__ = FIELDS = (
        "mode",  # "paths" or "graph"
        "title",
        "caption",
        "nodes",
        "links",
        "paths",
        "total_paths",
        "source",
        "target",
        "max_hops",
        "mechanism",
        "mechanism_labels",
        "data_date",
        "drawn",  # paths (indexes into ``paths``) drawn when the page opens; the others come with "N more"
        "counters",  # what counteracts each concept on the listed paths, keyed by concept IRI
        "citation",  # where the claims come from (the dataset's source document), for handouts
    )

    def __init__(
        self,
        mode: str,
        title: str,
        caption: str,
        nodes: list[Node],
        links: list[Link],
        paths: list[PathSummary] | None = None,
        total_paths: int = 0,
        source: Node | None = None,
        target: Node | None = None,
        max_hops: int | None = None,
        mechanism: str | None = None,
        mechanism_labels: dict[str, str] | None = None,
        data_date: str | None = None,
        drawn: int = 0,
        counters: dict[str, list[Counter]] | None = None,
        citation: str | None = None,
    ) -> None:
        self.mode, self.title, self.caption, self.nodes, self.links = mode, title, caption, nodes, links
        self.paths = [] if paths is None else paths
        self.total_paths, self.source, self.target, self.max_hops = total_paths, source, target, max_hops
        self.mechanism = mechanism
        self.mechanism_labels = {} if mechanism_labels is None else mechanism_labels
        self.data_date, self.drawn, self.citation = data_date, drawn, citation
        self.counters = {} if counters is None else counters

    def __repr__(self) -> str:
        return f"Diagram({', '.join(f'{name}={getattr(self, name)!r}' for name in self.FIELDS)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    @property
    def drawn_links(self) -> set[str]:
        """Links of the paths drawn when the page opens (every link outside path diagrams)."""
        if self.mode != "paths" or self.drawn >= len(self.paths):
            return {link.id for link in self.links}
        return {link for p in self.paths[: self.drawn] for link in p.links}

    @property
    def drawn_nodes(self) -> set[str]:
        ids = self.drawn_links
        ends = {n for link in self.links if link.id in ids for n in (link.source, link.target)}
        return ends | {n.iri for n in (self.source, self.target) if n is not None}


_DESCRIBE = """SELECT ?c ?kind ?alt ?match ?definition WHERE {{ {values}
  {{ ?c a ?kind FILTER(?kind != skos:Concept) }}
  UNION {{ ?c skos:altLabel ?alt }}
  UNION {{ ?c skos:exactMatch|skos:closeMatch ?match }}
  UNION {{ ?c skos:definition ?definition FILTER(LANG(?definition) = "" || LANGMATCHES(LANG(?definition), "en")) }}
}}"""

_LABELS = """SELECT ?x ?label WHERE {{ {values}
  ?x rdfs:label|skos:prefLabel|dcterms:title ?label FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }}"""

_TYPE, _CONCEPT, _ALT, _DEFINITION = RDF + "type", SKOS + "Concept", SKOS + "altLabel", SKOS + "definition"
#: The statements _DESCRIBE reads, for the store lookups that give the same answers.
_DESCRIBED = frozenset({_TYPE, _ALT, _DEFINITION, SKOS + "exactMatch", SKOS + "closeMatch"})


def _english(language: str | None) -> bool:
    """``LANG(?x) = "" || LANGMATCHES(LANG(?x), "en")``, as _DESCRIBE filters definitions.

    >>> [_english(tag) for tag in (None, "en", "EN-gb", "eng", "fr")]
    [True, True, True, False, False]
    """
    return language is None or language.lower() == "en" or language.lower().startswith("en-")


def dataset_date(kg: KnowledgeGraph) -> str | None:
    """The date the data declares (void:Dataset's dcterms:modified, created or issued), if any."""
    date = kg.dataset_info().date
    return date[:10] if date else None


def build_diagram(
    kg: KnowledgeGraph,
    source: str | None = None,
    target: str | None = None,
    *,
    max_hops: int = 6,
    mechanism: str | None = None,
    title: str | None = None,
    data_date: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> Diagram:
    """The concepts and links to draw: the causal paths source → target, or the whole graph.

    A path diagram lists every path, most informative first (:mod:`etiograph.viz.select`), and
    draws the first ``limit`` of them when the page opens (all of them with ``limit=None``)."""
    if (source is None) != (target is None):
        raise EtiographError("give both a source and a target concept, or neither (to draw the whole graph)")
    notation = None
    if mechanism:
        mechanism_iri = kg.mechanism(mechanism)
        notation = kg.scheme("mechanisms")[mechanism_iri].notation
    mechanism_labels = {t.notation: t.label for t in kg.scheme("mechanisms").values()}
    data_date = data_date or dataset_date(kg)
    if source is not None and target is not None:
        if limit is not None and limit < 1:
            raise EtiographError(f"--limit must be at least 1 (got {limit}); use --all to draw every path")
        diagram = _paths_view(kg, source, target, max_hops, notation, limit)
    else:
        diagram = _graph_view(kg, notation)
    diagram.mechanism = notation
    diagram.mechanism_labels = mechanism_labels
    diagram.data_date = data_date
    diagram.title = title or diagram.title
    diagram.caption = _caption(diagram)
    diagram.citation = citation(kg)
    return diagram


# -- the two views ------------------------------------------------------------------------------------
def _paths_view(
    kg: KnowledgeGraph, source: str, target: str, max_hops: int, notation: str | None, limit: int | None
) -> Diagram:
    result = kg.paths(source, target, max_hops=max_hops, mechanism=notation)
    start, end = kg.resolve(source), kg.resolve(target)
    claims = {e.claim for p in result.paths for h in p.hops for e in h.evidence}
    shortcuts = select.shortcut_hops(result.paths, select.summary_claims(kg, claims))
    ranked = [result.paths[i] for i in select.informative(result.paths[:SELECTED], None, shortcuts)]
    ranked += list(result.paths[SELECTED:])
    # kg.paths makes each hop once per (subject, object) pair and the paths share them: a pair names its
    # hop, so each link, story step, rank and certainty is made once and found again by the pair
    order: dict[str, None] = {start.iri: None}
    hops: dict[tuple[str, str], Hop] = {}
    for path in ranked:
        for hop in path.hops:
            pair = (hop.subject, hop.object)
            if pair not in hops:
                hops[pair] = hop
                order.update(dict.fromkeys(pair))
    order.setdefault(end.iri)
    concepts = list(order)
    counter_evidence = _counter_evidence(kg, concepts[:LISTED_COUNTERS])
    bests = {pair: h.best for pair, h in hops.items()}
    names = _Names(kg)
    names.labels(  # every label the links, steps and counters show, in one query
        {e.predicate for h in hops.values() for e in h.evidence}
        | {e.section for h in hops.values() for e in h.evidence if e.section}
        | {b.predicate if b else h.predicate for h, b in zip(hops.values(), bests.values(), strict=True)}
        | {p for options in counter_evidence.values() for p, _ in options}
        | {c.predicate for options in counter_evidence.values() for _, claims in options for c in claims}
        | {c.section for options in counter_evidence.values() for _, claims in options for c in claims if c.section}
    )
    ids = {pair: f"e{i}" for i, pair in enumerate(hops)}
    links = [
        Link(
            ids[pair],
            h.subject,
            h.object,
            False,
            (h.predicate,) if not h.evidence else _predicates(h.evidence),
            names.claims(h.evidence),
        )
        for pair, h in hops.items()
    ]
    nodes = names.nodes(concepts, roles={start.iri: "source", end.iri: "target"})
    predicate_labels = names.labels(())  # fetched above
    steps: dict[tuple[str, str], Step] = {}
    ranks: dict[tuple[str, str], int] = {}
    for pair, h in hops.items():
        best = bests[pair]
        steps[pair] = Step(
            ids[pair],
            predicate_labels[best.predicate if best else h.predicate],
            best.certainty if best else None,
            best.mechanisms if best else (),
            telling_quote(h),
        )
        ranks[pair] = max((e.rank for e in h.evidence), default=0)  # Hop.rank
    summaries = []
    for p in ranked:
        pairs = [(h.subject, h.object) for h in p.hops]
        weakest = min(pairs, key=ranks.__getitem__, default=None)  # CausalPath.weakest: the first weakest hop
        best = bests[weakest] if weakest is not None else None
        summaries.append(
            PathSummary(
                p.labels,
                tuple([ids[pair] for pair in pairs]),
                best.certainty if best else None,
                tuple([steps[pair] for pair in pairs]),
                p.nodes,
            )
        )
    by_iri = {n.iri: n for n in nodes}
    return Diagram(
        mode="paths",
        title=f"How can {_article(start.label)} lead to {end.label}?",
        caption="",
        nodes=nodes,
        links=links,
        paths=summaries,
        total_paths=result.total,
        source=by_iri[start.iri],
        target=by_iri[end.iri],
        max_hops=max_hops,
        drawn=len(summaries) if limit is None else min(limit, len(summaries)),
        counters=_counters(kg, names, counter_evidence),
    )


def telling_quote(hop) -> str | None:
    """The sentence a story shows for a hop: among the quotes of its firmest claims, a sentence before
    a table row, then the one that names most of both ends (a hop's first quote can be about something
    else), then the shortest.

    >>> from etiograph.causal.model import Evidence, Hop
    >>> hop = Hop("a", "b", "inflammation", "leg cramps", "p", (Evidence("c", "p", "can", 6, (), (
    ...     "While medication-induced cramps are less common, they remain possible.",
    ...     "Inflammation near the pelvis can trigger leg cramps.")),))
    >>> telling_quote(hop)
    'Inflammation near the pelvis can trigger leg cramps.'
    """
    if not hop.evidence:
        return None
    rank = max(e.rank for e in hop.evidence)
    quotes = [q for e in hop.evidence if e.rank == rank for q in e.quotes]
    if not quotes:
        return hop.quote
    words = {w for label in (hop.subject_label, hop.object_label) for w in label.lower().split() if len(w) > 3}

    def score(quote: str) -> tuple[bool, int, int, str]:
        text = quote.lower()
        return (is_table_row(quote), -sum(w[:-1] in text for w in words), len(quote), quote)

    return min(quotes, key=score)


def _article(label: str) -> str:
    """A label as the subject of a question: "a UTI", "an infection", but "dehydration" and "UTIs".

    >>> _article("UTI"), _article("urinary tract infection"), _article("dehydration"), _article("Kegel exercises")
    ('a UTI', 'a urinary tract infection', 'dehydration', 'Kegel exercises')
    """
    countable = label.endswith(("infection", "disease", "condition", "drug", "injury")) or (
        label.isupper() and len(label) <= 6
    )
    if not countable or label.endswith("s"):
        return label
    return ("an " if label[0].lower() in "aeio" and not label.isupper() else "a ") + label


def _counter_evidence(kg: KnowledgeGraph, concepts: list[str]) -> dict[tuple[str, str], list]:
    """What the data says counteracts each of ``concepts`` (treats, prevents, eases...): the claims by edge."""
    counter = tuple(sorted(kg.counteracting_predicates()))
    if not concepts or not counter:
        return {}
    return kg.edge_evidence(kg.edges_into(concepts, EdgeFilter(counter)), EdgeFilter(counter))


def _counters(kg: KnowledgeGraph, names: _Names, evidence: dict[tuple[str, str], list]) -> dict[str, list[Counter]]:
    """The counteracting claims of ``evidence`` by the concept they counteract, each with a quote."""
    labels = kg.labels({s for s, _ in evidence})
    out: dict[str, list[Counter]] = {}
    for (s, o), options in sorted(evidence.items()):
        claims = names.claims(c for _, cs in options for c in cs)
        best = max(claims, key=lambda c: (c.rank, len(c.quotes)), default=None)
        predicate = best.predicate_label if best else names.labels([options[0][0]])[options[0][0]]
        out.setdefault(o, []).append(
            Counter(
                labels[s],
                predicate,
                o,
                best.certainty if best else None,
                best.quotes[0] if best and best.quotes else None,
            )
        )
    return out


def mechanism_diagrams(kg: KnowledgeGraph, data_date: str | None = None) -> list[Diagram]:
    """One whole-mechanism diagram per mechanism that has claims, in the ontology's order, from one
    evidence lookup for the whole graph (a lookup per mechanism would read every claim each time)."""
    data_date = data_date or dataset_date(kg)
    predicates = tuple(sorted(set(kg.causal_predicates()) | set(kg.counteracting_predicates())))
    everything = all_evidence(kg, EdgeFilter(predicates))
    names = _Names(kg)
    terms = sorted(kg.scheme("mechanisms").values(), key=lambda t: style.mechanism_order(t.notation))
    labels = {t.notation: t.label for t in terms}
    cite = citation(kg)
    names.nodes(list(dict.fromkeys(n for edge in everything for n in edge)))  # every concept described in one go
    names.prefetch(everything)
    # each mechanism's claims, in one pass: per edge and predicate, the claims naming it, in order
    per: dict[str, dict[tuple[str, str], list]] = {term.notation: {} for term in terms}
    for edge, options in everything.items():
        for p, claims in options:
            groups: dict[str, list] = {}
            for c in claims:
                for m in dict.fromkeys(c.mechanisms):  # a claim once per mechanism, however often it names it
                    groups.setdefault(m, []).append(c)
            for m, named in groups.items():
                if m in per:
                    per[m].setdefault(edge, []).append((p, tuple(named)))
    out = []
    for term in terms:
        evidence = per[term.notation]
        if not evidence:
            continue
        diagram = _graph_view(kg, term.notation, evidence=evidence, names=names, title=f"Mechanism: {term.label}")
        diagram.mechanism, diagram.mechanism_labels, diagram.data_date = term.notation, labels, data_date
        diagram.caption = _caption(diagram)
        diagram.citation = cite
        out.append(diagram)
    return out


def _graph_view(
    kg: KnowledgeGraph,
    notation: str | None,
    *,
    evidence: dict | None = None,
    names: _Names | None = None,
    title: str | None = None,
) -> Diagram:
    counter = set(kg.counteracting_predicates())
    if evidence is None:
        predicates = tuple(sorted(set(kg.causal_predicates()) | counter))
        mechanism_iri = next((t.iri for t in kg.scheme("mechanisms").values() if t.notation == notation), None)
        edge_filter = EdgeFilter(predicates, mechanism=mechanism_iri, mechanism_name=notation)
        evidence = all_evidence(kg, edge_filter)
    if names is None:
        names = _Names(kg)
        names.prefetch(evidence)
    links: list[Link] = []
    order: dict[str, None] = {}
    for (s, o), options in sorted(evidence.items()):
        for counteracting in (False, True):
            chosen = [(p, claims) for p, claims in options if (p in counter) == counteracting]
            if not chosen:
                continue
            claims = tuple(c for _, cs in chosen for c in cs)
            links.append(Link(f"e{len(links)}", s, o, counteracting, tuple(p for p, _ in chosen), names.claims(claims)))
            order.update(dict.fromkeys((s, o)))
    nodes = names.nodes(list(order))
    title = title or dataset_title(kg) or "Causal graph"
    return Diagram(mode="graph", title=title, caption="", nodes=nodes, links=links)


def all_evidence(kg: KnowledgeGraph, edge_filter: EdgeFilter) -> dict[tuple[str, str], list]:
    """Every edge of ``edge_filter``'s predicates with its qualifying claims (the whole-graph view)."""
    return kg.all_edge_evidence(edge_filter)


def _predicates(evidence: tuple[Evidence, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.predicate for e in evidence))


def citation(kg: KnowledgeGraph) -> str | None:
    """The source document the dataset derives from: “title” (publisher, date), address, and the
    retrieval note when the data gives no address; None when the data names no source."""
    source = kg.dataset_info().source
    if source is None:
        return None
    extra = ", ".join(x for x in (source.publisher, source.date and source.date[:10]) if x)
    text = f"\u201c{source.title}\u201d" + (f" ({extra})" if extra else "")
    if source.page:
        return f"{text}, {source.page}"
    return f"{text}. {source.note}" if source.note else text


def dataset_title(kg: KnowledgeGraph) -> str | None:
    """The dataset's own title (void:Dataset's dcterms:title), if it has one."""
    return kg.dataset_info().title


def count(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless one.

    >>> count(1, "causal path"), count(143, "causal path")
    ('1 causal path', '143 causal paths')
    """
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _caption(diagram: Diagram) -> str:
    parts = []
    concepts, links = count(len(diagram.nodes), "concept"), count(len(diagram.links), "link")
    if diagram.mode == "paths" and diagram.source and diagram.target:
        parts.append(
            f"{count(diagram.total_paths, 'causal path')} from {diagram.source.label} to {diagram.target.label} "
            f"(at most {diagram.max_hops} hops) through {concepts} and {links}"
        )
    else:
        counter = sum(link.counteracting for link in diagram.links)
        causal = len(diagram.links) - counter
        parts.append(f"{concepts} joined by {causal} causal and {count(counter, 'counteracting link')}")
    if diagram.mechanism:
        label = diagram.mechanism_labels.get(diagram.mechanism, diagram.mechanism)
        parts.append(f"mechanism: {label}")
    parts.append(f"data of {diagram.data_date}" if diagram.data_date else "data date unknown")
    return " · ".join(parts)


# -- labels and descriptions, fetched in batches -----------------------------------------------------
class _Names:
    """Labels of predicates, certainty levels, sections and kinds, and concept descriptions."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.certainty = {t.notation: t for t in kg.scheme("certainty").values()}
        self._labels: dict[str, str] = {}
        self._nodes: dict[str, Node] = {}
        self._claims: dict[int, tuple[Evidence, Claim]] = {}

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        wanted = sorted({i for i in iris if i not in self._labels})
        found: dict[str, list[str]] = {}
        for batch in chunks(wanted):
            query = SPARQL_PROLOGUE + _LABELS.format(values=values("x", (ox.NamedNode(i) for i in batch)))
            for x, label in self.kg.query(query):
                found.setdefault(x.value, []).append(label.value)
        for iri in wanted:
            self._labels[iri] = (
                min(found[iri]) if iri in found else iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            )
        return self._labels

    def prefetch(self, evidence: dict[tuple[str, str], list]) -> None:
        """Every relation's and section's label in ``evidence`` (as ``all_evidence`` gives it) in one
        query, not one query per link that brings a new one."""
        claims = [e for options in evidence.values() for _, found in options for e in found]
        self.labels({e.predicate for e in claims} | {e.section for e in claims if e.section})

    def claims(self, evidence: Iterable[Evidence]) -> tuple[Claim, ...]:
        """Each piece of evidence as a Claim with its labels; made once per evidence object (the
        overview's mechanism diagrams share claims that name two mechanisms)."""
        evidence = list(evidence)
        made = self._claims
        if all(id(e) in made for e in evidence):
            return tuple(made[id(e)][1] for e in evidence)
        labels = self._labels
        missing = {e.predicate for e in evidence if e.predicate not in labels}
        missing |= {e.section for e in evidence if e.section and e.section not in labels}
        if missing:
            labels = self.labels(missing)
        documents = self.kg.section_documents()
        out = []
        for e in evidence:
            section = e.section
            claim = Claim(
                e.predicate,
                labels[e.predicate],
                e.certainty,
                e.certainty,  # certainty_label: the CLI's word (skos:notation), not the prefLabel
                e.rank,
                e.mechanisms,
                e.quotes,
                labels[section] if section else None,
                documents.get(section, section) if section else None,
            )
            made[id(e)] = (e, claim)  # the evidence kept alive with it: its id stays its own
            out.append(claim)
        return tuple(out)

    def nodes(self, iris: list[str], roles: dict[str, str] | None = None) -> list[Node]:
        """The concepts ``iris``, described once per ``_Names`` (the overview's mechanism diagrams share most)."""
        roles = roles or {}
        new = [i for i in dict.fromkeys(iris) if i not in self._nodes]
        if new:
            self._nodes.update((n.iri, n) for n in self._describe(new))
        return [self._nodes[i]._replace(role=roles.get(i)) if roles.get(i) else self._nodes[i] for i in iris]

    def _describe(self, iris: list[str]) -> list[Node]:
        pref = self.kg.labels(iris)
        kinds: dict[str, set[str]] = {}
        alts: dict[str, set[str]] = {}
        maps: dict[str, set[str]] = {}
        definitions: dict[str, str] = {}
        indexed = self.kg.causal_index()
        if indexed is not None:  # a pyoxigraph store: a lookup per concept, the answers _DESCRIBE gives
            for c, found in indexed[1].statements(iris, _DESCRIBED).items():
                for predicate, term in found:
                    if predicate == _TYPE:
                        if type(term) is ox.NamedNode and term.value != _CONCEPT:
                            kinds.setdefault(c, set()).add(term.value)
                    elif predicate == _ALT:
                        alts.setdefault(c, set()).add(term.value)
                    elif predicate != _DEFINITION:
                        maps.setdefault(c, set()).add(shorten(term.value))
                    elif type(term) is ox.Literal and _english(term.language):
                        definitions[c] = min(definitions.get(c, term.value), term.value)
        for batch in chunks(iris) if indexed is None else ():
            query = SPARQL_PROLOGUE + _DESCRIBE.format(values=values("c", (ox.NamedNode(i) for i in batch)))
            for c, kind, alt, match, definition in self.kg.query(query):
                if kind is not None and isinstance(kind, ox.NamedNode):
                    kinds.setdefault(c.value, set()).add(kind.value)
                if alt is not None:
                    alts.setdefault(c.value, set()).add(alt.value)
                if match is not None:
                    maps.setdefault(c.value, set()).add(shorten(match.value))
                if definition is not None:
                    definitions[c.value] = min(definitions.get(c.value, definition.value), definition.value)
        primary = {i: style.primary_kind(tuple(kinds.get(i, ()))) for i in iris}
        kind_labels = self.labels({k for k in primary.values() if k})
        return [
            Node(  # iri, label, kind, kind_label, alt_labels, mappings, definition
                i,
                pref[i],
                primary[i],
                kind_labels.get(primary[i]) if primary[i] else None,
                tuple(sorted(alts[i])) if i in alts else (),
                tuple(sorted(maps[i])) if i in maps else (),
                definitions.get(i),
            )
            for i in iris
        ]
