"""Every character the app can show exists in DejaVu Sans, Debian's default font (the alarm
clock and pause glyphs used to render as empty boxes there). Strings in code, not docstrings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

REPO = Path(__file__).resolve().parents[2]
SHOWN_FROM = ("app", "widgets", "data", "analytics")  # messages and labels come from every layer


def _literals(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return "".join(n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings)


def test_every_shown_character_is_in_debians_default_font(qapp) -> None:
    if "DejaVu Sans" not in QFontDatabase.families():
        pytest.skip("DejaVu Sans is not installed here")
    metrics = QFontMetrics(QFont("DejaVu Sans"))
    where: dict[str, set[str]] = {}
    for top in SHOWN_FROM:
        for path in sorted((REPO / top).rglob("*.py")):
            for char in _literals(path):
                if ord(char) > 127 and not metrics.inFontUcs4(ord(char)):
                    where.setdefault(char, set()).add(str(path.relative_to(REPO)))
    assert not where, {f"U+{ord(c):04X} {c}": sorted(files) for c, files in where.items()}
