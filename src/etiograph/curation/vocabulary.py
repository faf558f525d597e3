"""The names a sheet may use, read from the ontology: predicates, concept kinds, certainty levels,
mechanisms and risk levels, each findable by local name, notation or label (case-insensitive).

Read once per process with pyoxigraph's parser (milliseconds), so the ontology stays the one place
where a relation or a level is declared.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

from ..records import field, record
from ..vocab import CERT, ETIO, MECH, OWL, RDF, RDFS, RISK, SKOS

CAUSAL_TOP = ETIO + "causesOrContributesTo"
COUNTER_TOP = ETIO + "counteracts"


@record(frozen=True)
class Term:
    iri: str
    name: str  # local name or notation, as the Turtle writes it after the prefix
    label: str
    rank: int = 0


@record
class Vocabulary:
    predicates: dict[str, Term] = field(default_factory=dict)
    kinds: dict[str, Term] = field(default_factory=dict)
    certainties: dict[str, Term] = field(default_factory=dict)
    mechanisms: dict[str, Term] = field(default_factory=dict)
    risks: dict[str, Term] = field(default_factory=dict)
    #: predicate IRI → "causal", "counteracting" or "association"
    families: dict[str, str] = field(default_factory=dict)
    _index: dict[str, dict[str, Term]] = field(default_factory=dict)

    def family(self, predicate: Term) -> str:
        return self.families.get(predicate.iri, "association")

    def lookup(self, table: str, name: str) -> Term | None:
        """A term of ``table`` ("predicates", "kinds", …) by local name, kebab name, notation or label."""
        return self._index[table].get(_key(name))

    def suggest(self, table: str, name: str, n: int = 3) -> list[str]:
        terms: dict[str, Term] = getattr(self, table)
        names = sorted({t.name for t in terms.values()})
        close = difflib.get_close_matches(name, names, n=n, cutoff=0.6)
        labels = {t.label: t.name for t in terms.values()}
        close += [labels[m] for m in difflib.get_close_matches(name, list(labels), n=n, cutoff=0.5)]
        return list(dict.fromkeys(close))[:n]

    def names(self, table: str) -> list[str]:
        return sorted({t.name for t in getattr(self, table).values()})


def _key(text: str) -> str:
    """``contributesTo``, ``contributes-to`` and ``contributes to`` all become ``contributesto``."""
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def _kebab(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


@cache
def load_vocabulary(ontology: Path) -> Vocabulary:
    import pyoxigraph as ox

    from ..diagnostics import turtle_syntax_error as syntax_error
    from ..errors import DataError

    props: dict[str, dict[str, list[str]]] = {}
    try:
        for t in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE):
            value = t.object.value if isinstance(t.object, ox.NamedNode | ox.Literal) else ""
            if isinstance(t.object, ox.Literal) and t.object.language not in (None, "en"):
                continue
            props.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(value)
    except SyntaxError as error:
        raise syntax_error(ontology, error) from None
    except OSError as error:
        raise DataError(ontology, f"cannot read: {error}") from None

    def first(iri: str, prop: str) -> str:
        values = props.get(iri, {}).get(prop, [])
        return sorted(values)[0] if values else ""

    parents = {iri: set(p.get(RDFS + "subPropertyOf", [])) for iri, p in props.items()}

    def under(iri: str, top: str) -> bool:
        seen, stack = set(), [iri]
        while stack:
            current = stack.pop()
            if current == top:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(parents.get(current, ()))
        return False

    vocab = Vocabulary()
    for iri, p in props.items():
        types = set(p.get(RDF + "type", []))
        if OWL + "ObjectProperty" in types and iri.startswith(ETIO):
            name = iri[len(ETIO) :]
            vocab.predicates[iri] = Term(iri, name, first(iri, RDFS + "label"))
            vocab.families[iri] = "causal" if under(iri, CAUSAL_TOP) else "counteracting" if under(iri, COUNTER_TOP) else "association"
        if OWL + "Class" in types and iri.startswith(ETIO):
            classes = p.get(RDFS + "subClassOf", [])
            seen, stack, is_concept = set(), list(classes), False
            while stack:
                current = stack.pop()
                if current == ETIO + "Concept":
                    is_concept = True
                    break
                if current not in seen:
                    seen.add(current)
                    stack.extend(props.get(current, {}).get(RDFS + "subClassOf", []))
            if is_concept:
                vocab.kinds[iri] = Term(iri, iri[len(ETIO) :], first(iri, RDFS + "label"))
        for base, table in ((CERT, vocab.certainties), (MECH, vocab.mechanisms), (RISK, vocab.risks)):
            if iri.startswith(base) and SKOS + "Concept" in types:
                rank = first(iri, ETIO + "certaintyRank")
                table[iri] = Term(iri, iri[len(base) :], first(iri, SKOS + "prefLabel"), int(rank) if rank else 0)
    # the spine's tops are not claims' predicates
    for top in (ETIO + "causallyRelatedTo",):
        vocab.predicates.pop(top, None)
    for table in ("predicates", "kinds", "certainties", "mechanisms", "risks"):
        index: dict[str, Term] = {}
        for term in getattr(vocab, table).values():
            alts = props.get(term.iri, {}).get(SKOS + "altLabel", []) + props.get(term.iri, {}).get(SKOS + "notation", [])
            for name in (term.name, _kebab(term.name), term.label, *alts):
                if name:
                    index.setdefault(_key(name), term)
        vocab._index[table] = index
    return vocab
