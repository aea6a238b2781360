"""The Macro panel: today's and the coming week's scheduled releases (date, time ET, event, impact
badge — High red, Medium orange, Low grey — and source), the active symbol's impact table (kind,
days, mean |open→close|, mean |close→close|, each × ordinary days), a notes line, and an empty
state that says why.

A pure view: ``show_events`` gets a ``MacroView``-like object (``events``, ``sources``, ``note``),
``show_impact`` an ``ImpactView``-like one (``symbol``, ``rows``, ``ordinary``, ``sessions``,
``since``, ``note``); times arrive aware UTC and are shown in ET.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from data.market_calendar import ET
from widgets.read_only_table import ReadOnlyTable

EVENT_COLUMNS = ("Date", "Time ET", "Event", "Impact", "Source")
IMPACT_COLUMNS = ("Event", "Days", "Mean |open→close|", "Mean |close→close|", "× ordinary (o→c / c→c)")
BADGES = {"high": ("High", "#d32f2f"), "medium": ("Medium", "#ef6c00"), "low": ("Low", "#757575")}
SOURCES = {"fomc": "Fed schedule", "fred": "FRED", "bls": "BLS", "demo": "demo"}
KIND_NAMES = {"fomc": "FOMC decision", "fomc_minutes": "FOMC minutes", "cpi": "CPI", "nfp": "NFP", "pce": "PCE",
              "gdp": "GDP", "retail_sales": "Retail sales", "ppi": "PPI", "jolts": "JOLTS", "ism": "ISM",
              "claims": "Jobless claims", "ordinary": "Ordinary days"}


BANNER_BEFORE = timedelta(minutes=15)  # a high-impact release this close gets the banner


def banner_text(events: Any, now: datetime | None) -> str:
    """"CPI at 08:30 ET in 5 min" for the next high-impact release within ``BANNER_BEFORE`` of ``now``
    (the market clock), else ""."""
    if now is None:
        return ""
    soon = [e for e in events if e.impact == "high" and timedelta(0) < e.at - now <= BANNER_BEFORE]
    if not soon:
        return ""
    first = min(soon, key=lambda e: e.at)
    minutes = max(1, math.ceil((first.at - now).total_seconds() / 60))
    return f"{first.title} at {first.at.astimezone(ET):%H:%M} ET in {minutes} min (high impact)"


def _pct(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.2f} %"


def _times(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.2f}×"


def event_cells(event: Any) -> list[str]:
    at = event.at.astimezone(ET)
    return [f"{at:%a %b} {at.day}", f"{at:%H:%M}", event.title, BADGES.get(event.impact, BADGES["low"])[0],
            SOURCES.get(event.source, event.source)]


def impact_cells(row: Any) -> list[str]:
    ratio = "" if row.kind == "ordinary" else f"{_times(row.ratio_oc)} / {_times(row.ratio_cc)}"
    return [KIND_NAMES.get(row.kind, row.kind), str(row.n), _pct(row.mean_oc), _pct(row.mean_cc), ratio]


class MacroPanel(QWidget):
    refresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.heading = QLabel("Macro calendar: today and the next 7 days")
        self.heading.setStyleSheet("font-weight: bold")
        self.refresh = QPushButton("Refresh")
        self.refresh.clicked.connect(self.refresh_requested)
        self.banner = QLabel("")
        self.banner.setStyleSheet("background: #d32f2f; color: white; font-weight: bold; padding: 4px")
        self.banner.hide()
        self._shown: tuple = ()
        self.events = ReadOnlyTable(EVENT_COLUMNS, stretch_last=True)
        self.empty = QLabel("Loading the macro calendar…")
        self.empty.setWordWrap(True)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.impact_heading = QLabel("Impact per symbol")
        self.impact_heading.setStyleSheet("font-weight: bold")
        self.impact = ReadOnlyTable(IMPACT_COLUMNS, stretch_last=True)
        self.impact_note = QLabel("Waiting for a symbol…")
        self.impact_note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for widget in (self.banner, self.empty, self.events, self.notes, self.impact_heading,
                       self.impact, self.impact_note):
            layout.addWidget(widget)
        self.events.hide()

    def set_now(self, now: datetime | None) -> None:
        """The market clock moved: show or hide the banner of an imminent high-impact release."""
        text = banner_text(self._shown, now)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def show_events(self, view: Any, now: datetime | None = None) -> None:
        self._shown = tuple(view.events)
        self.set_now(now)
        rows = [event_cells(e) for e in view.events]
        self.events.set_rows(rows)
        for r, event in enumerate(view.events):
            item: QTableWidgetItem = self.events.item(r, 3)
            item.setForeground(QBrush(QColor("white")))
            item.setBackground(QBrush(QColor(BADGES.get(event.impact, BADGES["low"])[1])))
        self.events.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if not rows:
            self.empty.setText("No scheduled releases today or in the next 7 days"
                               + (f" ({view.note})" if view.note else "."))
        sources = ", ".join(view.sources)
        self.notes.setText(" ".join(t for t in (f"Sources: {sources}." if sources else "", view.note) if t))

    def show_error(self, message: str) -> None:
        self.events.setVisible(self.events.rowCount() > 0)
        self.empty.setVisible(self.events.rowCount() == 0)
        self.empty.setText(f"The macro calendar could not be loaded: {message}")
        self.notes.setText(f"Could not refresh: {message}")

    def show_impact(self, view: Any) -> None:
        rows = [impact_cells(r) for r in view.rows]
        if rows and view.ordinary is not None:
            rows.append(impact_cells(view.ordinary))
        self.impact.set_rows(rows)
        self.impact.setVisible(bool(rows))
        self.impact_heading.setText(f"Impact on {view.symbol}: moves on past event days vs ordinary days")
        since = f" since {view.since:%b} {view.since.day}, {view.since.year}" if view.since else ""
        self.impact_note.setText(view.note or f"{view.sessions} daily bars{since}; ordinary days have no high "
                                 "or medium event.")

    def show_impact_error(self, symbol: str, message: str) -> None:
        self.impact.set_rows([])
        self.impact.hide()
        self.impact_heading.setText(f"Impact on {symbol}")
        self.impact_note.setText(f"No impact table for {symbol}: {message}")
