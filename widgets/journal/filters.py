"""The journal's filters: a period (or custom dates), symbol, setup, tag, instrument, open/closed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QWidget

from analytics.journal_stats import filter_trades
from analytics.journal_trades import Trade
from data.market_calendar import ET
from widgets.flow_layout import FlowLayout

ALL = "All"
PERIODS = (("All dates", None), ("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90),
           ("Last 365 days", 365), ("Custom…", -1))
INSTRUMENT_CHOICES = (("All instruments", None), ("Stock", ("stock",)), ("Options", ("options",)),
                      ("Single options", ("option",)), ("Spreads", ("spread",)))
STATUSES = ("Open and closed", "Closed", "Open")


@dataclass(frozen=True, slots=True)
class Criteria:
    since: date | None = None
    until: date | None = None
    symbol: str | None = None
    setup: str | None = None
    tag: str | None = None
    instruments: tuple[str, ...] | None = None
    status: str = STATUSES[0]


def apply(trades: Sequence[Trade], c: Criteria) -> list[Trade]:
    """The trades matching ``c`` (``analytics.journal_stats.filter_trades``, plus open/closed)."""
    out = filter_trades(trades, since=c.since, until=c.until, symbols=[c.symbol] if c.symbol else None,
                        setups=[c.setup] if c.setup else None, tags=[c.tag] if c.tag else None,
                        instruments=c.instruments)
    if c.status != STATUSES[0]:
        out = [t for t in out if t.is_open == (c.status == "Open")]
    return out


def today_et(now: Callable[[], datetime | None] | None = None) -> date:
    """New York's date on ``now``'s clock (the market's, a replay's simulated one), else the machine's."""
    moment = now() if now is not None else None
    return (moment or datetime.now(ET)).astimezone(ET).date()


def _combo(items: Sequence[str], tip: str) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    box.setToolTip(tip)
    return box


class FilterBar(QWidget):
    """``dimensions``: which of symbol / setup / tag / status are offered (dates and instrument always)."""

    changed = Signal()

    def __init__(self, dimensions: Sequence[str] = ("symbol", "setup", "tag", "status"),
                 now: Callable[[], datetime | None] | None = None) -> None:
        super().__init__()
        self._today = lambda: today_et(now)
        self.period = _combo([p for p, _ in PERIODS], "Trades opened in this period (New York dates)")
        self.since, self.until = QDateEdit(calendarPopup=True), QDateEdit(calendarPopup=True)
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(self._today()))
            edit.hide()
            edit.dateChanged.connect(self.changed)
        self.to_label = QLabel("to")
        self.to_label.hide()
        self.symbol = _combo([f"{ALL} symbols"], "Only this underlying")
        self.setup = _combo([f"{ALL} setups"], "Only trades of this setup")
        self.tag = _combo([f"{ALL} tags"], "Only trades with this tag")
        self.instrument = _combo([i for i, _ in INSTRUMENT_CHOICES], "Stock, single options or spreads")
        self.status = _combo(STATUSES, "Open trades, closed trades or both")
        row = FlowLayout(self)  # wraps onto more rows in a narrow dock (never widens the window)
        for w in (self.period, self.since, self.to_label, self.until, self.instrument):
            row.addWidget(w)
        for name in ("symbol", "setup", "tag", "status"):
            box = getattr(self, name)
            row.addWidget(box) if name in dimensions else box.hide()
        self.period.currentIndexChanged.connect(self._period_changed)
        for box in (self.symbol, self.setup, self.tag, self.instrument, self.status):
            box.currentIndexChanged.connect(self.changed)

    def _period_changed(self) -> None:
        custom = PERIODS[self.period.currentIndex()][1] == -1
        for w in (self.since, self.to_label, self.until):
            w.setVisible(custom)
        self.changed.emit()

    def set_choices(self, trades: Sequence[Trade]) -> None:
        """Offer the symbols, setups and tags of ``trades``, keeping what is chosen."""
        values = {"symbol": {t.symbol for t in trades}, "setup": {t.setup for t in trades if t.setup},
                  "tag": {tag for t in trades for tag in t.tags}}
        for name, found in values.items():
            box: QComboBox = getattr(self, name)
            current = box.currentText() if box.currentIndex() > 0 else None
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            box.addItems(sorted(found | ({current} if current else set())))
            box.setCurrentIndex(max(0, box.findText(current)) if current else 0)
            box.blockSignals(False)

    def reset(self) -> None:
        """Every trade again (all dates, instruments, symbols, setups, tags, open and closed)."""
        boxes = (self.period, self.symbol, self.setup, self.tag, self.instrument, self.status)
        for box in boxes:
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        for w in (self.since, self.to_label, self.until):
            w.hide()

    def criteria(self) -> Criteria:
        days = PERIODS[self.period.currentIndex()][1]
        since = until = None
        if days == -1:
            since, until = self.since.date().toPython(), self.until.date().toPython()
        elif days is not None:
            since = self._today() - timedelta(days=days - 1)

        def chosen(box: QComboBox) -> str | None:
            return box.currentText() if box.currentIndex() > 0 else None

        return Criteria(since, until, chosen(self.symbol), chosen(self.setup), chosen(self.tag),
                        INSTRUMENT_CHOICES[self.instrument.currentIndex()][1], self.status.currentText())
