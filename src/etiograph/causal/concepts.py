"""Resolve what a user types (label, alt label, CURIE, IRI) to one concept IRI.

A label equal to the name (case included) wins; otherwise labels match case-insensitively, and
a name matching several concepts is ambiguous.

The name is never written into SPARQL text: it is bound as a parameter, and only terms the
store itself returned go back into later queries. Unknown or ambiguous names raise
UnknownConceptError carrying the closest labels.
"""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from ..backends import Backend
from ..errors import UnknownConceptError
from ..records import field, record
from ..vocab import SPARQL_PROLOGUE, expand_curie, shorten


@record(frozen=True)
class Concept:
    """A concept of the graph as users see it."""

    iri: str
    label: str
    kinds: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    mappings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def curie(self) -> str:
        return shorten(self.iri)


# A concept is anything with a skos:prefLabel outside the ontology's own schemes (mechanisms,
# certainty and risk levels are not things that cause each other); labels match case-insensitively.
_NOT_ONTOLOGY = 'FILTER(!STRSTARTS(STR(?concept), "https://w3id.org/etiograph/ontology"))'
# Parameters are projected: pyoxigraph's substitutions (SEP-0007) bind only projected variables.
_BY_LABEL = (
    SPARQL_PROLOGUE
    + """
SELECT DISTINCT ?concept ?name WHERE {
  ?concept skos:prefLabel|skos:altLabel ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
  """
    + _NOT_ONTOLOGY
    + "}"
)

# The fast path: a label equal to the name (an index lookup), before the case-insensitive scan.
_EXACT_LABEL = (
    SPARQL_PROLOGUE
    + "SELECT DISTINCT ?concept ?label WHERE { ?concept skos:prefLabel|skos:altLabel ?label . "
    + _NOT_ONTOLOGY
    + " }"
)

_IS_CONCEPT = SPARQL_PROLOGUE + "SELECT ?concept WHERE { ?concept skos:prefLabel ?label } LIMIT 1"

_ALL_LABELS = (
    SPARQL_PROLOGUE
    + """
SELECT ?concept ?label ?preferred WHERE {
  { ?concept skos:prefLabel ?label . BIND(true AS ?preferred) }
  UNION
  { ?concept skos:altLabel ?label . ?concept skos:prefLabel [] . BIND(false AS ?preferred) }
  """
    + _NOT_ONTOLOGY
    + "}"
)

_DESCRIBE = (
    SPARQL_PROLOGUE
    + """
SELECT ?concept ?label ?kind ?alt ?match WHERE {
  { ?concept skos:prefLabel ?label . FILTER(LANG(?label) = "en" || LANG(?label) = "") }
  UNION { ?concept a ?kind . FILTER(?kind != skos:Concept) }
  UNION { ?concept skos:altLabel ?alt }
  UNION { ?concept skos:exactMatch|skos:closeMatch ?match }
}"""
)

# An external identifier names the concept it is an exact match of; failing that, a close match.
_BY_MAPPING = {
    kind: SPARQL_PROLOGUE + f"SELECT DISTINCT ?concept ?external WHERE {{ ?concept skos:{kind} ?external }}"
    for kind in ("exactMatch", "closeMatch")
}


class ConceptResolver:
    """Looks names up in one backend; caches what it learns for the life of the object."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._cache: dict[str, Concept] = {}

    def resolve(self, name: str) -> Concept:
        """The concept ``name`` designates, or UnknownConceptError with suggestions."""
        text = name.strip()
        iri = self._as_iri(text)
        if iri is not None:
            node = ox.NamedNode(iri)
            if len(self.backend.query(_IS_CONCEPT, {"concept": node})):
                return self.describe(iri)
            mapped = self.backend.query(_BY_MAPPING["exactMatch"], {"external": node}).values("concept")
            if not mapped:
                mapped = self.backend.query(_BY_MAPPING["closeMatch"], {"external": node}).values("concept")
            if len(mapped) == 1:
                return self.describe(mapped[0])
            if len(mapped) > 1:
                raise UnknownConceptError(name, [self.describe(m).label for m in mapped], ambiguous=True)
        for literal in (ox.Literal(text, language="en"), ox.Literal(text)):
            exact = sorted(set(self.backend.query(_EXACT_LABEL, {"label": literal}).values("concept")))
            if len(exact) == 1:
                return self.describe(exact[0])
            if exact:
                break  # ambiguous: the scan below reports every candidate
        matches = self.backend.query(_BY_LABEL, {"name": ox.Literal(text)}).values("concept")
        if len(matches) == 1:
            return self.describe(matches[0])
        if len(matches) > 1:
            raise UnknownConceptError(name, sorted(self.describe(m).label for m in matches), ambiguous=True)
        raise UnknownConceptError(name, self.suggest(text))

    @staticmethod
    def _as_iri(text: str) -> str | None:
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if text.startswith(("http://", "https://", "urn:")) and " " not in text:
            try:
                return ox.NamedNode(text).value
            except ValueError:
                return None
        expanded = expand_curie(text)
        if expanded is None:
            return None
        try:
            return ox.NamedNode(expanded).value
        except ValueError:
            return None

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """The labels closest to ``text`` (preferred labels shown for alt-label hits)."""
        rows = self.backend.query(_ALL_LABELS)
        preferred: dict[str, str] = {}
        candidates: dict[str, str] = {}
        for concept, label, is_pref in rows:
            if is_pref.value in ("true", "1"):  # Virtuoso writes booleans as 1/0
                preferred[concept.value] = label.value
            candidates.setdefault(label.value.lower(), concept.value)
        wanted = text.lower()
        close = difflib.get_close_matches(wanted, list(candidates), n=n * 2, cutoff=0.5)
        close += [c for c in candidates if wanted and (wanted in c or c in wanted) and c not in close]
        out: list[str] = []
        for key in close:
            label = preferred.get(candidates[key], key)
            if label not in out:
                out.append(label)
        return out[:n]

    def describe(self, iri: str) -> Concept:
        """Label, kinds, alt labels and external identifiers of a concept IRI."""
        if iri in self._cache:
            return self._cache[iri]
        rows = self.backend.query(_DESCRIBE, {"concept": ox.NamedNode(iri)}).dicts()
        labels = sorted(r["label"].value for r in rows if "label" in r)
        concept = Concept(
            iri=iri,
            label=labels[0] if labels else shorten(iri),
            kinds=tuple(sorted({shorten(r["kind"].value) for r in rows if "kind" in r})),
            alt_labels=tuple(sorted({r["alt"].value for r in rows if "alt" in r})),
            mappings=tuple(sorted({shorten(r["match"].value) for r in rows if "match" in r})),
        )
        self._cache[iri] = concept
        return concept
