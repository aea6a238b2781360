"""Size budgets (docs/architecture.md rule 11): modules < 400 lines, functions < 40, panel builders < 60.

Today's offenders are listed in ALLOWED with their current size; a listed item may only shrink.
The test fails when a listed item grows, when a new offender appears, and when a listed item is
within budget or gone (then drop it from the list, so the list keeps shrinking). Regenerate the
list from the tree with ``python tests/test_budgets.py --print-allow-list``.

Stdlib only, so the script runs with any Python.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = ("app", "widgets", "analytics", "data", "resources", "packaging")
EXCLUDED = ("data/store/migrations/",)  # Alembic revisions: generated, one per schema change
SOURCES = ("*.py", "*.spec")  # a PyInstaller spec is Python too
MODULE_LINES = 400  # every budget is exclusive: a module has fewer than 400 lines
FUNCTION_LINES = 40
BUILDER_LINES = 60  # `build` in app/ui/panels/: wiring a panel takes a few more lines
BUILDER_DIR = "app/ui/panels/"

# "path" (module lines) or "path::qualname" (function lines, decorators included) -> size today.
ALLOWED: dict[str, int] = {
    'analytics/gex.py::gex_profile': 48,
    'packaging/build.py::main': 42,
    'widgets/alerts_panel.py::AlertsPanel.__init__': 70,
    'widgets/heatmap_panel.py::HeatmapPanel.__init__': 44,
    'widgets/iv_panel.py::IvPanel.__init__': 40,
    'widgets/watchlist_panel.py::WatchlistPanel.__init__': 57,
    'widgets/zero_dte_panel.py::ZeroDtePanel.__init__': 51,
}


def _modules() -> Iterator[tuple[str, Path]]:
    for root in ROOTS:
        for pattern in SOURCES:
            for path in sorted((REPO / root).rglob(pattern)):
                rel = path.relative_to(REPO).as_posix()
                if "__pycache__" not in rel and not rel.startswith(EXCLUDED):
                    yield rel, path


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every def with its dotted qualname; a nested def is measured on its own as well."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)  # defs under if/try/with blocks


def _span(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return node.end_lineno - start + 1


def measure() -> dict[str, tuple[int, int]]:
    """Every module and function in the tree: key -> (size, budget)."""
    sizes: dict[str, tuple[int, int]] = {}
    for rel, path in _modules():
        text = path.read_text(encoding="utf-8")
        sizes[rel] = (len(text.splitlines()), MODULE_LINES)
        for qualname, node in _functions(ast.parse(text, filename=rel)):
            builder = rel.startswith(BUILDER_DIR) and qualname == "build"
            key = f"{rel}::{qualname}"  # a property's getter and setter share one: the longer counts
            sizes[key] = max(sizes.get(key, (0, 0)), (_span(node), BUILDER_LINES if builder else FUNCTION_LINES))
    return sizes


def offenders(sizes: dict[str, tuple[int, int]]) -> dict[str, int]:
    return {key: size for key, (size, budget) in sizes.items() if size >= budget}


def problems(sizes: dict[str, tuple[int, int]], allowed: dict[str, int]) -> list[str]:
    found: list[str] = []
    for key, size in offenders(sizes).items():
        budget = sizes[key][1]
        if key not in allowed:
            found.append(f"NEW  {key}: {size} lines, budget < {budget}: split it (do not add it to ALLOWED)")
        elif size > allowed[key]:
            found.append(f"GREW {key}: {size} lines, allowed {allowed[key]} (budget < {budget}): shrink it back")
    for key in allowed:
        if key not in sizes:
            found.append(f"GONE {key}: no longer in the tree: remove it from ALLOWED")
        elif sizes[key][0] < sizes[key][1]:
            found.append(f"FITS {key}: {sizes[key][0]} lines is within budget (< {sizes[key][1]}): "
                         "remove it from ALLOWED")
    return found


def allow_list_source(sizes: dict[str, tuple[int, int]]) -> str:
    rows = "".join(f"    {key!r}: {size},\n" for key, size in sorted(offenders(sizes).items()))
    return "ALLOWED: dict[str, int] = {\n" + rows + "}"


def test_modules_and_functions_keep_their_budgets() -> None:
    import pytest  # here, so the file also runs as a plain script

    found = problems(measure(), ALLOWED)
    if found:
        pytest.fail("size budgets broken (regenerate ALLOWED with `python tests/test_budgets.py --print-allow-list` "
                    "only to record shrinking):\n" + "\n".join(found), pytrace=False)


def test_the_checker_sees_growth_new_offenders_and_stale_entries() -> None:
    sizes = {"a.py": (420, 400), "a.py::f": (45, 40), "a.py::g": (12, 40), "b.py": (401, 400)}
    allowed = {"a.py": 410, "a.py::f": 45, "a.py::g": 41, "gone.py": 500}
    found = problems(sizes, allowed)
    assert [line.split()[0:2] for line in found] == [["GREW", "a.py:"], ["NEW", "b.py:"], ["FITS", "a.py::g:"],
                                                    ["GONE", "gone.py:"]]


def test_nested_functions_and_decorators_are_measured() -> None:
    source = "class C:\n    @property\n    def f(self):\n        def inner():\n            pass\n        return 1\n"
    measured = {name: _span(node) for name, node in _functions(ast.parse(source))}
    assert measured == {"C.f": 5, "C.f.inner": 2}


if __name__ == "__main__":
    if sys.argv[1:] != ["--print-allow-list"]:
        sys.exit("usage: python tests/test_budgets.py --print-allow-list")
    print(allow_list_source(measure()))
