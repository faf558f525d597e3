"""Answers shaped for where they land: a terminal (fitted to its width), a pipe or file (plain and
complete), a program (JSON with a published schema, CSV, Turtle).

Was ``etiograph.report``. One module per command family: :mod:`.paths`, :mod:`.reach`,
:mod:`.explain`; :mod:`.terminal` holds the width, wrapping and table rules they share.

>>> from etiograph import KnowledgeGraph
>>> from etiograph.render import paths_text
>>> print(paths_text(KnowledgeGraph.load().paths("fever", "dehydration", max_hops=1), columns=80), end="")
fever → dehydration: 1 causal path of at most 1 hop
<BLANKLINE>
#  length  weakest  path
1. 1 hop   can      fever → dehydration
<BLANKLINE>
Each hop's quote and claim: --evidence
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

if TYPE_CHECKING:
    from .explain import explain_dict, explain_json, explain_text
    from .paths import PATHS_SCHEMA, Sections, paths_csv, paths_dict, paths_json, paths_text, paths_turtle, schema
    from .reach import reach_csv, reach_dict, reach_json, reach_text

#: Where each name lives; imported on first use, so ``etiograph paths`` loads only what it prints.
_LAZY = {
    **dict.fromkeys(("explain_dict", "explain_json", "explain_text"), "explain"),
    **dict.fromkeys(
        ("PATHS_SCHEMA", "Sections", "paths_csv", "paths_dict", "paths_json", "paths_text", "paths_turtle", "schema"),
        "paths",
    ),
    **dict.fromkeys(("reach_csv", "reach_dict", "reach_json", "reach_text"), "reach"),
}

__all__ = [
    "PATHS_SCHEMA",
    "Sections",
    "explain_dict",
    "explain_json",
    "explain_text",
    "paths_csv",
    "paths_dict",
    "paths_json",
    "paths_text",
    "paths_turtle",
    "reach_csv",
    "reach_dict",
    "reach_json",
    "reach_text",
    "schema",
]


__getattr__, __dir__ = exports(__name__, _LAZY)
