"""The words for certainty levels, written once: the CLI, ``explain`` and the diagram legend all read them.

A level's word is its ``skos:notation`` in the ontology (``asserted``, ``linked``, ``less-common``),
the same word ``--min-certainty`` accepts, so what a user reads is what a user can type. Plain
data, no imports: ``etiograph --help`` and the diagram style module both import it for free.

>>> word("linked"), word(None)
('linked', 'no claim')
>>> [level.notation for level in LEVELS][:3]
['asserted', 'often', 'can']
>>> sorted(["may", "asserted", "rare", "can"], key=rank_order)
['asserted', 'can', 'may', 'rare']
"""

from __future__ import annotations

from .records import record


@record(frozen=True)
class Level:
    """One certainty level: its word, its rank (8 = stated as fact, 1 = rare) and how a diagram draws it."""

    notation: str
    rank: int
    #: How a diagram draws it: ``firm`` and ``advice`` solid, ``hedged`` dashed, ``weak`` dotted.
    strength: str


#: The bundled ontology's levels (ontology/etiograph.ttl, etio:certaintyLevels), firmest first:
#: by rank, then by word. 'linked' (associated, not said to cause) ranks below 'rare'.
LEVELS: tuple[Level, ...] = (
    Level("asserted", 8, "firm"),
    Level("often", 7, "firm"),
    Level("can", 6, "firm"),
    Level("recommended", 5, "advice"),
    Level("may", 4, "hedged"),
    Level("sometimes", 3, "hedged"),
    Level("less-common", 2, "weak"),
    Level("occasionally", 2, "weak"),
    Level("rare", 1, "weak"),
    Level("linked", 0, "hedged"),
)
_BY_NOTATION = {level.notation: level for level in LEVELS}
#: Shown where a hop has no claim behind it (possible only in user data that skips validation).
NO_CLAIM = "no claim"


def word(notation: str | None) -> str:
    """The word shown for a certainty level (its notation); levels a user's data adds show as they are."""
    return NO_CLAIM if notation is None else notation


def rank_order(notation: str) -> tuple[int, int]:
    """Sort key: strongest first, in the ontology's order; unknown levels last."""
    level = _BY_NOTATION.get(notation)
    if level is None:
        return (1, 0)
    return (0, LEVELS.index(level))


def strength(notation: str | None) -> str | None:
    """``firm``, ``advice``, ``hedged`` or ``weak`` for a known level, None otherwise."""
    level = _BY_NOTATION.get(notation or "")
    return level.strength if level else None


def words_of(strength_name: str) -> str:
    """The words of one strength, comma-separated in rank order, as a legend lists them.

    >>> words_of("firm"), words_of("hedged")
    ('asserted, often, can', 'may, sometimes, linked')
    """
    return ", ".join(level.notation for level in LEVELS if level.strength == strength_name)
