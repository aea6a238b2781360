"""One list of the actions a symbol, a strike, a level or a setup offers wherever it appears — open
its chart, open the chain near a price, set an alert, track a setup there, ask the coach — with what
each needs (a price for the chain, the alert and the setup) and only those some panel can do (the
owner sets ``offers``). Panels put them in their own right-click menus with ``add_to``; the app does
what is asked (``app.ui.symbol_actions``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu


@dataclass(frozen=True, slots=True)
class Subject:
    symbol: str
    price: float | None = None  # a strike, a level, an entry
    label: str = ""  # what the price is ("strike", "PDH", "entry")
    question: str = ""  # the coach's question ("" : one made from the symbol and price)

    def coach_question(self) -> str:
        if self.question:
            return self.question
        at = f" around {self.label + ' ' if self.label else ''}{self.price:,.2f}" if self.price is not None else ""
        return f"How does {self.symbol} look{at}: key levels, gamma, implied volatility?"


def _at(s: Subject) -> str:
    return f"{s.label + ' ' if s.label else ''}{s.price:,.2f}"


# name -> the menu text for a subject (None: the subject lacks what the action needs)
ACTIONS: tuple[tuple[str, Callable[[Subject], str | None]], ...] = (
    ("chart", lambda s: f"Open {s.symbol} chart"),
    ("chain", lambda s: None if s.price is None else f"Open chain near {_at(s)}"),
    ("alert", lambda s: None if s.price is None else f"Alert at {_at(s)}…"),
    ("track", lambda s: None if s.price is None else f"Track setup at {_at(s)}…"),
    ("coach", lambda s: f"Ask the coach about {s.symbol}"),
)


class SymbolActions(QObject):
    requested = Signal(str, object)  # an action's name, its Subject

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # which actions the app can do (the owner sets it; opening the chart is always possible)
        self.offers: Callable[[str], bool] = lambda name: name == "chart"

    def add_to(self, menu: QMenu, subject: Subject, skip: tuple[str, ...] = ()) -> int:
        """Add the actions that apply to ``subject``; returns how many were added."""
        added = 0
        for name, title in ACTIONS:
            text = title(subject)
            if name in skip or text is None or not self.offers(name):
                continue
            menu.addAction(text, lambda n=name: self.requested.emit(n, subject))
            added += 1
        return added
