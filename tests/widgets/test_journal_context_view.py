"""The trade's market at entry as the editor shows it: the numbers of the stored context, written
the journal's way, and the reason for each part that was not recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from analytics.trade_context import LevelsAtEntry, NearestLevel, TradeContext
from data.store.records import OptionsContext
from tests.analytics.journal_fixtures import made_trade
from widgets.journal.context_view import WAITING, TradeContextView, context_html

OPEN = datetime(2026, 3, 3, 15, 12, tzinfo=UTC)  # 10:12 ET


def _trade(**context):
    trade = replace(made_trade(1, OPEN, 30, 150.0, risk=100.0), mae=-60.0, mfe=210.0)
    return replace(trade, context=TradeContext("AAPL", OPEN, **context)) if context else trade


def test_the_view_writes_levels_options_and_excursions(qtbot) -> None:
    levels = LevelsAtEntry(680.0, 679.5, (680.0 - 679.5) / 679.5 * 100, {"PDH": 685.25, "ORH": 680.4, "VWAP": 679.5},
                           NearestLevel("ORH", 680.4, -0.4, -0.0588))
    options = OptionsContext("AAPL", datetime(2026, 3, 3, 15, 8, tzinfo=UTC), "massive", 680.1, "negative gamma",
                             679.0, 690.0, None, 0.2134, 55.4, 7.5, 0.4)
    view = TradeContextView()
    qtbot.addWidget(view)
    view.show_trade(_trade(levels=levels, options=options, notes=("MAE/MFE is measured for stock trades.",)))
    text = view.text()
    assert "Price 680.00" in text and "VWAP 679.50 (+0.07 %)" in text and "nearest ORH 680.40 (−0.40)" in text
    assert "Levels: PDH 685.25 · ORH 680.40" in text
    assert "Options at 10:08 ET: negative gamma, flip 679.00, call wall 690.00<br>IV 30d 21.3 % (rank 55)" in text
    assert "expected move used 40 % of ±7.50" in text and "put wall" not in text
    assert "MAE −$60.00 (−0.60R) · MFE +$210.00 (+2.10R)" in text
    assert "measured for stock trades" in text


def test_missing_parts_say_why() -> None:
    assert WAITING in context_html(_trade())
    bare = context_html(_trade(levels=None, options=None, notes=("No options snapshot was recorded.",)))
    assert "Price" not in bare and "Options at" not in bare and "No options snapshot was recorded." in bare
    assert context_html(None) == ""
