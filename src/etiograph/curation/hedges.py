"""Certainty from the article's own words: a documented rule table of hedge cues.

Each rule maps a cue (a regular expression, matched case-insensitively on word boundaries) to a
level of the ontology's certainty scheme (``cert:``). Longer cues come first and consume their
words, so "usually linked to" counts as *linked* and not also as *often*. Advice wording gives
``recommended``. A sentence without any cue reads as ``asserted``.

| cue (examples)                                              | level         |
|-------------------------------------------------------------|---------------|
| usually/often/commonly/occasionally linked, associated with  | linked        |
| rare, rarely                                                | rare          |
| less common, less often, less likely                        | less-common   |
| occasionally, occasional                                    | occasionally  |
| sometimes, in some cases, some people                       | sometimes     |
| may, might, could, possibly, potentially, if, whether       | may           |
| can, cannot                                                 | can           |
| often, usually, commonly, common, frequently, typically     | often         |
| should, consider, try to, avoid, focus on, recommended, tips, an imperative opening (Drink, Stay, …) | recommended |

**Deriving** (an empty ``certainty`` cell): the most cautious hedge cue found (lowest rank), else
``recommended`` when only advice cues are found, else ``asserted``.

**Checking** a stated certainty against its quote:

- *error* when the stated level is firmer than every hedge cue of the quote (``asserted`` for a
  sentence saying "might"; ``can`` for "in some cases");
- *warning* when the quote has hedge cues and none of them gives the stated level (``may`` for
  "usually"), or when ``recommended`` stands on a sentence without advice wording;
- fine when the stated level is one the quote's cues give, or ``asserted`` on a sentence with no cue.
"""

from __future__ import annotations

import re

from ..records import record

#: Ranks of the certainty levels (as ``etio:certaintyRank`` in the ontology): higher is firmer.
RANKS = {
    "asserted": 8,
    "often": 7,
    "can": 6,
    "recommended": 5,
    "may": 4,
    "linked": 0,  # association wording: below "rare", which still states a cause (ontology: cert:linked)
    "sometimes": 3,
    "occasionally": 2,
    "less-common": 2,
    "rare": 1,
}

#: The rule table, in matching order (longest, most specific cues first).
RULES: tuple[tuple[str, str], ...] = (
    (r"(?:usually|often|commonly|frequently|occasionally|sometimes|strongly|closely|more strongly|been|be)\s+(?:linked|associated|tied)\s+(?:to|with)", "linked"),
    (r"associated with|linked (?:to|with)|tied to|correlated with|connection between|association between", "linked"),
    (r"rare|rarely|uncommon", "rare"),
    (r"less common|less often|less likely|less frequent(?:ly)?", "less-common"),
    (r"occasionally|occasional", "occasionally"),
    (r"sometimes|in some cases|some people|some patients|at times", "sometimes"),
    (r"may|might|could|possibly|possible|potentially|perhaps|if|whether|suggests?", "may"),
    (r"can|cannot|can't", "can"),
    (r"often|usually|commonly|common|frequently|typically|generally|tends? to|most", "often"),
    (
        r"should|consider|try to|avoid|focus on|recommended|recommend|advised?|tips?|"
        r"make sure|be sure|it(?:'s| is) (?:important|wise|best|crucial|essential)|helps? (?:to )?prevent|"
        r"plays? a (?:vital|key|crucial|important) role",
        "recommended",
    ),
)

#: One pass over the sentence: the rules as named groups of one alternation, in table order, so at each
#: position the earliest rule that matches wins (the longer, more specific cues come first).
_LEVELS = [level for _, level in RULES]
_ALL = re.compile("|".join(rf"\b(?P<r{i}>{pattern})\b" for i, (pattern, _) in enumerate(RULES)), re.IGNORECASE)

#: An opening verb in the imperative mood ("Drink plenty of fluids.") reads as advice.
_IMPERATIVE = re.compile(
    r"^\W*(?:drink|eat|stay|stretch|include|limit|wear|use|take|monitor|keep|apply|avoid|practice|practise|"
    r"get|rest|seek|try|add|choose|reduce|increase|maintain|stop|cut|replace|replenish)\b",
    re.IGNORECASE,
)


@record(frozen=True)
class Cue:
    text: str
    level: str
    start: int


def cues(sentence: str) -> list[Cue]:
    """The hedge and advice cues of a sentence, in reading order, each word counted once.

    >>> [(c.text, c.level) for c in cues("While leg cramps are usually linked to fatigue, a UTI could matter.")]
    [('usually linked to', 'linked'), ('could', 'may')]
    >>> cues("Dehydration disrupts sodium levels.")
    []
    """
    found = [Cue(m.group(0), _LEVELS[int(m.lastgroup[1:])], m.start()) for m in _ALL.finditer(sentence)]  # type: ignore[index]
    imperative = _IMPERATIVE.match(sentence)
    if imperative and not any(c.start == imperative.start() for c in found):
        found.append(Cue(imperative.group(0).strip(), "recommended", imperative.start()))
    return sorted(found, key=lambda c: c.start)


def derive(sentence: str) -> str:
    """The certainty a sentence's own words give (see the module's rule table).

    >>> derive("Urinary tract infections can indirectly cause leg cramps.")
    'can'
    >>> derive("Kidney infections might be more strongly linked to cramps.")
    'linked'
    >>> derive("Dehydration disrupts sodium levels.")
    'asserted'
    >>> derive("Drink plenty of water to flush out bacteria.")
    'recommended'
    """
    found = cues(sentence)
    hedges = [c.level for c in found if c.level != "recommended"]
    if hedges:
        return min(hedges, key=lambda level: RANKS[level])
    return "recommended" if found else "asserted"


@record(frozen=True)
class HedgeFinding:
    severity: str  # "error" or "warning"
    message: str


def judge(stated: str, sentence: str) -> HedgeFinding | None:
    """Whether a stated certainty fits its quote; None when it does.

    >>> judge("asserted", "Kidney infections might be more strongly linked to cramps.").severity
    'error'
    >>> judge("can", "A UTI can cause leg cramps.") is None
    True
    >>> judge("may", "Fever is usually low-grade.").severity
    'warning'
    """
    if stated not in RANKS:
        return None
    found = cues(sentence)
    hedges = [c for c in found if c.level != "recommended"]
    advice = [c for c in found if c.level == "recommended"]
    levels = {c.level for c in found}
    words = ", ".join(f"{c.text!r} ({c.level})" for c in hedges)
    if stated == "recommended":
        if not advice:
            return HedgeFinding("warning", "certainty 'recommended' but the quote has no advice wording (should, avoid, try, an imperative, …)")
        return None
    if hedges and all(RANKS[stated] > RANKS[c.level] for c in hedges):
        return HedgeFinding("error", f"certainty {stated!r} is firmer than the quote's words: {words}")
    if stated in levels or (not hedges and stated == "asserted"):
        return None
    if not hedges:
        return HedgeFinding("warning", f"certainty {stated!r} but the quote has no hedge word for it (it reads as 'asserted')")
    return HedgeFinding("warning", f"certainty {stated!r} is not what the quote's words give: {words}")
