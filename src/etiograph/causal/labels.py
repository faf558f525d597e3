"""Labels beside the causal index: each concept's preferred label, and exact label → concept.

Why: in a persistent store (RocksDB) every pattern lookup costs ~40 µs, so the fifteen labels of a
4-hop answer and the two names it resolves cost more than the search itself. Built by one scan of
``skos:prefLabel`` and one of ``skos:altLabel`` and saved with the index, they are answered from
memory-mapped arrays. Answers are those of the store: :meth:`etiograph.causal.lookup.StoreLookup.labels`
for labels and the exact-label step of :meth:`etiograph.causal.concepts.ConceptResolver.resolve` (a label equal
to the name, English-tagged first, then plain), which the tests compare.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..vocab import ALT_LABEL, PREF_LABEL
from .strings import INT, StringTable, subject_objects

if TYPE_CHECKING:
    import pyoxigraph as ox

#: No label: the node has no skos:prefLabel.
NONE = (1 << 32) - 1
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Concepts are what lies outside the ontology's own namespace (as ``concepts._NOT_ONTOLOGY`` says).
_ONTOLOGY = "https://w3id.org/etiograph/ontology"


def literal_key(lexical: str, language: str | None, datatype: str | None) -> str:
    """How a literal is told apart: ``@lang`` or ``^datatype``, a NUL, then its text."""
    return ("@" + language if language else "^" + (datatype or _XSD_STRING)) + "\0" + lexical


class LabelTable:
    """``node_labels[node]``: the id in ``texts`` of node's preferred label, or NONE; ``keys``:
    sorted literal keys, each naming concepts ``concepts[key_offsets[k] : key_offsets[k + 1]]``."""

    PARTS = ("node_labels", "key_offsets", "key_concepts")

    def __init__(
        self,
        texts: StringTable,
        keys: StringTable,
        node_labels: Sequence[int],
        key_offsets: Sequence[int],
        key_concepts: Sequence[int],
    ):
        self.texts, self.keys = texts, keys
        self.node_labels, self.key_offsets, self.key_concepts = node_labels, key_offsets, key_concepts

    def arrays(self) -> list[Sequence[int]]:
        return [getattr(self, name) for name in self.PARTS]

    @classmethod
    def from_store(cls, store: ox.Store, node_ids: dict[str, int], on_disk: bool = False) -> LabelTable:
        """One scan of each label predicate (default graph), as every lookup reads it.

        Most concepts have one English label of each kind: a key naming one concept holds its IRI,
        not a list, and only untagged literals ask for their datatype (a Rust call and a string each).
        """
        import pyoxigraph as ox

        named, literal = ox.NamedNode, ox.Literal
        best: dict[int, tuple[bool, str]] = {}
        named_by: dict[str, str | list[str]] = {}
        find_node = node_ids.get
        for predicate in (PREF_LABEL, ALT_LABEL):
            preferred = predicate == PREF_LABEL
            for s, o in subject_objects(store, predicate, on_disk):
                if type(s) is not named:
                    continue  # a blank node is no concept (the SPARQL filter drops it too)
                iri = s.value
                text = o.value
                if type(o) is literal:
                    language = o.language
                    if not iri.startswith(_ONTOLOGY):
                        key = ("@" + language if language else "^" + o.datatype.value) + "\0" + text
                        held = named_by.get(key)
                        if held is None:
                            named_by[key] = iri
                        elif type(held) is str:
                            if held != iri:
                                named_by[key] = [held, iri]
                        elif iri not in held:
                            held.append(iri)
                else:
                    language = None
                if preferred:
                    node = find_node(iri)
                    if node is not None:
                        option = (language not in (None, "en"), text)
                        found = best.get(node)
                        if found is None or option < found:
                            best[node] = option
        text_ids: dict[str, int] = {}
        node_labels = array(INT, [NONE]) * len(node_ids)
        for node, (_, text) in best.items():
            found_id = text_ids.get(text)
            if found_id is None:
                found_id = text_ids[text] = len(text_ids)
            node_labels[node] = found_id
        keys = sorted(named_by)
        key_offsets, key_concepts = array(INT, [0]), array(INT)
        for key in keys:
            held = named_by[key]
            for iri in [held] if type(held) is str else sorted(held):
                found_id = text_ids.get(iri)
                if found_id is None:
                    found_id = text_ids[iri] = len(text_ids)
                key_concepts.append(found_id)
            key_offsets.append(len(key_concepts))
        texts = StringTable.from_strings(sorted(text_ids, key=text_ids.__getitem__))
        return cls(texts, StringTable.from_strings(keys), node_labels, key_offsets, key_concepts)

    def label(self, node: int) -> str | None:
        """The node's preferred label (English or untagged first), or None when it has none."""
        found = self.node_labels[node]
        return None if found == NONE else self.texts.text(found)

    def concepts(self, lexical: str, language: str | None = None, datatype: str | None = None) -> list[str]:
        """The concepts (IRIs, sorted) with a prefLabel or altLabel equal to this literal."""
        key = literal_key(lexical, language, datatype).encode("utf-8")
        i = self.keys.position(key)
        if i == len(self.keys) or self.keys[i] != key:
            return []
        text = self.texts.text
        return [text(c) for c in self.key_concepts[self.key_offsets[i] : self.key_offsets[i + 1]]]
