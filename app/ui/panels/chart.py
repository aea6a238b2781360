"""Wire the chart panel: loads on symbol/timeframe change, live minute bars, overlay refresh."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from app.core.alerts import AlertsService
from app.core.chart_data import ChartDataService
from app.core.snapshots import ChartSnapshot
from app.core.workspace import Workspace
from app.ui.intents import DrawChartLevels, PrefillAlert, ShowChainNear
from app.ui.panel_host import PanelHost
from data.market_calendar import SessionState
from data.models import Bar, Bars, Quote, Timeframe
from widgets.chart.chart_panel import COLORS, ChartPanel

log = logging.getLogger(__name__)


def build(host: PanelHost) -> ChartPanel:
    panel = ChartPanel()
    state: dict[str, object] = {"request": 0, "overlay_job": None}

    def service() -> ChartDataService:
        return host.engine.service(ChartDataService)  # rebuilt by the engine on a provider switch

    def workspace() -> Workspace:
        return host.engine.service(Workspace)

    def alerts() -> AlertsService:
        return host.engine.service(AlertsService)

    def or_minutes() -> int:
        return int(workspace().preferences.get("opening_range_minutes", 15))

    def shows(bar: Bar) -> bool:
        """Whether a live minute belongs on the chart: regular-session minutes always; pre-market
        and after-hours ones only with extended hours on an intraday timeframe."""
        if panel.extended_hours and panel.timeframe.is_intraday:
            return True
        calendar = host.engine.context.calendar if host.engine.context else None
        return calendar is None or calendar.status(datetime.fromtimestamp(bar.ts, UTC)).state is SessionState.REGULAR

    def load(symbol: str | None = None, timeframe: str | None = None) -> None:
        symbol = symbol or workspace().active_symbol
        tf = Timeframe.parse(timeframe or panel.timeframe.value)
        state["request"] = token = int(state["request"]) + 1
        panel.status.setText(f"Loading {symbol} {tf.value}…")

        async def run() -> None:
            snap: ChartSnapshot = await service().load(symbol, tf, or_minutes(), panel.extended_hours)
            if token == state["request"]:  # apply only the newest request
                panel.set_bars(symbol, snap.bars, snap.overlays, snap.dropped, list(snap.forming_minutes))
                sync_alert_lines()

        host.run(run(), lambda msg: panel.status.setText(f"Could not load {symbol}: {msg}"))

    def on_quotes(quotes: list[Quote]) -> None:
        """Outside the regular session, a regular-hours chart's last bar is the close: the live
        pre-market / after-hours price gets its own tag."""
        quote = next((q for q in quotes if q.symbol == panel.symbol), None)
        calendar = host.engine.context.calendar if host.engine.context else None
        if quote is None or calendar is None:
            return
        state = calendar.status(datetime.fromtimestamp(quote.ts, UTC)).state
        extended = panel.extended_hours and panel.timeframe.is_intraday
        if state in (SessionState.PRE, SessionState.AFTER) and not extended:
            panel.set_extended_price(quote.last, "pre" if state is SessionState.PRE else "post")
        else:
            panel.set_extended_price(None)

    def on_bar(bar: Bar) -> None:
        if bar.symbol != panel.symbol or not shows(bar):
            return
        panel.apply_bar(bar)
        if bar.closed and state["overlay_job"] is None:
            state["overlay_job"] = True
            host.run(refresh_overlays())

    async def refresh_overlays() -> None:
        try:
            ts, o, h, l, c, v = panel.arrays()
            bars = Bars(panel.symbol, panel.timeframe, ts, o, h, l, c, v)
            overlays = await service().overlays_for(bars, None, or_minutes())
            if panel.bar_count == len(bars):
                levels = panel.current_levels()
                panel.set_overlays(overlays.with_levels(levels))
        finally:
            state["overlay_job"] = None

    def initial() -> None:
        panel.set_timeframe(workspace().preferences.get("default_timeframe", "5m"))
        panel.set_extended_hours(bool(workspace().preferences.get("chart_extended_hours", False)))
        load()

    def extended_hours_changed(on: bool) -> None:
        load()
        host.run(workspace().set_preference("chart_extended_hours", on),
                 lambda msg: panel.status.setText(f"Could not save the extended-hours choice: {msg}"))

    def sync_alert_lines(*_args: object) -> None:
        wanted = {f"alert:{a.id}": a for a in alerts().alerts if a.symbol == panel.symbol and a.status == "active"}
        for key in panel.level_keys("alert"):
            if key not in wanted:
                panel.remove_level(key)
        for key, a in wanted.items():
            panel.add_level(key, a.price, f"Alert {a.condition}", COLORS["alert"], draggable=True)

    def alert_requested(condition: str, price: float) -> None:
        async def run() -> None:
            alert = await alerts().create(panel.symbol, condition, price, source="chart")
            panel.status.setText(f"Alert set: {alert.symbol} {condition} {price:,.2f}")

        host.run(run(), lambda msg: panel.status.setText(f"Alert not set: {msg}"))

    def level_moved(key: str, price: float) -> None:
        if key.startswith("alert:"):
            host.run(alerts().update(int(key.split(":")[1]), price=price),
                     lambda msg: panel.status.setText(f"Alert not moved: {msg}"))

    def level_remove(key: str) -> None:
        if key.startswith("alert:"):
            host.run(alerts().delete(int(key.split(":")[1])),
                     lambda msg: panel.status.setText(f"Alert not removed: {msg}"))

    def alert_triggered(event: object) -> None:
        alert, trigger = event.alert, event.trigger  # type: ignore[attr-defined]
        if alert.symbol == panel.symbol and panel.bar_count:
            index = panel.index_of_time(int(trigger.triggered_at.timestamp()))
            panel.add_marker(index, trigger.price, f"⏰ {alert.condition} {alert.price:,.2f}", COLORS["alert"])

    host.bridge.alerts_changed.connect(sync_alert_lines)
    host.bridge.alert_triggered.connect(alert_triggered)
    panel.alert_requested.connect(alert_requested)
    panel.level_moved.connect(level_moved)
    panel.level_remove_requested.connect(level_remove)
    def draw_levels(intent: DrawChartLevels) -> None:
        for key in panel.level_keys(intent.group):
            panel.remove_level(key)
        for level in intent.levels:
            panel.add_level(f"{intent.group}:{level.key}", level.price, level.label, level.color)

    host.bridge.preference_changed.connect(
        lambda key, _v: load() if key == "opening_range_minutes" and panel.bar_count else None)
    panel.alert_details_requested.connect(
        lambda p: host.intents.request(PrefillAlert(panel.symbol, "crosses", p, "chart")))
    host.intents.handle(DrawChartLevels, draw_levels)
    host.bridge.provider_changed.connect(lambda _name: load())
    host.bridge.active_symbol_changed.connect(load)
    host.bridge.bar_updated.connect(on_bar)
    host.bridge.quotes_updated.connect(on_quotes)
    panel.timeframe_changed.connect(lambda tf: load(timeframe=tf))
    panel.extended_hours_changed.connect(extended_hours_changed)
    panel.chain_requested.connect(lambda p: host.intents.request(ShowChainNear(panel.symbol, p)))
    panel.can_request = lambda what: what == "chain" and host.intents.handles(ShowChainNear)
    host.when_engine_ready(initial)
    return panel
