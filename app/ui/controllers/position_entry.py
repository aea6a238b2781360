"""New positions: ``OpenPositionEntry`` opens the entry dialog, its OK records the position.

The dialog gets its underlying's chain off the GUI thread (``PositionChains.view``: the options
service's own snapshot when the underlying is the active symbol, with the chain panel's greeks;
fetched from the provider otherwise); a contract from the chain's menu opens it prefilled with that
contract bought or sold at its mid. OK calls ``PositionsService.open`` (source "chain" when the
dialog came from a contract of the chain, else "manual"); once recorded, the dialog closes and
``ShowPosition`` brings the new position forward. An error stays in the dialog, nothing typed lost.
Nothing is sent to a broker.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from analytics.positions import Leg
from app.core.option_chains import OptionChainService
from app.core.positions.chains import PositionChains
from app.core.positions.service import PositionsService
from app.ui.intents import OpenPositionEntry, ShowPosition
from app.ui.panel_host import PanelHost
from widgets.positions.entry_dialog import PositionEntryDialog


class PositionEntry(QObject):
    """A Qt child of ``owner`` (the panel whose builder made it); handles ``OpenPositionEntry``."""

    def __init__(self, host: PanelHost, owner: QWidget) -> None:
        super().__init__(owner)
        self.host, self.owner = host, owner
        self.dialog: PositionEntryDialog | None = None
        self.recorded: list[int] = []  # ids of the positions this controller recorded (newest last)
        host.intents.handle(OpenPositionEntry, self.open_entry)

    def open_entry(self, intent: OpenPositionEntry) -> PositionEntryDialog:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
        dialog = PositionEntryDialog(intent.symbol, intent.contract, intent.quantity, parent=self.owner.window())
        source = "chain" if intent.contract else "manual"
        dialog.submitted.connect(lambda symbol, legs, notes: self._record(dialog, symbol, legs, notes, source))
        dialog.symbol_requested.connect(lambda symbol: self._load(dialog, symbol))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self._load(dialog, intent.symbol)
        return dialog

    def _forget(self, dialog: PositionEntryDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _chains(self) -> PositionChains:
        ctx = self.host.engine.context
        if ctx is None:
            raise LookupError("The app is still starting; try again in a moment.")
        return PositionChains(lambda: ctx.current().provider, ctx.calendar,
                              lambda: self.host.engine.service(OptionChainService).latest)

    def _load(self, dialog: PositionEntryDialog, symbol: str) -> None:
        async def load() -> None:
            chains = self._chains()
            view = await chains.view(symbol)
            if not shiboken6.isValid(dialog) or dialog.symbol != symbol:
                return  # closed, or another symbol asked for meanwhile
            if view is None:
                dialog.set_unavailable(chains.problems.get(symbol, f"No option chain for {symbol} right now."))
            else:
                dialog.set_chain(view.chain, view.spot, view.greeks.iv)

        def failed(message: str) -> None:
            if shiboken6.isValid(dialog):
                dialog.set_unavailable(f"Could not load the {symbol} chain: {message}.")

        self.host.run(load(), failed)

    def _record(self, dialog: PositionEntryDialog, symbol: str, legs: tuple[Leg, ...], notes: str,
                source: str) -> None:
        async def run() -> None:
            record = await self.host.engine.service(PositionsService).open(symbol, legs, source=source, notes=notes)
            self.recorded.append(record.id)
            if shiboken6.isValid(dialog):
                dialog.accept()
            self.host.intents.request(ShowPosition(record.id))

        def failed(message: str) -> None:  # (unless the trader closed the dialog meanwhile)
            if shiboken6.isValid(dialog):
                dialog.show_error(message)

        self.host.run(run(), failed)
