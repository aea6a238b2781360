"""The Coach panel's work through ``CoachService``: the conversations (loaded when the engine is
ready; new, rename, delete), a turn (the question, the reply streamed into the panel, its tool
cards, Stop), the app's state as the turn's context (the active symbol, the watchlist, the open
positions), and the cards' actions mapped to the app's intents — each only when the trader clicks:

* ``chart_levels``: the chart shows the card's symbol, then draws its levels (``DrawChartLevels``);
* ``show_on_chart``: the card's symbol becomes the active one;
* ``open_chain``: ``ShowChainNear`` (and ``FocusContract`` for an expiry); ``set_alert``:
  ``PrefillAlert``; ``track_setup``: the setup tracker's ``track``; ``show_position``:
  ``ShowPosition``; ``show_trades``: ``ShowTrades``.

``AskCoach`` (the "Ask the coach about …" menus) brings the panel forward and asks."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import shiboken6
from PySide6.QtCore import QObject

from app.core.coach import prompt
from app.core.coach.service import CoachError, CoachService
from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.intents import (
    AskCoach,
    ChartLevel,
    DrawChartLevels,
    FocusContract,
    PrefillAlert,
    ShowChainNear,
    ShowPosition,
    ShowTrades,
)
from app.ui.panel_host import PanelHost
from data.coach import CardAction, ToolCallRecord
from widgets.coach.panel import CoachPanel

LEVEL_GROUP = "coach"
LEVEL_COLORS = {"gamma flip": "#c77dff", "gex flip": "#c77dff", "call wall": "#26a69a", "put wall": "#ef5350"}
LEVEL_COLOR = "#8ab4f8"
UNAVAILABLE = "The coach is not available in this session."


def chart_levels(params: dict) -> tuple[ChartLevel, ...]:
    """The card's levels (``[{"label", "price"}]``) as chart lines, keyed by their labels."""
    lines = []
    for level in params.get("levels") or ():
        try:
            label, price = str(level["label"]), float(level["price"])
        except (KeyError, TypeError, ValueError):
            continue
        key = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or f"level{len(lines)}"
        lines.append(ChartLevel(key, price, label, LEVEL_COLORS.get(label.lower(), LEVEL_COLOR)))
    return tuple(lines)


class CoachController(QObject):
    def __init__(self, host: PanelHost, panel: CoachPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._cancel: asyncio.Event | None = None
        self._pending: str | None = None  # asked before the engine ran
        self._made: int | None = None  # the conversation a first question made, until the list selects it
        panel.new_requested.connect(self.new)
        panel.rename_requested.connect(self.rename)
        panel.delete_requested.connect(self.delete)
        panel.conversation_chosen.connect(self.choose)
        panel.send_requested.connect(self.send)
        panel.stop_requested.connect(self.stop)
        panel.action_requested.connect(self.act)
        symbol_actions.connect(host, panel.symbol_actions, "coach", panel.show_status)
        host.intents.handle(AskCoach, self.ask, panel="coach")

    @property
    def service(self) -> CoachService:
        return self.host.engine.service(CoachService)

    def _available(self) -> bool:
        try:
            self.host.engine.service(CoachService)
        except LookupError:
            return False
        return True

    def _say(self, message: str) -> None:
        if shiboken6.isValid(self.panel):
            self.panel.show_status(message)

    # -- conversations --------------------------------------------------------------------------
    def load(self, choose: int | None = None) -> None:
        if not self._available():
            self.panel.show_status(UNAVAILABLE)
            return

        async def run() -> None:
            conversations = await self.service.conversations()
            current = choose if choose is not None else self.panel.current_id
            if current not in {c.id for c in conversations}:
                current = conversations[0].id if conversations else None
            self.panel.set_conversations(conversations, current)
            self.panel.show_messages(await self.service.messages(current) if current is not None else [])
            if self._pending:
                text, self._pending = self._pending, None
                self.panel.ask(text)

        self.host.run(run(), self._say)

    def new(self) -> None:
        self._made = None
        async def run() -> None:
            conversation = await self.service.new()
            self.load(conversation.id)
        self.host.run(run(), self._say)

    def rename(self, conversation_id: int, title: str) -> None:
        async def run() -> None:
            await self.service.rename(conversation_id, title)
            self.load(conversation_id)
        self.host.run(run(), self._say)

    def delete(self, conversation_id: int) -> None:
        self._made = None
        async def run() -> None:
            await self.service.delete(conversation_id)
            self.load()
        self.host.run(run(), self._say)

    def choose(self, conversation_id: int) -> None:
        self._made = None
        async def run() -> None:
            messages = await self.service.messages(conversation_id)
            if self.panel.current_id == conversation_id:
                self.panel.show_messages(messages)
        self.host.run(run(), self._say)

    # -- a turn ---------------------------------------------------------------------------------
    def ask(self, intent: AskCoach) -> None:
        if not self.host.engine.started:
            self._pending = intent.text
            return
        self.panel.ask(intent.text)

    def context(self) -> tuple[str, str]:
        """The context message and the active symbol, as the app shows them now."""
        workspace = self.host.engine.service(Workspace)
        try:
            from app.core.positions.tracker import PositionTrackerService

            views = self.host.engine.service(PositionTrackerService).views
        except LookupError:
            views = ()
        symbol = workspace.active_symbol
        summary = prompt.positions_summary(views)
        return prompt.context_message(symbol, workspace.active_watchlist.symbols, summary), symbol

    def send(self, text: str) -> None:
        if not self._available():
            self.panel.show_status(UNAVAILABLE)
            return
        panel = self.panel
        panel.begin_turn(text)
        cancel = self._cancel = asyncio.Event()
        on_text, on_tool = self._streamed()

        async def run() -> None:
            # the one just made by this controller counts until the list shows it (a quick second question)
            conversation_id = panel.current_id if panel.current_id is not None else self._made
            if conversation_id is None:
                conversation_id = self._made = (await self.service.new()).id
            context, symbol = self.context()
            try:
                message = await self.service.ask(conversation_id, text, on_text=on_text, on_tool=on_tool,
                                                 cancel=cancel, context=context, active_symbol=symbol)
            except CoachError as exc:
                if shiboken6.isValid(panel):
                    panel.fail_turn(str(exc))
                return
            finally:
                if self._cancel is cancel:
                    self._cancel = None
            if not shiboken6.isValid(panel):
                return
            panel.finish_turn(message)
            self._relist(conversation_id)  # a new one, or titled from its first question

        def failed(message: str) -> None:
            if shiboken6.isValid(panel):
                panel.fail_turn(f"The coach could not answer: {message}")

        self.host.run(run(), failed)

    def _streamed(self):
        """The turn's callbacks: pieces and tool calls into the panel (while it exists)."""
        panel = self.panel

        def on_text(piece: str) -> None:
            if shiboken6.isValid(panel):
                panel.append_text(piece)

        def on_tool(record: ToolCallRecord) -> None:
            if shiboken6.isValid(panel):
                panel.add_tool(record)

        return on_text, on_tool

    def _relist(self, conversation_id: int) -> None:
        """The list again (a first question titles its conversation), the transcript kept."""
        async def run() -> None:
            conversations = await self.service.conversations()
            if shiboken6.isValid(self.panel) and not self.panel.streaming:
                self.panel.set_conversations(conversations, conversation_id)
        self.host.run(run(), self._say)

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    # -- card actions ---------------------------------------------------------------------------
    def act(self, action: CardAction) -> None:
        p, intents = action.params, self.host.intents
        symbol = str(p.get("symbol", "") or "")
        kind = action.kind
        if kind == "chart_levels":
            levels = chart_levels(p)

            async def run() -> None:
                if symbol:
                    await self.host.engine.service(Workspace).set_active_symbol(symbol)
                intents.request(DrawChartLevels(LEVEL_GROUP, levels))
            self.host.run(run(), self._say)
        elif kind == "show_on_chart":
            if symbol:
                self.host.run(self.host.engine.service(Workspace).set_active_symbol(symbol), self._say)
        elif kind == "open_chain":
            intents.request(ShowChainNear(symbol, float(p.get("strike", p.get("price", 0.0)))))
            if p.get("expiry"):
                intents.request(FocusContract(date.fromisoformat(str(p["expiry"])), float(p.get("strike", 0.0))))
        elif kind == "set_alert":
            intents.request(PrefillAlert(symbol, str(p.get("condition", "crosses")), float(p["price"]), "coach"))
        elif kind == "track_setup":
            self._track(p)
        elif kind == "show_position":
            intents.request(ShowPosition(int(p["position_id"])))
        elif kind == "show_trades":
            intents.request(ShowTrades(tuple(str(t) for t in p.get("trade_ids", ())), action.label))
        else:
            self._say(f"“{action.label}” is not something this app can do.")

    def _track(self, p: dict) -> None:
        from app.core.market_data import MarketDataService
        from app.core.setups.tracker import SetupTrackerService

        async def run() -> None:
            symbol, entry = str(p["symbol"]), float(p["entry"])
            try:
                quote = self.host.engine.service(MarketDataService).last_quotes.get(symbol)
            except LookupError:
                quote = None
            setup = await self.host.engine.service(SetupTrackerService).track(
                symbol, str(p["direction"]), entry, float(p["stop"]), tuple(float(t) for t in p["targets"]),
                reference=quote.last if quote is not None else entry, source="coach",
                detection_id=p.get("detection_id"))
            self._say(f"Tracking {setup.symbol} {setup.direction} from {setup.entry:,.2f} "
                      f"(stop {setup.stop:,.2f}); see Tracked setups.")

        self.host.run(run(), lambda message: self._say(f"Could not track the setup: {message}"))
