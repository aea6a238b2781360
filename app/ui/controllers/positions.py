"""The Positions panel's work: every action recorded through ``PositionsService`` (errors in the
panel), the advice answered through the tracker, and the selected position's risk graph computed
off the GUI thread — when the selection, the band, the date or the IV shift changes, or a new
valuation arrives, at most once a second (the newest answer wins).
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import timedelta

from PySide6.QtCore import QObject, Qt, QTimer

from analytics.positions import Leg, option_leg, stock_leg
from analytics.risk_graph import risk_graph
from app.core.positions.legs import to_position
from app.core.positions.service import PositionsService
from app.core.positions.tracker import PositionTrackerService
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView
from app.ui.panels.setups_common import market_now
from widgets.positions.advice_list import SNOOZE_MINUTES
from widgets.positions.cells import money
from widgets.positions.panel import PositionsPanel

GRAPH_EVERY_S = 1.0


def opening_leg(underlying: str, leg) -> Leg:
    """An ``ActionLeg`` to open as a position leg (bought: +, sold: −) at the action's price."""
    quantity = leg.quantity if leg.side == "buy" else -leg.quantity
    if leg.expiry is None or leg.strike is None or leg.is_call is None:
        return stock_leg(leg.symbol, quantity, leg.price)
    return option_leg(leg.symbol, underlying, leg.expiry, leg.is_call, leg.strike, quantity, leg.price)


class PositionsController(QObject):
    def __init__(self, host: PanelHost, panel: PositionsPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._graphs = NewestView(host, panel.risk.show_graph, panel.risk.show_reason)
        self._timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)  # a coarse one fires early
        self._timer.timeout.connect(self._graph)
        self._last = -math.inf
        self.graphs_asked = 0
        panel.selection_changed.connect(lambda _pid: self.want_graph())
        panel.risk.params_changed.connect(self.want_graph)
        panel.close_requested.connect(self.close)
        panel.stop_requested.connect(self.set_stop)
        panel.note_requested.connect(self.note)
        panel.action_requested.connect(self.act)
        panel.snooze_requested.connect(lambda a: self.answer(a, SNOOZE_MINUTES))
        panel.dismiss_requested.connect(lambda a: self.answer(a, None))

    def service(self) -> PositionsService:
        return self.host.engine.service(PositionsService)

    def tracker(self) -> PositionTrackerService:
        return self.host.engine.service(PositionTrackerService)

    # -- actions -------------------------------------------------------------------------------
    def _record(self, coro, done: str) -> None:
        async def run() -> None:
            await coro
            self.panel.show_message(done)

        self.host.run(run(), self.panel.show_error)

    def close(self, position_id: int, prices: dict[str, float] | None) -> None:
        async def run() -> None:
            closed = await self.service().close_position(position_id, prices)
            self.panel.show_message(f"Closed #{closed.id} {closed.underlying} {closed.strategy}: realized "
                                    f"{money(closed.realized)}.")

        self.host.run(run(), self.panel.show_error)

    def set_stop(self, position_id: int, level: float) -> None:
        self._record(self.service().set_stop(position_id, level),
                     f"Stop set at {level:,.2f}: an alert on the underlying watches it.")

    def note(self, position_id: int, text: str) -> None:
        async def run() -> None:
            await self.service().add_note(position_id, text)
            self.panel.detail.note_added()

        self.host.run(run(), self.panel.show_error)

    def act(self, position_id: int, advice) -> None:
        """Record the advice's suggested action (close, roll, convert, set stop)."""
        action, service = advice.action, self.service()
        record = next((r for r in service.positions if r.id == position_id), None)
        if action is None or record is None:
            self.panel.show_error("This position or its advice is gone.")
            return
        opening = tuple(opening_leg(record.underlying, x) for x in action.legs if x.effect == "open")
        closing = {x.symbol: x.price for x in action.legs if x.effect == "close"}
        if action.kind == "close":
            prices = {s: p for s, p in closing.items() if p is not None}
            quantities = {x.symbol: x.quantity for x in action.legs if x.effect == "close"}
            coro = service.close_position(position_id, prices or None, quantities, reason=advice.title)
        elif action.kind == "roll":
            coro = service.roll(position_id, closing, opening, reason=advice.title)
        elif action.kind == "convert":
            coro = service.adjust(position_id, opening, reason=advice.title)
        elif action.kind == "set_stop" and action.stop_level is not None:
            coro = service.set_stop(position_id, action.stop_level)
        else:
            self.panel.show_error(f"Nothing to record for “{advice.title}”.")
            return
        self._record(coro, f"Recorded: {advice.title}.")

    def answer(self, advice, minutes: float | None) -> None:
        if minutes is None:
            self.tracker().dismiss(advice.key)
        else:
            self.tracker().snooze(advice.key, minutes)
        self.panel.hide_advice(advice.key, minutes)
        self.panel.show_message(f"{'Dismissed' if minutes is None else 'Snoozed for 1 h'}: {advice.title}.")

    # -- the risk graph ------------------------------------------------------------------------
    def want_graph(self) -> None:
        """Recompute now, or as soon as a second has passed since the last one."""
        if self._timer.isActive():
            return
        wait = GRAPH_EVERY_S - (time.monotonic() - self._last)
        if wait <= 0:
            self._graph()
        else:
            self._timer.start(int(wait * 1000) + 1)

    def _graph(self) -> None:
        record, view, risk = self.panel.selected_record(), self.panel.selected_view(), self.panel.risk
        if record is None or record.status != "open" or not record.legs:
            self._graphs.drop()
            risk.show_reason("Select an open position to see its risk graph." if record is None else
                             "A closed position has no risk: its realized P&L is in the table.")
            return
        spot = view.value.underlying_price if view is not None else math.nan
        if not math.isfinite(spot):
            self._graphs.drop()
            risk.show_reason(view.problem if view is not None and view.problem else
                             "Waiting for the underlying's price to draw the risk graph…")
            return
        self._last = time.monotonic()
        self.graphs_asked += 1
        self._ask(to_position(record), view, spot)

    def _ask(self, position, view, spot: float) -> None:
        span, chosen, shift = self.panel.risk.wanted()
        ctx, now = self.host.engine.context, market_now(self.host)
        today = now.date()
        front = position.expiries[0] if position.expiries else None
        self.panel.risk.set_date_range(today + timedelta(days=1), front - timedelta(days=1) if front else None)
        if chosen is not None and (chosen <= today or front is None or chosen >= front):
            chosen = None
        ivs = {lv.symbol: lv.iv for lv in view.value.legs}
        dates = (chosen,) if chosen is not None else ()
        self._graphs.request(lambda: asyncio.to_thread(
            risk_graph, position, spot, ivs, view.r, view.q, now, span=span, dates=dates, iv_shift=shift,
            close_of=ctx.calendar.close_at))
