"""New position: a strategy template on the live chain, or legs typed as OCC symbols.

The trader picks the strategy, the expiry (and the far one for a calendar or a diagonal) and the
strikes from the strikes listed that day (defaulted about the spot, in expected moves: an iron
condor sells about one expected move out and buys half a move further); the legs show with their
mids as open prices (editable), the net debit or credit, max profit / loss and break-evens.
"Custom / OCC symbols" takes one leg a line. Whatever is wrong shows in plain words under the
legs, with OK disabled. Nothing is sent to a broker: OK emits ``submitted`` and the dialog stays
open, as typed, until the owner calls ``accept`` (recorded) or ``show_error`` (say why).

The owner feeds the chain (``set_chain``, or ``set_unavailable``); without a fixed underlying the
symbol field asks for another with ``symbol_requested``.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from analytics.positions import Leg
from analytics.strategies import StrategyError, listed_strikes
from data.market_calendar import market_date
from data.option_chain import OptionChain
from data.symbols import SymbolError, normalize_symbol, parse_option_symbol
from widgets.positions import entry_model as em
from widgets.positions.legs_table import LegsTable, apply_prices

MAX_SLOTS = 4
OCC_HINT = "One leg a line: symbol, quantity (+ buys, - sells), @ price\nSPXW 261218P06500000 -1 @ 4.10"


class PositionEntryDialog(QDialog):
    submitted = Signal(str, object, str)  # underlying, tuple[Leg, ...], notes
    symbol_requested = Signal(str)  # another underlying typed in the symbol field

    def __init__(self, symbol: str, contract: str | None = None, quantity: int = 1,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol, self.fixed = symbol, contract is not None
        self.setWindowTitle(f"New position — {symbol}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._chain: OptionChain | None = None
        self._ivs: np.ndarray | None = None
        self._spot = math.nan
        self._today: date | None = None  # the chain's market date (until it comes, the engine checks expiries)
        self._expiries: list[em.Expiry] = []
        self._anchor = self._prefill(contract, quantity)
        self.legs: tuple[Leg, ...] = ()
        self._make_widgets(symbol, quantity)
        self._lay_out()
        self._connect()
        self._choice_changed()

    # -- building -----------------------------------------------------------------------------
    def _prefill(self, contract: str | None, quantity: int) -> tuple[bool, int, float] | None:
        self._wanted: tuple[date, str] | None = None
        self._start: str | None = None
        if contract is None:
            return None
        try:
            occ = parse_option_symbol(contract)
        except SymbolError:
            return None  # (a contract the chain listed always parses; otherwise open unfilled)
        sign = 1 if quantity > 0 else -1
        self._wanted = (occ.expiry, occ.root)
        self._start = f"{'Long' if sign > 0 else 'Short'} {'call' if occ.is_call else 'put'}"
        return occ.is_call, sign, occ.strike

    def _make_widgets(self, symbol: str, quantity: int) -> None:
        self.underlying = QLineEdit(symbol, maxLength=12)
        self.underlying.setReadOnly(self.fixed)
        if self.fixed:  # reads as text, not as a field to type in
            self.underlying.setFrame(False)
            self.underlying.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.underlying.setToolTip("The contract's underlying" if self.fixed
                                   else "Type another symbol and press Enter to load its chain.")
        self.strategy = QComboBox()
        self.strategy.addItems([c.title for c in em.CHOICES])
        self.strategy.setCurrentText(self._start or "Long call")
        self.strategy.setMaxVisibleItems(len(em.CHOICES))
        self.expiry, self.far = QComboBox(), QComboBox()
        self.strike_labels = [QLabel() for _ in range(MAX_SLOTS)]
        self.strikes = [QComboBox(editable=True) for _ in range(MAX_SLOTS)]
        for box in self.strikes:
            box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            box.setMinimumContentsLength(7)
        self.quantity = QSpinBox(minimum=0, maximum=10_000, value=max(1, abs(quantity)))
        self.fees = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=100.0, singleStep=0.05, value=em.DEFAULT_FEE)
        self.fees.setPrefix("$ ")
        self.fees.setSuffix(" per contract")
        self.notes = QLineEdit(placeholderText="Why this trade (optional)")
        self.occ = QPlainTextEdit(placeholderText=OCC_HINT)
        self.occ.setMaximumHeight(90)
        self.table = LegsTable()
        self.summary = QLabel(wordWrap=True)
        self.chain_status = QLabel(f"Loading the {symbol} option chain…", wordWrap=True)
        self.chain_status.setStyleSheet("color: #8b919a;")
        self.problem = QLabel(objectName="entryProblem", wordWrap=True)
        self.problem.setStyleSheet("color: #ef5350;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record position")
        self.ok.setToolTip("Records the position in the app; nothing is sent to a broker.")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Underlying", self.underlying)
        form.addRow("Strategy", self.strategy)
        form.addRow("Expiry", self.expiry)
        form.addRow("Far expiry", self.far)
        self.form = form
        self.strike_grid = grid = QGridLayout()
        for i, (label, box) in enumerate(zip(self.strike_labels, self.strikes, strict=True)):
            grid.addWidget(label, 0, i)
            grid.addWidget(box, 1, i)
        form.addRow("Strikes", grid)
        form.addRow("Legs", self.occ)
        form.addRow("Quantity", self.quantity)
        form.addRow("Fees", self.fees)
        form.addRow("Notes", self.notes)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.table, self.summary, self.chain_status, self.problem, self.buttons):
            layout.addWidget(widget)

    def _connect(self) -> None:
        self.strategy.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.expiry.currentIndexChanged.connect(lambda _i: self._fill_strikes())
        self.far.currentIndexChanged.connect(lambda _i: self._fill_strikes())
        for box in self.strikes:
            box.currentTextChanged.connect(lambda _t: self.recompute())
        self.quantity.valueChanged.connect(lambda _v: self.recompute())
        self.fees.valueChanged.connect(lambda _v: self.recompute())
        self.occ.textChanged.connect(self.recompute)
        self.table.price_edited.connect(self.recompute)
        self.underlying.editingFinished.connect(self._symbol_typed)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    @property
    def choice(self) -> em.Choice:
        return em.CHOICES[self.strategy.currentIndex()]

    # -- input --------------------------------------------------------------------------------
    def set_chain(self, chain: OptionChain, spot: float, ivs: np.ndarray | None = None) -> None:
        """The underlying's chain (``ivs``: an IV per chain row, for the expected move and the
        preview of a calendar)."""
        self._chain, self._spot, self._ivs = chain, spot, ivs
        self._today = market_date(chain.asof)
        self._expiries = em.expiries(chain, self._today)
        self.chain_status.setText(f"{chain.underlying} {spot:,.2f} · chain as of {chain.asof:%H:%M:%S} ET · "
                                  f"{len(self._expiries)} expiries")
        for box in (self.expiry, self.far):
            box.blockSignals(True)
            box.clear()
            box.addItems([e.label for e in self._expiries])
        wanted = self._wanted or (None, None)
        near = em.default_expiry(self._expiries, *wanted)
        self.expiry.setCurrentIndex(near)
        self.far.setCurrentIndex(em.default_far(self._expiries, near))
        for box in (self.expiry, self.far):
            box.blockSignals(False)
        self._fill_strikes()

    def set_unavailable(self, reason: str) -> None:
        """No chain for the underlying: typed OCC symbols with their prices still work."""
        self._chain, self._expiries = None, []
        self.expiry.clear()
        self.far.clear()
        self.chain_status.setText(f"{reason} Type the legs as OCC symbols with their prices.")
        self.strategy.setCurrentText(em.CUSTOM)
        self.recompute()

    def _symbol_typed(self) -> None:
        if self.fixed:
            return
        try:
            symbol = normalize_symbol(self.underlying.text())
        except SymbolError as exc:
            self.problem.setText(str(exc))
            self.ok.setEnabled(False)
            return
        if symbol != self.symbol:
            self.symbol, self._chain = symbol, None
            self.setWindowTitle(f"New position — {symbol}")
            self.chain_status.setText(f"Loading the {symbol} option chain…")
            self.recompute()
            self.symbol_requested.emit(symbol)

    # -- the form follows the strategy ---------------------------------------------------------
    def _choice_changed(self) -> None:
        choice = self.choice
        custom, shares = choice.template == "", choice.template == "shares"
        self.form.setRowVisible(self.expiry, not (custom or shares))
        self.form.setRowVisible(self.far, choice.far)
        self.form.setRowVisible(self.strike_grid, not (custom or shares))
        self.form.setRowVisible(self.occ, custom)
        self.form.setRowVisible(self.quantity, not custom)
        self.quantity.setRange(-100_000 if shares else 0, 100_000 if shares else 10_000)
        if shares and self.quantity.value() == 1:
            self.quantity.setValue(100)
        name = choice.title.split(" (")[0].lower()
        self.quantity.setSuffix(" shares" if shares else f" × {name}" if len(choice.slots) > 1 or choice.far else "")
        if custom and not self.occ.toPlainText().strip() and self.legs:
            self.occ.setPlainText("\n".join(_occ_line(x) for x in self.legs))  # start from what was shown
        self._fill_strikes()

    def _slot_expiry(self, i: int) -> em.Expiry | None:
        near, far = self._near(), self._far()
        return far if self.choice.template == "diagonal" and i == 1 else near

    def _near(self) -> em.Expiry | None:
        i = self.expiry.currentIndex()
        return self._expiries[i] if 0 <= i < len(self._expiries) else None

    def _far(self) -> em.Expiry | None:
        i = self.far.currentIndex()
        return self._expiries[i] if 0 <= i < len(self._expiries) else None

    def _fill_strikes(self) -> None:
        slots, chain = self.choice.slots, self._chain
        listed: list[list[float]] = []
        for i, slot in enumerate(slots):
            e = self._slot_expiry(i)
            listed.append(listed_strikes(chain, e.expiry, slot.is_call, root=e.root) if chain and e else [])
        near = self._near()
        move = em.expected_move(chain, self._ivs, self._spot, near) if chain is not None and near else math.nan
        picks = em.default_strikes(self.choice, listed, self._spot, move, self._anchor) if chain else []
        for i, (label, box) in enumerate(zip(self.strike_labels, self.strikes, strict=True)):
            shown = i < len(slots)
            label.setVisible(shown)
            box.setVisible(shown)
            box.blockSignals(True)
            box.clear()
            if shown:
                label.setText(slots[i].label)
                box.addItems([f"{k:g}" for k in listed[i]])
                box.setCurrentText(f"{picks[i]:g}" if i < len(picks) and math.isfinite(picks[i]) else "")
            box.blockSignals(False)
        self.recompute()

    # -- legs and problems ---------------------------------------------------------------------
    def _strike_values(self) -> list[float]:
        values = []
        for slot, box in zip(self.choice.slots, self.strikes, strict=False):
            text = box.currentText().strip().replace(",", "")
            try:
                values.append(float(text))
            except ValueError:
                raise StrategyError(f"{slot.label}: '{text}' is not a strike; pick one from the list."
                                    if text else f"{slot.label}: pick a strike.") from None
        return values

    def build_legs(self) -> tuple[Leg, ...]:
        """The legs as the form stands; StrategyError says what is wrong."""
        choice, chain = self.choice, self._chain
        if choice.template == "":
            return em.parse_lines(self.occ.toPlainText(), self.symbol, chain, self._today)
        if chain is None:
            raise StrategyError(f"Waiting for the {self.symbol} chain (or pick Custom / OCC symbols).")
        near = self._near()
        if near is None:
            raise StrategyError(f"{self.symbol} lists no expiry from today on.")
        quantity = self.quantity.value()
        if choice.template == "shares" and quantity == 0:
            raise StrategyError("Enter a number of shares other than 0 (negative to sell short).")
        try:
            legs = em.template_legs(choice, chain, near, self._far(), self._strike_values(), quantity, self._today,
                                    self._spot, None)
        except StrategyError as exc:
            if str(exc).endswith("enter the open price."):  # (the templates price at the mid)
                raise StrategyError(f"{exc} Pick {em.CUSTOM} and type it after @.") from None
            raise
        legs, problem = apply_prices(legs, self.table.typed)
        if problem:
            self._show(legs, editable=True)  # the legs stay, the price as typed, to be fixed there
            self._kept = True
            raise StrategyError(problem)
        return legs

    def recompute(self) -> None:
        self._kept = False
        try:
            legs = em.with_fees(self.build_legs(), self.fees.value())
        except (StrategyError, SymbolError) as exc:
            self.legs = ()
            if not self._kept:
                self.table.setRowCount(0)  # no legs of an earlier choice shown as if they were these
            self.problem.setText(str(exc))
            self.summary.setText("")
            self.ok.setEnabled(False)
            return
        self.legs = legs
        self._show(legs, editable=self.choice.template != "")
        self.problem.setText("")
        self.summary.setText(em.summary(self.symbol, legs, self._leg_ivs(legs)))
        self.ok.setEnabled(True)

    def _show(self, legs: tuple[Leg, ...], editable: bool) -> None:
        self.table.show_legs(legs, self._mids(legs), editable)

    def _rows(self, legs: tuple[Leg, ...]) -> dict[str, int]:
        if self._chain is None:
            return {}
        where = {str(s): i for i, s in enumerate(self._chain.symbol)} if len(legs) else {}
        return {x.symbol: where[x.symbol] for x in legs if x.symbol in where}

    def _mids(self, legs: tuple[Leg, ...]) -> dict[str, float]:
        mids = {x: float(self._chain.mid[i]) for x, i in self._rows(legs).items()} if self._chain else {}
        return mids | ({self.symbol: self._spot} if math.isfinite(self._spot) else {})

    def _leg_ivs(self, legs: tuple[Leg, ...]) -> dict[str, float]:
        return {x: float(self._ivs[i]) for x, i in self._rows(legs).items()} if self._ivs is not None else {}

    # -- OK ----------------------------------------------------------------------------------
    def _submit(self) -> None:
        self.recompute()
        if self.legs:
            self.ok.setEnabled(False)  # until the owner answers
            self.submitted.emit(self.symbol, self.legs, self.notes.text().strip())

    def show_error(self, message: str) -> None:
        """Recording failed: say why; the form keeps everything typed."""
        self.problem.setText(message)
        self.ok.setEnabled(bool(self.legs))


def _occ_line(leg: Leg) -> str:
    symbol = f"{leg.symbol[:-15]} {leg.symbol[-15:]}" if leg.is_option else leg.symbol
    return f"{symbol} {leg.quantity:+d} @ {leg.open_price:.2f}"
