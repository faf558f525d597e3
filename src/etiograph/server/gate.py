"""Decide, before the engine sees it, whether a query may run: read it as the engine reads it.

The review of 2026-11-30 found that a gate which *parses* with one parser (rdflib) while the
engine parses with another (pyoxigraph) can be walked around: rdflib expands ``\\uXXXX`` escapes
across the whole text (SPARQL 1.1 §19.2) and pyoxigraph only inside strings and IRIs, so
``"a\\u005C"`` ends a string for one and not the other. This gate therefore does not parse with
a different grammar. It *tokenises the very text the engine will receive*, with the engine's
own lexical rules (checked case by case against pyoxigraph in ``tests/test_server_gate.py``), in
one linear pass, and refuses:

- ``\\u``/``\\U`` escapes outside strings and IRIs (pyoxigraph rejects them there anyway; no
  expansion happens anywhere, so both sides see the same characters) — 400;
- any word that *starts* with ``SERVICE`` outside strings, IRIs and comments — pyoxigraph reads
  ``SERVICEex:x`` and ``SERVICE:x`` as ``SERVICE`` plus a name — and the same inside an IRI-shaped
  span that holds a ``#`` (``FILTER(?a<?b)SERVICE ex:x#>`` is a ``<`` operator and a comment to the
  engine) — 403;
- ``FROM``/``FROM NAMED`` the same way (the dataset has only its default graph) — 403;
- SPARQL Update (the first keyword is ``INSERT``, ``LOAD``, ``CLEAR`` …) — 403;
- a query too big for the engine's recursive parser: nesting deeper than :data:`MAX_DEPTH`, more
  than :data:`MAX_OPERATORS` operators, more than :data:`MAX_TOKENS` tokens — 400, in linear time,
  before any parser runs (an 8,500-step path or ``1+1+…`` ×10,000 crashed pyoxigraph).

It is the first line. The second is the kernel: the workers cannot open a socket whatever the
gate lets through (:mod:`etiograph.server.isolation`). With ``--store rdflib`` the engine is
rdflib, and :func:`check_tree` also walks rdflib's own parse tree (the same parser as the engine).

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> check_query('SELECT * WHERE { BIND("a\\\\u005C" AS ?x) SERVICE<http://127.0.0.1:9/>{ ?s ?p ?o } #" }')
Traceback (most recent call last):
...
etiograph.server.gate.Refused: 403: federated queries (SERVICE) are disabled: this server never fetches other endpoints
>>> check_query("LOAD <file:///etc/passwd>")
Traceback (most recent call last):
...
etiograph.server.gate.Refused: 403: this endpoint is read-only: SPARQL Update (LOAD) is refused and the data stay as they are
"""

from __future__ import annotations

import re
from collections import OrderedDict

from ..diagnostics import sparql_syntax_message

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
SERVICE_REFUSED = "federated queries (SERVICE) are disabled: this server never fetches other endpoints"
DATASET_REFUSED = (
    "FROM and FROM NAMED are refused: this dataset has only a default graph, and the server never reads "
    "other graphs, files or URLs; remove the FROM clause"
)
ESCAPE_REFUSED = (
    "\\u and \\U escapes are accepted only inside strings and IRIs (line {line}, column {column}): "
    "write the character itself"
)
#: Deepest nesting of ( { [ accepted; pyoxigraph handles far more in the worker's 256 MiB stack.
MAX_DEPTH = 512
#: Most operators (/ | + - * || && ! = < > UNION …) in one query. pyoxigraph crashed on an 8,500-step
#: path and a 10,000-term sum in an 8 MiB stack (B19, B20); the worker's 256 MiB stack holds 10,000
#: and more, so 6,000 refuses both with a wide margin and still answers a 5,000-branch UNION (B21).
MAX_OPERATORS = 6_000
#: Most tokens in one query (a VALUES block of 60,000 numbers has 60,000).
MAX_TOKENS = 250_000

_PN_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_VARNAME = f"[{_PN_BASE}_0-9][{_PN_BASE}_0-9\u00b7\u0300-\u036f\u203f\u2040]*"
# Names (keywords, prefixed names, function names) are read greedily, non-ASCII included: the engine
# reads no character above U+007F as a boundary, so a longer name here can only hide what the engine
# would reject. Local-name escapes (\#, \.) and %XX belong to the name, as in the engine.
_NAME_CHAR = r"[\w\-.:\u00b7-\U000effff]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    r"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<lstring>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*''')
  | (?P<string>"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$]"""
    + _VARNAME
    + r""")
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z_:\u00b7-\U000effff](?:"""
    + _NAME_CHAR
    + r""")*)
  | (?P<op>\|\||&&|<=|>=|!=|\^\^|[/|+\-*!=<>^])
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
TOO_MANY_OPERATORS = f"the query chains more than {MAX_OPERATORS:,} operators (paths, UNION, arithmetic); split it"
_VALID_ESCAPE = re.compile(r"\\(?:[tbnrf\\\"']|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_ANY_ESCAPE = re.compile(r"\\.", re.DOTALL)
_CACHE_BYTES = 8 * 1024 * 1024
_CACHE_ENTRY_MAX = 16 * 1024


class Refused(Exception):
    """A query the endpoint will not run: an HTTP status, a message, and where (for syntax errors)."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        self.status = status
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"{status}: {message}")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax(text: str, offset: int, what: str) -> Refused:
    line, column = _position(text, offset)
    return Refused(400, sparql_syntax_message(what, line, column), line, column)


def _is_service(word: str) -> bool:
    upper = word.upper()
    return upper.startswith("SERVICE") or (":" not in word and "SERVICE" in upper)


def _is_from(word: str) -> bool:
    upper = word.upper()
    return upper.startswith("FROM") or (":" not in word and "FROM" in upper)


#: Tokens after which ``<`` may be the less-than operator rather than the start of an IRI.
_OPERAND_ENDS = frozenset(("var", "number", "string", "lstring", "close", "name", "iri"))


def _hidden_keywords(iri: str) -> None:
    """An IRI-shaped span with a ``#``, after an operand, may be to the engine a ``<`` operator, code,
    and a comment that swallows the ``>``: refuse a keyword in that code."""
    code = iri[1 : iri.index("#")]
    for found in _TOKEN.finditer(code):
        if found.lastgroup == "name":
            upper = found.group().upper()
            if upper.startswith("SERVICE"):
                raise Refused(403, SERVICE_REFUSED)
            if upper.startswith("FROM"):
                raise Refused(403, DATASET_REFUSED)


def scan(text: str) -> str:
    """The query form, after every lexical check; raises :class:`Refused`. Linear in the text."""
    depth = operators = tokens = 0
    words: list[str] = []
    form = None
    last = second = ("", "")  # the two significant tokens before this one: (kind, text)
    for found in _TOKEN.finditer(text):
        kind = found.lastgroup
        if kind in ("ws", "comment"):
            continue
        tokens += 1
        if tokens > MAX_TOKENS:
            raise Refused(400, f"the query has more than {MAX_TOKENS:,} tokens; split it into smaller queries")
        if kind == "name":
            word = found.group()
            if _is_service(word):
                raise Refused(403, SERVICE_REFUSED)
            if _is_from(word):
                raise Refused(403, DATASET_REFUSED)
            upper = word.upper()
            if upper in ("UNION", "MINUS"):
                operators += 1
                if operators > MAX_OPERATORS:
                    raise Refused(400, TOO_MANY_OPERATORS)
            elif form is None and ":" not in word:
                form = next((f for f in QUERY_FORMS if upper.startswith(f)), None)
                if form is None and upper.startswith(UPDATE_WORDS):
                    words.append(next(u for u in UPDATE_WORDS if upper.startswith(u)))
                    form = "UPDATE"
            elif form == "UPDATE" and upper.startswith(UPDATE_WORDS):
                words.append(next(u for u in UPDATE_WORDS if upper.startswith(u)))
        elif kind in ("string", "lstring"):
            body = found.group()
            if len(_VALID_ESCAPE.findall(body)) != len(_ANY_ESCAPE.findall(body)):
                raise _syntax(
                    text, found.start(), "a string holds an invalid escape (\\t \\n \\r \\\" \\' \\\\ \\uXXXX)"
                )
        elif kind == "iri":
            declared = second[1].upper() == "PREFIX" or last[1].upper() == "BASE"
            if "#" in found.group() and last[0] in _OPERAND_ENDS and not declared:
                _hidden_keywords(found.group())
        elif kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise Refused(400, f"the query is nested more than {MAX_DEPTH} levels deep; flatten it")
        elif kind == "close":
            depth -= 1
        elif kind == "op":
            operators += 1
            if operators > MAX_OPERATORS:
                raise Refused(400, TOO_MANY_OPERATORS)
        elif kind == "other":
            char = found.group()
            if char == "\\":
                following = text[found.end() : found.end() + 1]
                if following in ("u", "U"):
                    line, column = _position(text, found.start())
                    raise Refused(400, ESCAPE_REFUSED.format(line=line, column=column), line, column)
        second, last = last, (kind, found.group())
    if form == "UPDATE":
        operations = ", ".join(dict.fromkeys(words))
        raise Refused(
            403, f"this endpoint is read-only: SPARQL Update ({operations}) is refused and the data stay as they are"
        )
    if form is None:
        raise Refused(400, "SPARQL syntax error: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return form


class _BoundedCache:
    """Verdicts of recent queries, bounded in bytes (the review's B39: an entry count let 1,100
    distinct 1 MB queries keep 486 MiB per worker). Long texts are not cached at all."""

    def __init__(self, max_bytes: int = _CACHE_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, str | Refused] = OrderedDict()

    def get(self, text: str) -> str | Refused | None:
        verdict = self.entries.get(text)
        if verdict is not None:
            self.entries.move_to_end(text)
        return verdict

    def put(self, text: str, verdict: str | Refused) -> None:
        cost = len(text) + 200
        if cost > _CACHE_ENTRY_MAX or text in self.entries:
            return
        self.entries[text] = verdict
        self.size += cost
        while self.size > self.max_bytes:
            old, _ = self.entries.popitem(last=False)
            self.size -= len(old) + 200


_cache = _BoundedCache()


_RISKY = re.compile(r"service|from|\\", re.IGNORECASE)
_PLAIN_FORM = re.compile(
    r"(?:\s|\#[^\r\n]*|PREFIX\s+[A-Za-z0-9_.\-]*:\s*<[^<>\"{}|^`\\\x00-\x20]*>|BASE\s*<[^<>\"{}|^`\\\x00-\x20]*>)*"
    r"(SELECT|CONSTRUCT|DESCRIBE|ASK)(?=[\s*{?$(<#]|\Z)",
    re.IGNORECASE,
)
_QUICK_MAX = 4000


def quick_form(text: str) -> str | None:
    """The form of a short, plain query, decided by C-speed checks alone; None: scan it.

    Plain means: at most 4,000 characters (so at most 4,000 tokens and operators), no backslash,
    no ``service`` or ``from`` anywhere (strings and comments included), few enough brackets, and
    a prologue of ``PREFIX``/``BASE``/comments followed by a query keyword.
    """
    if len(text) > _QUICK_MAX or _RISKY.search(text):
        return None
    if text.count("(") + text.count("{") + text.count("[") > MAX_DEPTH:
        return None
    found = _PLAIN_FORM.match(text)
    return found.group(1).upper() if found else None


def check_query(text: str) -> str:
    """The query's form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``), or :class:`Refused`."""
    form = quick_form(text)
    if form is not None:
        return form
    verdict = _cache.get(text)
    if verdict is None:
        try:
            verdict = scan(text)
        except Refused as refusal:
            verdict = refusal
        _cache.put(text, verdict)
    if isinstance(verdict, Refused):
        raise verdict
    return verdict


# -- rdflib as the engine (--store rdflib): walk its own parse tree -----------------------------------
_TREE_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}


def _walk(tree: object):
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists, dicts), without recursion."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):  # CompValue is an OrderedDict
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))


def check_tree(text: str) -> str:
    """With rdflib as the engine: parse with rdflib (the engine's parser) and walk the tree for
    ``SERVICE`` and ``FROM``. Run after :func:`check_query`, which bounds the text first."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except RecursionError:
        raise Refused(400, "the query is nested too deeply for rdflib's parser") from None
    except ParseBaseException as error:
        line, column = getattr(error, "lineno", None), getattr(error, "col", None)
        raise Refused(400, sparql_syntax_message(error.msg, line, column), line, column) from None
    except Exception:  # rdflib raises others on odd input; never show its internals
        raise Refused(400, "SPARQL syntax error: the query could not be parsed") from None
    form = None
    for node in _walk(parsed):
        name = getattr(node, "name", None) if isinstance(node, dict) else None
        if name == "ServiceGraphPattern":
            raise Refused(403, SERVICE_REFUSED)
        if isinstance(node, dict) and dict.get(node, "datasetClause"):  # CompValue.get defaults oddly
            raise Refused(403, DATASET_REFUSED)
        if name in _TREE_FORMS and form is None:
            form = _TREE_FORMS[name]
    if form is None:
        raise Refused(400, "SPARQL syntax error: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return form
