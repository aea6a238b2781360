"""The chart's controller: what it loads and when, which live bars and quotes reach it, its
overlays at each bar close, the alert lines and markers, and its cross-panel intents; tracked
setups and detections are ``ChartSetups``'.

``AddChartMarker`` for the shown symbol is drawn at once; every one is also kept per symbol
(the newest ``MAX_KEPT_MARKERS``), so a marker for another symbol appears when the chart shows
that symbol, and a symbol's markers come back when the chart returns to it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject

from app.core.alerts import AlertsService
from app.core.chart_data import ChartDataService
from app.core.events import AlertTriggered
from app.core.market_data import MarketDataService
from app.core.snapshots import ChartSnapshot
from app.core.workspace import Workspace
from app.ui.controllers.chart_alert_kinds import ChartAlertKinds
from app.ui.controllers.chart_drawings import ChartDrawings
from app.ui.controllers.chart_link import ChartLink
from app.ui.controllers.chart_setups import ChartSetups
from app.ui.intents import AddChartMarker, AskCoach, DrawChartLevels, PrefillAlert, ShowChainNear, TrackSetupAt
from app.ui.panel_host import PanelHost
from data.market_calendar import MarketCalendar, SessionState
from data.models import Bar, Bars, Quote, Timeframe
from data.store.preference_specs import LINK_GROUPS
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.markers import Marker
from widgets.chart.palette import COLORS
from widgets.link_button import LinkButton

log = logging.getLogger(__name__)
MAX_KEPT_MARKERS = 500  # per symbol
# the alert line's tag on the price axis, short so it fits the axis (DejaVu has these arrows)
ALERT_SIGNS = {"crosses": "↕", "above": "↑", "below": "↓"}
# context-menu entry -> the intent it requests
MENU_REQUESTS = {"chain": ShowChainNear, "alert": PrefillAlert, "coach": AskCoach}


class ChartController(QObject):
    """Owned by its panel (a Qt child), so it lives exactly as long as the chart."""

    def __init__(self, host: PanelHost, panel: ChartPanel, link: ChartLink | None = None, primary: bool = True) -> None:
        """``primary``: the chart the cross-panel intents (levels, markers) are drawn on."""
        super().__init__(panel)
        self.host = host
        self.panel = panel
        self.link = link or ChartLink(host, panel.objectName() or "chart", parent=self)
        self._primary = primary
        self._request = 0  # the newest load; older results are dropped
        self._overlay_job = False  # an overlay refresh is running
        self._kept: dict[str, deque[AddChartMarker]] = {}  # symbol -> its markers, oldest first
        self._connect()
        self.setups = ChartSetups(host, panel)  # after _connect: it extends the menu's requests
        if primary:
            host.intents.handle(TrackSetupAt, self.setups.track_at, panel=panel.objectName() or "chart")
        self.drawings = ChartDrawings(host, panel)
        ChartAlertKinds(host, panel)  # VWAP, key-level and percent-move alerts in the menu
        host.when_engine_ready(self.initial)

    def _connect(self) -> None:
        host, panel, bridge = self.host, self.panel, self.host.bridge
        bridge.alerts_changed.connect(self.sync_alert_lines)
        bridge.alert_triggered.connect(self.alert_triggered)
        bridge.preference_changed.connect(self._preference_changed)
        bridge.provider_changed.connect(self._provider_changed)
        self.link.changed.connect(self.load)
        self.link_button = LinkButton(LINK_GROUPS)
        self.link_button.set_group(self.link.group)
        self.link_button.group_chosen.connect(self._group_chosen)
        panel.toolbar.addWidget(self.link_button)
        panel.layout_widget.viewport().installEventFilter(self)  # a click makes it the focused chart
        bridge.bar_updated.connect(self.on_bar)
        bridge.quotes_updated.connect(self.on_quotes)
        panel.alert_requested.connect(self.alert_requested)
        panel.level_moved.connect(self.level_moved)
        panel.level_remove_requested.connect(self.level_remove)
        panel.timeframe_changed.connect(lambda tf: self.load(timeframe=tf))
        panel.extended_hours_changed.connect(self.extended_hours_changed)
        panel.pane_sizes_changed.connect(self.pane_sizes_changed)
        panel.view_options.changed.connect(lambda shown: setattr(self.link, "shown", list(shown)))
        panel.alert_details_requested.connect(
            lambda p: host.intents.request(PrefillAlert(panel.symbol, "crosses", p, "chart")))
        panel.chain_requested.connect(lambda p: host.intents.request(ShowChainNear(panel.symbol, p)))
        panel.interaction.coach_requested.connect(lambda text: host.intents.request(AskCoach(text)))
        panel.can_request = lambda what: what in MENU_REQUESTS and host.intents.handles(MENU_REQUESTS[what])
        if self._primary:
            host.main_chart = self  # other charts' layout entries and the focus start from it
            host.intents.handle(DrawChartLevels, self.draw_levels)
            host.intents.handle(AddChartMarker, self.add_marker)

    def _group_chosen(self, group: str) -> None:
        try:
            self.link.set_group(group, self.panel.symbol)
        except ValueError as exc:  # the shown symbol is not one the provider has (SymbolError)
            self._say(str(exc))
        self.link_button.set_group(self.link.group)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.MouseButtonPress:
            self.host.focused_link = self.link  # the watchlist and the symbol box now drive its group
        return False

    # -- services (rebuilt by the engine on a provider switch: looked up each time) ---------------
    def _chart_data(self) -> ChartDataService:
        return self.host.engine.service(ChartDataService)

    def _workspace(self) -> Workspace:
        return self.host.engine.service(Workspace)

    def _alerts(self) -> AlertsService:
        return self.host.engine.service(AlertsService)

    def _calendar(self) -> MarketCalendar | None:
        context = self.host.engine.context
        return context.calendar if context else None

    def _last_quote(self, symbol: str) -> Quote | None:
        try:
            return self.host.engine.service(MarketDataService).last_quotes.get(symbol)
        except LookupError:  # no market data service (yet)
            return None

    def _or_minutes(self) -> int:
        return int(self._workspace().preferences.get("opening_range_minutes", 15))

    def _say(self, text: str) -> None:
        self.panel.status.setText(text)

    # -- loading -----------------------------------------------------------------------------
    def initial(self) -> None:
        prefs = self._workspace().preferences
        self.panel.set_timeframe(self.link.timeframe or prefs.get("default_timeframe", "5m"))
        shown = self.link.shown
        self.panel.view_options.show_only(shown if shown is not None else prefs.get("chart_default_overlays", ()))
        self.panel.set_extended_hours(bool(prefs.get("chart_extended_hours", False)))
        self.panel.panes.layout.set_shares(str(prefs.get("chart_pane_sizes", "")))
        self.show_source()
        self.load()

    def _provider_changed(self, _name: str) -> None:
        self.show_source()
        self.load()

    def show_source(self) -> None:
        """The header names the data source and marks a simulated clock (demo, replay)."""
        context = self.host.engine.context
        provider = context.provider if context else None
        if provider is not None:
            self.panel.header.update_state(source=provider.name, simulated=bool(provider.clock.simulated))

    def pane_sizes_changed(self, shares: str) -> None:
        self.host.run(self._workspace().set_preference("chart_pane_sizes", shares),
                      lambda msg: self._say(f"Could not save the pane sizes: {msg}"))

    def load(self, symbol: str | None = None, timeframe: str | None = None) -> None:
        if not self.host.engine.started:  # (the workspace's symbol, set as the engine starts:
            return                        # ``initial`` loads once it is up, or it loaded twice)
        panel = self.panel
        symbol = symbol or self.link.symbol()
        tf = Timeframe.parse(timeframe or panel.timeframe.value)
        self._request = token = self._request + 1
        self._say(f"Loading {symbol} {tf.value}…")

        async def run() -> None:
            snap: ChartSnapshot = await self._chart_data().load(symbol, tf, self._or_minutes(), panel.extended_hours)
            if token == self._request:  # apply only the newest request
                fresh = symbol != panel.symbol or not panel.bar_count  # no markers of this symbol drawn
                panel.set_bars(symbol, snap.bars, snap.overlays, snap.dropped, snap.forming_minutes)
                if fresh:
                    panel.add_markers(self._placed(self._kept.get(symbol, ())))
                quote = self._last_quote(symbol)
                if quote is not None:  # header and pre/post tag at once, not at the next quote
                    self.on_quotes([quote])
                self.sync_alert_lines()
                self.setups.symbol_shown()
                self.drawings.symbol_shown()

        self.host.run(run(), lambda msg: self._say(f"Could not load {symbol}: {msg}"))

    def _preference_changed(self, key: str, _value: object) -> None:
        if key == "opening_range_minutes" and self.panel.bar_count:
            self.load()

    def extended_hours_changed(self, on: bool) -> None:
        self.load()
        self.host.run(self._workspace().set_preference("chart_extended_hours", on),
                      lambda msg: self._say(f"Could not save the extended-hours choice: {msg}"))

    # -- live --------------------------------------------------------------------------------
    def shows(self, bar: Bar) -> bool:
        """Whether a live minute belongs on the chart: regular-session minutes always; pre-market
        and after-hours ones only with extended hours on an intraday timeframe."""
        if self.panel.extended_hours and self.panel.timeframe.is_intraday:
            return True
        calendar = self._calendar()
        return calendar is None or calendar.status(datetime.fromtimestamp(bar.ts, UTC)).state is SessionState.REGULAR

    def on_bar(self, bar: Bar) -> None:
        if bar.symbol != self.panel.symbol or not self.shows(bar):
            return
        self.panel.apply_bar(bar)
        if bar.closed and not self._overlay_job:
            self._overlay_job = True
            self.host.run(self.refresh_overlays())

    async def refresh_overlays(self) -> None:
        panel = self.panel
        try:
            panel.flush_live()  # the bar that just closed is still queued: compute with it
            bars = Bars(panel.symbol, panel.timeframe, *panel.arrays())
            overlays = await self._chart_data().overlays_for(bars, self._or_minutes())
            # a bar appended meanwhile (a fast replay) does not void them: they cover the bars
            # before it, and dropping them left the lines and the readout bars behind for good
            if self._still_shows(bars):
                panel.set_overlays(overlays)  # (with the key levels of the bar's session)
        finally:
            self._overlay_job = False

    def _still_shows(self, bars: Bars) -> bool:
        """The chart still starts with ``bars`` (no reload, seek or symbol change since)."""
        panel, n = self.panel, len(bars)
        if panel.symbol != bars.symbol or panel.timeframe is not bars.timeframe or not 0 < n <= panel.bar_count:
            return False
        ts = panel.live.ts
        return int(ts[0]) == int(bars.ts[0]) and int(ts[n - 1]) == int(bars.ts[-1])

    def on_quotes(self, quotes: list[Quote]) -> None:
        """Outside the regular session, a regular-hours chart's last bar is the close: the live
        pre-market / after-hours price gets its own tag."""
        panel = self.panel
        quote = next((q for q in quotes if q.symbol == panel.symbol), None)
        if quote is not None:
            self._show_quote(quote)
        calendar = self._calendar()
        if quote is None or calendar is None:
            return
        state = calendar.status(datetime.fromtimestamp(quote.ts, UTC)).state
        extended = panel.extended_hours and panel.timeframe.is_intraday
        if state in (SessionState.PRE, SessionState.AFTER) and not extended:
            panel.set_extended_price(quote.last, "pre" if state is SessionState.PRE else "post")
        else:
            panel.set_extended_price(None)

    def _show_quote(self, quote: Quote | None) -> None:
        if quote is None or quote.symbol != self.panel.symbol:
            return
        has_prev = quote.prev_close > 0
        self.panel.header.update_state(last=quote.last, change=quote.change if has_prev else float("nan"),
                                       change_pct=quote.change_pct if has_prev else float("nan"))

    # -- alerts and levels -------------------------------------------------------------------
    def sync_alert_lines(self, *_args: object) -> None:
        panel = self.panel
        wanted = {f"alert:{a.id}": a for a in self._alerts().alerts  # a trend alert's line is its drawing
                  if a.symbol == panel.symbol and a.status == "active" and a.condition in ALERT_SIGNS}
        for key in panel.level_keys("alert"):
            if key not in wanted:
                panel.remove_level(key)
        for key, a in wanted.items():
            panel.add_level(key, a.price, f"Alert {ALERT_SIGNS.get(a.condition, a.condition)}", COLORS["alert"],
                            draggable=True)

    def alert_requested(self, condition: str, price: float) -> None:
        symbol = self.panel.symbol

        async def run() -> None:
            alert = await self._alerts().create(symbol, condition, price, source="chart")
            self._say(f"Alert set: {alert.symbol} {condition} {price:,.2f}")

        self.host.run(run(), lambda msg: self._say(f"Alert not set: {msg}"))

    def level_moved(self, key: str, price: float) -> None:
        if key.startswith("alert:"):
            self.host.run(self._alerts().update(int(key.split(":")[1]), price=price),
                          lambda msg: self._say(f"Alert not moved: {msg}"))

    def level_remove(self, key: str) -> None:
        if key.startswith("alert:"):
            self.host.run(self._alerts().delete(int(key.split(":")[1])),
                          lambda msg: self._say(f"Alert not removed: {msg}"))

    def alert_triggered(self, event: AlertTriggered) -> None:
        """A marker on the bar of the trigger's time, kept with its symbol's markers: drawn now
        only when the chart shows that symbol (another's comes back when its chart does)."""
        alert, trigger = event.alert, event.trigger
        self.add_marker(AddChartMarker(alert.symbol, int(trigger.triggered_at.timestamp()), trigger.price,
                                       f"Alert {alert.condition} {alert.price:,.2f}", COLORS["alert"]))

    def draw_levels(self, intent: DrawChartLevels) -> None:
        for key in self.panel.level_keys(intent.group):
            self.panel.remove_level(key)
        if intent.symbol and intent.symbol != self.panel.symbol:
            return  # another symbol's levels (e.g. a GEX panel of another link group): none drawn here
        for level in intent.levels:
            self.panel.add_level(f"{intent.group}:{level.key}", level.price, level.label, level.color)

    def add_marker(self, intent: AddChartMarker) -> None:
        kept = self._kept.setdefault(intent.symbol, deque(maxlen=MAX_KEPT_MARKERS))
        kept.append(intent)
        if intent.symbol == self.panel.symbol and self.panel.bar_count:
            self.panel.add_markers(self._placed([intent]))

    def _placed(self, intents: Iterable[AddChartMarker]) -> list[Marker]:
        """The markers on the bars shown (one before the first bar is left out, as on a reload)."""
        placed = ((i, self.panel.marker_index(i.ts)) for i in intents)
        return [Marker(i.ts, index, i.price, i.text, i.color) for i, index in placed if index >= 0]
