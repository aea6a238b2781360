"""A grid of check boxes, one per named choice (the Preferences' overlay, panel and alert-type rows)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget


def check_grid(choices: dict[str, str], columns: int,
               on_toggle: Callable[[str, bool], None]) -> tuple[QWidget, dict[str, QCheckBox]]:
    """``choices``: name -> label, laid out row by row in ``columns``; ``on_toggle(name, on)`` on a change."""
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    boxes: dict[str, QCheckBox] = {}
    for i, (name, label) in enumerate(choices.items()):
        check = boxes[name] = QCheckBox(label)
        check.toggled.connect(lambda on, n=name: on_toggle(n, on))
        grid.addWidget(check, i // columns, i % columns)
    return box, boxes
