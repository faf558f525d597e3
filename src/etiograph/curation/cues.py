"""Causal and counteracting language: which sentences carry it, and which predicate a cue suggests.

One table serves both coverage (``check`` lists causal sentences no claim cites) and ``draft``
(candidate rows). Each cue is a regular expression (case-insensitive, word-bounded), the predicate it
suggests, and its direction: ``forward`` when the cause is written before the cue ("A causes B"),
``backward`` when after it ("B due to A", "B because of A").
"""

from __future__ import annotations

import re

from ..records import record

#: (pattern, predicate local name, direction)
CUES: tuple[tuple[str, str, str], ...] = (
    (r"increas\w* (?:the )?(?:risk|chances?|likelihood|susceptibility)|raises? (?:the )?risk|more (?:likely|prone|susceptible)|predispos\w*|risk factors?", "increasesRiskOf", "forward"),
    (r"reduc\w* (?:the )?(?:risk|chances?|likelihood)|lowers? (?:the )?risk|minimi[sz]\w*(?: (?:the )?risk)?|less likely", "reducesRiskOf", "forward"),
    (r"caus\w*|lead(?:s|ing)? to|led to|trigger\w*|result\w* in|brings? (?:on|about)|induc\w*|provok\w*|produc\w*|responsible for|disrupt\w*|deplet\w*|impair\w*|irritat\w*|compress\w*", "causes", "forward"),
    (r"contribut\w*|plays? a (?:\w+ )?role|factor", "contributesTo", "forward"),
    (r"worsen\w*|aggravat\w*|exacerbat\w*|intensif\w*|make\w* (?:\w+ )?worse|heighten\w*", "exacerbates", "forward"),
    (r"spread\w*|progress\w*|ascend\w*|escalat\w*|develop\w* into", "progressesTo", "forward"),
    (r"side effects?|adverse", "hasAdverseEffect", "forward"),
    (r"prescri\w*", "promptsUseOf", "backward"),
    (r"prevent\w*|avoid\w*|protect\w*|ward\w* off", "prevents", "forward"),
    (r"treat\w*|cur(?:e|es|ed|ing)|clear\w* (?:up|the)", "treats", "forward"),
    (r"reliev\w*|relief|eas(?:e|es|ed|ing)|sooth\w*|alleviat\w*|calm\w*|help\w*|support\w*|boost\w*", "alleviates", "forward"),
    (r"replenish\w*|restor\w*|replac\w*|rich in|source of", "replenishes", "forward"),
    (r"due to|because(?: of)?|caused by|as a result of|resulting from|through|via|owing to|stem\w* from", "causes", "backward"),
    (r"linked (?:to|with)|associated with|tied to", "contributesTo", "forward"),
)

_COMPILED = tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), pred, direction) for p, pred, direction in CUES)


@record(frozen=True)
class CausalCue:
    start: int
    end: int
    text: str
    predicate: str
    direction: str


def causal_cues(sentence: str) -> list[CausalCue]:
    """The causal or counteracting cues of a sentence, in reading order, not overlapping.

    >>> [(c.text, c.predicate, c.direction) for c in causal_cues("Fever leads to fluid loss due to sweating.")]
    [('leads to', 'causes', 'forward'), ('due to', 'causes', 'backward')]
    >>> causal_cues("Leg cramps are sudden contractions.")
    []
    """
    taken: list[tuple[int, int]] = []
    found: list[CausalCue] = []
    for pattern, predicate, direction in _COMPILED:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            found.append(CausalCue(m.start(), m.end(), m.group(0), predicate, direction))
    return sorted(found, key=lambda c: c.start)


def is_causal(sentence: str) -> bool:
    """Whether a sentence carries causal or counteracting language (a coverage candidate)."""
    return bool(causal_cues(sentence))
