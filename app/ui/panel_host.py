"""What a panel builder gets: the engine, the Qt bridge, the cross-panel intents, a task runner
and app facts."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (the window's modules import this before the first paint; the engine's come after it)
    from app.core.engine import Engine
    from app.ui.bridge import QtBridge
    from app.ui.intents import Intents
    from app.ui.tasks import TaskRunner


@dataclass
class PanelHost:
    engine: Engine
    bridge: QtBridge
    intents: Intents
    tasks: TaskRunner
    data_dir: Path
    log_file: Path
    main_chart: Any = None  # the main chart's controller (set when it is built)
    focused_link: Any = None  # the chart clicked last (its ChartLink): the watchlist and symbol box drive its group
    # each options panel's link (its group: its chain is the group's symbol's), by panel name
    option_links: dict[str, Any] = field(default_factory=dict)

    async def open_symbol(self, text: str) -> str:
        """A symbol chosen in the watchlist or the symbol box: for the focused chart's link group
        (the active symbol when that is the main group, or no chart was clicked, or the Preferences
        send every choice to the main group: ``symbol_link_target``)."""
        from app.core.workspace import Workspace  # SQLAlchemy: after the first paint

        workspace = self.engine.service(Workspace)
        if self.focused_link is not None and workspace.preferences.get("symbol_link_target") != "main":
            return await self.focused_link.choose(text)
        return await workspace.set_active_symbol(text)

    def when_engine_ready(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` now if the engine is up, else once it has started."""
        if self.engine.started:
            callback()
        else:
            self.bridge.engine_started.connect(lambda _provider: callback())

    def run(self, coro: Coroutine[Any, Any, Any], on_error: Callable[[str], None] | None = None) -> None:
        """Run a workspace coroutine; a failure's message goes to ``on_error`` (e.g. inline)."""
        self.tasks.spawn(coro, (lambda exc: on_error(_user_message(exc))) if on_error else None)


def _user_message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
