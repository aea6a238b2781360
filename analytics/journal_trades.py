"""Executions (fills) grouped into journal trades: FIFO per contract, flat to flat, spreads kept whole.

Rules (Tradervue's and TraderSync's "split" grouping, with TradeTally's FIFO engine):

* **Instrument**: an option's OCC contract, else the stock's symbol, per account. Executions are
  replayed in time order; fills at the same time keep the order they were given in (the parser's,
  i.e. the broker's), nothing is re-sorted by open/close effect.
* **Trade**: opens when an instrument's position leaves flat and closes when it returns to flat.
  Scaling in and out and partial closes stay inside it. A fill that flips the position through
  zero is cut in two: the closing part ends the trade, the remainder opens a new one (with the
  fill's fees split by quantity). Shorts mirror longs.
* **P&L**: FIFO lots per contract; realised gross = (exit − entry) × quantity × multiplier (the
  contract's own multiplier: 100, 10 for minis, another number for an adjusted deliverable).
  Fees of both sides count in net P&L when paid, so an open trade's net already carries its
  entry fees. Gross and net of an open trade are what has been realised so far.
* **Spreads**: the fills of one *ticket* — consecutive executions sharing an ``order_id``, or,
  without order ids, on one account and underlying within 1 s of the ticket's first fill — that
  open two or more flat contracts (options, or options and stock as in a covered call) form one
  spread trade whose P&L is the sum of its legs. It closes when every leg is flat; a leg closed
  alone early stays part of it (and re-opening that leg, or a leg opened by an order that also
  trades an open spread's legs — a roll of one leg — joins it too). A single-leg roll (close one
  contract, open another in one order) closes the old trade and opens a new single-leg trade.
* **Expiration** (``kind="expiration"``): closes the contracts still held at the fill's price
  (0 for worthless); the side comes from the inventory (tastytrade's rows carry no sign).
  An expiration of a contract not held in the imported window is ignored.
* **Assignment / exercise**: the option leg closes at its fill's price (0) — its side again from
  the inventory — so **the option trade's P&L stands on its own, premium included** (Tradervue's
  way); the stock fill of the same order/time (at the strike) is routed like any stock fill: it
  opens a stock trade, or joins (adds to, reduces, flips) the one already open. Non-trade kinds
  never form or join a spread.
* **Scratch**: a closed trade whose |net P&L| is below ``scratch_dollars`` ($1) or below
  ``scratch_fraction`` of its cost (0 by default, i.e. off; 0.001 is Tradervue-like 0.1 %).
* **Risk / R**: from the planned stop when set (|entry − stop| × quantity × multiplier, a spread's
  prices being its net per unit); else the ``risk_per_trade`` preference; else None. R = net / risk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from data.market_calendar import ET
from data.models import Bars
from data.store.records import Execution

if TYPE_CHECKING:
    from analytics.trade_context import TradeContext

SPREAD_WINDOW = timedelta(seconds=1)
SCRATCH_DOLLARS = 1.0
EPS = 1e-9


@dataclass(slots=True)
class Trade:
    """One journal trade (a closed one has ``closed_at``); prices per share, money in dollars."""

    id: str  # "<broker>:<first exec_id>" (":flip" added for the remainder of a flip fill)
    symbol: str  # the underlying
    instrument: str  # stock / option / spread
    legs: tuple[str, ...]  # the contracts (OCC, or the stock symbol)
    direction: str  # long / short; a spread: debit / credit
    opened_at: datetime
    closed_at: datetime | None
    quantity: float  # the most held (a spread: units — its smallest leg's most held, in contracts)
    entry_price: float  # average of the opening fills (a spread: |net per unit|)
    exit_price: float | None  # average of the closing fills (None before any)
    gross_pnl: float
    fees: float
    net_pnl: float
    executions: tuple[str, ...]  # exec_ids
    multiplier: int = 1
    account: str = ""
    broker: str = ""
    expiry: date | None = None  # the nearest leg's expiry (options)
    is_scratch: bool = False
    planned_stop: float | None = None
    planned_target: float | None = None
    setup: str | None = None
    tags: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    rating: int | None = None
    notes: str = ""
    risk: float | None = None  # dollars
    r_multiple: float | None = None
    context: TradeContext | None = None  # the market at entry (app.core.journal.context fills it in)
    mae: float | None = None  # dollars, ≤ 0 (stock trades, from 1-minute bars)
    mfe: float | None = None  # dollars, ≥ 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def holding_time(self) -> timedelta | None:
        return None if self.closed_at is None else self.closed_at - self.opened_at

    @property
    def cost(self) -> float:
        return abs(self.entry_price) * self.quantity * self.multiplier

    @property
    def dte_at_entry(self) -> int | None:
        """Calendar days from the open's New York date to the nearest expiry (None for stock)."""
        return None if self.expiry is None else (self.expiry - self.opened_at.astimezone(ET).date()).days


def assess_risk(trade: Trade, risk_per_trade: float | None = None) -> Trade:
    """The trade with ``risk`` and ``r_multiple`` from its planned stop, else the preference."""
    risk = None
    if trade.planned_stop is not None:
        risk = abs(trade.entry_price - trade.planned_stop) * trade.quantity * trade.multiplier
    elif risk_per_trade is not None and risk_per_trade > 0:
        risk = float(risk_per_trade)
    if risk is not None and risk <= EPS:
        risk = None
    r = None if risk is None or trade.is_open else trade.net_pnl / risk
    return replace(trade, risk=risk, r_multiple=r)


@dataclass(slots=True)
class _Leg:
    contract: str
    instrument: str
    multiplier: int
    expiry: date | None
    position: float = 0.0  # signed
    lots: deque = field(default_factory=deque)  # [signed qty, price], oldest first
    most: float = 0.0
    realized: float = 0.0


@dataclass(slots=True)
class _Book:
    """A trade being built."""

    id: str
    first: Execution
    legs: dict[tuple[str, str], _Leg] = field(default_factory=dict)
    exec_ids: dict[str, None] = field(default_factory=dict)  # an ordered set
    fees: float = 0.0
    open_cash: float = 0.0  # signed dollars of opening fills (buys +)
    open_qty: float = 0.0
    open_value: float = 0.0  # Σ price × qty of opening fills (a single leg's average)
    close_cash: float = 0.0
    close_qty: float = 0.0
    close_value: float = 0.0
    first_side: str = ""
    closed_at: datetime | None = None

    def flat(self) -> bool:
        return all(abs(leg.position) <= EPS for leg in self.legs.values())


def _key(ex: Execution) -> tuple[str, str]:
    return ex.account, (ex.occ or ex.symbol) if ex.instrument == "option" else ex.symbol


def _sign(side: str) -> int:
    return 1 if side == "buy" else -1


def _apply(book: _Book, leg: _Leg, ex: Execution, side: str, qty: float, fee: float) -> None:
    """One fill (or part of one) on a leg: opening adds a lot, closing matches lots FIFO."""
    sign = _sign(side)
    cash = sign * qty * ex.price * leg.multiplier
    book.exec_ids[ex.exec_id] = None
    book.fees += fee
    if leg.position * sign >= -EPS:  # flat or the same side: opening
        leg.lots.append([sign * qty, ex.price])
        leg.position += sign * qty
        leg.most = max(leg.most, abs(leg.position))
        book.open_cash, book.open_qty, book.open_value = book.open_cash + cash, book.open_qty + qty, \
            book.open_value + qty * ex.price
        book.first_side = book.first_side or side
        return
    left = qty
    while left > EPS and leg.lots:
        lot = leg.lots[0]
        matched = min(left, abs(lot[0]))
        leg.realized += (ex.price - lot[1]) * matched * leg.multiplier * (1 if lot[0] > 0 else -1)
        lot[0] += sign * matched
        left -= matched
        if abs(lot[0]) <= EPS:
            leg.lots.popleft()
    leg.position += sign * qty
    book.close_cash, book.close_qty, book.close_value = book.close_cash + cash, book.close_qty + qty, \
        book.close_value + qty * ex.price


def _tickets(ordered: Sequence[Execution]) -> Iterator[list[Execution]]:
    """Runs of consecutive fills of one order (same order_id, or 1 s on one account/underlying)."""
    ticket: list[Execution] = []
    for ex in ordered:
        if ticket and ex.kind == "trade" and ticket[0].kind == "trade" and _same_ticket(ticket[0], ex):
            ticket.append(ex)
            continue
        if ticket:
            yield ticket
        ticket = [ex]
    if ticket:
        yield ticket


def _same_ticket(first: Execution, ex: Execution) -> bool:
    if first.order_id is not None and ex.order_id is not None:
        return first.order_id == ex.order_id
    return (first.account == ex.account and first.symbol == ex.symbol
            and ex.time - first.time <= SPREAD_WINDOW)


class _Grouper:
    def __init__(self) -> None:
        self.books: list[_Book] = []
        self.by_key: dict[tuple[str, str], _Book] = {}
        self.closed_by: set[str] = set()  # exec_ids that closed a trade (a flip's remainder)

    def ticket(self, ticket: list[Execution]) -> None:
        openers: list[tuple[Execution, str, float, float]] = []
        touched: list[_Book] = []
        for ex in ticket:
            book = self.by_key.get(_key(ex))
            if book is not None and book not in touched:
                touched.append(book)
            self._route(ex, ex.side, ex.quantity, ex.fees, openers)
        spread = next((b for b in touched if len(b.legs) > 1 and b.closed_at is None), None)
        self._open(openers, spread if ticket[0].kind == "trade" else None)

    def _route(self, ex: Execution, side: str, qty: float, fee: float, openers: list) -> None:
        key = _key(ex)
        book = self.by_key.get(key)
        if ex.kind != "trade" and ex.instrument == "option":  # expiration/assignment: close what is held
            leg = book.legs[key] if book is not None else None
            if leg is None or abs(leg.position) <= EPS:
                return
            side, qty = ("sell" if leg.position > 0 else "buy"), min(qty, abs(leg.position))
        if book is None:
            openers.append((ex, side, qty, fee))
            return
        leg = book.legs[key]
        if leg.position * _sign(side) >= -EPS:
            _apply(book, leg, ex, side, qty, fee)
            return
        closing = min(qty, abs(leg.position))
        _apply(book, leg, ex, side, closing, fee * closing / qty)
        if book.flat():
            self._close(book, ex.time)
            self.closed_by.add(ex.exec_id)
        if qty - closing > EPS:
            openers.append((ex, side, qty - closing, fee * (qty - closing) / qty))

    def _close(self, book: _Book, when: datetime) -> None:
        book.closed_at = when
        for key in book.legs:
            self.by_key.pop(key, None)

    def _open(self, openers: list[tuple[Execution, str, float, float]], spread: _Book | None) -> None:
        keys = list(dict.fromkeys(_key(ex) for ex, *_ in openers))
        together = spread is not None or (len(keys) > 1 and all(ex.kind == "trade" for ex, *_ in openers))
        target, leftovers = spread, []
        for ex, side, qty, fee in openers:
            key = _key(ex)
            if key not in self.by_key:
                if together:
                    target = target or self._new_book(ex)
                self._register(target if together else self._new_book(ex), ex, key)
            self._route(ex, side, qty, fee, leftovers)
        if leftovers:
            self._open(leftovers, None)

    def _new_book(self, ex: Execution) -> _Book:
        """A new trade, its id from its first fill (":flip" when that fill also closed a trade)."""
        flip = ex.exec_id in self.closed_by
        book = _Book(id=f"{ex.broker}:{ex.exec_id}" + (":flip" if flip else ""), first=ex)
        self.books.append(book)
        return book

    def _register(self, book: _Book, ex: Execution, key: tuple[str, str]) -> None:
        contract = key[1]
        book.legs[key] = _Leg(contract, ex.instrument, ex.multiplier if ex.instrument == "option" else 1,
                              ex.expiry if ex.instrument == "option" else None)
        self.by_key[key] = book


def group_trades(executions: Iterable[Execution], *, risk_per_trade: float | None = None,
                 scratch_dollars: float = SCRATCH_DOLLARS, scratch_fraction: float = 0.0) -> list[Trade]:
    """The trades the executions make (closed and still open), in the order they opened."""
    grouper = _Grouper()
    for ticket in _tickets(sorted(executions, key=lambda e: e.time)):
        grouper.ticket(ticket)
    trades = [_finish(book, scratch_dollars, scratch_fraction) for book in grouper.books if book.legs]
    return [assess_risk(t, risk_per_trade) for t in trades]


def _finish(book: _Book, scratch_dollars: float, scratch_fraction: float) -> Trade:
    legs = list(book.legs.values())
    spread = len(legs) > 1
    mult = max(leg.multiplier for leg in legs)  # a covered call's unit: 100 shares and 1 contract
    units = min(leg.most * leg.multiplier for leg in legs) / mult
    if spread:
        entry = abs(book.open_cash) / (units * mult) if units > EPS else 0.0
        exit_ = abs(book.close_cash) / (units * mult) if book.close_qty > EPS and units > EPS else None
        direction = "debit" if book.open_cash > 0 else "credit"
    else:
        entry = book.open_value / book.open_qty if book.open_qty > EPS else 0.0
        exit_ = book.close_value / book.close_qty if book.close_qty > EPS else None
        direction = "long" if book.first_side == "buy" else "short"
    gross = sum(leg.realized for leg in legs)
    net = gross - book.fees
    cost = entry * units * mult
    scratch = book.closed_at is not None and abs(net) < max(scratch_dollars, scratch_fraction * cost)
    expiries = [leg.expiry for leg in legs if leg.expiry is not None]
    first = book.first
    return Trade(
        id=book.id, symbol=first.symbol, instrument="spread" if spread else legs[0].instrument,
        legs=tuple(leg.contract for leg in legs), direction=direction, opened_at=first.time,
        closed_at=book.closed_at, quantity=units, entry_price=entry, exit_price=exit_, gross_pnl=gross,
        fees=book.fees, net_pnl=net, executions=tuple(book.exec_ids), multiplier=mult, account=first.account,
        broker=first.broker, expiry=min(expiries) if expiries else None, is_scratch=scratch)


@dataclass(frozen=True, slots=True)
class Excursion:
    dollars: float  # MAE ≤ 0, MFE ≥ 0
    r: float | None  # dollars / the trade's risk (None without risk)


def mae_mfe(trade: Trade, bars: Bars) -> tuple[Excursion, Excursion] | None:
    """Maximum adverse and favourable excursion of a closed stock trade from 1-minute bars.

    The bars read are those starting from the open's minute to the close's minute, extremes
    included (entry and exit bars too, nothing excluded: it can overstate both a little). Long:
    MAE = (lowest low − entry) × quantity, MFE = (highest high − entry) × quantity; a short
    mirrors them; clipped at 0, at the trade's largest size. Options (and spreads) return None:
    it would need the underlying's bars × the contract's delta, which is out of scope; so do open
    trades and a window without bars."""
    if trade.instrument != "stock" or trade.closed_at is None or len(bars.ts) == 0:
        return None
    start = int(trade.opened_at.timestamp()) // 60 * 60
    inside = (bars.ts >= start) & (bars.ts <= trade.closed_at.timestamp())
    if not inside.any():
        return None
    low, high = float(bars.low[inside].min()), float(bars.high[inside].max())
    size = trade.quantity * trade.multiplier
    if trade.direction == "long":
        adverse, favourable = (low - trade.entry_price) * size, (high - trade.entry_price) * size
    else:
        adverse, favourable = (trade.entry_price - high) * size, (trade.entry_price - low) * size
    adverse, favourable = min(0.0, adverse), max(0.0, favourable)

    def r(x: float) -> float | None:
        return None if not trade.risk else x / trade.risk

    return Excursion(adverse, r(adverse)), Excursion(favourable, r(favourable))
