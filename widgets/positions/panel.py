"""Positions: every position with its live figures and expandable legs, the selected one's detail
and risk graph, and what a trader does with them (close, set a stop, act on advice, note).

The panel shows what it is handed (``set_positions``: the stored records; ``set_views``: the
tracker's valuations) and asks for every action by a signal; the app records it and the records
come back changed. An action's error is shown in the panel's status line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QSplitter, QVBoxLayout, QWidget

from data.store.records import PositionRecord
from widgets.empty_state import EmptyState
from widgets.positions import dialogs
from widgets.positions.advice_list import why_not
from widgets.positions.cells import money
from widgets.positions.detail import PositionDetail
from widgets.positions.risk_graph_widget import RiskGraphWidget
from widgets.positions.tree import PositionsTree
from widgets.symbol_actions import Subject, SymbolActions

FILTERS = ("Open", "Closed", "All")
FOREVER = datetime.max.replace(tzinfo=UTC)
KIND_VERBS = {"close": "Close", "roll": "Roll", "convert": "Convert", "set_stop": "Set stop"}


class PositionsPanel(QWidget):
    new_requested = Signal(str)  # underlying ("" for none)
    close_requested = Signal(int, object)  # position id, {symbol: price} or None (at mid)
    stop_requested = Signal(int, float)
    note_requested = Signal(int, str)
    action_requested = Signal(int, object)  # position id, Advice
    snooze_requested = Signal(object)  # Advice
    dismiss_requested = Signal(object)
    selection_changed = Signal(object)  # position id or None
    stale_after_s = 180.0

    def __init__(self, now: Callable[[], datetime | None] = lambda: None) -> None:
        super().__init__()
        self._now = now
        self.records: tuple[PositionRecord, ...] = ()
        self.views: dict[int, object] = {}
        self._hidden: dict[str, datetime] = {}  # advice key -> hidden until (market time)
        self.offers: Callable[[str], bool] = lambda _action: True  # "new" (a panel opens the entry dialog)
        self.symbol_actions = SymbolActions(self)  # a row's chart, chain, alert, setup and coach entries
        self.menu: QMenu | None = None  # the open context menu (tests read it)
        self.confirm = lambda text: dialogs.confirm(self, text)
        self.ask_prices = lambda record, marks: dialogs.ask_close_prices(self, record, marks)
        self.ask_stop = lambda record, suggested: dialogs.ask_stop(self, record, suggested)
        self.filter = QComboBox()
        self.filter.addItems(FILTERS)
        self.new_button = QPushButton("New position…")
        self.new_button.setToolTip("Enter a position by hand (or right-click a contract in the options chain)")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.tree = PositionsTree()
        self.detail = PositionDetail()
        self.risk = RiskGraphWidget()
        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        for widget in (QLabel("Show"), self.filter, self.new_button):
            top.addWidget(widget)
        top.addWidget(self.status, 1)
        table = QWidget()
        table_layout = QVBoxLayout(table)
        table_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = EmptyState(self.tree, table_layout)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.detail)
        bottom.addWidget(self.risk)
        bottom.setSizes([450, 550])
        # squeezed into a small dock (a laptop's screen), the parts shrink rather than push the window
        # past the screen's edge: each keeps a usable minimum, the splitters let the trader trade space
        table.setMinimumSize(200, 60)
        self.detail.setMinimumSize(160, 60)
        self.risk.setMinimumSize(200, 60)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(table)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([400, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.filter.currentIndexChanged.connect(lambda _i: self._refill())
        self.new_button.clicked.connect(lambda: self.new_requested.emit(self._selected_underlying()))
        self.tree.selectionModel().currentChanged.connect(lambda *_a: self._selected())
        self.tree.customContextMenuRequested.connect(self._menu_at)
        self.detail.note_requested.connect(self.note_requested)
        advice = self.detail.advice
        advice.do_requested.connect(lambda a: self.action_requested.emit(a.position_id, a))
        advice.snooze_requested.connect(self.snooze_requested)
        advice.dismiss_requested.connect(self.dismiss_requested)

    def set_offers(self, offers: Callable[[str], bool]) -> None:
        self.offers = offers
        self.new_button.setVisible(offers("new"))

    def showEvent(self, event) -> None:  # a panel built later may have started doing "new"
        self.new_button.setVisible(self.offers("new"))
        super().showEvent(event)

    # -- content -------------------------------------------------------------------------------
    def set_positions(self, records) -> None:
        self.records = tuple(records)
        self._refill()

    def set_views(self, views) -> None:
        self.views = {v.position.id: v for v in views}
        self._refill()

    def shown_records(self) -> list[PositionRecord]:
        wanted = self.filter.currentText()
        return [r for r in self.records if wanted == "All" or r.status == wanted.lower()]

    def _refill(self) -> None:
        shown = self.shown_records()
        now = self._now()
        self.tree.set_rows(shown, self._visible_views(), now.date() if now else None, self.stale_after_s)
        if shown:
            self.empty.show_view()
        else:
            self.empty.show_reason(self._empty_reason())
        if self.tree.selected_id() is None and shown:
            self.tree.select(shown[0].id)
        self._selected(refresh_only=True)

    def _empty_reason(self) -> str:
        kind = self.filter.currentText().lower()
        if kind == "closed":
            return "No closed positions yet."
        how = "New position… or right-click a contract in the options chain" if self.offers("new") else \
            "right-click a contract in the options chain"
        return f"No {'open ' if kind == 'open' else ''}positions. Enter one with {how}."

    def _visible_views(self) -> dict:
        """The views with the advice the trader snoozed or dismissed left out."""
        now = self._now()
        return {pid: _without(v, self._hidden, now) for pid, v in self.views.items()}

    def hide_advice(self, key: str, minutes: float | None) -> None:
        """Snoozed (``minutes``, market time) or dismissed (None) on this panel too."""
        now = self._now()
        self._hidden[key] = FOREVER if minutes is None or now is None else now + timedelta(minutes=minutes)
        self._refill()

    # -- selection -----------------------------------------------------------------------------
    def selected_record(self) -> PositionRecord | None:
        pid = self.tree.selected_id()
        return next((r for r in self.records if r.id == pid), None)

    def selected_view(self):
        record = self.selected_record()
        return self._visible_views().get(record.id) if record and record.status == "open" else None

    def show_position(self, position_id: int) -> bool:
        record = next((r for r in self.records if r.id == position_id), None)
        if record is None:
            return False
        if record not in self.shown_records():
            self.filter.setCurrentText("All")
        return self.tree.select(position_id)

    def _selected(self, refresh_only: bool = False) -> None:
        record, view = self.selected_record(), self.selected_view()
        self.detail.show_position(record, view, view.advice if view is not None else ())
        if not refresh_only:
            self.selection_changed.emit(record.id if record else None)

    def _selected_underlying(self) -> str:
        record = self.selected_record()
        return record.underlying if record else ""

    # -- messages ------------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.status.setStyleSheet("color: #ef5350;")
        self.status.setText(text)

    def show_message(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    # -- the context menu ----------------------------------------------------------------------
    def _menu_at(self, pos) -> None:
        pid = self.tree.id_at(pos)
        if pid is not None:
            self.tree.select(pid)
            self.menu = self.menu_for(pid)
            self.menu.popup(self.tree.viewport().mapToGlobal(pos))  # (not exec: the loop goes on)

    def menu_for(self, position_id: int) -> QMenu:
        record = next(r for r in self.records if r.id == position_id)
        view = self._visible_views().get(position_id) if record.status == "open" else None
        menu = QMenu(self)
        near = chain_strike(record, view)
        question = f"How is my {record.underlying} {record.strategy} (#{record.id}) doing, and what would you watch?"
        # the strike nearest the money: the chain opens there; an alert or a setup at it watches it
        label = "strike" if any(x.strike is not None for x in record.legs) else ""  # (else the spot)
        subject = Subject(record.underlying, near if math.isfinite(near) else None, label, question)
        self.symbol_actions.add_to(menu, subject)
        if record.status == "open" and record.legs:
            self._action_entries(menu, record, view)
        return menu

    def _action_entries(self, menu: QMenu, record: PositionRecord, view) -> None:
        menu.addSeparator()
        value = view.value.value if view is not None else math.nan
        side = "debit" if value < 0 else "credit"
        estimate = f" (≈ {money(abs(value), False)} {side})" if math.isfinite(value) else ""
        menu.addAction(f"Close at mid{estimate}…", lambda: self.close_at_mid(record))
        menu.addAction("Close at a price…", lambda: self.close_at_price(record))
        menu.addAction("Set stop…", lambda: self.set_stop(record, view))
        for advice in view.advice if view is not None else ():
            menu.addSeparator()
            if advice.action is not None and advice.action.kind in KIND_VERBS:
                entry = menu.addAction(f"{KIND_VERBS[advice.action.kind]}: {advice.title}",
                                       lambda a=advice: self.action_requested.emit(record.id, a))
                entry.setEnabled(not why_not(advice.action))
            menu.addAction(f"Snooze 1 h: {advice.title}", lambda a=advice: self.snooze_requested.emit(a))
            menu.addAction(f"Dismiss: {advice.title}", lambda a=advice: self.dismiss_requested.emit(a))

    def close_at_mid(self, record: PositionRecord) -> None:
        if self.confirm(f"Close {record.underlying} {record.strategy} (#{record.id}) at the current mids?"):
            self.close_requested.emit(record.id, None)

    def close_at_price(self, record: PositionRecord) -> None:
        view = self.views.get(record.id)
        marks = {lv.symbol: lv.mark for lv in view.value.legs} if view is not None else {}
        prices = self.ask_prices(record, marks)
        if prices is not None:
            self.close_requested.emit(record.id, prices)

    def set_stop(self, record: PositionRecord, view) -> None:
        spot = view.value.underlying_price if view is not None else math.nan
        suggested = record.stop_level or (spot if math.isfinite(spot) else 0.0)
        level = self.ask_stop(record, suggested)
        if level is not None:
            self.stop_requested.emit(record.id, level)


def chain_strike(record: PositionRecord, view) -> float:
    """The short strike nearest the money (the one a trader watches), else any strike, else spot."""
    spot = view.value.underlying_price if view is not None else math.nan
    options = [x for x in record.legs if x.strike is not None]
    shorts = [x for x in options if x.quantity < 0] or options
    if not shorts:
        return spot
    if not math.isfinite(spot):
        return float(shorts[0].strike)
    return float(min(shorts, key=lambda x: abs(x.strike - spot)).strike)


def _without(view, hidden: dict[str, datetime], now: datetime | None):
    if not hidden or not view.advice:
        return view
    keep = tuple(a for a in view.advice if not (a.key in hidden and (now is None or now < hidden[a.key])))
    return view if len(keep) == len(view.advice) else replace(view, advice=keep)
