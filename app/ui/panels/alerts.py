"""Wire the alerts panel to the alerts service; other panels prefill it (``PrefillAlert``)."""

from __future__ import annotations

from collections.abc import Callable

from app.core.alert_distance import far_alert
from app.core.alerts import AlertsService
from app.core.market_data import MarketDataService
from app.ui.intents import PrefillAlert
from app.ui.panel_host import PanelHost
from widgets.alerts_panel import AlertsPanel


def far_question(host: PanelHost) -> Callable[[str, float], str | None]:
    """The panel's check before it sets an alert (typed, edited, or prefilled by another panel):
    a question when the price is far from the symbol's last quote (rule: app/core/alert_distance)."""

    def ask(symbol: str, price: float) -> str | None:
        quotes = host.engine.service(MarketDataService).last_quotes if host.engine.started else {}
        quote = quotes.get(symbol)
        far = far_alert(symbol, price, quote.last if quote is not None else None)
        return far.question() if far is not None else None

    return ask


def build(host: PanelHost) -> AlertsPanel:
    panel = AlertsPanel()
    panel.far_question_for = far_question(host)

    def service() -> AlertsService:
        return host.engine.service(AlertsService)

    def show_history(alert_id: int) -> None:
        async def run() -> None:
            panel.set_history(await service().history(alert_id))

        host.run(run(), panel.show_error)

    def created(values: dict) -> None:
        async def run() -> None:
            alert = await service().create(values["symbol"], values["condition"], values["price"],
                                           repeat=values["repeat"], source=values["source"], notes=values["notes"])
            panel.clear_form()
            panel.status_filter.setCurrentText("active")
            if (row := panel.model.row_of(alert.id)) is not None:
                panel.table.selectRow(row)

        host.run(run(), panel.show_error)

    host.bridge.alerts_changed.connect(lambda e: panel.set_alerts(list(e.alerts)))
    host.bridge.alert_triggered.connect(
        lambda e: show_history(e.alert.id) if panel.selected_id() == e.alert.id else None)
    panel.create_requested.connect(created)
    panel.update_requested.connect(lambda i, v: host.run(service().update(i, **v), panel.show_error))
    panel.delete_requested.connect(lambda i: host.run(service().delete(i), panel.show_error))
    panel.alert_selected.connect(show_history)
    host.intents.handle(PrefillAlert, lambda i: panel.prefill(i.symbol, i.condition, i.price, source=i.source),
                        panel="alerts")
    host.when_engine_ready(lambda: panel.set_alerts(list(service().alerts)))
    return panel
