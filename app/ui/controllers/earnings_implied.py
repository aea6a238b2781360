"""The calendar's implied-move column: each listed symbol's analysis (``EarningsAnalysisService``,
cached four hours, so selecting the row later costs nothing) asked one symbol at a time in the
background after the calendar is drawn; a symbol without options keeps its "—"."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject

from app.core.earnings.analysis import EarningsAnalysisService
from app.core.earnings.calendar import CalendarView
from app.ui.panel_host import PanelHost
from widgets.earnings.panel import EarningsPanel

MAX_SYMBOLS = 12  # a chain each: the calendar's first dozen symbols


class ImpliedMoves(QObject):
    def __init__(self, host: PanelHost, panel: EarningsPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._round = 0
        self.moves: dict[str, tuple[float, float]] = {}

    def fill(self, view: CalendarView) -> None:
        self._round += 1
        round_, symbols = self._round, list(dict.fromkeys(e.symbol for e in view.events))[:MAX_SYMBOLS]

        async def run() -> None:
            service = self.host.engine.service(EarningsAnalysisService)
            for symbol in symbols:
                analysis = await service.analysis(symbol)
                if round_ != self._round:
                    return  # a newer calendar: its own round fills it
                move = analysis.implied
                if move is not None and math.isfinite(move.straddle):
                    self.moves[symbol] = (move.straddle, move.straddle_pct)
                    self.panel.set_implied_moves(dict(self.moves))

        self.host.run(run(), lambda _message: None)  # a missing move stays "—"; the analysis view says why
