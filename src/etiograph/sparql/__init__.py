"""SPARQL as text and as answers, apart from any store: :mod:`.named` reads the named ``.rq`` files of
``queries/`` and binds their parameters as terms (never spliced as text); :mod:`.results` writes
answers in the W3C results formats (JSON, XML, CSV, TSV) and as tables. Nothing here runs a query:
that is the KnowledgeGraph's job (``kg.run_named``, ``kg.query``).

Imports nothing on its own, so ``etiograph --help`` does not pay for what it does not use: the
public names below load their module on first use (PEP 562).

>>> from etiograph.sparql import get_query
>>> get_query("infection-comparison").title != ""
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

__all__ = ["NamedQuery", "Parameter", "all_queries", "bind_parameters", "get_query", "parse_query_file"]

if TYPE_CHECKING:
    from .named import NamedQuery, Parameter, all_queries, bind_parameters, get_query, parse_query_file


__getattr__, __dir__ = exports(__name__, dict.fromkeys(__all__, "named"))
