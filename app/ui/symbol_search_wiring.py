"""The Ctrl+K box and the symbol search service (``app/core/symbol_search.py``).

What is typed is ranked at once by the service's ``local`` (no I/O), then answered in full off
the GUI thread through the app's task runner (the provider's search, 24 h cache). A chosen
symbol becomes the active one and the first of the recents; Ctrl+D or a star click stars it.
A failed search only logs: the rows already shown stay.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from data.symbol_catalog import Suggestion

if TYPE_CHECKING:  # the engine's modules load after the first paint
    from app.core.engine import Engine
    from app.core.symbol_search import SymbolSearch
    from app.ui.symbol_box import SymbolBox
    from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class SymbolSearchWiring:
    def __init__(self, box: SymbolBox, engine: Engine, tasks: TaskRunner) -> None:
        self._box, self._engine, self._tasks = box, engine, tasks
        self._offline = box.offline
        box.set_local(self.local)
        box.favourite_toggled.connect(self.toggle_favourite)

    def _service(self) -> SymbolSearch | None:
        if not self._engine.started:
            return None
        from app.core.symbol_search import SymbolSearch

        return self._engine.service(SymbolSearch)

    def local(self, text: str) -> list[Suggestion]:
        service = self._service()
        return service.local(text) if service is not None else self._offline(text)

    def search(self, text: str) -> None:
        """``search_requested``: the full answer, shown when the text is still the same."""
        if (service := self._service()) is None:
            return

        async def answer() -> None:
            self._box.set_suggestions(text, await service.suggest(text))

        self._tasks.spawn(answer(), lambda exc: log.warning("symbol search for %r failed: %s", text, exc))

    def choose(self, symbol: str) -> None:
        """``symbol_chosen``: the active symbol (refused ones are explained in the box), then a recent."""
        async def open_symbol() -> None:
            opened = await self.open_symbol(symbol)
            if (service := self._service()) is not None:
                await service.used(opened)

        self._tasks.spawn(open_symbol(), lambda exc: self._box.show_error(str(exc)))

    async def open_symbol(self, symbol: str) -> str:
        """Where a chosen symbol goes: the active symbol, until the app hands over the panel host's
        ``open_symbol`` (the focused chart's link group)."""
        from app.core.workspace import Workspace  # SQLAlchemy: after the first paint

        return await self._engine.service(Workspace).set_active_symbol(symbol)

    def toggle_favourite(self, symbol: str) -> None:
        if (service := self._service()) is None:
            return
        text = self._box.text()

        async def toggle() -> None:
            await service.toggle_favourite(symbol)
            self._box.set_suggestions(text, service.local(text))  # the star at once
            self._box.set_suggestions(text, await service.suggest(text))

        self._tasks.spawn(toggle(), lambda exc: self._box.show_error(str(exc)))
