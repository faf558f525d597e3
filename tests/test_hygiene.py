"""Rules the test suite keeps about itself: every test asserts something, and each file's lane
marks are read (without importing the file) exactly as ``pytest -m`` applies them.

A test with no assertion passes whatever the code does; one that only calls code "to see that it
does not raise" says so with an ``assert`` on what came back. The checker reads the source (AST):
an ``assert``, ``pytest.raises``/``warns``/``fail``, Playwright's ``expect``, or a call to a helper
of the test files that asserts (followed through helpers and ``from test_x import`` of other test
files) counts.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import deselects_all, module_marks

TESTS = Path(__file__).resolve().parent
#: Calls that fail the test by themselves (``raises`` and ``warns`` also as context managers).
FAILING_CALLS = frozenset({"pytest.raises", "pytest.warns", "pytest.fail", "pytest.deprecated_call", "expect"})


class AssertionIndex:
    """The functions of a set of test modules, and which of them assert, directly or through a helper."""

    def __init__(self, sources: dict[str, str]):
        self.trees = {name: ast.parse(text) for name, text in sources.items()}
        self.functions: dict[tuple[str, str], ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.imported: dict[tuple[str, str], tuple[str, str]] = {}
        for module, tree in self.trees.items():
            for node in self._definitions(tree.body):
                self.functions.setdefault((module, node.name), node)
            for node in tree.body:
                if isinstance(node, ast.ImportFrom) and node.module in self.trees:
                    for alias in node.names:
                        self.imported[(module, alias.asname or alias.name)] = (node.module, alias.name)
        self._asserts: dict[tuple[str, str], bool] = {}

    @classmethod
    def _definitions(cls, body: list[ast.stmt]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Functions defined at module level, in classes and inside other functions (statements only)."""
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield node
                yield from cls._definitions(node.body)
            elif isinstance(node, ast.ClassDef):
                yield from cls._definitions(node.body)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for field in ("body", "orelse", "finalbody"):
                    yield from cls._definitions(getattr(node, field, []))

    def tests_without_assertions(self) -> list[str]:
        """What pytest collects (``test*`` functions, and methods of ``Test*`` classes) that asserts nothing."""
        return [
            f"{module}.py:{node.lineno} {node.name}"
            for module, tree in self.trees.items()
            if module.startswith("test_")
            for node in self._collected(tree.body)
            if not self.asserts(module, node.name)
        ]

    def _collected(self, body: list[ast.stmt]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        found = []
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                found.append(node)
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                found += self._collected(node.body)
        return found

    def asserts(self, module: str, name: str, seen: frozenset[tuple[str, str]] = frozenset()) -> bool:
        key = (module, name)
        if key in self._asserts:
            return self._asserts[key]
        if key in seen:
            return False
        if key not in self.functions:
            return key in self.imported and self.asserts(*self.imported[key], seen | {key})
        body = self.functions[key]
        found = any(self._fails(node) for node in ast.walk(body)) or any(
            self.asserts(module, callee, seen | {key}) for callee in self._callees(body)
        )
        self._asserts[key] = found
        return found

    @staticmethod
    def _fails(node: ast.AST) -> bool:
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            while isinstance(func, ast.Call | ast.Attribute) and ast.unparse(func) not in FAILING_CALLS:
                func = func.func if isinstance(func, ast.Call) else func.value  # expect(page).to_have_text(...)
            return ast.unparse(func) in FAILING_CALLS
        return False

    @staticmethod
    def _callees(body: ast.AST) -> set[str]:
        """Names this function calls: plain ``helper()`` and ``self.helper()``."""
        names = set()
        for node in ast.walk(body):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name):
                    names.add(node.func.id)
                elif isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "self":
                    names.add(node.func.attr)
        return names


@pytest.mark.slow  # parses every test file (~0.4 s); the checker's own test below stays in the fast lane
def test_every_test_asserts_something():
    sources = {path.stem: path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("*.py"))}
    missing = AssertionIndex(sources).tests_without_assertions()
    assert missing == [], "tests without an assertion:\n  " + "\n  ".join(missing)


def test_the_checker_follows_helpers_and_finds_what_does_not_assert():
    helpers = """
        import pytest
        def check(x):
            assert x
        def test_helper_from_another_file():
            pass
    """
    tests = """
        import pytest
        from test_helpers import check
        from playwright.sync_api import expect
        def indirect(x):
            check(x)
        def test_direct():
            assert 1
        def test_raises():
            with pytest.raises(ValueError):
                int("x")
        def test_through_two_helpers():
            indirect(1)
        def test_expect(page):
            expect(page.locator("h1")).to_have_text("x")
        def test_only_calls():
            int("1")
        def test_calls_an_unknown_name():
            unknown(1)
        def test_recursive_helper():
            loop()
        def loop():
            loop()
        class TestGroup:
            def test_in_a_class(self):
                self.run()
            def run(self):
                pass
    """
    index = AssertionIndex({"test_helpers": textwrap.dedent(helpers), "test_cases": textwrap.dedent(tests)})
    assert sorted(line.split()[1] for line in index.tests_without_assertions()) == [
        "test_calls_an_unknown_name",
        "test_helper_from_another_file",
        "test_in_a_class",
        "test_only_calls",
        "test_recursive_helper",
    ]


# -- lanes: what `pytest -m` skips without importing the file ----------------------------------------


@pytest.mark.parametrize(
    ("source", "marks"),
    [
        ("import pytest\n", set()),
        ("import pytest\npytestmark = pytest.mark.slow\n", {"slow"}),
        ("import pytest\npytestmark = [pytest.mark.external, pytest.mark.slow]\n", {"external", "slow"}),
        (
            'import pytest\npytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]\n',
            {"slow", "filterwarnings"},
        ),
        ("import pytest\ndef f():\n    pytestmark = pytest.mark.slow\n", set()),  # not at module level
        ("import pytest\n@pytest.mark.slow\ndef test_x():\n    assert 1\n# pytestmark\n", set()),
    ],
)
def test_module_marks_are_read_from_the_source(tmp_path: Path, source: str, marks: set[str]):
    path = tmp_path / "test_x.py"
    path.write_text(source, encoding="utf-8")
    assert module_marks(path) == marks


@pytest.mark.parametrize(
    ("expression", "marks", "skipped"),
    [
        ("not slow and not browser and not external", {"slow"}, True),
        ("not slow and not browser and not external", {"browser"}, True),
        ("not slow and not browser and not external", set(), False),
        ("not slow and not browser and not external", {"filterwarnings"}, False),
        ("slow", set(), False),  # a test of the file may be marked slow itself
        ("slow", {"external"}, False),
        ("not slow", {"external"}, False),
        ("slow or not external", {"external"}, False),  # a test may add `slow`
        ("external and not slow", {"slow"}, True),
        ("not (slow or browser)", {"browser", "external"}, True),
        ("mark(reason='x')", set(), False),  # keyword matching: collected, never guessed
        ("slow and", set(), False),  # not an expression: pytest reports it, nothing is skipped here
    ],
)
def test_a_file_is_skipped_only_when_no_test_in_it_can_match(expression: str, marks: set[str], skipped: bool):
    assert deselects_all(expression, frozenset(marks)) is skipped
