"""What every options panel subscribes to: the active symbol's snapshots and "no options".

Two habits keep a big chain from freezing the window: each panel renders in its own turn of
the event loop (input and repaints run in between, so a stall is one panel's work, not the
sum), and a panel that is not on screen (a background tab, a hidden dock) keeps only the
newest snapshot and renders it when it is shown. What a panel shows beyond the snapshot (a
heatmap grid, the IV rank, 0DTE numbers) it asks the core's view services for; ``NewestView``
shows only the answer to its newest question.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

from app.core.option_chains import OptionChainService
from app.ui.panel_host import PanelHost
from data.store.preference_specs import LINK_GROUPS

log = logging.getLogger(__name__)
V = TypeVar("V")


class _OnScreenWatcher(QObject):
    """Calls ``on_change(on_screen)`` after the watched widget is shown or hidden, and after the
    dock it sits in is shown, hidden, or brought to the front or sent back among tabs (a dock in
    a background tab stays ``isVisible()``: it is only moved off screen)."""

    def __init__(self, widget: QWidget, on_change: Callable[[bool], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._on_change = on_change
        self._dock: QDockWidget | None = None
        widget.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ParentChange:
            self._follow_dock()
        if kind in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.ParentChange):
            self._changed()
        return False

    def _follow_dock(self) -> None:
        dock = self._widget.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not self._dock:
            if self._dock is not None:
                self._dock.visibilityChanged.disconnect(self._changed)
            self._dock = dock
            if dock is not None:
                dock.visibilityChanged.connect(self._changed)

    def _changed(self, *_visible: bool) -> None:
        QTimer.singleShot(0, self, self.report)  # once the layout has placed it

    def report(self) -> None:
        self._on_change(on_screen(self._widget))


def on_screen(widget: QWidget) -> bool:
    """Shown and not hidden behind another tab (a minimised window still counts as on screen)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def watch_on_screen(widget: QWidget, on_change: Callable[[bool], None]) -> None:
    """Call ``on_change(on_screen(widget))`` each time ``widget`` may have come on screen or left
    it: shown or hidden, its dock opened, closed, or its tab brought to the front or sent back."""
    watchers = widget.__dict__.setdefault("_on_screen_watchers", [])  # kept alive with the widget
    watchers.append(_OnScreenWatcher(widget, on_change))


class _Turns:
    """Runs queued renders one per turn of the event loop: posted together, the panels' renders
    ran in one batch of Qt's queued calls, so input and timers waited for their sum; chained,
    the loop runs in between and a stall is one panel's render."""

    def __init__(self) -> None:
        self._queued: list[Callable[[], None]] = []

    def queue(self, render: Callable[[], None]) -> None:
        self._queued.append(render)
        if len(self._queued) == 1:
            QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        render = self._queued[0]
        try:
            render()
        finally:
            del self._queued[0]
            if self._queued:
                QTimer.singleShot(0, self._next)  # posted after this turn: the loop runs first


_TURNS = _Turns()


def follow_options(host: PanelHost, panel: QWidget, on_snapshot: Callable[[Any], None],
                   on_unavailable: Callable[[str, str], None]) -> None:
    """Call ``on_snapshot(OptionsSnapshot)`` for each fresh chain of the symbol the panel's link
    group shows (``options_link``: the active symbol in the main group; late answers for a previous
    symbol are dropped), starting with the latest one if the engine already has it, and
    ``on_unavailable(symbol, reason)`` when there is no chain. Rendering waits until ``panel`` is on
    screen — not behind another tab, not in a closed dock — (the first snapshot excepted: it fills
    the panel)."""
    _OptionsFeed(host, panel, on_snapshot, on_unavailable)


class _OptionsFeed(QObject):
    def __init__(self, host: PanelHost, panel: QWidget, on_snapshot: Callable[[Any], None],
                 on_unavailable: Callable[[str, str], None]) -> None:
        super().__init__(panel)  # (lives as long as the panel)
        self._host, self._panel = host, panel
        self._on_snapshot, self._on_unavailable = on_snapshot, on_unavailable
        self._waiting: Any = None  # the newest snapshot not yet rendered
        self._link = options_link(host, panel)
        self._link.changed.connect(self._retarget)
        watch_on_screen(panel, lambda shown: self._render() if shown else None)
        host.bridge.options_updated.connect(self._snapshot)
        host.bridge.options_unavailable.connect(self._unavailable)
        host.when_engine_ready(self._initial)

    def _render(self) -> None:
        snap, self._waiting = self._waiting, None
        if snap is not None and snap.symbol == self._link.symbol():
            self._on_snapshot(snap)

    def _snapshot(self, snap: Any) -> None:
        if snap.symbol != self._link.symbol():
            return
        already_queued = self._waiting is not None
        self._waiting = snap  # only the newest matters
        if not already_queued and (on_screen(self._panel) or not self._panel.is_ready()):
            _TURNS.queue(self._render)  # a turn of its own

    def _unavailable(self, symbol: str, reason: str) -> None:
        if symbol != self._link.symbol():
            return  # another group's symbol
        self._waiting = None
        self._on_unavailable(symbol, reason)

    def _initial(self) -> None:
        service, symbol = self._host.engine.service(OptionChainService), self._link.symbol()
        latest = service.latest_of(symbol)
        if latest is not None:
            self._snapshot(latest)
        elif symbol in service.unavailable:  # said before this panel was built
            self._unavailable(symbol, service.unavailable[symbol])

    def _retarget(self, symbol: str) -> None:
        """The panel's group (or its symbol) changed: the new symbol's chain, or a word while it loads."""
        self._waiting = None
        if not self._host.engine.started:
            return
        service = self._host.engine.service(OptionChainService)
        if self._link.group != LINK_GROUPS[0] and service.latest_of(symbol) is None:
            self._on_unavailable(symbol, f"Loading the {symbol} option chain…")  # (red: the active one's comes at once)
        self._initial()


def options_link(host: PanelHost, panel: QWidget):
    """The panel's link (``ChartLink``), made once per panel with its colour button in the panel's
    ``header`` and registered as an options panel, so the core makes its group's symbol's chain;
    ``host.option_links`` lists them (layouts save their groups). An options panel is always in a
    group (the watchlist drives charts; a panel of its own symbol would have no way to choose it)."""
    existing = getattr(panel, "options_link", None)
    if existing is not None:
        return existing
    from app.ui.controllers.chart_link import ChartLink
    from widgets.link_button import LinkButton

    name = type(panel).__name__
    link = panel.options_link = ChartLink(host, name, options=True, parent=panel)
    button = panel.link_button = LinkButton(LINK_GROUPS, panel, allow_none=False)
    header = panel.header
    (header.layout() if isinstance(header, QWidget) else header).addWidget(button)

    def chosen(group: str) -> None:
        link.set_group(group, "")
        button.set_group(link.group)

    button.group_chosen.connect(chosen)
    host.option_links[name] = link
    return link


class NewestView(Generic[V]):
    """Shows a core view, unless a newer request (or ``drop()``, e.g. on "no options") came
    meanwhile: a slow answer for an old snapshot never overwrites a new one.

    ``ready`` (optional) returns the view if the core has it already: then it is shown at once,
    else it is awaited and also looked for once more in the next Qt turn — a view the core
    started computing as the snapshot was published is usually done by then, while the awaited
    answer would wait behind the other panels' renders."""

    def __init__(self, host: PanelHost, show: Callable[[V], None],
                 on_error: Callable[[str], None] | None = None) -> None:
        self._host = host
        self._show = show
        self._on_error = on_error
        self._ticket = 0

    def request(self, ask: Callable[[], Coroutine[Any, Any, V | None]],
                ready: Callable[[], V | None] | None = None) -> None:
        self._ticket += 1
        ticket = self._ticket
        if ready is not None and self._deliver(ticket, ready()):
            return
        # asked inside the task: one cancelled before it starts (at quit) leaves no coroutine unawaited
        self._host.run(self._await(ask, ticket), self._on_error)
        if ready is not None:
            QTimer.singleShot(0, lambda: self._deliver(ticket, ready()))

    def drop(self) -> None:
        self._ticket += 1

    def _deliver(self, ticket: int, view: V | None) -> bool:
        if view is None or ticket != self._ticket:
            return False
        self._ticket += 1  # answered: the same answer arriving the other way is not shown twice
        self._show(view)
        return True

    async def _await(self, ask: Callable[[], Coroutine[Any, Any, V | None]], ticket: int) -> None:
        try:
            result = await ask()
        except Exception:
            if ticket == self._ticket:
                raise
            log.info("an outdated view failed", exc_info=True)  # a newer request answers
            return
        self._deliver(ticket, result)
