"""pyqtgraph imported without making every Qt class at once.

PySide6 makes a Qt class (and each of its enums, Python ``enum`` classes that are slow to
create) the first time the class is looked up. pyqtgraph's ``Qt`` shim copies every name of
QtCore, QtGui and QtWidgets into mirror modules of its own at import (``_copy_attrs``: ``dir``
and ``getattr`` on each), so importing it made all ~720 classes and ~640 enums: ~100 ms on the
GUI thread before the first chart, for classes the app never uses.

Here the mirror modules are made first, each looking a name up in its PySide6 module on first
use and keeping it (after that a plain module attribute, as pyqtgraph's own copies were), and
while pyqtgraph imports, ``dir`` of those three PySide6 modules lists nothing, so the copy
copies nothing. Everything else pyqtgraph does at import (its Qt 5 names, the OpenGL widget) is
unchanged. A process that imported pyqtgraph already (the widget tests) keeps it as it is.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_MIRRORED = ("QtCore", "QtGui", "QtWidgets")


def import_pyqtgraph() -> ModuleType:
    """``pyqtgraph``, imported on first call with mirrors that look Qt names up when used."""
    if (loaded := sys.modules.get("pyqtgraph")) is not None:
        return loaded
    real = {name: importlib.import_module(f"PySide6.{name}") for name in _MIRRORED}
    for name, module in real.items():
        sys.modules.setdefault(f"pyqtgraph.Qt.{name}", _mirror(f"pyqtgraph.Qt.{name}", module))
    with _nothing_listed(real.values()):
        return importlib.import_module("pyqtgraph")


def _mirror(name: str, real: ModuleType) -> ModuleType:
    mirror = ModuleType(name, real.__doc__)

    def look_up(attribute: str) -> object:  # (PEP 562: called only for names not yet kept)
        value = getattr(real, attribute)  # AttributeError as the real module would raise it
        setattr(mirror, attribute, value)
        return value

    mirror.__getattr__ = look_up  # type: ignore[method-assign]
    return mirror


@contextmanager
def _nothing_listed(modules) -> Iterator[None]:
    saved = [(module, module.__dict__.get("__dir__")) for module in modules]
    for module, _ in saved:
        module.__dir__ = list  # type: ignore[method-assign]  # (called with no argument: [])
    try:
        yield
    finally:
        for module, listing in saved:
            if listing is None:
                del module.__dir__
            else:
                module.__dir__ = listing  # type: ignore[method-assign]
