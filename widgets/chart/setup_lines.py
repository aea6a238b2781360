"""Tracked setups on the chart: each live setup's entry, stop and targets as price lines
(``LevelLines`` of kind "setup", keyed ``setup:<id>:<part>``) with their tags on the price axis
("Entry 600.50", "Stop 598.00", "T1 604.00"). Entry blue — solid once triggered, dashed while it
waits —, stop red, targets green: apart from the alert and GEX lines.

``sync`` makes the chart's setup lines those of ``setups``: a line whose price, label, colour and
style are unchanged stays as it is, so a lifecycle step redraws only what it changed; ``recolor``
follows a theme change."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt

from analytics.setup_lifecycle import LIVE, TRIGGERED
from data.store.records import TrackedSetup
from widgets.chart.levels import LevelLines

KIND = "setup"
DASH, SOLID = Qt.PenStyle.DashLine, Qt.PenStyle.SolidLine


@dataclass(frozen=True, slots=True)
class SetupLine:
    key: str
    price: float
    label: str
    color: str
    style: Qt.PenStyle


def setup_lines(setups: Iterable[TrackedSetup], colors: dict[str, str]) -> Iterator[SetupLine]:
    """The lines of the live setups among ``setups`` (finished ones draw none)."""
    for s in setups:
        if s.status not in LIVE:
            continue
        key = f"{KIND}:{s.id}"
        entry_style = SOLID if s.status == TRIGGERED else DASH
        yield SetupLine(f"{key}:entry", s.entry, "Entry", colors["setup_entry"], entry_style)
        yield SetupLine(f"{key}:stop", s.stop, "Stop", colors["setup_stop"], DASH)
        for n, target in enumerate(s.targets, start=1):
            yield SetupLine(f"{key}:t{n}", target, f"T{n}", colors["setup_target"], DASH)


def sync(levels: LevelLines, setups: Iterable[TrackedSetup], colors: dict[str, str]) -> None:
    wanted = {line.key: line for line in setup_lines(setups, colors)}
    for key in levels.keys(KIND):
        drawn, line = levels.lines[key], wanted.get(key)
        if line is None or (drawn.line.value(), drawn.label, drawn.color, drawn.style) != (
                line.price, line.label, line.color, line.style):
            levels.remove(key)
    for key, line in wanted.items():
        if key not in levels.lines:
            levels.add(key, line.price, line.label, line.color, style=line.style)


def role(key: str) -> str:
    """The palette colour of a setup line by its key ("setup:3:entry", "setup:3:t2")."""
    part = key.rsplit(":", 1)[-1]
    return "setup_entry" if part == "entry" else "setup_stop" if part == "stop" else "setup_target"


def recolor(levels: LevelLines, colors: dict[str, str]) -> None:
    """The setup lines in a theme's ``colors`` (styles kept)."""
    for key in levels.keys(KIND):
        level = levels.lines[key]
        level.color = colors[role(key)]
        level.line.setPen(pg.mkPen(level.color, style=level.style))
    levels.tags.update()
