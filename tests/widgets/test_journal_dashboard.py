"""The Journal dashboard on hand-built trades: the figures shown are those of
``analytics.journal_stats.stats``, the equity curve and calendar carry its series, the breakdown
its groups, and a breakdown row or a day asks for its trades."""

from __future__ import annotations

from datetime import date

import numpy as np

from analytics.journal_stats import breakdown, stats
from tests.widgets.journal_records import trades
from widgets.journal.cells import money
from widgets.journal.dashboard import JournalDashboard, stat_text


def _dashboard(qtbot) -> JournalDashboard:
    dash = JournalDashboard()
    qtbot.addWidget(dash)
    dash.set_trades(trades())
    return dash


def test_the_figures_are_the_analytics_stats(qtbot) -> None:
    dash, s = _dashboard(qtbot), stats(trades())
    assert dash.values["trades"].text() == "5 (2 W / 2 L / 1 scratch)"
    assert dash.values["win_rate"].text() == "50.0%"
    assert dash.values["net_pnl"].text() == money(s.net_pnl) == "+$10.50"
    assert dash.values["profit_factor"].text() == f"{s.profit_factor:.2f}" == "1.03"
    assert dash.values["expectancy"].text() == money(s.expectancy)
    assert dash.values["average_win"].text() == money(s.average_win) == "+$196.50"
    assert dash.values["average_loss"].text() == money(s.average_loss) == "−$191.50"
    assert dash.values["largest_loss"].text() == "−$301.00" and dash.values["largest_win"].text() == "+$245.00"
    assert dash.values["average_r"].text() == "−0.82R"
    assert dash.values["max_drawdown"].text() == money(-s.max_drawdown)
    assert dash.values["longest_loss_streak"].text() == str(s.longest_loss_streak)
    for attr, label in dash.values.items():
        assert label.text() == stat_text(s, attr)


def test_equity_curve_and_calendar_carry_the_series(qtbot) -> None:
    dash, s = _dashboard(qtbot), stats(trades())
    x, y = dash.curve.getData()
    assert list(x) == [0, 1, 2, 3, 4, 5] and np.allclose(y, np.concatenate([[0.0], s.equity]))
    assert dash.heatmap.days == [d for d, _ in s.daily_pnl] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert dash.heatmap.values == [66.0, 245.0, -300.5]
    points = dash.heatmap.squares.points()
    assert [(p.pos().x(), p.pos().y()) for p in points] == [(0, 0), (0, 1), (0, 2)]


def test_breakdown_rows_and_their_click_through(qtbot) -> None:
    dash = _dashboard(qtbot)
    dash.breakdown_key.setCurrentIndex(dash.breakdown_key.findData("setup"))
    groups = breakdown(trades(), "setup")
    assert [dash.groups.item(r, 0).text() for r in range(dash.groups.rowCount())] == [g.label for g in groups]
    row = [g.label for g in groups].index("breakout")
    assert dash.groups.item(row, 1).text() == "2" and dash.groups.item(row, 3).text() == "+$163.00"
    with qtbot.waitSignal(dash.trades_requested) as got:
        dash.groups.cellClicked.emit(row, 0)
    assert got.args == [("app:b", "app:c"), "setup breakout"]
    dash.breakdown_key.setCurrentIndex(dash.breakdown_key.findData("instrument"))
    assert [dash.groups.item(r, 0).text() for r in range(dash.groups.rowCount())] == ["options", "stock"]


def test_a_day_of_the_calendar_asks_for_its_trades(qtbot) -> None:
    dash = _dashboard(qtbot)
    with qtbot.waitSignal(dash.trades_requested) as got:
        dash.heatmap.day_clicked.emit(date(2026, 3, 4))
    assert got.args == [("app:d", "app:e"), "closed Wed 2026-03-04"]


def test_filters_by_instrument_and_setup_and_recent_trades(qtbot) -> None:
    dash = _dashboard(qtbot)
    assert dash.recent.rowCount() == 5 and dash.recent.item(0, 1).text() == "TSLA"
    dash.filters.instrument.setCurrentIndex(dash.filters.instrument.findText("Stock"))
    stock = [t for t in trades() if t.instrument == "stock"]
    assert dash.values["net_pnl"].text() == money(stats(stock).net_pnl)
    dash.filters.instrument.setCurrentIndex(dash.filters.instrument.findText("Spreads"))
    assert dash.values["trades"].text().startswith("1 ")
    dash.filters.instrument.setCurrentIndex(0)
    dash.filters.setup.setCurrentIndex(dash.filters.setup.findText("breakout"))
    assert dash.values["net_pnl"].text() == "+$163.00" and dash.recent.rowCount() == 2


def test_no_trades_says_what_to_do(qtbot) -> None:
    dash = JournalDashboard()
    qtbot.addWidget(dash)
    dash.set_trades([])
    assert dash.empty.showing_reason and "Import" in dash.empty.note.text()


def test_the_calendar_labels_months() -> None:
    """A week (a column) is in the month of its Sunday."""

    from widgets.journal.heatmap import month_ticks

    assert month_ticks(date(2025, 12, 29), 10)[:3] == [(0, "Jan 26"), (4, "Feb"), (8, "Mar")]


def test_a_long_history_shows_its_last_year(qtbot) -> None:
    from datetime import timedelta

    dash = JournalDashboard()
    qtbot.addWidget(dash)
    days = [(date(2024, 1, 1) + timedelta(days=7 * i), 10.0) for i in range(120)]
    dash.heatmap.set_days(days)
    assert dash.heatmap.days[0] > days[-1][0] - timedelta(weeks=53) and dash.heatmap.days[-1] == days[-1][0]
