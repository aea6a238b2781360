"""An alert far from the price asks first, in the running app: typed in the alerts panel or
prefilled from the chart's "Alert details…" (PrefillAlert)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.core.alerts import AlertsService
from app.core.market_data import MarketDataService
from app.ui.intents import PrefillAlert
from tests.gui_helpers import run_app, settings, until


def test_a_far_alert_asks_and_both_answers_work(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        quotes = c.engine.service(MarketDataService).last_quotes
        await until(lambda: "SPY" in quotes, 30)
        panel, alerts = c.window.panels["alerts"], c.engine.service(AlertsService)
        far = round(quotes["SPY"].last * 8.4, 2)
        c.intents.request(PrefillAlert("SPY", "crosses", far, "chart"))  # the chart's "Alert details…"
        assert panel.price.text() == f"{far:.2f}"
        panel.create_button.click()
        box = panel.far_question
        assert box is not None and box.isVisible() and "SPY is at" in box.text() and "% away" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        assert panel.price.text() == f"{far:.2f}" and panel.symbol.text() == "SPY"
        assert not any(a.price == far for a in alerts.alerts)
        panel.create_button.click()
        panel.far_question.button(QMessageBox.StandardButton.Yes).click()
        await until(lambda: any(a.symbol == "SPY" and a.price == far for a in alerts.alerts))
        near = round(quotes["SPY"].last * 1.01, 2)  # close to the price: set without a question
        panel.symbol.setText("SPY")
        panel.price.setText(f"{near:.2f}")
        panel.create_button.click()
        assert panel.far_question is None
        await until(lambda: any(a.price == near for a in alerts.alerts))

    assert run_app(settings(tmp_path), scenario) == 0
