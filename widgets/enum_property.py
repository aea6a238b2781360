"""Qt enum properties set by the name of their value, converted in C++.

PySide6 makes the Python type of Qt's namespace (``QtCore.Qt``: 93 enums, ~1,200 members through
Python's ``enum``) the first time any of its enums crosses into Python: 15–25 ms. The first frame
needs three of them (a label's alignment, a shortcut's context, a tab bar's elide mode); setting
those through the Qt property system by name keeps the namespace out of the start-up path
(``tests/ui/test_first_frame_qt_namespace.py``)."""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_enum_property(obj: QObject, prop: str, value: str) -> None:
    """``obj.prop = value`` by the value's name (``"AlignCenter"``, ``"ElideNone"``; a flags
    property takes ``"AlignLeft|AlignTop"``); ValueError if Qt has no such property or value."""
    if not obj.setProperty(prop, value):
        raise ValueError(f"{type(obj).__name__} has no property {prop!r} with a value {value!r}")
