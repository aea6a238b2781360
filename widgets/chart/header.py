"""The chart's header: what is shown and where it stands — symbol, last price, change and
change %, the day's range on the chart, the data source and a SIMULATED mark for a simulated
clock (so demo prices are never taken for real ones). It wraps rather than elides when narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from widgets.chart.palette import COLORS

DASH = "—"


@dataclass(frozen=True, slots=True)
class HeaderState:
    symbol: str = ""
    last: float = math.nan
    change: float = math.nan
    change_pct: float = math.nan
    day_low: float = math.nan
    day_high: float = math.nan
    day: str = ""  # the session the range is of ("Nov 30"): before the open it is the last one
    source: str = ""
    simulated: bool = False


def _num(value: float, fmt: str = ",.2f", sign: bool = False) -> str:
    if not math.isfinite(value):
        return DASH
    text = f"{value:+{fmt}}" if sign else f"{value:{fmt}}"
    return text.replace("-", "−")


def header_parts(s: HeaderState) -> list[tuple[str, str | None]]:
    """(text, colour or None) pieces; the plain text is their join (tests read it)."""
    if not s.symbol:
        return []
    parts: list[tuple[str, str | None]] = [(s.symbol, None), (_num(s.last), None)]
    if math.isfinite(s.change):
        color = COLORS["up"] if s.change >= 0 else COLORS["down"]
        parts.append((f"{_num(s.change, sign=True)} ({_num(s.change_pct, ',.2f', sign=True)}%)", color))
    if math.isfinite(s.day_low):
        parts.append((f"{s.day or 'Day'} range {_num(s.day_low)} – {_num(s.day_high)}", None))
    if s.source:
        parts.append((s.source, None))
    if s.simulated:
        parts.append(("SIMULATED", "#ff9800"))
    return parts


class ChartHeader(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartHeader")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state = HeaderState()

    @property
    def plain(self) -> str:
        return "  ".join(text for text, _c in header_parts(self.state))

    def update_state(self, **changes: object) -> None:
        state = replace(self.state, **changes)
        if state != self.state:
            self.state = state
            self._render()

    def reset(self, symbol: str) -> None:
        """A new symbol: nothing of the previous one's quote stays."""
        self.state = HeaderState(symbol=symbol, source=self.state.source, simulated=self.state.simulated)
        self._render()

    def _render(self) -> None:
        html = []
        for i, (text, color) in enumerate(header_parts(self.state)):
            text = escape(text).replace(" ", "&nbsp;")  # wraps between parts, never inside one
            body = f"<b>{text}</b>" if i < 2 else text
            html.append(f'<span style="color:{color}">{body}</span>' if color else body)
        self.setText("&nbsp; ".join(html))
