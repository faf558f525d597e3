"""Errors that speak to users: what went wrong, where, and what to do.

The CLI turns each into a message and an exit code; none should surface as a traceback.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "EndpointError",
    "EtiographError",
    "InstallationError",
    "QueryError",
    "UnknownConceptError",
    "UnknownQueryError",
]

from collections.abc import Sequence
from pathlib import Path


class EtiographError(Exception):
    """Base class: a problem with the user's input rather than a bug (exit code 2)."""

    exit_code = 2


class DataError(EtiographError):
    """A data file is missing or is not valid Turtle; names the file and the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class UnknownConceptError(EtiographError):
    """A concept name that matches nothing, or more than one concept; carries the closest labels."""

    def __init__(self, name: str, suggestions: Sequence[str], ambiguous: bool = False):
        self.name = name
        self.suggestions = list(suggestions)
        self.ambiguous = ambiguous
        if ambiguous:
            message = f"{name!r} is ambiguous: it names " + ", ".join(repr(s) for s in self.suggestions)
            message += "; use one of these labels, a CURIE or the full IRI"
        else:
            message = f"unknown concept {name!r}"
            if self.suggestions:
                message += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
            else:
                message += "; `etiograph query concepts` lists them all"
        super().__init__(message)


class QueryError(EtiographError):
    """A SPARQL query that cannot be parsed or run; says where, when the engine tells us."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        super().__init__(message)


class UnknownQueryError(EtiographError):
    """A named query that does not exist."""


class EndpointError(EtiographError):
    """A remote SPARQL endpoint that cannot be reached or answers with an error."""


class InstallationError(EtiographError):
    """Files etiograph ships with are missing (a broken install): say which and how to repair, in one line."""


def warn_deprecated(message: str) -> None:
    """Warn the caller's caller that a name is going (one release of grace): the old names of renamed
    classes, modules and attributes all warn the same way, pointing at the line that used them."""
    import warnings

    warnings.warn(message, DeprecationWarning, stacklevel=3)
