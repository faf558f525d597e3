"""The public surface: the modules a user may import from, each pinning its names with ``__all__``.

httpx keeps its modules private (``_client.py``) behind ``httpx.Client``; etiograph keeps the review's
module names and says instead, in the README and here, which modules are doors and which are
internal. These tests hold the README, the notebooks and the scripts under ``docs/`` to that list,
so an example cannot teach a user to import something that may move.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Modules a user may import from; each pins its public names in ``__all__``.
DOORS = (
    "etiograph",
    "etiograph.render",
    "etiograph.viz",
    "etiograph.export",
    "etiograph.sparql",
    "etiograph.backends",
    "etiograph.server",
    "etiograph.ontodoc",
    "etiograph.vocab",
    "etiograph.errors",
    "etiograph.records",
    "etiograph.cli",
)
#: Packages that are implementation: reached through the doors, free to move between releases.
INTERNAL = ("etiograph.causal", "etiograph.commands", "etiograph.curation", "etiograph.validation")

IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(etiograph[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)|import[ \t]+(etiograph[\w.]*))", re.M
)


def imports(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(module, names)`` for each etiograph import in ``text`` (``names`` empty for ``import m``).

    >>> imports("from etiograph.viz import (diagram_html,\\n  diagram_svg)  # x\\nimport etiograph.cli as c")
    [('etiograph.viz', ('diagram_html', 'diagram_svg')), ('etiograph.cli', ())]
    """
    found = []
    for match in IMPORT.finditer(text):
        module, names, plain = match.groups()
        if plain:
            found.append((plain, ()))
            continue
        cleaned = names.strip().strip("()").replace("\n", " ")
        found.append((module, tuple(n.split(" as ")[0].strip() for n in cleaned.split(",") if n.strip())))
    return found


def documentation() -> dict[str, str]:
    """Every place that shows users code: the README, the notebooks' code cells, scripts under docs/."""
    texts = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for script in sorted((ROOT / "docs").rglob("*.py")):
        texts[str(script.relative_to(ROOT))] = script.read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("door", DOORS)
def test_each_door_pins_documented_names(door: str):
    module = importlib.import_module(door)
    names = getattr(module, "__all__", None)
    assert names, f"{door} has no __all__"
    assert len(set(names)) == len(names), f"{door}.__all__ repeats a name"
    for name in names:
        value = getattr(module, name)  # raises if __all__ names something that is not there
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{door}.{name} has no docstring"
    assert sorted(set(names) - set(dir(module))) == [], f"{door}: dir() hides public names"


@pytest.mark.parametrize("package", INTERNAL)
def test_internal_packages_say_so(package: str):
    assert "Internal" in (importlib.import_module(package).__doc__ or ""), package


def test_the_readme_lists_every_door_and_internal_package():
    readme = documentation()["README.md"]
    section = readme[readme.index("**What is public.**") :].split("\n\n", 1)[0]
    for module in (*DOORS[1:], *INTERNAL):
        assert f"`{module}`" in section, module


def test_documentation_imports_only_public_names():
    texts = documentation()
    assert any(imports(text) for text in texts.values())  # the scan finds the examples at all
    wrong = []
    for where, text in texts.items():
        for module, names in imports(text):
            if module not in DOORS:
                wrong.append(f"{where}: {module} is internal")
                continue
            public = set(importlib.import_module(module).__all__)
            wrong += [f"{where}: {module}.{name} is not in its __all__" for name in names if name not in public]
    assert wrong == []


def test_the_scan_catches_an_internal_import():
    assert imports("x = 1\nfrom etiograph.datafiles import graph_sources\n") == [
        ("etiograph.datafiles", ("graph_sources",))
    ]
    assert "etiograph.datafiles" not in DOORS


#: Old module paths kept for one release: (old module, a name it held, where that name lives now).
MOVED = [
    ("etiograph.paths", "CausalPath", "etiograph.causal.model"),
    ("etiograph.paths", "simple_paths", "etiograph.causal.search"),
    ("etiograph.edges", "SparqlEdgeReader", "etiograph.causal.source"),
    ("etiograph.concepts", "ConceptResolver", "etiograph.causal.concepts"),
    ("etiograph.analysis", "betweenness_toward", "etiograph.causal.analysis"),
    ("etiograph.reachability", "why_no_path", "etiograph.causal.reachability"),
    ("etiograph.named_queries", "all_queries", "etiograph.sparql.named"),
    ("etiograph.validate", "validate", "etiograph.validation.report"),
    ("etiograph.quotes", "check_quotes", "etiograph.validation.quotes"),
    ("etiograph.viz.command", "run", "etiograph.commands.viz"),
    ("etiograph.server.command", "run", "etiograph.commands.serve"),
    ("etiograph.ontodoc.command", "run", "etiograph.commands.docs"),
    ("etiograph.export.command", "write_split", "etiograph.commands.export"),
]


@pytest.mark.parametrize(("old", "name", "new"), MOVED)
def test_old_module_paths_hand_over_the_same_object_with_a_warning(old: str, name: str, new: str):
    module = importlib.import_module(old)
    with pytest.warns(
        DeprecationWarning, match=rf"^{re.escape(old)} has moved: import {name} from {re.escape(new)};"
    ) as record:
        value = getattr(module, name)
    assert value is getattr(importlib.import_module(new), name)
    assert [w.filename for w in record] == [__file__]  # the warning points at the line that used the old path


def test_a_from_import_of_an_old_path_warns_at_the_importing_line():
    namespace: dict[str, object] = {}
    with pytest.warns(DeprecationWarning, match=r"etiograph\.causal\.source") as record:
        exec(compile("from etiograph.edges import EdgeFilter", "user_script.py", "exec"), namespace)
    assert record[0].filename == "user_script.py"
    assert namespace["EdgeFilter"] is importlib.import_module("etiograph.causal.source").EdgeFilter


@pytest.mark.parametrize(
    ("old", "name", "new_name", "message"),
    [
        ("etiograph.paths", "Path", "CausalPath", r"etiograph\.paths\.Path is deprecated \(it shadows pathlib\.Path\)"),
        ("etiograph.edges", "EdgeSource", "SparqlEdgeReader", r"etiograph\.edges\.EdgeSource is deprecated"),
    ],
)
def test_renamed_names_on_old_paths_say_their_new_name(old: str, name: str, new_name: str, message: str):
    with pytest.warns(DeprecationWarning, match=message):
        value = getattr(importlib.import_module(old), name)
    assert value.__name__ == new_name


def test_an_old_path_does_not_invent_names():
    with pytest.raises(AttributeError, match=r"etiograph\.paths"):
        importlib.import_module("etiograph.paths").no_such_name  # noqa: B018
