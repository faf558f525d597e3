"""The wording check: does the quote use words that fit the claim's predicate?

Two warnings, both naming the row:

- *association wording on a causal predicate*: the quote says "linked to" / "associated with" about a
  pair the row types as causal (``causes``, ``contributesTo`` …): the article states an association,
  the graph would state a cause (use ``certainty linked`` at least, or a non-causal predicate);
- *predicate verb missing*: none of the predicate's verbs occurs in the quote (``causes low sodium``
  backed by "disrupts … sodium"): the row may read more into the sentence than it says.

The verb lists are deliberately generous; a warning is a prompt to re-read, not a verdict.
"""

from __future__ import annotations

import re

ASSOCIATION = re.compile(r"\b(?:linked (?:to|with)|associated with|tied to|correlated with|connection between|association)\b", re.IGNORECASE)

#: predicate local name → words that express it
VERBS: dict[str, str] = {
    "causes": r"caus\w*|lead\w* to|led to|trigger\w*|result\w* in|bring\w* (?:on|about)|induc\w*|provok\w*|produc\w*|responsible|due to|because|through|via|from|develop\w*|creat\w*|generat\w*",
    "contributesTo": r"contribut\w*|factor\w*|role|add\w* to|part of|lead\w* to|through|via|due to|because",
    "increasesRiskOf": r"risk\w*|increas\w*|rais\w*|more likely|likel\w*|predispos\w*|susceptib\w*|vulnerab\w*|prone|chances?|higher",
    "exacerbates": r"wors\w*|aggravat\w*|exacerbat\w*|intensif\w*|heighten\w*|increas\w*",
    "progressesTo": r"spread\w*|progress\w*|ascend\w*|reach\w*|escalat\w*|develop\w* into|travel\w*|mov\w* up",
    "hasAdverseEffect": r"side effects?|adverse|caus\w*|lead\w* to|trigger\w*|associated|linked",
    "promptsUseOf": r"prescri\w*|treat\w*|given|us(?:e|ed|ing)|taking|tak(?:e|en)|therapy|antibiotics?",
    "treats": r"treat\w*|cur\w*|clear\w*|eliminat\w*|fight\w*|kill\w*|therapy",
    "prevents": r"prevent\w*|avoid\w*|stop\w*|ward\w* off|protect\w*|reduc\w*|minimi[sz]\w*|keep\w*",
    "reducesRiskOf": r"reduc\w*|lower\w*|decreas\w*|prevent\w*|minimi[sz]\w*|less likely|risk\w*|chances?",
    "alleviates": r"eas\w*|reliev\w*|relief|sooth\w*|alleviat\w*|reduc\w*|calm\w*|help\w*|manag\w*|comfort\w*|relax\w*",
    "replenishes": r"replenish\w*|restor\w*|replac\w*|rich|source|provid\w*|suppl\w*|rebalanc\w*|balance",
}
def _readable(pattern: str) -> str:
    """``lead\\w* to`` → ``lead to``: a verb pattern as a curator reads it."""
    return re.sub(r"\\w\*|\(\?:|\)|\?|\\b", "", pattern)


_VERBS = {name: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for name, pattern in VERBS.items()}


def wording_warnings(predicate: str, family: str, quote: str) -> list[str]:
    """What does not fit between a causal/counteracting predicate and its quote (empty: all fits).

    >>> wording_warnings("causes", "causal", "Dehydration disrupts sodium levels.")
    ["no word of predicate 'causes' in the quote (caus, lead to, led to, trigger …): check the row reads no more into the sentence than it says"]
    >>> wording_warnings("contributesTo", "causal", "Cramps are usually linked to fatigue.")[0].startswith("association wording")
    True
    >>> wording_warnings("causes", "causal", "A UTI can cause leg cramps.")
    []
    """
    out: list[str] = []
    if family == "causal":
        association = ASSOCIATION.search(quote)
        if association:
            out.append(
                f"association wording {association.group(0)!r} on causal predicate {predicate!r}: the sentence states a link, "
                "not a cause (certainty 'linked' at least, or a non-causal predicate)"
            )
    verbs = _VERBS.get(predicate)
    if verbs is not None and not verbs.search(quote):
        examples = ", ".join(_readable(w) for w in VERBS[predicate].split("|")[:4])
        out.append(
            f"no word of predicate {predicate!r} in the quote ({examples} …): check the row reads no more into the sentence than it says"
        )
    return out
