"""The IV panel: statistics of a real Cboe chain, rank or proxy (in the app: tests/ui/test_iv_in_app.py)."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from analytics.iv_summary import iv_summary
from analytics.option_time import expiry_times
from analytics.volatility import iv_rank
from data.files.cboe import load_quotedata, quotes_time
from data.market_calendar import ET
from tests.conftest import shared_path
from widgets.iv_panel import IvPanel


def test_panel_shows_a_real_spx_chain_and_says_when_a_proxy_ranks(qtbot, calendar) -> None:
    chain, spot, asof = load_quotedata(shared_path("data", "option_chains", "cboe_quotedata",
                                                   "SPX_20230914_1631ET_quotedata.csv"))
    when = quotes_time(asof, calendar)
    T = expiry_times(chain.expiry, chain.root, when, lambda d: calendar.session(d).close.astimezone(ET)
                     if calendar.is_session(d) else datetime(d.year, d.month, d.day, 16, tzinfo=ET))
    s = iv_summary(chain, spot, T, 0.053)  # its numbers: tests/analytics/test_iv_summary.py
    panel = IvPanel()
    qtbot.addWidget(panel)
    panel.show_summary("SPX", s)
    assert panel.atm.text() == f"{100 * s.atm_30d:.1f} %" and panel.skews.rowCount() == len(s.skews)
    assert panel.skews.item(0, 7).text() == s.skews[0][0].reading
    proxy = iv_rank(s.atm_30d, np.array([]), 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, .01, 300))))
    panel.show_rank(proxy, 3)
    assert "Proxy" in panel.basis.text() and "3 so far" in panel.basis.text()
    real = iv_rank(0.15, np.linspace(0.1, 0.3, 80))
    panel.show_rank(real, 80)
    assert panel.rank.text() == "25" and "80 stored days" in panel.basis.text()


def test_nothing_of_the_previous_symbol_stays(qtbot, calendar) -> None:
    from tests.core.options_snapshots import demo_snapshot
    from tests.widgets.table_checks import exponent_texts

    at = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
    spx, nvda = demo_snapshot(calendar, "SPX", at), demo_snapshot(calendar, "NVDA", at)
    panel = IvPanel()
    qtbot.addWidget(panel)
    panel.show_summary("SPX", spx.iv)
    panel.show_rank(iv_rank(0.15, np.linspace(0.1, 0.3, 80)), 80)
    assert panel.rank.text() == "25"
    panel.show_summary("SPX", spx.iv)  # a refresh of the same symbol keeps its rank until the next one
    assert panel.rank.text() == "25"
    panel.show_summary("NVDA", nvda.iv)
    assert panel.rank.text() == panel.percentile.text() == "—" and "stored days" not in panel.basis.text()
    assert "SPX" not in panel.symbol.text() and panel.skews.rowCount() == len(nvda.iv.skews)
    assert exponent_texts(panel.skews.model()) == []


def test_risk_reversal_is_call_minus_put_negative_when_puts_are_bid(qtbot, calendar) -> None:
    # "25Δ RR +3.2" was put − call; traders quote call IV − put IV (SPX's puts are bid: negative).
    from tests.core.options_snapshots import demo_snapshot
    from widgets.iv_panel import SKEW_COLUMNS

    spx = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = IvPanel()
    qtbot.addWidget(panel)
    panel.show_summary("SPX", spx.iv)
    rr = SKEW_COLUMNS.index("25Δ RR (C−P)")
    put, call = SKEW_COLUMNS.index("25Δ put"), SKEW_COLUMNS.index("25Δ call")
    row = 1
    cell = [panel.skews.item(row, c).text() for c in (rr, put, call)]
    shown = float(cell[2].rstrip(" %")) - float(cell[1].rstrip(" %"))  # from the rounded IVs shown
    assert cell[0].startswith("-") and abs(float(cell[0]) - shown) <= 0.11, cell
    assert "call IV − put IV" in panel.status.text()
