"""A cheaper answer to the question PySide6 asks of every module imported after it.

For its opt-in ``from __feature__ import snake_case`` switch, PySide6 hooks the import statement
and, for each newly imported module, decides whether it "uses PySide" by searching its source
for ``"PySide6"`` (``_mod_uses_pyside``). It gets the source with ``inspect.getsource``, which
reads, splits and keeps every file in ``linecache``: ~0.2 ms a module, ~150 ms of the GUI
thread over the ~900 modules a start imports. ``install`` gives it the same answer from the
file's bytes for plain ``.py`` modules and leaves every other kind to PySide6's own check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

FEATURE_MODULE = "PySide6.support.feature"
MARK = b"PySide6"


def source_mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return fallback(module)  # packages without a file, extensions, zip imports …: as PySide6 does
    try:
        with open(path, "rb") as source:
            return MARK in source.read()
    except OSError:
        return False  # (inspect.getsource raises OSError then: PySide6 answers False)


def install() -> bool:
    """Once PySide6 is imported; False (nothing changed) where its check is not found."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "replaced_by_ai_coach", False):
        return False

    def check(module: ModuleType) -> bool:
        return source_mentions_pyside(module, original)

    check.replaced_by_ai_coach = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = check  # type: ignore[union-attr]
    return True
