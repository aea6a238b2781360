"""Drawings as a trader makes them: Draw → Trend line, two clicks on the price pane; the line is
stored, shown on every chart of the symbol in the same timeframe family, an alert on it is a
trend-line alert, it can be deleted from its right-click menu, and it is there after a restart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app.core.alerts import AlertsService
from app.ui.application import AppController
from data.store.records import TREND
from tests.gui_helpers import run_app, settings, until


def _click(panel, x: float, price: float, button=Qt.MouseButton.LeftButton) -> None:
    view = panel.layout_widget
    scene_point = panel.price_plot.vb.mapViewToScene(QPointF(x, price))
    at = view.mapFromScene(scene_point)
    QTest.mouseClick(view.viewport(), button, Qt.KeyboardModifier.NoModifier, QPoint(at.x(), at.y()))


def test_a_trend_line_drawn_with_two_clicks_is_kept_shown_alerted_on_and_deleted(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        main = c.window.extra_charts.main()
        panel = main.panel
        await until(lambda: panel.bar_count > 50)
        panel.reset_view()
        (x_lo, x_hi), (y_lo, y_hi) = panel.price_plot.vb.viewRange()
        x1, x2 = x_lo + (x_hi - x_lo) * 0.3, x_lo + (x_hi - x_lo) * 0.7
        p1, p2 = y_lo + (y_hi - y_lo) * 0.3, y_lo + (y_hi - y_lo) * 0.6
        main.drawings.layer.set_tool("trend")
        _click(panel, x1, p1)
        _click(panel, x2, p2)
        await until(lambda: [d.kind for d in main.drawings.layer.drawings()] == ["trend"])
        drawn = main.drawings.layer.drawings()[0]
        assert abs(drawn.points[0][1] - p1) < (y_hi - y_lo) * 0.02 and drawn.points[0][0] < drawn.points[1][0]
        c.window.new_chart_action.trigger()  # another chart of the same symbol shows it too
        second = c.window.extra_charts.controllers["chart_2"]
        await until(lambda: [d.id for d in second.drawings.layer.drawings()] == [drawn.id])
        main.drawings.alert_on(drawn)
        alerts = c.engine.service(AlertsService)
        await until(lambda: any(a.condition == TREND for a in alerts.alerts))
        alert = next(a for a in alerts.alerts if a.condition == TREND)
        assert alert.line == (drawn.points[0][0], drawn.points[0][1], drawn.points[1][0], drawn.points[1][1])
        assert not panel.level_keys("alert")  # no horizontal alert line for it: the drawing is the line

    assert run_app(settings(tmp_path), scenario) == 0

    async def after_restart(c: AppController) -> None:
        main = c.window.extra_charts.main()
        await until(lambda: [d.kind for d in main.drawings.layer.drawings()] == ["trend"])
        drawn = main.drawings.layer.drawings()[0]
        scene = main.panel.price_plot.vb.mapViewToScene(QPointF(main.drawings.layer.x_of(drawn.points[0][0]),
                                                                drawn.points[0][1]))
        menu = main.panel.interaction.context_menu(drawn.points[0][1])
        main.drawings.layer.menu_entries(menu, scene)
        titles = [a.text() for a in menu.actions()]
        assert titles[:3] == ["Alert when price crosses this line", "Extend the line", "Delete drawing"]
        next(a for a in menu.actions() if a.text() == "Delete drawing").trigger()
        await until(lambda: main.drawings.layer.drawings() == [])

    assert run_app(settings(tmp_path), after_restart) == 0


def test_more_alerts_from_the_chart_menu_vwap_key_level_and_percent_move(qapp, tmp_path: Path) -> None:
    from data.store.records import LEVEL_CROSS, PCT_MOVE, VWAP_CROSS

    async def scenario(c: AppController) -> None:
        main = c.window.extra_charts.main()
        await until(lambda: main.panel.bar_count > 50)
        menu = main.panel.interaction.context_menu(600.0)
        for extend in main.panel.interaction.menu_extensions:
            extend(menu, QPointF(0, 0))
        more = next(a.menu() for a in menu.actions() if a.text() == "More alerts")
        entries = {a.text(): a for a in more.actions()}
        entries["When price crosses VWAP"].trigger()
        levels = {a.text(): a for a in entries["When price crosses a key level"].menu().actions()}
        levels["PDH — prior-day high"].trigger()
        moves = {a.text(): a for a in entries["On a move from the prior close"].menu().actions()}
        moves["2 % either way"].trigger()
        alerts = c.engine.service(AlertsService)
        await until(lambda: len(alerts.alerts) == 3)
        kinds = {(a.condition, (a.params or {}).get("level"), a.price if a.condition == PCT_MOVE else None)
                 for a in alerts.alerts}
        assert kinds == {(VWAP_CROSS, None, None), (LEVEL_CROSS, "PDH", None), (PCT_MOVE, None, 2.0)}
        assert not main.panel.level_keys("alert")  # none of them is a horizontal line at a fixed price

    assert run_app(settings(tmp_path), scenario) == 0
