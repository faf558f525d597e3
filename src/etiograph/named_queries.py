"""Moved to :mod:`etiograph.sparql.named`; this name stays so that scripts and notebooks importing
``etiograph.named_queries`` keep working."""

from .sparql.named import NamedQuery, Parameter, all_queries, bind_parameters, get_query, parse_query_file  # noqa: F401
